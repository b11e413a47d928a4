"""Checks on the statistics read from the bulletin's sentences, and across sections.

Input: values.csv rows (the prose stage's and the table stage's). Prose rows have no
`table`; their `row` is the paragraph number, `text` the printed phrase, `parent_unit` the
subject of the count they break down.

- Shares in prose ("市场管理类 426 件，占比 20.88%"): each must be its count over a printed
  whole: the parent's count for a nested breakdown, else one of the bulletin's totals. When the
  shares of a list miss the stated total but all fit one common hidden base, the list is of
  another whole: an error naming that base (426/1263 = 33.73%, printed 20.88%; all fit ≈2040).
  A share alone that misses gets the hidden-base (GRIM) test: info when some base fits, error
  when none can.
- Parts against their whole: the satisfaction split (满意+基本满意+不满意+未评价) must add up to
  the count it splits; other breakdowns must not exceed their parent (a warning: lists such as
  "其中 … 联合派单" may overlap).
- Rates printed beside their counts (办结1612件，办结率99.8%) and 0–100% for every rate.
- Across sections: a unit's count in prose against the same unit's count in a table, and
  办结 ≤ 受理 for the same subject in one paragraph.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from fractions import Fraction

from .model import CHANGE_METRICS, NUMERATOR_OF, RATE_METRICS, SATISFACTION_PARTITION, TOTAL_METRICS, is_count_metric, vocabulary
from .rounding import Printed, describe_bases, fits, format_number, implied_bases, largest_remainder, ratio_percent
from .rules import MIN_FITS, MIN_SHARE

PROSE_SECTION = "prose"


@dataclass
class Stat:
    """One prose value with its printed precision."""

    index: int  # position in document order
    paragraph: int | None
    unit: str
    parent: str
    metric: str
    printed: Printed
    text: str
    canonical: str = ""

    @property
    def count(self) -> int | None:
        return int(self.printed.value) if self.printed.is_integer and self.printed.value >= 0 else None


def _is_prose(value: dict) -> bool:
    return value.get("table") in (None, "")


def _paragraph(value: dict) -> int | None:
    try:
        return int(value.get("row"))
    except (TypeError, ValueError):
        return None


def printed_value(value: dict) -> Printed | None:
    """The value with the precision it was printed with: read back from `text` when the
    number is there ("占比 20.10%" keeps its 2 decimals), else from `value`."""
    raw = value.get("value")
    if raw is None or raw == "":
        return None
    metric = str(value.get("metric") or "")
    percent = metric in RATE_METRICS or metric in CHANGE_METRICS or metric.endswith("_rate")
    try:
        target = Fraction(str(raw))
    except (ValueError, ZeroDivisionError):
        return None
    for token in _numbers(str(value.get("text") or "")):
        if abs(token.exact) == abs(target) and (token.percent or not percent):
            if percent and not token.percent:
                token = Printed(token.text + "%", token.value, token.decimals, True)
            if target < 0 and token.value > 0:
                token = Printed(token.text, -token.value, token.decimals, token.percent)
            return token
    return Printed.of(str(raw), percent=percent)


_NUMBER = re.compile(r"\d+(?:\s*\.\s*\d+)?\s*%?")


def _numbers(text: str) -> Iterable[Printed]:
    for m in _NUMBER.finditer(unicodedata.normalize("NFKC", text)):
        printed = Printed.parse(m.group(0))
        if printed is not None:
            yield printed


def prose_stats(values: Iterable[dict]) -> list[Stat]:
    out = []
    for index, value in enumerate(v for v in values if _is_prose(v)):
        printed = printed_value(value)
        if printed is None:
            continue
        out.append(
            Stat(
                index=index,
                paragraph=_paragraph(value),
                unit=str(value.get("unit_raw") or ""),
                parent=str(value.get("parent_unit") or ""),
                metric=str(value.get("metric") or ""),
                printed=printed,
                text=str(value.get("text") or ""),
                canonical=str(value.get("unit") or ""),
            )
        )
    return out


def _finding(check: str, severity: str, message: str, stat: Stat | None = None, *, printed: str = "", expected: str = "") -> dict:
    return {
        "source": "",
        "check": check,
        "severity": severity,
        "table": "",
        "row": stat.paragraph if stat is not None and stat.paragraph is not None else "",
        "column": PROSE_SECTION if stat is not None else "",
        "unit_raw": stat.unit if stat is not None else "",
        "metric": stat.metric if stat is not None else "",
        "printed": printed or (stat.printed.text if stat is not None else ""),
        "expected": expected,
        "message": message,
    }


# --------------------------------------------------------------------------- shares


@dataclass
class ShareItem:
    count: Stat
    share: Stat


@dataclass
class ShareList:
    parent: str
    items: list[ShareItem] = field(default_factory=list)


def share_lists(stats: list[Stat]) -> list[ShareList]:
    """Items that print a count and its share ("投诉3751件 占比 82.13%"), grouped by the whole
    they break down: their parent unit, or the bulletin's total when they have none. A new
    county total starts a new group (a second list, e.g. letters after hotline orders)."""
    lists: dict[tuple[str, int], ShareList] = {}
    scope = 0
    last_count: dict[str, Stat] = {}
    for stat in stats:
        if not stat.unit and stat.metric in TOTAL_METRICS:
            scope += 1
            continue
        if is_count_metric(stat.metric) and stat.count is not None and stat.unit:
            last_count[stat.unit] = stat
            continue
        if stat.metric != "share" or not stat.unit:
            continue
        count = last_count.get(stat.unit)
        if count is None or count.parent != stat.parent:
            continue
        key = (stat.parent, scope if not stat.parent else 0)
        lists.setdefault(key, ShareList(parent=stat.parent)).items.append(ShareItem(count, stat))
        del last_count[stat.unit]
    return list(lists.values())


def _bases_for(plist: ShareList, stats: list[Stat]) -> list[Stat]:
    """Printed wholes the list may be shares of, nearest first: the parent's count, else the
    bulletin's totals printed before the list (then after it)."""
    first = plist.items[0].count.index
    if plist.parent:
        parents = [s for s in stats if s.unit == plist.parent and is_count_metric(s.metric) and s.count]
        return sorted(parents, key=lambda s: (s.index > first, abs(s.index - first)))
    totals = [s for s in stats if not s.unit and s.metric in TOTAL_METRICS and s.count]
    return sorted(totals, key=lambda s: (s.index > first, abs(s.index - first)))


def _common_bases(items: list[ShareItem], max_base: int) -> list[int]:
    common: set[int] | None = None
    for item in items:
        k = item.count.count or 0
        if k == 0:
            continue
        bases = implied_bases(k, item.share.printed, max_base=max_base)
        if len(bases) > 10_000:
            continue  # says nothing about the base
        found = set(bases)
        common = found if common is None else common & found
        if not common:
            return []
    return sorted(common or [])


def check_shares(stats: list[Stat], max_base: int = 100_000) -> list[dict]:
    out: list[dict] = []
    for plist in share_lists(stats):
        bases = _bases_for(plist, stats)
        fitting_base: dict[int, Stat] = {}
        missed: list[ShareItem] = []
        for item in plist.items:
            k = item.count.count
            if k is None:
                continue
            base = next((b for b in bases if b.count and b.count >= k and fits(item.share.printed, ratio_percent(k, b.count))), None)
            if base is not None:
                fitting_base[id(item)] = base
            else:
                missed.append(item)
        if not missed:
            continue
        stated = next((b for b in bases if all(b.count and b.count >= (i.count.count or 0) for i in plist.items)), None)
        if stated is not None and _established(plist, stated):
            # The rest of the list are shares of the stated total: one rule for the list,
            # and the item that breaks it is wrong (a hidden base would be another whole).
            fitting = sum(1 for i in plist.items if i.count.count and fitting_base.get(id(i)) is stated)
            for item in _not_largest_remainder(plist, stated, missed):
                k = item.count.count
                shown = format_number(ratio_percent(k, stated.count), item.share.printed.decimals, True)
                out.append(
                    _finding(
                        "share",
                        "error",
                        f"{k}/{stated.count} = {shown}, printed {item.share.printed.show()} "
                        + (
                            f"(the list's counts add up to {stated.count}, and its other {fitting} shares are of it)"
                            if _partition(plist, stated)
                            else f"(the other {fitting} shares of this list are of {stated.count})"
                        ),
                        item.share,
                        expected=shown,
                    )
                )
            continue
        common = _common_bases(missed, max_base) if len(missed) >= 2 else []
        if stated is not None and common and stated.count not in common and len(missed) == len(plist.items):
            whole = f"{describe_bases(common)}" if len(common) <= 4 else f"about {common[len(common) // 2]} ({common[0]}–{common[-1]})"
            for item in missed:
                k = item.count.count
                exact = ratio_percent(k, stated.count)
                shown = format_number(exact, item.share.printed.decimals, True)
                out.append(
                    _finding(
                        "share_base",
                        "error",
                        f"{k}/{stated.count} = {shown}, printed {item.share.printed.show()}: the {len(missed)} shares of this list "
                        f"do not fit the stated total {stated.count}, they all fit a base of {whole}",
                        item.share,
                        expected=shown,
                    )
                )
            continue
        for item in missed:
            out.extend(_grim(item.count, item.share, stated, max_base, context=stats))
    return out


def _partition(plist: ShareList, stated: Stat) -> bool:
    """The list's counts add up to the stated total exactly: they split it, so their shares
    are of it (投诉1402 + 咨询431 + 求助323 = 2156)."""
    return stated.count is not None and sum(i.count.count or 0 for i in plist.items) == stated.count


def _established(plist: ShareList, stated: Stat) -> bool:
    """Like a column rule (rules.py): at least three non-zero items and three quarters of
    the list fit the stated total; or the list splits the total and one share fits it."""
    informative = [i for i in plist.items if i.count.count]
    fit = [i for i in informative if fits(i.share.printed, ratio_percent(i.count.count, stated.count))]
    if fit and _partition(plist, stated):
        return True
    return len(fit) >= MIN_FITS and len(fit) >= MIN_SHARE * len(informative)


def _not_largest_remainder(plist: ShareList, stated: Stat, missed: list[ShareItem]) -> list[ShareItem]:
    """The missed items that largest-remainder rounding (shares forced to add up to 100%)
    does not explain either; it can only apply to a list that splits its total."""
    decimals = {i.share.printed.decimals for i in plist.items}
    if not _partition(plist, stated) or len(decimals) != 1:
        return missed
    shares = largest_remainder([i.count.count or 0 for i in plist.items], decimals.pop(), stated.count)
    explained = {id(i) for i, share in zip(plist.items, shares, strict=True) if i.share.printed.exact == share}
    return [i for i in missed if id(i) not in explained]


def _grim(
    count: Stat,
    rate: Stat,
    stated: Stat | None,
    max_base: int,
    complement: bool = False,
    beside: bool = False,
    context: Iterable[Stat] = (),
) -> list[dict]:
    """The hidden-base test of one printed rate. `beside`: the rate is printed in the sentence
    of its numerator and a total it misses (办结1612件，办结率98.8% after 受理1615件): a hidden
    base is possible (应办结 is rarely printed), so a warning, not an error."""
    k = count.count
    if k is None:
        return []
    bases = implied_bases(k, rate.printed, complement=complement, max_base=max_base)
    tried = ""
    if stated is not None and stated.count:
        tried = f"; {k}/{stated.count} = {format_number(ratio_percent(k, stated.count), rate.printed.decimals, True)}"
    if bases and beside and tried:
        return [
            _finding(
                "rate_base",
                "warning",
                f"{tried[2:]}, printed {rate.printed.show()}: the printed total is not its base; "
                f"only a hidden base of {describe_bases(bases)} fits",
                rate,
                expected=format_number(ratio_percent(k, stated.count), rate.printed.decimals, True),
            )
        ]
    if bases:
        return [
            _finding(
                "unverifiable_base",
                "info",
                f"{rate.printed.show()} of {count.unit or 'the total'} ({k}): no printed total is the base; a hidden base of "
                f"{describe_bases(bases)} fits{tried}",
                rate,
                expected=f"base {describe_bases(bases)}",
            )
        ]
    other = _other_reading(count, rate, list(context))
    if other:
        # Pairing this count with this rate is an assumption the sentence may not support:
        # a rate of a group, or of a larger numerator, is no error.
        return [_finding("unverifiable_base", "info", f"{rate.printed.show()} is not a rate of {k} alone: {other}", rate)]
    return [_finding("rate", "error", f"no whole number N gives {k}/N = {rate.printed.show()}{tried}", rate)]


def _other_reading(count: Stat, rate: Stat, context: list[Stat]) -> str:
    """Another printed reading of the rate in its paragraph, if any: the share of the run of
    counts listed before it (A 172件、B 80件、C 50件，占总量的59.68% is 302/506), or a rate of a
    sibling part plus the count over the whole they split (当场答复5113 + 转办2114 = 7227,
    办结1898 of 转办, 办结率 (5113 + 1898)/7227 = 97.01%)."""
    k = count.count
    same = [s for s in context if s.paragraph == count.paragraph and s.count is not None and is_count_metric(s.metric)]
    wholes = [s for s in same if s.metric in TOTAL_METRICS and s.count and k is not None and s.count > k]
    if k is None or not wholes:
        return ""
    # The run: counts printed just before the rate's count, with no share or rate between them.
    run = [count]
    before = sorted((s for s in context if s.paragraph == count.paragraph and s.index < count.index), key=lambda s: -s.index)
    for s in before:
        if s.count is None or not is_count_metric(s.metric) or s.metric != count.metric:
            break
        run.append(s)
        part = sum(r.count or 0 for r in run)
        for w in wholes:
            if w.count >= part and fits(rate.printed, ratio_percent(part, w.count)):
                terms = " + ".join(str(r.count) for r in reversed(run))
                return f"the {len(run)} counts listed together, {terms} = {part}, over {w.count} give it"
    # A sibling part: W = A + B printed, the count is of B, the rate is (A + k)/W.
    for whole in wholes:
        for b in same:
            if b.unit != count.unit or b.metric != "received" or b is whole or (b.count or 0) < k:
                continue
            for a in same:
                if a in (b, whole) or a.unit == b.unit or (a.count or 0) + (b.count or 0) != whole.count:
                    continue
                if fits(rate.printed, ratio_percent(a.count + k, whole.count)):
                    shown = format_number(ratio_percent(a.count + k, whole.count), rate.printed.decimals, True)
                    return f"{a.unit} {a.count} + {b.unit} {b.count} = {whole.count}, and ({a.count} + {k})/{whole.count} = {shown}"
    return ""


# --------------------------------------------------------------------------- parts and wholes


def _by_paragraph(stats: list[Stat]) -> dict[int | None, list[Stat]]:
    groups: dict[int | None, list[Stat]] = {}
    for stat in stats:
        groups.setdefault(stat.paragraph, []).append(stat)
    return groups


def check_partition(stats: list[Stat]) -> list[dict]:
    """满意 + 基本满意 + 不满意 + 未评价 (and 很满意) printed together add up to the count they split:
    the nearest total printed before them in the same paragraph for the same subject."""
    out: list[dict] = []
    for group in _by_paragraph(stats).values():
        subjects: dict[tuple[str, str], list[Stat]] = {}
        for stat in group:
            if stat.metric in SATISFACTION_PARTITION and stat.count is not None:
                subjects.setdefault((stat.unit, stat.parent), []).append(stat)
        for (unit, _parent), parts in subjects.items():
            metrics = {p.metric for p in parts}
            if len(parts) != len(metrics) or "unrated" not in metrics or "dissatisfied" not in metrics or len(parts) < 3:
                continue  # not the whole split: a list of some kinds only
            first = min(p.index for p in parts)
            whole = [s for s in group if s.unit == unit and s.metric in TOTAL_METRICS and s.count and s.index < first]
            if not whole:
                continue
            total = max(whole, key=lambda s: s.index)
            s = sum(p.count for p in parts)
            if s == total.count:
                continue
            terms = " + ".join(f"{p.count}" for p in sorted(parts, key=lambda p: p.index))
            out.append(
                _finding(
                    "partition_sum",
                    "error",
                    f"the rated split {terms} = {s}, printed total {total.count}",
                    total,
                    expected=str(s),
                )
            )
    return out


def check_breakdowns(stats: list[Stat]) -> list[dict]:
    """Counts printed as a breakdown of a parent (parent_unit) must not add up to more than it."""
    out: list[dict] = []
    # A name may head several lists (城乡建设类 under the hotline, then under each mailbox):
    # a part belongs to the nearest count of its parent printed before it.
    children: dict[int, list[Stat]] = {}
    wholes: dict[int, Stat] = {}
    for stat in stats:
        if not (stat.parent and stat.count is not None and is_count_metric(stat.metric)) or stat.metric in SATISFACTION_PARTITION:
            continue
        candidates = [
            s for s in stats if s.unit == stat.parent and s.count is not None and is_count_metric(s.metric) and s.index < stat.index
        ]
        if candidates:
            whole = max(candidates, key=lambda s: s.index)
            wholes[whole.index] = whole
            children.setdefault(whole.index, []).append(stat)
    for at, parts in children.items():
        whole, parent = wholes[at], wholes[at].unit
        same = [p for p in parts if p.metric == whole.metric] or parts
        s = sum(p.count for p in same)
        if s <= whole.count:
            continue
        out.append(
            _finding(
                "breakdown_sum",
                "warning",
                f"the {len(same)} parts of {parent} add up to {s}, more than its printed {whole.count}",
                whole,
                expected=f"≥ {s}",
            )
        )
    return out


# --------------------------------------------------------------------------- rates


def check_prose_rates(stats: list[Stat], max_base: int = 100_000) -> list[dict]:
    """Range of every rate; a rate printed beside its numerator and candidate denominators
    (same subject, same paragraph) must be one of those ratios, else the GRIM test."""
    out: list[dict] = []
    for group in _by_paragraph(stats).values():
        for stat in group:
            if stat.metric not in RATE_METRICS:
                continue
            if stat.printed.value < 0 or stat.printed.value > 100:
                out.append(_finding("rate_range", "error", f"a rate must lie within 0–100%, printed {stat.printed.show()}", stat))
                continue
            wanted = NUMERATOR_OF.get(stat.metric)
            if wanted is None:
                continue
            same = [s for s in group if s.unit == stat.unit and s.count is not None]
            numerators = [s for s in same if s.metric == wanted]
            if not numerators:
                continue
            numerator = max((s for s in numerators if s.index < stat.index), key=lambda s: s.index, default=numerators[0])
            k = numerator.count
            denominators = [s for s in same if s.metric in TOTAL_METRICS and s is not numerator and s.count >= k and s.count > 0]
            if any(fits(stat.printed, ratio_percent(k, d.count)) for d in denominators):
                continue
            if not denominators:
                continue  # nothing printed to divide by: the prose says too little to test
            nearest = max((d for d in denominators if d.index < stat.index), key=lambda s: s.index, default=denominators[0])
            out.extend(_grim(numerator, stat, nearest, max_base, beside=True, context=stats))
    return out


def check_completed_received(stats: list[Stat]) -> list[dict]:
    out: list[dict] = []
    for group in _by_paragraph(stats).values():
        received = [s for s in group if s.metric == "received" and s.count is not None]
        for done in (s for s in group if s.metric == "completed" and s.count is not None):
            same = [r for r in received if r.unit == done.unit and r.parent == done.parent and r.index < done.index]
            if not same:
                continue
            whole = max(same, key=lambda s: s.index)
            if done.count > whole.count:
                out.append(
                    _finding(
                        "completed_received",
                        "warning",
                        f"办结 {done.count} is more than 受理 {whole.count} for {done.unit or 'the bulletin'} "
                        "(possible only when older orders were closed in the period)",
                        done,
                        expected=f"≤ {whole.count}",
                    )
                )
    return out


# --------------------------------------------------------------------------- across sections


def check_prose_against_tables(stats: list[Stat], values: Iterable[dict]) -> list[dict]:
    """A unit's count in prose against the same unit's count of the same metric in one table."""
    table_values: dict[tuple[str, str], list[dict]] = {}
    for value in values:
        if _is_prose(value) or not is_count_metric(str(value.get("metric") or "")):
            continue
        for name in {str(value.get("unit_raw") or ""), str(value.get("unit") or "")} - {""}:
            table_values.setdefault((name, str(value["metric"])), []).append(value)
    out: list[dict] = []
    for stat in stats:
        if not stat.unit or stat.parent or stat.count is None or not is_count_metric(stat.metric):
            continue
        matches = table_values.get((stat.unit, stat.metric)) or (
            table_values.get((stat.canonical, stat.metric)) if stat.canonical else None
        )
        if not matches:
            continue
        printed = {Fraction(str(m["value"])) for m in matches if m.get("value") not in (None, "")}
        tables = {m.get("table") for m in matches}
        if len(tables) != 1 or len(printed) != 1 or stat.count in printed:
            continue
        match = matches[0]
        out.append(
            _finding(
                "prose_table",
                "warning",
                f"the text gives {stat.unit} {stat.count}, table {match.get('table')} prints {match.get('text')} "
                f"({match.get('column_raw')}, row {match.get('row')})",
                stat,
                expected=str(match.get("text")),
            )
        )
    return out


# --------------------------------------------------------------------------- lists and changes

CATCH_ALL = tuple(vocabulary()["catch_all"])
_FALL = ("减", "降", "少")


def check_list_totals(stats: list[Stat]) -> list[dict]:
    """A list of counts with shares that ends in a catch-all item (其他咨询4件) is meant to cover
    its total: its counts should add up to the total its shares are of. A warning, since a
    bulletin may leave an item out."""
    out: list[dict] = []
    for plist in share_lists(stats):
        items = [i for i in plist.items if i.count.count is not None]
        other = next((i for i in items if i.count.unit.startswith(CATCH_ALL)), None)
        if other is None or len(items) < 3:
            continue
        stated = next((b for b in _bases_for(plist, stats) if b.count), None)
        if stated is None or not _established(plist, stated):
            continue
        s = sum(i.count.count or 0 for i in items)
        if s == stated.count:
            continue
        out.append(
            _finding(
                "list_sum",
                "warning",
                f"the {len(items)} items of the list (ending in {other.count.unit}) add up to {s}, "
                f"the total their shares are of is {stated.count} (difference {s - stated.count:+d})",
                other.count,
                expected=str(stated.count),
            )
        )
    return out


def check_changes(stats: list[Stat]) -> list[dict]:
    """A fall of more than 100% of a count is impossible; an absolute change printed with its
    percent (同比增加110件，增幅5.85% of 1628件) must agree: N/(C − N) is the percent."""
    out: list[dict] = []
    for stat in stats:
        if stat.metric not in CHANGE_METRICS or not stat.printed.percent or "百分点" in stat.text:
            continue
        if stat.printed.value < -100:
            out.append(
                _finding(
                    "impossible_change",
                    "error",
                    f"a fall of {stat.printed.show().lstrip('-')} is impossible: a count cannot fall by more than 100% "
                    "(last period would be negative)",
                    stat,
                    expected="≥ -100%",
                )
            )
            continue
        # The absolute change printed just before the percent, and the count just before it.
        prev = [s for s in stats if s.paragraph == stat.paragraph and s.index in (stat.index - 1, stat.index - 2)]
        change = next((s for s in prev if s.index == stat.index - 1 and s.metric == "other" and s.printed.is_integer), None)
        count = next((s for s in prev if s.index == stat.index - 2 and s.metric in TOTAL_METRICS and s.count), None)
        if change is None or count is None or change.unit != count.unit or change.unit != stat.unit:
            continue
        n = int(change.printed.value)
        if n > 0 and any(w in change.text for w in _FALL):
            n = -n
        last = count.count - n
        if last <= 0 or (n > 0) != (stat.printed.value > 0):
            continue
        exact = ratio_percent(n, last)
        if fits(stat.printed, exact):
            continue
        shown = format_number(exact, stat.printed.decimals, True)
        out.append(
            _finding(
                "change",
                "error",
                f"{count.count} with a change of {n:+d} means last period {last}, "
                f"and {n:+d}/{last} = {shown}; printed {stat.printed.show()}",
                stat,
                expected=shown,
            )
        )
    return out


IN_PROGRESS = tuple(vocabulary()["in_progress"])
_NEGATION = ("未", "不", "超", "非")
_RATE_WORD = re.compile(r"([\u4e00-\u9fff]{2,})率")


def check_named_rates(stats: list[Stat], max_base: int = 100_000) -> list[dict]:
    """A rate whose name is a count printed just before it (快速办结工单1742件 … 快速办结率为86.69%)
    is that count over some base: the GRIM test, when the metrics did not pair them."""
    out: list[dict] = []
    for stat in stats:
        if (
            stat.metric not in RATE_METRICS
            or stat.metric in NUMERATOR_OF
            and any(s.metric == NUMERATOR_OF[stat.metric] and s.paragraph == stat.paragraph for s in stats)
        ):
            continue
        m = _RATE_WORD.search(unicodedata.normalize("NFKC", stat.text))
        if not m:
            continue
        word = m.group(1)
        for cut in range(len(word) - 1):  # 快速办结率为 → 快速办结; strip lead words (本月…)
            if any(word[cut:] in s.text for s in stats if s is not stat):
                word = word[cut:]
                break
        # The count printed just before the rate (changes between them aside), its name
        # ending in the rate's name: 快速办结工单1742件 for 快速办结率, not 未按期办结3件.
        before = [s for s in stats if s.paragraph == stat.paragraph and s.index < stat.index and s.metric not in CHANGE_METRICS]
        if not before or len(word) < 3:
            continue
        count = max(before, key=lambda s: s.index)
        at = count.text.find(word)
        if not count.count or at < 0 or count.metric in RATE_METRICS or "%" in count.text or count.text[:at].endswith(_NEGATION):
            continue
        out.extend(_grim(count, stat, None, max_base, beside=False, context=stats))
    return [f for f in out if f["severity"] == "error"]


def check_parts_in_progress(stats: list[Stat]) -> list[dict]:
    """办结 + 办理中 split the orders received: together they cannot exceed the received count
    they split (the smallest printed received count not below 办结). A warning: the split may be
    of a larger whole."""
    out: list[dict] = []
    for group in _by_paragraph(stats).values():
        for done in (s for s in group if s.metric == "completed" and s.count):
            pending = [s for s in group if s.index > done.index and s.count and any(w in s.text for w in IN_PROGRESS)]
            wholes = [s for s in group if s.metric == "received" and s.count and s.count >= done.count and s.index < done.index]
            if not pending or not wholes:
                continue
            p = pending[0]
            whole = min(wholes, key=lambda s: s.count)
            if done.count + p.count <= whole.count:
                continue
            out.append(
                _finding(
                    "parts_exceed",
                    "warning",
                    f"办结 {done.count} + {p.text} = {done.count + p.count}, more than the {whole.count} ({whole.text}) they split",
                    done,
                    expected=f"≤ {whole.count}",
                )
            )
    return out


def check_prose(values: list[dict], max_base: int = 100_000) -> list[dict]:
    stats = prose_stats(values)
    if not stats:
        return []
    return [
        *check_shares(stats, max_base),
        *check_partition(stats),
        *check_breakdowns(stats),
        *check_prose_rates(stats, max_base),
        *check_completed_received(stats),
        *check_prose_against_tables(stats, values),
        *check_list_totals(stats),
        *check_changes(stats),
        *check_named_rates(stats, max_base),
        *check_parts_in_progress(stats),
    ]
