"""Body rows: repeated headers dropped, split rows joined, wrapped label cells repaired."""

from __future__ import annotations

import statistics
from dataclasses import dataclass

from ..model import Cell
from .grid import _Grid
from .stitching import _Piece
from .text import _is_value, _norm, clean_text


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
