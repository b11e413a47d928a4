"""Dates and periods in normalised text, and the bulletin's own period."""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from .dates import CN, NUM, YEAR, cn_int, find_dates, month_end
from .layout import Layout, date_line
from .vocab import Vocab, load_vocab

# ---- periods ---------------------------------------------------------------------------------

_SEP = r"(?:至|到|-|—|–|~|～)"
_Y = rf"(?:{YEAR})?"
_PERIOD_PARTS = [
    # 2025年4月1日至4月30日, 4月1日-30日, 2023年12月26日至2024年1月25日
    ("r", rf"{_Y}(?<!\d)({NUM})月({NUM})[日号]?{_SEP}{_Y}(?:({NUM})月)?({NUM})[日号]"),
    # 1-3月, 1月至6月, 1月份至6月份
    ("mr", rf"{_Y}(?<![\d{CN}])({NUM})(?:月份?)?{_SEP}({NUM})月份?(?!{NUM}[日号])"),
    # 2024年第一季度, 一季度, 2023年四季度
    ("q", rf"{_Y}度?第?([一二三四1-4])季度"),
    # 2024年上半年
    ("h", rf"{_Y}度?([上下])半年"),
    # 2023年12月, 12月份, 三月份
    ("m", rf"{_Y}(?<![\d{CN}])({NUM})月份?(?!{NUM}[日号])"),
    # 2023年度, 2023年全年 (a year alone counts only so)
    ("y", r"(20\d\d)年(?:度|全年)"),
]
_PERIOD = re.compile("|".join(f"(?P<{name}>{rx})" for name, rx in _PERIOD_PARTS))
# group numbers inside _PERIOD of each alternative's own groups
_G: dict[str, tuple[int, ...]] = {}
_offset = 1
for _name, _rx in _PERIOD_PARTS:
    _n = re.compile(_rx).groups
    _G[_name] = tuple(range(_offset + 1, _offset + 1 + _n))
    _offset += 1 + _n


@dataclass
class _Period:
    kind: str  # r (range), mr (month range), q, h, m, y
    year: int | None  # the year printed with the period, if any
    parts: tuple  # kind-specific numbers (see _resolve)
    start: int  # position in its line
    end: int

    def resolve(self, year: int) -> tuple[date, date] | None:
        p = self.parts
        try:
            if self.kind == "m":
                return date(year, p[0], 1), month_end(year, p[0])
            if self.kind == "mr":
                y2 = year + 1 if p[1] < p[0] else year
                return date(year, p[0], 1), month_end(y2, p[1])
            if self.kind == "q":
                return date(year, 3 * p[0] - 2, 1), month_end(year, 3 * p[0])
            if self.kind == "h":
                return (date(year, 1, 1), date(year, 6, 30)) if p[0] == 1 else (date(year, 7, 1), date(year, 12, 31))
            if self.kind == "y":
                return date(year, 1, 1), date(year, 12, 31)
            if self.kind == "r":
                m1, d1, y2, m2, d2 = p
                m2 = m2 or m1
                if y2 is None:
                    y2 = year + 1 if m2 < m1 else year
                a, b = date(year, m1, d1), date(y2, m2, d2)
                return (a, b) if a <= b else None
        except (ValueError, TypeError):
            return None
        return None

    def months(self) -> set[int]:
        """Months this period names, for finding its year elsewhere in the document."""
        p = self.parts
        if self.kind == "m":
            return {p[0]}
        if self.kind == "r":
            return {p[0]}
        if self.kind == "mr":
            return {p[0], p[1]}
        if self.kind == "q":
            return {3 * p[0] - 2, 3 * p[0] - 1, 3 * p[0]}
        return set()


def _find_periods(text: str, vocab: Vocab) -> list[_Period]:
    out = []
    for m in _PERIOD.finditer(text):
        kind = m.lastgroup
        g = [m.group(i) for i in _G[kind]]
        year = cn_int(g[0]) if kind != "y" else int(g[0])
        if kind == "r":
            parts = (cn_int(g[1]), cn_int(g[2]), cn_int(g[3]) if g[3] else None, cn_int(g[4]) if g[4] else None, cn_int(g[5]))
            if not all(1 <= (x or 0) <= 31 for x in (parts[1], parts[4])) or not 1 <= (parts[0] or 0) <= 12:
                continue
            if parts[3] is not None and not 1 <= parts[3] <= 12:
                continue
        elif kind == "mr":
            parts = (cn_int(g[1]), cn_int(g[2]))
            if not all(1 <= (x or 0) <= 12 for x in parts):
                continue
        elif kind == "q":
            parts = ("一二三四".index(g[1]) + 1 if g[1] in "一二三四" else int(g[1]),)
        elif kind == "h":
            parts = (1 if g[1] == "上" else 2,)
        elif kind == "m":
            parts = (cn_int(g[1]),)
            if not 1 <= (parts[0] or 0) <= 12:
                continue
            if text[m.end() : m.end() + 2].startswith(vocab.month_point_after):
                continue
        else:
            parts = ()
        out.append(_Period(kind, year, parts, m.start(), m.end()))
    return out


def _is_comparison(text: str, p: _Period, vocab: Vocab) -> bool:
    before = text[max(0, p.start - 3) : p.start]
    after = text[p.end : p.end + 3]
    return any(before.endswith(w) for w in vocab.compare_before + vocab.point_before) or after.startswith(vocab.compare_after)


def period_named(phrase: str, year: int) -> str:
    """The label of a period a phrase names for itself ("三月份热线工单满意率" → 2024-03 with
    year 2024), or "" when it names none or only a comparison base ("较上月", "与2023年四季度相较")."""
    vocab = load_vocab()
    text = phrase  # already the model's normalised view (Paragraph.norm.text): not normalised again
    for p in _find_periods(text, vocab):
        if _is_comparison(text, p, vocab):
            continue
        span = p.resolve(p.year or year)
        if span:
            return label(*span)
    return ""


def label(a: date, b: date) -> str:
    if a.day == 1 and b == month_end(b.year, b.month) and a.year == b.year:
        if a.month == b.month:
            return f"{a.year}-{a.month:02d}"
        if a.month % 3 == 1 and b.month == a.month + 2:
            return f"{a.year}Q{(a.month + 2) // 3}"
        if (a.month, b.month) in ((1, 6), (7, 12)):
            return f"{a.year}H{1 if a.month == 1 else 2}"
        if (a.month, b.month) == (1, 12):
            return f"{a.year}"
    return f"{a.isoformat()}..{b.isoformat()}"


# ---- period ----------------------------------------------------------------------------------


def read_period(lay: Layout, published: str, vocab: Vocab, findings: list[dict]) -> tuple[str, str, str]:
    title_lines = [ln for ln in lay.head if not date_line(ln, vocab) and ":" not in ln]
    for key in vocab.title_keys:
        title_lines += lay.grid_values(key)
    title_years = [int(y) for ln in title_lines for y in re.findall(r"(20\d\d)年", ln)]

    def periods(lines: list[str]) -> list[tuple[_Period, str]]:
        """Periods that may be the bulletin's own: not comparisons, not inside 《titles》."""
        out = []
        for line in lines:
            quoted = [(m.start(), m.end()) for m in re.finditer(r"《[^》]*》", line)]
            for p in _find_periods(line, vocab):
                if _is_comparison(line, p, vocab) or any(a <= p.start < b for a, b in quoted):
                    continue
                out.append((p, line))
        return out

    # year evidence: the year of every dated mention, per month (截止2023年12月31日 → 12: 2023)
    evidence: dict[int, list[int]] = defaultdict(list)
    for line in lay.head + lay.body:
        for d, _, _ in find_dates(line):
            evidence[d.month].append(d.year)
    for p, _ in periods(lay.head + lay.body):
        if p.year:
            for month in p.months():
                evidence[month].append(p.year)

    def ordered(lines: list[str]) -> list[tuple[_Period, str]]:
        found = periods(lines)
        return [hit for hit in found if hit[0].kind != "y"] + [hit for hit in found if hit[0].kind == "y"]  # 年度 last

    def resolve(hit: tuple[_Period, str] | None, where: str) -> tuple[tuple[date, date] | None, dict | None]:
        """The period's dates and, when its year had to be inferred weakly, a finding."""
        if hit is None:
            return None, None
        p, line = hit
        if p.year is not None:
            return p.resolve(p.year), None
        same = [y for m in p.months() for y in evidence.get(m, [])]
        line_years = [int(y) for y in re.findall(r"(20\d\d)年", line)]
        if same:
            return p.resolve(max(sorted(set(same)), key=same.count)), None
        if line_years:
            return p.resolve(line_years[0]), None
        if title_years:
            return p.resolve(title_years[0]), None
        if published:
            pub = date.fromisoformat(published)
            for y in (pub.year, pub.year - 1):
                span = p.resolve(y)
                if span and span[1] <= pub:
                    return span, {
                        "check": "period_year_inferred",
                        "severity": "info",
                        "message": f"the {where} names a period without a year; year {y} taken from the "
                        f"published date {published} (the latest such period that ends before it)",
                    }
        return None, {
            "check": "period_year_unknown",
            "severity": "info",
            "message": f"the {where} names a period without a year and the document gives none; period left empty",
        }

    def first(lines: list[str], where: str) -> tuple[tuple[date, date] | None, dict | None, int]:
        """The first period that resolves (one whose year cannot be told yields to the next),
        with its note and its place in the list."""
        hits = ordered(lines)
        first_note = None
        for i, hit in enumerate(hits):
            span, note = resolve(hit, where)
            if span:
                return span, note, i
            first_note = first_note or note
        return None, first_note, -1

    title, title_note, _ = first(title_lines, "title")
    body, body_note, at = first(lay.body, "body")
    if body:
        body = _month_of_year_to_date(body, ordered(lay.body)[at + 1 :], vocab) or body
    chosen, note = (body, body_note) if body or not title else (title, title_note)
    if note:
        findings.append(note)
    if title and body and title != body:
        findings.append(
            {
                "check": "period_mismatch",
                "severity": "warning",
                "message": f"the title names {label(*title)} but the body reports on {label(*body)}; the body's period is used",
                "printed": label(*title),
                "expected": label(*body),
            }
        )
    if not chosen:
        named = sorted({w for w in vocab.dateless_period_words for ln in title_lines + lay.body if w in ln})
        if named:
            findings.append(
                {
                    "check": "period_unresolved",
                    "severity": "info",
                    "message": f"the document names a period by {'、'.join(named)} but prints no dates for it; period left empty",
                }
            )
        return "", "", ""
    return label(*chosen), chosen[0].isoformat(), chosen[1].isoformat()


_LEAD = re.compile(r"^(?:[一二三四五六七八九十]+[、.]|\(?[一二三四五六七八九十\d]{1,2}[)、.])?")


def _month_of_year_to_date(span: tuple[date, date], later: list[tuple[_Period, str]], vocab: Vocab) -> tuple[date, date] | None:
    """A monthly bulletin often opens with the year to date (2022年1-6月 …) before its month
    (二、6月份办理情况 / 6月份，全区共受理…): when the first period runs from January 1 to the end
    of a month M, and a later line starts with month M alone, the bulletin's period is month M."""
    a, b = span
    if (a.month, a.day) != (1, 1) or b != month_end(b.year, b.month) or a.year != b.year or b.month == 1:
        return None
    for p, line in later:
        if p.kind == "m" and p.parts[0] == b.month and p.year in (None, b.year) and p.start == _LEAD.match(line).end():
            return date(b.year, b.month, 1), b
    return None
