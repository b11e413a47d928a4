"""One RawTable as positions (slots), and the test for an info grid (key/value layout)."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from ..model import Cell, RawTable
from .model import load_vocab
from .text import _is_value, _norm, clean_text


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
