"""Bulletin metadata: where (province, city, county), when (period, published), who (issuer,
document number). Read from the document itself, never from the file name, and never guessed:
a field the document does not state stays "".

Output conventions
- Places are the registry's full official names (江西省, 赣州市, 瑞金市), from jionlp through
  extractor/divisions.py. A county-level city (县级市) or a district is the `county`; its
  prefecture and province come from the registry. A county directly under its province (省直辖
  县级行政区划) has city "". When no county is named, city and province are filled only from
  the title, the issuer or an information grid, never from a passing mention in the body.
- period: `2023-12` (a month), `2024Q1` (a quarter), `2024H1` (a half year), `2024` (a whole
  year), otherwise `start..end` in ISO dates (`2025-04-03..2025-04-20`, the contract's range
  form). An explicit range that covers exactly a month/quarter/half/year gets that label
  (2025年4月1日至4月30日 → `2025-04`). period_start / period_end are ISO dates.
- published: ISO date. First a date line printed in the bulletin (masthead date, signature,
  "…印发"); then an information grid's 发布日期/成文日期; then a web page's "发布时间：" line.
- issuer and doc_number are the printed text made comparable (textnorm: simplified characters,
  ASCII punctuation, no spaces): X县人民政府督查室, 行政审批局(数字化发展局), X政办发〔2024〕29号.

Where things are read
- The head: the blocks before the body starts (the first numbered heading 一、…, or the first
  paragraph that is a sentence). Title lines, masthead issuer, document number and any
  key: value lines are read there; information grids (RawTables whose cells are known keys)
  wherever they are.
- The body period is the first period named in the body that is not a comparison. The title
  period is the first named in the head. When both exist and differ, the body wins and a
  `period_mismatch` warning records the title's label (printed) and the body's (expected).
- A period printed without a year (12月份, 一季度) takes its year from, in order: a date or
  period elsewhere in the document with the same month/quarter (截止2023年12月31日), a year in
  the title, then the published date (the most recent such period not after it; info finding
  `period_year_inferred`).

Vocabulary (issuer suffixes, grid keys, comparison words …) is data: the metadata section at
the end of schemas/prose.yaml.
"""

from __future__ import annotations

import calendar
import re
from collections import defaultdict
from dataclasses import dataclass, fields
from datetime import date
from functools import cache
from pathlib import Path

import yaml

from . import divisions
from .model import Document, Paragraph, RawTable
from .textnorm import normalize

SCHEMAS_DIR = Path(__file__).resolve().parent.parent / "schemas"


@dataclass
class Metadata:
    province: str = ""
    city: str = ""
    county: str = ""
    period: str = ""
    period_start: str = ""
    period_end: str = ""
    published: str = ""
    issuer: str = ""
    doc_number: str = ""

    def as_dict(self) -> dict[str, str]:
        return {f.name: getattr(self, f.name) for f in fields(self)}


# ---- vocabulary ------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Vocab:
    issuer_suffixes: tuple[str, ...]
    issuer_keys: tuple[str, ...]
    issuer_keys_checked: frozenset[str]
    issuer_trailers: tuple[str, ...]
    published_keys: tuple[str, ...]
    date_trailers: tuple[str, ...]
    doc_number_keys: tuple[str, ...]
    title_keys: tuple[str, ...]
    title_words: tuple[str, ...]
    grid_keys: frozenset[str]
    own_place_context: tuple[str, ...]
    generic_place_names: frozenset[str]
    compare_before: tuple[str, ...]
    compare_after: tuple[str, ...]
    point_before: tuple[str, ...]
    month_point_after: tuple[str, ...]


def _norm(text: str) -> str:
    return normalize(text).text.strip() if text else ""


@cache
def load_vocab(path: str | None = None) -> _Vocab:
    data = yaml.safe_load(Path(path or SCHEMAS_DIR / "prose.yaml").read_text(encoding="utf-8"))

    def words(key: str) -> tuple[str, ...]:
        # normalised like the text they are matched against; longest first
        return tuple(sorted({_norm(str(w)) for w in data.get(key) or []}, key=len, reverse=True))

    grid = set(words("grid_keys")) | set(words("issuer_keys")) | set(words("published_keys"))
    grid |= set(words("doc_number_keys")) | set(words("title_keys"))
    return _Vocab(
        issuer_suffixes=words("issuer_suffixes"),
        issuer_keys=tuple(_norm(str(w)) for w in data.get("issuer_keys") or []),  # order = authority
        issuer_keys_checked=frozenset(words("issuer_keys_checked")),
        issuer_trailers=words("issuer_trailers"),
        published_keys=tuple(_norm(str(w)) for w in data.get("published_keys") or []),
        date_trailers=words("date_trailers"),
        doc_number_keys=words("doc_number_keys"),
        title_keys=words("title_keys"),
        title_words=words("title_words"),
        grid_keys=frozenset(grid),
        own_place_context=words("own_place_context"),
        generic_place_names=frozenset(words("generic_place_names")),
        compare_before=words("compare_before"),
        compare_after=words("compare_after"),
        point_before=words("point_before"),
        month_point_after=words("month_point_after"),
    )


# ---- numbers and dates -----------------------------------------------------------------------

_CN_DIGIT = {"〇": 0, "零": 0, "○": 0, "Ｏ": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_CN = "〇零○一二两三四五六七八九十"


def _cn_int(s: str) -> int | None:
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


def _mkdate(y: int | None, m: int | None, d: int | None) -> date | None:
    try:
        return date(y, m, d) if y and m and d else None
    except ValueError:
        return None


def _month_end(y: int, m: int) -> date:
    return date(y, m, calendar.monthrange(y, m)[1])


_NUM = rf"(?:\d{{1,2}}|[{_CN}]{{1,3}})"
_YEAR = r"(20\d\d|[二〇零○][〇零○一二三四五六七八九]{3})年"
_DATE_CN = re.compile(rf"{_YEAR}({_NUM})月({_NUM})[日号]")
_DATE_ISO = re.compile(r"(?<!\d)(20\d\d)[-/.](\d{1,2})[-/.](\d{1,2})(?!\d)")


def _find_dates(text: str) -> list[tuple[date, int, int]]:
    """Full dates in normalised text: (date, start, end)."""
    out = []
    for rx in (_DATE_CN, _DATE_ISO):
        for m in rx.finditer(text):
            d = _mkdate(_cn_int(m.group(1)), _cn_int(m.group(2)), _cn_int(m.group(3)))
            if d:
                out.append((d, m.start(), m.end()))
    return sorted(out, key=lambda t: t[1])


# ---- periods ---------------------------------------------------------------------------------

_SEP = r"(?:至|到|-|—|–|~|～)"
_Y = rf"(?:{_YEAR})?"
_PERIOD_PARTS = [
    # 2025年4月1日至4月30日, 4月1日-30日, 2023年12月26日至2024年1月25日
    ("r", rf"{_Y}(?<!\d)({_NUM})月({_NUM})[日号]?{_SEP}{_Y}(?:({_NUM})月)?({_NUM})[日号]"),
    # 1-3月, 1月至6月, 1月份至6月份
    ("mr", rf"{_Y}(?<![\d{_CN}])({_NUM})(?:月份?)?{_SEP}({_NUM})月份?(?!{_NUM}[日号])"),
    # 2024年第一季度, 一季度, 2023年四季度
    ("q", rf"{_Y}度?第?([一二三四1-4])季度"),
    # 2024年上半年
    ("h", rf"{_Y}度?([上下])半年"),
    # 2023年12月, 12月份, 三月份
    ("m", rf"{_Y}(?<![\d{_CN}])({_NUM})月份?(?!{_NUM}[日号])"),
    # 2023年度 (a year alone counts only with 度)
    ("y", r"(20\d\d)年度"),
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
                return date(year, p[0], 1), _month_end(year, p[0])
            if self.kind == "mr":
                y2 = year + 1 if p[1] < p[0] else year
                return date(year, p[0], 1), _month_end(y2, p[1])
            if self.kind == "q":
                return date(year, 3 * p[0] - 2, 1), _month_end(year, 3 * p[0])
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


def _find_periods(text: str, vocab: _Vocab) -> list[_Period]:
    out = []
    for m in _PERIOD.finditer(text):
        kind = m.lastgroup
        g = [m.group(i) for i in _G[kind]]
        year = _cn_int(g[0]) if kind != "y" else int(g[0])
        if kind == "r":
            parts = (_cn_int(g[1]), _cn_int(g[2]), _cn_int(g[3]) if g[3] else None, _cn_int(g[4]) if g[4] else None, _cn_int(g[5]))
            if not all(1 <= (x or 0) <= 31 for x in (parts[1], parts[4])) or not 1 <= (parts[0] or 0) <= 12:
                continue
            if parts[3] is not None and not 1 <= parts[3] <= 12:
                continue
        elif kind == "mr":
            parts = (_cn_int(g[1]), _cn_int(g[2]))
            if not all(1 <= (x or 0) <= 12 for x in parts):
                continue
        elif kind == "q":
            parts = ("一二三四".index(g[1]) + 1 if g[1] in "一二三四" else int(g[1]),)
        elif kind == "h":
            parts = (1 if g[1] == "上" else 2,)
        elif kind == "m":
            parts = (_cn_int(g[1]),)
            if not 1 <= (parts[0] or 0) <= 12:
                continue
            if text[m.end() : m.end() + 2].startswith(vocab.month_point_after):
                continue
        else:
            parts = ()
        out.append(_Period(kind, year, parts, m.start(), m.end()))
    return out


def _is_comparison(text: str, p: _Period, vocab: _Vocab) -> bool:
    before = text[max(0, p.start - 3) : p.start]
    after = text[p.end : p.end + 3]
    return any(before.endswith(w) for w in vocab.compare_before + vocab.point_before) or after.startswith(vocab.compare_after)


def period_named(phrase: str, year: int) -> str:
    """The label of a period a phrase names for itself ("三月份热线工单满意率" → 2024-03 with
    year 2024), or "" when it names none or only a comparison base ("较上月", "与2023年四季度相较")."""
    vocab = load_vocab()
    text = normalize(phrase).text
    for p in _find_periods(text, vocab):
        if _is_comparison(text, p, vocab):
            continue
        span = p.resolve(p.year or year)
        if span:
            return _label(*span)
    return ""


def _label(a: date, b: date) -> str:
    if a.day == 1 and b == _month_end(b.year, b.month) and a.year == b.year:
        if a.month == b.month:
            return f"{a.year}-{a.month:02d}"
        if a.month % 3 == 1 and b.month == a.month + 2:
            return f"{a.year}Q{(a.month + 2) // 3}"
        if (a.month, b.month) in ((1, 6), (7, 12)):
            return f"{a.year}H{1 if a.month == 1 else 2}"
        if (a.month, b.month) == (1, 12):
            return f"{a.year}"
    return f"{a.isoformat()}..{b.isoformat()}"


# ---- the document's layout -------------------------------------------------------------------

_HEADING = re.compile(r"^(?:[一二三四五六七八九十]+[、.．]|第[一二三四五六七八九十]+[章部节])")
_LIST_MARK = re.compile(r"^[\s>\-*•·]+")


@dataclass
class _Layout:
    head: list[str]  # normalised lines before the body
    body: list[str]  # normalised lines of the body, in order
    grid: dict[str, list[str]]  # information-grid key → printed values (normalised)


def _lines(text: str) -> list[str]:
    out = []
    for raw in text.splitlines():
        line = _LIST_MARK.sub("", _norm(raw))
        if line:
            out.append(line)
    return out


def _is_info_grid(table: RawTable, vocab: _Vocab) -> bool:
    keys = sum(1 for c in table.cells if _norm(c.text).replace(" ", "") in vocab.grid_keys)
    return keys >= 2


def _light(text: str) -> str:
    """Simplified characters and ASCII punctuation, white space kept (collapsed): for values
    whose spaces matter ("2025-05-03 16:09:12")."""
    return re.sub(r"\s+", " ", _t2s("".join(_fold_char(c) for c in text))).strip()


def _grid_pairs(table: RawTable, vocab: _Vocab) -> list[tuple[str, str]]:
    """(key, value) of an information grid; values lightly normalised (see _light)."""
    pairs = []
    for row in table.row_texts():
        keys = [_norm(t).replace(" ", "") for t in row]
        for i, key in enumerate(keys):
            if key in vocab.grid_keys:
                value = "" if i + 1 >= len(row) or keys[i + 1] in vocab.grid_keys else _light(row[i + 1])
                pairs.append((key, value))
    return pairs


def _layout(doc: Document, vocab: _Vocab) -> _Layout:
    head: list[str] = []
    body: list[str] = []
    grid: dict[str, list[str]] = defaultdict(list)
    in_head = True
    for block in doc.blocks:
        if isinstance(block, RawTable):
            if _is_info_grid(block, vocab):
                for key, value in _grid_pairs(block, vocab):
                    if value:
                        grid[key].append(value)
            else:
                in_head = False
            continue
        if not isinstance(block, Paragraph):
            continue
        for line in _lines(block.text):
            if in_head and (_HEADING.match(line) or "。" in line or len(line) > 90 or len(head) >= 15):
                in_head = False
            (head if in_head else body).append(line)
    return _Layout(head, body, dict(grid))


# ---- key: value lines (web pages: "发布时间：2024-01-12 来源：X热线办 浏览次数：") -------------------


def _key_values(line_printed: str, keys: tuple[str, ...]) -> dict[str, str]:
    """Values of `keys` in one printed line; a value ends at white space before another key."""
    out = {}
    for key in keys:
        m = re.search(rf"(?:^|\s){re.escape(key)}\s*:\s*(.+?)\s*(?=\s\S{{1,8}}?:|$)", line_printed)
        if m:
            out[key] = m.group(1).strip()
    return out


def _printed_lines(doc: Document) -> list[str]:
    """Head-ish printed lines, lightly normalised (simplified, ASCII colons) but keeping spaces."""
    out = []
    for block in doc.blocks[:40]:
        if isinstance(block, Paragraph):
            for raw in block.text.splitlines():
                out.append(_light(raw))
    return out


def _fold_char(ch: str) -> str:
    code = ord(ch)
    if 0xFF01 <= code <= 0xFF5E:
        return chr(code - 0xFEE0)
    return " " if ch in "\u3000\xa0" else ch


def _t2s(text: str) -> str:
    from .textnorm import to_simplified

    return to_simplified(text)


# ---- issuer, published, doc number -----------------------------------------------------------


def _strip_trailers(text: str, trailers: tuple[str, ...]) -> str:
    changed = True
    while changed:
        changed = False
        for t in trailers:
            if t and text.endswith(t):
                text, changed = text[: -len(t)].strip(), True
    return text


def _issuer_name(text: str, vocab: _Vocab) -> str:
    """`text` (a whole line, without its date) if it is an office's name, else ""."""
    name = _strip_trailers(text, vocab.issuer_trailers)
    if not 3 <= len(name) <= 40 or any(ch in name for ch in ':,;。、!?“”"') or name[0].isdigit():
        return ""
    if any(w in name for w in vocab.title_words):
        return ""
    core = re.sub(r"\([^()]*\)$", "", name)  # 行政审批局(数字化发展局)
    return name if core.endswith(vocab.issuer_suffixes) else ""


def _date_line(line: str, vocab: _Vocab) -> tuple[date, str] | None:
    """A line that is a date, optionally after an office's name and before 印发/(共印N份):
    (date, the text before the date)."""
    dates = _find_dates(line)
    if not dates:
        return None
    d, a, b = dates[-1]
    rest = re.sub(r"\(共印\d+份\)$", "", line[b:]).strip()
    if _strip_trailers(rest, vocab.date_trailers):
        return None
    before = line[:a].strip()
    if before and not _issuer_name(before, vocab):
        return None
    return d, before


_DOC_NO = re.compile(r"[\u4e00-\u9fff]{1,12}[〔\[(【]20\d\d[〕\])】]第?\d{1,5}号")


def _published(lay: _Layout, kv: dict[str, str], vocab: _Vocab) -> str:
    for line in lay.head + lay.body:
        hit = _date_line(line, vocab)
        if hit:
            return hit[0].isoformat()
    for key in vocab.published_keys:
        for value in lay.grid.get(key, []) + ([kv[key]] if key in kv else []):
            dates = _find_dates(value)
            if dates:
                return dates[0][0].isoformat()
    return ""


def _issuer(lay: _Layout, kv: dict[str, str], vocab: _Vocab) -> str:
    for line in lay.head:  # masthead: "X县人民政府办公室文件", "X县人民政府督查室"
        name = _issuer_name(line, vocab)
        if name:
            return name
    lines = lay.body
    for i, line in enumerate(lines):  # signature: an office's name on or just before a date line
        hit = _date_line(line, vocab)
        if hit and hit[1]:
            return _issuer_name(hit[1], vocab)
        if hit and i > 0 and _issuer_name(lines[i - 1], vocab):
            return _issuer_name(lines[i - 1], vocab)
    for key in vocab.issuer_keys:
        for value in lay.grid.get(key, []) + ([kv[key]] if key in kv else []):
            value = _norm(value)
            if key in vocab.issuer_keys_checked:
                value = _issuer_name(value, vocab)
            if value:
                return value
    return ""


def _doc_number(lay: _Layout, vocab: _Vocab) -> str:
    for key in vocab.doc_number_keys:
        for value in lay.grid.get(key, []):
            m = _DOC_NO.search(_norm(value))
            if m:
                return m.group(0)
    for line in lay.head:
        m = _DOC_NO.search(line)
        if m:
            return m.group(0)
    return ""


# ---- places ----------------------------------------------------------------------------------

_STRONG = 10  # weight of a mention in the head, the issuer or an information grid


def _places(lay: _Layout, issuer: str, vocab: _Vocab, findings: list[dict]) -> tuple[str, str, str]:
    """(province, city, county), full registry names, "" where not stated."""
    sources = [(line, _STRONG) for line in lay.head]
    sources += [(issuer, _STRONG)] if issuer else []
    for key in vocab.title_keys:
        sources += [(_norm(v), _STRONG) for v in lay.grid.get(key, [])]
    sources += [(line, 1) for line in lay.body]

    raw: list[tuple[list[tuple], str, int, str]] = []  # (entries, form, weight, following text)
    for text, weight in sources:
        by_pos: dict[int, list] = defaultdict(list)
        forms: dict[int, str] = {}
        for prov, city, county, form, pos in divisions.find_places(text):
            if form in vocab.generic_place_names:
                continue
            by_pos[pos].append((prov, city, county))
            forms[pos] = form
        for pos, entries in by_pos.items():
            form = forms[pos]
            raw.append((entries, form, weight, text[pos + len(form) : pos + len(form) + 6]))

    # provinces and cities named unambiguously: used to pick among same-named divisions
    named: set[str] = set()
    for entries, *_ in raw:
        if len(entries) == 1:
            prov, city, county = entries[0]
            named.update(x for x in (prov, city) if x)

    county_score: dict[tuple, float] = defaultdict(float)
    county_strong: set[tuple] = set()
    head_cities: dict[tuple, float] = defaultdict(float)
    head_provinces: dict[str, float] = defaultdict(float)
    head_county = False
    unresolved: set[str] = set()  # same-named divisions in the head that nothing disambiguates
    for entries, form, weight, after in raw:
        if len(entries) > 1:
            kept = [e for e in entries if e[0] in named or (e[1] and e[1] in named)]
            if len(kept) != 1:
                if weight >= _STRONG and any(e[2] for e in entries):
                    unresolved.add(f"{form} ({', '.join(sorted({''.join(x for x in e if x) for e in entries if e[2]}))})")
                continue
            entries = kept
        prov, city, county = entries[0]
        if county:
            full = divisions.is_full_name(form) and form == county
            context = after.startswith(vocab.own_place_context)
            score = weight * (2 if full and len(form) >= 3 else 1) * (3 if context else 1)
            county_score[entries[0]] += score
            if weight >= _STRONG or context or (full and len(form) >= 3):
                county_strong.add(entries[0])
            head_county |= weight >= _STRONG
        elif weight >= _STRONG:
            if city:
                head_cities[(prov, city)] += weight
            else:
                head_provinces[prov] += weight

    ranked = sorted(county_score.items(), key=lambda kv: -kv[1])
    if ranked:
        (best, score), second = ranked[0], (ranked[1][1] if len(ranked) > 1 else 0.0)
        city_level_doc = head_cities and not head_county and len(ranked) > 1
        if best in county_strong and score >= 2 * second and not city_level_doc:
            prov, city, county = best
            return prov, city or "", county
        if best in county_strong:
            findings.append(
                {
                    "check": "county_ambiguous",
                    "severity": "info",
                    "message": "several counties are named and none is clearly the bulletin's own: "
                    + ", ".join(f"{c[2]} ({s:g})" for c, s in ranked[:4]),
                }
            )
    if unresolved:
        findings.append(
            {
                "check": "county_ambiguous",
                "severity": "info",
                "message": "the title names a division shared by several places and the document does not say which: "
                + "; ".join(sorted(unresolved)),
            }
        )
    if len(head_cities) == 1:
        (prov, city) = next(iter(head_cities))
        return prov, city, ""
    if len(head_provinces) == 1:
        return next(iter(head_provinces)), "", ""
    return "", "", ""


# ---- period ----------------------------------------------------------------------------------


def _period(lay: _Layout, published: str, vocab: _Vocab, findings: list[dict]) -> tuple[str, str, str]:
    title_lines = [ln for ln in lay.head if not _date_line(ln, vocab) and ":" not in ln]
    for key in vocab.title_keys:
        title_lines += [_norm(v) for v in lay.grid.get(key, [])]
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
        for d, _, _ in _find_dates(line):
            evidence[d.month].append(d.year)
    for p, _ in periods(lay.head + lay.body):
        if p.year:
            for month in p.months():
                evidence[month].append(p.year)

    def first(lines: list[str]) -> tuple[_Period, str] | None:
        found = periods(lines)
        finer = [hit for hit in found if hit[0].kind != "y"]  # 2023年度 only when nothing finer
        return (finer or found or [None])[0]

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

    title, title_note = resolve(first(title_lines), "title")
    body, body_note = resolve(first(lay.body), "body")
    chosen, note = (body, body_note) if body or not title else (title, title_note)
    if note:
        findings.append(note)
    if title and body and title != body:
        findings.append(
            {
                "check": "period_mismatch",
                "severity": "warning",
                "message": f"the title names {_label(*title)} but the body reports on {_label(*body)}; the body's period is used",
                "printed": _label(*title),
                "expected": _label(*body),
            }
        )
    if not chosen:
        return "", "", ""
    return _label(*chosen), chosen[0].isoformat(), chosen[1].isoformat()


# ---- entry point -----------------------------------------------------------------------------


def read_metadata(doc: Document, vocab: _Vocab | None = None) -> tuple[Metadata, list[dict]]:
    """Metadata of one document, and findings (dicts: check, severity, message[, printed, expected])."""
    vocab = vocab or load_vocab()
    findings: list[dict] = []
    lay = _layout(doc, vocab)
    kv: dict[str, str] = {}
    for line in _printed_lines(doc):
        for key, value in _key_values(line, vocab.issuer_keys + vocab.published_keys).items():
            kv.setdefault(key, value)

    meta = Metadata()
    meta.issuer = _issuer(lay, kv, vocab)
    meta.published = _published(lay, kv, vocab)
    meta.doc_number = _doc_number(lay, vocab)
    meta.province, meta.city, meta.county = _places(lay, meta.issuer, vocab, findings)
    meta.period, meta.period_start, meta.period_end = _period(lay, meta.published, vocab, findings)

    missing = [k for k in ("county", "period", "published", "issuer") if not getattr(meta, k)]
    if missing:
        findings.append(
            {
                "check": "metadata_missing",
                "severity": "info",
                "message": "not stated in the document: " + ", ".join(missing),
            }
        )
    return meta, findings
