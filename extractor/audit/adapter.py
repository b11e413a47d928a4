"""Thin mapping from the other stages' structures onto the audit's model.

- `from_logical_table`: the table stage's LogicalTable (extractor.tables) → model.Table.
  Only attributes are read (duck typing), so the audit does not break when the table
  stage adds fields.
- `prose_lists`: the prose stage's value dicts (unit_raw, metric, value, text,
  parent_unit) → lists of (unit, count, share) items with the totals they may be shares of.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from .model import SCORE_METRICS, Column, Kind, Row, Table, header_weight, is_count_metric, vocabulary
from .rounding import Printed

_RANKED = re.compile(r"(?:按\s*(?P<by>[^，,。)）（(]+?)\s*)?(?:排名|排序|名次)")
LOW_CONFIDENCE = 0.6


def _column_kind(metric: str, values: list[Printed], has_grades: bool, path: tuple[str, ...]) -> Kind:
    weighted = bool(path) and header_weight(path[-1]) is not None  # 得分（5分）, not a count under 解决率情况（35分）
    if metric == "grade" or (has_grades and not values):
        return "grade"
    if metric == "rank":
        return "rank"
    if not values:  # a column left blank throughout (红牌, 求助): still a count among counts
        return "count" if is_count_metric(metric) else "other"
    if sum(v.percent for v in values) * 2 > len(values):
        return "percent"
    if metric in SCORE_METRICS:
        return "score"
    counted = is_count_metric(metric) or metric == "other"
    if all(v.is_integer for v in values) and counted and not weighted:
        return "count"
    return "score" if weighted else "other"


def ranked_by(caption: str) -> str | None:
    """None when the caption does not say the rows are ranked; otherwise the words after 按
    (按综合得分排名 → 综合得分), or "" when it does not say by what."""
    text = unicodedata.normalize("NFKC", caption or "")
    m = _RANKED.search(text)
    if not m:
        return None
    return (m.group("by") or "").strip()


def _suspect(cell: Any) -> bool:
    confidence = getattr(cell, "confidence", None)
    if confidence is not None and confidence < LOW_CONFIDENCE:
        return True
    return bool(getattr(cell, "low_confidence", False))


def _subrow_markers() -> tuple[str, ...]:
    return tuple(vocabulary().get("subrow_markers", ()))


def _labels(lt: Any) -> list[str]:
    """Each row's own name. The table stage names a row by its unit column; where that column
    is a category repeated down the rows (乡镇, 县级部门, …) and a label column beside it
    names each row (蓬莱镇, 其中：交警大队), the label is the row's name. Without this a
    sub-row printed as 其中：… would pass for a peer of the rows it is part of."""
    names = [str(getattr(r, "unit_raw", "") or "") for r in lt.rows]
    label_cols = [c for c in getattr(lt, "columns", []) if getattr(c, "role", "") == "label"]
    body = [n for r, n in zip(lt.rows, names, strict=True) if not getattr(r, "is_total", False)]
    if len(label_cols) != 1 or len(body) < 4 or len(set(body)) * 2 > len(body):
        return names
    key = label_cols[0].key
    out = []
    for lrow, name in zip(lt.rows, names, strict=True):
        printed = list(getattr(lrow, "printed", []) or [])
        label = printed[key].strip() if isinstance(key, int) and 0 <= key < len(printed) else ""
        out.append(label if label and not getattr(lrow, "is_total", False) else name)
    return out


def _sub_row(name: str) -> str | None:
    """The name after a sub-row marker (其中：交警大队 → 交警大队), None for an ordinary row."""
    text = unicodedata.normalize("NFKC", name).strip()
    for marker in _subrow_markers():
        if text.startswith(marker) and len(text) > len(marker):
            return text[len(marker) :].lstrip(":：、, ").strip() or None
    return None


def from_logical_table(lt: Any, source: str = "") -> Table:
    """A LogicalTable of the table stage as an audit Table (value columns only)."""
    columns: list[Column] = []
    value_columns = [c for c in lt.columns if getattr(c, "role", "value") in ("value", "shared")]
    rows: list[Row] = []
    labels = _labels(lt)
    last_peer = ""
    for index, lrow in enumerate(lt.rows):
        cells: dict = {}
        texts: dict = {}
        suspect = set()
        if not getattr(lrow, "damaged", False):
            for key, cell in lrow.cells.items():
                printed = Printed.parse(cell.text)
                if printed is not None:
                    cells[key] = printed
                elif cell.text and cell.text.strip():
                    texts[key] = cell.text.strip()
                if _suspect(cell):
                    suspect.add(key)
        unit = labels[index]
        parent = getattr(lrow, "parent_unit", "") or ""
        sub = _sub_row(unit)
        if sub is not None and not parent and last_peer:
            unit, parent = sub, last_peer  # 其中：交警大队 is part of the row above, not its peer
        elif not parent:
            last_peer = unit
        rows.append(
            Row(
                key=index,
                printed_row=lrow.row,
                unit=unit,
                cells=cells,
                texts=texts,
                is_total=bool(getattr(lrow, "is_total", False)),
                parent=parent,
                section=getattr(lrow, "section", "") or "",
                damaged=bool(getattr(lrow, "damaged", False)),
                suspect=frozenset(suspect),
            )
        )
    for c in value_columns:
        values = [r.cells[c.key] for r in rows if c.key in r.cells]
        has_grades = any(c.key in r.texts for r in rows)
        path = tuple(getattr(c, "path", ()) or (c.header,))
        columns.append(
            Column(
                key=c.key,
                header=" / ".join(path),
                metric=getattr(c, "metric", "other"),
                kind=_column_kind(getattr(c, "metric", "other"), values, has_grades, path),
                path=path,
                col=getattr(c, "col", None),
                shared=getattr(c, "role", "") == "shared",
            )
        )
    if any(c.metric == "rank" for c in columns):
        by = ranked_by(lt.caption) or ""
    else:
        by = ranked_by(lt.caption)
    return Table(columns=columns, rows=rows, number=lt.number, caption=lt.caption or "", ranked_by=by, source=source)


# --------------------------------------------------------------------------- prose


@dataclass
class ProseItem:
    unit: str
    count: Printed | None = None
    share: Printed | None = None
    text: str = ""
    index: int = 0  # position in the value list (document order)


@dataclass
class ProseList:
    """Items of one breakdown (same parent, consecutive), and what they may be shares of."""

    parent: str
    items: list[ProseItem] = field(default_factory=list)
    parent_count: Printed | None = None  # the parent's own count, if printed


def _printed_of(value: dict) -> Printed | None:
    text = str(value.get("text") or "")
    raw = value.get("value")
    if raw is None or raw == "":
        return None
    # The value's own digits, with the precision they were printed with in `text` when we can find them.
    number = str(raw)
    percent = value.get("metric") in ("share",) or value.get("metric", "").endswith("_rate") or value.get("metric") in ("yoy", "mom")
    match = _find_printed(text, raw, percent)
    if match is not None:
        return match
    return Printed.of(number, percent=percent)


_NUMBER_IN_TEXT = re.compile(r"[+\-−]?\d+(?:\s*\.\s*\d+)?\s*%?")


def _find_printed(text: str, raw: Any, percent: bool) -> Printed | None:
    try:
        target = float(raw)
    except (TypeError, ValueError):
        return None
    for token in _NUMBER_IN_TEXT.findall(unicodedata.normalize("NFKC", text)):
        printed = Printed.parse(token)
        if printed is None:
            continue
        if abs(float(printed.value) - abs(target)) < 1e-9 and (printed.percent == percent or not percent):
            if percent and not printed.percent:
                printed = Printed(printed.text + "%", printed.value, printed.decimals, True)
            return printed
    return None


def prose_lists(values: Iterable[dict]) -> tuple[list[ProseList], dict[str, Printed]]:
    """Group prose values into breakdown lists, and collect the printed counts by unit
    ("" = the bulletin's own total)."""
    counts: dict[str, Printed] = {}
    lists: list[ProseList] = []
    current: ProseList | None = None
    items_by_key: dict[tuple[str, str], ProseItem] = {}
    for index, value in enumerate(values):
        metric = value.get("metric", "")
        unit = str(value.get("unit_raw") or "")
        parent = str(value.get("parent_unit") or "")
        if metric not in ("received", "share"):
            continue
        printed = _printed_of(value)
        if printed is None:
            continue
        if metric == "received" and unit not in counts:
            counts[unit] = printed
        if not unit:
            continue  # the county total is a base, not an item
        if current is None or current.parent != parent:
            current = ProseList(parent=parent)
            lists.append(current)
            items_by_key = {}
        item = items_by_key.get((parent, unit))
        if item is None or (metric == "received" and item.count is not None) or (metric == "share" and item.share is not None):
            item = ProseItem(unit=unit, index=index, text=str(value.get("text") or ""))
            current.items.append(item)
            items_by_key[(parent, unit)] = item
        if metric == "received":
            item.count = printed
        else:
            item.share = printed
    for plist in lists:
        if plist.parent:
            plist.parent_count = counts.get(plist.parent)
    return lists, counts
