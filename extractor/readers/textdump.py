"""Tables copied out of web pages as a run of cells with no row breaks.

A web page's table pasted as text often loses its row breaks: each cell is a line of its own
(closed by " |", or separated from the next by a blank line) and nothing marks where a row ends.
The rows are recovered from the rhythm of the run itself, never from a template: a header of
labels gives the width, and the data rows that follow must repeat one pattern of number columns
and label columns. Where a run does not read that way it is left alone (the caller prints it as
text), and where a row cannot be placed exactly (cut off at the end of the excerpt, a merged cell
not printed) a note says so.

Kinds of cell: "n" a number or a placeholder ("-", "/"), "l" a label, "e" empty. An empty cell
fits any column (a blank value, the empty half of a twin table).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

# A number as printed in these tables: 1383, -17.84%, 30.00, "89. 52%" (a space after the point), 1,234.
_NUMBER = re.compile(r"^[-+−]?\d[\d,，]*(?:[.．]\s?\d+)?\s?[%％]?$")
PLACEHOLDER = {"-", "--", "—", "——", "－", "/", "／", "无"}
# A header cell wrapped onto a line of its own: "快速办结率" + "(≥80%达标)".
_FRAGMENT = re.compile(r"^[（(].*[)）]$")

MAX_COLS = 20
_MAX_HEADER_ROWS = 4


def is_number(text: str) -> bool:
    return bool(_NUMBER.match(text))


def kind(text: str) -> str:
    if not text:
        return "e"
    return "n" if is_number(text) or text in PLACEHOLDER else "l"


@dataclass
class RunCell:
    text: str
    closes_row: bool = False  # the last empty cell of a "||||" line: the page closed a row here


@dataclass
class RunTable:
    lead: int  # cells before the header (a title, "附件1") that belong to the text
    rows: list[list[str]]  # header row(s) first; data rows may be short (a row left unfinished)
    used: int  # cells of the run consumed, lead included
    notes: list[str] = field(default_factory=list)


def split_run(cells: list[RunCell], at_end: bool, max_lead: int = 0, min_rows: int = 2) -> RunTable | None:
    """The table at the front of a run of cells (after at most max_lead cells of text), or None.

    Among the readings whose header is all labels and whose data rows (at least min_rows) fit
    one column pattern, one whose rows do not end on a label wins (a reading shifted by one
    cell ends each row on the next row's label), then the one that covers most cells (lead
    cells count: they are read as text), then the one with fewer irregular rows, then the
    narrower one.
    at_end: nothing follows the run in the document, so a last row with too few cells was cut
    off by the excerpt (dropped, with a note) rather than printed short."""
    best: RunTable | None = None
    best_key: tuple[bool, int, int, int] | None = None
    for lead in range(min(max_lead, len(cells) - 1) + 1):
        for header, width_raw in _headers(cells, lead):
            width = len(header[-1])
            found = _data_rows(cells, lead + width_raw, width, at_end, min_rows)
            if found is None:
                continue
            rows, used, notes, irregular = found
            # A reading shifted by one cell ends its rows on the next row's label.
            ends_on_number = all(kind(r[-1]) != "l" for r in rows if len(r) == width)
            key = (ends_on_number, used, -irregular, -width)
            if best_key is None or key > best_key:
                best_key = key
                best = RunTable(lead=lead, rows=[*header, *rows], used=used, notes=notes)
    return best


def _headers(cells: list[RunCell], start: int):
    """Candidate headers at `start`: (header rows, cells they take).

    One row of W labels, where a parenthesised fragment is joined to the label before it
    ("快速办结率" + "(≥80%达标)"); or rows closed by "||||" runs that pad each row to the
    same width (a header of merged cells whose spans were lost)."""
    stacked = _stacked_header(cells, start)
    if stacked is not None:
        if not any("" in row for row in stacked[0]):
            yield stacked
        # Header rows padded with empty cells lost the spans of their merged cells: which
        # column a label stands over cannot be told, so this is not read as a table with
        # guessed columns (see lost_spans).
        return
    labels: list[str] = []
    k = start
    while k < len(cells) and len(labels) <= MAX_COLS:
        text = cells[k].text
        if kind(text) != "l" or cells[k].closes_row:
            return
        if labels and _FRAGMENT.match(text) and not _FRAGMENT.match(labels[-1]):
            labels[-1] += text
        else:
            labels.append(text)
        k += 1
        if len(labels) >= 2 and not (k < len(cells) and _FRAGMENT.match(cells[k].text)):
            yield [list(labels)], k - start


def _stacked_header(cells: list[RunCell], start: int) -> tuple[list[list[str]], int] | None:
    """Header rows each closed by a run of empty cells, all of one width, before the data."""
    rows: list[list[str]] = []
    row: list[str] = []
    k = start
    while k < len(cells) and len(rows) < _MAX_HEADER_ROWS:
        cell = cells[k]
        if kind(cell.text) == "n":
            break
        row.append(cell.text)
        k += 1
        if cell.closes_row:
            rows.append(row)
            row = []
    k -= len(row)  # labels before the first number that no run closes start the data ("甲局", "5")
    if len(rows) < 2 or len({len(r) for r in rows}) != 1 or not 2 <= len(rows[0]) <= MAX_COLS:
        return None
    return rows, k - start


def lost_spans(cells: list[RunCell]) -> str | None:
    """Why a run that starts with header rows padded by "||||" runs was not read as a table."""
    stacked = _stacked_header(cells, 0)
    if stacked is None or not any("" in row for row in stacked[0]):
        return None
    rows = stacked[0]
    counts = ", ".join(str(sum(1 for t in row if t)) for row in rows)
    return (
        f"a table of {len(rows[0])} columns whose {len(rows)} header rows ({counts} labels) were printed without the spans"
        " of their merged cells: the columns under the labels cannot be told apart, so it was not read as a table"
    )


def _fits(texts: list[str], pattern: list[str | None]) -> bool:
    return all(kind(t) == "e" or p is None or kind(t) == p for t, p in zip(texts, pattern, strict=False))


def _data_rows(cells: list[RunCell], p: int, width: int, at_end: bool, min_rows: int) -> tuple[list[list[str]], int, list[str], int] | None:
    """Rows of `width` cells from p on that fit one column pattern: (rows, end, notes, rows
    that are not regular: a merged cell not printed, a row printed short or cut off)."""
    pattern: list[str | None] = [None] * width
    rows: list[list[str]] = []
    notes: list[str] = []
    n = len(cells)
    while p < n:
        texts = [c.text for c in cells[p : p + width]]
        if len(texts) == width and _fits(texts, pattern) and "n" in map(kind, texts):
            row, step = texts, width
        elif (
            rows
            and pattern[0] == "n"
            and kind(texts[0]) == "l"
            and len(texts) >= width - 1
            and _fits(texts[: width - 1], pattern[1:])
            and "n" in map(kind, texts[: width - 1])
        ):
            # A label where the first column holds a number (a total merged over the rows),
            # and the row fits from the second column on: the page did not print the merged
            # cell again, so it is left empty rather than shifting every value one column left.
            row, step = ["", *texts[: width - 1]], width - 1
            notes.append(f"data row {len(rows) + 1}: its first cell was not printed (merged from above), left empty")
        else:
            break
        rows.append(row)
        pattern = [pk if pk is not None else (None if kind(t) == "e" else kind(t)) for pk, t in zip(pattern, row, strict=True)]
        p += step
    tail = [c.text for c in cells[p:]]
    cut = short = False
    if rows and 0 < len(tail) < width and _fits(tail, pattern):
        if at_end:
            shown = " | ".join(tail)
            notes.append(f"data row {len(rows) + 1}: cut off at the end of the text ({len(tail)} of {width} cells: {shown}), dropped")
            p, cut = n, True
        elif "n" in map(kind, tail):
            rows.append(tail)  # a row printed short: its last columns are empty
            p, short = n, True
    if len(rows) + cut < min_rows:  # a row cut off still shows the rhythm
        return None
    return rows, p, notes, len(notes) + short
