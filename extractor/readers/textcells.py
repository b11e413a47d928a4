"""Cell-per-line tables: each cell a line of its own (opened by a tab, or closed by " |"),
rows separated by blank lines, with the damage web dumps do to them repaired where it can be
done exactly (a blank line inside a row, lost row breaks) and noted where it cannot."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from .textdump import is_number as _is_number
from .textlines import BLANK, CELL, TEXT, Line, is_prose, kind_at, next_nonblank

_FRAGMENT_MAX = 20  # a wrapped cell's continuation after a blank line is short, e.g. "（5分）"


@dataclass
class _PendingCell:
    parts: list[str]
    line_start: bool  # the first cell of its line (only those can start a row)
    open: bool  # may still take continuation lines

    @property
    def text(self) -> str:
        return "\n".join(p for p in self.parts if p)


def cell_rows(lines: list[Line], i: int) -> tuple[list[list[str]], int, list[str]]:
    """A cell-per-line table: one cell per line, rows separated by blank lines."""
    rows: list[list[_PendingCell]] = []
    cur: list[_PendingCell] = []
    j, n = i, len(lines)
    while j < n:
        line = lines[j]
        if line.kind == CELL:
            if line.closed and not line.marker and not line.lost_first and cur and cur[-1].open:
                cur[-1].parts.append(line.cells[0])  # "赣服通 |" closes a cell wrapped over two lines
                cur[-1].open = False
            else:
                for k, text in enumerate(line.cells):
                    cur.append(_PendingCell([text], line_start=k == 0, open=False))
                cur[-1].open = not line.closed
            j += 1
        elif line.kind == TEXT and lines[j - 1].kind != BLANK and cur and not is_prose(line.text):
            if cur[-1].open:
                cur[-1].parts.append(line.text)  # "\t网站邮件" + "赣服通": a wrapped cell
            elif kind_at(lines, j + 1) == CELL and lines[j + 1].closed and not lines[j + 1].marker:
                cur.append(_PendingCell([line.text], line_start=True, open=True))  # "网站邮件" + "赣服通 |"
            else:
                break
            j += 1
        elif line.kind == BLANK:
            if cur and cur[-1].open and _continues_after_blank(lines, j):
                # "\t得分" + "" + "（5分）" + "\t重复派发情况": the blank is inside a wrapped header cell.
                cur[-1].parts.append(lines[j + 1].text)
                j += 2
                continue
            if cur:
                rows.append(cur)
                cur = []
            m = next_nonblank(lines, j)
            if m < n and lines[m].kind == CELL:
                j = m
            else:
                break
        else:
            break
    if cur:
        rows.append(cur)
    fixed, notes = _repair_rows(rows)
    return [[c.text for c in row] for row in fixed], j, notes


def _continues_after_blank(lines: list[Line], j: int) -> bool:
    """One blank line, then a short fragment that is not prose, then directly the next cell."""
    if j + 2 >= len(lines) or lines[j - 1].kind not in (CELL, TEXT):
        return False
    frag, after = lines[j + 1], lines[j + 2]
    return frag.kind == TEXT and len(frag.text) <= _FRAGMENT_MAX and not is_prose(frag.text) and after.kind == CELL


def _repair_rows(rows: list[list[_PendingCell]]) -> tuple[list[list[_PendingCell]], list[str]]:
    """Fix rows whose blank-line separators were lost or misplaced in the dump, without ever
    moving a value to another column; anything we cannot place exactly is kept and noted."""
    if not rows:
        return rows, []
    counts = Counter(len(r) for r in rows)
    width = max(counts, key=lambda w: (counts[w], w))  # the width of the well-formed rows
    notes: list[str] = []

    # A blank line inside a row ("\t13" + "" + "\t住建局" + "\t关于小区的问题") leaves two short
    # fragments that add up to exactly one row. Left apart, the second fragment would start in
    # column 0, under the wrong header, so join them. Not in the first row: a two-row header
    # (group headers over sub-headers) can also look like two short rows.
    merged: list[list[_PendingCell]] = []
    k = 0
    while k < len(rows):
        row = rows[k]
        if 0 < k < len(rows) - 1 and len(row) < width and len(rows[k + 1]) < width and len(row) + len(rows[k + 1]) == width:
            notes.append(f"row {len(merged)}: a row broken by a blank line ({len(row)} + {len(rows[k + 1])} cells) was joined")
            merged.append(row + rows[k + 1])
            k += 2
            continue
        merged.append(row)
        k += 1

    # A run of cells with no blank line between rows (damaged dumps drop them) is longer than
    # the table is wide. We cut a whole row of exactly `width` cells off its front or its back
    # only where the cut falls on a cell that can start a row (the first cell of a line that is
    # empty, i.e. a lost row label as in " \t5", or a non-numeric label), and only while what is
    # left still holds at least a full row. Whatever stays longer than a row after that has
    # lost cells somewhere inside, so we cannot tell which column each value belongs to: it is
    # kept as one over-long row, with a note, rather than guessed into shifted columns.
    out: list[list[_PendingCell]] = []
    for row in merged:
        if len(row) <= width:
            out.append(row)
            continue
        front: list[list[_PendingCell]] = []
        back: list[list[_PendingCell]] = []
        rest = row
        while len(rest) > width:
            if len(rest) - width >= width and _starts_row(rest[width]):
                front.append(rest[:width])
                rest = rest[width:]
            elif len(rest) - width >= width and _starts_row(rest[len(rest) - width]):
                back.insert(0, rest[len(rest) - width :])
                rest = rest[: len(rest) - width]
            else:
                break
        first = len(out)
        pieces = [*front, rest, *back]
        out.extend(pieces)
        if len(pieces) > 1:
            notes.append(f"rows {first}-{first + len(pieces) - 1}: {len(row)} cells without row breaks were cut into rows of {width}")
        if len(rest) > width:
            where = first + len(front)
            notes.append(f"row {where}: {len(rest)} cells without row breaks (rows have {width}); cells were lost, kept as one row")
    return out, notes


def _starts_row(cell: _PendingCell) -> bool:
    return cell.line_start and (cell.text == "" or not _is_number(cell.text))
