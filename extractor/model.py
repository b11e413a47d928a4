"""The document model every reader returns and every later stage reads.

Plain data only: a Document is an ordered list of blocks (Paragraph, RawTable).
A RawTable stores each printed cell once, at its top-left position, with its
row/column span, so merged cells are represented rather than lost.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from typing import Literal

from .textnorm import Normalized, normalize

BBox = tuple[float, float, float, float]  # x0, top, x1, bottom in PDF points

Status = Literal["ok", "partial", "failed", "needs_ocr"]


class ReadError(Exception):
    """A file that cannot be read at all; the message is a one-line reason."""


MB = 1024 * 1024


@dataclass(frozen=True)
class ReadLimits:
    """What reading one input may cost, checked before and while reading. The defaults
    fit any real bulletin many times over (the largest seed: 7 pages, ~1,100 cells)."""

    max_input_mb: float = 50  # a text or HTML file
    max_zip_member_mb: float = 200  # any DOCX member, declared size from the ZIP directory
    max_xml_part_mb: float = 32  # a DOCX XML part: parsed into a tree many times its size
    max_zip_total_mb: float = 400  # all DOCX members together
    max_pages: int = 2000
    max_ocr_pages: int = 50  # pages OCRed in one file (seconds each); the rest are reported needs_ocr
    max_cells: int = 100_000  # table cells in the whole document


@dataclass
class Paragraph:
    text: str
    page: int | None = None  # 1-based; None where the format has no pages
    level: int | None = None  # heading level (1 = top) where the source says so

    kind: Literal["paragraph"] = field(default="paragraph", init=False)

    @cached_property
    def norm(self) -> Normalized:
        """The text as every stage reads it (textnorm: simplified, folded, mirror debris
        removed), computed once, with a map back to the printed characters."""
        return normalize(self.text)


@dataclass
class Cell:
    text: str
    row: int  # 0-based top-left position in the table grid
    col: int
    row_span: int = 1
    col_span: int = 1
    page: int | None = None
    bbox: BBox | None = None
    confidence: float | None = None  # OCR only: lowest recognition score (0..1) of the cell's characters

    @cached_property
    def norm(self) -> Normalized:
        """The text as every stage reads it, computed once (see Paragraph.norm)."""
        return normalize(self.text)

    def covers(self, row: int, col: int) -> bool:
        return self.row <= row < self.row + self.row_span and self.col <= col < self.col + self.col_span


@dataclass
class RawTable:
    """A grid of printed cells. Rows may be ragged in formats that do not say
    how many columns a row has (plain text): missing positions hold no cell."""

    cells: list[Cell]
    page: int | None = None  # page of the first row
    bordered: bool | None = None  # ruling lines seen around the cells
    engine: str = ""  # what produced the grid, e.g. "python-docx", "pdfplumber"
    caption: str | None = None  # title printed with the table, where the reader knows it

    kind: Literal["table"] = field(default="table", init=False)

    @property
    def n_rows(self) -> int:
        return max((c.row + c.row_span for c in self.cells), default=0)

    @property
    def n_cols(self) -> int:
        return max((c.col + c.col_span for c in self.cells), default=0)

    @property
    def pages(self) -> list[int]:
        return sorted({c.page for c in self.cells if c.page is not None})

    def cell_at(self, row: int, col: int) -> Cell | None:
        """The cell covering (row, col), whether it starts there or is merged over it."""
        for cell in self.cells:
            if cell.covers(row, col):
                return cell
        return None

    def grid(self, fill_merged: bool = False) -> list[list[str | None]]:
        """Rows of text. Positions covered by a merge are None, or repeat the
        merged cell's text when fill_merged is set; missing positions are None."""
        out: list[list[str | None]] = [[None] * self.n_cols for _ in range(self.n_rows)]
        for cell in self.cells:
            for r in range(cell.row, cell.row + cell.row_span):
                for c in range(cell.col, cell.col + cell.col_span):
                    if (r, c) == (cell.row, cell.col) or fill_merged:
                        out[r][c] = cell.text
        return out

    def row_texts(self) -> list[list[str]]:
        """Per row, the texts of the cells that start in it, left to right:
        the same for a table however its merges were encoded."""
        rows: list[list[str]] = [[] for _ in range(self.n_rows)]
        for cell in sorted(self.cells, key=lambda c: (c.row, c.col)):
            rows[cell.row].append(cell.text)
        return rows


Block = Paragraph | RawTable


@dataclass
class Document:
    source: str  # path as given
    format: str  # "pdf", "docx", "html", "text"
    blocks: list[Block] = field(default_factory=list)
    pages: int | None = None
    status: Status = "ok"
    notes: list[str] = field(default_factory=list)  # e.g. which pages need OCR, which engine read what
    encoding: str | None = None  # text formats: the encoding the bytes were decoded with

    @property
    def tables(self) -> list[RawTable]:
        return [b for b in self.blocks if isinstance(b, RawTable)]

    @property
    def paragraphs(self) -> list[Paragraph]:
        return [b for b in self.blocks if isinstance(b, Paragraph)]

    def text(self) -> str:
        """The paragraphs' text, one per line."""
        return "\n".join(p.text for p in self.paragraphs)
