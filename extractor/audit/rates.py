"""Shares and rates: find the numerator and denominator behind every percentage column.

For each percentage column the candidates are every pair of count columns in the table
(X/Y and the complement (Y − X)/Y, as in 提前率 = 1 − 实际用时/规定用时 or 满意率 =
(总数 − 不满意)/总数) and every printed total (a 总计 row, a merged 受理总量, the bulletin's
totals). One rule must explain the whole column (`rules.py`). A row that breaks an
established rule is an error. Where no printed column explains the column, each row gets
the GRIM test: is there any whole base N such that numerator/N prints as the rate? If so
the rate cannot be checked (info, with the implied base); only if no base at all can
produce the print is it an error.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Sequence
from dataclasses import dataclass, field
from fractions import Fraction

from .model import CHANGE_METRICS, NUMERATOR_OF, RATE_METRICS, Column, Row, Table, finding
from .rounding import (
    CONVENTIONS,
    Convention,
    Printed,
    describe_bases,
    fitting_conventions,
    format_number,
    implied_bases,
    largest_remainder,
    ratio_percent,
)
from .rules import Evaluation, Verdict, best, evaluate


@dataclass(frozen=True)
class Total:
    """A printed total that percentages may be shares of."""

    label: str  # e.g. "总计 / 下派工单", "bulletin: 受理 1263"
    value: int


@dataclass(frozen=True)
class RateRule:
    numerator: Hashable
    denominator: Hashable | None = None  # a column, or None with `total`
    total: Total | None = None
    complement: bool = False

    def terms(self, row: Row) -> tuple[int, int] | None:
        num = row.get(self.numerator)
        if num is None or not num.is_integer:
            return None
        if self.total is not None:
            den_value = self.total.value
        else:
            den = row.get(self.denominator)
            if den is None or not den.is_integer:
                return None
            den_value = int(den.value)
        return int(num.value), den_value

    def keys(self) -> list[Hashable]:
        return [k for k in (self.numerator, self.denominator) if k is not None]

    def describe(self, table: Table) -> str:
        num = table.name(self.numerator)
        den = self.total.label if self.total else table.name(self.denominator)
        return f"({den} − {num}) / {den}" if self.complement else f"{num} / {den}"


@dataclass
class RateContext:
    """What the table's rate columns established, for the other checks of the same table."""

    rules: dict[Hashable, Evaluation] = field(default_factory=dict)  # column key → established evaluation
    conventions: tuple[Convention, ...] = CONVENTIONS


def _exact(rule: RateRule, k: int, n: int) -> Fraction:
    return ratio_percent(n - k if rule.complement else k, n)


def _judge_with(conventions: Sequence[Convention], column: Hashable):
    def judge(rule: RateRule, row: Row) -> Verdict | None:
        printed = row.get(column)
        if printed is None or not printed.percent:
            return None
        terms = rule.terms(row)
        if terms is None:
            return Verdict("na")
        k, n = terms
        if n <= 0 or k < 0:
            return Verdict("na")
        if rule.total is not None and row.is_total:
            return Verdict("na")  # a total's share of itself proves nothing
        # Most candidate rules miss by far more than a printed digit: floats say so before
        # fitting_conventions does exact arithmetic (which alone decides a fit).
        near = abs(100.0 * (n - k if rule.complement else k) / n - printed.approx) <= 1.01 * 10.0**-printed.decimals + 1e-9
        fitting = fitting_conventions(printed, _exact(rule, k, n), conventions) if near else frozenset()
        # 0 of anything is 0%, and (N − 0)/N is 100% whatever N: no evidence for the rule
        informative = k != 0

        def shown() -> str:
            return format_number(_exact(rule, k, n), printed.decimals, True)

        def detail() -> str:
            return f"({n} − {k})/{n} = {shown()}" if rule.complement else f"{k}/{n} = {shown()}"

        return Verdict("fit" if fitting else "miss", informative, fitting, shown, detail)

    return judge


def candidate_rules(table: Table, column: Column, totals: Iterable[Total] = ()) -> list[RateRule]:
    counts = [c for c in table.of_kind("count") if not c.shared]
    rules: list[RateRule] = []
    for num in counts:
        for den in counts:
            if num.key == den.key:
                continue
            rules.append(RateRule(num.key, den.key))
            rules.append(RateRule(num.key, den.key, complement=True))
    constants = list(table_totals(table)) + list(totals)
    seen: set[int] = set()
    for total in constants:
        if total.value <= 0 or total.value in seen:
            continue
        seen.add(total.value)
        for num in counts:
            rules.append(RateRule(num.key, None, total))
    return rules


def table_totals(table: Table) -> list[Total]:
    """Printed totals of the table's count columns (总计 rows, merged shared totals) and
    the sums of count columns over the listed rows (shares of the listed whole)."""
    found: list[Total] = []
    counts = table.of_kind("count")
    for row in table.totals:
        for column in counts:
            value = row.get(column.key)
            if value is not None and value.is_integer:
                found.append(Total(f"{row.unit or '总计'} {table.name(column.key)}", int(value.value)))
    if not any(r.damaged for r in table.body):
        for column in counts:
            if column.shared:
                continue
            cells = [r.get(column.key) for r in table.body]
            values = [c for c in cells if c is not None]
            if len(values) >= 2 and all(v.is_integer for v in values):
                found.append(Total(f"sum of {table.name(column.key)}", sum(int(v.value) for v in values)))
    return found


def _preference(table: Table, column: Column):
    order = {c.key: i for i, c in enumerate(table.columns)}
    here = order.get(column.key, 0)

    def pref(rule: RateRule) -> tuple:
        num_dist = abs(here - order.get(rule.numerator, 0))
        den_dist = abs(here - order.get(rule.denominator, 0)) if rule.denominator is not None else 99
        return (rule.complement, rule.total is not None, num_dist, den_dist)

    return pref


def _largest_remainder_fits(table: Table, column: Column, evaluation: Evaluation[RateRule]) -> None:
    """Shares of one total printed so that they add up to exactly 100%: a row off by one
    last digit may be the largest-remainder adjustment. Mark such rows as fitting."""
    rule = evaluation.rule
    if rule.total is None:
        return
    rows = [r for r in table.body if r.get(column.key) is not None and rule.terms(r) is not None]
    if len(rows) < 2:
        return
    decimals = {r.get(column.key).decimals for r in rows}
    if len(decimals) != 1:
        return
    d = decimals.pop()
    counts = [rule.terms(r)[0] for r in rows]
    if sum(counts) != rule.total.value:
        return
    allocated = largest_remainder(counts, d, rule.total.value)
    for row, share in zip(rows, allocated, strict=True):
        verdict = evaluation.verdicts.get(row.key)
        if verdict is not None and verdict.status == "miss" and row.get(column.key).exact == share:
            verdict.status = "fit"
            verdict.conventions = frozenset({"largest_remainder"})


def rate_columns(table: Table) -> list[Column]:
    return [c for c in table.of_kind("percent") if c.metric not in CHANGE_METRICS]


def infer_rules(table: Table, totals: Iterable[Total] = ()) -> dict[Hashable, Evaluation[RateRule]]:
    """The best rule of every percentage column (established or not), all conventions allowed."""
    totals = list(totals)
    out: dict[Hashable, Evaluation[RateRule]] = {}
    for column in rate_columns(table):
        judge = _judge_with(CONVENTIONS, column.key)
        rows = _float_rows(table, column)
        # A rule can fit at most the rows it comes within a printed digit of (largest remainder
        # included); rules that cannot reach the best count found so far cannot be chosen.
        bounded = [(_fit_bound(rule, rows), index, rule) for index, rule in enumerate(candidate_rules(table, column, totals))]
        evaluated: list[tuple[int, Evaluation[RateRule]]] = []
        most = 0
        for bound, index, rule in sorted(bounded, key=lambda b: -b[0]):
            if evaluated and bound < most:
                break
            evaluation = evaluate(rule, table.rows, judge)
            _largest_remainder_fits(table, column, evaluation)
            evaluated.append((index, evaluation))
            most = max(most, evaluation.fits)
        chosen = best([e for _, e in sorted(evaluated, key=lambda ie: ie[0])], _preference(table, column))
        if chosen is not None:
            out[column.key] = chosen
    return out


def _float_rows(table: Table, column: Column) -> list[tuple[dict, float, float, bool]]:
    """Per row with a percentage in `column`: its whole-number cells, the percentage, the
    tolerance of one printed digit, and whether it is a total row (floats: bounds only)."""
    out = []
    for row in table.rows:
        printed = row.get(column.key)
        if printed is None or not printed.percent:
            continue
        ints = {key: int(cell.value) for key, cell in row.cells.items() if cell.is_integer}
        out.append((ints, printed.approx, 1.01 * 10.0**-printed.decimals + 1e-9, row.is_total))
    return out


def _fit_bound(rule: RateRule, rows: list[tuple[dict, float, float, bool]]) -> int:
    """How many informative rows the rule could fit at most: those within a printed digit."""
    count = 0
    for ints, printed, tolerance, is_total in rows:
        k = ints.get(rule.numerator)
        if not k:
            continue
        if rule.total is not None:
            if is_total:
                continue
            n = rule.total.value
        else:
            n = ints.get(rule.denominator)
            if n is None:
                continue
        if n > 0 and k > 0 and abs(100.0 * (n - k if rule.complement else k) / n - printed) <= tolerance:
            count += 1
    return count


def declared_share_rule(table: Table, column: Column) -> Evaluation[RateRule] | None:
    """A share column whose total row prints 100% declares its base: the total row's count
    in the count column just left of it (下派工单 1383 beside 占比 100.00%). Such a rule
    needs no row to confirm it."""
    if column.metric != "share":
        return None
    order = [c.key for c in table.columns]
    here = order.index(column.key)
    counts = [c for c in table.of_kind("count") if not c.shared and order.index(c.key) < here]
    if not counts:
        return None
    count = counts[-1]
    for row in table.totals:
        share, whole = row.get(column.key), row.get(count.key)
        if share is None or whole is None or not whole.is_integer or whole.value <= 0:
            continue
        lo, hi = share.bounds("round")
        if lo <= 100 <= hi:
            rule = RateRule(count.key, None, Total(f"{row.unit or '总计'} {table.name(count.key)}", int(whole.value)))
            return evaluate(rule, table.rows, _judge_with(CONVENTIONS, column.key))
    return None


def table_conventions(evaluations: Iterable[Evaluation]) -> tuple[Convention, ...]:
    """The rounding conventions the table's established rules agree on. Truncation is
    dropped when rounding explains more rows (it would excuse real errors)."""
    counts: dict[str, int] = {c: 0 for c in CONVENTIONS}
    for evaluation in evaluations:
        if evaluation.established:
            for convention, n in evaluation.convention_counts().items():
                if convention in counts:
                    counts[convention] += n
    top = max(counts.values())
    if top == 0:
        return CONVENTIONS
    return tuple(c for c in CONVENTIONS if counts[c] == top) or CONVENTIONS


def _numerator_for(table: Table, column: Column, evaluation: Evaluation[RateRule] | None) -> tuple[Hashable | None, bool]:
    """The count a rate column is most likely a share of, for the GRIM test: the numerator of a
    rule that fits every row it can be tested on, else the count named like the rate (返工率 →
    返工数), else for a share column the count just left of it. None: nothing to test."""
    if evaluation is not None and evaluation.fits >= 1 and evaluation.misses == 0:
        return evaluation.rule.numerator, evaluation.rule.complement
    counts = [c for c in table.of_kind("count") if not c.shared]
    wanted = NUMERATOR_OF.get(column.metric)
    if wanted:
        for c in counts:
            if c.metric == wanted:
                return c.key, False
    order = [c.key for c in table.columns]
    left = [c for c in counts if order.index(c.key) < order.index(column.key)]
    if column.metric == "share" and left:
        return left[-1].key, False
    return None, False


def check_rates(table: Table, totals: Iterable[Total] = (), max_base: int = 100_000) -> tuple[list[dict], RateContext]:
    """Findings for every percentage column of one table, and the rules it established."""
    findings: list[dict] = []
    totals = list(totals)
    inferred = infer_rules(table, totals)
    conventions = table_conventions(inferred.values())
    context = RateContext(conventions=conventions)
    by_key = {r.key: r for r in table.rows}

    for column in rate_columns(table):
        findings.extend(_range_findings(table, column))
        evaluation = inferred.get(column.key)
        declared = None
        if evaluation is None or not evaluation.established:
            declared = declared_share_rule(table, column)
            if declared is not None:
                evaluation = declared
        if evaluation is not None and (evaluation.established or declared is not None):
            # Re-judge under the table's conventions: a row that fits only by truncation in a
            # table that rounds is not excused silently.
            strict = evaluate(evaluation.rule, table.rows, _judge_with(conventions, column.key))
            _largest_remainder_fits(table, column, strict)
            context.rules[column.key] = strict
            rule_text = evaluation.rule.describe(table)
            for key in strict.missed():
                row = by_key[key]
                verdict = strict.verdicts[key]
                printed = row.get(column.key)
                if not row.trusted([column.key, *evaluation.rule.keys()]):
                    continue
                loose = evaluation.verdicts.get(key)
                if loose is not None and loose.status == "fit":
                    findings.append(
                        finding(
                            "rate_convention",
                            "warning",
                            f"{verdict.detail} fits the printed {printed.show()} only by "
                            f"{'/'.join(sorted(loose.conventions))}, while the rest of the table rounds",
                            table=table,
                            row=row,
                            column=column,
                            printed=printed.text,
                            expected=verdict.expected,
                        )
                    )
                    continue
                if declared is not None:
                    why = f"{table.name(column.key)} = {rule_text}: the total row prints 100%"
                else:
                    why = f"{table.name(column.key)} = {rule_text} in {strict.fits} other rows"
                findings.append(
                    finding(
                        "rate",
                        "error",
                        f"{verdict.detail}, printed {printed.show()} ({why})",
                        table=table,
                        row=row,
                        column=column,
                        printed=printed.text,
                        expected=verdict.expected,
                    )
                )
            findings.extend(_zero_base_notes(table, column, evaluation.rule))
            continue
        findings.extend(_grim_column(table, column, evaluation, conventions, max_base))
    return findings, context


def _range_findings(table: Table, column: Column) -> list[dict]:
    if column.metric not in RATE_METRICS:
        return []
    out = []
    for row in table.rows:
        printed = row.get(column.key)
        if printed is None or not row.trusted([column.key]):
            continue
        if printed.value < 0 or printed.value > 100:
            out.append(
                finding(
                    "rate_range",
                    "error",
                    f"a rate or share must lie within 0–100%, printed {printed.show()}",
                    table=table,
                    row=row,
                    column=column,
                    printed=printed.text,
                    expected="0–100%",
                )
            )
    return out


def _zero_base_notes(table: Table, column: Column, rule: RateRule) -> list[dict]:
    """A rate printed over a zero base (0 of 0) is a substitute, not arithmetic: say so."""
    out = []
    for row in table.rows:
        printed = row.get(column.key)
        terms = rule.terms(row)
        if printed is None or terms is None or terms[1] != 0 or printed.value == 0:
            continue
        out.append(
            finding(
                "rate_zero_base",
                "info",
                f"{table.name(column.key)} printed {printed.show()} where {rule.describe(table)} is {terms[0]}/0: "
                "a substituted value, cannot be checked",
                table=table,
                row=row,
                column=column,
                printed=printed.text,
            )
        )
    return out


def _count_in(row: Row, key: Hashable, bases: Sequence[int]) -> bool:
    cell = row.get(key)
    if cell is None or not cell.is_integer or not bases:
        return False
    n = int(cell.value)
    return any(n in run for run in bases.runs) if hasattr(bases, "runs") else n in bases


MIN_GRIM_SUPPORT = 1.5  # passing rows' evidence (each at most 1) a guessed numerator needs


def _grim_evidence(k: int, printed: Printed, complement: bool) -> float:
    """How much a row passing the hidden-base test says for its numerator: 1 − the chance a
    random rate would pass too. With k large many bases N give any printed rate (the run of
    fitting N, 100·k·step/r², is wider than 1) and a pass says nothing."""
    rate = float(100 - printed.approx if complement else printed.approx)
    if rate <= 0:
        return 0.0
    step = 10.0**-printed.decimals
    width = 100.0 * k * step / (rate * rate)
    return max(0.0, 1.0 - width)


def _grim_column(
    table: Table, column: Column, evaluation: Evaluation[RateRule] | None, conventions: Sequence[Convention], max_base: int
) -> list[dict]:
    """No printed column explains this percentage column: test each row for any base."""
    out: list[dict] = []
    numerator, complement = _numerator_for(table, column, evaluation)
    if numerator is None:
        rows = [r for r in table.rows if r.get(column.key) is not None]
        if rows:
            out.append(
                finding(
                    "rate_unverifiable",
                    "info",
                    f"{table.name(column.key)}: no printed count explains this column, so its {len(rows)} values cannot be checked",
                    table=table,
                    column=column,
                )
            )
        return out
    tested: list[tuple[Row, int, object, str, Verdict | None]] = []
    for row in table.rows:
        printed = row.get(column.key)
        k_cell = row.get(numerator)
        if printed is None or k_cell is None or not k_cell.is_integer or not row.trusted([column.key, numerator]):
            continue
        if row.is_total and column.metric == "share":
            continue  # the whole's share of itself; the share_total check covers the column
        verdict = evaluation.verdicts.get(row.key) if evaluation is not None else None
        if verdict is not None and verdict.status == "fit":
            continue  # a printed column explains this row
        k = int(k_cell.value)
        bases = implied_bases(k, printed, complement=complement, max_base=max_base, conventions=conventions)
        if k == 0 and len(bases) == max_base:
            continue  # 0 of anything: nothing to say
        printed_here = [c for c in table.of_kind("count") if c.key != numerator and _count_in(row, c.key, bases)]
        if printed_here:
            continue  # a printed column of this row is a fitting base; too few rows to establish it for the column
        tried = ""
        if verdict is not None and verdict.status == "miss" and evaluation is not None and evaluation.rule.numerator == numerator:
            tried = f"; {evaluation.rule.describe(table)}: {verdict.detail}"
        tested.append((row, k, bases, tried, verdict))
    # Decided per column: the numerator is a guess (the count named like the rate, or the
    # count left of a share). It is kept only when rows that could have failed the test pass
    # it; a column whose rows mostly fail has another, unprinted numerator, not errors.
    failing = [t for t in tested if not t[2]]
    support = sum(_grim_evidence(t[1], t[0].get(column.key), complement) for t in tested if t[2] and t[1] > 0)
    numerator_holds = support >= MIN_GRIM_SUPPORT and support >= 2 * len(failing)
    what_of = table.name(numerator)
    for row, k, bases, tried, verdict in tested:
        printed = row.get(column.key)
        what = f"({what_of} {k})" if not complement else f"(N − {what_of} {k})"
        if bases:
            out.append(
                finding(
                    "unverifiable_base",
                    "info",
                    f"{printed.show()} {what}: no printed column is the base; a hidden base of {describe_bases(bases)} fits{tried}",
                    table=table,
                    row=row,
                    column=column,
                    printed=printed.text,
                    expected=f"base {describe_bases(bases)}",
                )
            )
        elif not numerator_holds:
            out.append(
                finding(
                    "unverifiable_base",
                    "info",
                    f"no whole number N gives {k}/N = {printed.show()}, but {len(failing)} of the {len(tested)} rows of "
                    f"{table.name(column.key)} fail this test with {what_of} as numerator: the column's numerator is not "
                    "printed, so it cannot be checked",
                    table=table,
                    row=row,
                    column=column,
                    printed=printed.text,
                )
            )
        else:
            out.append(
                finding(
                    "rate",
                    "error",
                    f"no whole number N gives {k}/N = {printed.show()}{tried} ({what_of} is the numerator the column's other rows fit)",
                    table=table,
                    row=row,
                    column=column,
                    printed=printed.text,
                    expected=verdict.expected if verdict is not None and verdict.status == "miss" else "",
                )
            )
    return out
