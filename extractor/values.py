"""Logical tables → rows of values.csv and findings.csv (the output contract).

One value row per printed number or grade in a data table's value columns, with
its provenance (page, table, printed row and column) and its header path and
metric. Damaged rows give a finding instead of values; non-data tables give nothing.
An OCR'd value that reads doubtfully (low recognition score, letters among digits, or
a unit name or header whose numbers break the digit checks) gives an
`ocr_low_confidence` warning beside its value, which is kept as read.
"""

from __future__ import annotations

from .readers.textlayer import label_doubt, ocr_doubt
from .tables import LogicalTable


def _format_value(value: float) -> float | int:
    return int(value) if value == int(value) and abs(value) < 1e15 else value


def table_values(tables: list[LogicalTable], source: str, county: str = "", period: str = "") -> tuple[list[dict], list[dict]]:
    """(values rows, findings rows) for the contract's values.csv and findings.csv.

    `table` is the logical table's number; `row`/`col` are 1-based printed positions;
    `column_raw` is the header path joined by " / "; grades go to `text` with `value`
    empty. `unit`/`unit_kind` are left for the unit-name stage, except totals."""
    values: list[dict] = []
    findings: list[dict] = []
    for table in tables:
        findings.extend({"source": source, **f} for f in table.findings)
        if table.kind != "data":
            continue
        columns = {c.key: c for c in table.columns}
        for row in table.rows:
            if row.damaged or not (row.unit_raw or row.is_total):
                continue
            for key, cell in sorted(row.cells.items()):
                column = columns.get(key)
                if column is None or column.role not in ("value", "shared"):
                    continue
                parsed = cell.parsed
                if parsed is None or parsed.kind == "missing":
                    continue
                values.append(
                    {
                        "source": source,
                        "county": county,
                        "period": period,
                        "section": table.caption,
                        "page": cell.page,
                        "table": table.number,
                        "row": cell.row,
                        "col": cell.col,
                        "unit_raw": row.unit_raw,
                        "unit": "",
                        "unit_kind": "total" if row.is_total else "",
                        "parent_unit": row.parent_unit,
                        "column_raw": column.header,
                        "metric": column.metric,
                        "value": None if parsed.value is None else _format_value(parsed.value),
                        "text": cell.text,
                        "bbox": " ".join(f"{x:.1f}" for x in cell.bbox) if cell.bbox else "",
                        "confidence": None if cell.confidence is None else round(cell.confidence, 3),
                        "unit_group": row.unit_group,
                    }
                )
                doubt = ocr_doubt(cell.text, cell.confidence)
                if not doubt and cell.confidence is not None:
                    # a misread unit name or header puts a right number in the wrong place
                    for label, what in ((row.unit_raw, "unit name"), (column.header, "column header")):
                        why = label_doubt(label)
                        if why:
                            doubt = f"OCR: the {what} looks misread: {why}"
                            break
                if doubt:
                    # an OCR misread is not the bulletin's error: a warning, and the value stays as read
                    findings.append(
                        {
                            "source": source,
                            "check": "ocr_low_confidence",
                            "severity": "warning",
                            "table": table.number,
                            "row": cell.row,
                            "column": column.header,
                            "unit_raw": row.unit_raw,
                            "metric": column.metric,
                            "printed": cell.text,
                            "expected": "",
                            "message": f"{doubt}; check this value against the scan (page {cell.page})",
                        }
                    )
    return values, findings
