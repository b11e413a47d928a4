"""Two label columns: a group column (类别) merged or blank-filled down beside the unit column.

The tables are written for the test (invented units and numbers); the expected units and
groups are read off them by eye."""

from __future__ import annotations

from extractor.model import Cell, Document, RawTable
from extractor.readers.text import parse_text
from extractor.tables import build_tables
from extractor.values import table_values

HEADER = ["序号", "类别", "单位", "件数", "办结率"]
BODY = [
    ["1", "乡镇（街道）", "东湖镇", "52", "98.00%"],
    ["2", "", "西岭乡", "31", "96.50%"],
    ["3", "", "南桥街道", "17", "100%"],
    ["4", "县直单位", "水利局", "44", "97.20%"],
    ["5", "", "交通局", "23", "95.00%"],
    ["6", "", "民政局", "9", "100%"],
]
EXPECTED = [
    ("东湖镇", "乡镇（街道）", 52),
    ("西岭乡", "乡镇（街道）", 31),
    ("南桥街道", "乡镇（街道）", 17),
    ("水利局", "县直单位", 44),
    ("交通局", "县直单位", 23),
    ("民政局", "县直单位", 9),
    ("合计", "", 176),
]


def _counts(doc: Document) -> list[tuple[str, str, float]]:
    values = table_values(build_tables(doc), "t")[0]
    return [(v["unit_raw"], v["unit_group"], v["value"]) for v in values if v["metric"] == "received"]


def test_merged_group_column_in_a_grid_is_the_group_not_the_unit():
    """DOCX/HTML: 类别 is one cell spanning its members' rows; 合计 spans 类别 and 单位."""
    cells = [Cell(t, 0, c) for c, t in enumerate(HEADER)]
    for r, row in enumerate(BODY, start=1):
        for c, text in enumerate(row):
            if c == 1 and not text:
                continue
            cells.append(Cell(text, r, c, row_span=3 if c == 1 else 1))
    cells += [Cell("7", 7, 0), Cell("合计", 7, 1, col_span=2), Cell("176", 7, 3), Cell("97.60%", 7, 4)]
    doc = Document("t.docx", "docx", blocks=[RawTable(cells=cells)])
    (table,) = build_tables(doc)
    assert [c.role for c in table.columns][:3] == ["index", "group", "unit"]
    assert _counts(doc) == EXPECTED
    total = [r for r in table.rows if r.is_total]
    assert len(total) == 1 and total[0].unit_group == ""


def test_blank_filled_group_column_in_a_pipe_table():
    """Text: the group is printed on the first row of its block and left blank below it."""
    lines = [HEADER, *BODY, ["7", "合计", "", "176", "97.60%"]]
    text = "各单位办理情况\n" + "".join("| " + " | ".join(row) + " |\n" for row in lines)
    blocks, _ = parse_text(text)
    assert _counts(Document("t.txt", "text", blocks=blocks)) == EXPECTED


def test_a_column_of_many_names_beside_content_stays_the_unit():
    """承办单位 printed once over several orders beside 工单内容: the unit is 承办单位, not a group."""
    rows = [["承办单位", "工单内容", "件数"]]
    for unit in ("甲镇", "乙镇", "丙局", "丁局"):
        rows += [[unit, f"{unit}路灯问题", "2"], ["", f"{unit}噪音问题", "1"]]
    doc = Document("t.txt", "text", blocks=[RawTable(cells=[Cell(t, r, c) for r, row in enumerate(rows) for c, t in enumerate(row)])])
    (table,) = build_tables(doc)
    assert "group" not in [c.role for c in table.columns]
    assert [r.unit_raw for r in table.rows][:3] == ["甲镇", "甲镇", "乙镇"]
