"""Where a bulletin is from when its page does not say so plainly (extractor/metadata/places.py).

Every bulletin below is written for the test; the place names are real (the jionlp registry), so
what each test expects can be checked by looking the townships up: 鸣凤镇, 旧县镇, 嫘祖镇 and
洋坪镇 are townships of 远安县 (宜昌市, 湖北省); 西屏街道, 水南街道 and 古市镇 of 松阳县
(丽水市, 浙江省); 章贡区, 南康区, 瑞金市 and 于都县 are counties of 赣州市 (江西省)."""

from __future__ import annotations

from extractor.metadata import Metadata, read_metadata
from extractor.model import Cell, Document, Paragraph, RawTable


def meta_of(*lines: str, tables: tuple[RawTable, ...] = ()) -> tuple[Metadata, list[dict]]:
    return read_metadata(Document("test", "text", [Paragraph(line) for line in lines] + list(tables)))


def place(meta: Metadata) -> tuple[str, str, str]:
    return meta.province, meta.city, meta.county


def finding(findings: list[dict], check: str) -> dict | None:
    return next((f for f in findings if f["check"] == check), None)


# ---- a county inferred from its townships ------------------------------------------------------


def test_county_inferred_from_the_townships_the_page_names():
    meta, findings = meta_of(
        "12345热线2024年4月份工单办理情况通报",
        "一、基本情况",
        "4月份，共受理群众诉求1520件，按时办结率99%。",
        "办件量位于前三的乡镇：鸣凤镇人民政府58件；旧县镇政府31件；嫘祖镇27件。",
    )
    assert place(meta) == ("湖北省", "宜昌市", "远安县")
    assert (meta.period, meta.period_start, meta.period_end) == ("2024-04", "2024-04-01", "2024-04-30")
    note = finding(findings, "county_inferred")
    assert note and note["severity"] == "info"
    assert all(name in note["message"] for name in ("鸣凤镇", "旧县镇", "嫘祖镇"))


def test_streets_printed_as_offices_and_townships_in_a_table():
    # 西屏街道办事处 / 水南街办 are the registry's 西屏街道 / 水南街道; the table's row labels count
    table = RawTable(
        [Cell("单位", 0, 0), Cell("件数", 0, 1), Cell("古市镇", 1, 0), Cell("41", 1, 1), Cell("县住建局", 2, 0), Cell("17", 2, 1)]
    )
    meta, findings = meta_of(
        "2023年第三季度12345热线运行情况",
        "一、概况",
        "三季度共受理工单3015件。西屏街道办事处、水南街办办件量居前。",
        tables=(table,),
    )
    assert place(meta) == ("浙江省", "丽水市", "松阳县")
    assert (meta.period, meta.period_start, meta.period_end) == ("2023Q3", "2023-07-01", "2023-09-30")
    assert finding(findings, "county_inferred")


def test_townships_in_traditional_script_with_mirror_debris():
    meta, findings = meta_of(
        "12345熱線2024年4月份工單辦理情況通報",
        "一、基本情況",
        "4月份，鳴鳳鎮(zhèn)政府58件，舊縣鎮(zhèn)政府31件，洋坪鎮(zhèn)27件。",
    )
    assert place(meta) == ("湖北省", "宜昌市", "远安县")
    note = finding(findings, "county_inferred")
    assert note and "鳴鳳鎮" in note["message"]  # the names as printed, debris removed


def test_one_common_township_name_is_no_evidence():
    # 城关镇 exists in about a hundred counties: nothing is guessed, and the finding says why
    meta, findings = meta_of("12345热线2024年4月份通报", "一、基本情况", "4月份，城关镇受理工单58件。")
    assert place(meta) == ("", "", "")
    note = finding(findings, "county_ambiguous")
    assert note and "城关镇" in note["message"]


def test_a_single_township_is_too_thin():
    # 嫘祖镇 is 远安县's alone, but one name is not enough to call the bulletin that county's
    meta, findings = meta_of("12345热线2024年4月份通报", "一、基本情况", "4月份，嫘祖镇受理工单58件。")
    assert meta.county == ""
    assert finding(findings, "county_ambiguous")
    assert not finding(findings, "county_inferred")


def test_words_that_end_like_townships_are_not_townships():
    # a suffix followed by 镇/乡/村/街/建/居 ends a word (乡镇, 镇街, 城乡建设), not a township's name
    from extractor import divisions
    from extractor.metadata import load_vocab

    vocab = load_vocab()
    found = divisions.find_townships("鸣凤镇街道路灯损坏；鸣凤镇58件", vocab.township_suffixes, vocab.township_not_next)
    assert [(name, start) for name, start, _, _ in found] == [("鸣凤镇", 10)]
    meta, findings = meta_of("12345热线2024年4月份通报", "一、基本情况", "4月份，城乡建设类诉求58件，各乡镇办结率100%。")
    assert place(meta) == ("", "", "")
    assert not finding(findings, "county_inferred")


def test_a_county_the_page_names_wins_over_townships():
    meta, _ = meta_of("松阳县12345热线2024年4月份通报", "一、基本情况", "4月份，鸣凤镇、旧县镇、嫘祖镇的群众来电共58件。")
    assert place(meta) == ("浙江省", "丽水市", "松阳县")


# ---- traditional names ---------------------------------------------------------------------------


def test_traditional_county_name_and_pinyin_debris():
    meta, _ = meta_of("連平縣(xiàn)12345政務服務熱線2024年第一季度運行情況", "一、總體情況", "一季度共受理工單2100宗。")
    assert place(meta) == ("广东省", "河源市", "连平县")
    assert (meta.period, meta.period_start, meta.period_end) == ("2024Q1", "2024-01-01", "2024-03-31")


def test_traditional_district_with_mirror_debris():
    meta, _ = meta_of(
        "南沙區(qū)12345熱線2023年11月份運行通報", "一、基本情況", "11月份，全區(qū)共受理工單900件。", "廣州市南沙區(qū)12345熱線辦"
    )
    assert place(meta) == ("广东省", "广州市", "南沙区")


# ---- prefecture-level bulletins --------------------------------------------------------------


def test_prefecture_bulletin_on_its_counties_has_county_empty():
    # the title names no place; the body reports on four counties of one prefecture
    meta, findings = meta_of(
        "2024年3月份市12345热线运行情况通报",
        "一、总体情况",
        "3月份，全市共受理群众诉求52310件。其中章贡区12001件，南康区9800件，瑞金市8600件，于都县7900件。",
    )
    assert place(meta) == ("江西省", "赣州市", "")
    assert not finding(findings, "county_inferred")


def test_prefecture_bulletin_with_its_counties_only_in_a_table():
    rows = [("承办县区", "总件数"), ("章贡区", "74"), ("南康区", "40"), ("于都县", "38")]
    table = RawTable([Cell(text, r, c) for r, row in enumerate(rows) for c, text in enumerate(row)])
    meta, _ = meta_of("2023年第二季度“市长信箱”共收到市民来信569件，已办结569件。", "一、总体情况", tables=(table,))
    assert place(meta) == ("江西省", "赣州市", "")
    assert (meta.period, meta.period_start, meta.period_end) == ("2023Q2", "2023-04-01", "2023-06-30")


def test_county_bulletin_naming_neighbours_keeps_its_county():
    # the page speaks as a county (全县, 县直) and names itself: the neighbours are comparisons
    meta, _ = meta_of(
        "于都县12345热线2024年3月份运行情况通报",
        "一、总体情况",
        "3月份，全县共受理诉求7900件，县直单位按时办结率99%，在全市排名第二，仅次于章贡区、南康区。",
    )
    assert place(meta) == ("江西省", "赣州市", "于都县")


def test_county_speaking_as_a_county_is_not_taken_for_its_prefecture():
    # no county named as the page's own, two counties mentioned, but 全县/县直: not a prefecture
    meta, findings = meta_of(
        "12345热线2024年3月份运行情况通报", "一、总体情况", "3月份，全县共受理诉求7900件，县直单位办结率99%。章贡区、南康区来电转办各1件。"
    )
    assert place(meta) == ("", "", "")
    assert finding(findings, "county_ambiguous")


# ---- zones the registry files under another city ------------------------------------------------


def test_zone_named_as_the_page_owner_is_the_city():
    meta, _ = meta_of("一、总体情况", "2024年5月，雄安新区12345热线共受理诉求3000件。")
    assert place(meta) == ("河北省", "雄安新区", "")
    assert meta.period == "2024-05"


def test_prefecture_bulletin_naming_townships_of_one_county_stays_the_prefecture():
    # 鸣凤镇 and 旧县镇 are 远安县's, but the page reports on 远安县 beside two other counties of 宜昌市
    meta, findings = meta_of(
        "2024年3月份市12345热线运行情况通报",
        "一、总体情况",
        "3月份，全市共受理诉求41200件，其中夷陵区5200件，当阳市4100件，远安县2300件。",
        "热点区域集中在鸣凤镇、旧县镇。",
    )
    assert place(meta) == ("湖北省", "宜昌市", "")
    assert "county_ambiguous" in [f["check"] for f in findings]
