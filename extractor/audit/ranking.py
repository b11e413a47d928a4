"""Rankings and grades: rows said to be ranked are in score order; grades follow scores.

- Order: when the caption says the rows are ranked (按综合得分排名, 排名) the score column it
  names (or the table's composite score) must not increase down the table. The rows to blame
  are those outside the longest non-increasing run of scores, so one unit printed in the
  wrong place is one finding, not one per row below it.
- Rank column: a printed 名次 must be 1 + the number of rows with a higher score (ties share a
  rank; dense ranking 1, 1, 2 is accepted too, whichever explains more rows).
- Grades: a unit with a higher score must not have a worse grade (A before D). The bands are
  rarely printed in the table, so an inversion is a warning, not an error.
"""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_right
from collections.abc import Hashable

from .model import Column, Row, Table, finding
from .rounding import Printed

_GRADE = re.compile(r"^\s*([A-Da-d])\s*(?:类|级|等)?\s*$")


def _norm(text: str) -> str:
    text = unicodedata.normalize("NFKC", text or "")
    return re.sub(r"[\s()（）\d分]+", "", text)


def score_column(table: Table) -> Column | None:
    """The column a ranking follows: the one the caption names, else the composite score."""
    scores = [c for c in table.columns if c.kind == "score"]
    if table.ranked_by:
        wanted = _norm(table.ranked_by)
        named = [c for c in table.columns if c.kind in ("score", "count", "percent", "other") and wanted and wanted in _norm(c.label)]
        if named:
            return named[-1]
    composites = [c for c in scores if c.metric == "score"]
    if composites:
        return composites[-1]
    return None


def _longest_non_increasing(values: list[float]) -> set[int]:
    """Indexes of one longest non-increasing subsequence (patience sorting on negated values)."""
    tails: list[float] = []  # tails[i]: smallest last negated value of a run of length i + 1
    tail_index: list[int] = []
    previous = [-1] * len(values)
    for i, v in enumerate(values):
        key = -v
        pos = bisect_right(tails, key)  # non-decreasing in −v ⇔ non-increasing in v
        if pos == len(tails):
            tails.append(key)
            tail_index.append(i)
        else:
            tails[pos] = key
            tail_index[pos] = i
        previous[i] = tail_index[pos - 1] if pos > 0 else -1
    keep: set[int] = set()
    i = tail_index[-1] if tail_index else -1
    while i >= 0:
        keep.add(i)
        i = previous[i]
    return keep


def _runs(table: Table) -> list[list[Row]]:
    """Rows ranked together: all body rows of one section (twin halves and grouped tables
    rank within their group), sub-units left out (they carry no score of their own)."""
    groups: dict[str, list[Row]] = {}
    for row in table.body:
        if row.parent:
            continue
        groups.setdefault(row.section, []).append(row)
    return list(groups.values())


MIN_SORTED = 8  # rows a table must list in score order before it counts as ranked unsaid


def check_order(table: Table) -> list[dict]:
    """Rows said to be ranked out of score order: errors. A table whose caption says nothing
    (or whose caption the table stage could not attach) but that lists at least MIN_SORTED
    rows in composite-score order with only one row in ten out of place: warnings."""
    declared = table.ranked_by is not None
    column = score_column(table)
    if column is None or (not declared and column.metric != "score"):
        return []
    if declared and any(c.metric == "rank" for c in table.columns):
        return check_rank_column(table, column)
    out: list[dict] = []
    for rows in _runs(table):
        scored = [(r, r.get(column.key)) for r in rows if r.get(column.key) is not None and r.trusted([column.key])]
        if len(scored) < 3:
            continue
        values = [float(p.value) for _, p in scored]
        keep = _longest_non_increasing(values)
        if len(keep) < len(values) / 2:
            continue  # not a descending list at all (ascending, or sorted by something else)
        if not declared and (len(scored) < MIN_SORTED or len(values) - len(keep) > max(1, len(values) // 10)):
            continue  # not ranked, or ranked within groups the table does not mark
        for i, (row, printed) in enumerate(scored):
            if i in keep:
                continue
            above = next((scored[j] for j in range(i - 1, -1, -1) if j in keep), None)
            below = next((scored[j] for j in range(i + 1, len(scored)) if j in keep), None)
            place = 1 + sum(1 for _, p in scored if p.value > printed.value)
            if above is not None and above[1].value < printed.value:
                where = f"below {above[1].show()} ({above[0].unit})"
            elif below is not None:
                where = f"above {below[1].show()} ({below[0].unit})"
            else:
                where = "out of order"
            unsaid = "" if declared else " (the table lists its other rows in this order)"
            out.append(
                finding(
                    "rank_order",
                    "error" if declared else "warning",
                    f"{row.unit} scores {printed.show()} but is listed {i + 1}th, {where}; "
                    f"by {table.name(column.key)} it ranks {place}th{unsaid}",
                    table=table,
                    row=row,
                    column=column,
                    printed=printed.text,
                    expected=f"rank {place}",
                )
            )
    return out


def _competition(values: list[Printed]) -> list[int]:
    return [1 + sum(1 for o in values if o.value > v.value) for v in values]


def _dense(values: list[Printed]) -> list[int]:
    distinct = sorted({v.value for v in values}, reverse=True)
    return [1 + distinct.index(v.value) for v in values]


def check_rank_column(table: Table, column: Column) -> list[dict]:
    out: list[dict] = []
    rank_keys: list[Hashable] = [c.key for c in table.columns if c.metric == "rank"]
    for rows in _runs(table):
        for key in rank_keys:
            pairs = [(r, r.get(column.key), r.get(key)) for r in rows]
            pairs = [(r, s, k) for r, s, k in pairs if s is not None and k is not None and k.is_integer and r.trusted([column.key, key])]
            if len(pairs) < 3:
                continue
            scores = [s for _, s, _ in pairs]
            printed = [int(k.value) for _, _, k in pairs]
            schemes = [_competition(scores), _dense(scores)]
            expected = max(schemes, key=lambda ranks: sum(a == b for a, b in zip(ranks, printed, strict=True)))
            for (row, score, rank), want in zip(pairs, expected, strict=True):
                if int(rank.value) == want:
                    continue
                out.append(
                    finding(
                        "rank",
                        "error",
                        f"{row.unit} scores {score.show()} and is printed rank {rank.show()}, but its score ranks {want}",
                        table=table,
                        row=row,
                        column=table.column(key),
                        printed=rank.text,
                        expected=str(want),
                    )
                )
    return out


def _grade(text: str) -> str | None:
    m = _GRADE.match(unicodedata.normalize("NFKC", text or ""))
    return m.group(1).upper() if m else None


def check_grades(table: Table) -> list[dict]:
    """Grade inversions: a higher score with a worse grade. The rows blamed are removed one
    at a time, most conflicts first, until the rest is consistent."""
    grade_columns = [c for c in table.columns if c.metric == "grade" or c.kind == "grade"]
    score = score_column(table)
    if not grade_columns or score is None:
        return []
    out: list[dict] = []
    for g_col in grade_columns:
        for rows in _runs(table):
            graded = []
            for row in rows:
                grade = _grade(row.texts.get(g_col.key, ""))
                value = row.get(score.key)
                if grade is not None and value is not None and row.trusted([g_col.key, score.key]):
                    graded.append((row, grade, value))
            if len({g for _, g, _ in graded}) < 2:
                continue

            def conflicts(a, b) -> bool:
                return (a[2].value > b[2].value and a[1] > b[1]) or (b[2].value > a[2].value and b[1] > a[1])

            left = list(graded)
            while True:
                counts = [sum(conflicts(a, b) for b in left) for a in left]
                if not counts or max(counts) == 0:
                    break
                worst = left[counts.index(max(counts))]
                other = next(b for b in left if conflicts(worst, b))
                left.remove(worst)
                row, grade, value = worst
                out.append(
                    finding(
                        "grade",
                        "warning",
                        f"{row.unit} scores {value.show()} with grade {grade}, while {other[0].unit} scores "
                        f"{other[2].show()} with grade {other[1]}",
                        table=table,
                        row=row,
                        column=g_col,
                        printed=row.texts.get(g_col.key, ""),
                    )
                )
    return out
