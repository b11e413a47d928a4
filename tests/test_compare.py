"""compare: county × period panels from a small hand-made output folder."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from extractor import compare
from extractor.compare import PanelError, build_panel, build_panels, period_bounds, period_kind, write_panel
from extractor.contract import columns

# (source, county, period, start, end)
BULLETINS = [
    ("a-2024-01.pdf", "甲县", "2024-01", "2024-01-01", "2024-01-31"),
    ("a-2024-02.pdf", "甲县", "2024-02", "2024-02-01", "2024-02-29"),
    ("a-2024-03.pdf", "甲县", "2024-03", "2024-03-01", "2024-03-31"),
    ("a-2024q1.pdf", "甲县", "2024Q1", "2024-01-01", "2024-03-31"),
    ("b-2024-01.docx", "乙县", "2024-01", "2024-01-01", "2024-01-31"),
    ("b-2024-02.docx", "乙县", "2024-02", "2024-02-01", "2024-02-29"),
    ("b-2024-03.docx", "乙县", "2024-03", "2024-03-01", "2024-03-31"),
    ("b-2024-03.html", "乙县", "2024-03", "2024-03-01", "2024-03-31"),  # same bulletin, another format
    ("b-2024q1.docx", "乙县", "2024Q1", "", ""),  # dates missing: the label says quarter
]

# (source, table, row, col, unit_raw, unit, unit_kind, column_raw, metric, value, text)
VALUES = [
    ("a-2024-01.pdf", "1", "9", "4", "合计", "", "total", "满意率", "satisfaction_rate", "98.5", "98.50%"),
    ("a-2024-01.pdf", "1", "3", "4", "县公安局", "县公安局", "department", "满意率", "satisfaction_rate", "90", "90.00%"),
    ("a-2024-01.pdf", "1", "3", "2", "县公安局", "县公安局", "department", "受理量", "received", "40", "40"),
    ("a-2024-02.pdf", "1", "9", "4", "合计", "", "total", "满意率", "satisfaction_rate", "97", "97.00%"),
    # prose says otherwise: the table value is kept, the clash reported
    ("a-2024-02.pdf", "", "2", "15", "", "", "", "满意率", "satisfaction_rate", "96", "96%"),
    ("a-2024-02.pdf", "1", "3", "2", "公安局", "县公安局", "department", "受理量", "received", "41", "41"),
    ("a-2024-03.pdf", "", "2", "15", "", "", "", "满意率", "satisfaction_rate", "99.1", "99.1%"),  # prose only
    ("a-2024-03.pdf", "1", "3", "2", "县公安局", "县公安局", "department", "受理量", "received", "44", "44"),
    ("a-2024q1.pdf", "1", "9", "4", "合计", "", "total", "满意率", "satisfaction_rate", "98.2", "98.20%"),
    ("b-2024-01.docx", "2", "20", "5", "总计", "", "total", "满意率", "satisfaction_rate", "95", "95.00%"),
    ("b-2024-01.docx", "2", "4", "3", "公安局", "县公安局", "department", "办件量", "received", "30", "30"),
    ("b-2024-02.docx", "2", "20", "5", "总计", "", "total", "满意率", "satisfaction_rate", "94.4", "94.40%"),
    ("b-2024-03.docx", "2", "20", "5", "总计", "", "total", "满意率", "satisfaction_rate", "96.6", "96.60%"),
    ("b-2024-03.html", "2", "20", "5", "总计", "", "total", "满意率", "satisfaction_rate", "96.6", "96.60%"),
    ("b-2024-03.docx", "2", "20", "6", "总计", "", "total", "等次", "grade", "", "A"),
    ("b-2024q1.docx", "1", "10", "3", "", "", "total", "满意率", "satisfaction_rate", "95.3", "95.3%"),
]


def _write(path: Path, table: str, rows: list[dict]) -> None:
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=columns(table), extrasaction="raise")
        writer.writeheader()
        for row in rows:
            writer.writerow({k: row.get(k, "") for k in columns(table)})


@pytest.fixture
def outdir(tmp_path: Path) -> Path:
    out = tmp_path / "out"
    out.mkdir()
    _write(
        out / "bulletins.csv",
        "bulletins",
        [dict(source=s, status="ok", county=c, period=p, period_start=a, period_end=b) for s, c, p, a, b in BULLETINS],
    )
    keys = ("source", "table", "row", "col", "unit_raw", "unit", "unit_kind", "column_raw", "metric", "value", "text")
    # county/period left empty in values: the panel takes them from bulletins
    _write(out / "values.csv", "values", [dict(zip(keys, v, strict=True)) for v in VALUES])
    for name in ("findings", "units"):
        _write(out / f"{name}.csv", name, [])
    return out


def test_period_kinds():
    assert period_kind(*period_bounds("2024-02")) == "month"
    assert period_kind(*period_bounds("2024Q1")) == "quarter"
    assert period_kind(*period_bounds("2024H2")) == "half"
    assert period_kind(*period_bounds("2024")) == "year"
    assert period_kind(*period_bounds("", "2024-02-01", "2024-04-30")) == "months:3"  # not a calendar quarter
    assert period_kind(*period_bounds("", "2024-01-05", "2024-01-20")) == "days:16"
    assert period_kind(*period_bounds("")) == "unknown"


def test_mixed_period_lengths_are_refused(outdir: Path):
    with pytest.raises(PanelError, match=r"different lengths.*month.*quarter.*--period-kind"):
        build_panel(outdir, "satisfaction_rate")


def test_monthly_satisfaction_panel(outdir: Path):
    panel = build_panel(outdir, "satisfaction_rate", period_kind="month")
    got = {(r.county, r.period): r.value for r in panel.data.itertuples()}
    assert got == {
        ("甲县", "2024-01"): 98.5,
        ("甲县", "2024-02"): 97.0,  # table, not the prose 96
        ("甲县", "2024-03"): 99.1,  # prose is used when no table prints it
        ("乙县", "2024-01"): 95.0,
        ("乙县", "2024-02"): 94.4,
        ("乙县", "2024-03"): 96.6,
    }
    assert set(panel.data["period_kind"]) == {"month"}
    row = panel.data.set_index(["county", "period"]).loc[("甲县", "2024-02")]
    assert row["conflict"] and row["n_candidates"] == 2 and row["table"] == "1"
    # the same value in the DOCX and HTML of one bulletin is not a conflict
    row = panel.data.set_index(["county", "period"]).loc[("乙县", "2024-03")]
    assert not row["conflict"] and row["n_candidates"] == 2 and row["source"] == "b-2024-03.docx"
    assert len(panel.conflicts) == 2 and panel.conflicts["chosen"].sum() == 1
    assert any("table before prose" in n for n in panel.notes)


def test_quarter_panel_is_separate(outdir: Path):
    panels = build_panels(outdir, "satisfaction_rate")
    assert set(panels) == {"month", "quarter"}
    q = panels["quarter"].data
    assert dict(zip(q["county"], q["value"], strict=True)) == {"甲县": 98.2, "乙县": 95.3}
    assert set(q["period"]) == {"2024Q1"}
    assert list(q["period_start"]) == ["2024-01-01", "2024-01-01"]  # 乙县's taken from the label


def test_one_unit_across_counties(outdir: Path):
    panel = build_panel(outdir, "received", unit="县公安局")
    got = {(r.county, r.period): r.value for r in panel.data.itertuples()}
    assert got == {("甲县", "2024-01"): 40, ("甲县", "2024-02"): 41, ("甲县", "2024-03"): 44, ("乙县", "2024-01"): 30}
    with pytest.raises(PanelError, match="no value of metric 'received' for unit '县教育局'"):
        build_panel(outdir, "received", unit="县教育局")


def test_written_table_and_line_chart(outdir: Path, tmp_path: Path):
    panel = build_panel(outdir, "satisfaction_rate", period_kind="month")
    notes = write_panel(panel, tmp_path / "p" / "sat.csv", tmp_path / "p" / "sat.png")
    with (tmp_path / "p" / "sat.csv").open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    assert len(rows) == 6 and rows[0]["county"] in ("甲县", "乙县") and rows[0]["value"]
    assert (tmp_path / "p" / "sat.conflicts.csv").exists()
    png = (tmp_path / "p" / "sat.png").read_bytes()
    assert png.startswith(b"\x89PNG") and len(png) > 5000
    assert isinstance(notes, list)


def test_single_period_bar_chart_without_cjk_font(outdir: Path, tmp_path: Path, monkeypatch):
    monkeypatch.setattr(compare, "find_cjk_font", lambda: None)
    panel = build_panel(outdir, "satisfaction_rate", period_kind="quarter")
    with pytest.warns(UserWarning, match="no CJK font"):
        notes = compare.plot_panel(panel, tmp_path / "bar.png")
    assert any("fonts-noto-cjk" in n for n in notes)
    assert (tmp_path / "bar.png").read_bytes().startswith(b"\x89PNG")


def test_duckdb_input(outdir: Path, tmp_path: Path):
    duckdb = pytest.importorskip("duckdb")
    db = tmp_path / "out.duckdb"
    con = duckdb.connect(str(db))
    for table in ("bulletins", "values"):
        con.execute(f"CREATE TABLE \"{table}\" AS SELECT * FROM read_csv('{outdir / (table + '.csv')}', all_varchar=true)")
    con.close()
    a = build_panel(db, "satisfaction_rate", period_kind="month").data
    b = build_panel(outdir, "satisfaction_rate", period_kind="month").data
    assert list(a["value"]) == list(b["value"])
