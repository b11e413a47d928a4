"""Numbers and full dates as printed in Chinese bulletins (normalised text)."""

from __future__ import annotations

import calendar
import re
from datetime import date

# ---- numbers and dates -----------------------------------------------------------------------

_CN_DIGIT = {"〇": 0, "零": 0, "○": 0, "Ｏ": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
CN = "〇零○一二两三四五六七八九十"


def cn_int(s: str) -> int | None:
    """12, 十二, 二十三, 三十一 → int; digit strings (二〇二四) read digit by digit."""
    if not s:
        return None
    if s.isdigit():
        return int(s)
    if "十" not in s:
        try:
            return int("".join(str(_CN_DIGIT[c]) for c in s))
        except KeyError:
            return None
    tens, _, ones = s.partition("十")
    t = _CN_DIGIT.get(tens, None) if tens else 1
    o = _CN_DIGIT.get(ones, None) if ones else 0
    if t is None or o is None:
        return None
    return t * 10 + o


def mkdate(y: int | None, m: int | None, d: int | None) -> date | None:
    try:
        return date(y, m, d) if y and m and d else None
    except ValueError:
        return None


def month_end(y: int, m: int) -> date:
    return date(y, m, calendar.monthrange(y, m)[1])


NUM = rf"(?:\d{{1,2}}|[{CN}]{{1,3}})"
YEAR = r"(20\d\d|[二〇零○][〇零○一二三四五六七八九]{3})年"
_DATE_CN = re.compile(rf"{YEAR}({NUM})月({NUM})[日号]")
_DATE_ISO = re.compile(r"(?<!\d)(20\d\d)[-/.](\d{1,2})[-/.](\d{1,2})(?!\d)")


def find_dates(text: str) -> list[tuple[date, int, int]]:
    """Full dates in normalised text: (date, start, end)."""
    out = []
    for rx in (_DATE_CN, _DATE_ISO):
        for m in rx.finditer(text):
            d = mkdate(cn_int(m.group(1)), cn_int(m.group(2)), cn_int(m.group(3)))
            if d:
                out.append((d, m.start(), m.end()))
    return sorted(out, key=lambda t: t[1])
