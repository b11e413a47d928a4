"""The Python API (extractor.extract, extractor.bulletin): the same rows as `bulletin extract`."""

from __future__ import annotations

import csv
import math
import subprocess
import sys
from pathlib import Path

import duckdb
import pandas as pd
import pytest
from click.testing import CliRunner

import extractor
from cli import main
from extractor.contract import TABLES
from extractor.export import _typed, field_types

REPO = Path(__file__).resolve().parent.parent
TEXTS = REPO / "fixtures" / "bulletins" / "text"
HTML = REPO / "fixtures" / "bulletins" / "html"


def _csv_typed(path: Path, table: str) -> list[dict]:
    """A CSV of the command's output, typed by the contract as the API types it."""
    types = field_types(table)
    with path.open(encoding="utf-8", newline="") as fh:
        return [{k: _typed(v, types[k], k) for k, v in row.items()} for row in csv.DictReader(fh)]


def _frame_rows(data: pd.DataFrame) -> list[dict]:
    def plain(value: object) -> object:
        if value is pd.NA or value is pd.NaT or (isinstance(value, float) and math.isnan(value)):
            return None
        if isinstance(value, pd.Timestamp):
            return value.date()
        return value.item() if hasattr(value, "item") else value

    return [{k: plain(v) for k, v in row.items()} for row in data.astype(object).to_dict("records")]


def test_extract_gives_the_same_rows_as_the_command(tmp_path: Path) -> None:
    inputs = [str(TEXTS), str(HTML / "pingjiang-2024-05.html")]
    out = tmp_path / "cli"
    ran = CliRunner().invoke(main, ["extract", *inputs, "-o", str(out), "--workers", "2"])
    assert ran.exit_code == 0, ran.output

    result = extractor.extract(inputs, workers=2)
    assert result.run.processed == len(list(TEXTS.iterdir())) + 1
    for table in TABLES:
        expected = _csv_typed(out / f"{table}.csv", table)
        assert expected, table  # the fixtures give rows in every table
        assert _frame_rows(getattr(result, table)) == expected, table


def test_tables_are_typed_from_the_contract() -> None:
    result = extractor.extract(TEXTS / "pingjiang-2024-05.txt", workers=0)
    assert str(result.values["value"].dtype) == "float64"
    assert str(result.values["row"].dtype) == "Int64"
    assert str(result.values["unit_raw"].dtype) == "string"
    assert str(result.bulletins["period_start"].dtype).startswith("datetime64")
    assert result.bulletins["status"].tolist() == ["ok"]


def test_an_outdir_is_the_resumable_store_and_loads_into_duckdb(tmp_path: Path) -> None:
    out = tmp_path / "out"
    first = extractor.extract(TEXTS, out, workers=0)
    n = len(first.bulletins)
    again = extractor.extract(TEXTS, out, workers=0)
    assert (again.run.processed, again.run.skipped) == (0, n)  # resumed: nothing read twice
    assert len(again.bulletins) == n and len(again.values) == len(first.values)

    db = tmp_path / "archive.duckdb"
    counts = again.to_duckdb(db)
    assert counts["bulletins"] == n
    again.to_duckdb(db)  # keyed by source + sha256: never duplicated
    assert duckdb.connect(str(db)).execute("SELECT count(*) FROM bulletins").fetchone()[0] == n


def test_without_an_outdir_the_store_goes_with_the_result() -> None:
    result = extractor.extract(TEXTS / "pingjiang-2024-05.txt", workers=0, progress=True)
    store = result.outdir
    assert (store / "values.csv").exists()
    del result
    assert not store.exists()


def test_one_document_tables_with_header_paths_and_findings(tmp_path: Path) -> None:
    page = tmp_path / "scores.html"
    page.write_text(
        "<html><body><h2>各单位办理情况</h2><table border='1'>"
        "<tr><th rowspan='2'>单位</th><th colspan='2'>按期办结率情况（40分）</th></tr>"
        "<tr><th>提前率（10分）</th><th>得分</th></tr>"
        "<tr><td>县公安局</td><td>95.5%</td><td>38</td></tr>"
        "<tr><td>县交通运输局</td><td>90%</td><td>36</td></tr></table></body></html>",
        encoding="utf-8",
    )
    b = extractor.bulletin(page)
    assert b.status == "ok"
    (table,) = b.tables
    early, score = "按期办结率情况（40分） / 提前率（10分）", "按期办结率情况（40分） / 得分"
    assert table.attrs["header_paths"] == {early: ("按期办结率情况（40分）", "提前率（10分）"), score: ("按期办结率情况（40分）", "得分")}
    assert table["unit_raw"].tolist() == ["县公安局", "县交通运输局"]
    assert table[early].tolist() == [95.5, 90.0] and table[score].tolist() == [38, 36]
    assert table.attrs["caption"] == "各单位办理情况"
    assert set(b.values["metric"]) == {"early_rate", "score_part"}
    assert "rate_unverifiable" in set(b.findings["check"])  # no count explains the rates: said, not guessed
    assert b.info["sha256"] and b.info["source"] == str(page)


def test_an_unreadable_document_is_a_failed_bulletin(tmp_path: Path) -> None:
    b = extractor.bulletin(tmp_path / "gone.pdf")
    assert b.status == "failed" and "No such file" in b.info["error"]
    assert b.tables == [] and b.values.empty


def test_a_second_run_into_the_same_outdir_is_refused(tmp_path: Path) -> None:
    from extractor.export import OutputInUse, ResultStore

    out = tmp_path / "out"
    with ResultStore(out), pytest.raises(OutputInUse, match="in use by another bulletin run"):
        extractor.extract(TEXTS, out, workers=0)


def test_import_extractor_is_cheap() -> None:
    code = "import sys, extractor; print(sorted(m for m in ('pandas', 'extractor.batch', 'lxml', 'pebble') if m in sys.modules))"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"


def test_the_readme_example_runs_on_the_fixtures(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Python API", 1)[1]
    code = section.split("```python\n", 1)[1].split("```", 1)[0]
    code = code.replace("/tmp/archive.duckdb", str(tmp_path / "archive.duckdb"))
    monkeypatch.chdir(REPO)
    scope: dict = {}
    exec(compile(code, "README.md", "exec"), scope)  # noqa: S102 - our own documentation
    assert scope["table"].attrs["header_paths"]["按期办结率情况（40分） / 规定办结时间"] == ("按期办结率情况（40分）", "规定办结时间")
    assert len(scope["result"].bulletins) == len(list(TEXTS.iterdir()))
