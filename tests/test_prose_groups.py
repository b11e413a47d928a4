"""Issue 14, prose groups 1-5, on sentences written for the test (places and numbers invented;
the phrasing imitates bulletins of other counties). Each expected value is read off the sentence."""

from __future__ import annotations

from extractor.model import Document, Paragraph
from extractor.prose import prose_values


def rows_of(*paragraphs: str, county: str = "") -> list[dict]:
    doc = Document(source="t", format="text", blocks=[Paragraph(p) for p in paragraphs])
    return prose_values(doc, "t", county, "2024-05")[0]


def quads(rows: list[dict]) -> list[tuple]:
    return [(r["unit_raw"], r["parent_unit"], r["metric"], r["value"]) for r in rows]


# --------------------------------------------------------------------------- 4. counts that are not 件


def test_counts_of_units_are_other_with_what_is_counted():
    rows = rows_of("青石镇、白沙乡、柳溪镇等3个乡镇和县水利局等7个县直单位工单按期办结率低于80%。")
    assert quads(rows) == [
        ("青石镇、白沙乡、柳溪镇等3个乡镇", "", "other", 3),
        ("县水利局等7个县直单位", "", "other", 7),
    ]
    assert [r["column_raw"] for r in rows] == ["个乡镇", "个县直单位"]


def test_jia_and_qi_are_not_orders():
    rows = rows_of("评价为A类的有41家，B类3家。", "本月编发热线专报2期。")
    assert [(r["metric"], r["value"]) for r in rows] == [("other", 41), ("other", 3), ("other", 2)]
    assert "received" not in {r["metric"] for r in rows}


def test_group_then_distributed_rate():
    # "均为100%": one figure said of the whole group
    rows = rows_of("水务局、交通局、文旅局等5个单位按期办结率、满意率均为100%。")
    assert quads(rows)[0] == ("水务局、交通局、文旅局等5个单位", "", "other", 5)
    assert rows[1]["unit_raw"] == "水务局、交通局、文旅局等5个单位" and rows[1]["value"] == 100


# --------------------------------------------------------------------------- 5. scale and format: scores


def test_scores_and_scale():
    rows = rows_of("各县区(共3家,满分为120分):北川县考评得分为118.5分,南岭县116分,西坪县109.25分。")
    assert quads(rows) == [
        ("各县区", "", "other", 3),
        ("各县区", "", "other", 120),
        ("北川县", "", "score", 118.5),
        ("南岭县", "", "score", 116),
        ("西坪县", "", "score", 109.25),
    ]


def test_part_score_after_a_rate_and_penalties_are_not_scores():
    rows = rows_of("市燃气公司回访满意率60%,得分为11.5分。", "每超期1件扣0.5分。", "8时30分开通。")
    assert quads(rows) == [("市燃气公司", "", "satisfaction_rate", 60), ("市燃气公司", "", "score_part", 11.5)]


# --------------------------------------------------------------------------- 1. the subject


def test_hotline_and_its_platform_names_are_the_total():
    rows = rows_of("12345热线、网络问政平台共受理群众诉求1904件，同比下降3.2%。")
    assert quads(rows) == [("", "", "received", 1904), ("", "", "yoy", -3.2)]


def test_quoted_channel_names_are_subjects():
    rows = rows_of('其中"县长信箱"来信21件，"市民留言板"来信4件，"省12345平台"转派工单9件。')
    assert [(r["unit_raw"], r["metric"], r["value"]) for r in rows] == [
        ("县长信箱", "received", 21),
        ("市民留言板", "received", 4),
        ("省12345平台", "received", 9),
    ]


def test_channel_sections_own_their_figures():
    rows = rows_of(
        "(一)便民热线",
        "3月,12345便民热线共受理群众各类诉求812件,应办结812件,办结805件,办结率99.14%。",
        "(二)县长信箱",
        "3月,全县共受理群众来信36件,实际办结36件。诉求涉及乡镇3个。",
        "二、热点问题",
        "3月,共受理供水类问题40件。",
    )
    assert quads(rows) == [
        ("便民热线", "", "received", 812),
        ("便民热线", "", "due", 812),
        ("便民热线", "", "completed", 805),
        ("便民热线", "", "completion_rate", 99.14),
        ("县长信箱", "", "received", 36),
        ("县长信箱", "", "completed", 36),
        ("县长信箱", "", "other", 3),
        ("供水类问题", "", "received", 40),
    ]
    assert rows[6]["column_raw"] == "乡镇3个"


# --------------------------------------------------------------------------- 2. the metric from the nearest word


def test_metric_from_the_word_nearest_the_number():
    rows = rows_of("本月共受理诉求960件,应办结940件,按期回复921件,已解决870件。")
    assert [(r["metric"], r["value"]) for r in rows] == [
        ("received", 960),
        ("due", 940),
        ("ontime_completed", 921),
        ("resolved", 870),
    ]


def test_absolute_change_then_percent_change():
    rows = rows_of("本月受理群众诉求1240件,同比增加64件,增幅5.44%。住房类96件,占7.74%,同比减幅12.73%。")
    assert quads(rows) == [
        ("", "", "received", 1240),
        ("", "", "other", 64),  # an absolute change: other, signed, its words in column_raw
        ("", "", "yoy", 5.44),  # 增幅 after a 同比 change is the same basis
        ("住房类", "", "received", 96),
        ("住房类", "", "share", 7.74),
        ("住房类", "", "yoy", -12.73),
    ]
    assert rows[1]["column_raw"] == "同比增加"
    assert triples_of(rows_of("本周受理工单311件,比上周增长4.2%。"))[1] == ("", "mom", 4.2)


def triples_of(rows: list[dict]) -> list[tuple]:
    return [(r["unit_raw"], r["metric"], r["value"]) for r in rows]


# --------------------------------------------------------------------------- 3. nested and distributed figures


def test_subset_with_its_own_figures():
    rows = rows_of("本月接听群众来电5120个,其中转办1310件,办结1208件,办结率92.21%;直办3810件,直办率74.41%。")
    assert quads(rows) == [
        ("来电", "", "received", 5120),
        ("转办", "来电", "received", 1310),
        ("转办", "来电", "completed", 1208),
        ("转办", "来电", "completion_rate", 92.21),
        ("直办", "来电", "received", 3810),
        ("直办", "来电", "share", 74.41),
    ]


def test_subset_without_figures_of_its_own_keeps_its_word_as_metric():
    rows = rows_of("县长信箱:本月共收到各类信件12件,其中转办9件、直接办结答复3件。")
    assert [(r["unit_raw"], r["metric"], r["value"]) for r in rows] == [
        ("县长信箱", "received", 12),
        ("县长信箱", "other", 9),
        ("县长信箱", "other", 3),
    ]


def test_one_figure_for_several_rates():
    rows = rows_of("有5个单位按时办结率、回复率、满意率均为100%。")
    got = sorted((r["metric"], r["value"]) for r in rows if r["value"] == 100)
    assert got == [("ontime_rate", 100), ("other", 100), ("satisfaction_rate", 100)]  # 回复率 has no id
    assert len({r["text"] for r in rows if r["value"] == 100}) == 1  # one printed phrase


def test_list_of_units_after_a_total():
    rows = rows_of("本月逾期工单共9件,其中:水务局4件;交通局3件;文旅局2件。")
    assert quads(rows) == [
        ("", "", "overdue", 9),
        ("水务局", "", "overdue", 4),
        ("交通局", "", "overdue", 3),
        ("文旅局", "", "overdue", 2),
    ]


def test_qualified_split_of_the_total():
    rows = rows_of("本月共受理诉求4100件,其中有效诉求3690件,占总量的90%;无效诉求410件,占总量的10%。")
    assert [(r["unit_raw"], r["metric"], r["value"]) for r in rows] == [
        ("", "received", 4100),
        ("有效诉求", "received", 3690),
        ("有效诉求", "share", 90),
        ("无效诉求", "received", 410),
        ("无效诉求", "share", 10),
    ]


def test_each_of_a_list_of_names():
    rows = rows_of("本月重复派发工单6件,其中城关镇3件,林业局、住房和城乡建设局及供水公司各1件。")
    assert quads(rows) == [
        ("", "", "rework", 6),
        ("城关镇", "", "rework", 3),
        ("林业局", "", "rework", 1),
        ("住房和城乡建设局", "", "rework", 1),
        ("供水公司", "", "rework", 1),
    ]
    assert len({r["text"] for r in rows[2:]}) == 1  # one printed phrase for the three


def test_completed_orders_dispatched_from_above_are_completed():
    rows = rows_of("9月份,某某县政府服务热线中心共办结市级平台下派工单412件,其中不满意工单0件,满意率100%。")
    assert quads(rows)[0] == ("", "", "completed", 412)


def test_numbered_title_sentence_names_the_category():
    rows = rows_of("2.道路交通类问题。共受理412件,占比11.3%。反映占道经营等问题较多。")
    assert [(r["unit_raw"], r["metric"], r["value"]) for r in rows] == [("道路交通类", "received", 412), ("道路交通类", "share", 11.3)]
    # a numbered finding is not a subject
    rows = rows_of("(三)回复质量不高。本月满意率为91.2%。")
    assert [(r["unit_raw"], r["metric"], r["value"]) for r in rows] == [("", "satisfaction_rate", 91.2)]


def test_source_of_the_orders_is_not_their_subject():
    rows = rows_of("本月,我县12345热线共接收市热线中心转来的市民工单2210件,较上期相比增长了87件。")
    assert quads(rows) == [("", "", "received", 2210), ("", "", "other", 87)]


def test_scores_in_brackets_with_and_without_their_unit_word():
    rows = rows_of("综合考核排名前三位的是:供水公司(100)、人社局(99.5分)和林业局(98分)。")
    assert [(r["unit_raw"], r["metric"], r["value"]) for r in rows] == [
        ("供水公司", "score", 100),
        ("人社局", "score", 99.5),
        ("林业局", "score", 98),
    ]


# --------------------------------------------------------------------------- bad input


def test_back_reference_takes_the_title_or_is_unclear():
    rows = rows_of("(二)反映供暖不热较多。本月共办理此类工单31件,满意率88%。")
    assert [(r["unit_raw"], r["metric"], r["value"]) for r in rows] == [("供暖不热", "other", 31), ("供暖不热", "satisfaction_rate", 88)]
    doc = Document(source="t", format="text", blocks=[Paragraph("本月共办理此类工单31件,满意率88%。")])
    rows, findings = prose_values(doc, "t", "", "2024-05")
    assert rows == []
    assert [f["check"] for f in findings] == ["prose_subject_unclear", "prose_subject_unclear"]
    assert findings[0]["severity"] == "warning" and findings[0]["printed"] == "本月共办理此类工单31件"


def test_stripped_numbers_warn_and_give_no_row():
    doc = Document(source="t", format="text", blocks=[Paragraph("本月共受理群众诉求件,同比增长%,办结率%。")])
    rows, findings = prose_values(doc, "t", "", "2024-05")
    assert rows == [] and {f["check"] for f in findings} == {"prose_number_missing"} and len(findings) == 3


# --------------------------------------------------------------------------- 1-3. subject, subsets, status after a count


def test_lone_order_noun_after_the_hotline_is_the_total_and_its_subset_named():
    rows = rows_of("12345市民热线服务中心共受理群众来电(留言)5120件,其中转办1300件。")
    assert quads(rows) == [("", "", "received", 5120), ("转办", "", "received", 1300)]


def test_a_channels_transfer_stays_a_status_of_the_channel():
    rows = rows_of("县长信箱:本月共收到各类信件40件,其中转办40件。")
    assert quads(rows) == [("县长信箱", "", "received", 40), ("县长信箱", "", "other", 40)]


def test_status_after_a_count_passes_to_its_breakdown():
    rows = rows_of("5月份有8件逾期,其中东湖街道3件,县水务局及县电力公司各1件。")
    assert quads(rows) == [
        ("", "", "overdue", 8),
        ("东湖街道", "", "overdue", 3),
        ("县水务局", "", "overdue", 1),
        ("县电力公司", "", "overdue", 1),
    ]


def test_a_breakdown_splits_the_count_right_before_its_marker():
    rows = rows_of("本月热线中心共接到省级平台转办20件;接听群众来电900个,其中转办200件,办结150件;直办700件,直办率77.78%。")
    assert quads(rows)[2:] == [
        ("转办", "来电", "received", 200),
        ("转办", "来电", "completed", 150),
        ("直办", "来电", "received", 700),
        ("直办", "来电", "share", 77.78),
    ]
