"""Where things are printed: the head, the body, information grids, key: value lines; and what
is read there directly (issuer, published date, document number)."""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from ..model import Document, Paragraph, RawTable
from .dates import find_dates
from .vocab import Vocab, norm

# ---- the document's layout -------------------------------------------------------------------

_HEADING = re.compile(r"^(?:[一二三四五六七八九十]+[、.．]|第[一二三四五六七八九十]+[章部节])")
_LIST_MARK = re.compile(r"^[\s>\-*•·]+")


@dataclass
class Layout:
    head: list[str]  # normalised lines before the body
    body: list[str]  # normalised lines of the body, in order
    grid: dict[str, list[str]]  # information-grid key → printed values (normalised)


def _lines(text: str) -> list[str]:
    out = []
    for raw in text.splitlines():
        line = _LIST_MARK.sub("", norm(raw))
        if line:
            out.append(line)
    return out


def _is_info_grid(table: RawTable, vocab: Vocab) -> bool:
    keys = sum(1 for c in table.cells if norm(c.text).replace(" ", "") in vocab.grid_keys)
    return keys >= 2


def _light(text: str) -> str:
    """Simplified characters and ASCII punctuation, white space kept (collapsed): for values
    whose spaces matter ("2025-05-03 16:09:12")."""
    return re.sub(r"\s+", " ", _t2s("".join(_fold_char(c) for c in text))).strip()


def _grid_pairs(table: RawTable, vocab: Vocab) -> list[tuple[str, str]]:
    """(key, value) of an information grid; values lightly normalised (see _light)."""
    pairs = []
    for row in table.row_texts():
        keys = [norm(t).replace(" ", "") for t in row]
        for i, key in enumerate(keys):
            if key in vocab.grid_keys:
                value = "" if i + 1 >= len(row) or keys[i + 1] in vocab.grid_keys else _light(row[i + 1])
                pairs.append((key, value))
    return pairs


def read_layout(doc: Document, vocab: Vocab) -> Layout:
    head: list[str] = []
    body: list[str] = []
    grid: dict[str, list[str]] = defaultdict(list)
    in_head = True
    for block in doc.blocks:
        if isinstance(block, RawTable):
            if _is_info_grid(block, vocab):
                for key, value in _grid_pairs(block, vocab):
                    if value:
                        grid[key].append(value)
            else:
                in_head = False
            continue
        if not isinstance(block, Paragraph):
            continue
        for line in _lines(block.text):
            if in_head and (_HEADING.match(line) or "。" in line or len(line) > 90 or len(head) >= 15):
                in_head = False
            (head if in_head else body).append(line)
    return Layout(head, body, dict(grid))


# ---- key: value lines (web pages: "发布时间：2024-01-12 来源：X热线办 浏览次数：") -------------------


def key_values(line_printed: str, keys: tuple[str, ...]) -> dict[str, str]:
    """Values of `keys` in one printed line; a value ends at white space before another key."""
    out = {}
    for key in keys:
        m = re.search(rf"(?:^|\s){re.escape(key)}\s*:\s*(.+?)\s*(?=\s\S{{1,8}}?:|$)", line_printed)
        if m:
            out[key] = m.group(1).strip()
    return out


def printed_lines(doc: Document) -> list[str]:
    """Head-ish printed lines, lightly normalised (simplified, ASCII colons) but keeping spaces."""
    out = []
    for block in doc.blocks[:40]:
        if isinstance(block, Paragraph):
            for raw in block.text.splitlines():
                out.append(_light(raw))
    return out


def _fold_char(ch: str) -> str:
    code = ord(ch)
    if 0xFF01 <= code <= 0xFF5E:
        return chr(code - 0xFEE0)
    return " " if ch in "\u3000\xa0" else ch


def _t2s(text: str) -> str:
    from ..textnorm import to_simplified

    return to_simplified(text)


# ---- issuer, published, doc number -----------------------------------------------------------


def _strip_trailers(text: str, trailers: tuple[str, ...]) -> str:
    changed = True
    while changed:
        changed = False
        for t in trailers:
            if t and text.endswith(t):
                text, changed = text[: -len(t)].strip(), True
    return text


def _issuer_name(text: str, vocab: Vocab) -> str:
    """`text` (a whole line, without its date) if it is an office's name, else ""."""
    name = _strip_trailers(text, vocab.issuer_trailers)
    if not 3 <= len(name) <= 40 or any(ch in name for ch in ':,;。、!?“”"') or name[0].isdigit():
        return ""
    if any(w in name for w in vocab.title_words):
        return ""
    core = re.sub(r"\([^()]*\)$", "", name)  # 行政审批局(数字化发展局)
    return name if core.endswith(vocab.issuer_suffixes) else ""


def date_line(line: str, vocab: Vocab) -> tuple[date, str] | None:
    """A line that is a date, optionally after an office's name and before 印发/(共印N份):
    (date, the text before the date)."""
    dates = find_dates(line)
    if not dates:
        return None
    d, a, b = dates[-1]
    rest = re.sub(r"\(共印\d+份\)$", "", line[b:]).strip()
    if _strip_trailers(rest, vocab.date_trailers):
        return None
    before = line[:a].strip()
    if before and not _issuer_name(before, vocab):
        return None
    return d, before


_DOC_NO = re.compile(r"[\u4e00-\u9fff]{1,12}[〔\[(【]20\d\d[〕\])】]第?\d{1,5}号")


def read_published(lay: Layout, kv: dict[str, str], vocab: Vocab) -> str:
    for line in lay.head + lay.body:
        hit = date_line(line, vocab)
        if hit:
            return hit[0].isoformat()
    for key in vocab.published_keys:
        for value in lay.grid.get(key, []) + ([kv[key]] if key in kv else []):
            dates = find_dates(value)
            if dates:
                return dates[0][0].isoformat()
    return ""


def read_issuer(lay: Layout, kv: dict[str, str], vocab: Vocab) -> str:
    for line in lay.head:  # masthead: "X县人民政府办公室文件", "X县人民政府督查室"
        name = _issuer_name(line, vocab)
        if name:
            return name
    lines = lay.body
    for i, line in enumerate(lines):  # signature: an office's name on or just before a date line
        hit = date_line(line, vocab)
        if hit and hit[1]:
            return _issuer_name(hit[1], vocab)
        if hit and i > 0 and _issuer_name(lines[i - 1], vocab):
            return _issuer_name(lines[i - 1], vocab)
    for key in vocab.issuer_keys:
        for value in lay.grid.get(key, []) + ([kv[key]] if key in kv else []):
            value = norm(value)
            if key in vocab.issuer_keys_checked:
                value = _issuer_name(value, vocab)
            if value:
                return value
    return ""


def read_doc_number(lay: Layout, vocab: Vocab) -> str:
    for key in vocab.doc_number_keys:
        for value in lay.grid.get(key, []):
            m = _DOC_NO.search(norm(value))
            if m:
                return m.group(0)
    for line in lay.head:
        m = _DOC_NO.search(line)
        if m:
            return m.group(0)
    return ""
