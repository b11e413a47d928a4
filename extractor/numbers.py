"""Parse one printed cell or number token into a value, keeping what was printed.

Pure functions, no table knowledge: the table stage and the prose stage both use
`parse_number`. The audit needs the printed precision (86.67% has 2 decimals), so
every result keeps its text and its number of decimals.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import Literal

Kind = Literal["int", "decimal", "percent", "grade", "missing"]

# Printed marks for "no value" in Chinese tables: dashes of every width, a slash, blank.
_MISSING = {"", "-", "--", "—", "——", "–", "―", "─", "/", "\\", "－", "／", "……", "…"}

# digits, optional thousands groups, optional decimals; spaces allowed around the
# decimal point and before %, because OCR and archived copies print "89. 52%".
_NUMBER = re.compile(
    r"""^(?P<sign>[+\-])?\s*
        (?P<int>\d{1,3}(?:,\d{3})+|\d+)
        (?:\s*\.\s*(?P<frac>\d+))?
        \s*(?:(?P<pct>%)|(?P<suffix>件次|件|个|次|分|条|宗|单|人|家|天|小时|元|万元))?$""",
    re.VERBOSE,
)
_GRADE = re.compile(r"^(?P<grade>[A-D])(?:[+-]|类|级|等)?$")
_DASHES = str.maketrans({"−": "-", "–": "-", "—": "-", "﹣": "-", "－": "-"})


@dataclass(frozen=True)
class Parsed:
    """A printed number or grade.

    value: the number, percentages as percent numbers ("87.20%" gives 87.2); None for grades and missing.
    decimals: digits printed after the decimal point ("30.00 " gives 2, "100%" gives 0).
    suffix: a measure word printed after the number ("1383件" gives "件"), if any.
    """

    text: str
    kind: Kind
    value: float | None = None
    decimals: int = 0
    grade: str | None = None
    suffix: str | None = None

    @property
    def is_percent(self) -> bool:
        return self.kind == "percent"

    @property
    def is_number(self) -> bool:
        return self.value is not None

    @property
    def half_unit(self) -> float:
        """Half of the last printed digit: the largest rounding error the print allows."""
        return 0.5 * 10.0 ** (-self.decimals)


def normalize(text: str) -> str:
    """NFKC (full-width digits, ％, ．) and one kind of minus sign, outer whitespace stripped."""
    return unicodedata.normalize("NFKC", text).translate(_DASHES).strip()


def parse_number(text: str | None) -> Parsed | None:
    """Parse a cell or token: integers, decimals, percents, grades A–D, missing marks.

    Returns None for text that is not a number (a unit name, a header). Blank cells and
    dashes give kind "missing" with value None, so callers can tell "no value printed"
    from "not a number".
    """
    if text is None:
        return Parsed(text="", kind="missing")
    norm = normalize(text)
    if norm in _MISSING or (norm and set(norm) <= set("-—_…")):
        return Parsed(text=text, kind="missing")
    grade = _GRADE.match(norm)
    if grade:
        return Parsed(text=text, kind="grade", grade=grade["grade"])
    m = _NUMBER.match(norm)
    if not m:
        return None
    digits = m["int"].replace(",", "")
    frac = m["frac"] or ""
    value = float(f"{digits}.{frac}" if frac else digits)
    if m["sign"] == "-":
        value = -value
    if m["pct"]:
        kind: Kind = "percent"
    elif frac:
        kind = "decimal"
    else:
        kind = "int"
    return Parsed(text=text, kind=kind, value=value, decimals=len(frac), suffix=m["suffix"])


def is_numeric_cell(text: str | None) -> bool:
    """True for a number or a grade (a value-bearing cell); False for labels and missing marks."""
    parsed = parse_number(text)
    return parsed is not None and parsed.kind != "missing"
