"""Sums: rows against their total row, and parts against a printed whole within a row.

- Column totals: every count column's 总计/合计 row against the sum of the listed rows
  (with and without sub-unit rows, since bulletins do both), and a share column's total
  (100.00%) against the sum of the printed shares.
- Row sums: a column that is the sum of a run of neighbouring columns of the same kind,
  e.g. 工单总数 = 咨询+投诉+…+表扬 = 满意+基本满意+不满意+未评价, a group score = its
  sub-scores, the composite = the group scores ± 加扣分. Which run a column is the sum of
  is inferred from the rows (one relation per column, `rules.py`).

Decimal values are compared as intervals: each printed part may be off by half its last
digit (or up to a whole digit when truncated), so a composite computed from unrounded
components (89.08 against parts adding up to 89.07) is not called wrong.
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from dataclasses import dataclass
from fractions import Fraction

from .model import TOTAL_METRICS, Column, Kind, Row, Table, finding
from .rounding import MODES, Mode, Printed, format_number, overlaps, sum_interval
from .rules import Evaluation, Verdict, best, evaluate

ZERO = Printed.of(0)


def _value(row: Row, key: Hashable) -> Printed:
    """A blank cell in a part column counts as 0 (tables leave zeros blank)."""
    return row.get(key) or ZERO


def _decimals(values: Sequence[Printed]) -> int:
    return max((v.decimals for v in values), default=0)


def _sum_text(values: Sequence[Printed], signs: Sequence[int]) -> str:
    text = ""
    for i, (value, sign) in enumerate(zip(values, signs, strict=True)):
        if i == 0:
            text = ("−" if sign < 0 else "") + value.show()
        else:
            text += (" − " if sign < 0 else " + ") + value.show()
    return text


def fits_sum(total: Printed, parts: Sequence[Printed], signs: Sequence[int] | None = None, modes: Sequence[Mode] = MODES) -> bool:
    """Can the printed total be the (rounded) sum of the printed parts under one of `modes`?"""
    signs = list(signs) if signs is not None else [1] * len(parts)
    # Each printed part is off by less than its last digit: a total further off than all those
    # digits together fits under no mode (cheap floats before exact intervals).
    slack = sum(10.0**-p.decimals for p in parts) + 10.0**-total.decimals
    if abs(sum(p.approx * s for p, s in zip(parts, signs, strict=True)) - total.approx) > 1.01 * slack + 1e-9:
        return False
    return any(overlaps(sum_interval(parts, mode, signs), total.bounds(mode)) for mode in modes)


# --------------------------------------------------------------------------- column totals


def _groups_for_total(table: Table, index: int) -> list[tuple[str, list[Row]]]:
    """Candidate sets of rows a total row may add up: all listed rows, top-level rows only
    (sub-units are often counted inside their parent), and the rows since the previous total."""
    rows = table.rows
    total = rows[index]
    body = [r for r in rows if not r.is_total and (not total.section or r.section == total.section)]
    candidates = [("the rows", body)]
    top = [r for r in body if not r.parent]
    if len(top) != len(body):
        candidates.append(("the rows without sub-units", top))
    previous = max((i for i in range(index) if rows[i].is_total), default=-1)
    if previous >= 0:
        since = [r for r in rows[previous + 1 : index] if not r.is_total]
        candidates.append(("the rows above it", since))
        subtotals = [r for r in rows[:index] if r.is_total]
        candidates.append(("the subtotals", subtotals))
    return candidates


def check_column_totals(table: Table, modes: Sequence[Mode] = MODES) -> list[dict]:
    """Each total row against the sum of the rows it totals, column by column."""
    out: list[dict] = []
    if not table.totals:
        return out
    if any(r.damaged for r in table.body):
        return [
            finding(
                "column_total",
                "info",
                "some rows are damaged, so the total row cannot be checked against them",
                table=table,
                row=table.totals[0],
            )
        ]
    counts = [c for c in table.of_kind("count")]
    shares = [c for c in table.of_kind("percent") if c.metric == "share"]
    for index, total in enumerate(table.rows):
        if not total.is_total or total.damaged:
            continue
        mismatches: list[tuple[Column, int, int, str]] = []
        per_column: list[tuple[Column, int, dict[str, int]]] = []
        for column in counts:
            target = total.get(column.key)
            if column.shared:
                continue
            shared_target = None
            if target is None:
                shared_target = _shared_total_for(table, total, column)
                if shared_target is None:
                    continue
                target = shared_target
            if not target.is_integer:
                continue
            sums: dict[str, int] = {}
            for label, rows in _groups_for_total(table, index):
                values = [r.get(column.key) for r in rows if r.get(column.key) is not None]
                if not values or any(not v.is_integer for v in values):
                    continue
                sums[label] = sum(int(v.value) for v in values)
            if sums:
                per_column.append((column, int(target.value), sums))
        # One total row adds up one set of rows in every column (with its sub-units or
        # without): the set most columns agree on, so that a wrong count cannot hide by
        # happening to fit the other set.
        agree: dict[str, int] = {}
        for _, t, sums in per_column:
            for label, s in sums.items():
                agree[label] = agree.get(label, 0) + (s == t)
        chosen = max(agree, key=lambda label: agree[label], default=None)  # first candidate wins ties
        checked = len(per_column)
        for column, t, sums in per_column:
            if chosen in sums:
                if sums[chosen] != t:
                    mismatches.append((column, sums[chosen], t, chosen))
            elif not any(s == t for s in sums.values()):
                label, s = next(iter(sums.items()))
                mismatches.append((column, s, t, label))
        for column in shares:
            target = total.get(column.key)
            if target is None:
                continue
            rows = [r for r in table.body if r.get(column.key) is not None]
            parts = [r.get(column.key) for r in rows]
            if len(parts) < 2 or fits_sum(target, parts, modes=modes):
                continue
            out.append(
                finding(
                    "share_total",
                    "error",
                    f"the shares add up to {format_number(sum(p.exact for p in parts), _decimals(parts), True)}, "
                    f"the total row prints {target.show()}",
                    table=table,
                    row=total,
                    column=column,
                    printed=target.text,
                    expected=format_number(sum(p.exact for p in parts), _decimals(parts), True),
                )
            )
        partial = checked >= 2 and len(mismatches) == checked and all(t > s for _, s, t, _ in mismatches)
        for column, s, t, label in mismatches:
            if partial:
                message = f"{label} add up to {s}, the total row prints {t}: the table may list only part of the units"
            else:
                message = f"{label} add up to {s}, the total row prints {t}"
            out.append(
                finding(
                    "column_total",
                    "warning" if partial else "error",
                    message,
                    table=table,
                    row=total,
                    column=column,
                    printed=str(t),
                    expected=str(s),
                )
            )
    return out


def _shared_total_for(table: Table, total: Row, column: Column) -> Printed | None:
    """A total printed once in a shared column (受理总量 merged beside twin halves) is the
    total of every count column of the same metric."""
    for shared in table.columns:
        if shared.shared and shared.kind == "count" and shared.metric == column.metric:
            value = total.get(shared.key)
            if value is not None:
                return value
    return None


# --------------------------------------------------------------------------- row sums


@dataclass(frozen=True)
class SumRule:
    target: Hashable
    parts: tuple[Hashable, ...]
    signs: tuple[int, ...]
    modes: tuple[Mode, ...] = MODES


def _judge_sum(rule: SumRule, row: Row) -> Verdict | None:
    total = row.get(rule.target)
    if total is None:
        return None
    if row.damaged:
        return Verdict("na")
    parts = [_value(row, k) for k in rule.parts]
    if not any(row.get(k) is not None for k in rule.parts):
        return Verdict("na")
    ok = fits_sum(total, parts, rule.signs, rule.modes)
    informative = total.value != 0

    def shown() -> str:
        exact = sum((p.exact * s for p, s in zip(parts, rule.signs, strict=True)), Fraction(0))
        return format_number(exact, max(_decimals(parts), total.decimals))

    return Verdict(
        "fit" if ok else "miss", informative, frozenset(rule.modes), shown, lambda: f"{_sum_text(parts, rule.signs)} = {shown()}"
    )


def _runs(order: list[Column], target_index: int) -> list[list[Column]]:
    """Runs of ≥2 neighbouring columns entirely on one side of the target."""
    runs: list[list[Column]] = []
    left, right = order[:target_index], order[target_index + 1 :]
    for side in (left, right):
        for i in range(len(side)):
            for j in range(i + 2, len(side) + 1):
                runs.append(side[i:j])
    return runs


def _group_of(column: Column) -> tuple[str, ...]:
    return column.path[:-1] if len(column.path) > 1 else ()


def _run_preference(table: Table, order: list[Column], target: Column):
    """Prefer a run that is exactly one header group (工单分类 / 咨询…表扬), then a run that
    touches the target (the composite right after its parts), then shorter runs."""
    groups: dict[tuple[str, ...], set] = {}
    for c in order:
        if _group_of(c):
            groups.setdefault(_group_of(c), set()).add(c.key)
    position = {c.key: i for i, c in enumerate(order)}

    def pref(rule: SumRule) -> tuple:
        keys = set(rule.parts)
        whole_group = any(keys == members for members in groups.values())
        ends = [position[rule.parts[0]], position[rule.parts[-1]]]
        touches = position[target.key] - 1 in ends or position[target.key] + 1 in ends
        return (not whole_group, not touches, len(rule.parts))

    return pref


def _one_group(target: Column, run: list[Column]) -> bool:
    """Parts of one whole sit under one header group (工单分类 / 咨询…表扬), and the whole is
    outside it or in the same group: small counts of two groups add up by chance."""
    groups = {_group_of(c) for c in run}
    if len(groups) != 1:
        return False
    own = _group_of(target)
    return not own or own in groups


def _distinct_targets(evaluation: Evaluation, rows: dict) -> int:
    values = {rows[k].get(evaluation.rule.target).value for k, v in evaluation.verdicts.items() if v.status == "fit" and v.informative}
    return len(values)


def infer_sum_rules(table: Table, kind: Kind, modes: Sequence[Mode] = MODES) -> list[Evaluation[SumRule]]:
    """Established row-sum relations among the columns of one kind (count or score)."""
    order = [c for c in table.of_kind(kind) if not c.shared]
    rows = {r.key: r for r in table.rows}
    body = [r for r in table.rows if not r.damaged]
    chosen: list[Evaluation[SumRule]] = []
    for t_index, target in enumerate(order):
        if kind == "count" and target.metric not in TOTAL_METRICS and target.metric != "other":
            continue  # 满意 or 投诉 is a part, never the whole of other counts
        evaluations = []
        for run in _runs(order, t_index):
            if kind == "count" and not _one_group(target, run):
                continue
            signs = tuple(-1 if c.metric == "penalty" else 1 for c in run)
            rule = SumRule(target.key, tuple(c.key for c in run), signs, tuple(modes))
            evaluation = evaluate(rule, body, _judge_sum)
            if evaluation.established and _distinct_targets(evaluation, rows) >= 3:
                evaluations.append(evaluation)
        taken: set = set()
        pref = _run_preference(table, order, target)
        while evaluations:
            top = best(evaluations, pref)
            evaluations.remove(top)
            if taken & set(top.rule.parts):
                continue
            taken |= set(top.rule.parts)
            chosen.append(top)
    return chosen


def check_row_sums(table: Table, modes: Sequence[Mode] = MODES) -> tuple[list[dict], list[Evaluation[SumRule]]]:
    out: list[dict] = []
    rules: list[Evaluation[SumRule]] = []
    rows = {r.key: r for r in table.rows}
    for kind in ("count", "score"):
        for evaluation in infer_sum_rules(table, kind, modes):
            rules.append(evaluation)
            rule = evaluation.rule
            target = table.column(rule.target)
            names = " + ".join(table.name(k) for k in rule.parts)
            for key in evaluation.missed():
                row = rows[key]
                if not row.trusted([rule.target, *rule.parts]):
                    continue
                verdict = evaluation.verdicts[key]
                printed = row.get(rule.target)
                check = "score_sum" if kind == "score" else "row_sum"
                out.append(
                    finding(
                        check,
                        "error",
                        f"{verdict.detail}, printed {printed.show()} ({table.name(target.key)} = {names} in {evaluation.fits} other rows)",
                        table=table,
                        row=row,
                        column=target,
                        printed=printed.text,
                        expected=verdict.expected,
                    )
                )
    return out, rules
