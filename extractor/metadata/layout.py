"""Where things are printed: the head, the body, information grids, key: value lines; and what
is read there directly (issuer, published date, document number)."""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

from ..model import Cell, Document, Paragraph, RawTable
from ..textnorm import Normalized
from .dates import find_dates
from .vocab import Vocab

# ---- the document's layout -------------------------------------------------------------------
#
# Every paragraph and cell is read through the model's normalised view (Paragraph.norm /
# Cell.norm: simplified script, folded punctuation, mirror debris dropped), computed once; a
# Line keeps its place in that view, so what it came from in print is one span away.

_HEADING = re.compile(r"^(?:[一二三四五六七八九十]+[、.．]|第[一二三四五六七八九十]+[章部节])")
_LIST_MARK = re.compile(r"^[\s>\-*•·]+")


@dataclass(frozen=True)
class Line:
    """One line of a paragraph in its normalised view: source.text[start:end]."""

    source: Normalized
    start: int
    end: int

    @property
    def text(self) -> str:
        return self.source.text[self.start : self.end]

    def printed(self, a: int = 0, b: int | None = None) -> str:
        """The printed characters behind text[a:b] (printed script, mirror debris removed)."""
        return self.source.printed(self.start + a, self.start + (len(self.text) if b is None else b))

    def spaced(self) -> str:
        """The normalised text with a space wherever print had white space between two of its
        characters (normalisation drops those next to CJK characters): for key: value lines and
        values whose spaces matter ("2025-05-03 16:09:12", "发布时间:… 来源:…")."""
        return spaced(self.source, self.start, self.end)


def spaced(n: Normalized, start: int = 0, end: int | None = None) -> str:
    end = len(n.text) if end is None else end
    out: list[str] = []
    for k in range(start, end):
        if k > start and any(c.isspace() for c in n.original[n.index[k - 1] + 1 : n.index[k]]):
            out.append(" ")
        out.append(n.text[k])
    return re.sub(r"\s+", " ", "".join(out)).strip()


@dataclass
class Layout:
    head_lines: list[Line]  # lines before the body
    body_lines: list[Line]  # lines of the body, in order
    grid: dict[str, list[str]]  # information-grid key → values (normalised, print's spaces kept)
    cells: list[Line] = field(default_factory=list)  # the cells of the other tables (row labels name units)

    @property
    def head(self) -> list[str]:
        return [ln.text for ln in self.head_lines]

    @property
    def body(self) -> list[str]:
        return [ln.text for ln in self.body_lines]

    def grid_values(self, key: str) -> list[str]:
        """An information grid's values for `key`, without spaces (as lines are read)."""
        return [v.replace(" ", "") for v in self.grid.get(key, [])]


def lines_of(par: Paragraph) -> list[Line]:
    """The paragraph's non-empty lines in its normalised view, list marks dropped."""
    n = par.norm
    out, pos = [], 0
    for raw in n.text.split("\n"):
        start, end = pos, pos + len(raw)
        pos = end + 1
        m = _LIST_MARK.match(raw)
        start += m.end() if m else 0
        while end > start and n.text[end - 1].isspace():
            end -= 1
        if end > start:
            out.append(Line(n, start, end))
    return out


def _key_cell(cell: Cell, vocab: Vocab) -> bool:
    return cell.norm.text.replace(" ", "") in vocab.grid_keys


def _is_info_grid(table: RawTable, vocab: Vocab) -> bool:
    return sum(1 for c in table.cells if _key_cell(c, vocab)) >= 2


def _grid_pairs(table: RawTable, vocab: Vocab) -> list[tuple[str, str]]:
    """(key, value) of an information grid, by row, left to right."""
    rows: dict[int, list[Cell]] = defaultdict(list)
    for cell in sorted(table.cells, key=lambda c: (c.row, c.col)):
        rows[cell.row].append(cell)
    pairs = []
    for row in rows.values():
        for i, cell in enumerate(row):
            if _key_cell(cell, vocab):
                nxt = row[i + 1] if i + 1 < len(row) else None
                value = "" if nxt is None or _key_cell(nxt, vocab) else spaced(nxt.norm)
                pairs.append((cell.norm.text.replace(" ", ""), value))
    return pairs


def read_layout(doc: Document, vocab: Vocab) -> Layout:
    head: list[Line] = []
    body: list[Line] = []
    grid: dict[str, list[str]] = defaultdict(list)
    cells: list[Line] = []
    in_head = True
    for block in doc.blocks:
        if isinstance(block, RawTable):
            if _is_info_grid(block, vocab):
                for key, value in _grid_pairs(block, vocab):
                    if value:
                        grid[key].append(value)
            else:
                in_head = False
                cells += [Line(c.norm, 0, len(c.norm.text)) for c in block.cells if c.norm.text.strip()]
            continue
        if not isinstance(block, Paragraph):
            continue
        for line in lines_of(block):
            text = line.text
            if in_head and (_HEADING.match(text) or "。" in text or len(text) > 90 or len(head) >= 15):
                in_head = False
            (head if in_head else body).append(line)
    return Layout(head, body, dict(grid), cells)


# ---- key: value lines (web pages: "发布时间：2024-01-12 来源：X热线办 浏览次数：") -------------------


def key_values(line: str, keys: tuple[str, ...]) -> dict[str, str]:
    """Values of `keys` in one spaced line (Line.spaced); a value ends at white space before
    another key."""
    out = {}
    for key in keys:
        m = re.search(rf"(?:^|\s){re.escape(key)}\s*:\s*(.+?)\s*(?=\s[^\s\d]\S{{0,7}}?:|$)", line)
        if m:
            out[key] = m.group(1).strip()
    return out


def spaced_lines(doc: Document) -> list[str]:
    """Head-ish lines with print's spaces (see Line.spaced)."""
    return [line.spaced() for block in doc.blocks[:40] if isinstance(block, Paragraph) for line in lines_of(block)]


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
    before = line[:a].strip()
    if not before and _dateline_rest(rest, vocab):  # a web page's "2022/9/3 来源:… 浏览次数:…"
        return d, ""
    if _strip_trailers(rest, vocab.date_trailers):
        return None
    if before and not _issuer_name(before, vocab):
        return None
    return d, before


def _dateline_rest(rest: str, vocab: Vocab) -> bool:
    """What follows the date of a web page's dateline: an optional time, then key: value pairs."""
    rest = re.sub(r"^\d{1,2}:\d{2}(?::\d{2})?", "", rest).strip()
    key = re.match(r"([^:\s]{1,8}):", rest)
    return bool(key) and key.group(1) in vocab.grid_keys


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
    for value in kv.values():  # a page's time stamp inside another key's value ("来源:热线办2017-07-17 10:07")
        m = _STAMP.search(value)
        if m:
            dates = find_dates(m.group(1))
            if dates:
                return dates[0][0].isoformat()
    return ""


_STAMP = re.compile(r"(20\d\d[-/.]\d{1,2}[-/.]\d{1,2}) \d{1,2}:\d{2}")


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
        for value in lay.grid_values(key) + ([kv[key].replace(" ", "")] if key in kv else []):
            if key in vocab.issuer_keys_checked:
                value = _issuer_name(value, vocab)
            if value:
                return value
    return ""


def read_doc_number(lay: Layout, vocab: Vocab) -> str:
    for key in vocab.doc_number_keys:
        for value in lay.grid_values(key):
            m = _DOC_NO.search(value)
            if m:
                return m.group(0)
    for line in lay.head:
        m = _DOC_NO.search(line)
        if m:
            return m.group(0)
    return ""
