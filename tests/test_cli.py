"""`bulletin extract` end to end: batch goes on past bad files, never overwrites without --force."""

import csv
import json
import shutil
from pathlib import Path

from click.testing import CliRunner

from cli import main
from extractor.contract import TABLES, columns

REPO = Path(__file__).resolve().parent.parent
SEED = REPO / "fixtures" / "bulletins" / "text" / "pingjiang-2024-05.txt"


def _rows(path: Path) -> list[dict]:
    with path.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def _batch(tmp_path: Path) -> Path:
    inputs = tmp_path / "in"
    (inputs / "sub").mkdir(parents=True)
    shutil.copy(SEED, inputs / "sub" / "good.txt")
    (inputs / "empty.pdf").write_bytes(b"")
    (inputs / "notes.xyz").write_text("not a bulletin", encoding="utf-8")
    (inputs / ".hidden.txt").write_text("skipped", encoding="utf-8")
    return inputs


def test_batch_goes_on_past_bad_files_and_exit_code_says_so(tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["extract", str(_batch(tmp_path)), "-o", str(out)])
    assert result.exit_code == 1, result.output
    rows = {Path(r["source"]).name: r for r in _rows(out / "bulletins.csv")}
    assert set(rows) == {"good.txt", "empty.pdf", "notes.xyz"}  # hidden file skipped
    assert rows["good.txt"]["status"] == "ok"
    assert rows["good.txt"]["format"] == "text"
    assert int(rows["good.txt"]["n_tables"]) >= 1
    assert rows["empty.pdf"]["status"] == "failed"
    assert rows["empty.pdf"]["error"] == "empty file (0 bytes)"
    assert rows["notes.xyz"]["error"] == "unsupported file type '.xyz'"


def test_every_contract_file_is_written_with_its_header(tmp_path: Path) -> None:
    out = tmp_path / "out"
    CliRunner().invoke(main, ["extract", str(SEED), "-o", str(out)])
    for table in TABLES:
        with (out / f"{table}.csv").open(encoding="utf-8") as fh:
            assert next(csv.reader(fh)) == columns(table)
    package = json.loads((out / "datapackage.json").read_text(encoding="utf-8"))
    assert [r["path"] for r in package["resources"]] == [f"{t}.csv" for t in TABLES]


def test_existing_outputs_are_not_overwritten_without_force(tmp_path: Path) -> None:
    out = tmp_path / "out"
    runner = CliRunner()
    assert runner.invoke(main, ["extract", str(SEED), "-o", str(out)]).exit_code == 0
    (out / "values.csv").write_text("my edits", encoding="utf-8")

    refused = runner.invoke(main, ["extract", str(SEED), "-o", str(out)])
    assert refused.exit_code == 2
    assert "--force" in refused.output
    assert (out / "values.csv").read_text(encoding="utf-8") == "my edits"

    forced = runner.invoke(main, ["extract", str(SEED), "-o", str(out), "--force"])
    assert forced.exit_code == 0
    assert (out / "values.csv").read_text(encoding="utf-8") != "my edits"


def test_outdir_that_is_a_file_is_refused_before_work(tmp_path: Path) -> None:
    target = tmp_path / "out"
    target.write_text("a file", encoding="utf-8")
    result = CliRunner().invoke(main, ["extract", str(SEED), "-o", str(target)])
    assert result.exit_code == 2
    assert target.read_text(encoding="utf-8") == "a file"
