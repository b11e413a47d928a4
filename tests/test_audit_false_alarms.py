"""False alarms the audit must not raise, each on a small table typed in for the test.

Every printed and expected value below was worked out by hand (the arithmetic is in the
comments): a rate column whose numerator is not printed, a 其中 sub-row, a score capped at
the points its header states.
"""

from __future__ import annotations

from extractor.audit import audit, audit_table
from extractor.audit.model import Column, Row, Table
from extractor.audit.rounding import Printed
from extractor.model import Cell, Document, RawTable
from extractor.tables import build_tables


def errors(findings: list[dict]) -> list[dict]:
    return [f for f in findings if f["severity"] == "error"]


def rework_table(rows: list[tuple[int, str]]) -> Table:
    """返工数 and 返工率, typed in: (rework count, printed rate). No base column is printed."""
    columns = [Column("k", "返工数", "rework", "count"), Column("rate", "返工率", "rework_rate", "percent")]
    body = [Row(i, f"单位{i}", i + 1, {"k": Printed.of(k), "rate": Printed.parse(r)}) for i, (k, r) in enumerate(rows)]
    return Table(columns, body, number=1)


# --------------------------------------------------------------------------- hidden numerator


def test_a_column_its_guessed_numerator_does_not_explain_is_unverifiable_not_wrong():
    # No whole N gives 1/N = 13.00% (1/7 = 14.29%, 1/8 = 12.50%), 2/N = 21.00% (2/9 = 22.22%,
    # 2/10 = 20.00%), 4/N = 35.00% (4/11 = 36.36%, 4/12 = 33.33%), 3/N = 11.00% (3/27 = 11.11%,
    # 3/28 = 10.71%); only 2/8 = 25.00% fits. Four of five rows fail: the rate is of some other,
    # unprinted count, and the column says nothing about errors.
    table = rework_table([(1, "13.00%"), (2, "21.00%"), (4, "35.00%"), (3, "11.00%"), (2, "25.00%")])
    found = audit_table(table)
    assert not errors(found)
    failing = [f for f in found if f["check"] == "unverifiable_base" and "fail this test" in f["message"]]
    assert sorted(f["unit_raw"] for f in failing) == ["单位0", "单位1", "单位2", "单位3"]
    assert all(f["severity"] == "info" for f in failing)
    assert "4 of the 5 rows" in failing[0]["message"]
    passing = [f for f in found if f["unit_raw"] == "单位4"]
    assert [(f["check"], f["expected"]) for f in passing] == [("unverifiable_base", "base 8")]


def test_a_row_the_numerator_its_column_supports_cannot_give_is_an_error():
    # 1/7 = 14.29%, 2/25 = 8.00%, 3/25 = 12.00%: each fits one base only, so 返工数 is the
    # numerator; 2/N = 13.00% has no whole N (2/15 = 13.33%, 2/16 = 12.50%).
    table = rework_table([(1, "14.29%"), (2, "8.00%"), (3, "12.00%"), (2, "13.00%")])
    (wrong,) = errors(audit_table(table))
    assert (wrong["check"], wrong["unit_raw"], wrong["printed"]) == ("rate", "单位3", "13.00%")
    assert "no whole number N gives 2/N = 13.00%" in wrong["message"]


# --------------------------------------------------------------------------- 其中 sub-rows


def _sum_table(second_label: str, total_received: str = "65") -> list[dict]:
    """交通局 30 (其中 交警大队 12), 教育局 20, 卫健局 15: 30 + 20 + 15 = 65; 28 + 20 + 14 = 62."""
    rows = [
        ["单位", "受理", "办结"],
        ["交通局", "30", "28"],
        [second_label, "12", "11"],
        ["教育局", "20", "20"],
        ["卫健局", "15", "14"],
        ["合计", total_received, "62"],
    ]
    raw = RawTable(cells=[Cell(text, r, c) for r, row in enumerate(rows) for c, text in enumerate(row)])
    return audit(build_tables(Document("t.txt", "text", blocks=[raw])), [], "t.txt")


def test_a_sub_row_is_part_of_the_row_above_not_a_peer_in_the_sum():
    assert not errors(_sum_table("其中：交警大队"))


def test_the_same_row_without_its_marker_is_a_peer_and_the_sum_fails():
    # 30 + 12 + 20 + 15 = 77, printed 65; 28 + 11 + 20 + 14 = 73, printed 62: shows the first
    # test is not passing by accident
    found = errors(_sum_table("交警大队"))
    assert sorted((f["check"], f["column"], f["printed"], f["expected"]) for f in found) == [
        ("column_total", "办结", "62", "73"),
        ("column_total", "受理", "65", "77"),
    ]


def test_a_wrong_total_beside_a_sub_row_is_still_an_error():
    (wrong,) = errors(_sum_table("其中：交警大队", total_received="66"))
    assert (wrong["check"], wrong["printed"], wrong["expected"]) == ("column_total", "66", "65")


# --------------------------------------------------------------------------- capped scores


def early_table(group: str, rows: list[tuple[str, str]]) -> Table:
    """提前率 and its 得分 under one group header, typed in: (printed rate, printed score)."""
    columns = [
        Column("rate", f"{group} / 提前率", "early_rate", "percent", (group, "提前率")),
        Column("score", f"{group} / 得分", "score_part", "score", (group, "得分")),
    ]
    body = [Row(i, f"单位{i}", i + 1, {"rate": Printed.parse(r), "score": Printed.parse(s)}) for i, (r, s) in enumerate(rows)]
    return Table(columns, body, number=1)


# 得分 = 提前率 / 90% × 10: 81/90 × 10 = 9.00, 45/90 × 10 = 5.00, 72/90 × 10 = 8.00, 63/90 × 10 = 7.00;
# 100/90 × 10 = 11.11, but the column is worth 10 points.
SCORES = [("90.00%", "10.00"), ("81.00%", "9.00"), ("45.00%", "5.00"), ("72.00%", "8.00"), ("100.00%", "10.00"), ("63.00%", "7.00")]


def test_a_score_capped_at_its_stated_points_is_not_an_error():
    assert not errors(audit_table(early_table("提前率（10分）", SCORES)))


def test_without_stated_points_the_same_score_is_an_error():
    (wrong,) = errors(audit_table(early_table("提前率", SCORES)))
    assert (wrong["check"], wrong["unit_raw"], wrong["printed"], wrong["expected"]) == ("score_scaled", "单位4", "10.00", "11.11")


def test_a_capped_column_still_catches_a_wrong_score():
    # 54/90 × 10 = 6.00, printed 7.00
    (wrong,) = errors(audit_table(early_table("提前率（10分）", [*SCORES, ("54.00%", "7.00")])))
    assert (wrong["check"], wrong["unit_raw"], wrong["printed"], wrong["expected"]) == ("score_scaled", "单位6", "7.00", "6.00")
