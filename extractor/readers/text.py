"""Plain-text reader: archived text dumps and copied web pages into the document model.

The layout is recognised from the text itself, line by line, never from the file name:

- cell per line: each cell is a line starting with a tab ("\\t电话"), optionally closed by a
  trailing " |"; a line holding only a tab is an empty cell; blank lines separate rows
  (textcells);
- cells closed by " |" with no blank line anywhere, so no row breaks ("||||" = empty cells);
  the rows are read from the rhythm of the cells (textdump);
- tab-separated rows ("部门名称\\t受理案件数\\t…"), one row per line;
- pipe-separated rows ("索 引 号 | CJS044/2025-000234 | 主题分类 | |"); a pipe row holding only
  its first cell ("| 某某表 | |||||||") above a table is its title;
- cells separated by blank lines, one cell per paragraph, the rows read from their rhythm
  (textdump);
- prose: everything else, one Paragraph per non-empty line.

Lines are classified in textlines. Rows that cannot be placed exactly (cut off at the end of
the excerpt, a merged cell not printed again) are noted in Document.notes ("read" findings).

Cells keep their text as printed (only surrounding spaces are stripped) and rows stay ragged:
deciding header rows and normalising numbers are later stages' jobs.
"""

from __future__ import annotations

import unicodedata
from pathlib import Path

from ..model import Block, Cell, Document, Paragraph, RawTable, ReadError
from .textcells import cell_rows
from .textcodec import decode_text
from .textdump import RunCell, lost_spans, split_run
from .textdump import is_number as _is_number
from .textlines import (
    BLANK,
    CELL,
    PARENTHESISED,
    PIPE,
    RULE,
    SENTENCE_PUNCT,
    TEXT,
    TSV,
    Line,
    classify,
    heading_level,
    kind_at,
    next_nonblank,
    rows_of_one_cell,
)

ENGINE = "text"

_CAPTION_MAX = 60  # longer lines are text, not a table title
_BLANK_CELL_MAX = 30  # a one-cell paragraph in a blank-separated table is short
_MIN_BLANK_RUN = 6  # one-cell paragraphs before we look for a table in them
_MIN_BLANK_DATA_ROWS = 2  # a header and one row of short paragraphs is too little to believe
_MIN_RUN_DATA_ROWS = 2  # likewise for cells closed by bars (page menus print "首页 |" lines too)


def read_text(path: str | Path, max_bytes: int | None = None) -> Document:
    """Read a text dump into a Document, or raise ReadError with a one-line reason
    (also for a file over max_bytes, checked before it is read)."""
    path = Path(path)
    try:
        size = path.stat().st_size
        if max_bytes is not None and size > max_bytes:
            raise ReadError(f"text file of {size:,} bytes is over the limit of {max_bytes:,} bytes (--max-input-mb)")
        data = path.read_bytes()
    except OSError as exc:
        raise ReadError(f"cannot open: {exc.strerror or exc}") from exc
    if not data:
        raise ReadError("empty file (0 bytes)")
    text, encoding = decode_text(data)
    if not text.strip():
        raise ReadError("no text: the file holds only whitespace")
    _reject_binary(text)
    blocks, notes = parse_text(text)
    return Document(source=str(path), format="text", blocks=blocks, pages=None, status="ok", notes=notes, encoding=encoding)


def _reject_binary(text: str) -> None:
    # GB18030 decodes many byte soups without error, so look at what came out: real text has
    # (almost) no control characters or replacement characters.
    bad = sum(1 for ch in text if ch == "\ufffd" or (unicodedata.category(ch) == "Cc" and ch not in "\t\n\r\f\v"))
    if bad > max(2, len(text) // 200):
        raise ReadError(f"binary content: {bad} control characters in a text file")


def parse_text(text: str) -> tuple[list[Block], list[str]]:
    """Blocks (Paragraph, RawTable) in reading order, plus notes about rows we could not place."""
    lines = rows_of_one_cell([classify(raw) for raw in text.replace("\f", "\n").splitlines()])
    blocks: list[Block] = []
    notes: list[str] = []
    i, n = 0, len(lines)
    while i < n:
        line = lines[i]
        if line.kind == BLANK or line.kind == RULE:
            i += 1
            continue
        if (
            line.kind in (CELL, PIPE)
            and (run := _bar_run(lines, i)) is not None
            and (after := _read_bar_run(lines, run, blocks, notes)) is not None
        ):
            i = after
            continue
        if line.kind in (TSV, PIPE):
            rows, end = _grid_rows(lines, i)
            table_notes: list[str] = []
        elif line.kind == CELL:
            rows, end, table_notes = cell_rows(lines, i)
        else:
            found = _blank_separated(lines, i)
            if found is None:
                blocks.append(_paragraph(line.text))
                i += 1
                continue
            lead, rows, end, table_notes = found
            blocks.extend(_paragraph(lines[k].text) for k in lead)
        _emit(rows, lines, i, end, table_notes, blocks, notes)
        i = end
    return blocks, notes


def _emit(
    rows: list[list[str]], lines: list[Line], i: int, end: int, table_notes: list[str], blocks: list[Block], notes: list[str]
) -> None:
    if len(rows) < 2 or max(len(r) for r in rows) < 2:
        # One row, or one cell per row (e.g. prose indented with a tab): not a table.
        blocks.extend(_paragraph(lines[k].text) for k in range(i, end) if lines[k].kind not in (BLANK, RULE))
    else:
        table_no = len([b for b in blocks if isinstance(b, RawTable)]) + 1
        notes.extend(f"table {table_no}: {note}" for note in table_notes)
        blocks.append(_table(rows, _caption(blocks)))


# ---------------------------------------------------------------------------- tab / pipe rows


def _grid_rows(lines: list[Line], i: int) -> tuple[list[list[str]], int]:
    """Consecutive tab- or pipe-separated rows. Blank lines between rows do not end the table
    (long tables are split into blocks with a repeated header); any other line does."""
    kind = lines[i].kind
    rows: list[list[str]] = []
    j = i
    while j < len(lines):
        line = lines[j]
        if line.kind == kind:
            rows.append(line.cells)
            j += 1
        elif line.kind == RULE and kind == PIPE:
            j += 1
        elif kind == TSV and line.kind == CELL and not line.closed and (lines[j - 1].kind == TSV or kind_at(lines, j + 1) == TSV):
            # "\t劳动监察大队" between tab-separated rows is a row with an empty first cell.
            rows.append(["", *line.cells[-1:]])
            j += 1
        elif line.kind == BLANK:
            m = next_nonblank(lines, j)
            if m < len(lines) and lines[m].kind == kind:
                j = m
            else:
                break
        else:
            break
    return rows, j


# ---------------------------------------------------------------------------- cells closed by bars, no row breaks


def _is_bar_cell(line: Line) -> bool:
    return line.kind == CELL and line.closed and not line.marker and not line.lost_first


def _bar_run(lines: list[Line], i: int) -> tuple[list[RunCell], list[int], int] | None:
    """Lines of cells each closed by " |" (or bars only, "||||") with no blank line between
    rows, so nothing marks where a row ends: (cells, the line of each cell, end), or None
    where the layout is another one (rows separated by blank lines, tab-marked cells).
    A line of several closed cells ("單位 | 總工單數 |") inside such a run adds its cells."""
    cells: list[RunCell] = []
    owner: list[int] = []
    j, n = i, len(lines)
    while j < n:
        line = lines[j]
        in_run = _is_bar_cell(line) or (line.kind == PIPE and line.closed and (_is_bar_cell(lines[j + 1]) if j + 1 < n else bool(cells)))
        if not in_run:
            break
        for k, text in enumerate(line.cells):
            cells.append(RunCell(text, closes_row=line.bars and k == len(line.cells) - 1 and len(line.cells) > 1))
            owner.append(j)
        j += 1
    if len(cells) < 4 or (j < n and lines[j].kind == BLANK and kind_at(lines, next_nonblank(lines, j)) == CELL):
        return None
    return cells, owner, j


def _read_bar_run(lines: list[Line], run: tuple[list[RunCell], list[int], int], blocks: list[Block], notes: list[str]) -> int | None:
    """Tables read from a bar run by its rhythm, and the line after the run; cells that fit
    no table are text. None (nothing added) when no table starts the run."""
    cells, owner, end = run
    at_end = next_nonblank(lines, end) >= len(lines)
    if split_run(cells, at_end, min_rows=_MIN_RUN_DATA_ROWS) is None:
        if (why := lost_spans(cells)) is not None:
            notes.append(f"line {owner[0] + 1}: {why}")
        return None
    pos = 0
    while pos < len(cells):
        found = split_run(cells[pos:], at_end, min_rows=_MIN_RUN_DATA_ROWS)
        if found is None:
            if cells[pos].text:
                blocks.append(_paragraph(cells[pos].text))
            pos += 1
            continue
        table_no = len([b for b in blocks if isinstance(b, RawTable)]) + 1
        notes.extend(f"table {table_no}: {note}" for note in found.notes)
        blocks.append(_table(found.rows, _caption(blocks)))
        pos += found.used
    return max(end, owner[-1] + 1)


# ---------------------------------------------------------------------------- blank-separated cells


def _blank_separated(lines: list[Line], i: int) -> tuple[list[int], list[list[str]], int, list[str]] | None:
    """A table printed one cell per paragraph (cells separated by blank lines). The rows are
    read from the rhythm of the run (textdump.split_run): a header of labels, then data rows
    that repeat one pattern of number and label columns; a title or "附件1" may come first.
    Returns (lead-in paragraph lines, rows, end, notes) or None."""
    run = [i]
    j = i
    while True:
        m = next_nonblank(lines, j + 1)
        if m == j + 1 or m >= len(lines) or not _cell_like(lines[m]):
            break  # two lines with no blank between them are not one-cell paragraphs
        run.append(m)
        j = m
    if not _cell_like(lines[i]) or len(run) < _MIN_BLANK_RUN:
        return None
    texts = [lines[k].text for k in run]
    if not any(_is_number(t) for t in texts):
        return None
    at_end = next_nonblank(lines, run[-1] + 1) >= len(lines)
    found = split_run([RunCell(t) for t in texts], at_end, max_lead=3, min_rows=_MIN_BLANK_DATA_ROWS)
    if found is None:
        return None
    return run[: found.lead], found.rows, run[found.used - 1] + 1, found.notes


def _cell_like(line: Line) -> bool:
    text = line.text
    return line.kind == TEXT and len(text) <= _BLANK_CELL_MAX and not SENTENCE_PUNCT.search(text) and heading_level(text) is None


# ---------------------------------------------------------------------------- blocks


def _paragraph(text: str) -> Paragraph:
    return Paragraph(text=text, page=None, level=heading_level(text))


def _caption(blocks: list[Block]) -> str | None:
    """The line printed right above the table, if it reads as a title: short, no sentence
    punctuation, not a section heading. A parenthesised remark under the title, such as
    "(包含联合派单)", is passed over. Only the immediately preceding lines are considered,
    so a table introduced by a sentence ("…详情如下：") has no caption. The document's first
    line is the document's title, not a table's."""
    for k in range(len(blocks) - 1, max(len(blocks) - 4, 0), -1):  # never blocks[0]
        block = blocks[k]
        if not isinstance(block, Paragraph):
            return None
        text = block.text
        if PARENTHESISED.match(text) and heading_level(text) is None:
            continue
        if len(text) <= _CAPTION_MAX and not SENTENCE_PUNCT.search(text) and heading_level(text) not in (1, 2):
            return text
        return None
    return None


def _table(rows: list[list[str]], caption: str | None) -> RawTable:
    cells = [Cell(text=text, row=r, col=c) for r, row in enumerate(rows) for c, text in enumerate(row)]
    return RawTable(cells=cells, page=None, bordered=None, engine=ENGINE, caption=caption)
