"""Prose checks of the audit on sentences written for the test (values.csv rows typed in).

The arithmetic of every expected verdict is in the comments."""

from __future__ import annotations

from extractor.audit.narrative import check_prose


def v(unit: str, metric: str, value: float | int, text: str, parent: str = "", row: int = 1) -> dict:
    return {"table": "", "row": row, "unit_raw": unit, "parent_unit": parent, "metric": metric, "value": value, "text": text}


def by_severity(findings: list[dict], severity: str) -> list[dict]:
    return [f for f in findings if f["severity"] == severity]


def group_share(printed: str) -> list[dict]:
    # 本月受理100件。前三位：甲类30件、乙类20件、丙类10件，占总量的<printed>。
    return [
        v("", "received", 100, "受理100件"),
        v("甲类", "received", 30, "甲类30件"),
        v("乙类", "received", 20, "乙类20件"),
        v("丙类", "received", 10, "丙类10件"),
        v("丙类", "share", float(printed.rstrip("%")), f"占总量的{printed}"),
    ]


def test_a_share_of_the_three_counts_listed_together_is_not_an_error_of_the_last():
    # 10/N = 60.00% has no whole N (10/16 = 62.50%, 10/17 = 58.82%), but 30 + 20 + 10 = 60 and 60/100 = 60.00%.
    found = check_prose(group_share("60.00%"))
    assert not by_severity(found, "error")
    assert any("30 + 20 + 10 = 60, over 100" in f["message"] for f in by_severity(found, "info"))


def test_a_share_no_group_and_no_base_explains_stays_an_error():
    # 61.00%: 10/16 = 62.50%, 10/17 = 58.82%; the groups give 10, 30, 60 of 100 = 10/30/60%: none is 61.00%.
    found = by_severity(check_prose(group_share("61.00%")), "error")
    assert [f["unit_raw"] for f in found] == ["丙类"]


def sibling(printed: str) -> list[dict]:
    # 受理100件，当场答复60件，转办40件，办结30件，办结率<printed>。
    return [
        v("", "received", 100, "受理100件"),
        v("当场答复", "received", 60, "当场答复60件"),
        v("转办", "received", 40, "转办40件"),
        v("转办", "completed", 30, "办结30件"),
        v("转办", "completion_rate", float(printed.rstrip("%")), f"办结率{printed}"),
    ]


def test_a_rate_of_a_sibling_part_plus_the_count_is_not_an_error():
    # 30/N = 90.00% has no whole N (30/33 = 90.91%, 30/34 = 88.24%); 60 + 40 = 100 and (60 + 30)/100 = 90.00%.
    found = check_prose(sibling("90.00%"))
    assert not by_severity(found, "error")
    assert any("(60 + 30)/100 = 90.00%" in f["message"] for f in found)


def test_a_rate_no_reading_explains_is_an_error():
    # 91.50%: 30/32 = 93.75%, 30/33 = 90.91%; (60 + 30)/100 = 90.00%: no reading gives it.
    found = by_severity(check_prose(sibling("91.50%")), "error")
    assert [(f["check"], f["unit_raw"]) for f in found] == [("rate", "转办")]


def change(printed: str, word: str = "增加", n: int = 20) -> list[dict]:
    # 受理200件，同比<word><n>件，增幅<printed>。
    signed = -n if word == "减少" else n
    return [
        v("", "received", 200, "受理200件"),
        v("", "other", signed, f"同比{word}{n}件"),
        v("", "yoy", float(printed.rstrip("%")), f"增幅{printed}"),
    ]


def test_an_absolute_change_that_agrees_with_its_percent_passes():
    # last year 200 − 20 = 180, and 20/180 = 11.11%.
    assert not check_prose(change("11.11%"))


def test_an_absolute_change_that_contradicts_its_percent_is_an_error():
    # 20/180 = 11.11%, printed 12.00%.
    found = by_severity(check_prose(change("12.00%")), "error")
    assert [f["check"] for f in found] == ["change"]
    assert "last period 180" in found[0]["message"] and "+20/180 = 11.11%" in found[0]["message"]


def test_a_fall_agrees_with_its_percent():
    # 减少20件: last year 220, and −20/220 = −9.09%.
    assert not check_prose(change("-9.09%", "减少"))


def test_a_count_that_falls_by_more_than_100_percent_is_an_error():
    values = [v("", "received", 50, "受理50件"), v("其他类", "received", 3, "其他类3件"), v("其他类", "yoy", -120.0, "同比减幅120%")]
    found = by_severity(check_prose(values), "error")
    assert [(f["check"], f["unit_raw"]) for f in found] == [("impossible_change", "其他类")]


def test_a_fall_within_100_percent_is_not_impossible():
    values = [v("", "received", 50, "受理50件"), v("其他类", "received", 3, "其他类3件"), v("其他类", "yoy", -40.0, "同比减幅40%")]
    assert not [f for f in check_prose(values) if f["check"] == "impossible_change"]


def listed(other: int) -> list[dict]:
    # 受理100件：甲类50件占50.00%，乙类30件占30.00%，其他类<other>件占<other>.00%。
    return [
        v("", "received", 100, "受理100件"),
        v("甲类", "received", 50, "甲类50件"),
        v("甲类", "share", 50.0, "占50.00%"),
        v("乙类", "received", 30, "乙类30件"),
        v("乙类", "share", 30.0, "占30.00%"),
        v("其他类", "received", other, f"其他类{other}件"),
        v("其他类", "share", float(other), f"占{other}.00%"),
    ]


def test_a_list_with_a_catch_all_item_that_misses_its_total_is_a_warning():
    # 50 + 30 + 15 = 95, the shares are of 100.
    found = [f for f in check_prose(listed(15)) if f["check"] == "list_sum"]
    assert [(f["severity"], f["expected"]) for f in found] == [("warning", "100")]
    assert "add up to 95" in found[0]["message"]


def test_a_list_with_a_catch_all_item_that_covers_its_total_passes():
    # 50 + 30 + 20 = 100.
    assert not check_prose(listed(20))


def named(count_text: str, k: int, printed: str) -> list[dict]:
    # 受理2000件。<count_text>，快速办结率为<printed>。
    return [
        v("", "received", 2000, "受理2000件"),
        v("", "other", k, count_text),
        v("", "early_rate", float(printed.rstrip("%")), f"快速办结率为{printed}"),
    ]


def test_a_rate_named_after_the_count_before_it_that_no_base_gives_is_an_error():
    # 1500/N = 86.69%: 1500/1730 = 86.71%, 1500/1731 = 86.66%: no whole N.
    found = by_severity(check_prose(named("快速办结工单1500件", 1500, "86.69%")), "error")
    assert [f["check"] for f in found] == ["rate"] and "1500/N = 86.69%" in found[0]["message"]


def test_a_rate_named_after_the_count_that_a_base_gives_passes():
    # 1500/1730 = 86.71%.
    assert not by_severity(check_prose(named("快速办结工单1500件", 1500, "86.71%")), "error")


def test_a_negated_count_is_not_the_numerator_of_the_rate():
    # 未快速办结3件 is not the 快速办结 count: no pairing, no test (3/N = 86.69% has no N).
    assert not by_severity(check_prose(named("未快速办结3件", 3, "86.69%")), "error")


def in_progress(pending: int) -> list[dict]:
    # 受理有效诉求500件，办结480件，办理中<pending>件。
    return [
        v("有效诉求", "received", 500, "有效诉求500件"),
        v("", "completed", 480, "办结480件"),
        v("", "other", pending, f"办理中{pending}件"),
    ]


def test_completed_and_in_progress_that_exceed_what_they_split_is_a_warning():
    # 480 + 21 = 501 > 500.
    found = [f for f in check_prose(in_progress(21)) if f["check"] == "parts_exceed"]
    assert [(f["severity"], f["expected"]) for f in found] == [("warning", "≤ 500")]
    assert "= 501" in found[0]["message"]


def test_completed_and_in_progress_within_their_whole_pass():
    # 480 + 20 = 500.
    assert not [f for f in check_prose(in_progress(20)) if f["check"] == "parts_exceed"]
