"""Printed numbers and the rounding conventions that may have produced them.

Pure arithmetic on exact values (Fraction/Decimal), never binary floats: "does the
printed 86.67% fit 13/15?" must not depend on how 0.8667 happens to be stored.

Conventions seen in bulletins (docs: /work/shared/DOMAIN.md):
- ``half_up``: 0.125 → 0.13 (ties away from zero, what spreadsheets and most people do);
- ``half_even``: 0.125 → 0.12 (GB/T 8170 修约);
- ``truncate``: 99.986 → 99.98 (digits cut off).
Largest-remainder rounding (shares forced to sum to 100%) works on a whole list and
is `largest_remainder` below.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from functools import cached_property
from typing import Literal

from ..numbers import parse_number

Convention = Literal["half_up", "half_even", "truncate"]
CONVENTIONS: tuple[Convention, ...] = ("half_up", "half_even", "truncate")
ROUNDING: tuple[Convention, ...] = ("half_up", "half_even")

# The interval families used for sums and scores: the two "round" conventions give the
# same closed interval [P − h, P + h]; truncation gives [P, P + 2h] (for P ≥ 0).
Mode = Literal["round", "truncate"]
MODES: tuple[Mode, ...] = ("round", "truncate")

CONVENTION_NAMES = {"half_up": "四舍五入", "half_even": "四舍六入五成双 (GB/T 8170)", "truncate": "截尾"}


@dataclass(frozen=True)
class Printed:
    """A number as printed: its exact decimal value and how many decimals were shown.

    Percentages keep percent units: "86.67%" is value 86.67, decimals 2, percent True.
    """

    text: str
    value: Decimal
    decimals: int
    percent: bool = False

    @cached_property
    def exact(self) -> Fraction:
        return Fraction(self.value)

    @cached_property
    def approx(self) -> float:
        """The value as a float: only for ruling out what is far off, never for deciding a fit."""
        return float(self.value)

    @property
    def half(self) -> Fraction:
        """Half of the last printed digit: the largest error rounding may introduce."""
        return Fraction(1, 2 * 10**self.decimals)

    @property
    def unit(self) -> Fraction:
        return Fraction(1, 10**self.decimals)

    @property
    def is_integer(self) -> bool:
        return self.decimals == 0 and not self.percent

    def bounds(self, mode: Mode = "round") -> tuple[Fraction, Fraction]:
        """Closed interval of exact values that print as this number under `mode`.

        Closed at both ends on purpose: an auditor must not call a number wrong over
        which way a tie was broken."""
        p = self.exact
        if self.is_integer:
            return p, p
        if mode == "round":
            return p - self.half, p + self.half
        if p >= 0:
            return p, p + self.unit
        return p - self.unit, p

    def show(self) -> str:
        return format_number(self.value, self.decimals, self.percent)

    @classmethod
    def parse(cls, text: str | None) -> Printed | None:
        """A printed cell or token, or None when it is not a number (blank, dash, grade, label)."""
        parsed = parse_number(text)
        if parsed is None or parsed.value is None:
            return None
        value = Decimal(f"{parsed.value:.{parsed.decimals}f}")
        return cls(text=(text or "").strip(), value=value, decimals=parsed.decimals, percent=parsed.is_percent)

    @classmethod
    def of(cls, value: int | str | Decimal, percent: bool = False) -> Printed:
        """Build from a literal, e.g. Printed.of("86.67", percent=True)."""
        dec = Decimal(str(value))
        decimals = max(0, -dec.as_tuple().exponent)  # type: ignore[operator]
        return cls(text=f"{value}{'%' if percent else ''}", value=dec, decimals=decimals, percent=percent)


def format_number(value: Fraction | Decimal | int, decimals: int, percent: bool = False) -> str:
    """Exact value shown with `decimals` digits (half-up), for messages."""
    rounded = round_fraction(Fraction(value), decimals, "half_up")
    text = f"{Decimal(rounded.numerator) / Decimal(rounded.denominator):.{decimals}f}"
    return text + ("%" if percent else "")


def round_fraction(x: Fraction, decimals: int, convention: Convention) -> Fraction:
    """x rounded to `decimals` places under one convention (sign-symmetric)."""
    scale = 10**decimals
    sign = -1 if x < 0 else 1
    scaled = abs(x) * scale
    whole = math.floor(scaled)
    rest = scaled - whole
    if convention == "truncate":
        q = whole
    elif convention == "half_up":
        q = whole + (1 if rest >= Fraction(1, 2) else 0)
    elif convention == "half_even":
        if rest > Fraction(1, 2) or (rest == Fraction(1, 2) and whole % 2 == 1):
            q = whole + 1
        else:
            q = whole
    else:  # pragma: no cover - Literal guards this
        raise ValueError(convention)
    return Fraction(sign * q, scale)


def fitting_conventions(printed: Printed, exact: Fraction, conventions: Iterable[Convention] = CONVENTIONS) -> frozenset[Convention]:
    """Which conventions turn the exact value into the printed one (empty: a mismatch).

    For a percentage, `exact` is in percent units too (13/15 → Fraction(260, 3))."""
    # No convention moves a value by a whole printed unit: a value further off than that fits
    # none, and most candidate rules tried on a column are that far off (cheap floats first).
    if abs(float(exact) - printed.approx) > 1.01 * 10.0**-printed.decimals + 1e-9:
        return frozenset()
    target = printed.exact
    return frozenset(c for c in conventions if round_fraction(exact, printed.decimals, c) == target)


def fits(printed: Printed, exact: Fraction, conventions: Iterable[Convention] = CONVENTIONS) -> bool:
    return bool(fitting_conventions(printed, exact, conventions))


def ratio_percent(numerator: int | Fraction, denominator: int | Fraction) -> Fraction:
    """numerator / denominator in percent units, exactly."""
    return Fraction(numerator) * 100 / Fraction(denominator)


def hull(printed: Printed, conventions: Iterable[Convention] = CONVENTIONS) -> tuple[Fraction, Fraction]:
    """Smallest closed interval holding every exact value that prints as `printed` under one of `conventions`."""
    conventions = tuple(conventions)
    intervals = []
    if any(c in ROUNDING for c in conventions):
        intervals.append(printed.bounds("round"))
    if "truncate" in conventions:
        intervals.append(printed.bounds("truncate"))
    if not intervals:
        raise ValueError("no convention given")
    return min(a for a, _ in intervals), max(b for _, b in intervals)


class BaseSet(Sequence[int]):
    """Sorted whole numbers stored as runs, so "every base from 20 001 to 100 000" costs nothing."""

    def __init__(self, runs: Iterable[range] = ()) -> None:
        self.runs = [r for r in runs if len(r)]

    def __len__(self) -> int:
        return sum(len(r) for r in self.runs)

    def __getitem__(self, index: int) -> int:  # type: ignore[override]
        if index < 0:
            index += len(self)
        for run in self.runs:
            if index < len(run):
                return run[index]
            index -= len(run)
        raise IndexError(index)

    def __iter__(self):  # type: ignore[override]
        for run in self.runs:
            yield from run

    def __repr__(self) -> str:
        return f"BaseSet({describe_bases(self)})"


def implied_bases(
    numerator: int,
    printed: Printed,
    *,
    complement: bool = False,
    max_base: int = 100_000,
    conventions: Iterable[Convention] = CONVENTIONS,
) -> BaseSet:
    """GRIM-style: every whole base N (numerator ≤ N ≤ max_base) such that numerator/N,
    as a percentage, prints as `printed` under some convention.

    With `complement`, the printed rate is (N − numerator)/N (e.g. 满意率 = (总数 − 不满意)/总数).
    An empty set means no base at all can produce the print: the number is wrong."""
    conventions = tuple(conventions)
    k = int(numerator)
    if k < 0:
        return BaseSet()
    lo, hi = hull(printed, conventions)
    if complement:  # (N − k)/N = x  ⇔  k/N = 100 − x
        lo, hi = 100 - hi, 100 - lo
    lo = max(lo, Fraction(0))
    if hi < 0 or lo > 100:
        return BaseSet()
    # k/N·100 ∈ [lo, hi]  ⇔  N ∈ [100k/hi, 100k/lo]; every N strictly inside fits some
    # convention, so only the ends need the exact test.
    if k == 0:
        if lo > 0:  # a zero numerator only ever gives 0
            return BaseSet()
        n_min, n_max = 1, max_base
    else:
        n_min = math.ceil(Fraction(100 * k) / hi) if hi > 0 else max_base + 1
        n_max = math.floor(Fraction(100 * k) / lo) if lo > 0 else max_base
    n_min, n_max = max(n_min, k, 1), min(n_max, max_base)
    if n_min > n_max:
        return BaseSet()

    def ok(n: int) -> bool:
        return fits(printed, ratio_percent(n - k if complement else k, n), conventions)

    if n_max - n_min < 8:
        return BaseSet(range(n, n + 1) for n in range(n_min, n_max + 1) if ok(n))
    head = [range(n, n + 1) for n in (n_min, n_min + 1) if ok(n)]
    tail = [range(n, n + 1) for n in (n_max - 1, n_max) if ok(n)]
    return BaseSet([*head, range(n_min + 2, n_max - 1), *tail])


def implied_numerators(base: int, printed: Printed, *, conventions: Iterable[Convention] = CONVENTIONS) -> list[int]:
    """Every whole numerator k (0 ≤ k ≤ base) such that k/base prints as `printed`."""
    if base <= 0:
        return []
    lo, hi = hull(printed, conventions)
    k_min = max(0, math.ceil(lo * base / 100))
    k_max = min(base, math.floor(hi * base / 100))
    return [k for k in range(k_min, k_max + 1) if fits(printed, ratio_percent(k, base), conventions)]


def largest_remainder(counts: Sequence[int], decimals: int, total: int | None = None) -> list[Fraction]:
    """Shares of `total` (default: the sum) in percent, rounded so that they add up to
    exactly 100: floor every share, then hand the missing last-digit units to the
    largest remainders (Hamilton's method)."""
    total = sum(counts) if total is None else total
    if total <= 0:
        return [Fraction(0)] * len(counts)
    scale = 10**decimals
    exact = [Fraction(c * 100 * scale, total) for c in counts]
    floors = [math.floor(x) for x in exact]
    missing = 100 * scale - sum(floors)
    order = sorted(range(len(counts)), key=lambda i: (-(exact[i] - floors[i]), i))
    for i in order[: max(0, missing)]:
        floors[i] += 1
    return [Fraction(f, scale) for f in floors]


def sum_interval(values: Iterable[Printed], mode: Mode, signs: Iterable[int] | None = None) -> tuple[Fraction, Fraction]:
    """Interval of the exact sum of printed values, each anywhere inside its own interval."""
    lo = hi = Fraction(0)
    values = list(values)
    sign_list = list(signs) if signs is not None else [1] * len(values)
    for value, sign in zip(values, sign_list, strict=True):
        a, b = value.bounds(mode)
        if sign >= 0:
            lo, hi = lo + a, hi + b
        else:
            lo, hi = lo - b, hi - a
    return lo, hi


def overlaps(a: tuple[Fraction, Fraction], b: tuple[Fraction, Fraction]) -> bool:
    return a[0] <= b[1] and b[0] <= a[1]


def describe_bases(bases: Sequence[int], most: int = 4) -> str:
    """'46', '46 or 47', '46, 47, 48 … (12 in all)' for messages."""
    if not bases:
        return "none"
    if len(bases) == 1:
        return str(bases[0])
    if len(bases) == 2:
        return f"{bases[0]} or {bases[1]}"
    if bases[-1] - bases[0] == len(bases) - 1 and len(bases) > most:
        return f"{bases[0]}–{bases[-1]}"
    shown = ", ".join(str(bases[i]) for i in range(min(most, len(bases))))  # BaseSet has no slices
    return shown + (f" … ({len(bases)} in all)" if len(bases) > most else "")
