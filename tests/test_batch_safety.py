"""The batch does not corrupt what it has: two runs into one OUTDIR, a full disk, inputs that
cannot be read or vanish mid-batch, and units.csv that names each body once."""

from __future__ import annotations

import csv
import errno
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from cli import main
from extractor import api
from extractor.export import ResultStore, lock_db

REPO = Path(__file__).resolve().parent.parent
TEXTS = REPO / "fixtures" / "bulletins" / "text"
SEED = TEXTS / "pingjiang-2024-05.txt"
BULLETIN = Path(sys.executable).parent / "bulletin"


def _rows(path: Path) -> list[dict]:
    with path.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def _copies(folder: Path, n: int) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for i in range(n):
        shutil.copy(SEED, folder / f"copy-{i:02}.txt")
    return folder


def _contents(out: Path) -> dict[str, bytes]:
    return {name: (out / name).read_bytes() for name in ("bulletins.csv", "values.csv", "findings.csv", "units.csv")}


def _wait_for_entries(manifest: Path, proc: subprocess.Popen, n: int) -> None:
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and proc.poll() is None:
        if manifest.exists() and len(manifest.read_text(encoding="utf-8").splitlines()) >= n:
            return
        time.sleep(0.05)
    assert proc.poll() is None, "the first run ended before the second could start"


# --- two runs at once ---------------------------------------------------------------------------


def test_a_second_run_into_an_outdir_in_use_is_refused_and_the_first_stays_exact(tmp_path: Path) -> None:
    inputs = _copies(tmp_path / "in", 12)
    reference = tmp_path / "reference"
    assert CliRunner().invoke(main, ["extract", str(inputs), "-o", str(reference), "--workers", "0"]).exit_code == 0

    out = tmp_path / "out"
    cmd = [str(BULLETIN), "extract", str(inputs), "-o", str(out), "--workers", "1"]
    first = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    _wait_for_entries(out / ".bulletin" / "manifest.jsonl", first, 2)  # started, one input written
    started = time.monotonic()
    second = subprocess.run(cmd, capture_output=True, text=True, timeout=120)
    assert time.monotonic() - started < 30  # refused at once, not after waiting
    assert second.returncode == 2
    assert f"{out} is in use by another bulletin run (pid {first.pid})" in second.stderr
    _, err = first.communicate(timeout=300)
    assert first.returncode == 0, err
    assert _contents(out) == _contents(reference)  # no row of the refused run, none twice


def test_a_killed_run_leaves_no_lock_behind(tmp_path: Path) -> None:
    inputs = _copies(tmp_path / "in", 12)
    out = tmp_path / "out"
    cmd = [str(BULLETIN), "extract", str(inputs), "-o", str(out), "--workers", "1"]
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True)
    _wait_for_entries(out / ".bulletin" / "manifest.jsonl", proc, 2)
    os.killpg(proc.pid, signal.SIGKILL)  # no cleanup at all: the OS drops the flock
    proc.communicate(timeout=60)
    rerun = subprocess.run(cmd, capture_output=True, text=True, timeout=300)
    assert rerun.returncode == 0, rerun.stderr
    assert sorted(Path(r["source"]).name for r in _rows(out / "bulletins.csv")) == [f"copy-{i:02}.txt" for i in range(12)]


def test_a_db_in_use_is_refused_before_any_work(tmp_path: Path) -> None:
    db = tmp_path / "archive.duckdb"
    out = tmp_path / "out"
    held = lock_db(db)
    try:
        refused = CliRunner().invoke(main, ["extract", str(SEED), "-o", str(out), "--db", str(db)])
    finally:
        held.release()
    assert refused.exit_code == 2
    assert f"{db} is in use by another bulletin run" in refused.output
    assert not (out / "bulletins.csv").exists()  # nothing started
    assert not db.with_name("archive.duckdb.lock").exists()  # released locks leave no file
    assert CliRunner().invoke(main, ["extract", str(SEED), "-o", str(out), "--db", str(db)]).exit_code == 0


# --- a full disk -------------------------------------------------------------------------------


def _fill_disk_at(monkeypatch: pytest.MonkeyPatch, after_inputs: int, where: str) -> None:
    """Simulate ENOSPC while writing input number after_inputs + 1: some of its bytes reach the
    file first (values.csv rows, or half of its manifest line), then the write fails."""
    enospc = OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    def fail() -> None:
        raise enospc

    real_rows, real_commit = ResultStore._write_rows, ResultStore._commit

    def write_rows(self: ResultStore, table: str, rows: list[dict]) -> None:
        if where == "values" and table == "values" and self.n_done >= after_inputs:
            real_rows(self, table, rows[:3])
            self._files[table].flush()
            self._guard(self.outdir / "values.csv", fail)
        real_rows(self, table, rows)

    def commit(self: ResultStore, entry: dict) -> None:
        if where == "manifest" and "sha256" in entry and self.n_done >= after_inputs:
            self._manifest.write('{"source": "half a line')
            self._manifest.flush()
            self._guard(self.manifest_path, fail)
        real_commit(self, entry)

    monkeypatch.setattr(ResultStore, "_write_rows", write_rows)
    monkeypatch.setattr(ResultStore, "_commit", commit)


@pytest.mark.parametrize("where", ["values", "manifest"])
def test_a_full_disk_ends_in_one_line_and_the_same_command_resumes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, where: str) -> None:
    inputs = _copies(tmp_path / "in", 5)
    reference = tmp_path / "reference"
    assert CliRunner().invoke(main, ["extract", str(inputs), "-o", str(reference), "--workers", "0"]).exit_code == 0

    out = tmp_path / "out"
    cmd = ["extract", str(inputs), "-o", str(out), "--workers", "0"]
    with monkeypatch.context() as patch:
        _fill_disk_at(patch, 3, where)
        full = CliRunner().invoke(main, cmd)
    assert full.exit_code == 2, full.output
    assert full.exception is None or isinstance(full.exception, SystemExit)  # no traceback
    written = out / ("values.csv" if where == "values" else ".bulletin/manifest.jsonl")
    errors = [line for line in full.output.splitlines() if line.startswith("error:")]
    assert errors == [
        f"error: cannot write {written}: No space left on device; 3 inputs are finished and kept in {out}; "
        "free some space and run the same command again to resume"
    ]
    assert len(_rows(out / "bulletins.csv")) == 3  # the store holds exactly the finished inputs
    assert not (out / ".bulletin" / "lock").exists()

    resumed = CliRunner().invoke(main, cmd)
    assert resumed.exit_code == 0, resumed.output
    assert "2 files processed (2 ok), 3 already done" in resumed.output
    assert _contents(out) == _contents(reference)


def test_the_api_raises_on_a_full_disk_and_keeps_what_is_finished(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    inputs = _copies(tmp_path / "in", 3)
    out = tmp_path / "out"
    with monkeypatch.context() as patch:
        _fill_disk_at(patch, 1, "values")
        with pytest.raises(api.OutputWriteError, match="No space left on device; 1 inputs are finished and kept"):
            api.extract(inputs, out, workers=0)
    assert len(api.extract(inputs, out, workers=0).bulletins) == 3


# --- inputs that cannot be read ------------------------------------------------------------------


def test_an_unreadable_input_is_a_failed_row_and_the_batch_goes_on(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Tests run as root, where chmod 000 still reads: the permission error is simulated on open."""
    inputs = _copies(tmp_path / "in", 3)
    locked = inputs / "copy-01.txt"
    real_open = Path.open

    def guarded_open(self: Path, *args, **kwargs):
        if self == locked:
            raise PermissionError(errno.EACCES, os.strerror(errno.EACCES), str(self))
        return real_open(self, *args, **kwargs)

    out = tmp_path / "out"
    cmd = ["extract", str(inputs), "-o", str(out), "--workers", "0"]
    with monkeypatch.context() as patch:
        patch.setattr(Path, "open", guarded_open)
        ran = CliRunner().invoke(main, cmd)
        assert ran.exit_code == 1, ran.output
        again = CliRunner().invoke(main, cmd)  # still unreadable: its failed row is not written twice
        assert "0 files processed" in again.output
    rows = {Path(r["source"]).name: r for r in _rows(out / "bulletins.csv")}
    assert [r["status"] for r in rows.values()] == ["ok", "failed", "ok"]
    assert rows["copy-01.txt"]["error"] == "cannot read: Permission denied"

    readable = CliRunner().invoke(main, cmd)  # permission fixed: read now, beside its old failed row
    assert readable.exit_code == 0 and "1 files processed (1 ok)" in readable.output
    assert [r["status"] for r in _rows(out / "bulletins.csv") if r["source"] == str(locked)] == ["failed", "ok"]


def test_an_input_that_disappears_mid_batch_is_a_failed_row(tmp_path: Path) -> None:
    inputs = _copies(tmp_path / "in", 3)
    gone = inputs / "copy-02.txt"

    def remove_the_last(path: Path, result) -> None:
        if path.name == "copy-00.txt":
            gone.unlink()  # listed and hashed, then deleted before it is read

    report = api.run(inputs, tmp_path / "out", workers=0, on_result=remove_the_last)
    assert report.statuses == {"ok": 2, "failed": 1}
    rows = {Path(r["source"]).name: r for r in _rows(tmp_path / "out" / "bulletins.csv")}
    assert rows["copy-02.txt"]["status"] == "failed"
    assert rows["copy-02.txt"]["error"] == "cannot open: No such file or directory"


# --- units.csv: one row per (county, printed name) ----------------------------------------------


def test_units_csv_names_each_body_once_across_bulletins_and_runs(tmp_path: Path) -> None:
    inputs = _copies(tmp_path / "in", 2)
    out = tmp_path / "out"
    assert CliRunner().invoke(main, ["extract", str(inputs), "-o", str(out), "--workers", "0"]).exit_code == 0
    single = tmp_path / "single"
    assert CliRunner().invoke(main, ["extract", str(SEED), "-o", str(single), "--workers", "0"]).exit_code == 0
    units = _rows(out / "units.csv")
    assert units and units == _rows(single / "units.csv")  # two copies of one bulletin: the rows of one
    keys = [(u["county"], u["unit_raw"]) for u in units]
    assert len(keys) == len(set(keys))

    _copies(tmp_path / "in", 3)  # a third copy, in a later (resumed) run
    assert CliRunner().invoke(main, ["extract", str(inputs), "-o", str(out), "--workers", "0"]).exit_code == 0
    assert _rows(out / "units.csv") == units
    values = _rows(out / "values.csv")
    assert len({v["source"] for v in values if v["unit"]}) == 3  # every bulletin's values still carry the resolution


def test_a_disk_that_fills_up_at_the_very_end_is_reported_too(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    inputs = _copies(tmp_path / "in", 2)
    out = tmp_path / "out"
    real_write_text = Path.write_text

    def write_text(self: Path, *args, **kwargs):
        if self.name == ".datapackage.json.tmp":
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        return real_write_text(self, *args, **kwargs)

    cmd = ["extract", str(inputs), "-o", str(out), "--workers", "0"]
    with monkeypatch.context() as patch:
        patch.setattr(Path, "write_text", write_text)
        full = CliRunner().invoke(main, cmd)
    assert full.exit_code == 2, full.output
    assert f"error: cannot write {out / 'datapackage.json'}: No space left on device; 2 inputs are finished and kept" in full.output
    assert not (out / ".datapackage.json.tmp").exists()
    again = CliRunner().invoke(main, cmd)
    assert again.exit_code == 0 and "2 already done" in again.output
    assert (out / "datapackage.json").exists()
