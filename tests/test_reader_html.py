"""HTML reader: synthetic pages written here, then the fixture corpus checked against the
seed bulletins (/work/shared/seeds, copied in fixtures/bulletins/text)."""

from __future__ import annotations

from pathlib import Path

import pytest

from extractor.model import MB, Document, RawTable, ReadError, ReadLimits
from extractor.readers import html as html_reader
from extractor.readers import read
from extractor.readers.docx import read_docx
from extractor.readers.html import decode_html, read_html

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "bulletins"
SLUGS = ["wanzai-2023-12", "pingjiang-2024-05", "changji-2025-04", "baishui-2024q1", "wengyuan-2022-06"]


def _read(tmp_path: Path, page: str | bytes, name: str = "page.html") -> Document:
    path = tmp_path / name
    path.write_bytes(page.encode("utf-8") if isinstance(page, str) else page)
    return read_html(path)


def _cells(table: RawTable) -> dict[tuple[int, int], tuple[str, int, int]]:
    return {(c.row, c.col): (c.text, c.row_span, c.col_span) for c in table.cells}


# --- text ------------------------------------------------------------------------------------


def test_block_text_in_order_with_heading_levels(tmp_path: Path) -> None:
    doc = _read(
        tmp_path,
        """<html><head><title>标题不算正文</title><style>p{color:red}</style></head><body>
        <script>var x = "脚本";</script><noscript>请启用脚本</noscript><template><p>模板</p></template>
        <h1>通报</h1>
        <h2>一、<b>基本</b>情况</h2>
        <p>本月共受理
           工单&nbsp;1263件。</p>
        <div>第一行<br>第二行<br/><br>第三行</div>
        <ul><li>市场管理类426件</li><li>住房与城乡建设类223件</li></ul>
        <table border="1"><tr><td>单位</td><td>件数</td></tr></table>
        <p>表后文字</p>
        </body></html>""",
    )
    assert doc.format == "html" and doc.pages is None and doc.encoding == "utf-8"
    blocks = [(b.text, b.level) if b.kind == "paragraph" else "TABLE" for b in doc.blocks]
    assert blocks == [
        ("通报", 1),
        ("一、基本情况", 2),
        ("本月共受理 工单 1263件。", None),
        ("第一行", None),
        ("第二行", None),
        ("第三行", None),
        ("市场管理类426件", None),
        ("住房与城乡建设类223件", None),
        "TABLE",
        ("表后文字", None),
    ]


def test_page_furniture_elements_are_dropped_but_article_header_kept(tmp_path: Path) -> None:
    doc = _read(
        tmp_path,
        """<body><header>网站头部</header><nav><a href="/">首页</a></nav>
        <article><header><h1>关于热线工单办理情况的通报</h1></header><p>正文。</p>
        <footer>发布日期：2024-05-11</footer></article>
        <p style="display: none">隐藏文字</p><p hidden>也隐藏</p>
        <form><select><option>站群导航</option></select><button>搜索</button></form>
        <footer>版权所有</footer></body>""",
    )
    assert [p.text for p in doc.paragraphs] == ["关于热线工单办理情况的通报", "正文。", "发布日期：2024-05-11"]


def test_pre_keeps_its_line_breaks(tmp_path: Path) -> None:
    doc = _read(tmp_path, "<pre>部门名称  受理案件数\n平江县民政局  5\n</pre>")
    assert [p.text for p in doc.paragraphs] == ["部门名称 受理案件数", "平江县民政局 5"]


def test_malformed_html_still_reads(tmp_path: Path) -> None:
    doc = _read(tmp_path, "<p>未闭合段落<p>第二段<table><tr><td>甲<td>1<tr><td>乙<td>2</table><div><span>尾")
    assert [p.text for p in doc.paragraphs] == ["未闭合段落", "第二段", "尾"]
    assert doc.tables[0].grid() == [["甲", "1"], ["乙", "2"]]


# --- tables ----------------------------------------------------------------------------------


def test_rowspan_and_colspan_placed_by_the_html_table_algorithm(tmp_path: Path) -> None:
    doc = _read(
        tmp_path,
        """<table border="1">
        <tr><th rowspan="2">成员单位</th><th colspan="3">按期办结率情况（40分）</th><th rowspan="2">综合得分</th></tr>
        <tr><th>实际提前办结时间</th><th>规定办结时间</th><th>提前率<br>（10分）</th></tr>
        <tr><td rowspan="3">住建局</td><td>320</td><td>890</td><td>64.04%</td><td>75.24</td></tr>
        <tr><td>1</td><td colspan="2">跨两列</td><td>2</td></tr>
        <tr><td>3</td><td>4</td><td>5</td></tr>
        </table>""",
    )
    (table,) = doc.tables
    assert table.engine == "lxml" and table.bordered is True
    cells = _cells(table)
    assert cells[(0, 0)] == ("成员单位", 2, 1)
    assert cells[(0, 1)] == ("按期办结率情况（40分）", 1, 3)
    assert cells[(0, 4)] == ("综合得分", 2, 1)
    assert cells[(1, 3)] == ("提前率\n（10分）", 1, 1)
    assert cells[(2, 0)] == ("住建局", 3, 1)
    assert cells[(3, 2)] == ("跨两列", 1, 2)
    assert table.grid() == [
        ["成员单位", "按期办结率情况（40分）", None, None, "综合得分"],
        [None, "实际提前办结时间", "规定办结时间", "提前率\n（10分）", None],
        ["住建局", "320", "890", "64.04%", "75.24"],
        [None, "1", "跨两列", None, "2"],
        [None, "3", "4", "5", None],
    ]
    assert [table.cell_at(r, 0).text for r in (2, 3, 4)] == ["住建局"] * 3


def test_ragged_rows_get_no_invented_cells(tmp_path: Path) -> None:
    doc = _read(tmp_path, "<table><tr><td>部门</td><td>件数</td><td>备注</td></tr><tr><td>总计</td><td>389</td></tr></table>")
    assert sorted(_cells(doc.tables[0])) == [(0, 0), (0, 1), (0, 2), (1, 0), (1, 1)]


def test_rowspan_zero_and_absurd_spans_are_clamped_to_the_row_group(tmp_path: Path) -> None:
    doc = _read(
        tmp_path,
        """<table>
        <thead><tr><th colspan="0">表头</th><th>列</th></tr></thead>
        <tbody><tr><td rowspan="0">县直单位</td><td>a</td></tr><tr><td>b</td></tr><tr><td>c</td></tr></tbody>
        <tbody><tr><td rowspan="99999" colspan="abc">乡镇</td><td>d</td></tr></tbody>
        </table>""",
    )
    cells = _cells(doc.tables[0])
    assert cells[(0, 0)] == ("表头", 1, 1)  # colspan 0 counts as 1
    assert cells[(1, 0)] == ("县直单位", 3, 1)  # rowspan 0: to the end of its tbody, not beyond
    assert cells[(4, 0)] == ("乡镇", 1, 1)
    assert cells[(4, 1)] == ("d", 1, 1)
    assert html_reader.MAX_COLSPAN == 1000
    doc = _read(tmp_path, '<table><tr><td colspan="100000">宽</td></tr><tr><td>x</td></tr></table>', "wide.html")
    assert _cells(doc.tables[0])[(0, 0)] == ("宽", 1, 1000)


def test_tfoot_rows_come_last(tmp_path: Path) -> None:
    doc = _read(tmp_path, "<table><tfoot><tr><td>总计</td></tr></tfoot><tbody><tr><td>城关街道办</td></tr></tbody></table>")
    assert doc.tables[0].grid() == [["城关街道办"], ["总计"]]


def test_nested_table_is_its_own_table_and_not_in_the_outer_cell(tmp_path: Path) -> None:
    doc = _read(
        tmp_path,
        """<table border="1"><tr><td>外层<table border="0"><tr><td>内层甲</td><td>内层乙</td></tr></table>说明</td>
        <td>5</td></tr></table><p>后</p>""",
    )
    outer, inner = doc.tables
    assert outer.grid() == [["外层\n说明", "5"]]
    assert inner.grid() == [["内层甲", "内层乙"]]
    assert (outer.bordered, inner.bordered) == (True, False)
    assert [b.kind for b in doc.blocks] == ["table", "table", "paragraph"]


def test_cell_text_lines_from_br_and_paragraphs(tmp_path: Path) -> None:
    doc = _read(
        tmp_path,
        """<table><caption> 附件1  统计表 </caption><tr>
        <td><p class="MsoNormal">网站邮件</p><p class="MsoNormal">&nbsp;</p><p>赣服通</p></td>
        <td>  国家税务总局
          白水县税务局 <br><br> 2 </td><td></td></tr></table>""",
    )
    (table,) = doc.tables
    assert table.caption == "附件1 统计表"
    assert table.grid() == [["网站邮件\n赣服通", "国家税务总局 白水县税务局\n2", ""]]


def test_single_column_wrapper_table_is_read_as_text(tmp_path: Path) -> None:
    doc = _read(
        tmp_path,
        """<table width="100%"><tr><td><p>通报正文第一段。</p><p>第二段。</p>
        <table border="1"><tr><td>单位</td><td>件数</td></tr></table></td></tr></table>""",
    )
    assert [p.text for p in doc.paragraphs] == ["通报正文第一段。", "第二段。"]
    assert [t.grid() for t in doc.tables] == [[["单位", "件数"]]]


@pytest.mark.parametrize(
    ("table_attrs", "cell_attrs", "bordered"),
    [
        ('border="1"', "", True),
        ("border", "", True),
        ('border="0"', "", False),
        ('border="0"', 'style="border:solid windowtext 1.0pt"', True),
        ('style="border-collapse: collapse; border: 1px solid #000"', "", True),
        ('style="border: none"', 'style="border-top: 0px solid"', False),
        ('rules="all"', "", True),
        ('class="xxgk" style="border-collapse: collapse"', "", None),
        ("", "", None),
    ],
)
def test_bordered_from_attribute_or_inline_css(tmp_path: Path, table_attrs: str, cell_attrs: str, bordered: bool | None) -> None:
    doc = _read(tmp_path, f"<table {table_attrs}><tr><td {cell_attrs}>单位</td></tr><tr><td>2</td></tr></table>")
    assert doc.tables[0].bordered is bordered


# --- encodings -------------------------------------------------------------------------------


def test_gb2312_meta_is_read_as_gb18030(tmp_path: Path) -> None:
    # 㙟 (U+365F) is outside GB2312/GBK but in GB18030: sites labelled gb2312 still emit such bytes.
    page = '<html><head><meta charset="gb2312"></head><body><p>白水县人民政府办公室 㙟</p></body></html>'
    doc = _read(tmp_path, page.encode("gb18030"))
    assert doc.encoding == "gb18030"
    assert doc.paragraphs[0].text == "白水县人民政府办公室 㙟"


def test_http_equiv_charset(tmp_path: Path) -> None:
    page = '<meta http-equiv="Content-Type" content="text/html; charset=GBK"><p>城关街道办</p>'
    doc = _read(tmp_path, page.encode("gbk"))
    assert (doc.encoding, doc.paragraphs[0].text) == ("gb18030", "城关街道办")


def test_declared_charset_other_than_gb(tmp_path: Path) -> None:
    page = '<meta charset="big5"><p>臺灣</p>'
    doc = _read(tmp_path, page.encode("big5"))
    assert (doc.encoding, doc.paragraphs[0].text) == ("big5", "臺灣")


def test_utf8_bytes_win_over_a_stale_gbk_meta(tmp_path: Path) -> None:
    doc = _read(tmp_path, '<meta charset="gbk"><p>平江县市场监督管理局</p>')  # written as UTF-8
    assert (doc.encoding, doc.paragraphs[0].text) == ("utf-8", "平江县市场监督管理局")


def test_undeclared_gb18030_page_is_guessed(tmp_path: Path) -> None:
    doc = _read(tmp_path, "<p>劳动监察大队</p>".encode("gb18030"))
    assert (doc.encoding, doc.paragraphs[0].text) == ("gb18030", "劳动监察大队")


def test_decode_html_bom_and_xml_declaration(tmp_path: Path) -> None:
    assert decode_html("\ufeff<p>x</p>".encode("utf-8")) == ("<p>x</p>", "utf-8-sig")
    page = '<?xml version="1.0" encoding="gb2312"?><html xmlns="http://www.w3.org/1999/xhtml"><body><p>交通局</p></body></html>'
    doc = _read(tmp_path, page.encode("gb18030"))
    assert doc.paragraphs[0].text == "交通局"


# --- bad input -------------------------------------------------------------------------------


@pytest.mark.parametrize("page", [b"   \n\t  ", b"<html><head><title></title></head><body> <div></div> </body></html>", b"<!-- only -->"])
def test_no_text_is_a_read_error(tmp_path: Path, page: bytes) -> None:
    with pytest.raises(ReadError, match="no text in HTML"):
        _read(tmp_path, page)


def test_script_only_page_has_no_text(tmp_path: Path) -> None:
    with pytest.raises(ReadError, match="no text in HTML"):
        _read(tmp_path, "<html><script>document.write('动态加载的通报')</script></html>")


def test_size_limit(tmp_path: Path) -> None:
    path = tmp_path / "page.html"
    path.write_text("<p>" + "长" * 100 + "</p>", encoding="utf-8")
    with pytest.raises(ReadError, match=r"over the limit of 100 bytes \(--max-input-mb\)"):
        read(path, ReadLimits(max_input_mb=100 / MB))
    assert read(path).paragraphs[0].text == "长" * 100  # the default fits


def test_external_entities_are_not_loaded(tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET-LOCAL-CONTENT")
    page = f'<!DOCTYPE html [<!ENTITY xxe SYSTEM "file://{secret}">]><html><body><p>前&xxe;后</p></body></html>'
    doc = _read(tmp_path, page)
    assert not any("TOP-SECRET" in p.text for p in doc.paragraphs)


def test_dispatch_reads_html(tmp_path: Path) -> None:
    path = tmp_path / "page.htm"
    path.write_text("<p>一、基本情况</p>", encoding="utf-8")
    assert read(path).paragraphs[0].text == "一、基本情况"


# --- fixture corpus, checked against the seed text -------------------------------------------


def _html(slug: str) -> Document:
    return read_html(FIXTURES / "html" / f"{slug}.html")


def _row(table: RawTable, first: str) -> list[str | None]:
    matches = [row for row in table.grid(fill_merged=True) if row and row[0] == first]
    assert len(matches) == 1, (first, len(matches))
    return matches[0]


def test_fixture_pingjiang_market_bureau_received_236() -> None:
    (table,) = _html("pingjiang-2024-05").tables
    header = table.grid()[0]
    row = _row(table, "平江县市场监督管理局")
    # Seed: 平江县市场监督管理局 236 238 238 100% 233 97.9% 16 6.72% 10 4.18% 97.2 A
    assert row[header.index("受理案件数")] == "236"
    assert row == ["平江县市场监督管理局", "236", "238", "238", "100%", "233", "97.9%", "16", "6.72%", "10", "4.18%", "97.2", "A"]
    # Last row of the seed: 三墩乡 6 5 5 100% 4 80% 4 80% 0 0% 78 D
    assert table.grid()[-1] == ["三墩乡", "6", "5", "5", "100%", "4", "80%", "4", "80%", "0", "0%", "78", "D"]


def test_fixture_wanzai_merged_cells() -> None:
    doc = _html("wanzai-2023-12")
    annex1 = next(t for t in doc.tables if t.grid()[0] == ["序号", "承办单位", "工单内容"])
    unit = next(c for c in annex1.cells if c.text == "住建局")
    assert (unit.col, unit.row_span) == (1, 3)
    assert [annex1.cell_at(r, 2).text for r in range(unit.row, unit.row + 3)] == [
        "关于小区的问题",
        "关于修复外墙砖的问题",
        "关于小区乱停车占用消防通道挡私家车库的问题",
    ]
    annex2 = next(t for t in doc.tables if any(c.text == "高村镇" for c in t.cells))
    group = next(c for c in annex2.cells if c.text == "按期办结率情况（40分）")
    assert (group.row, group.col, group.col_span) == (0, 2, 6)
    # The first summary table: 受理总量 1383 is one cell over the five source rows.
    total = next(c for c in doc.tables[0].cells if c.text == "1383")
    assert (total.row, total.col, total.row_span) == (1, 0, 5)
    assert doc.tables[0].cell_at(3, 1).text == "网站邮件\n赣服通"


def test_fixture_baishui_sub_unit_sits_in_its_own_column() -> None:
    doc = _html("baishui-2024q1")
    annex2 = next(t for t in doc.tables if t.grid()[0][:3] == ["办理部门", "下属单位", "承办工单量"])
    labour = next(c for c in annex2.cells if c.text == "劳动监察大队")
    assert labour.col == 1
    assert annex2.cell_at(labour.row, 2).text == "139"


def test_fixture_changji_gb2312_page_has_info_grid_and_prose() -> None:
    doc = _html("changji-2025-04")
    assert doc.encoding == "gb18030"  # the page declares gb2312
    (info,) = doc.tables
    # Seed: 索 引 号 | CJS044/2025-000234 | 主题分类 | |  ...  发文单位 | 行政审批局(数字化发展局) | 发布机构 | 昌吉市政府网 |
    assert info.grid()[0][:3] == ["索 引 号", "CJS044/2025-000234", "主题分类"]
    assert info.grid()[-1] == ["发文单位", "行政审批局(数字化发展局)", "发布机构", "昌吉市政府网"]
    texts = [p.text for p in doc.paragraphs]
    assert "投诉3751件 占比 82.13%" in texts
    assert "三、工作建议" in texts
    assert any(t.startswith("2025年4月1日至4月30日昌吉州12345政务服务热线中心共转派工单4567件") for t in texts)
    # The grid comes before the prose, as on the page.
    order = [b.kind if b.kind == "table" else b.text for b in doc.blocks]
    assert order.index("table") < order.index("投诉3751件 占比 82.13%")


@pytest.mark.parametrize("slug", SLUGS)
def test_fixture_html_and_docx_give_the_same_cells(slug: str) -> None:
    html_tables = _html(slug).tables
    docx_tables = read_docx(FIXTURES / "docx" / f"{slug}.docx").tables
    assert len(html_tables) == len(docx_tables) > 0
    for h, d in zip(html_tables, docx_tables, strict=True):
        assert sorted((c.row, c.col, c.row_span, c.col_span, c.text) for c in h.cells) == sorted(
            (c.row, c.col, c.row_span, c.col_span, c.text) for c in d.cells
        )


# --- nesting past the parser's depth limit -----------------------------------------------------


def _deep(levels: int, inner: str) -> str:
    return "<html><body><h1>某县热线通报</h1><p>前言</p>" + "<div>" * levels + inner + "</div>" * levels + "<p>结语</p></body></html>"


def test_markup_nested_past_libxml2_depth_is_read_not_reported_empty(tmp_path: Path) -> None:
    """300,000 nested <div>: libxml2 stops at 256 levels and would drop everything below, which
    used to be reported as `no text in HTML`. The excess nesting is unwrapped and the page read."""
    inner = (
        '<p>本月受理诉求 12 件</p><div style="display:none">不显示的文字</div><script>var x = "<b>";</script>'
        '<table border="1"><tr><th>单位</th><th>受理量</th></tr><tr><td>县公安局</td><td>5</td></tr></table>'
    )
    doc = _read(tmp_path, _deep(300_000, inner))
    assert [p.text for p in doc.paragraphs] == ["某县热线通报", "前言", "本月受理诉求 12 件", "结语"]
    assert doc.paragraphs[0].level == 1
    (table,) = doc.tables
    assert _cells(table) == {(0, 0): ("单位", 1, 1), (0, 1): ("受理量", 1, 1), (1, 0): ("县公安局", 1, 1), (1, 1): ("5", 1, 1)}


def test_flattening_keeps_line_breaks_and_entities() -> None:
    flat = html_reader.flatten_markup("<div><div><p>甲&amp;乙</p><div>丙</div>&#20001;</div></div>", max_depth=1)
    assert flat == "<div><br>甲&amp;乙<br>丙<br>&#20001;<br></div>"


def test_tables_nested_past_the_limit_are_a_clear_error(tmp_path: Path) -> None:
    """Only table structure is kept when flattening; tables in tables 300 deep cannot be read."""
    page = "<html><body>" + "<table><tr><td>" * 300 + "数" + "</td></tr></table>" * 300 + "</body></html>"
    with pytest.raises(ReadError, match="nested deeper than the parser's limit of 256 levels"):
        _read(tmp_path, page)
