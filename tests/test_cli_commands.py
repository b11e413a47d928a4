"""`bulletin units` (the review loop with `extract --aliases`) and `bulletin audit`, end to end."""

from __future__ import annotations

import csv
from pathlib import Path

from click.testing import CliRunner

from cli import main

FIX = Path(__file__).resolve().parent.parent / "fixtures" / "bulletins"
WENGYUAN = FIX / "text" / "wengyuan-2022-06.txt"  # prints 住管局, which the dictionary leaves to a person
WANZAI = FIX / "docx" / "wanzai-2023-12.docx"


def _rows(path: Path) -> list[dict]:
    with path.open(encoding="utf-8-sig", newline="") as fh:
        return list(csv.DictReader(fh))


def _extract(out: Path, *extra: str) -> None:
    """翁源's bulletin, its county renamed to its neighbour 新丰县: a county whose names nobody has
    curated yet (schemas/units_local.csv settles 翁源's 住管局)."""
    renamed = out.parent / "xinfeng-2022-06.txt"
    renamed.write_text(WENGYUAN.read_text(encoding="utf-8").replace("翁源", "新丰"), encoding="utf-8")
    result = CliRunner().invoke(main, ["extract", str(renamed), "-o", str(out), "--workers", "0", *extra])
    assert result.exit_code == 0, result.output


def test_review_lists_unresolved_names_and_a_filled_template_resolves_them(tmp_path: Path) -> None:
    out = tmp_path / "out"
    _extract(out)
    template = tmp_path / "aliases.csv"
    listed = CliRunner().invoke(main, ["units", str(out), "--template", str(template)])
    assert listed.exit_code == 0, listed.output
    assert "住管局" in listed.output and "住房和城乡建设局" in listed.output  # the suggestion, not applied
    assert {r["unit"] for r in _rows(out / "values.csv") if r["unit_raw"] == "住管局"} == {""}

    rows = _rows(template)
    (row,) = [r for r in rows if r["alias"] == "住管局"]
    assert row["canonical"] == "" and row["suggestion"] == "住房和城乡建设局"
    # a person confirms the suggestion, and says this county's 教育局 also runs sport
    with template.open("w", encoding="utf-8", newline="") as fh:
        fh.write("alias,canonical,county,valid_from,valid_to,note\n住管局,住房和城乡建设局,,,,checked\n教育局,教育体育局,,,,merged\n")

    _extract(out, "--force", "--aliases", str(template))
    values = _rows(out / "values.csv")
    assert {r["unit"] for r in values if r["unit_raw"] == "住管局"} == {"住房和城乡建设局"}
    assert {r["unit"] for r in values if r["unit_raw"] == "教育局"} == {"教育体育局"}  # beats the dictionary's 教育局
    units = {r["unit_raw"]: r for r in _rows(out / "units.csv")}
    assert units["住管局"]["method"] == "user_alias" and units["教育局"]["method"] == "user_alias"
    assert "住管局" not in CliRunner().invoke(main, ["units", str(out), "--aliases", str(template)]).output


def test_template_is_not_overwritten_without_force(tmp_path: Path) -> None:
    out = tmp_path / "out"
    _extract(out)
    template = tmp_path / "aliases.csv"
    template.write_text("my work", encoding="utf-8")
    refused = CliRunner().invoke(main, ["units", str(out), "--template", str(template)])
    assert refused.exit_code == 2 and template.read_text(encoding="utf-8") == "my work"


def test_a_bad_aliases_file_stops_extract_before_any_work(tmp_path: Path) -> None:
    bad = tmp_path / "aliases.csv"
    bad.write_text("alias,canonical,county,valid_from,valid_to,note\nX局,甲局,,soon,,\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["extract", str(WENGYUAN), "-o", str(tmp_path / "out"), "--aliases", str(bad)])
    assert result.exit_code == 2 and "soon" in result.output
    assert not (tmp_path / "out").exists()


def test_audit_reports_the_real_errors_and_gates_with_its_exit_code(tmp_path: Path) -> None:
    """万载 2023-12 (二): 乡镇（街道）304 of 1383 is printed 25.32%; 304/1383 = 21.98%."""
    findings = tmp_path / "findings.csv"
    result = CliRunner().invoke(main, ["audit", str(WANZAI), "-o", str(findings), "--workers", "0"])
    assert result.exit_code == 1, result.output
    assert "25.32%" in result.output and "21.98%" in result.output
    rows = _rows(findings)
    share = [r for r in rows if r["severity"] == "error" and r["unit_raw"] == "乡镇（街道）"]
    assert share and share[0]["printed"] == "25.32%" and share[0]["expected"] == "21.98%"
    assert "304/1383 = 21.98%" in share[0]["message"]

    again = CliRunner().invoke(main, ["audit", str(WANZAI), "-o", str(findings), "--workers", "0"])
    assert again.exit_code == 2 and "--force" in again.output  # findings of the first run are kept


def test_compare_and_report_from_one_extract(tmp_path: Path) -> None:
    """万载 (2023-12, month) and 白水 (2024Q1, quarter): compare refuses to mix them unless told."""
    out = tmp_path / "out"
    inputs = [str(WANZAI), str(FIX / "text" / "baishui-2024q1.txt")]
    assert CliRunner().invoke(main, ["extract", *inputs, "-o", str(out), "--workers", "0"]).exit_code == 0

    mixed = CliRunner().invoke(main, ["compare", str(out), "--metric", "received", "-o", str(tmp_path / "p.csv")])
    assert mixed.exit_code == 2 and "--period-kind" in mixed.output and not (tmp_path / "p.csv").exists()

    each = CliRunner().invoke(main, ["compare", str(out), "--metric", "received", "--period-kind", "each", "-o", str(tmp_path / "p.csv")])
    assert each.exit_code == 0, each.output
    month = _rows(tmp_path / "p-month.csv")
    assert [(r["county"], r["period"]) for r in month] == [("万载县", "2023-12")]
    assert float(month[0]["value"]) == 1383  # 万载's whole-county 受理总量 (table (一)) and prose "受理各类诉求1383件"
    assert [(r["county"], r["period"]) for r in _rows(tmp_path / "p-quarter.csv")] == [("白水县", "2024Q1")]

    html = tmp_path / "report.html"
    made = CliRunner().invoke(main, ["report", str(out), "-o", str(html)])
    assert made.exit_code == 0, made.output
    page = html.read_text(encoding="utf-8")
    assert "304/1383 = 21.98%, printed 25.32%" in page
    assert CliRunner().invoke(main, ["report", str(out), "-o", str(html)]).exit_code == 2  # not overwritten without --force


def test_a_county_total_is_not_taken_from_a_group_subtotal(tmp_path: Path) -> None:
    """白水 2024Q1 prints 总计 rows in two tables (镇办 389, 部门 1170): group subtotals. The county
    figure is the sentence "一季度，我县12345快速响应平台共受理事项1615件"."""
    out = tmp_path / "out"
    assert CliRunner().invoke(main, ["extract", str(FIX / "docx" / "baishui-2024q1.docx"), "-o", str(out), "--workers", "0"]).exit_code == 0
    made = CliRunner().invoke(main, ["compare", str(out), "--metric", "received", "-o", str(tmp_path / "p.csv")])
    assert made.exit_code == 0, made.output
    (row,) = _rows(tmp_path / "p.csv")
    assert (row["county"], row["period"], float(row["value"])) == ("白水县", "2024Q1", 1615)
    assert row["conflict"] == "True"  # 389 and 1170 are listed in the conflicts file
