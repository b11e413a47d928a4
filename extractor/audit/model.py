"""The audit's own view of a table: printed numbers by row and column, nothing else.

The checks work on these small structures only, so they can be tested on columns
typed in from a bulletin and do not change when the table stage does. `adapter.py`
maps the table stage's LogicalTable (and the prose stage's values) onto them.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Hashable, Iterable
from dataclasses import dataclass, field
from fractions import Fraction
from functools import cache
from typing import Literal

from ..metrics import SCHEMAS_DIR
from ..yamlfile import load_yaml
from .rounding import Printed

Kind = Literal["count", "percent", "score", "grade", "rank", "other"]
Severity = Literal["error", "warning", "info"]

AUDIT_SCHEMA = SCHEMAS_DIR / "audit.yaml"


@cache
def vocabulary() -> dict:
    """schemas/audit.yaml: which metric ids are rates, counts, scores, changes, and how they relate."""
    return load_yaml(AUDIT_SCHEMA)


RATE_METRICS = frozenset(vocabulary()["rates"])
CHANGE_METRICS = frozenset(vocabulary()["changes"])  # signed changes: may exceed ±100%
SCORE_METRICS = frozenset(vocabulary()["scores"])
COUNT_METRICS = frozenset(vocabulary()["counts"])
NUMERATOR_OF: dict[str, str] = dict(vocabulary()["numerator_of"])
SATISFACTION_PARTITION = frozenset(vocabulary()["satisfaction_partition"])
TOTAL_METRICS = frozenset(vocabulary()["totals"])


def is_count_metric(metric: str) -> bool:
    return metric in COUNT_METRICS or metric.startswith("type_")


_WEIGHT = re.compile(r"[（(]\s*(\d+(?:\.\d+)?)\s*分\s*[)）]")


def header_weight(text: str) -> Fraction | None:
    """The points a header says a column is worth: 提前率（10分） → 10."""
    m = _WEIGHT.search(unicodedata.normalize("NFKC", text or "").replace(" ", ""))
    return Fraction(m.group(1)) if m else None


@dataclass
class Column:
    key: Hashable
    header: str  # header path joined with " / "
    metric: str = "other"
    kind: Kind = "other"
    path: tuple[str, ...] = ()
    col: int | None = None  # printed column number, for findings
    shared: bool = False  # one value for the whole table (a merged 受理总量 beside twin halves)

    @property
    def weight(self) -> Fraction | None:
        """Points stated in the column's own header level (得分（5分）, 提前率（10分））."""
        return header_weight(self.path[-1] if self.path else self.header)

    @property
    def weights(self) -> list[Fraction]:
        """Points stated anywhere on the column's header path, nearest level first."""
        levels = list(reversed(self.path)) if self.path else [self.header]
        return [w for w in (header_weight(level) for level in levels) if w is not None]

    @property
    def label(self) -> str:
        return self.header or str(self.key)


@dataclass
class Row:
    key: int | str  # unique within the table (position); rules index their verdicts by it
    unit: str = ""
    printed_row: int | None = None  # 1-based printed row, for findings (twin halves share printed rows)
    cells: dict[Hashable, Printed] = field(default_factory=dict)
    texts: dict[Hashable, str] = field(default_factory=dict)  # printed text of non-numeric cells (grades)
    is_total: bool = False
    parent: str = ""
    section: str = ""
    damaged: bool = False  # the table stage could not place the row's cells: never blamed
    suspect: frozenset[Hashable] = frozenset()  # cells read with low confidence (OCR): never blamed

    def get(self, key: Hashable) -> Printed | None:
        return self.cells.get(key)

    def trusted(self, keys: Iterable[Hashable]) -> bool:
        """True when none of these cells is suspect and the row is intact."""
        return not self.damaged and not any(k in self.suspect for k in keys)


@dataclass
class Table:
    columns: list[Column]
    rows: list[Row]
    number: int | None = None
    caption: str = ""
    ranked_by: str | None = None  # header words the caption says the ranking follows, "" = ranked, None = not ranked
    source: str = ""

    def column(self, key: Hashable) -> Column:
        for column in self.columns:
            if column.key == key:
                return column
        raise KeyError(key)

    def name(self, key: Hashable) -> str:
        """A column's shortest unambiguous name: its leaf header when no other column shares
        it (已解决件数), else its whole path (按期办结率情况（40分） / 得分)."""
        column = self.column(key)
        leaf = column.path[-1] if column.path else column.header
        if sum(1 for c in self.columns if (c.path[-1] if c.path else c.header) == leaf) == 1:
            return leaf
        return column.label

    def of_kind(self, *kinds: Kind) -> list[Column]:
        return [c for c in self.columns if c.kind in kinds]

    @property
    def body(self) -> list[Row]:
        """Rows that are units (not totals), intact or damaged."""
        return [r for r in self.rows if not r.is_total]

    @property
    def totals(self) -> list[Row]:
        return [r for r in self.rows if r.is_total and not r.damaged]


def finding(
    check: str,
    severity: Severity,
    message: str,
    *,
    table: Table | None = None,
    row: Row | None = None,
    column: Column | None = None,
    printed: str = "",
    expected: str = "",
    metric: str | None = None,
) -> dict:
    """One findings.csv row (the contract's columns; `source` is filled by the caller)."""
    return {
        "source": table.source if table else "",
        "check": check,
        "severity": severity,
        "table": table.number if table and table.number is not None else "",
        "row": row.printed_row if row is not None and row.printed_row is not None else "",
        "column": column.label if column else "",
        "unit_raw": row.unit if row is not None else "",
        "metric": metric if metric is not None else (column.metric if column else ""),
        "printed": printed,
        "expected": expected,
        "message": message,
    }
