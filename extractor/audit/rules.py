"""Choosing the one rule that explains a whole column.

Each check proposes candidate rules for a column (返工率 = 返工数/办理数, 得分 = 提前率/最高提前率×10,
综合得分 = the sum of the group scores …), evaluates every row under each, and keeps the
rule that explains most rows. A rule is *established* when it explains at least three
informative rows and three quarters of the rows it could be tested on; only then is a row
that breaks it called wrong. One rule per column, never one per row: a rule found for a
single row proves nothing.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Hashable, Iterable
from dataclasses import dataclass, field
from typing import Generic, Literal, TypeVar

from .model import Row

Status = Literal["fit", "miss", "na"]
R = TypeVar("R")

MIN_FITS = 3
MIN_SHARE = 0.75


Text = str | Callable[[], str]  # a message part, or how to make it when it is read


def _text(part: Text) -> str:
    return part() if callable(part) else part


@dataclass
class Verdict:
    """How one row fares under one rule. Most candidate rules miss most rows and their
    messages are never shown, so the message parts may be given as callables."""

    status: Status
    informative: bool = True  # False: fits whatever the rule (0 of anything is 0%)
    conventions: frozenset[str] = frozenset()
    expected_text: Text = ""  # what the rule gives, as it would be printed
    detail_text: Text = ""  # the arithmetic, for the message

    @property
    def expected(self) -> str:
        return _text(self.expected_text)

    @property
    def detail(self) -> str:
        return _text(self.detail_text)


@dataclass
class Evaluation(Generic[R]):
    rule: R
    verdicts: dict[Hashable, Verdict] = field(default_factory=dict)  # row key → verdict

    @property
    def fits(self) -> int:
        return sum(1 for v in self.verdicts.values() if v.status == "fit" and v.informative)

    @property
    def misses(self) -> int:
        return sum(1 for v in self.verdicts.values() if v.status == "miss")

    @property
    def established(self) -> bool:
        tested = self.fits + self.misses
        return self.fits >= MIN_FITS and tested > 0 and self.fits >= MIN_SHARE * tested

    def missed(self) -> list[Hashable]:
        return [k for k, v in self.verdicts.items() if v.status == "miss"]

    def convention_counts(self) -> Counter:
        counts: Counter = Counter()
        for verdict in self.verdicts.values():
            if verdict.status == "fit" and verdict.informative:
                counts.update(verdict.conventions)
        return counts


def evaluate(rule: R, rows: Iterable[Row], judge: Callable[[R, Row], Verdict | None]) -> Evaluation[R]:
    evaluation: Evaluation[R] = Evaluation(rule)
    for row in rows:
        verdict = judge(rule, row)
        if verdict is not None and verdict.status != "na":
            evaluation.verdicts[row.key] = verdict
    return evaluation


def best(evaluations: Iterable[Evaluation[R]], preference: Callable[[R], tuple] | None = None) -> Evaluation[R] | None:
    """The evaluation explaining most informative rows; ties go to fewer misses, then to
    `preference` (smaller is better)."""
    ranked = sorted(evaluations, key=lambda e: (-e.fits, e.misses, preference(e.rule) if preference else ()))
    return ranked[0] if ranked else None
