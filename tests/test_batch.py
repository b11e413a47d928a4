"""Batch runs: isolation of bad files, input order whatever the worker count, resume."""

import csv
import shutil
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

import extractor.batch as batch
from cli import main
from extractor.batch import Limits, run_batch
from extractor.pipeline import process_file

REPO = Path(__file__).resolve().parent.parent
TEXTS = REPO / "fixtures" / "bulletins" / "text"


def _sources(out: Path) -> list[str]:
    with (out / "bulletins.csv").open(encoding="utf-8", newline="") as fh:
        return [Path(r["source"]).name for r in csv.DictReader(fh)]


def _slow_or_greedy(path: str, options=None):
    name = Path(path).name
    if name.startswith("hang"):
        time.sleep(60)
    if name.startswith("greedy"):
        hog = bytearray(2048 * 1024 * 1024)  # over the 1 GiB limit below
        return hog
    return process_file(path, options)


def test_a_hanging_or_greedy_file_costs_one_failed_row(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("a.txt", "hang.txt", "greedy.txt", "z.txt"):
        shutil.copy(TEXTS / "pingjiang-2024-05.txt", tmp_path / name)
    monkeypatch.setattr(batch, "_process_in_worker", _slow_or_greedy)  # workers are forked: they see the patch
    paths = sorted(tmp_path.iterdir())
    # 8 s: a real bulletin with a worker's first dictionary loads takes ~2 s, more on a busy CI machine
    results = dict(run_batch(paths, workers=2, limits=Limits(seconds_per_file=8, memory_mb=1024)))
    by_name = {p.name: r for p, r in results.items()}
    assert [p.name for p in results] == ["a.txt", "greedy.txt", "hang.txt", "z.txt"]  # input order kept
    assert by_name["hang.txt"].status == "failed"
    assert "timed out after 8 s" in by_name["hang.txt"].bulletin["error"]
    assert by_name["greedy.txt"].status == "failed"
    assert "1024 MB" in by_name["greedy.txt"].bulletin["error"]
    assert by_name["a.txt"].status == by_name["z.txt"].status == "ok"


def test_same_output_whatever_the_worker_count(tmp_path: Path) -> None:
    runner = CliRunner()
    outputs = {}
    for workers in (0, 1, 2):
        out = tmp_path / f"out{workers}"
        result = runner.invoke(main, ["extract", str(TEXTS), "-o", str(out), "--workers", str(workers)])
        assert result.exit_code == 0, result.output
        outputs[workers] = {name: (out / name).read_bytes() for name in ("bulletins.csv", "values.csv", "findings.csv")}
    assert outputs[0] == outputs[1] == outputs[2]


def test_rerun_resumes_and_cuts_rows_of_an_unfinished_file(tmp_path: Path) -> None:
    inputs = tmp_path / "in"
    inputs.mkdir()
    for name in ("pingjiang-2024-05.txt", "wengyuan-2022-06.txt"):
        shutil.copy(TEXTS / name, inputs / name)
    out = tmp_path / "out"
    runner = CliRunner()
    assert runner.invoke(main, ["extract", str(inputs), "-o", str(out), "--workers", "0"]).exit_code == 0
    assert _sources(out) == ["pingjiang-2024-05.txt", "wengyuan-2022-06.txt"]

    # a crash in the middle of the next file left half a row behind
    with (out / "bulletins.csv").open("a", encoding="utf-8") as fh:
        fh.write("half,a,row")
    shutil.copy(TEXTS / "changji-2025-04.txt", inputs / "changji-2025-04.txt")

    result = runner.invoke(main, ["extract", str(inputs), "-o", str(out), "--workers", "0"])
    assert result.exit_code == 0, result.output
    assert "1 files processed" in result.output and "2 already done" in result.output
    assert _sources(out) == ["pingjiang-2024-05.txt", "wengyuan-2022-06.txt", "changji-2025-04.txt"]

    # a changed file is done again, under its new content
    (inputs / "wengyuan-2022-06.txt").write_text("一、基本情况\n本月受理工单10件。\n", encoding="utf-8")
    result = runner.invoke(main, ["extract", str(inputs), "-o", str(out), "--workers", "0"])
    assert "1 files processed" in result.output
    with (out / "bulletins.csv").open(encoding="utf-8", newline="") as fh:
        rows = [r for r in csv.DictReader(fh) if r["source"].endswith("wengyuan-2022-06.txt")]
    assert len(rows) == 2 and rows[0]["sha256"] != rows[1]["sha256"]
