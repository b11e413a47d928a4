"""Plain-text reader: every layout the seeds use, plus synthetic dumps for the layouts they don't.

Expected cells were checked by eye against the seed text (`cat -A` shows the tabs)."""

from __future__ import annotations

from pathlib import Path

import pytest

from extractor.model import Document, Paragraph, RawTable, ReadError
from extractor.readers.text import heading_level, parse_text, read_text

REPO = Path(__file__).resolve().parents[1]
FIXTURES = REPO / "fixtures" / "bulletins" / "text"
SEEDS = REPO.parent / "shared" / "seeds"  # where the seeds live before they are copied into fixtures/
DATA = Path(__file__).parent / "data" / "text"
SEED_PREFIX = {
    "wanzai-2023-12": "000",
    "pingjiang-2024-05": "001",
    "changji-2025-04": "002",
    "baishui-2024q1": "003",
    "wengyuan-2022-06": "004",
}


def seed_path(slug: str) -> Path:
    path = FIXTURES / f"{slug}.txt"
    if path.exists():
        return path
    matches = sorted(SEEDS.glob(f"{SEED_PREFIX[slug]}_*.txt"))
    if not matches:
        pytest.skip(f"seed {slug} found neither in {FIXTURES} nor in {SEEDS}")
    return matches[0]


def seed(slug: str) -> Document:
    return read_text(seed_path(slug))


def row_of(table: RawTable, first: str) -> list[str]:
    rows = [r for r in table.row_texts() if any(first == c for c in r[:2])]
    assert len(rows) == 1, f"{first!r} in {len(rows)} rows"
    return rows[0]


# ---------------------------------------------------------------------------- seeds


def test_every_seed_reads_as_text_without_pages() -> None:
    for slug in SEED_PREFIX:
        doc = seed(slug)
        assert doc.format == "text" and doc.pages is None and doc.status == "ok"
        assert doc.encoding == "utf-8"
        assert doc.tables and doc.paragraphs
        for table in doc.tables:
            assert table.engine == "text" and table.bordered is None and table.page is None


def test_cell_per_line_first_table() -> None:
    doc = seed("wanzai-2023-12")
    assert len(doc.tables) == 6
    first = doc.tables[0]
    assert first.row_texts()[0] == ["受理总量", "诉求来源", "数量", "占比", "工单类型", "数量", "占比"]
    assert first.row_texts()[1] == ["1383", "电话", "1206", "87.20%", "咨询类", "0", "0.00%"]
    assert first.cell_at(1, 0).text == "1383"
    # "\t" alone is an empty cell; "\t网站邮件" + "赣服通" is one wrapped cell.
    assert first.row_texts()[3] == ["", "网站邮件\n赣服通", "7", "0.51%", "建议类", "38", "2.75%"]
    assert first.caption is None  # introduced by a sentence ("…详情如下："), not a title
    assert doc.tables[1].row_texts()[3] == ["总计", "1383", "100.00%", "7.88%", "-16.03%"]


def test_cell_per_line_empty_cells_stay_in_their_column() -> None:
    attachment1 = seed("wanzai-2023-12").tables[3]
    assert attachment1.caption == "2023年12月重新派发工单情况统计表"
    assert attachment1.n_rows == 42 and attachment1.n_cols == 3
    rows = attachment1.row_texts()
    assert rows[0] == ["序号", "承办单位", "工单内容"]
    assert rows[1] == ["1", "株潭镇", "关于路面的问题"]
    assert rows[2] == ["2", "", "关于火药厂爆炸损坏村民房屋152间的问题"]
    # "\t13" + blank + "\t住建局" + "\t关于小区的问题": one row broken by a blank line, joined.
    assert rows[13] == ["13", "住建局", "关于小区的问题"]
    assert rows[14] == ["14", "", "关于修复外墙砖的问题"]
    assert rows[41] == ["41", "", "关于产品标签标注虚假信息的问题"]


def test_two_row_header_with_wrapped_cells() -> None:
    attachment2 = seed("wanzai-2023-12").tables[4]
    assert attachment2.caption == "2023年12月乡镇（街道）综合考核排名（按综合得分排名）"
    rows = attachment2.row_texts()
    assert [len(r) for r in rows[:3]] == [16, 25, 25]  # counted by hand in the seed
    assert rows[0][0] == "成员单位" and rows[0][-1] == "综合得分（100分）"
    # "\t得分      " + "" + "（5分）": the blank line sits inside the wrapped header cell.
    assert rows[0][9] == "得分\n（5分）"
    assert rows[0][10] == "重复派发情况\n（5分）"
    assert rows[0][14] == "加扣 得分"
    assert rows[1][:5] == ["", "", "实际提前办结时间", "规定办结时间", "提前率\n（10分）"]
    assert rows[2][:5] == ["高村镇", "9", "12", "90", "86.67%"]
    assert rows[2][-1] == "99.63"  # "\t99.63 ": surrounding spaces stripped
    assert len(rows) == 19 and rows[-1][0] == "仙源乡"


def test_damaged_rows_without_separators_are_cut_or_kept_with_a_note() -> None:
    doc = seed("wanzai-2023-12")
    attachment3 = doc.tables[5]
    assert attachment3.caption == "附件3"
    rows = attachment3.row_texts()
    # 税务局 is followed with no blank line by two rows whose labels were lost (" \t5", " \t4").
    tax = rows.index(row_of(attachment3, "税务局"))
    assert rows[tax][-1] == "85.71" and len(rows[tax]) == 25
    assert rows[tax + 1][:6] == ["", "5", "20", "45", "55.56%", "6.83"]
    assert rows[tax + 1][6] == ""  # " \t30.00": the lost 按期办结率 stays empty in its column
    assert rows[tax + 1][7:9] == ["30.00", "36.83"] and rows[tax + 1][-1] == "83.15"
    assert rows[tax + 2][:3] == ["", "4", "7"] and rows[tax + 2][-1] == "81.09" and len(rows[tax + 2]) == 25
    # 法院 and the next row lost cells: no column can be trusted, so they stay one row (noted).
    court = row_of(attachment3, "法院")
    assert len(court) == 44 and court[-1] == "79.60"
    assert rows[rows.index(court) + 1][:3] == ["", "18", "121"] and rows[rows.index(court) + 1][-1] == "77.63"
    assert rows[rows.index(court) + 2][-1] == "77.55"
    assert row_of(attachment3, "工业园")[:3] == ["工业园", "21", "60"]
    assert any("44 cells" in note and "kept as one row" in note for note in doc.notes)
    assert any("75 cells" in note and "cut into rows of 25" in note for note in doc.notes)
    assert any("joined" in note for note in doc.notes)


def test_tab_separated_rows_with_blank_lines_between_blocks() -> None:
    doc = seed("pingjiang-2024-05")
    assert len(doc.tables) == 1
    table = doc.tables[0]
    assert table.caption == "2024年5月份12345政务服务热线综合评价表"
    assert table.n_rows == 53 and table.n_cols == 13  # 4 blocks with repeated headers, blanks between
    assert row_of(table, "平江县市场监督管理局") == [
        "平江县市场监督管理局", "236", "238", "238", "100%", "233", "97.9%", "16", "6.72%", "10", "4.18%", "97.2", "A",
    ]  # fmt: skip
    assert table.row_texts()[-1] == ["三墩乡", "6", "5", "5", "100%", "4", "80%", "4", "80%", "0", "0%", "78", "D"]


def test_tab_separated_rows_keep_empty_and_leading_cells() -> None:
    doc = seed("baishui-2024q1")
    assert [t.n_rows for t in doc.tables] == [10, 53]
    towns, departments = doc.tables
    assert towns.caption == "2024 年第一季度各镇办工单办理情况"  # "(包含联合派单)" under it is passed over
    assert row_of(towns, "尧禾镇") == ["尧禾镇", "64", "", "", "", "3.4", "1", "100"]
    assert row_of(towns, "总计") == ["总计", "389", "4", "4", "", "", "", ""]  # trailing empty cells kept
    labour = row_of(departments, "劳动监察大队")
    assert labour[0] == "" and labour[2] == "139"
    assert labour == ["", "劳动监察大队", "139", "", "", "", "4.8", "", ""]
    assert row_of(departments, "总计") == ["总计", "", "1170", "3", "8", "6", "", "", ""]


def test_tab_separated_percent_kept_as_printed() -> None:
    table = seed("wengyuan-2022-06").tables[0]
    assert table.n_rows == 46 and table.n_cols == 15
    assert table.row_texts()[0] == ["", "", "单总数 黄牌", "红牌", "", "", "工单", "分类", "", "", "", "满", "", "", ""]
    assert row_of(table, "公安局") == ["公安局", "124", "", "", "3", "109", "4", "8", "", "", "12", "87", "13", "12", "89. 52%"]
    assert row_of(table, "总计:")[-1] == "86. 89%"


def test_pipe_separated_rows() -> None:
    doc = seed("changji-2025-04")
    assert len(doc.tables) == 1
    rows = doc.tables[0].row_texts()
    assert rows[0] == ["索 引 号", "CJS044/2025-000234", "主题分类", ""]
    assert rows[1][0] == "名 称" and rows[1][2:] == ["", ""]  # " | ||" ends with two empty cells
    assert rows[4] == ["发文单位", "行政审批局(数字化发展局)", "发布机构", "昌吉市政府网"]
    assert len(rows) == 5
    assert doc.tables[0].caption is None  # the line above is the page's first line, its title


def test_seed_paragraphs_and_heading_levels() -> None:
    doc = seed("wanzai-2023-12")
    paragraphs = {p.text: p.level for p in doc.paragraphs}
    assert paragraphs["一、群众诉求分析"] == 1  # printed with a leading space; stripped
    assert paragraphs["（一）本月诉求总体分析"] == 2
    assert paragraphs["1．2023年12月重新派发工单情况统计表"] == 3
    assert paragraphs["附件1"] is None
    assert "\t" not in doc.text() and "（5分）" not in paragraphs  # cell fragments are not prose
    changji = {p.text: p.level for p in seed("changji-2025-04").paragraphs}
    assert changji["(一)诉求分类情况"] == 2
    assert changji["15.高效办成一件事(3件,占比0.07%)。"] is None  # a sentence, not a heading
    # A numbered paragraph that runs on after its title is text, not a heading.
    runon = [p for p in seed("baishui-2024q1").paragraphs if p.text.startswith("（一）审核把关不严。部分承办单位")]
    assert len(runon) == 1 and runon[0].level is None


def test_gb18030_reads_like_its_utf8_twin(tmp_path: Path) -> None:
    source = seed_path("wanzai-2023-12")
    twin = tmp_path / "gb.txt"
    twin.write_bytes(source.read_text(encoding="utf-8").encode("gb18030"))
    utf8, gb = read_text(source), read_text(twin)
    assert gb.encoding == "gb18030"
    assert gb.blocks == utf8.blocks and gb.notes == utf8.notes


# ---------------------------------------------------------------------------- synthetic layouts


def test_cells_separated_by_blank_lines() -> None:
    doc = read_text(DATA / "blank_separated.txt")
    assert len(doc.tables) == 1
    table = doc.tables[0]
    assert table.row_texts() == [["单位", "工单数", "办结率"], ["住建局", "120", "98.5%"], ["城管局", "85", "100%"], ["公安局", "60", "—"]]
    assert table.caption == "2024年3月各单位工单办理情况"
    assert [p.text for p in doc.paragraphs] == ["附件2", "2024年3月各单位工单办理情况", "注：数据截至3月31日。"]
    assert isinstance(doc.blocks[2], RawTable)  # between the title and the note


def test_cell_per_line_with_trailing_pipe() -> None:
    doc = read_text(DATA / "pipe_cells.txt")
    (table,) = doc.tables
    assert table.caption == "表1 诉求来源统计"
    assert table.row_texts() == [
        ["序号", "诉求来源", "数量"],
        ["1", "电话", "1206"],
        ["2", "", "125"],  # " |" is an empty cell
        ["3", "网站邮件\n赣服通", "7"],  # the pipe closes a cell wrapped over two lines
    ]
    assert doc.paragraphs[0].level == 1 and doc.paragraphs[-1].text == "以上为本月诉求来源。"


def test_tab_cells_with_trailing_pipe() -> None:
    (table,) = read_text(DATA / "tab_pipe_cells.txt").tables
    assert table.row_texts() == [["单位", "数量"], ["住建局", "12"], ["", "7"]]


def test_pipe_rows_with_and_without_outer_pipes() -> None:
    doc = read_text(DATA / "pipe_rows.txt")
    (table,) = doc.tables  # the blank line between the two blocks does not end the table
    assert table.row_texts() == [
        ["单位", "受理量", "办结率"],
        ["住建局", "120", "98.5%"],
        ["城管局", "", "100%"],
        ["单位", "受理量", "办结率"],
        ["公安局", "60", "96.67%"],
        ["教育局", "15"],  # ragged: no padding cell
    ]
    assert doc.paragraphs == []  # the markdown "|---|" rule is not text


def test_tab_indented_prose_is_not_a_table() -> None:
    doc = read_text(DATA / "tab_indented_prose.txt")
    assert doc.tables == []
    assert [p.text for p in doc.paragraphs] == [
        "今年以来，我县热线工作有序推进，处置效率不断提高。",
        "一季度共受理事项1615件，办结1612件。",
        "附件",
    ]


def test_short_lines_without_numbers_are_prose() -> None:
    doc = read_text(DATA / "masthead.txt")
    assert doc.tables == []
    assert [p.text for p in doc.paragraphs][:4] == ["平江政务督查", "第 9 期", "督查室", "2024 年 7 月 10 日"]


def test_prose_line_ends_a_tab_table_but_a_blank_line_does_not() -> None:
    blocks, _ = parse_text("单位\t数量\n甲\t1\n\n乙\t2\n说明文字\n单位\t数量\n丙\t3\n")
    kinds = [type(b).__name__ for b in blocks]
    assert kinds == ["RawTable", "Paragraph", "RawTable"]
    assert blocks[0].row_texts() == [["单位", "数量"], ["甲", "1"], ["乙", "2"]]
    assert blocks[1] == Paragraph("说明文字")


def test_run_without_row_breaks_is_cut_only_on_whole_rows() -> None:
    # Two 3-cell rows lost their blank separator; the second starts with a label, so the cut is clear.
    blocks, notes = parse_text("\t单位\n\t数量\n\t率\n\n\t甲\n\t1\n\t10%\n\t乙\n\t2\n\t20%\n\n\t丙\n\t3\n\t30%\n")
    assert blocks[0].row_texts() == [["单位", "数量", "率"], ["甲", "1", "10%"], ["乙", "2", "20%"], ["丙", "3", "30%"]]
    assert notes == ["table 1: rows 1-2: 6 cells without row breaks were cut into rows of 3"]
    # Five cells where rows have three: a value was lost, so nothing is cut or shifted.
    blocks, notes = parse_text("\t单位\n\t数量\n\t率\n\n\t甲\n\t1\n\t乙\n\t2\n\t20%\n\n\t丙\n\t3\n\t30%\n")
    assert blocks[0].row_texts()[1] == ["甲", "1", "乙", "2", "20%"]
    assert notes == ["table 1: row 1: 5 cells without row breaks (rows have 3); cells were lost, kept as one row"]
    # A whole row in front of a damaged one is cut off; the damaged rest stays together.
    blocks, notes = parse_text("\t单位\n\t数量\n\t率\n\n\t甲\n\t1\n\t10%\n\t乙\n\t2\n\t丙\n\t3\n\n\t丁\n\t4\n\t40%\n")
    assert blocks[0].row_texts()[1:3] == [["甲", "1", "10%"], ["乙", "2", "丙", "3"]]
    assert len(notes) == 2


def test_heading_levels() -> None:
    assert heading_level("一、基本情况") == 1
    assert heading_level("十二、其他") == 1
    assert heading_level("（三）受理情况分析") == 2
    assert heading_level("(一)强降雨引发水灾问题") == 2
    assert heading_level("(一)强化工单办理时效管理。建议各承办单位将按期签收率、办结率纳入重点考核指标") is None
    assert heading_level("1．2023年12月重新派发工单情况统计表") == 3
    assert heading_level("2. 工作要求") == 3
    assert heading_level("1、工单办理不注重时效：除因被市热线办退回导致超期的工单外") is None
    assert heading_level("2.5分") is None
    assert heading_level("2024年5月") is None


# ---------------------------------------------------------------------------- bad input


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"", "empty file"),
        (b" \n\t\n\r\n\xe3\x80\x80\n", "no text"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(64), "binary content"),
        (bytes(range(1, 256)) * 4, "neither UTF-8 nor GB18030"),
        (b"abc\x01\x02\x03\x04\x05def" * 20, "binary content"),
    ],
)
def test_bad_input_is_a_read_error(tmp_path: Path, data: bytes, reason: str) -> None:
    path = tmp_path / "bad.txt"
    path.write_bytes(data)
    with pytest.raises(ReadError, match=reason):
        read_text(path)


def test_missing_file_is_a_read_error(tmp_path: Path) -> None:
    with pytest.raises(ReadError, match="cannot open"):
        read_text(tmp_path / "nope.txt")
