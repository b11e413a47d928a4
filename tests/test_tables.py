"""The table stage: header paths, row repair, page stitching and structure.

Every expected value below was read off the seed text (fixtures/bulletins/text/*.txt,
copies of ../shared/seeds) or the hand-checked spec of the fixture (fixtures/spec/*.json).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from extractor.model import Cell, Document, Paragraph, RawTable
from extractor.readers import read
from extractor.tables import LogicalTable, build_tables, clean_text
from extractor.values import table_values

FIX = Path(__file__).resolve().parent.parent / "fixtures" / "bulletins"
TEXT_LAYER = ["text/{}.txt", "docx/{}.docx", "html/{}.html", "pdf/{}.pdf", "pdf-borderless/{}.pdf"]


def tables_of(relpath: str) -> list[LogicalTable]:
    return build_tables(read(FIX / relpath))


def data_tables(relpath: str) -> list[LogicalTable]:
    return [t for t in tables_of(relpath) if t.kind == "data"]


def row_of(table: LogicalTable, unit: str):
    rows = [r for r in table.rows if clean_text(r.unit_raw).replace(" ", "") == unit]
    assert len(rows) == 1, (unit, [r.unit_raw for r in table.rows])
    return rows[0]


def cell_by_header(table: LogicalTable, row, header_leaf: str) -> str:
    """Text of the row's cell under the only column whose path ends in header_leaf."""
    keys = [c.key for c in table.columns if c.path and c.path[-1].replace(" ", "") == header_leaf]
    assert len(keys) == 1, (header_leaf, [c.header for c in table.columns])
    return row.cells[keys[0]].text.strip()


def _raw(rows: list[list[str]], page: int | None = None) -> RawTable:
    return RawTable(cells=[Cell(text, r, c, page=page) for r, row in enumerate(rows) for c, text in enumerate(row)], page=page)


# --------------------------------------------------------------------------- headers


def test_two_level_header_paths_keep_group_and_leaf():
    """万载 附件2: 按期办结率情况（40分） spans six columns over 实际提前办结时间 … 得分; the
    header cell 提前率（10分） is printed over two lines."""
    annex2 = data_tables("docx/wanzai-2023-12.docx")[4]
    assert annex2.header_rows == 2
    headers = [c.header for c in annex2.columns]
    assert "按期办结率情况（40分） / 提前率（10分）" in headers
    assert "按期办结率情况（40分） / 按期办结率（30分）" in headers
    assert "解决率情况（35分） / 已解决件数" in headers
    # 得分 is printed six times (twice inside the group, four times on its own): each path names
    # what it scores, the column to its left, so that no two columns share a path
    assert "按期办结率情况（40分） / 提前率（10分） / 得分" in headers
    assert "按期办结率情况（40分） / 按期办结率（30分） / 得分" in headers
    assert "按期办结率情况（40分） / 得分" in headers  # the group's score: 提前率得分 + 按期办结率得分
    assert "解决率情况（35分） / 得分" in headers and "满意度情况（10分） / 得分" in headers
    assert len(set(headers)) == len(headers)
    assert {c.metric for c in annex2.columns if c.path[-1] == "得分"} == {"score_part"}
    early = next(c for c in annex2.columns if c.header == "按期办结率情况（40分） / 提前率（10分）")
    assert early.metric == "early_rate"
    # 高村镇 9 | 12 | 90 | 86.67% | 9.63 …  (seed 附件2, first row)
    gaocun = row_of(annex2, "高村镇")
    assert gaocun.cells[early.key].text == "86.67%"
    assert gaocun.cells[early.key].parsed.decimals == 2


@pytest.mark.parametrize("layout", TEXT_LAYER)
def test_every_format_gives_the_same_header_metrics(layout):
    """平江's 13 columns map to the same canonical metrics in every format."""
    (table,) = data_tables(layout.format("pingjiang-2024-05"))
    assert [c.metric for c in table.columns] == [
        "other",  # 部门名称: the unit column
        "received",
        "due",
        "completed",
        "completion_rate",
        "ontime_completed",
        "ontime_rate",
        "rework",
        "rework_rate",
        "dissatisfied",
        "dissatisfied_rate",
        "score",
        "grade",
    ]


# --------------------------------------------------------------------------- across pages


@pytest.mark.parametrize("layout", ["text/{}.txt", "pdf/{}.pdf", "pdf-borderless/{}.pdf"])
def test_repeated_header_is_dropped_not_emitted_as_data(layout):
    """平江's 综合评价表 runs over pages with its header printed again (text: four times,
    once as 应办数/按期办数); it is one table of 49 units."""
    (table,) = data_tables(layout.format("pingjiang-2024-05"))
    units = [r.unit_raw for r in table.rows]
    assert len(units) == 49
    assert not any("部门名称" in u for u in units)
    values = table_values([table], "pj")[0]
    assert not any(v["text"] in ("受理案件数", "应办数", "等级评价") for v in values)
    # seed: 汉昌街道 58 56 56 100% 50 89.29% 10 17.86% 9 14.75% 90.3 A
    hanchang = row_of(table, "汉昌街道")
    assert cell_by_header(table, hanchang, "受理案件数") == "58"
    assert cell_by_header(table, hanchang, "按期办结率") == "89.29%"
    assert cell_by_header(table, hanchang, "等级评价") == "A"


def test_pdf_table_over_two_pages_is_stitched():
    (table,) = data_tables("pdf/pingjiang-2024-05.pdf")
    assert table.fragments == 2 and table.pages == [2, 3]
    # the last unit of the seed's table, printed on the second page: 三墩乡 6 5 5 100% 4 80% 4 80% 0 0% 78 D
    sandun = row_of(table, "三墩乡")
    assert sandun.page == 3
    assert cell_by_header(table, sandun, "综合指标值") == "78"
    assert cell_by_header(table, sandun, "等级评价") == "D"


# --------------------------------------------------------------------------- rows


@pytest.mark.parametrize("layout", TEXT_LAYER)
def test_damaged_rows_are_flagged_not_shifted(layout):
    """万载 附件3 has six rows that do not fit its 25 columns: five lost their unit name,
    法院 prints 24 cells. Each gives a damaged_row finding and none of their values is
    assigned to a column. (The cell-per-line text cannot say where the short row after
    法院 ends, so there the two may come out as one damaged row.)"""
    tables = tables_of(layout.format("wanzai-2023-12"))
    annex3 = [t for t in tables if t.kind == "data"][5]
    damaged = [r for r in annex3.rows if r.damaged]
    flagged = [f for f in annex3.findings if f["check"] == "damaged_row"]
    assert len(damaged) == len(flagged) == (5 if layout.startswith("text") else 6)
    assert all(f["severity"] == "warning" for f in flagged)
    assert sum(1 for r in damaged if r.unit_raw == "") == (4 if layout.startswith("text") else 5)
    court = next(f for f in flagged if f["unit_raw"] == "法院")
    assert "80.01" in court["printed"]  # 法院's composite, printed last in its row
    if layout.startswith(("docx", "html", "pdf/")):
        assert "24 cells" in court["message"] and "25 columns" in court["message"]
    values, findings = table_values(tables, "wz")
    assert not [v for v in values if v["unit_raw"] == "法院"]
    assert not [v for v in values if v["table"] == annex3.number and v["text"].strip() in ("80.01", "79.60", "83.15", "81.09")]
    assert len([f for f in findings if f["check"] == "damaged_row"]) == len(flagged)
    # intact rows before and after them keep their own values (seed: 行政审批局 … 99.84 first,
    # 万投集团 86 | 575 | 1050 | 45.24% … 66.76 last)
    assert cell_by_header(annex3, row_of(annex3, "行政审批局"), "综合得分（100分）") == "99.84"
    last = row_of(annex3, "万投集团")
    assert cell_by_header(annex3, last, "综合得分（100分）") == "66.76"
    assert cell_by_header(annex3, last, "办件数量") == "86"


def test_blank_unit_cell_inherits_from_row_above():
    """万载 附件1 prints 承办单位 once for several orders (a vertical merge in the DOCX, a blank
    cell in the text): the rows below are 株潭镇's, marked as inherited."""
    for layout in ("docx/{}.docx", "text/{}.txt"):
        annex1 = data_tables(layout.format("wanzai-2023-12"))[3]
        units = [(r.unit_raw, r.inherited) for r in annex1.rows[:3]]
        assert units == [("株潭镇", False), ("株潭镇", True), ("潭埠镇", False)], layout


def test_wrapped_label_lines_are_joined_in_a_borderless_pdf():
    """Borderless PDF: a unit name wrapped over two lines comes out as separate text rows;
    they are joined back (平江: 平江县人民政府信访局 / 平江县润恒自来水有限公司)."""
    (table,) = data_tables("pdf-borderless/pingjiang-2024-05.pdf")
    units = [clean_text(r.unit_raw).replace(" ", "") for r in table.rows]
    assert len(units) == 49
    assert "平江县润恒自来水有限公司" in units
    assert any("wrapped line" in n for n in table.notes)


# --------------------------------------------------------------------------- structure


@pytest.mark.parametrize("layout", TEXT_LAYER)
def test_total_row_is_marked(layout):
    """万载 (二): 乡镇（街道）304 | 县直单位 1079 | 总计 1383 100.00% 7.88% -16.03%."""
    table = data_tables(layout.format("wanzai-2023-12"))[1]
    total = row_of(table, "总计")
    assert total.is_total
    assert not row_of(table, "县直单位").is_total
    values = [v for v in table_values([table], "wz")[0] if v["unit_raw"] == "总计"]
    assert {v["metric"]: v["value"] for v in values} == {"received": 1383, "share": 100, "yoy": 7.88, "mom": -16.03}
    assert {v["unit_kind"] for v in values} == {"total"}


@pytest.mark.parametrize("layout", TEXT_LAYER)
def test_sub_unit_carries_its_parent(layout):
    """白水 附件2: 人社局 24 … 100, then 下属单位 劳动监察大队 139 with 加分值 4.8."""
    table = data_tables(layout.format("baishui-2024q1"))[1]
    labour = row_of(table, "劳动监察大队")
    assert labour.parent_unit == "人社局"
    assert row_of(table, "人社局").parent_unit == ""
    assert cell_by_header(table, labour, "承办工单量") == "139"
    assert cell_by_header(table, labour, "加分值") == "4.8"
    traffic = row_of(table, "交警大队")
    assert traffic.parent_unit == "公安局"


@pytest.mark.parametrize("layout", TEXT_LAYER)
def test_side_by_side_twin_table_becomes_one_table(layout):
    """万载 (一): 诉求来源 | 数量 | 占比 beside 工单类型 | 数量 | 占比, under one 受理总量 1383."""
    table = data_tables(layout.format("wanzai-2023-12"))[0]
    assert table.twin
    by_unit = {(r.unit_raw.replace(" ", ""), r.section): r for r in table.rows}
    phone = by_unit[("电话", "诉求来源")]
    assert sorted(c.text for c in phone.cells.values()) == ["1206", "87.20%"]
    complaints = by_unit[("投诉类", "工单类型")]
    assert sorted(c.text for c in complaints.cells.values()) == ["1117", "80.77%"]
    values = table_values([table], "wz")[0]
    assert [v["value"] for v in values if v["unit_kind"] == "total"] == [1383]
    assert len([r for r in table.rows if not r.is_total]) == 10


def test_transposed_table_turns_categories_into_rows():
    doc = Document(
        "t.txt",
        "text",
        blocks=[
            Paragraph("诉求类型分布"),
            _raw(
                [
                    ["类型", "投诉", "咨询", "求助", "合计"],
                    ["件数", "60", "30", "10", "100"],
                    ["占比", "60.00%", "30.00%", "10.00%", "100.00%"],
                ]
            ),
        ],
    )
    (table,) = build_tables(doc)
    assert table.transposed
    assert [r.unit_raw for r in table.rows] == ["投诉", "咨询", "求助", "合计"]
    assert [r.is_total for r in table.rows] == [False, False, False, True]
    values = table_values([table], "t")[0]
    got = {(v["unit_raw"], v["metric"]): v["value"] for v in values}
    assert got[("咨询", "received")] == 30 and got[("咨询", "share")] == 30
    assert got[("合计", "received")] == 100


@pytest.mark.parametrize("layout", ["text/{}.txt", "html/{}.html", "docx/{}.docx"])
def test_document_info_grid_is_not_data(layout):
    """昌吉's web page opens with 索引号 | 主题分类 | 发文单位 | 发布日期: an info grid, no values."""
    tables = tables_of(layout.format("changji-2025-04"))
    assert tables and tables[0].kind == "info"
    assert table_values(tables, "cj")[0] == []


def test_unknown_header_is_kept_as_other():
    doc = Document("t.txt", "text", blocks=[_raw([["单位", "受理", "神秘指标"], ["甲局", "5", "7"], ["乙局", "3", "2"]])])
    values = table_values(build_tables(doc), "t")[0]
    assert [(v["unit_raw"], v["column_raw"], v["metric"], v["value"]) for v in values] == [
        ("甲局", "受理", "received", 5),
        ("甲局", "神秘指标", "other", 7),
        ("乙局", "受理", "received", 3),
        ("乙局", "神秘指标", "other", 2),
    ]


def test_values_carry_provenance_as_printed():
    """平江 PDF: 汉昌街道's 按期办结率 89.29% is printed on page 3, column 7 of the table."""
    tables = tables_of("pdf/pingjiang-2024-05.pdf")
    values = table_values(tables, "pj.pdf")[0]
    (value,) = [v for v in values if v["unit_raw"].replace(" ", "") == "汉昌街道" and v["metric"] == "ontime_rate"]
    assert value["text"].strip() == "89.29%" and value["value"] == 89.29
    assert value["col"] == 7 and value["table"] == 1
    assert value["page"] == 3
    assert value["column_raw"] == "按期办结率"


def test_pdf_values_carry_the_cell_box():
    """The box lies on the page, and a cell further right has a larger x0."""
    values = table_values(tables_of("pdf/pingjiang-2024-05.pdf"), "pj.pdf")[0]
    row = [v for v in values if v["unit_raw"].replace(" ", "") == "三墩乡"]
    boxes = [tuple(map(float, v["bbox"].split())) for v in sorted(row, key=lambda v: v["col"])]
    assert len(boxes) == 12
    assert all(0 <= x0 < x1 <= 842 and 0 <= top < bottom <= 842 for x0, top, x1, bottom in boxes)
    assert [b[0] for b in boxes] == sorted(b[0] for b in boxes)
    assert table_values(tables_of("docx/pingjiang-2024-05.docx"), "pj.docx")[0][0]["bbox"] == ""


@pytest.mark.parametrize("layout", TEXT_LAYER)
def test_title_printed_under_a_table_is_its_caption(layout):
    """万载 prints 附件3's title after its table (seed: the table follows "附件3", then
    "2023年12月县直各有关单位综合考核排名（按综合得分排名）" and a note)."""
    annex3 = data_tables(layout.format("wanzai-2023-12"))[5]
    assert annex3.caption.replace(" ", "") == "2023年12月县直各有关单位综合考核排名（按综合得分排名）"
    annex2 = data_tables(layout.format("wanzai-2023-12"))[4]  # its title is above it: unchanged
    assert annex2.caption.replace(" ", "") == "2023年12月乡镇（街道）综合考核排名（按综合得分排名）"
