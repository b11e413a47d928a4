"""Plain text, line by line: what kind of line each is (blank, prose, a cell, a tab- or
pipe-separated row, a markdown rule), and the numbered headings. Used by the text reader."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

# Line kinds.
BLANK, TEXT, CELL, TSV, PIPE, RULE = "blank", "text", "cell", "tsv", "pipe", "rule"

_SPACES = " \u3000\xa0\r\f\v"  # what counts as blank; a tab does not (a lone tab is an empty cell)
SENTENCE_PUNCT = re.compile(r"[。，；！？,;!?：:]")
_LEVEL1 = re.compile(r"^[一二三四五六七八九十百]+、")
_LEVEL2 = re.compile(r"^[（(][一二三四五六七八九十百]+[)）]")
_LEVEL3 = re.compile(r"^\d{1,2}(?:[．、]|\.(?!\d)|\.(?=\d{4}年))")  # "1．", "1、", "1." but not "2.5"
PARENTHESISED = re.compile(r"^[（(].*[)）]$")
_MD_RULE = re.compile(r"^:?-{3,}:?$")

_HEADING_MAX = 40  # a numbered heading is one short line; longer numbered lines are paragraphs


@dataclass
class Line:
    kind: str
    text: str  # the line stripped of surrounding whitespace (for prose)
    cells: list[str] = field(default_factory=list)
    marker: bool = False  # cell line opened by a tab in column 0
    lost_first: bool = False  # " \tx": the spaces before the tab stand for an empty cell
    closed: bool = False  # cell line closed by a trailing " |"
    bars: bool = False  # a line of bars only ("||||"): empty cells
    title_row: str = ""  # a pipe row holding only its first cell, as printed (read as a title)


def classify(raw: str) -> Line:
    stripped = raw.strip(_SPACES + "\t")
    if not raw.strip(_SPACES):
        return Line(BLANK, "")
    if "\t" in raw:
        if raw.startswith("\t") and "\t" not in raw[1:]:
            content, closed = _unpipe(raw[1:])
            return Line(CELL, stripped, [content], marker=True, closed=closed)
        head, _, rest = raw.partition("\t")
        if not head.strip(_SPACES) and "\t" not in rest:
            # " \t5": in the damaged rows of cell-per-line dumps the spaces stand for a lost
            # (empty) cell, so this is two cells; in a tab-separated table it is a row ["", "5"].
            content, closed = _unpipe(rest)
            return Line(CELL, stripped, ["", content], lost_first=True, closed=closed)
        return Line(TSV, stripped, [c.strip(_SPACES) for c in raw.split("\t")])
    if "|" in stripped:
        if stripped.endswith("|") and stripped.count("|") == 1:
            return Line(CELL, stripped, [stripped[:-1].strip(_SPACES)], closed=True)
        if not stripped.strip("|" + _SPACES):
            # "||||||": one empty cell per bar (merged cells that lost their spans, the empty
            # half of a twin table); the page closed a row after it.
            return Line(CELL, stripped, [""] * stripped.count("|"), closed=True, bars=True)
        parts = stripped.split("|")
        if stripped.startswith("|"):
            parts = parts[1:]
        if stripped.endswith("|"):
            parts = parts[:-1]  # the trailing " |" closes the row, it adds no cell
        cells = [p.strip(_SPACES) for p in parts]
        if len(cells) >= 2:
            if all(_MD_RULE.match(c) for c in cells):
                return Line(RULE, stripped)  # markdown "|---|---|" under a header row
            if cells[0] and len(cells) >= 3 and not any(cells[1:]):
                # "| 某某表 | |||||||": a title printed as a row of one cell and empty ones
                # (unless it follows a pipe row: see rows_of_one_cell).
                return Line(TEXT, cells[0], cells, closed=stripped.endswith("|"), title_row=stripped)
            return Line(PIPE, stripped, cells, closed=stripped.endswith("|"))
    return Line(TEXT, stripped)


def rows_of_one_cell(lines: list[Line]) -> list[Line]:
    """A pipe row holding only its first cell is a title above a table, except right after
    another pipe row, where it is a row of the grid (a group row such as "| 一、乡镇 | | |")."""
    for j, line in enumerate(lines):
        if line.title_row:
            k = j - 1
            while k >= 0 and lines[k].kind == BLANK:
                k -= 1
            if k >= 0 and lines[k].kind == PIPE:
                lines[j] = Line(PIPE, line.title_row, line.cells, closed=line.closed)
    return lines


def _unpipe(content: str) -> tuple[str, bool]:
    """A cell's text and whether a trailing " |" closed it."""
    text = content.strip(_SPACES)
    if text.endswith("|") and text.count("|") == 1:
        return text[:-1].strip(_SPACES), True
    return text, False


def next_nonblank(lines: list[Line], j: int) -> int:
    while j < len(lines) and lines[j].kind == BLANK:
        j += 1
    return j


def kind_at(lines: list[Line], j: int) -> str | None:
    return lines[j].kind if j < len(lines) else None


def is_prose(text: str) -> bool:
    """A line that cannot be part of a cell: a numbered section heading or a full sentence."""
    return bool(_LEVEL1.match(text) or _LEVEL2.match(text)) or (text.endswith("。") and len(text) > 40)


def heading_level(text: str) -> int | None:
    """1 for "一、…", 2 for "（一）…"/"(一)…", 3 for a short "1．…" title without sentence punctuation.
    A numbered paragraph that runs on after its title ("（一）审核把关不严。部分承办单位…") is text."""
    is_line = len(text) <= _HEADING_MAX and "。" not in text
    if _LEVEL1.match(text) and is_line:
        return 1
    if _LEVEL2.match(text) and is_line:
        return 2
    if _LEVEL3.match(text) and len(text) <= 30 and not SENTENCE_PUNCT.search(text):
        return 3
    return None
