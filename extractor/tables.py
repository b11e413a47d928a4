"""Raw grids → logical tables: header paths, repaired rows, stitched pages, structure.

The readers hand over RawTables as printed (one per page fragment, merged cells
stored once, text tables ragged). This stage decides, for each logical table:
which rows are the header and what each column's header path is; which rows are
data, totals, sub-units, repeated headers or damaged; which fragments belong
together; and which tables are not data at all. It knows the document model and
the vocabularies in schemas/, nothing about any particular county or file.

Entry point: `build_tables(doc) -> list[LogicalTable]`. Values and findings for
the output tables come from `extractor.values.table_values`.
"""

from __future__ import annotations

import re
import statistics
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Literal

import yaml

from .metrics import OTHER, SCHEMAS_DIR, is_ignored_column, load_metrics, metric_for, normalize_header
from .model import BBox, Cell, Document, Paragraph, RawTable
from .numbers import Parsed, parse_number
from .readers.textlayer import ocr_doubt

TableKind = Literal["data", "info", "layout"]
ColumnRole = Literal["unit", "subunit", "label", "index", "value", "shared"]


# --------------------------------------------------------------------------- vocabulary


@dataclass(frozen=True)
class TableVocab:
    total_labels: frozenset[str]
    unit_headers: frozenset[str]
    subunit_headers: frozenset[str]
    info_keys: frozenset[str]


@cache
def load_vocab(path: str | None = None) -> TableVocab:
    """Read schemas/tables.yaml: total labels, unit/sub-unit header words, info-grid keys."""
    data = yaml.safe_load(Path(path or SCHEMAS_DIR / "tables.yaml").read_text(encoding="utf-8"))

    def words(key: str) -> frozenset[str]:
        return frozenset(normalize_header(str(w)) for w in data.get(key) or [])

    return TableVocab(words("total_labels"), words("unit_headers"), words("subunit_headers"), words("info_keys"))


# --------------------------------------------------------------------------- output model


@dataclass
class Column:
    """One column of a logical table. `key` indexes TableRow.cells; for ordinary
    tables it is the 0-based printed grid column."""

    key: int
    path: tuple[str, ...]
    metric: str
    role: ColumnRole
    col: int | None = None  # 1-based printed column (None for a transposed table's measures)

    @property
    def header(self) -> str:
        return " / ".join(self.path)


@dataclass
class TableCell:
    text: str  # as printed
    parsed: Parsed | None  # None: not a number (text in a value column)
    row: int  # 1-based printed row (rows of all stitched fragments counted, header rows included)
    col: int  # 1-based printed column
    page: int | None = None
    bbox: BBox | None = None  # PDF only: where the cell is printed on its page
    confidence: float | None = None  # OCR only: lowest recognition score of its characters
    low_confidence: bool = False  # OCR only: a likely misread (readers.textlayer.ocr_doubt); the audit never blames it


@dataclass
class TableRow:
    row: int  # 1-based printed row of the row's label (or first cell)
    page: int | None
    unit_raw: str
    cells: dict[int, TableCell] = field(default_factory=dict)  # Column.key → cell (value columns only)
    parent_unit: str = ""
    is_total: bool = False
    inherited: bool = False  # unit name filled from the row above ("same as above" or a vertical merge)
    damaged: bool = False  # cells do not fit the header: values are not assigned to columns
    section: str = ""  # label of the section row above it, or the label header of its twin half
    printed: list[str] = field(default_factory=list)  # every printed cell of the row, left to right
    note: str = ""


@dataclass
class LogicalTable:
    number: int  # 1-based, document order, all kinds counted
    kind: TableKind
    caption: str  # printed title, or the nearest heading above the table
    columns: list[Column]
    rows: list[TableRow]
    header_rows: int = 0
    pages: list[int] = field(default_factory=list)
    unit_header: str = ""
    twin: bool = False
    transposed: bool = False
    fragments: int = 1  # RawTables stitched into this table
    findings: list[dict] = field(default_factory=list)  # findings.csv rows without `source`
    notes: list[str] = field(default_factory=list)

    def column(self, key: int) -> Column:
        for column in self.columns:
            if column.key == key:
                return column
        raise KeyError(key)

    @property
    def value_columns(self) -> list[Column]:
        return [c for c in self.columns if c.role in ("value", "shared")]

    @property
    def data_rows(self) -> list[TableRow]:
        return [r for r in self.rows if not r.damaged]


# --------------------------------------------------------------------------- text helpers

_LINEBREAK = re.compile(r"[ \t\u3000]*[\r\n]+[\s]*")
_PAGE_FURNITURE = re.compile(
    r"^(?:[-—–－\s]*\d{1,4}[-—–－\s]*|第\s*\d+\s*页(?:\s*[,，/]?\s*共\s*\d+\s*页)?|\d+\s*/\s*\d+|共\s*\d+\s*页\s*第\s*\d+\s*页)$"
)
_ATTACHMENT_LABEL = re.compile(r"^附件\s*\d*\s*[:：]?$")
_BRACKET_START = tuple("（(【[")


def _wide(ch: str) -> bool:
    return ord(ch) > 0x2E7F


def clean_text(text: str | None) -> str:
    """Cell text with its line breaks removed: lines of CJK text join without a
    space (a wrapped cell), other lines with one space. Outer whitespace stripped."""
    if not text:
        return ""
    parts = [p.strip() for p in _LINEBREAK.split(text.strip())]
    out = ""
    for part in parts:
        if not part:
            continue
        if out and not (_wide(out[-1]) or _wide(part[0])):
            out += " "
        out += part
    return out


def _norm(text: str) -> str:
    return normalize_header(text)


def _is_value(text: str) -> bool:
    parsed = parse_number(text)
    return parsed is not None and parsed.kind != "missing"


def _cell_kind(text: str) -> str:
    """percent / number / grade / missing / text: the coarse type used to spot damaged rows."""
    parsed = parse_number(text)
    if parsed is None:
        return "text"
    if parsed.kind == "percent":
        return "percent"
    if parsed.kind in ("int", "decimal"):
        return "number"
    return parsed.kind


# --------------------------------------------------------------------------- grids


@dataclass
class _Grid:
    """One RawTable as positions: slots[r][c] is the printed cell covering (r, c)."""

    table: RawTable
    slots: list[list[Cell | None]]
    width: int  # the table's real width: the usual row length (ragged text rows may stray)
    sparse: bool  # None means "empty" (PDF words aligned into columns), not "no cell printed"
    has_bbox: bool

    @classmethod
    def of(cls, table: RawTable) -> _Grid:
        n_rows, n_cols = table.n_rows, table.n_cols
        slots: list[list[Cell | None]] = [[None] * n_cols for _ in range(n_rows)]
        for cell in table.cells:
            for r in range(cell.row, cell.row + cell.row_span):
                for c in range(cell.col, cell.col + cell.col_span):
                    slots[r][c] = cell
        has_bbox = bool(table.cells) and all(c.bbox is not None for c in table.cells)
        sparse = has_bbox and table.bordered is False
        lengths = [cls._len(row) for row in slots if any(row)]
        width = Counter(lengths).most_common(1)[0][0] if lengths else n_cols
        if sparse:
            width = n_cols
        return cls(table, slots, width, sparse, has_bbox)

    @staticmethod
    def _len(row: list[Cell | None]) -> int:
        for c in range(len(row) - 1, -1, -1):
            if row[c] is not None:
                return c + 1
        return 0

    @property
    def n_rows(self) -> int:
        return len(self.slots)

    def row_len(self, r: int) -> int:
        return self._len(self.slots[r])

    def text(self, r: int, c: int) -> str:
        if c >= len(self.slots[r]):
            return ""
        cell = self.slots[r][c]
        return clean_text(cell.text) if cell is not None else ""

    def origin(self, r: int, c: int) -> Cell | None:
        cell = self.slots[r][c] if c < len(self.slots[r]) else None
        return cell if cell is not None and cell.row == r and cell.col == c else None

    def origins(self, r: int) -> list[Cell]:
        return [c for c in sorted(self.table.cells, key=lambda c: c.col) if c.row == r]

    def is_data_row(self, r: int) -> bool:
        return any(_is_value(cell.text) for cell in self.origins(r))

    def is_blank(self, r: int) -> bool:
        return not any(clean_text(cell.text) for cell in self.origins(r))


def _is_info_grid(grid: _Grid) -> bool:
    keys = load_vocab().info_keys
    hits = {_norm(clean_text(c.text)) for c in grid.table.cells} & keys
    return len(hits) >= 2


# --------------------------------------------------------------------------- headers


def _header_row_count(grid: _Grid) -> int:
    """Leading rows without a number form the header (at most a dozen raw rows: a
    borderless PDF splits every wrapped header line into a row of its own)."""
    for r in range(grid.n_rows):
        if grid.is_data_row(r):
            return min(r, 12)
    return 1 if grid.n_rows > 1 else 0


def _synthetic(text: str, row: int, col: int, row_span: int = 1, col_span: int = 1) -> Cell:
    return Cell(text=text, row=row, col=col, row_span=row_span, col_span=col_span)


def _infer_text_header(grid: _Grid, h: int) -> tuple[list[list[Cell | None]], list[str]]:
    """Header slots with the merges a text dump lost put back.

    Ragged rows (cell-per-line dumps of Word tables): the upper row has one cell per
    printed cell, the lower row one per column. A run of non-empty lower cells sits
    under one upper cell (a group); an empty lower cell means the upper cell above
    it is merged down. Equal-length rows: an upper cell is carried right over the
    empty upper positions above further sub-headers of its group."""
    width = grid.width
    notes: list[str] = []
    rows: list[list[str]] = [[grid.text(r, c) for c in range(grid.row_len(r))] for r in range(h)]
    slots: list[list[Cell | None]] = [[None] * width for _ in range(h)]
    # bottom row as is
    for c, text in enumerate(rows[h - 1][:width]):
        slots[h - 1][c] = _synthetic(text, h - 1, c)
    for r in range(h - 2, -1, -1):
        upper, lower = rows[r], [(slots[r + 1][c].text if slots[r + 1][c] else "") for c in range(width)]
        if len(upper) < width and len(upper) != len(lower):
            spans = _align_ragged(upper, lower)
            if spans is None:
                notes.append(f"header row {r + 1}: {len(upper)} cells could not be aligned over {width} columns")
                spans = [(c, 1) for c in range(len(upper))]
            for text, (start, span) in zip(upper, spans, strict=False):
                merged_down = span == 1 and not lower[start] and bool(text)
                cell = _synthetic(text, r, start, 2 if merged_down else 1, span)
                for c in range(start, min(start + span, width)):
                    slots[r][c] = cell
                    if merged_down:
                        slots[r + 1][c] = cell
            continue
        # equal lengths: labels merged down over empty lower cells, group labels over runs of sub-headers
        for text, start, span, merged_down in _place_groups(upper, lower, width):
            cell = _synthetic(text, r, start, 2 if merged_down else 1, span)
            for c in range(start, start + span):
                slots[r][c] = cell
                if merged_down:
                    slots[r + 1][c] = cell
        for c in range(width):
            if slots[r][c] is None and not lower[c] and slots[r + 1][c] is not None:
                slots[r][c] = slots[r + 1][c]
    return slots, notes


def _place_groups(upper: list[str], lower: list[str], width: int) -> list[tuple[str, int, int, bool]]:
    """(text, start, span, merged_down) of an upper header row printed with one cell per
    column. A label over an empty lower cell is merged down. A run of sub-headers gets
    the label(s) printed above it: a label printed as fragments ("工单" "分类") is joined;
    two labels over one run split it, each group centred on its label (or starting at
    it, when the first label starts the run)."""
    upper = upper + [""] * (width - len(upper))
    out: list[tuple[str, int, int, bool]] = []
    for c in range(width):
        if upper[c] and not lower[c]:
            out.append((_strip_leaked(upper[c], c, upper, lower), c, 1, True))
    c = 0
    while c < width:
        if not lower[c]:
            c += 1
            continue
        start = c
        while c < width and lower[c]:
            c += 1
        run_end = c - 1
        labels: list[tuple[int, int, str]] = []
        k = start
        while k <= run_end:
            if not upper[k]:
                k += 1
                continue
            first = k
            k += 1
            # short neighbours are the pieces of one label cut by the dump
            while k <= run_end and upper[k] and len(_norm(upper[k])) <= 2 and len(_norm(upper[k - 1])) <= 2:
                k += 1
            labels.append((first, k - 1, clean_text("\n".join(upper[first:k]))))
        group_start = start
        for i, (first, last, text) in enumerate(labels):
            if i + 1 < len(labels):
                nxt = labels[i + 1][0]
                end = nxt - 1 if labels[0][0] == start else min(max(first + last - group_start, last), nxt - 1)
            else:
                end = run_end
            out.append((text, group_start, end - group_start + 1, False))
            group_start = end + 1
    return out


def _strip_leaked(text: str, c: int, upper: list[str], lower: list[str]) -> str:
    """Drop words that leaked in from a neighbour's wrapped header: a word that is a
    proper part of another column's header ("单总数 黄牌" next to 工单总数 → 黄牌)."""
    words = text.split()
    if len(words) < 2:
        return text
    others = {_norm(t) for i, t in enumerate(upper + lower) if t and i % len(upper) != c}
    kept = [w for w in words if not (len(_norm(w)) >= 2 and _norm(w) not in others and any(_norm(w) in o for o in others))]
    return " ".join(kept) if kept else text


def _align_ragged(upper: list[str], lower: list[str]) -> list[tuple[int, int]] | None:
    """Spans (start column, width) of the upper cells over the lower row, or None."""
    units: list[tuple[int, int]] = []  # (start, span) per upper cell in order
    c = 0
    while c < len(lower):
        if not lower[c]:
            units.append((c, 1))
            c += 1
            continue
        start = c
        while c < len(lower) and lower[c]:
            c += 1
        units.append((start, c - start))
    if len(units) == len(upper):
        return units
    if len(units) < len(upper):
        # more upper cells than runs: split runs, one upper cell per lower cell from the right
        # end of the longest runs, until the counts agree
        units = sorted(units)
        while len(units) < len(upper):
            longest = max(range(len(units)), key=lambda i: units[i][1])
            start, span = units[longest]
            if span < 2:
                return None
            units[longest : longest + 1] = [(start, span - 1), (start + span - 1, 1)]
        return units
    return None


def _levels_from_slots(slots: list[list[Cell | None]], width: int) -> list[list[Cell]]:
    """For each column, the distinct non-empty header cells top to bottom."""
    out: list[list[Cell]] = []
    for c in range(width):
        levels: list[Cell] = []
        for row in slots:
            cell = row[c] if c < len(row) else None
            if cell is None or any(cell is seen for seen in levels) or not clean_text(cell.text):
                continue
            levels.append(cell)
        out.append(levels)
    return out


def _join_wrapped(levels: list[Cell], no_groups: bool) -> list[str]:
    """Header levels of one column, with a cell's wrapped second line joined back:
    a line starting with a bracket ("（10分）", "(≥80%达标)"), or a pair that only
    together is a known header ("受理案" + "件数"), or any pair when the header has
    no group cell at all (then every extra line is a wrap)."""
    names = load_metrics().names
    texts: list[str] = []
    prev: Cell | None = None
    for cell in levels:
        text = clean_text(cell.text)
        if texts and prev is not None and (prev.col, prev.col_span) == (cell.col, cell.col_span):
            joined = texts[-1] + text
            if no_groups or text.startswith(_BRACKET_START) or (_norm(joined) in names and _norm(texts[-1]) not in names):
                texts[-1] = joined
                prev = cell
                continue
        texts.append(text)
        prev = cell
    return texts


def _span_paths(grid: _Grid, h: int) -> tuple[list[tuple[str, ...]], list[str]]:
    width = grid.width
    notes: list[str] = []
    header_cells = [c for c in grid.table.cells if c.row < h]
    explicit = any(c.col_span > 1 or c.row_span > 1 for c in header_cells)
    if h >= 2 and not explicit:
        slots, notes = _infer_text_header(grid, h)
    else:
        slots = [[grid.slots[r][c] if c < len(grid.slots[r]) else None for c in range(width)] for r in range(h)]
    levels = _levels_from_slots(slots, width)
    no_groups = not any(cell.col_span > 1 for lv in levels for cell in lv)
    return [tuple(_join_wrapped(lv, no_groups)) for lv in levels], notes


@dataclass
class _Block:
    """Lines of one header cell in a borderless PDF, joined."""

    cells: list[Cell]
    x0: float
    x1: float
    top: float
    bottom: float
    cols: set[int]

    @property
    def centre(self) -> float:
        return (self.top + self.bottom) / 2

    @property
    def text(self) -> str:
        return clean_text("\n".join(c.text for c in sorted(self.cells, key=lambda c: (c.bbox[1], c.bbox[0]))))

    def overlaps_x(self, other: _Block) -> bool:
        return min(self.x1, other.x1) - max(self.x0, other.x0) > 0


def _geometric_paths(grid: _Grid, h: int) -> list[tuple[str, ...]] | None:
    """Header paths of a borderless PDF table from where its header words sit.

    The engine cut every header line into a raw row, so a cell's lines are rejoined
    by position: lines aligned on the same centre (or left edge) that follow each
    other at line pitch are one cell. A cell with other cells below it is a group. In Word/LibreOffice
    tables cells are vertically centred, so the sub-headers of all groups share one
    centre line, while cells merged down over the whole header sit higher: that
    separates a group's sub-headers that stick out beyond its label from merged-down
    neighbours."""
    cells = [c for c in grid.table.cells if c.row < h and clean_text(c.text) and c.bbox]
    if not cells:
        return None
    heights = [c.bbox[3] - c.bbox[1] for c in cells]
    line_h = statistics.median(heights)
    blocks: list[_Block] = []
    for cell in sorted(cells, key=lambda c: (c.bbox[1], c.bbox[0])):
        x0, top, x1, bottom = cell.bbox
        cols = set(range(cell.col, cell.col + cell.col_span))
        best = None
        for block in blocks:
            gap = top - block.bottom
            last = max(block.cells, key=lambda c: c.bbox[1]).bbox
            # lines of one cell are aligned: same centre (centred text) or same left edge
            aligned = abs((x0 + x1) / 2 - (last[0] + last[2]) / 2) <= 0.35 * line_h or abs(x0 - last[0]) <= 0.35 * line_h
            if -0.3 * line_h <= gap <= 0.8 * line_h and aligned:
                if best is None or gap < top - best.bottom:
                    best = block
        if best is None:
            blocks.append(_Block([cell], x0, x1, top, bottom, cols))
        else:
            best.cells.append(cell)
            best.x0, best.x1 = min(best.x0, x0), max(best.x1, x1)
            best.bottom = max(best.bottom, bottom)
            best.cols |= cols
    groups = [b for b in blocks if any(o is not b and o.top > b.bottom and b.overlaps_x(o) for o in blocks)]
    leaves = [b for b in blocks if not any(b is g for g in groups)]
    parent: dict[int, _Block] = {}
    for leaf in leaves:
        above = [g for g in groups if g.bottom < leaf.top and g.overlaps_x(leaf)]
        if above:
            parent[id(leaf)] = max(above, key=lambda g: g.bottom)
    if groups:
        known = [leaf for leaf in leaves if id(leaf) in parent]
        centres = [leaf.centre for leaf in known]
        tops = [leaf.top for leaf in known]
        centred = max(centres) - min(centres) <= max(tops) - min(tops) or max(centres) - min(centres) <= 0.5 * line_h
        line = statistics.median(centres if centred else tops)
        orphans = [leaf for leaf in leaves if id(leaf) not in parent]
        full = [leaf for leaf in orphans if abs((leaf.centre if centred else leaf.top) - line) > 0.5 * line_h]
        for leaf in orphans:
            if any(leaf is f for f in full):
                continue
            # a sub-header wider than its group's label: the nearest group with no merged-down cell between
            mid = (leaf.x0 + leaf.x1) / 2
            reachable = []
            for g in groups:
                gmid = (g.x0 + g.x1) / 2
                lo, hi = sorted((mid, gmid))
                if not any(lo < (f.x0 + f.x1) / 2 < hi for f in full):
                    reachable.append((abs(gmid - mid), g))
            if reachable:
                parent[id(leaf)] = min(reachable, key=lambda pair: pair[0])[1]
    paths: list[tuple[str, ...]] = []
    for c in range(grid.width):
        here = [leaf for leaf in leaves if c in leaf.cols]
        if here:
            leaf = min(here, key=lambda b: len(b.cols))
            g = parent.get(id(leaf))
            paths.append((g.text, leaf.text) if g is not None else (leaf.text,))
        else:
            over = [g for g in groups if c in g.cols]
            paths.append((over[0].text,) if over else ())
    return paths


def _header_paths(grid: _Grid, h: int) -> tuple[list[tuple[str, ...]], list[str]]:
    if h == 0:
        return [() for _ in range(grid.width)], []
    if grid.sparse and h >= 2:
        paths = _geometric_paths(grid, h)
        if paths is not None:
            return paths, []
    return _span_paths(grid, h)


def _same_header(a: list[tuple[str, ...]], b: list[tuple[str, ...]]) -> bool:
    if len(a) != len(b) or not a:
        return False
    equal = sum(1 for x, y in zip(a, b, strict=True) if [_norm(t) for t in x] == [_norm(t) for t in y])
    return equal >= 0.6 * len(a)


# --------------------------------------------------------------------------- fragments and stitching


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


# --------------------------------------------------------------------------- body rows


@dataclass
class _Row:
    grid: _Grid
    r: int
    printed: int  # 1-based printed row number in the stitched table
    texts: list[str]  # per column (width), "" for empty
    cells: list[Cell | None]  # covering cell per column
    length: int  # printed length (ragged text rows)
    extra: list[str]  # printed cells beyond the table's width

    @property
    def page(self) -> int | None:
        for cell in self.cells:
            if cell is not None and cell.page is not None:
                return cell.page
        return self.grid.table.page

    def covered_from_above(self, c: int) -> bool:
        cell = self.cells[c]
        return cell is not None and cell.row < self.r

    def has_values(self) -> bool:
        return any(_is_value(t) for c, t in enumerate(self.texts) if not self.covered_from_above(c))

    def nonempty(self) -> list[int]:
        return [c for c, t in enumerate(self.texts) if t and not self.covered_from_above(c)]


def _rows_of(piece: _Piece, offset: int) -> list[_Row]:
    grid = piece.grid
    start = piece.h if piece.skip_header else 0
    rows = []
    for r in range(start, grid.n_rows):
        slots = grid.slots[r]
        width = grid.width
        cells = [slots[c] if c < len(slots) else None for c in range(width)]
        texts = [clean_text(c.text) if c is not None else "" for c in cells]
        extra = [clean_text(c.text) for c in slots[width:] if c is not None and c.col >= width and c.row == r]
        rows.append(_Row(grid, r, offset + r + 1, texts, cells, grid.row_len(r), extra))
    return rows


def _header_like(row: _Row, header_words: set[str]) -> bool:
    words = [_norm(row.texts[c]) for c in row.nonempty()]
    if not words or row.has_values():
        return False
    return sum(1 for w in words if w in header_words) >= 0.5 * len(words)


def _drop_repeated_headers(rows: list[_Row], header_words: set[str], h: int) -> tuple[list[_Row], list[int]]:
    """Remove header rows repeated inside the body (after a page break), with the
    other wordless rows of the same block: a repeat can be garbled differently
    (a page may print 应办数 where the first header says 应办理数)."""
    drop: set[int] = set()
    for i, row in enumerate(rows):
        if not _header_like(row, header_words):
            continue
        drop.add(i)
        j = i - 1
        while j >= 0 and i - j <= max(h - 1, 0) and not rows[j].has_values() and rows[j].nonempty():
            drop.add(j)
            j -= 1
        j = i + 1
        while j < len(rows) and j - i <= max(h - 1, 0) and not rows[j].has_values() and rows[j].nonempty():
            drop.add(j)
            j += 1
    kept = [row for i, row in enumerate(rows) if i not in drop]
    return kept, sorted(rows[i].printed for i in drop)


def _join_split_rows(rows: list[_Row], width: int) -> tuple[list[_Row], list[str]]:
    """Text dumps sometimes break one row in two (a blank line inside a cell): two
    short neighbours whose lengths add up to the width are one row."""
    out: list[_Row] = []
    notes = []
    i = 0
    while i < len(rows):
        row = rows[i]
        if i + 1 < len(rows) and not row.grid.sparse:
            nxt = rows[i + 1]
            if row.length < width and nxt.length < width and row.length + nxt.length == width and not row.extra:
                texts = row.texts[: row.length] + nxt.texts[: nxt.length]
                cells = row.cells[: row.length] + nxt.cells[: nxt.length]
                out.append(_Row(row.grid, row.r, row.printed, texts, cells, width, nxt.extra))
                notes.append(f"rows {row.printed}-{nxt.printed}: one row broken in two was joined")
                i += 2
                continue
        out.append(row)
        i += 1
    return out, notes


def _repair_wrapped(rows: list[_Row], label_cols: list[int]) -> tuple[list[_Row], list[str]]:
    """A borderless PDF engine puts each line of a wrapped label cell on a row of its
    own. A row with text only in label columns, at line pitch from a data row, goes
    back into that row: preferably one whose label cell is empty (a label centred on
    its row), else the row above (a label that wrapped downwards)."""
    notes = []

    def is_fragment(row: _Row) -> bool:
        cols = row.nonempty()
        return bool(cols) and not row.has_values() and all(c in label_cols for c in cols)

    def near(a: _Row, b: _Row) -> bool:
        boxes_a = [c.bbox for c in a.cells if c is not None and c.bbox]
        boxes_b = [c.bbox for c in b.cells if c is not None and c.bbox]
        if not boxes_a or not boxes_b:
            return False
        line_h = statistics.median([bb[3] - bb[1] for bb in boxes_a + boxes_b])
        top_a, bottom_a = min(bb[1] for bb in boxes_a), max(bb[3] for bb in boxes_a)
        top_b, bottom_b = min(bb[1] for bb in boxes_b), max(bb[3] for bb in boxes_b)
        gap = top_b - bottom_a if top_b >= top_a else top_a - bottom_b
        return gap <= 1.2 * line_h

    originally_empty = {id(row): {c for c in label_cols if not row.texts[c]} for row in rows}
    out = list(rows)
    i = 0
    while i < len(out):
        row = out[i]
        if not is_fragment(row):
            i += 1
            continue
        prev = out[i - 1] if i > 0 and out[i - 1].has_values() and near(out[i - 1], row) else None
        nxt = out[i + 1] if i + 1 < len(out) and out[i + 1].has_values() and near(row, out[i + 1]) else None
        cols = row.nonempty()

        def wants(target: _Row | None, cols: list[int] = cols) -> bool:
            return target is not None and all(c in originally_empty[id(target)] for c in cols)

        if wants(nxt) and not (wants(prev) and prev is not None and prev.texts[cols[0]] == ""):
            target, before = nxt, True
        elif wants(prev):
            target, before = prev, False
        else:
            target, before = prev or nxt, prev is None
        if target is None:
            i += 1
            continue
        for c in cols:
            joined = [row.texts[c], target.texts[c]] if before else [target.texts[c], row.texts[c]]
            target.texts[c] = clean_text("\n".join(t for t in joined if t))
            if target.cells[c] is None:
                target.cells[c] = row.cells[c]
        notes.append(f"row {row.printed}: a wrapped line of a label was joined to row {target.printed}")
        del out[i]
    return out, notes


# --------------------------------------------------------------------------- columns


def _label_columns(rows: list[_Row], width: int, paths: list[tuple[str, ...]]) -> list[int]:
    labels = []
    for c in range(width):
        if paths[c] and is_ignored_column(paths[c]):
            continue
        n_text = n_value = 0
        for row in rows:
            text = row.texts[c] if not row.covered_from_above(c) else ""
            if not text:
                continue
            kind = _cell_kind(text)
            if kind == "text":
                n_text += 1
            elif kind != "missing":
                n_value += 1
        if n_text > n_value:
            labels.append(c)
    return labels


def _pick_unit_column(labels: list[int], paths: list[tuple[str, ...]]) -> int | None:
    vocab = load_vocab()
    for c in labels:
        leaf = _norm(paths[c][-1]) if paths[c] else ""
        if leaf and (leaf in vocab.unit_headers or any(w in leaf for w in vocab.unit_headers if len(w) >= 2)):
            if leaf not in vocab.subunit_headers:
                return c
    return labels[0] if labels else None


def _subunit_column(rows: list[_Row], unit_col: int, labels: list[int], paths: list[tuple[str, ...]]) -> int | None:
    vocab = load_vocab()
    for c in labels:
        if c == unit_col:
            continue
        leaf = _norm(paths[c][-1]) if paths[c] else ""
        if leaf in vocab.subunit_headers:
            return c
        if c != unit_col + 1:
            continue
        both = sum(1 for r in rows if r.texts[c] and r.texts[unit_col] and not r.covered_from_above(unit_col))
        only_sub = sum(1 for r in rows if r.texts[c] and (not r.texts[unit_col] or r.covered_from_above(unit_col)))
        if only_sub and not both:
            return c
    return None


def _twin_blocks(width: int, labels: list[int], paths: list[tuple[str, ...]]) -> tuple[int, int] | None:
    """(prefix, period) when the columns repeat side by side: one label column and
    the same value headers per block (诉求来源/数量/占比 | 工单类型/数量/占比)."""
    if len(labels) < 2:
        return None
    sig = ["L" if c in labels else (_norm(paths[c][-1]) if paths[c] else "") for c in range(width)]
    for prefix in range(0, width - 3):
        if any(sig[c] == "L" for c in range(prefix)):
            break
        rest = width - prefix
        for period in range(2, rest // 2 + 1):
            if rest % period:
                continue
            blocks = [sig[prefix + k * period : prefix + (k + 1) * period] for k in range(rest // period)]
            if all(b == blocks[0] for b in blocks) and blocks[0].count("L") == 1 and len(blocks[0]) > 1:
                return prefix, period
    return None


# --------------------------------------------------------------------------- assembling


def _column_profile(rows: list[_Row], cols: Iterable[int]) -> dict[int, Counter]:
    profile: dict[int, Counter] = {}
    for c in cols:
        counter: Counter = Counter()
        for row in rows:
            text = row.texts[c] if not row.covered_from_above(c) else ""
            kind = _cell_kind(text) if text else "missing"
            parsed = parse_number(text) if kind == "number" else None
            if parsed is not None:
                kind = "decimal" if parsed.decimals else "int"
            counter[kind] += 1
        profile[c] = counter
    return profile


def _mismatches(row: _Row, profile: dict[int, Counter]) -> tuple[list[int], list[int], list[int]]:
    """Columns where the row's cell does not look like the rest of its column:
    (strong, weak, blank). Strong: a percent among plain numbers, a number among text,
    etc. Weak: a decimal among whole numbers, a whole number among decimals. Blank: a
    blank in a column that is never blank."""
    strong, weak, blank = [], [], []
    for c, counter in profile.items():
        text = row.texts[c] if not row.covered_from_above(c) else ""
        kind = _cell_kind(text) if text else "missing"
        if kind == "number":
            kind = "decimal" if parse_number(text).decimals else "int"  # type: ignore[union-attr]
        others = counter.copy()
        others[kind] -= 1
        others = +others
        filled = {k: n for k, n in others.items() if k != "missing"}
        n_filled = sum(filled.values())
        if n_filled < 3:
            continue
        coarse = Counter()
        for k, n in filled.items():
            coarse["number" if k in ("int", "decimal") else k] += n
        top, top_n = coarse.most_common(1)[0]
        mine = "number" if kind in ("int", "decimal") else kind
        if kind == "missing":
            if others.get("missing", 0) == 0 and n_filled >= 5:
                blank.append(c)
            continue
        if mine != top and top_n >= 0.8 * n_filled:
            strong.append(c)
        elif mine == "number" and filled.get(kind, 0) == 0 and (filled.get("int", 0) + filled.get("decimal", 0)) >= 0.8 * n_filled:
            weak.append(c)
    return strong, weak, blank


def _finding(check: str, severity: str, table: int, row: int | None, message: str, **extra: str) -> dict:
    out = {
        "check": check,
        "severity": severity,
        "table": table,
        "row": row,
        "column": "",
        "unit_raw": "",
        "metric": "",
        "printed": "",
        "expected": "",
        "message": message,
    }
    out.update(extra)
    return out


def _assemble(pieces: list[_Piece], number: int) -> LogicalTable:
    first = pieces[0]
    width = first.grid.width
    paths = first.paths
    lt = LogicalTable(
        number=number,
        kind=first.kind,
        caption=first.caption,
        columns=[],
        rows=[],
        header_rows=first.h,
        pages=sorted({p for piece in pieces for p in piece.grid.table.pages}),
        fragments=len(pieces),
        notes=[n for piece in pieces for n in piece.notes],
    )
    rows: list[_Row] = []
    offset = 0
    for piece in pieces:
        rows.extend(_rows_of(piece, offset))
        offset += piece.grid.n_rows
    if len(pieces) > 1:
        lt.notes.append(f"stitched from {len(pieces)} fragments")
    if lt.kind != "data":
        for row in rows:
            texts = [t for t in row.texts if t]
            if texts:
                lt.rows.append(TableRow(row=row.printed, page=row.page, unit_raw=texts[0], printed=texts))
        return lt

    header_words = {_norm(t) for path in paths for t in path if t}
    for piece in pieces:
        for r in range(piece.h):
            header_words |= {_norm(piece.grid.text(r, c)) for c in range(piece.grid.row_len(r)) if piece.grid.text(r, c)}
    rows = [row for row in rows if row.nonempty() or row.extra]
    rows, dropped = _drop_repeated_headers(rows, header_words, first.h)
    if dropped:
        lt.notes.append(f"repeated header rows dropped: {dropped}")
    rows, notes = _join_split_rows(rows, width)
    lt.notes += notes

    labels = _label_columns(rows, width, paths)
    if first.grid.sparse:
        rows, notes = _repair_wrapped(rows, labels)
        lt.notes += notes
        labels = _label_columns(rows, width, paths)
    metrics = [metric_for(p) if p else OTHER for p in paths]
    unit_col = _pick_unit_column(labels, paths)
    sub_col = _subunit_column(rows, unit_col, labels, paths) if unit_col is not None else None
    twin = _twin_blocks(width, labels, paths)
    lt.unit_header = " / ".join(paths[unit_col]) if unit_col is not None and paths[unit_col] else ""

    roles: dict[int, ColumnRole] = {}
    for c in range(width):
        if paths[c] and is_ignored_column(paths[c]):
            roles[c] = "index"
        elif c == unit_col:
            roles[c] = "unit"
        elif c == sub_col:
            roles[c] = "subunit"
        elif c in labels:
            roles[c] = "label"
        else:
            roles[c] = "value"
    if twin:
        lt.twin = True
        for c in range(twin[0]):
            roles[c] = "shared"
        for c in labels:
            if c >= twin[0]:
                roles[c] = "label"
    paths = distinct_paths(paths, roles)
    # 得分 is a part score under a group (提前率 / 得分); alone in a table, it is the score
    parts = [c for c in range(width) if roles[c] == "value" and metrics[c] == "score_part"]
    if len(parts) == 1 and len(paths[parts[0]]) == 1 and "score" not in metrics:
        metrics[parts[0]] = "score"
    lt.columns = [Column(key=c, path=paths[c], metric=metrics[c], role=roles[c], col=c + 1) for c in range(width)]

    value_cols = [c for c in range(width) if roles[c] in ("value", "shared")]
    profile = _column_profile(rows, value_cols)
    if twin:
        _twin_rows(lt, rows, twin, labels, width)
    else:
        _plain_rows(lt, rows, width, unit_col, sub_col, labels, value_cols, profile)
        if unit_col is not None and _looks_transposed(lt, paths, value_cols):
            _transpose(lt, paths, value_cols)
    return lt


def distinct_paths(paths: list[tuple[str, ...]], roles: dict[int, ColumnRole]) -> list[tuple[str, ...]]:
    """Value columns printed under one header path (a score sheet's six 得分) take the header
    they close: the value column just left of a 得分 is what it scores (提前率（10分） / 得分), and
    a top-level 得分 after a group scores the group (解决率情况（35分） / 得分). Paths printed once
    stay as printed, and so does a duplicate this cannot tell apart."""
    values = [c for c in sorted(roles) if roles[c] == "value" and paths[c]]
    printed = Counter(paths[c] for c in values)
    out = list(paths)
    for c in values:
        left = paths[c - 1] if c > 0 else ()
        if printed[paths[c]] < 2 or roles.get(c - 1) != "value" or not left or left == paths[c]:
            continue
        own = paths[c]
        out[c] = (left[0], own[0]) if len(own) == 1 else own[:-1] + (left[-1], own[-1])
    renamed = Counter(out[c] for c in values)
    return [out[c] if renamed[out[c]] == 1 else paths[c] for c in range(len(paths))]


def _value_cells(row: _Row, cols: Iterable[int]) -> dict[int, TableCell]:
    out = {}
    for c in cols:
        if row.covered_from_above(c):
            continue
        cell = row.cells[c]
        text = cell.text if cell is not None else ""
        if not clean_text(text):
            continue
        page = cell.page if cell is not None and cell.page is not None else row.page
        bbox = cell.bbox if cell is not None else None
        conf = cell.confidence if cell is not None else None
        doubt = ocr_doubt(text, conf) is not None
        out[c] = TableCell(
            text=text, parsed=parse_number(text), row=row.printed, col=c + 1, page=page, bbox=bbox, confidence=conf, low_confidence=doubt
        )
    return out


def _is_total_label(label: str) -> bool:
    norm = _norm(label).rstrip(":：")
    return norm in load_vocab().total_labels


def _plain_rows(
    lt: LogicalTable,
    rows: list[_Row],
    width: int,
    unit_col: int | None,
    sub_col: int | None,
    labels: list[int],
    value_cols: list[int],
    profile: dict[int, Counter],
) -> None:
    last_unit = ""
    parent = ""
    section = ""
    for row in rows:
        printed = [t for t in row.texts if t] + row.extra
        label = row.texts[unit_col] if unit_col is not None else ""
        merged_label = unit_col is not None and row.covered_from_above(unit_col)
        # a row with one text and nothing else is a section label inside the table
        if not row.has_values() and len(row.nonempty()) == 1 and not row.extra and not _is_total_label(printed[0]):
            only = row.nonempty()[0]
            spans_all = row.cells[only] is not None and row.cells[only].col_span >= width - 1
            if spans_all or only == unit_col and not any(_is_value(row.texts[c]) for c in value_cols) and len(labels) <= 1:
                section = printed[0]
                continue
        out = TableRow(row=row.printed, page=row.page, unit_raw=label, printed=printed, section=section)
        damaged_why = ""
        if not row.grid.sparse and (row.length != width or row.extra):
            n = len(row.grid.origins(row.r))
            damaged_why = f"row has {n} cells, the header has {width} columns"
        else:
            strong, weak, blank = _mismatches(row, profile)
            # blanks alone never condemn a row (totals leave score columns empty)
            if strong or len(weak) >= 2 or (weak and blank):
                cols = ", ".join(str(c + 1) for c in sorted(strong + weak + blank)[:8])
                damaged_why = f"cells do not fit their columns (columns {cols})"
        if _is_total_label(label):
            out.is_total = True
        elif unit_col is not None and not label:
            sub = row.texts[sub_col] if sub_col is not None else ""
            other_text = any(row.texts[c] and not row.covered_from_above(c) for c in labels if c != unit_col)
            if sub:
                out.unit_raw, out.parent_unit = sub, parent
            elif merged_label and last_unit:
                out.unit_raw, out.inherited = last_unit, True
            elif other_text and last_unit and not damaged_why:
                out.unit_raw, out.inherited = last_unit, True
            elif row.has_values():
                damaged_why = damaged_why or "row has values but no unit name"
        elif merged_label:
            out.inherited = True
        if label and not out.is_total:
            last_unit = label
            parent = label
        if merged_label and label:
            out.unit_raw = label
        if damaged_why:
            out.damaged = True
            out.note = damaged_why
            lt.findings.append(
                _finding(
                    "damaged_row",
                    "warning",
                    lt.number,
                    row.printed,
                    f"{damaged_why}: values not assigned to columns ({' | '.join(printed)})",
                    unit_raw=out.unit_raw,
                    printed=" | ".join(printed),
                )
            )
        else:
            out.cells = _value_cells(row, value_cols)
        lt.rows.append(out)


def _twin_rows(lt: LogicalTable, rows: list[_Row], twin: tuple[int, int], labels: list[int], width: int) -> None:
    prefix, period = twin
    shared = list(range(prefix))
    # values printed once for the whole table (受理总量 merged down the left side)
    total = TableRow(row=rows[0].printed if rows else 0, page=rows[0].page if rows else None, unit_raw="", is_total=True)
    for row in rows:
        for c, cell in _value_cells(row, shared).items():
            if c not in total.cells:
                total.cells[c] = cell
                total.row, total.page = cell.row, cell.page
    if total.cells:
        total.printed = [cell.text for cell in total.cells.values()]
        lt.rows.append(total)
    for k in range((width - prefix) // period):
        block = list(range(prefix + k * period, prefix + (k + 1) * period))
        label_col = next(c for c in block if c in labels)
        section = " / ".join(lt.columns[label_col].path)
        value_cols = [c for c in block if c != label_col]
        for row in rows:
            label = row.texts[label_col]
            cells = _value_cells(row, value_cols)
            if not label and not cells:
                continue
            out = TableRow(row=row.printed, page=row.page, unit_raw=label, section=section)
            out.printed = [row.texts[c] for c in block if row.texts[c]]
            out.is_total = _is_total_label(label)
            if not label:
                out.damaged = True
                out.note = "row has values but no unit name"
                lt.findings.append(_finding("damaged_row", "warning", lt.number, row.printed, out.note, printed=" | ".join(out.printed)))
            else:
                out.cells = cells
            lt.rows.append(out)


def _looks_transposed(lt: LogicalTable, paths: list[tuple[str, ...]], value_cols: list[int]) -> bool:
    """Measures as rows, categories as columns: most row labels are metric names
    (件数, 占比) while the column headers are not."""
    labels = [r.unit_raw for r in lt.rows if r.unit_raw and not r.damaged]
    if not labels or not value_cols:
        return False

    def measure(text: str) -> bool:
        m = metric_for([text])
        return m != OTHER and not m.startswith("type_")

    row_measures = sum(1 for t in labels if measure(t))
    col_measures = sum(1 for c in value_cols if paths[c] and measure(paths[c][-1]))
    return row_measures >= max(1, 2 * len(labels) / 3) and col_measures <= len(value_cols) / 3


def _transpose(lt: LogicalTable, paths: list[tuple[str, ...]], value_cols: list[int]) -> None:
    measures = [r for r in lt.rows if r.unit_raw and not r.damaged]
    columns = [Column(key=i, path=(r.unit_raw,), metric=metric_for([r.unit_raw]), role="value") for i, r in enumerate(measures)]
    new_rows = []
    for c in value_cols:
        name = paths[c][-1] if paths[c] else ""
        out = TableRow(row=lt.header_rows, page=lt.pages[0] if lt.pages else None, unit_raw=name, section=" / ".join(paths[c][:-1]))
        out.is_total = _is_total_label(name)
        for i, measure_row in enumerate(measures):
            if c in measure_row.cells:
                out.cells[i] = measure_row.cells[c]
        out.printed = [cell.text for cell in out.cells.values()]
        new_rows.append(out)
    lt.columns = [col for col in lt.columns if col.role == "unit"] + columns
    lt.rows = new_rows + [r for r in lt.rows if r.damaged]
    lt.transposed = True


# --------------------------------------------------------------------------- entry point


def _repeated_texts(doc: Document) -> set[str]:
    """Running headers/footers: short paragraphs printed on two or more pages."""
    pages_of: dict[str, set] = {}
    for para in doc.paragraphs:
        text = clean_text(para.text)
        if text and len(text) <= 40 and para.page is not None:
            pages_of.setdefault(text, set()).add(para.page)
    return {t for t, pages in pages_of.items() if len(pages) >= 2}


def build_tables(doc: Document) -> list[LogicalTable]:
    """All logical tables of a document in order: data tables with header paths and
    classified rows, and the non-data ones (info grids, layout) marked by kind."""
    repeated = _repeated_texts(doc)
    pieces: list[_Piece] = []
    groups: list[list[_Piece]] = []
    between: list[Paragraph] = []
    before: list[Paragraph] = []
    index = 0
    last_block: dict[int, int] = {}  # id of a piece -> its position in doc.blocks
    for position, block in enumerate(doc.blocks):
        if isinstance(block, Paragraph):
            between.append(block)
            before.append(block)
            continue
        grid = _Grid.of(block)
        index += 1
        if not block.cells or grid.n_rows == 0:
            continue
        if _is_info_grid(grid):
            kind: TableKind = "info"
            h, paths, notes = 0, [() for _ in range(grid.width)], []
        elif grid.width <= 1 or grid.n_rows <= 1:
            kind, h, paths, notes = "layout", 0, [() for _ in range(grid.width)], []
        else:
            kind = "data"
            h = _header_row_count(grid)
            paths, notes = _header_paths(grid, h)
        piece = _Piece(grid, h, paths, notes, kind, _caption(block, before), index)
        if pieces and groups and _continues(groups[-1][0], piece, between, repeated):
            if piece.h == 0:
                piece.skip_header = False
            groups[-1].append(piece)
        else:
            groups.append([piece])
        pieces.append(piece)
        last_block[id(piece)] = position
        between = []
        before = []
    for group in groups:
        if group[0].kind == "data" and not _title_like(group[0].caption):
            group[0].caption = _caption_after(doc.blocks, last_block[id(group[-1])]) or group[0].caption
    return [_assemble(group, number) for number, group in enumerate(groups, start=1)]
