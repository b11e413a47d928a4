"""The period a bulletin reports on (extractor/metadata/periods.py): weeks, holidays, half years,
spans of months, quarters, years, and the openings that are not the bulletin's own period.
Every bulletin below is written for the test."""

from __future__ import annotations

from extractor.metadata import Metadata, read_metadata
from extractor.model import Document, Paragraph


def meta_of(*lines: str) -> tuple[Metadata, list[dict]]:
    return read_metadata(Document("test", "text", [Paragraph(line) for line in lines]))


def period(meta: Metadata) -> tuple[str, str, str]:
    return meta.period, meta.period_start, meta.period_end


def checks(findings: list[dict]) -> list[str]:
    return [f["check"] for f in findings]


def test_a_week():
    meta, findings = meta_of("12345政府服务热线一周情况通报", "(2024年5月6日—5月12日)", "一、基本情况", "本周共受理热线工单506件。")
    assert period(meta) == ("2024-05-06..2024-05-12", "2024-05-06", "2024-05-12")
    assert "period_mismatch" not in checks(findings)


def test_a_holiday_with_its_dates():
    meta, _ = meta_of("2024年春节假期12345热线运行情况", "一、总体情况", "春节假期(2月10日至17日)，共受理群众诉求3120件。")
    assert period(meta) == ("2024-02-10..2024-02-17", "2024-02-10", "2024-02-17")


def test_a_holiday_without_dates_is_not_guessed():
    meta, findings = meta_of("国庆假期12345热线运行情况", "一、总体情况", "假期期间共受理群众诉求3120件。")
    assert period(meta) == ("", "", "")
    note = next(f for f in findings if f["check"] == "period_unresolved")
    assert "国庆" in note["message"] and note["severity"] == "info"


def test_half_years():
    meta, _ = meta_of("2023年下半年12345热线运行分析", "一、概况", "下半年共受理工单8100件。")
    assert period(meta) == ("2023H2", "2023-07-01", "2023-12-31")
    meta, _ = meta_of("一、概况", "2024年1-6月，共受理工单8100件。")
    assert period(meta) == ("2024H1", "2024-01-01", "2024-06-30")


def test_a_span_of_months():
    meta, _ = meta_of("12345公众服务热线2019年1-2月份办理情况通报", "一、基本情况", "1-2月份，共受理工单3653件。")
    assert period(meta) == ("2019-01-01..2019-02-28", "2019-01-01", "2019-02-28")


def test_a_quarter_with_its_year_from_the_web_dateline():
    # no year anywhere but the page's dateline: the year is inferred from it, and said so
    meta, findings = meta_of("二季度市长热线办理情况通报", "2023/7/12 来源:市政府网", "二季度，市长热线共受理诉求9120件。")
    assert meta.published == "2023-07-12"
    assert period(meta) == ("2023Q2", "2023-04-01", "2023-06-30")
    assert "period_year_inferred" in checks(findings)


def test_a_year():
    meta, _ = meta_of("2023年度12345热线工作总结", "一、总体情况", "2023年全年共受理工单81000件。")
    assert period(meta) == ("2023", "2023-01-01", "2023-12-31")
    meta, _ = meta_of("一、总体情况", "2023年1-12月，共受理工单81000件。")
    assert period(meta) == ("2023", "2023-01-01", "2023-12-31")


def test_year_to_date_opening_gives_way_to_the_month():
    # a monthly bulletin that opens with the year so far, then reports on its month
    meta, findings = meta_of(
        "一、总体情况",
        "2024年1-8月，12345热线共受理诉求5120件，办结率100%。",
        "二、8月份办理情况",
        "8月份，全区共受理诉求665件。",
    )
    assert period(meta) == ("2024-08", "2024-08-01", "2024-08-31")
    assert "period_mismatch" not in checks(findings)


def test_year_to_date_alone_stays_a_span():
    meta, _ = meta_of("一、总体情况", "2024年1-8月，12345热线共受理诉求5120件，其中8月受理665件。")
    assert period(meta) == ("2024-01-01..2024-08-31", "2024-01-01", "2024-08-31")


def test_a_period_without_a_year_yields_to_the_next():
    # the meeting's 1-7月 has no year anywhere; the bulletin's own month does
    meta, findings = meta_of(
        "一、工作动态",
        "9月1日召开热线工作会议，通报1-7月12345热线办理情况。",
        "二、运行情况",
        "本县12345热线2022年9月份共受理市民来电诉求1628件。",
    )
    assert period(meta) == ("2022-09", "2022-09-01", "2022-09-30")
    assert "period_year_unknown" not in checks(findings)


def test_title_body_clash_keeps_the_finding():
    meta, findings = meta_of("2024年第二季度12345热线通报", "一、基本情况", "2024年1-3月，共受理工单800件。")
    assert period(meta) == ("2024Q1", "2024-01-01", "2024-03-31")
    clash = next(f for f in findings if f["check"] == "period_mismatch")
    assert (clash["printed"], clash["expected"]) == ("2024Q2", "2024Q1")


def test_web_time_stamp_after_the_source_is_the_published_date():
    meta, _ = meta_of("2024年二季度12345热线运行情况通报", "来源:热线办2024-07-17 10:07", "一、概况", "二季度共受理工单9120件。")
    assert (meta.published, meta.issuer, meta.period) == ("2024-07-17", "", "2024Q2")
