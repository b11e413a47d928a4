"""Tables copied out of web pages as text, with their row breaks lost (readers.textdump).

Every input is written for the test, imitating a layout seen in real archives; the numbers are
invented and the expected grids are read off the input by eye."""

from __future__ import annotations

from extractor.model import RawTable
from extractor.readers.text import parse_text


def _tables(text: str) -> tuple[list[RawTable], list[str], list]:
    blocks, notes = parse_text(text)
    return [b for b in blocks if isinstance(b, RawTable)], notes, blocks


def _cells(*texts: str) -> str:
    return "".join(f"{t} |\n" for t in texts)


def test_cells_closed_by_bars_with_no_row_breaks():
    text = (
        "本月办理情况如下:\n前三名的单位\n"
        + _cells(
            "单位",
            "办件数",
            "办结率",
            "满意率",
            "水务局",
            "41",
            "97.50%",
            "100%",
            "交通局",
            "38",
            "94.00%",
            "98.10%",
            "民政局",
            "12",
            "100%",
            "100%",
        )
        + "以上数据截至月底。\n"
    )
    (table,), notes, blocks = _tables(text)
    assert table.grid() == [
        ["单位", "办件数", "办结率", "满意率"],
        ["水务局", "41", "97.50%", "100%"],
        ["交通局", "38", "94.00%", "98.10%"],
        ["民政局", "12", "100%", "100%"],
    ]
    assert table.caption == "前三名的单位"
    assert notes == []
    assert blocks[-1].text == "以上数据截至月底。"


def test_two_tables_in_one_run_and_a_serial_column():
    # The second header follows the last row of the first table directly.
    text = _cells(
        "序号", "单位", "件数", "1", "甲镇", "30", "2", "乙镇", "25", "部门", "件数", "占比", "公安局", "9", "60%", "税务局", "6", "40%"
    )
    first, second = _tables(text)[0]
    assert first.grid() == [["序号", "单位", "件数"], ["1", "甲镇", "30"], ["2", "乙镇", "25"]]
    assert second.grid() == [["部门", "件数", "占比"], ["公安局", "9", "60%"], ["税务局", "6", "40%"]]


def test_twin_table_with_a_caption_row_and_an_empty_right_half():
    text = (
        "1.各镇(共3家):\n"
        "| 各镇工单数量及排名表 | |||||||\n"
        + _cells("单位", "工单数", "得分", "排名", "单位", "工单数", "得分", "排名")
        + _cells("东镇", "120", "98.5", "1", "西镇", "80", "91.2", "3")
        + _cells("南镇", "95", "95.0", "2")
        + "||||\n"
        "2.各部门:\n"
    )
    (table,), notes, _ = _tables(text)
    assert table.caption == "各镇工单数量及排名表"
    assert table.grid() == [
        ["单位", "工单数", "得分", "排名", "单位", "工单数", "得分", "排名"],
        ["东镇", "120", "98.5", "1", "西镇", "80", "91.2", "3"],
        ["南镇", "95", "95.0", "2", "", "", "", ""],
    ]
    assert notes == []


def test_a_total_merged_over_the_rows_is_not_printed_again():
    # 总量 is merged over all rows: row 2 prints nothing for it, rows 3-4 an empty cell ("|");
    # the last row is printed short (the right half of the table has fewer rows).
    text = (
        "详情如下:\n"
        + _cells("总量", "来源", "数量", "类型", "数量", "500", "电话", "400", "咨询", "300")
        + _cells("网站", "60", "投诉", "150")
        + "|\n"
        + _cells("微信", "30", "建议", "50")
        + "|\n"
        + _cells("信件", "10")
        + "(二)下一节\n"
    )
    (table,), notes, _ = _tables(text)
    assert table.grid() == [
        ["总量", "来源", "数量", "类型", "数量"],
        ["500", "电话", "400", "咨询", "300"],
        ["", "网站", "60", "投诉", "150"],
        ["", "微信", "30", "建议", "50"],
        ["", "信件", "10", None, None],
    ]
    assert notes == ["table 1: data row 2: its first cell was not printed (merged from above), left empty"]


def test_a_row_cut_off_at_the_end_of_the_excerpt_is_dropped_with_a_note():
    text = "附表\n" + _cells("单位", "件数", "办结率", "住建局", "50", "100%", "城管局", "44", "97%", "教育局", "30")
    (table,), notes, _ = _tables(text)
    assert table.grid() == [["单位", "件数", "办结率"], ["住建局", "50", "100%"], ["城管局", "44", "97%"]]
    assert notes == ["table 1: data row 3: cut off at the end of the text (2 of 3 cells: 教育局 | 30), dropped"]


def test_the_same_short_row_before_more_text_is_kept():
    text = _cells("单位", "件数", "办结率", "住建局", "50", "100%", "城管局", "44", "97%", "教育局", "30") + "二、存在问题\n"
    (table,), notes, _ = _tables(text)
    assert table.grid()[-1] == ["教育局", "30", None]
    assert notes == []


def test_a_line_of_several_cells_inside_the_run():
    text = "单位 | 件数 |\n" + _cells("得分", "甲局", "12", "99.5", "乙局", "7", "98")
    (table,), _, _ = _tables(text)
    assert table.grid() == [["单位", "件数", "得分"], ["甲局", "12", "99.5"], ["乙局", "7", "98"]]


def test_traditional_script_with_pinyin_debris_is_kept_as_printed():
    text = _cells("序號(hào)", "受理單位", "辦結(jié)率", "1", "東區(qū)", "98.06%", "2", "西區(qū)", "97.10%")
    (table,), _, _ = _tables(text)
    assert table.grid() == [["序號(hào)", "受理單位", "辦結(jié)率"], ["1", "東區(qū)", "98.06%"], ["2", "西區(qū)", "97.10%"]]
    assert table.cells[0].norm.text == "序号"


def test_closed_cells_without_numbers_are_text():
    text = _cells("一是加强培训", "二是督促整改", "三是通报批评", "四是跟踪回访")
    tables, _, blocks = _tables(text)
    assert tables == []
    assert [b.text for b in blocks] == ["一是加强培训 |", "二是督促整改 |", "三是通报批评 |", "四是跟踪回访 |"]


def _paras(*texts: str) -> str:
    return "\n\n".join(texts) + "\n"


def test_blank_separated_cells_two_tables_and_a_wrapped_header_cell():
    text = "二、数据分析\n\n" + _paras(
        "前五的乡镇",
        "单位",
        "件数",
        "办结率",
        "(≥80%达标)",
        "甲乡",
        "23",
        "60.87%",
        "乙乡",
        "14",
        "100.00%",
        "单位",
        "件数",
        "办结率(≥80%达标)",
        "丙局",
        "139",
        "93.42%",
        "丁局",
        "7",
        "88.00%",
        "二、存在问题",
    )
    (first, second), notes, _ = _tables(text)
    assert first.caption == "前五的乡镇"
    assert first.grid() == [["单位", "件数", "办结率(≥80%达标)"], ["甲乡", "23", "60.87%"], ["乙乡", "14", "100.00%"]]
    assert second.grid() == [["单位", "件数", "办结率(≥80%达标)"], ["丙局", "139", "93.42%"], ["丁局", "7", "88.00%"]]
    assert notes == []


def test_blank_separated_run_cut_off_after_one_row():
    text = "说明文字。\n\n" + _paras("单位", "件数", "满意率", "丙局", "139", "93.42%", "丁局", "7")
    (table,), notes, _ = _tables(text)
    assert table.grid() == [["单位", "件数", "满意率"], ["丙局", "139", "93.42%"]]
    assert notes == ["table 1: data row 2: cut off at the end of the text (2 of 3 cells: 丁局 | 7), dropped"]


def test_a_transposed_table_with_a_short_total_row():
    text = _paras("类型", "投诉", "咨询", "建议", "数量(件)", "40", "25", "5", "合计(件)", "70", "二、存在问题")
    (table,), _, _ = _tables(text)
    assert table.grid() == [["类型", "投诉", "咨询", "建议"], ["数量(件)", "40", "25", "5"], ["合计(件)", "70", None, None]]


def test_header_rows_that_lost_their_spans_are_not_guessed_into_columns():
    # Three header rows, each padded with a "||" run to the width of the data (5): 合计 stood
    # over 已办/未办, but between which top-row columns cannot be told from the text.
    text = (
        "附表\n"
        + _cells("单位", "件数", "退回")
        + "||\n"
        + _cells("合计")
        + "||||\n"
        + _cells("已办", "未办")
        + "|||\n"
        + _cells("甲局", "5", "4", "1", "0", "乙局", "3", "3", "0", "1")
    )
    tables, notes, _ = _tables(text)
    assert tables == []
    assert len(notes) == 1
    assert notes[0].startswith("line 2: a table of 5 columns whose 3 header rows (3, 1, 2 labels) were printed without the spans")


def test_a_row_of_one_cell_inside_a_pipe_grid_stays_a_row():
    text = "| 单位 | 件数 | 办结率 |\n| 一、乡镇 | | |\n| 甲镇 | 12 | 100% |\n| 乙镇 | 8 | 95% |\n"
    (table,), _, _ = _tables(text)
    assert table.grid() == [["单位", "件数", "办结率"], ["一、乡镇", "", ""], ["甲镇", "12", "100%"], ["乙镇", "8", "95%"]]


def test_months_as_rows_and_streets_as_columns():
    text = "各街道分月工单量\n" + _cells(
        "月份", "东街道", "西街道", "南街道", "1月", "120", "98", "45", "2月", "101", "87", "52", "3月", "133", "90", "61"
    )
    (table,), notes, _ = _tables(text)
    assert table.grid() == [
        ["月份", "东街道", "西街道", "南街道"],
        ["1月", "120", "98", "45"],
        ["2月", "101", "87", "52"],
        ["3月", "133", "90", "61"],
    ]
    assert notes == []


def test_a_page_menu_of_closed_cells_is_not_a_table():
    text = _cells("首页", "政务公开", "2023", "互动交流") + "关于2023年3月热线办理情况的通报\n"
    tables, _, _ = _tables(text)
    assert tables == []
