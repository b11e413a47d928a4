"""Fragments of one logical table across pages; the table's caption above or below it."""

from __future__ import annotations

from dataclasses import dataclass

from ..model import Paragraph, RawTable
from .grid import _Grid
from .headers import _same_header
from .model import TableKind
from .text import _ATTACHMENT_LABEL, _PAGE_FURNITURE, clean_text


@dataclass
class _Piece:
    grid: _Grid
    h: int
    paths: list[tuple[str, ...]]
    notes: list[str]
    kind: TableKind
    caption: str
    index: int  # position among the document's RawTables
    skip_header: bool = True  # this fragment's first h rows are a header (its own, or a repeat)


def _caption(table: RawTable, before: list[Paragraph]) -> str:
    """The table's printed title: the reader's caption, else the nearest short
    heading-like paragraph above it (not "附件2", not a bracketed note, not prose)."""
    caption = clean_text(table.caption or "")
    if caption and not _ATTACHMENT_LABEL.match(caption):
        return caption
    for para in reversed(before[-4:]):
        text = clean_text(para.text)
        if _title_like(text):
            return text
    return caption


def _title_like(text: str) -> bool:
    """A short line that can title a table: not "附件2", a page number, a bracketed note or prose."""
    if not text or _ATTACHMENT_LABEL.match(text) or _PAGE_FURNITURE.match(text):
        return False
    return not ((text[0] in "（(" and text[-1] in "）)") or len(text) > 60 or text[-1] in "。；：:，,")


def _caption_after(blocks: list, last: int) -> str:
    """Some bulletins print a table's title under it. The line right after a table is its
    title only when no other table follows it directly (then it would be that table's)."""
    rest = [b for b in blocks[last + 1 :] if not (isinstance(b, Paragraph) and not clean_text(b.text))]
    if not rest or not isinstance(rest[0], Paragraph):
        return ""
    text = clean_text(rest[0].text)
    if not _title_like(text) or (len(rest) > 1 and isinstance(rest[1], RawTable)):
        return ""
    return text


def _is_furniture(para: Paragraph, repeated: set[str]) -> bool:
    text = clean_text(para.text)
    return not text or bool(_PAGE_FURNITURE.match(text)) or text in repeated


def _continues(prev: _Piece, piece: _Piece, between: list[Paragraph], repeated: set[str]) -> bool:
    if prev.kind != "data" or piece.kind != "data" or prev.grid.width != piece.grid.width:
        return False
    if not all(_is_furniture(p, repeated) for p in between):
        return False
    if piece.grid.table.caption and clean_text(piece.grid.table.caption) != clean_text(prev.grid.table.caption or ""):
        return False
    if piece.h > 0:
        return _same_header(prev.paths, piece.paths)
    prev_pages, pages = prev.grid.table.pages, piece.grid.table.pages
    if prev_pages and pages:
        return pages[0] == prev_pages[-1] + 1
    return not between
