"""Header rows → one header path per column (spans, ragged text headers, borderless PDF geometry)."""

from __future__ import annotations

import statistics
from dataclasses import dataclass

from ..metrics import load_metrics
from ..model import Cell
from .grid import _Grid
from .text import _BRACKET_START, _norm, clean_text


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
