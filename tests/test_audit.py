"""The arithmetic audit (extractor/audit) on the seeds, on planted errors and on typed-in tables.

Every printed and expected value asserted here was worked out by hand from the seed texts
in fixtures/bulletins/text/ (see fixtures/audit/seed_errors.csv for the arithmetic).
"""

from __future__ import annotations

import sys
from fractions import Fraction
from functools import cache
from pathlib import Path

import pytest

from extractor.audit import audit, audit_table
from extractor.audit.model import Column, Row, Table
from extractor.audit.rounding import Printed, fitting_conventions, implied_bases, largest_remainder
from extractor.readers import read
from extractor.tables import build_tables
from extractor.values import table_values

ROOT = Path(__file__).resolve().parents[1]
TEXT = ROOT / "fixtures" / "bulletins" / "text"
PLANTED = ROOT / "fixtures" / "audit" / "planted" / "html"


@cache
def findings_of(path: Path) -> list[dict]:
    """Tables and, when the prose stage exists, prose values, as the pipeline feeds them."""
    doc = read(path)
    tables = build_tables(doc)
    values, _ = table_values(tables, str(path))
    try:
        from extractor.prose import prose_values
    except ImportError:
        prose_values = None
    if prose_values is not None:
        values = values + prose_values(doc, str(path), "", "")[0]
    return audit(tables, values, str(path))


def seed(slug: str) -> list[dict]:
    return findings_of(TEXT / f"{slug}.txt")


def planted(plant: str) -> list[dict]:
    return findings_of(PLANTED / f"{plant}.html")


def errors(findings: list[dict]) -> list[dict]:
    return [f for f in findings if f["severity"] == "error"]


def one(findings: list[dict], **where) -> dict:
    hits = [f for f in findings if all(str(f[k]) == str(v) for k, v in where.items())]
    assert len(hits) == 1, (where, [(f["check"], f["unit_raw"], f["column"], f["message"]) for f in findings])
    return hits[0]


def has_prose() -> bool:
    try:
        import extractor.prose  # noqa: F401
    except ImportError:
        return False
    return True


# --------------------------------------------------------------------------- real seed errors


def test_wanzai_share_of_towns():
    # 304/1383 = 0.219812 → 21.98%, printed 25.32%
    f = one(seed("wanzai-2023-12"), table=2, unit_raw="乡镇（街道）", column="占比")
    assert (f["check"], f["severity"], f["printed"], f["expected"]) == ("rate", "error", "25.32%", "21.98%")
    assert "304/1383 = 21.98%, printed 25.32%" in f["message"]


def test_wanzai_city_bureau_group_score_and_composite():
    found = seed("wanzai-2023-12")
    group = one(found, table=6, unit_raw="城管局", column="按期办结率情况（40分） / 得分", check="score_sum")
    assert (group["severity"], group["printed"], group["expected"]) == ("error", "38.73", "39.23")  # 9.23 + 30.00
    composite = one(found, table=6, unit_raw="城管局", column="综合得分（100分）")
    # 38.73 + 25.56 + 10.00 + 5 + 4.85 + 5.00 + 0.00 = 89.14
    assert (composite["check"], composite["severity"], composite["printed"], composite["expected"]) == (
        "score_sum",
        "error",
        "89.20",
        "89.14",
    )


def test_wanzai_baishui_township_ranked_too_low():
    # 81.66 is listed 14th, below 潭埠镇's 71.14; 8 towns score more (白良镇 82.21 is 8th) → 9th
    f = one(seed("wanzai-2023-12"), table=5, unit_raw="白水乡", check="rank_order")
    assert (f["severity"], f["printed"], f["expected"]) == ("error", "81.66", "rank 9")
    assert "below 71.14" in f["message"]


@pytest.mark.skipif(not has_prose(), reason="needs the prose stage")
def test_pingjiang_category_shares_fit_2040_not_1263():
    f = one(seed("pingjiang-2024-05"), unit_raw="市场管理类", check="share_base")
    # 426/1263 = 33.73%; 426/2040 = 20.88%, and 223, 218, 188, 158 of 2040 give the other printed shares
    assert (f["severity"], f["printed"], f["expected"]) == ("error", "20.88%", "33.73%")
    assert "2040" in f["message"]
    assert len([g for g in seed("pingjiang-2024-05") if g["check"] == "share_base"]) == 5


# --------------------------------------------------------------------------- never cry wolf


def test_pingjiang_dissatisfaction_rate_is_unverifiable_not_wrong():
    found = [f for f in seed("pingjiang-2024-05") if f["column"] == "回访不满意率"]
    assert found and not errors(found)
    # 2/46 = 4.348% → 4.35% (2/45 = 4.44%, 2/47 = 4.26%): the only base
    f = one(found, unit_raw="平江县人力资源和社会保障局")
    assert (f["check"], f["severity"], f["expected"]) == ("unverifiable_base", "info", "base 46")
    # 1/47 = 2.128% → 2.13% (1/46 = 2.17%, 1/48 = 2.08%)
    assert one(found, unit_raw="平江县教育局")["expected"] == "base 47"


@pytest.mark.parametrize("slug", ["wengyuan-2022-06", "changji-2025-04", "pingjiang-2024-05"])
def test_no_error_on_clean_tables(slug):
    assert not [f for f in errors(seed(slug)) if f["table"] != ""]


def test_only_the_real_errors_in_baishui():
    # 供销联社: 100 + 1.5 − 6 = 95.5, printed 96.5; every other row of both annexes adds up
    found = errors(seed("baishui-2024q1"))
    assert [(f["table"], f["unit_raw"], f["printed"], f["expected"]) for f in found] == [(2, "供销联社", "96.5", "95.5")]


# --------------------------------------------------------------------------- planted errors


def test_planted_dissatisfied_count_breaks_satisfaction_rate():
    # 龙仙镇 不满意 16 → 15: (97 − 15)/97 = 84.54%, printed 83.51%; 5 + 71 + 15 + 5 = 96 ≠ 97
    found = planted("wengyuan-02")
    rate = one(found, unit_raw="龙仙镇", check="rate")
    assert (rate["severity"], rate["printed"], rate["expected"]) == ("error", "83. 51%", "84.54%")
    assert one(found, unit_raw="龙仙镇", check="row_sum")["expected"] == "96"
    total = one(found, unit_raw="总计:", check="column_total")  # 不满意 column adds up to 90, printed 91
    assert (total["printed"], total["expected"]) == ("91", "90")


def test_planted_subunit_points_change_the_parent_score():
    # 房管所 减分值 6 → 5: 住建局 = 100 + (3.6 + 4.1) − (4 + 5) = 98.7, printed 97.7
    f = one(planted("baishui-09"), unit_raw="住建局", check="score_points")
    assert (f["severity"], f["printed"], f["expected"]) == ("error", "97.7", "98.7")


def test_planted_rework_count():
    # 城管局 返工数 9 → 12: 12/89 = 13.48%, printed 10.11%
    f = one(planted("pingjiang-01"), unit_raw="平江县城管局", column="返工率")
    assert (f["check"], f["severity"], f["printed"], f["expected"]) == ("rate", "error", "10.11%", "13.48%")


def test_planted_count_no_base_can_explain():
    # 城管局 回访不满意数 11 → 13: 13/106 = 12.26%, 13/107 = 12.15%: no whole base prints 12.22%
    f = one(planted("pingjiang-10"), unit_raw="平江县城管局", column="回访不满意率")
    assert (f["check"], f["severity"]) == ("rate", "error")
    assert "no whole number N gives 13/N = 12.22%" in f["message"]


def test_planted_subunit_total_chooses_one_set_of_rows():
    # 交通局 延期量 1 → 2: with sub-units 2 + 1 (房管所) + 1 (退役军人事务局) = 4, printed 3; the
    # top-level rows alone happen to give 3, but 逾期量 6 and 重办量 8 only add up with sub-units
    f = one(planted("baishui-10"), unit_raw="总计", column="延期量")
    assert (f["check"], f["severity"], f["printed"], f["expected"]) == ("column_total", "error", "3", "4")


def test_planted_swapped_rank():
    # 罗城镇 92.75 and 马步乡 90.85 swapped in 附件2 (按综合得分排名)
    found = [f for f in planted("wanzai-18") if f["check"] == "rank_order"]
    assert {f["unit_raw"] for f in found} & {"罗城镇", "马步乡"}
    assert all(f["severity"] == "error" for f in found if f["unit_raw"] in ("罗城镇", "马步乡"))


def test_undetectable_plant_raises_no_error():
    # 人社局 回访不满意数 2 → 3: 3/69 = 4.348% → 4.35% as well
    found = [f for f in planted("pingjiang-u1") if f["column"] == "回访不满意率"]
    assert not errors(found)
    assert one(found, unit_raw="平江县人力资源和社会保障局")["expected"] == "base 69"


# --------------------------------------------------------------------------- rounding conventions


def test_conventions_of_one_number():
    assert fitting_conventions(Printed.of("0.12"), Fraction(1, 8)) == {"half_even", "truncate"}  # 0.125
    assert fitting_conventions(Printed.of("0.13"), Fraction(1, 8)) == {"half_up"}
    assert fitting_conventions(Printed.of("99.98", percent=True), Fraction(99986, 1000)) == {"truncate"}
    assert largest_remainder([1, 1, 1], 2) == [Fraction(3334, 100), Fraction(3333, 100), Fraction(3333, 100)]
    assert list(implied_bases(2, Printed.of("4.35", percent=True), max_base=1000)) == [46]


def rate_table(rows: list[tuple[int, int, str]]) -> Table:
    """办结 / 受理 = 办结率, typed in: (received, completed, printed rate)."""
    columns = [
        Column("recv", "受理", "received", "count"),
        Column("done", "办结", "completed", "count"),
        Column("rate", "办结率", "completion_rate", "percent"),
    ]
    body = [
        Row(i, f"单位{i}", i + 1, {"recv": Printed.of(n), "done": Printed.of(k), "rate": Printed.parse(r)})
        for i, (n, k, r) in enumerate(rows)
    ]
    return Table(columns, body, number=1)


def test_truncating_table_is_accepted():
    # 2/3 = 66.67 rounded, 66.66 truncated; 1/7 = 14.2857; 5/7 = 71.4286; 5/6 = 83.333
    table = rate_table([(3, 2, "66.66%"), (7, 1, "14.28%"), (7, 5, "71.42%"), (6, 5, "83.33%"), (3, 1, "33.33%")])
    assert not errors(audit_table(table))


def test_half_even_table_is_accepted():
    # 12.5 → 12, 62.5 → 62 (half to even); 37.5 → 38 and 87.5 → 88 either way
    table = rate_table([(8, 1, "12%"), (8, 3, "38%"), (8, 5, "62%"), (8, 7, "88%"), (4, 1, "25%")])
    assert not errors(audit_table(table))


def test_a_wrong_row_in_a_rounded_table_is_an_error():
    table = rate_table([(8, 1, "12.50%"), (8, 3, "37.50%"), (3, 2, "66.67%"), (7, 1, "14.29%"), (7, 5, "75.14%")])
    (f,) = errors(audit_table(table))
    assert (f["unit_raw"], f["printed"], f["expected"]) == ("单位4", "75.14%", "71.43%")  # 5/7 = 71.43%


def test_report_lists_errors_and_counts_notes():
    from rich.console import Console

    from extractor.audit.report import render_findings

    console = Console(width=200, record=True)
    console.print(render_findings(seed("wanzai-2023-12"), title="wanzai"))
    text = console.export_text()
    assert "7 errors" in text and "304/1383 = 21.98%" in text
    assert "unverifiable" not in text.split("notes (not errors)")[0]  # info only summed up


if __name__ == "__main__":  # pragma: no cover
    sys.exit(pytest.main([__file__, "-q"]))


def _prose_findings(*paragraphs: str) -> list[dict]:
    from extractor.model import Document, Paragraph
    from extractor.prose import prose_values

    doc = Document("t.txt", "text", blocks=[Paragraph(p) for p in paragraphs])
    return audit([], prose_values(doc, "t.txt", "某县", "2024-03")[0], "t.txt")


def test_a_list_that_splits_its_total_establishes_the_base_even_when_short():
    """Three types adding up to the total (1402 + 431 + 323 = 2156): their shares are of 2156,
    so a share that misses it is an error, not a hidden base (431/2156 = 19.99%)."""
    base = "本月共受理群众诉求2156件。其中投诉类1402件，占比65.03%；咨询类431件，占比{}；求助类323件，占比14.98%。"
    assert not errors(_prose_findings(base.format("19.99%")))
    (wrong,) = errors(_prose_findings(base.format("21.99%")))
    assert (wrong["check"], wrong["unit_raw"], wrong["printed"], wrong["expected"]) == ("share", "咨询类", "21.99%", "19.99%")
    assert "add up to 2156" in wrong["message"]


def test_largest_remainder_shares_of_a_split_total_are_not_errors():
    """1 + 1 + 1 = 3 printed 33.34% / 33.33% / 33.33% (forced to add up to 100%): 33.34% is no
    rounding of 33.333…%, but the largest-remainder method gives it."""
    text = "本月共受理群众诉求3件。其中投诉类1件，占比33.34%；咨询类1件，占比33.33%；求助类1件，占比33.33%。"
    assert not errors(_prose_findings(text))
