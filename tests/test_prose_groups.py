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
