"""Scores: component scores scaled from rates, and composites built from bonus and penalty points.

Two relations besides plain sums (those are in `sums.py`):
- rate-scaled: a component score follows a rate column, either proportionally to the best
  unit (得分 = 提前率 / 最高提前率 × 10: 86.67% earns 9.63 of 10 when the best is 90%) or as a
  deduction (得分 = 5 × (1 − 重新派发占比率)). The factor is inferred from the rows, not read
  from the header, so a header that states the weight is only used to phrase the message.
- capped: 综合得分 = min(100, 100 + 加分 − 减分), where a parent unit's score may include
  its sub-units' points (下属单位 rows). Which variant holds is inferred from the rows.
A row that breaks the relation its column follows is an error; relations are only
accepted when they explain most rows (`rules.py`).
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from dataclasses import dataclass
from fractions import Fraction

from .model import CHANGE_METRICS, Row, Table, finding
from .rounding import MODES, Mode, Printed, format_number, overlaps
from .rules import Evaluation, Verdict, best, evaluate

ZERO = Printed.of(0)
NEIGHBOURS = 3  # a component score sits within three columns right of its rate


# --------------------------------------------------------------------------- rate-scaled


@dataclass(frozen=True)
class ScaledRule:
    score: Hashable
    rate: Hashable
    form: str  # "proportional" (score = k·rate) or "deduction" (score = W·(1 − rate))
    factor: Fraction  # k per percent point, or W
    mode: Mode
    cap: Fraction | None = None  # the points the score's header allows (提前率（10分） / 得分 ≤ 10)


def _judge_scaled(rule: ScaledRule, row: Row) -> Verdict | None:
    score, rate = row.get(rule.score), row.get(rule.rate)
    if score is None or rate is None or not rate.percent:
        return None
    if row.damaged:
        return Verdict("na")
    r_lo, r_hi = rate.bounds(rule.mode)
    s_bounds = score.bounds(rule.mode)
    if rule.form == "proportional":
        interval = (rule.factor * r_lo, rule.factor * r_hi)
        exact = rule.factor * rate.exact
    else:
        interval = (rule.factor * (100 - r_hi) / 100, rule.factor * (100 - r_lo) / 100)
        exact = rule.factor * (100 - rate.exact) / 100
    if rule.cap is not None:
        # Assumption: a score never exceeds the points its header states; a unit whose rate
        # would earn more than the cap (100% / 90% × 10 = 11.11) is given the cap.
        interval = (min(interval[0], rule.cap), min(interval[1], rule.cap))
        exact = min(exact, rule.cap)
    ok = overlaps(interval, s_bounds)
    shown = format_number(exact, score.decimals)
    return Verdict("fit" if ok else "miss", rate.value != 0, frozenset({rule.mode}), shown)


def _best_factor(rows: Sequence[Row], score: Hashable, rate: Hashable, mode: Mode) -> Fraction | None:
    """The proportional factor k (score = k·rate) that the most rows allow: each row bounds k
    to an interval; sweep for the point covered by the most intervals."""
    events: list[tuple[Fraction, int]] = []
    for row in rows:
        s, r = row.get(score), row.get(rate)
        if s is None or r is None or not r.percent or row.damaged or r.value <= 0:
            continue
        r_lo, r_hi = r.bounds(mode)
        s_lo, s_hi = s.bounds(mode)
        if s_hi < 0 or r_lo <= 0:
            continue
        lo, hi = max(s_lo, Fraction(0)) / r_hi, s_hi / r_lo
        events.append((lo, 0))  # opening sorts before closing at the same point: intervals are closed
        events.append((hi, 1))
    if not events:
        return None
    events.sort()
    depth = best_depth = 0
    best_at: Fraction | None = None
    for point, kind in events:
        if kind == 0:
            depth += 1
            if depth > best_depth:
                best_depth, best_at = depth, point
        else:
            depth -= 1
    return best_at


def _distinct_rates(evaluation: Evaluation[ScaledRule], rows: dict) -> int:
    rule = evaluation.rule
    return len({rows[k].get(rule.rate).value for k, v in evaluation.verdicts.items() if v.status == "fit" and v.informative})


def _weights(table: Table, score: Hashable, rate: Hashable) -> list[Fraction]:
    found: list[Fraction] = []
    for key in (score, rate):
        for w in table.column(key).weights:
            if w not in found:
                found.append(w)
    return found


def infer_scaled_rules(table: Table, modes: Sequence[Mode] = MODES) -> list[Evaluation[ScaledRule]]:
    order = [c.key for c in table.columns]
    rows = {r.key: r for r in table.rows}
    chosen: list[Evaluation[ScaledRule]] = []
    for s_col in table.of_kind("score"):
        if s_col.metric == "score":
            continue  # composites are sums or capped points, not a rate's image
        here = order.index(s_col.key)
        rates = [c for c in table.of_kind("percent") if c.metric not in CHANGE_METRICS and 0 < here - order.index(c.key) <= NEIGHBOURS]
        evaluations = []
        caps = s_col.weights
        cap = caps[0] if caps else None
        for r_col in rates:
            for mode in modes:
                k = _best_factor(table.rows, s_col.key, r_col.key, mode)
                if k is not None and k > 0:
                    rule = ScaledRule(s_col.key, r_col.key, "proportional", k, mode, cap)
                    evaluations.append(evaluate(rule, table.rows, _judge_scaled))
                maxima = [r.get(s_col.key).exact for r in table.rows if r.get(s_col.key) is not None and not r.damaged]
                for w in {*_weights(table, s_col.key, r_col.key), *([max(maxima)] if maxima else [])}:
                    if w > 0:
                        rule = ScaledRule(s_col.key, r_col.key, "deduction", w, mode)
                        evaluations.append(evaluate(rule, table.rows, _judge_scaled))
        good = [e for e in evaluations if e.established and _distinct_rates(e, rows) >= 2]
        top = best(good, lambda rule, here=here: (here - order.index(rule.rate), rule.form != "proportional"))
        if top is not None:
            chosen.append(top)
    return chosen


def _describe_scaled(table: Table, evaluation: Evaluation[ScaledRule], row: Row) -> str:
    rule = evaluation.rule
    rate = row.get(rule.rate)
    score = row.get(rule.score)
    rows = {r.key: r for r in table.rows}
    if rule.form == "deduction":
        w = format_number(rule.factor, 2).rstrip("0").rstrip(".")
        return f"{w} × (1 − {rate.show()}) = {format_number(rule.factor * (100 - rate.exact) / 100, score.decimals)}"
    fitting = [rows[k].get(rule.rate) for k, v in evaluation.verdicts.items() if v.status == "fit" and v.informative]
    top = max(fitting, key=lambda p: p.exact)
    weight = rule.factor * top.exact
    stated = [w for w in _weights(table, rule.score, rule.rate) if abs(w - weight) <= score.half]
    w = stated[0] if stated else weight
    w_text = format_number(w, 0 if w == int(w) else score.decimals)
    return f"{rate.show()} / {top.show()} × {w_text} = {format_number(rate.exact / top.exact * w, score.decimals)}"


def check_scaled(table: Table, modes: Sequence[Mode] = MODES) -> tuple[list[dict], list[Evaluation[ScaledRule]]]:
    out: list[dict] = []
    rules = infer_scaled_rules(table, modes)
    rows = {r.key: r for r in table.rows}
    for evaluation in rules:
        rule = evaluation.rule
        how = "proportional to" if rule.form == "proportional" else "a deduction from"
        for key in evaluation.missed():
            row = rows[key]
            if not row.trusted([rule.score, rule.rate]):
                continue
            score = row.get(rule.score)
            out.append(
                finding(
                    "score_scaled",
                    "error",
                    f"{_describe_scaled(table, evaluation, row)}, printed {score.show()} "
                    f"({table.name(rule.score)} is {how} {table.name(rule.rate)} in {evaluation.fits} other rows)",
                    table=table,
                    row=row,
                    column=table.column(rule.score),
                    printed=score.text,
                    expected=evaluation.verdicts[key].expected,
                )
            )
    return out, rules


# --------------------------------------------------------------------------- capped points


@dataclass(frozen=True)
class CappedRule:
    score: Hashable
    bonus: tuple[Hashable, ...]
    penalty: tuple[Hashable, ...]
    base: Fraction
    with_subunits: bool
    mode: Mode


def _members(table: Table, row: Row, with_subunits: bool) -> list[Row]:
    if not with_subunits or not row.unit:
        return [row]
    return [row, *[r for r in table.rows if r.parent == row.unit and not r.is_total]]


def _capped_parts(table: Table, rule: CappedRule, row: Row) -> tuple[list[Printed], list[Printed], list[Row]]:
    members = _members(table, row, rule.with_subunits)
    plus = [m.get(k) for m in members for k in rule.bonus if m.get(k) is not None]
    minus = [m.get(k) for m in members for k in rule.penalty if m.get(k) is not None]
    return plus, minus, members


def _judge_capped(table: Table):
    def judge(rule: CappedRule, row: Row) -> Verdict | None:
        score = row.get(rule.score)
        if score is None or row.is_total:
            return None
        if row.damaged:
            return Verdict("na")
        plus, minus, members = _capped_parts(table, rule, row)
        if any(m.damaged for m in members):
            return Verdict("na")
        lo = hi = rule.base
        for p in plus:
            a, b = p.bounds(rule.mode)
            lo, hi = lo + a, hi + b
        for p in minus:
            a, b = p.bounds(rule.mode)
            lo, hi = lo - b, hi - a
        capped = (min(lo, rule.base), min(hi, rule.base))
        ok = overlaps(capped, score.bounds(rule.mode))
        exact = min(rule.base, rule.base + sum((p.exact for p in plus), Fraction(0)) - sum((p.exact for p in minus), Fraction(0)))
        informative = bool(plus or minus)
        shown = format_number(exact, max([score.decimals, *(p.decimals for p in plus + minus)]))
        return Verdict("fit" if ok else "miss", informative, frozenset({rule.mode}), shown)

    return judge


def _capped_text(table: Table, rule: CappedRule, row: Row, expected: str) -> str:
    plus, minus, members = _capped_parts(table, rule, row)

    def group(values: list[Printed]) -> str:
        if not values:
            return "0"
        text = " + ".join(v.show() for v in values)
        return f"({text})" if len(values) > 1 else text

    base = format_number(rule.base, 0)
    text = f"{base} + {group(plus)} − {group(minus)}"
    raw = rule.base + sum((p.exact for p in plus), Fraction(0)) - sum((p.exact for p in minus), Fraction(0))
    if raw > rule.base:
        text = f"min({base}, {text})"
    text += f" = {expected}"
    subs = [m.unit for m in members[1:]]
    if subs:
        text += f" ({row.unit} with its sub-units {'、'.join(subs)})"
    return text


def infer_capped_rules(table: Table, modes: Sequence[Mode] = MODES) -> list[Evaluation[CappedRule]]:
    bonus = tuple(c.key for c in table.columns if c.metric == "bonus" and c.kind == "score")
    penalty = tuple(c.key for c in table.columns if c.metric == "penalty" and c.kind == "score")
    if not bonus and not penalty:
        return []
    has_subunits = any(r.parent for r in table.rows)
    chosen = []
    for s_col in table.columns:
        if s_col.metric != "score" or s_col.kind != "score":
            continue
        maxima = [r.get(s_col.key).exact for r in table.rows if r.get(s_col.key) is not None and not r.damaged]
        bases = {Fraction(100), *s_col.weights, *([max(maxima)] if maxima else [])}
        evaluations = []
        for base in bases:
            for with_subunits in (False, True) if has_subunits else (False,):
                for mode in modes:
                    rule = CappedRule(s_col.key, bonus, penalty, base, with_subunits, mode)
                    evaluations.append(evaluate(rule, table.rows, _judge_capped(table)))
        top = best([e for e in evaluations if e.established], lambda r: (r.base != 100, r.with_subunits))
        if top is not None:
            chosen.append(top)
    return chosen


def check_capped(table: Table, modes: Sequence[Mode] = MODES) -> tuple[list[dict], list[Evaluation[CappedRule]]]:
    out: list[dict] = []
    rules = infer_capped_rules(table, modes)
    rows = {r.key: r for r in table.rows}
    for evaluation in rules:
        rule = evaluation.rule
        for key in evaluation.missed():
            row = rows[key]
            members = _members(table, row, rule.with_subunits)
            if any(not m.trusted([rule.score, *rule.bonus, *rule.penalty]) for m in members):
                continue
            verdict = evaluation.verdicts[key]
            score = row.get(rule.score)
            relation = "base + 加分 − 减分, capped" + (", parents with their sub-units" if rule.with_subunits else "")
            out.append(
                finding(
                    "score_points",
                    "error",
                    f"{_capped_text(table, rule, row, verdict.expected)}, printed {score.show()} "
                    f"({table.name(rule.score)} = {relation}, in {evaluation.fits} other rows)",
                    table=table,
                    row=row,
                    column=table.column(rule.score),
                    printed=score.text,
                    expected=verdict.expected,
                )
            )
    return out, rules
