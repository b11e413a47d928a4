"""Plain-text reader: archived text dumps and copied web pages into the document model.

The layout is recognised from the text itself, line by line, never from the file name:

- cell per line: each cell is a line starting with a tab ("\\t电话"), optionally closed by a
  trailing " |"; a line holding only a tab is an empty cell; blank lines separate rows;
- tab-separated rows ("部门名称\\t受理案件数\\t…"), one row per line;
- pipe-separated rows ("索 引 号 | CJS044/2025-000234 | 主题分类 | |");
- cells separated by blank lines, one cell per paragraph, N cells per row (N is inferred);
- prose: everything else, one Paragraph per non-empty line.

Cells keep their text as printed (only surrounding spaces are stripped) and rows stay ragged:
deciding header rows and normalising numbers are later stages' jobs.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from ..model import Block, Cell, Document, Paragraph, RawTable, ReadError
from .textcodec import decode_text
from .textdump import RunCell, lost_spans, split_run
from .textdump import is_number as _is_number

ENGINE = "text"

# Line kinds.
_BLANK, _TEXT, _CELL, _TSV, _PIPE, _RULE = "blank", "text", "cell", "tsv", "pipe", "rule"

_SPACES = " \u3000\xa0\r\f\v"  # what counts as blank; a tab does not (a lone tab is an empty cell)
_SENTENCE_PUNCT = re.compile(r"[。，；！？,;!?：:]")
_LEVEL1 = re.compile(r"^[一二三四五六七八九十百]+、")
_LEVEL2 = re.compile(r"^[（(][一二三四五六七八九十百]+[)）]")
_LEVEL3 = re.compile(r"^\d{1,2}(?:[．、]|\.(?!\d)|\.(?=\d{4}年))")  # "1．", "1、", "1." but not "2.5"
_PARENTHESISED = re.compile(r"^[（(].*[)）]$")
_MD_RULE = re.compile(r"^:?-{3,}:?$")

_HEADING_MAX = 40  # a numbered heading is one short line; longer numbered lines are paragraphs
_CAPTION_MAX = 60  # longer lines are text, not a table title
_FRAGMENT_MAX = 20  # a wrapped cell's continuation after a blank line is short, e.g. "（5分）"
_BLANK_CELL_MAX = 30  # a one-cell paragraph in a blank-separated table is short
_MIN_BLANK_RUN = 6  # one-cell paragraphs before we look for a table in them
_MIN_BLANK_DATA_ROWS = 2  # a header and one row of short paragraphs is too little to believe


@dataclass
class _Line:
    kind: str
    text: str  # the line stripped of surrounding whitespace (for prose)
    cells: list[str] = field(default_factory=list)
    marker: bool = False  # cell line opened by a tab in column 0
    lost_first: bool = False  # " \tx": the spaces before the tab stand for an empty cell
    closed: bool = False  # cell line closed by a trailing " |"
    bars: bool = False  # a line of bars only ("||||"): empty cells


@dataclass
class _PendingCell:
    parts: list[str]
    line_start: bool  # the first cell of its line (only those can start a row)
    open: bool  # may still take continuation lines

    @property
    def text(self) -> str:
        return "\n".join(p for p in self.parts if p)


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
    lines = [_classify(raw) for raw in text.replace("\f", "\n").splitlines()]
    blocks: list[Block] = []
    notes: list[str] = []
    i, n = 0, len(lines)
    while i < n:
        line = lines[i]
        if line.kind == _BLANK or line.kind == _RULE:
            i += 1
            continue
        if (
            line.kind in (_CELL, _PIPE)
            and (run := _bar_run(lines, i)) is not None
            and (after := _read_bar_run(lines, run, blocks, notes)) is not None
        ):
            i = after
            continue
        if line.kind in (_TSV, _PIPE):
            rows, end = _grid_rows(lines, i)
            table_notes: list[str] = []
        elif line.kind == _CELL:
            rows, end, table_notes = _cell_rows(lines, i)
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
    rows: list[list[str]], lines: list[_Line], i: int, end: int, table_notes: list[str], blocks: list[Block], notes: list[str]
) -> None:
    if len(rows) < 2 or max(len(r) for r in rows) < 2:
        # One row, or one cell per row (e.g. prose indented with a tab): not a table.
        blocks.extend(_paragraph(lines[k].text) for k in range(i, end) if lines[k].kind not in (_BLANK, _RULE))
    else:
        table_no = len([b for b in blocks if isinstance(b, RawTable)]) + 1
        notes.extend(f"table {table_no}: {note}" for note in table_notes)
        blocks.append(_table(rows, _caption(blocks)))


# ---------------------------------------------------------------------------- lines


def _classify(raw: str) -> _Line:
    stripped = raw.strip(_SPACES + "\t")
    if not raw.strip(_SPACES):
        return _Line(_BLANK, "")
    if "\t" in raw:
        if raw.startswith("\t") and "\t" not in raw[1:]:
            content, closed = _unpipe(raw[1:])
            return _Line(_CELL, stripped, [content], marker=True, closed=closed)
        head, _, rest = raw.partition("\t")
        if not head.strip(_SPACES) and "\t" not in rest:
            # " \t5": in the damaged rows of cell-per-line dumps the spaces stand for a lost
            # (empty) cell, so this is two cells; in a tab-separated table it is a row ["", "5"].
            content, closed = _unpipe(rest)
            return _Line(_CELL, stripped, ["", content], lost_first=True, closed=closed)
        return _Line(_TSV, stripped, [c.strip(_SPACES) for c in raw.split("\t")])
    if "|" in stripped:
        if stripped.endswith("|") and stripped.count("|") == 1:
            return _Line(_CELL, stripped, [stripped[:-1].strip(_SPACES)], closed=True)
        if not stripped.strip("|" + _SPACES):
            # "||||||": one empty cell per bar (merged cells that lost their spans, the empty
            # half of a twin table); the page closed a row after it.
            return _Line(_CELL, stripped, [""] * stripped.count("|"), closed=True, bars=True)
        parts = stripped.split("|")
        if stripped.startswith("|"):
            parts = parts[1:]
        if stripped.endswith("|"):
            parts = parts[:-1]  # the trailing " |" closes the row, it adds no cell
        cells = [p.strip(_SPACES) for p in parts]
        if len(cells) >= 2:
            if all(_MD_RULE.match(c) for c in cells):
                return _Line(_RULE, stripped)  # markdown "|---|---|" under a header row
            if cells[0] and len(cells) >= 3 and not any(cells[1:]):
                # "| 某某表 | |||||||": a title printed as a row of one cell and empty ones.
                return _Line(_TEXT, cells[0])
            return _Line(_PIPE, stripped, cells, closed=stripped.endswith("|"))
    return _Line(_TEXT, stripped)


def _unpipe(content: str) -> tuple[str, bool]:
    """A cell's text and whether a trailing " |" closed it."""
    text = content.strip(_SPACES)
    if text.endswith("|") and text.count("|") == 1:
        return text[:-1].strip(_SPACES), True
    return text, False


def _next_nonblank(lines: list[_Line], j: int) -> int:
    while j < len(lines) and lines[j].kind == _BLANK:
        j += 1
    return j


# ---------------------------------------------------------------------------- tab / pipe rows


def _grid_rows(lines: list[_Line], i: int) -> tuple[list[list[str]], int]:
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
        elif line.kind == _RULE and kind == _PIPE:
            j += 1
        elif kind == _TSV and line.kind == _CELL and not line.closed and (lines[j - 1].kind == _TSV or _kind_at(lines, j + 1) == _TSV):
            # "\t劳动监察大队" between tab-separated rows is a row with an empty first cell.
            rows.append(["", *line.cells[-1:]])
            j += 1
        elif line.kind == _BLANK:
            m = _next_nonblank(lines, j)
            if m < len(lines) and lines[m].kind == kind:
                j = m
            else:
                break
        else:
            break
    return rows, j


def _kind_at(lines: list[_Line], j: int) -> str | None:
    return lines[j].kind if j < len(lines) else None


# ---------------------------------------------------------------------------- cells closed by bars, no row breaks


def _is_bar_cell(line: _Line) -> bool:
    return line.kind == _CELL and line.closed and not line.marker and not line.lost_first


def _bar_run(lines: list[_Line], i: int) -> tuple[list[RunCell], list[int], int] | None:
    """Lines of cells each closed by " |" (or bars only, "||||") with no blank line between
    rows, so nothing marks where a row ends: (cells, the line of each cell, end), or None
    where the layout is another one (rows separated by blank lines, tab-marked cells).
    A line of several closed cells ("單位 | 總工單數 |") inside such a run adds its cells."""
    cells: list[RunCell] = []
    owner: list[int] = []
    j, n = i, len(lines)
    while j < n:
        line = lines[j]
        in_run = _is_bar_cell(line) or (line.kind == _PIPE and line.closed and (_is_bar_cell(lines[j + 1]) if j + 1 < n else bool(cells)))
        if not in_run:
            break
        for k, text in enumerate(line.cells):
            cells.append(RunCell(text, closes_row=line.bars and k == len(line.cells) - 1 and len(line.cells) > 1))
            owner.append(j)
        j += 1
    if len(cells) < 4 or (j < n and lines[j].kind == _BLANK and _kind_at(lines, _next_nonblank(lines, j)) == _CELL):
        return None
    return cells, owner, j


def _read_bar_run(lines: list[_Line], run: tuple[list[RunCell], list[int], int], blocks: list[Block], notes: list[str]) -> int | None:
    """Tables read from a bar run by its rhythm, and the line after the run; cells that fit
    no table are text. None (nothing added) when no table starts the run."""
    cells, owner, end = run
    at_end = _next_nonblank(lines, end) >= len(lines)
    if split_run(cells, at_end, min_rows=1) is None:
        if (why := lost_spans(cells)) is not None:
            notes.append(f"line {owner[0] + 1}: {why}")
        return None
    pos = 0
    while pos < len(cells):
        found = split_run(cells[pos:], at_end, min_rows=1)
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


# ---------------------------------------------------------------------------- cell per line


def _cell_rows(lines: list[_Line], i: int) -> tuple[list[list[str]], int, list[str]]:
    """A cell-per-line table: one cell per line, rows separated by blank lines."""
    rows: list[list[_PendingCell]] = []
    cur: list[_PendingCell] = []
    j, n = i, len(lines)
    while j < n:
        line = lines[j]
        if line.kind == _CELL:
            if line.closed and not line.marker and not line.lost_first and cur and cur[-1].open:
                cur[-1].parts.append(line.cells[0])  # "赣服通 |" closes a cell wrapped over two lines
                cur[-1].open = False
            else:
                for k, text in enumerate(line.cells):
                    cur.append(_PendingCell([text], line_start=k == 0, open=False))
                cur[-1].open = not line.closed
            j += 1
        elif line.kind == _TEXT and lines[j - 1].kind != _BLANK and cur and not _is_prose(line.text):
            if cur[-1].open:
                cur[-1].parts.append(line.text)  # "\t网站邮件" + "赣服通": a wrapped cell
            elif _kind_at(lines, j + 1) == _CELL and lines[j + 1].closed and not lines[j + 1].marker:
                cur.append(_PendingCell([line.text], line_start=True, open=True))  # "网站邮件" + "赣服通 |"
            else:
                break
            j += 1
        elif line.kind == _BLANK:
            if cur and cur[-1].open and _continues_after_blank(lines, j):
                # "\t得分" + "" + "（5分）" + "\t重复派发情况": the blank is inside a wrapped header cell.
                cur[-1].parts.append(lines[j + 1].text)
                j += 2
                continue
            if cur:
                rows.append(cur)
                cur = []
            m = _next_nonblank(lines, j)
            if m < n and lines[m].kind == _CELL:
                j = m
            else:
                break
        else:
            break
    if cur:
        rows.append(cur)
    fixed, notes = _repair_rows(rows)
    return [[c.text for c in row] for row in fixed], j, notes


def _continues_after_blank(lines: list[_Line], j: int) -> bool:
    """One blank line, then a short fragment that is not prose, then directly the next cell."""
    if j + 2 >= len(lines) or lines[j - 1].kind not in (_CELL, _TEXT):
        return False
    frag, after = lines[j + 1], lines[j + 2]
    return frag.kind == _TEXT and len(frag.text) <= _FRAGMENT_MAX and not _is_prose(frag.text) and after.kind == _CELL


def _is_prose(text: str) -> bool:
    """A line that cannot be part of a cell: a numbered section heading or a full sentence."""
    return bool(_LEVEL1.match(text) or _LEVEL2.match(text)) or (text.endswith("。") and len(text) > 40)


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


# ---------------------------------------------------------------------------- blank-separated cells


def _blank_separated(lines: list[_Line], i: int) -> tuple[list[int], list[list[str]], int, list[str]] | None:
    """A table printed one cell per paragraph (cells separated by blank lines). The rows are
    read from the rhythm of the run (textdump.split_run): a header of labels, then data rows
    that repeat one pattern of number and label columns; a title or "附件1" may come first.
    Returns (lead-in paragraph lines, rows, end, notes) or None."""
    run = [i]
    j = i
    while True:
        m = _next_nonblank(lines, j + 1)
        if m == j + 1 or m >= len(lines) or not _cell_like(lines[m]):
            break  # two lines with no blank between them are not one-cell paragraphs
        run.append(m)
        j = m
    if not _cell_like(lines[i]) or len(run) < _MIN_BLANK_RUN:
        return None
    texts = [lines[k].text for k in run]
    if not any(_is_number(t) for t in texts):
        return None
    at_end = _next_nonblank(lines, run[-1] + 1) >= len(lines)
    found = split_run([RunCell(t) for t in texts], at_end, max_lead=3, min_rows=_MIN_BLANK_DATA_ROWS)
    if found is None:
        return None
    return run[: found.lead], found.rows, run[found.used - 1] + 1, found.notes


def _cell_like(line: _Line) -> bool:
    text = line.text
    return line.kind == _TEXT and len(text) <= _BLANK_CELL_MAX and not _SENTENCE_PUNCT.search(text) and heading_level(text) is None


# ---------------------------------------------------------------------------- blocks


def heading_level(text: str) -> int | None:
    """1 for "一、…", 2 for "（一）…"/"(一)…", 3 for a short "1．…" title without sentence punctuation.
    A numbered paragraph that runs on after its title ("（一）审核把关不严。部分承办单位…") is text."""
    is_line = len(text) <= _HEADING_MAX and "。" not in text
    if _LEVEL1.match(text) and is_line:
        return 1
    if _LEVEL2.match(text) and is_line:
        return 2
    if _LEVEL3.match(text) and len(text) <= 30 and not _SENTENCE_PUNCT.search(text):
        return 3
    return None


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
        if _PARENTHESISED.match(text) and heading_level(text) is None:
            continue
        if len(text) <= _CAPTION_MAX and not _SENTENCE_PUNCT.search(text) and heading_level(text) not in (1, 2):
            return text
        return None
    return None


def _table(rows: list[list[str]], caption: str | None) -> RawTable:
    cells = [Cell(text=text, row=r, col=c) for r, row in enumerate(rows) for c, text in enumerate(row)]
    return RawTable(cells=cells, page=None, bordered=None, engine=ENGINE, caption=caption)
