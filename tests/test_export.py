"""Output formats of `bulletin extract`: Parquet/JSON/XLSX derived from the CSV store, safe XLSX,
DuckDB appended without duplicates, a valid Frictionless package, unwritable outputs refused up front."""

import csv
import json
import shutil
from pathlib import Path

import duckdb
import pyarrow.parquet as pq
import pytest
from click.testing import CliRunner
from openpyxl import load_workbook

from cli import main
from extractor.contract import TABLES, columns
from extractor.export import XLSX_FILE, ResultStore, committed_rows, load_duckdb, write_formats
from extractor.pipeline import BulletinResult

REPO = Path(__file__).resolve().parent.parent
BULLETINS = REPO / "fixtures" / "bulletins"
PDF = BULLETINS / "pdf" / "pingjiang-2024-05.pdf"
DOCX = BULLETINS / "docx" / "wanzai-2023-12.docx"
TEXT = BULLETINS / "text" / "changji-2025-04.txt"

HOSTILE = ['=HYPERLINK("http://x","y")', "+cmd|' /C calc'!A0", "-2+3", "@SUM(A1)"]


def _rows(path: Path) -> list[dict]:
    with path.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def _hostile_store(out: Path) -> None:
    """A store whose text cells look like spreadsheet formulas, as a printed unit name might."""
    with ResultStore(out) as store:
        for i, name in enumerate(HOSTILE, start=1):
            source = f"in/{i}.txt"
            store.write(
                BulletinResult(
                    bulletin={"source": source, "status": "ok", "error": "", "format": "text", "pages": None, "period_start": "2024-05-01"},
                    values=[{"source": source, "unit_raw": name, "metric": "received", "value": 12.5, "text": name, "table": 1, "row": 2}],
                    findings=[{"source": source, "check": "sum", "severity": "error", "printed": name, "message": name}],
                    units=[{"county": "平江县", "unit_raw": name, "method": "unresolved", "score": 0}],
                ),
                sha256=f"{i:064x}",
            )


def test_xlsx_writes_formula_like_text_as_text_cells(tmp_path: Path) -> None:
    out = tmp_path / "out"
    _hostile_store(out)
    assert write_formats(out, ["xlsx"]) == [out / XLSX_FILE]
    book = load_workbook(out / XLSX_FILE)
    assert book.sheetnames == list(TABLES)
    cells = [cell for sheet in book.worksheets for row in sheet.iter_rows() for cell in row]
    assert not [c.coordinate for c in cells if c.data_type == "f"]
    values = book["values"]
    header = [c.value for c in values[1]]
    assert header == columns("values")
    unit_raw = [values.cell(row=r, column=header.index("unit_raw") + 1) for r in range(2, 6)]
    assert [c.value for c in unit_raw] == HOSTILE
    assert {c.data_type for c in unit_raw} == {"s"}
    number = values.cell(row=2, column=header.index("value") + 1)
    assert number.value == 12.5 and number.data_type == "n"  # numbers stay numbers
    assert [c.value for c in book["units"]["B"][1:]] == HOSTILE
    assert book["bulletins"].cell(row=2, column=columns("bulletins").index("period_start") + 1).is_date


def test_parquet_and_json_are_typed_from_the_contract(tmp_path: Path) -> None:
    out = tmp_path / "out"
    _hostile_store(out)
    written = write_formats(out, ["parquet", "json", "csv"])
    assert sorted(p.name for p in written) == sorted([f"{t}.parquet" for t in TABLES] + [f"{t}.json" for t in TABLES])
    values = pq.read_table(out / "values.parquet")
    assert values.column_names == columns("values")
    assert str(values.schema.field("value").type) == "double" and str(values.schema.field("row").type) == "int64"
    assert values.column("unit_raw").to_pylist() == HOSTILE
    assert values.column("page").to_pylist() == [None] * 4  # empty in the CSV: null, not ""
    bulletins = pq.read_table(out / "bulletins.parquet")
    assert str(bulletins.schema.field("period_start").type) == "date32[day]"
    rows = json.loads((out / "values.json").read_text(encoding="utf-8"))
    assert [r["unit_raw"] for r in rows] == HOSTILE
    assert rows[0]["value"] == 12.5 and rows[0]["row"] == 2 and rows[0]["page"] is None
    assert json.loads((out / "bulletins.json").read_text(encoding="utf-8"))[0]["period_start"] == "2024-05-01"


def test_rows_of_an_unfinished_input_are_not_exported(tmp_path: Path) -> None:
    out = tmp_path / "out"
    _hostile_store(out)
    with (out / "values.csv").open("a", encoding="utf-8") as fh:
        fh.write("in/5.txt,,,,,,,,half a row\n")  # written, then Ctrl-C before the manifest entry
    rows = list(committed_rows(out, "values"))
    assert [(src, row["unit_raw"]) for src, _, row in rows] == [(f"in/{i}.txt", name) for i, name in enumerate(HOSTILE, start=1)]
    assert rows[0][1] == f"{1:064x}"  # the input's content hash comes from the manifest


def test_formats_and_db_from_a_real_extract_and_db_reruns_do_not_duplicate(tmp_path: Path) -> None:
    inputs = tmp_path / "in"
    inputs.mkdir()
    for path in (PDF, DOCX, TEXT):
        shutil.copy(path, inputs / path.name)
    out, db = tmp_path / "out", tmp_path / "results.duckdb"
    runner = CliRunner()
    args = ["extract", str(inputs), "-o", str(out), "--workers", "0", "--format", "parquet", "--format", "xlsx", "--format", "json"]
    first = runner.invoke(main, [*args, "--db", str(db)])
    assert first.exit_code == 0, first.output
    csv_counts = {t: len(_rows(out / f"{t}.csv")) for t in TABLES}
    assert csv_counts["bulletins"] == 3 and csv_counts["values"] > 100
    for table in TABLES:
        assert pq.read_table(out / f"{table}.parquet").num_rows == csv_counts[table]
        assert len(json.loads((out / f"{table}.json").read_text(encoding="utf-8"))) == csv_counts[table]
    book = load_workbook(out / XLSX_FILE, read_only=True)
    assert {t: sum(1 for _ in book[t].iter_rows()) - 1 for t in TABLES} == csv_counts

    def db_counts() -> dict[str, int]:
        with duckdb.connect(str(db), read_only=True) as con:
            return {t: con.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0] for t in TABLES}

    assert db_counts() == csv_counts
    # a rerun of the same inputs (nothing new) and a forced rerun into another folder: no duplicates
    assert runner.invoke(main, [*args, "--db", str(db)]).exit_code == 0
    assert runner.invoke(main, ["extract", str(inputs), "-o", str(tmp_path / "again"), "--workers", "0", "--db", str(db)]).exit_code == 0
    assert db_counts() == csv_counts
    # a new input in a later run is appended
    shutil.copy(BULLETINS / "text" / "wengyuan-2022-06.txt", inputs / "wengyuan-2022-06.txt")
    assert runner.invoke(main, ["extract", str(inputs), "-o", str(out), "--workers", "0", "--db", str(db)]).exit_code == 0
    assert db_counts() == {t: len(_rows(out / f"{t}.csv")) for t in TABLES}
    assert db_counts()["bulletins"] == 4
    with duckdb.connect(str(db), read_only=True) as con:
        # every table carries the key, so values can be joined to their bulletin across runs
        joined = con.execute('SELECT count(*) FROM "values" v JOIN bulletins b USING (source, sha256)').fetchone()[0]
        assert joined == db_counts()["values"]
        assert con.execute("SELECT count(DISTINCT sha256) FROM units").fetchone()[0] == 4


def test_datapackage_of_a_real_extract_is_valid_frictionless(tmp_path: Path) -> None:
    frictionless = pytest.importorskip("frictionless")
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["extract", str(PDF), str(DOCX), "-o", str(out), "--workers", "0"])
    assert result.exit_code == 0, result.output
    assert len(_rows(out / "values.csv")) > 100
    report = frictionless.validate(str(out / "datapackage.json"))
    errors = [(e.type, e.note) for task in report.tasks for e in task.errors]
    assert report.valid, errors[:10]
    assert [task.name for task in report.tasks] == list(TABLES)


@pytest.mark.parametrize("where", ["under_a_file", "proc"])
@pytest.mark.parametrize("force", [False, True])
def test_unwritable_outdir_is_refused_before_any_work(tmp_path: Path, where: str, force: bool) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("x", encoding="utf-8")
    out = blocker / "out" if where == "under_a_file" else Path("/proc/bulletin-out")  # root can write anywhere else
    args = ["extract", str(TEXT), "-o", str(out), "--workers", "0"] + (["--force"] if force else [])
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 2, result.output
    assert f"cannot write to {out}" in result.output
    assert "files processed" not in result.output


def test_unusable_db_is_refused_before_any_work(tmp_path: Path) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("x", encoding="utf-8")
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["extract", str(TEXT), "-o", str(out), "--db", str(blocker / "x.duckdb")])
    assert result.exit_code == 2, result.output
    assert "cannot open" in result.output and "files processed" not in result.output
    assert not out.exists()
    not_a_db = tmp_path / "notes.duckdb"
    not_a_db.write_text("not a database", encoding="utf-8")
    result = CliRunner().invoke(main, ["extract", str(TEXT), "-o", str(out), "--db", str(not_a_db)])
    assert result.exit_code == 2 and "cannot open" in result.output


def test_a_line_cut_short_in_the_manifest_does_not_lose_later_runs(tmp_path: Path) -> None:
    out = tmp_path / "out"
    _hostile_store(out)
    manifest = out / ".bulletin" / "manifest.jsonl"
    good = manifest.read_bytes()
    manifest.write_bytes(good + b'{"source": "in/9.txt", "sha')  # power cut while writing an entry
    with ResultStore(out) as store:
        store.write(BulletinResult(bulletin={"source": "in/10.txt", "status": "ok"}), sha256="a" * 64)
    with ResultStore(out) as store:  # a third run still sees every finished input
        assert store.is_done("in/10.txt", "a" * 64) and store.is_done("in/1.txt", f"{1:064x}")
    assert [Path(r["source"]).name for r in _rows(out / "bulletins.csv")] == ["1.txt", "2.txt", "3.txt", "4.txt", "10.txt"]


def test_load_duckdb_adds_columns_a_newer_contract_has(tmp_path: Path) -> None:
    out, db = tmp_path / "out", tmp_path / "old.duckdb"
    _hostile_store(out)
    with duckdb.connect(str(db)) as con:  # a database from an older release: values without bbox
        con.execute('CREATE TABLE "values" (source VARCHAR, sha256 VARCHAR, unit_raw VARCHAR, value DOUBLE)')
    counts = load_duckdb(out, db)
    assert counts["values"] == 4
    with duckdb.connect(str(db), read_only=True) as con:
        names = [r[0] for r in con.execute("SELECT column_name FROM information_schema.columns WHERE table_name = 'values'").fetchall()]
        assert "bbox" in names and "metric" in names
        assert con.execute('SELECT unit_raw FROM "values" ORDER BY source').fetchall() == [(h,) for h in HOSTILE]


def test_a_run_without_format_says_which_earlier_derived_files_are_behind(tmp_path: Path) -> None:
    inputs, out = tmp_path / "in", tmp_path / "out"
    inputs.mkdir()
    shutil.copy(TEXT, inputs / TEXT.name)
    runner = CliRunner()
    assert runner.invoke(main, ["extract", str(inputs), "-o", str(out), "--workers", "0", "--format", "json"]).exit_code == 0
    shutil.copy(BULLETINS / "text" / "wengyuan-2022-06.txt", inputs / "wengyuan-2022-06.txt")
    result = runner.invoke(main, ["extract", str(inputs), "-o", str(out), "--workers", "0"])
    assert result.exit_code == 0
    assert "earlier --format json outputs" in result.output and "rerun with --format json" in result.output
    assert len(json.loads((out / "bulletins.json").read_text(encoding="utf-8"))) == 1  # left as it was, and said so
    result = runner.invoke(main, ["extract", str(inputs), "-o", str(out), "--workers", "0", "--format", "json"])
    assert "0 files processed" in result.output and "earlier" not in result.output
    assert len(json.loads((out / "bulletins.json").read_text(encoding="utf-8"))) == 2  # a rerun with nothing new still exports


def test_rows_of_an_input_cut_off_mid_write_are_removed_when_the_store_closes(tmp_path: Path) -> None:
    out = tmp_path / "out"
    store = ResultStore(out)
    store.write(BulletinResult(bulletin={"source": "a", "status": "ok"}, values=[{"source": "a", "text": "1"}]), sha256="1" * 64)
    real = store._write_rows

    def ctrl_c_after_values(table: str, rows: list[dict]) -> None:
        real(table, rows)
        if table == "values":
            raise KeyboardInterrupt  # Ctrl-C between this input's tables

    store._write_rows = ctrl_c_after_values
    with pytest.raises(KeyboardInterrupt):
        store.write(BulletinResult(bulletin={"source": "b", "status": "ok"}, values=[{"source": "b", "text": "2"}]), sha256="2" * 64)
    store.close()
    assert [r["source"] for r in _rows(out / "bulletins.csv")] == ["a"]
    assert [r["source"] for r in _rows(out / "values.csv")] == ["a"]
    with ResultStore(out) as again:
        assert again.is_done("a", "1" * 64) and not again.is_done("b", "2" * 64)
