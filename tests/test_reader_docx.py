"""DOCX reader: synthetic documents built here with python-docx, then the fixture corpus
checked against the seed bulletins (/work/shared/seeds, copied in fixtures/bulletins/text)."""

from __future__ import annotations

import zipfile
from pathlib import Path

import docx
import pytest
from docx.oxml import OxmlElement
from docx.oxml.ns import qn

from extractor.model import MB, RawTable, ReadError, ReadLimits
from extractor.readers import read
from extractor.readers.docx import read_docx

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "bulletins" / "docx"


def _save(document: docx.document.Document, tmp_path: Path, name: str = "t.docx") -> Path:
    path = tmp_path / name
    document.save(str(path))
    return path


def _set_val(parent, tag: str, value: str) -> None:
    element = OxmlElement(tag)
    element.set(qn("w:val"), value)
    parent.append(element)


def _rewrite_member(src: Path, dst: Path, member: str, content: bytes) -> None:
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            zout.writestr(info.filename, content if info.filename == member else zin.read(info.filename))


# --- paragraphs ------------------------------------------------------------------------------


def test_paragraphs_and_tables_in_body_order_with_heading_levels(tmp_path: Path) -> None:
    d = docx.Document()
    d.add_heading("一、基本情况", level=1)
    d.add_paragraph("")  # empty paragraphs are skipped
    d.add_paragraph("本月共受理工单1263件。")
    t = d.add_table(rows=1, cols=2)
    t.cell(0, 0).text = "单位"
    t.cell(0, 1).text = "件数"
    d.add_heading("（一）存在问题", level=2)
    # A local style named like WPS does, and a plain paragraph that sets its own outline level.
    zh = d.styles.add_style("ZhHeading3", docx.enum.style.WD_STYLE_TYPE.PARAGRAPH)
    zh.element.find(qn("w:name")).set(qn("w:val"), "标题 3")
    d.add_paragraph("1．工单办理不注重时效", style=zh)
    p = d.add_paragraph("附件：综合评价表")
    _set_val(p._p.get_or_add_pPr(), "w:outlineLvl", "0")
    body = d.add_paragraph("正文，大纲级别为正文")
    _set_val(body._p.get_or_add_pPr(), "w:outlineLvl", "9")

    doc = read_docx(_save(d, tmp_path))

    assert doc.format == "docx"
    assert doc.pages is None
    kinds = [(b.kind, getattr(b, "text", None), getattr(b, "level", None)) for b in doc.blocks]
    assert kinds == [
        ("paragraph", "一、基本情况", 1),
        ("paragraph", "本月共受理工单1263件。", None),
        ("table", None, None),
        ("paragraph", "（一）存在问题", 2),
        ("paragraph", "1．工单办理不注重时效", 3),
        ("paragraph", "附件：综合评价表", 1),
        ("paragraph", "正文，大纲级别为正文", None),
    ]
    assert all(p.page is None for p in doc.paragraphs)


def test_heading_level_inherited_through_based_on_style(tmp_path: Path) -> None:
    d = docx.Document()
    custom = d.styles.add_style("MyHeading", docx.enum.style.WD_STYLE_TYPE.PARAGRAPH)
    custom.base_style = d.styles["Heading 2"]
    d.add_paragraph("（二）工作建议", style="MyHeading")
    doc = read_docx(_save(d, tmp_path))
    assert [(p.text, p.level) for p in doc.paragraphs] == [("（二）工作建议", 2)]


def test_paragraphs_inside_content_controls_are_read(tmp_path: Path) -> None:
    d = docx.Document()
    d.add_paragraph("前")
    p = d.add_paragraph("控件内")
    sdt, content = OxmlElement("w:sdt"), OxmlElement("w:sdtContent")
    p._p.addprevious(sdt)
    sdt.append(content)
    content.append(p._p)
    d.add_paragraph("后")
    doc = read_docx(_save(d, tmp_path))
    assert [p.text for p in doc.paragraphs] == ["前", "控件内", "后"]


# --- tables ----------------------------------------------------------------------------------


def _merged_table_doc() -> docx.document.Document:
    """A 5x4 table: a two-row header with a horizontal group header, a unit name merged down
    three rows, and a last row ragged on the right (one w:tc missing, w:gridAfter=1)."""
    d = docx.Document()
    t = d.add_table(rows=5, cols=4, style="Table Grid")
    head = t.cell(0, 0).merge(t.cell(1, 0))
    head.text = "承办单位"
    group = t.cell(0, 1).merge(t.cell(0, 2))
    group.text = "按期办结率情况（40分）"
    t.cell(0, 3).merge(t.cell(1, 3)).text = "综合得分"
    t.cell(1, 1).text = "按期办结数"
    t.cell(1, 2).text = "得分"
    unit = t.cell(2, 0).merge(t.cell(4, 0))
    unit.text = "住建局"
    for r, (a, b, c) in enumerate([("82", "30.00", "75.24"), ("19", "12.55", "")], start=2):
        t.cell(r, 1).text, t.cell(r, 2).text, t.cell(r, 3).text = a, b, c
    # Row 4: 住建局 continues, then "3", then the row stops one column short.
    t.cell(4, 1).text = "3"
    tr = t.rows[4]._tr
    tr.remove(tr.tc_lst[-1])
    tr.remove(tr.tc_lst[-1])
    trpr = tr.get_or_add_trPr()
    _set_val(trpr, "w:gridAfter", "2")
    return d


def test_merged_cells_are_stored_once_with_their_spans(tmp_path: Path) -> None:
    doc = read_docx(_save(_merged_table_doc(), tmp_path))
    (table,) = doc.tables
    assert table.engine == "python-docx"
    assert table.bordered is True
    cells = {(c.row, c.col): (c.text, c.row_span, c.col_span) for c in table.cells}
    assert cells[(0, 0)] == ("承办单位", 2, 1)
    assert cells[(0, 1)] == ("按期办结率情况（40分）", 1, 2)
    assert cells[(0, 3)] == ("综合得分", 2, 1)
    assert cells[(2, 0)] == ("住建局", 3, 1)
    # No copies of merged cells anywhere they cover.
    assert (1, 0) not in cells and (3, 0) not in cells and (4, 0) not in cells and (0, 2) not in cells
    # The ragged row holds exactly the cells that are printed: no invented ones.
    assert sorted(c for (r, c) in cells if r == 4) == [1]
    assert table.grid() == [
        ["承办单位", "按期办结率情况（40分）", None, "综合得分"],
        [None, "按期办结数", "得分", None],
        ["住建局", "82", "30.00", "75.24"],
        [None, "19", "12.55", ""],
        [None, "3", None, None],
    ]
    # The merged unit name is recoverable for every row it covers.
    assert [table.cell_at(r, 0).text for r in (2, 3, 4)] == ["住建局"] * 3


def test_grid_before_shifts_a_ragged_row_right(tmp_path: Path) -> None:
    d = docx.Document()
    t = d.add_table(rows=2, cols=3)
    for c, text in enumerate(["部门", "下属单位", "件数"]):
        t.cell(0, c).text = text
    t.cell(1, 1).text = "劳动监察大队"
    t.cell(1, 2).text = "139"
    tr = t.rows[1]._tr
    tr.remove(tr.tc_lst[0])  # the row starts one grid column in
    _set_val(tr.get_or_add_trPr(), "w:gridBefore", "1")
    doc = read_docx(_save(d, tmp_path))
    (table,) = doc.tables
    assert table.grid() == [["部门", "下属单位", "件数"], [None, "劳动监察大队", "139"]]
    assert table.bordered is False  # default "Normal Table" style draws no lines


def test_cell_text_joins_paragraphs_and_leaves_out_nested_tables(tmp_path: Path) -> None:
    d = docx.Document()
    t = d.add_table(rows=1, cols=2)
    cell = t.cell(0, 0)
    cell.text = "网站邮件"
    cell.add_paragraph("")
    cell.add_paragraph("赣服通")
    inner = cell.add_table(rows=1, cols=1)
    inner.cell(0, 0).text = "内嵌表格"
    t.cell(0, 1).text = "7"
    doc = read_docx(_save(d, tmp_path))
    assert len(doc.tables) == 1
    assert doc.tables[0].grid() == [["网站邮件\n赣服通", "7"]]


def test_explicit_nil_borders_override_a_bordered_style(tmp_path: Path) -> None:
    d = docx.Document()
    d.add_table(rows=1, cols=1, style="Table Grid").cell(0, 0).text = "无框"
    t2 = d.add_table(rows=1, cols=1, style="Table Grid")
    t2.cell(0, 0).text = "有框"
    tblpr = d.tables[0]._tbl.tblPr
    borders = OxmlElement("w:tblBorders")
    for side in ("top", "left", "bottom", "right", "insideH", "insideV"):
        _set_val(borders, f"w:{side}", "nil")
    tblpr.append(borders)
    doc = read_docx(_save(d, tmp_path))
    assert [t.bordered for t in doc.tables] == [False, True]


def test_header_rows_marked_tblheader_are_kept(tmp_path: Path) -> None:
    d = docx.Document()
    t = d.add_table(rows=2, cols=1)
    t.cell(0, 0).text = "部门名称"
    t.cell(1, 0).text = "向家镇"
    _set_val(t.rows[0]._tr.get_or_add_trPr(), "w:tblHeader", "1")
    doc = read_docx(_save(d, tmp_path))
    assert doc.tables[0].grid() == [["部门名称"], ["向家镇"]]


# --- bad input -------------------------------------------------------------------------------


def test_not_a_zip(tmp_path: Path) -> None:
    path = tmp_path / "fake.docx"
    path.write_bytes(b"this is plain text, not a zip")
    with pytest.raises(ReadError, match="not a DOCX"):
        read_docx(path)


def test_zip_without_word_document(tmp_path: Path) -> None:
    path = tmp_path / "other.docx"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("xl/workbook.xml", "<workbook/>")
    with pytest.raises(ReadError, match=r"not a DOCX: no word/document\.xml"):
        read_docx(path)


def test_truncated_zip(tmp_path: Path) -> None:
    good = _save(_merged_table_doc(), tmp_path)
    cut = tmp_path / "cut.docx"
    cut.write_bytes(good.read_bytes()[: good.stat().st_size // 2])
    with pytest.raises(ReadError, match="corrupt or truncated ZIP"):
        read_docx(cut)
    with pytest.raises(ReadError):  # through the dispatcher too
        read(cut)


def test_corrupt_member_data(tmp_path: Path) -> None:
    good = _save(_merged_table_doc(), tmp_path)
    data = bytearray(good.read_bytes())
    with zipfile.ZipFile(good) as zf:
        info = zf.getinfo("word/document.xml")
    # Local header is 30 bytes + name + extra; overwrite the middle of the deflated data.
    start = info.header_offset + 30 + len(info.filename.encode()) + len(info.extra)
    middle = start + info.compress_size // 2
    data[middle : middle + 16] = b"\xff" * 16
    bad = tmp_path / "bad.docx"
    bad.write_bytes(bytes(data))
    with pytest.raises(ReadError, match="corrupt DOCX"):
        read_docx(bad)


def test_member_size_limit_checked_before_parsing(tmp_path: Path) -> None:
    good = _save(_merged_table_doc(), tmp_path)
    with zipfile.ZipFile(good) as zf:
        size = zf.getinfo("word/document.xml").file_size
    bad = tmp_path / "big.docx"
    _rewrite_member(good, bad, "word/document.xml", b"<not xml" + b" " * size)  # unparseable: the limit must fire first
    limits = ReadLimits(max_xml_part_mb=size / MB)
    with pytest.raises(ReadError, match=rf"word/document\.xml inflates to .* over the limit of {size:,} bytes \(--max-xml-part-mb\)"):
        read_docx(bad, limits)


def test_default_limits_fit_real_documents_and_stop_bombs() -> None:
    assert ReadLimits().max_xml_part_mb == 32 and ReadLimits().max_zip_member_mb == 200


def test_external_entities_are_not_resolved(tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET-LOCAL-CONTENT")
    good = _save(_merged_table_doc(), tmp_path)
    with zipfile.ZipFile(good) as zf:
        xml = zf.read("word/document.xml").decode()
    head, rest = xml.split("?>", 1)
    xml = head + f'?><!DOCTYPE w:document [<!ENTITY xxe SYSTEM "file://{secret}">]>' + rest
    xml = xml.replace("<w:t>住建局</w:t>", "<w:t>&xxe;</w:t>", 1)
    bad = tmp_path / "xxe.docx"
    _rewrite_member(good, bad, "word/document.xml", xml.encode())
    doc = read_docx(bad)  # python-docx's parser leaves the entity unresolved
    texts = [c.text for t in doc.tables for c in t.cells] + [p.text for p in doc.paragraphs]
    assert not any("TOP-SECRET" in t for t in texts)
    assert doc.tables[0].cell_at(2, 1).text == "82"  # the rest of the table still reads


def test_entity_amplification_is_a_read_error(tmp_path: Path) -> None:
    good = _save(_merged_table_doc(), tmp_path)
    with zipfile.ZipFile(good) as zf:
        xml = zf.read("word/document.xml").decode()
    entities = '<!ENTITY a0 "ha">' + "".join(f'<!ENTITY a{i} "{f"&a{i - 1};" * 10}">' for i in range(1, 10))
    head, rest = xml.split("?>", 1)
    xml = head + f"?><!DOCTYPE w:document [{entities}]>" + rest.replace("<w:t>住建局</w:t>", "<w:t>&a9;</w:t>", 1)
    bad = tmp_path / "lol.docx"
    _rewrite_member(good, bad, "word/document.xml", xml.encode())
    with pytest.raises(ReadError, match="corrupt DOCX: .*amplification") as caught:
        read_docx(bad)
    assert "\n" not in str(caught.value)


# --- fixture corpus, checked against the seed text -------------------------------------------


def _docx(slug: str):
    return read_docx(FIXTURES / f"{slug}.docx")


def _row(table: RawTable, first: str) -> list[str | None]:
    """The grid row whose first cell reads `first` (merged positions filled)."""
    matches = [row for row in table.grid(fill_merged=True) if row and row[0] == first]
    assert len(matches) == 1, (first, len(matches))
    return matches[0]


def test_fixture_pingjiang_market_bureau_received_236() -> None:
    (table,) = _docx("pingjiang-2024-05").tables
    header = table.grid()[0]
    assert header[:3] == ["部门名称", "受理案件数", "应办理数"]
    row = _row(table, "平江县市场监督管理局")
    # Seed: 平江县市场监督管理局 236 238 238 100% 233 97.9% 16 6.72% 10 4.18% 97.2 A
    assert row == ["平江县市场监督管理局", "236", "238", "238", "100%", "233", "97.9%", "16", "6.72%", "10", "4.18%", "97.2", "A"]
    assert row[header.index("受理案件数")] == "236"
    # The header repeated on each printed page is a w:tblHeader row, not data: it appears once.
    assert sum(1 for r in table.grid() if r[0] == "部门名称") == 1
    assert table.n_rows == 1 + 49  # 49 units in the seed (14 + 16 + 17 + 2 across its page breaks)


def test_fixture_wanzai_annex1_merged_unit_covers_its_rows() -> None:
    doc = _docx("wanzai-2023-12")
    annex1 = next(t for t in doc.tables if t.grid()[0] == ["序号", "承办单位", "工单内容"])
    unit = next(c for c in annex1.cells if c.text == "住建局")
    assert (unit.col, unit.row_span, unit.col_span) == (1, 3, 1)
    # Seed rows 13-15: 住建局 关于小区的问题 / 关于修复外墙砖的问题 / 关于小区乱停车占用消防通道挡私家车库的问题
    rows = annex1.grid(fill_merged=True)
    covered = [rows[r] for r in range(unit.row, unit.row + unit.row_span)]
    assert covered == [
        ["13", "住建局", "关于小区的问题"],
        ["14", "住建局", "关于修复外墙砖的问题"],
        ["15", "住建局", "关于小区乱停车占用消防通道挡私家车库的问题"],
    ]
    assert rows[unit.row + unit.row_span][1] == "生态环境局"
    # 41 numbered work orders under the header.
    assert annex1.n_rows == 42 and [r[0] for r in rows[1:]] == [str(n) for n in range(1, 42)]


def test_fixture_wanzai_annex2_group_header_spans_six_columns() -> None:
    doc = _docx("wanzai-2023-12")
    annex2 = next(t for t in doc.tables if any(c.text == "高村镇" for c in t.cells))
    group = next(c for c in annex2.cells if c.text == "按期办结率情况（40分）")
    assert (group.row, group.col, group.row_span, group.col_span) == (0, 2, 1, 6)
    under = [annex2.cell_at(1, c).text for c in range(group.col, group.col + group.col_span)]
    assert under == ["实际提前办结时间", "规定办结时间", "提前率\n（10分）", "得分", "按期办结率\n（30分）", "得分"]
    # Seed: 高村镇 9 12 90 86.67% 9.63 100.00% 30.00 39.63 ... 99.63
    row = _row(annex2, "高村镇")
    assert row[:9] == ["高村镇", "9", "12", "90", "86.67%", "9.63", "100.00%", "30.00", "39.63"]
    assert row[-1] == "99.63"


def test_fixture_baishui_sub_unit_sits_in_its_own_column() -> None:
    doc = _docx("baishui-2024q1")
    annex2 = next(t for t in doc.tables if t.grid()[0][:3] == ["办理部门", "下属单位", "承办工单量"])
    labour = next(c for c in annex2.cells if c.text == "劳动监察大队")
    assert labour.col == 1
    # Seed: "\t劳动监察大队\t139" under 人社局 (24)
    assert annex2.cell_at(labour.row, 2).text == "139"
    assert annex2.cell_at(labour.row - 1, 0).text == "人社局"
    assert annex2.cell_at(labour.row - 1, 2).text == "24"


def test_fixture_changji_is_prose_with_the_document_info_grid() -> None:
    doc = _docx("changji-2025-04")
    texts = [p.text for p in doc.paragraphs]
    assert "(一)诉求分类情况" in texts
    assert "投诉3751件 占比 82.13%" in texts
    (info,) = doc.tables
    assert info.grid()[0][:2] == ["索 引 号", "CJS044/2025-000234"]
    assert any(p.startswith("2025年4月1日至4月30日昌吉州12345政务服务热线中心共转派工单4567件") for p in texts)
