"""Vocabulary (schemas/tables.yaml) and the output model: LogicalTable, its columns, rows and cells."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Literal

from ..metrics import SCHEMAS_DIR, normalize_header
from ..model import BBox
from ..numbers import Parsed
from ..yamlfile import load_yaml

TableKind = Literal["data", "info", "layout"]
ColumnRole = Literal["unit", "subunit", "label", "index", "value", "shared", "group"]


@dataclass(frozen=True)
class TableVocab:
    total_labels: frozenset[str]
    unit_headers: frozenset[str]
    subunit_headers: frozenset[str]
    info_keys: frozenset[str]
    group_headers: frozenset[str] = frozenset()


@cache
def load_vocab(path: str | None = None) -> TableVocab:
    """Read schemas/tables.yaml: total labels, unit/sub-unit header words, info-grid keys."""
    data = load_yaml(Path(path or SCHEMAS_DIR / "tables.yaml"))

    def words(key: str) -> frozenset[str]:
        return frozenset(normalize_header(str(w)) for w in data.get(key) or [])

    return TableVocab(words("total_labels"), words("unit_headers"), words("subunit_headers"), words("info_keys"), words("group_headers"))


# --------------------------------------------------------------------------- output model


@dataclass
class Column:
    """One column of a logical table. `key` indexes TableRow.cells; for ordinary
    tables it is the 0-based printed grid column."""

    key: int
    path: tuple[str, ...]
    metric: str
    role: ColumnRole
    col: int | None = None  # 1-based printed column (None for a transposed table's measures)

    @property
    def header(self) -> str:
        return " / ".join(self.path)


@dataclass
class TableCell:
    text: str  # as printed
    parsed: Parsed | None  # None: not a number (text in a value column)
    row: int  # 1-based printed row (rows of all stitched fragments counted, header rows included)
    col: int  # 1-based printed column
    page: int | None = None
    bbox: BBox | None = None  # PDF only: where the cell is printed on its page
    confidence: float | None = None  # OCR only: lowest recognition score of its characters
    low_confidence: bool = False  # OCR only: a likely misread (readers.textlayer.ocr_doubt); the audit never blames it


@dataclass
class TableRow:
    row: int  # 1-based printed row of the row's label (or first cell)
    page: int | None
    unit_raw: str
    cells: dict[int, TableCell] = field(default_factory=dict)  # Column.key → cell (value columns only)
    parent_unit: str = ""
    unit_group: str = ""  # the group its unit is listed under (a merged 类别 column: 乡镇（街道）)
    is_total: bool = False
    inherited: bool = False  # unit name filled from the row above ("same as above" or a vertical merge)
    damaged: bool = False  # cells do not fit the header: values are not assigned to columns
    section: str = ""  # label of the section row above it, or the label header of its twin half
    printed: list[str] = field(default_factory=list)  # every printed cell of the row, left to right
    note: str = ""


@dataclass
class LogicalTable:
    number: int  # 1-based, document order, all kinds counted
    kind: TableKind
    caption: str  # printed title, or the nearest heading above the table
    columns: list[Column]
    rows: list[TableRow]
    header_rows: int = 0
    pages: list[int] = field(default_factory=list)
    unit_header: str = ""
    twin: bool = False
    transposed: bool = False
    fragments: int = 1  # RawTables stitched into this table
    findings: list[dict] = field(default_factory=list)  # findings.csv rows without `source`
    notes: list[str] = field(default_factory=list)

    def column(self, key: int) -> Column:
        for column in self.columns:
            if column.key == key:
                return column
        raise KeyError(key)

    @property
    def value_columns(self) -> list[Column]:
        return [c for c in self.columns if c.role in ("value", "shared")]

    @property
    def data_rows(self) -> list[TableRow]:
        return [r for r in self.rows if not r.damaged]
