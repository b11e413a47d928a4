"""Bulletin metadata (extractor/metadata.py).

The seed expectations were read off the seeds by hand (fixtures/expected/metadata.csv and its
README-metadata.md); the constructed documents below cover what the seeds do not: traditional
script, a title/body clash, years inferred, quarters, half years, explicit ranges, places the
seeds never name, ambiguous or missing places."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from extractor.metadata import Metadata, read_metadata
from extractor.model import Cell, Document, Paragraph, RawTable
from extractor.readers import read

REPO = Path(__file__).resolve().parent.parent
BULLETINS = REPO / "fixtures" / "bulletins"
FIELDS = ["province", "city", "county", "period", "period_start", "period_end", "published", "issuer", "doc_number"]
SLUGS = ["wanzai-2023-12", "pingjiang-2024-05", "changji-2025-04", "baishui-2024q1", "wengyuan-2022-06"]
FORMATS = {"txt": "text", "docx": "docx", "html": "html", "pdf": "pdf"}


def meta_of(*lines: str, tables: tuple[RawTable, ...] = ()) -> tuple[Metadata, list[dict]]:
    return read_metadata(Document("test", "text", [Paragraph(line) for line in lines] + list(tables)))


def checks(findings: list[dict]) -> list[str]:
    return [f["check"] for f in findings]


def expected_rows() -> dict[tuple[str, str], dict]:
    with (REPO / "fixtures" / "expected" / "metadata.csv").open(encoding="utf-8", newline="") as fh:
        return {(r["slug"], r["format"]): r for r in csv.DictReader(fh)}


# ---- the five seeds --------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", list(FORMATS))
@pytest.mark.parametrize("slug", SLUGS)
def test_seed_matches_hand_written_row(slug, fmt):
    rows = expected_rows()
    want = rows.get((slug, fmt)) or rows[(slug, "")]
    ext = "txt" if fmt == "txt" else fmt
    meta, _ = read_metadata(read(BULLETINS / FORMATS[fmt] / f"{slug}.{ext}"))
    assert {f: getattr(meta, f) for f in FIELDS} == {f: want[f] for f in FIELDS}


def test_wanzai_text_county_and_year_from_the_body():
    # no title line: 万载县 from "12月份，万载县12345…", the year from "截止2023年12月31日"
    meta, findings = read_metadata(read(BULLETINS / "text" / "wanzai-2023-12.txt"))
    assert (meta.province, meta.city, meta.county) == ("江西省", "宜春市", "万载县")
    assert (meta.period, meta.period_start, meta.period_end) == ("2023-12", "2023-12-01", "2023-12-31")
    assert (meta.published, meta.issuer, meta.doc_number) == ("", "", "")
    assert "period_year_inferred" not in checks(findings)  # the body states the year
    assert "metadata_missing" in checks(findings)


def test_wanzai_web_page_adds_date_and_source():
    meta, _ = read_metadata(read(BULLETINS / "html" / "wanzai-2023-12.html"))
    assert (meta.published, meta.issuer) == ("2024-01-12", "万载县12345热线办")


def test_changji_county_level_city_and_info_grid():
    meta, _ = read_metadata(read(BULLETINS / "text" / "changji-2025-04.txt"))
    assert (meta.province, meta.city, meta.county) == ("新疆维吾尔自治区", "昌吉回族自治州", "昌吉市")
    assert meta.period == "2025-04"  # 2025年4月1日至4月30日 is a whole month
    assert meta.published == "2025-05-03"  # grid 发布日期 "2025-05-03 16:09:12"
    assert meta.issuer == "行政审批局(数字化发展局)"  # 发文单位, not 发布机构 昌吉市政府网
    assert meta.doc_number == ""  # the grid's 文号 is empty


def test_baishui_quarter_doc_number_and_pdf_spacing():
    meta, _ = read_metadata(read(BULLETINS / "pdf" / "baishui-2024q1.pdf"))  # prints "29 号"
    assert (meta.period, meta.period_start, meta.period_end) == ("2024Q1", "2024-01-01", "2024-03-31")
    assert meta.doc_number == "白政办发〔2024〕29号"
    assert meta.issuer == "白水县人民政府办公室"  # masthead "…办公室文件"
    assert meta.published == "2024-05-11"


def test_baishui_gb18030_copy():
    meta, _ = read_metadata(read(BULLETINS / "text" / "baishui-2024q1-gb18030.txt"))
    assert (meta.county, meta.period, meta.doc_number) == ("白水县", "2024Q1", "白政办发〔2024〕29号")


def test_pingjiang_masthead_and_wengyuan_signature():
    p, _ = read_metadata(read(BULLETINS / "docx" / "pingjiang-2024-05.docx"))
    assert (p.issuer, p.published, p.doc_number) == ("平江县人民政府督查室", "2024-07-10", "")  # 第 9 期 is no 文号
    w, _ = read_metadata(read(BULLETINS / "pdf-borderless" / "wengyuan-2022-06.pdf"))
    assert (w.issuer, w.published) == ("翁源县12345政务服务便民热线管理办公室", "2022-07-29")  # "(代章) 2022 年 7 月 29 日"
    assert (w.province, w.city, w.county, w.period) == ("广东省", "韶关市", "翁源县", "2022-06")


# ---- constructed documents -------------------------------------------------------------------


def test_defaults_are_empty():
    assert all(v == "" for v in Metadata().as_dict().values())
    assert list(Metadata().as_dict()) == FIELDS


def test_traditional_script_full_width_and_spaces():
    meta, findings = meta_of(
        "瑞金市12345政務服務便民熱線 ２０２４年第二季度運行情況通報",
        "二季度，全市12345熱線共受理工單2,315件，辦結率99.5%。",
        "瑞金市12345熱線辦",
        "２０２４ 年 ７ 月 ５ 日",
    )
    assert (meta.province, meta.city, meta.county) == ("江西省", "赣州市", "瑞金市")
    assert (meta.period, meta.period_start, meta.period_end) == ("2024Q2", "2024-04-01", "2024-06-30")
    assert (meta.published, meta.issuer) == ("2024-07-05", "瑞金市12345热线办")
    assert findings == []


def test_title_body_clash_takes_body_with_finding():
    meta, findings = meta_of("2024年5月份12345热线运行情况通报", "一、基本情况", "4月份，共受理12345热线工单1263件。")
    assert (meta.period, meta.period_start, meta.period_end) == ("2024-04", "2024-04-01", "2024-04-30")
    clash = [f for f in findings if f["check"] == "period_mismatch"]
    assert len(clash) == 1
    assert clash[0]["severity"] == "warning"
    assert (clash[0]["printed"], clash[0]["expected"]) == ("2024-05", "2024-04")


def test_month_without_year_takes_the_year_from_a_body_date():
    meta, findings = meta_of(
        "一、群众诉求分析",
        "12月份，本县12345政务服务便民热线承接工单共1383件。",
        "截止2023年12月31日，市民反映诉求相对较集中。",
    )
    assert (meta.period, meta.period_start, meta.period_end) == ("2023-12", "2023-12-01", "2023-12-31")
    assert "period_year_inferred" not in checks(findings)


def test_month_without_any_year_falls_back_on_the_published_date_and_says_so():
    # December reported in January: the latest December that ends before the date is 2023's
    meta, findings = meta_of("12345热线12月份运行情况通报", "一、基本情况", "12月份，共受理工单1383件。", "县热线办", "2024年1月10日")
    assert (meta.period, meta.published, meta.issuer) == ("2023-12", "2024-01-10", "县热线办")
    assert checks(findings).count("period_year_inferred") == 1


def test_period_without_year_and_no_date_stays_unknown():
    meta, findings = meta_of("一、基本情况", "5月份，共受理工单100件。")
    assert (meta.period, meta.period_start, meta.period_end) == ("", "", "")
    assert "period_year_unknown" in checks(findings)


def test_quarter_with_year_from_title_and_comparison_skipped():
    meta, _ = meta_of(
        "2024年第三季度12345热线工单办理情况的通报",
        "一、基本情况",
        "满意率与2024年二季度相较上升1%。三季度，共受理工单800件。",
    )
    assert (meta.period, meta.period_start, meta.period_end) == ("2024Q3", "2024-07-01", "2024-09-30")


def test_quarter_and_chinese_numeral_signature_date():
    meta, _ = meta_of(
        "关于第一季度12345热线工单办理情况的通报", "一、基本情况", "一季度，共受理工单800件。", "县政府办公室", "二〇二四年四月十五日"
    )
    assert (meta.period, meta.published, meta.issuer) == ("2024Q1", "2024-04-15", "县政府办公室")


def test_half_year():
    meta, _ = meta_of("瑞金市2024年上半年12345热线运行情况报告", "一、概况", "上半年，共受理工单800件。")
    assert (meta.period, meta.period_start, meta.period_end) == ("2024H1", "2024-01-01", "2024-06-30")


def test_explicit_range_not_a_whole_month():
    meta, findings = meta_of("12345热线运行分析报告(3月5日-4月4日)", "一、概况", "2024年3月5日至4月4日，共转派工单4567件。")
    assert (meta.period, meta.period_start, meta.period_end) == ("2024-03-05..2024-04-04", "2024-03-05", "2024-04-04")
    assert "period_mismatch" not in checks(findings)  # the title's range takes the body's year


def test_explicit_range_over_new_year_and_whole_month_range():
    meta, _ = meta_of("一、概况", "2023年12月26日至2024年1月25日，共转派工单4567件。")
    assert (meta.period, meta.period_start, meta.period_end) == ("2023-12-26..2024-01-25", "2023-12-26", "2024-01-25")
    meta, _ = meta_of("一、概况", "2024年2月1日至2月29日，共转派工单4567件。")
    assert (meta.period, meta.period_start, meta.period_end) == ("2024-02", "2024-02-01", "2024-02-29")


def test_month_range_is_a_quarter():
    meta, _ = meta_of("2024年1-3月12345热线运行情况", "一、概况", "1-3月，共受理工单800件。")
    assert (meta.period, meta.period_start, meta.period_end) == ("2024Q1", "2024-01-01", "2024-03-31")


def test_unknown_county_stays_empty():
    meta, findings = meta_of("本县12345热线2024年3月运行情况通报", "一、基本情况", "3月份，共受理工单800件，办结率100%。")
    assert (meta.province, meta.city, meta.county) == ("", "", "")
    assert meta.period == "2024-03"
    missing = [f for f in findings if f["check"] == "metadata_missing"]
    assert missing and "county" in missing[0]["message"]


def test_ambiguous_district_stays_empty_unless_the_document_disambiguates():
    meta, findings = meta_of("朝阳区12345热线2024年3月运行情况通报", "一、基本情况", "3月份，共受理工单800件。")
    assert meta.county == ""  # Beijing's and Changchun's 朝阳区
    assert "county_ambiguous" in checks(findings)
    meta, _ = meta_of("北京市朝阳区12345热线2024年3月运行情况通报", "一、基本情况", "3月份，共受理工单800件。")
    assert (meta.province, meta.city, meta.county) == ("北京市", "", "朝阳区")


def test_city_level_bulletin_names_no_county():
    meta, _ = meta_of(
        "韶关市12345政务服务便民热线2022年6月工作情况报告",
        "一、基本情况",
        "6月份，全市共受理工单5000件，其中翁源县694件，乳源瑶族自治县300件，南雄市400件。",
    )
    assert (meta.province, meta.city, meta.county) == ("广东省", "韶关市", "")


def test_info_grid_gives_doc_number_issuer_date_and_title():
    grid = RawTable(
        [
            Cell("索 引 号", 0, 0),
            Cell("X-2024-1", 0, 1),
            Cell("文 号", 1, 0),
            Cell("瑞府办字〔2024〕12号", 1, 1),
            Cell("发文单位", 2, 0),
            Cell("瑞金市人民政府办公室", 2, 1),
            Cell("发布日期", 3, 0),
            Cell("2024-05-06 09:30:00", 3, 1),
            Cell("名 称", 4, 0),
            Cell("瑞金市2024年4月份12345热线通报", 4, 1),
        ]
    )
    meta, _ = meta_of("一、概况", "本月共受理工单100件。", tables=(grid,))
    assert meta.as_dict() == {
        "province": "江西省",
        "city": "赣州市",
        "county": "瑞金市",
        "period": "2024-04",
        "period_start": "2024-04-01",
        "period_end": "2024-04-30",
        "published": "2024-05-06",
        "issuer": "瑞金市人民政府办公室",
        "doc_number": "瑞府办字〔2024〕12号",
    }


def test_web_source_that_is_a_website_is_not_an_issuer():
    meta, _ = meta_of(
        "发布时间：2024-03-02 来源：本站 浏览次数：", "某县12345热线2024年2月运行情况通报", "一、概况", "2月份，共受理工单9件。"
    )
    assert (meta.published, meta.issuer) == ("2024-03-02", "")


def test_findings_fit_the_contract():
    _, findings = meta_of("朝阳区12345热线5月份运行情况通报", "一、概况", "4月份，共受理工单9件。")
    allowed = {"check", "severity", "message", "printed", "expected"}
    assert findings and all(set(f) <= allowed and f["severity"] in ("error", "warning", "info") for f in findings)


@pytest.mark.parametrize("slug", SLUGS)
def test_whole_seed_in_traditional_script_full_width_and_spaced(slug, tmp_path):
    """An archived copy: every character traditional (OpenCC s2t), digits and ASCII punctuation
    full-width, spaces around 年. Gives the same metadata as the seed's hand-written row."""
    import opencc

    text = (BULLETINS / "text" / f"{slug}.txt").read_text(encoding="utf-8")
    archived = opencc.OpenCC("s2t").convert(text).translate(str.maketrans("0123456789:,()", "０１２３４５６７８９：，（）"))
    archived = archived.replace("年", "\u3000年 ")
    assert archived != text
    path = tmp_path / f"{slug}.txt"
    path.write_text(archived, encoding="utf-8")
    meta, _ = read_metadata(read(path))
    want = expected_rows()[(slug, "")]
    assert {f: getattr(meta, f) for f in FIELDS} == {f: want[f] for f in FIELDS}
