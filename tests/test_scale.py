"""Batch at scale: same bytes whatever the worker count, Ctrl-C leaves a resumable store,
and the same job on a Dask cluster (a small in-process LocalCluster here)."""

import csv
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

import extractor.batch as batch
from cli import main
from extractor.contract import TABLES

REPO = Path(__file__).resolve().parent.parent
BULLETINS = REPO / "fixtures" / "bulletins"
BAD = REPO / "fixtures" / "bad"
BULLETIN = Path(sys.executable).parent / "bulletin"


def _rows(path: Path) -> list[dict]:
    with path.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def _mixed_inputs(root: Path) -> Path:
    """Every format, a bad file among them: the order of results must not depend on who finishes first."""
    inputs = root / "in"
    inputs.mkdir()
    for path in (
        BULLETINS / "pdf" / "pingjiang-2024-05.pdf",
        BAD / "truncated.pdf",
        BULLETINS / "docx" / "wanzai-2023-12.docx",
        BULLETINS / "html" / "changji-2025-04.html",
        BULLETINS / "text" / "wengyuan-2022-06.txt",
        BAD / "empty.pdf",
    ):
        shutil.copy(path, inputs / path.name)
    return inputs


def _outputs(out: Path) -> dict[str, bytes]:
    return {f"{t}.csv": (out / f"{t}.csv").read_bytes() for t in TABLES}


def test_every_output_csv_is_the_same_bytes_with_0_1_and_2_workers(tmp_path: Path) -> None:
    inputs = _mixed_inputs(tmp_path)
    outputs = {}
    for workers in (0, 1, 2):
        out = tmp_path / f"out{workers}"
        result = CliRunner().invoke(main, ["extract", str(inputs), "-o", str(out), "--workers", str(workers)])
        assert result.exit_code == 1, result.output  # the bad files failed, the batch went on
        outputs[workers] = _outputs(out)
    assert outputs[0] == outputs[1] == outputs[2]
    statuses = [r["status"] for r in _rows(tmp_path / "out2" / "bulletins.csv")]
    assert statuses == ["ok", "failed", "ok", "failed", "ok", "ok"]  # changji, empty, pingjiang, truncated, wanzai, wengyuan
    assert all(len(v) > 200 for v in outputs[2].values())  # every table has rows, not just a header


def test_ctrl_c_keeps_finished_results_and_a_rerun_completes_without_duplicates(tmp_path: Path) -> None:
    inputs = tmp_path / "in"
    inputs.mkdir()
    seed = BULLETINS / "text" / "pingjiang-2024-05.txt"
    n = 24
    for i in range(n):
        shutil.copy(seed, inputs / f"copy-{i:03}.txt")
    out = tmp_path / "out"
    manifest = out / ".bulletin" / "manifest.jsonl"
    cmd = [str(BULLETIN), "extract", str(inputs), "-o", str(out), "--workers", "2"]
    # a new session: Ctrl-C in a terminal signals the whole process group, workers included
    # A test run started in the background inherits SIGINT ignored, and Python then installs no
    # KeyboardInterrupt handler: give the batch the terminal's default, as a user's shell would.
    proc = subprocess.Popen(
        cmd,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and proc.poll() is None:
        if manifest.exists() and len(manifest.read_text(encoding="utf-8").splitlines()) >= 4:  # start + 3 files
            break
        time.sleep(0.05)
    assert proc.poll() is None, "the batch ended before it could be interrupted"
    os.killpg(proc.pid, signal.SIGINT)
    _, stderr = proc.communicate(timeout=60)
    assert proc.returncode == 130, stderr
    assert "run the same command again to resume" in stderr

    first = _rows(out / "bulletins.csv")
    assert 3 <= len(first) < n
    assert len(first) == len(manifest.read_text(encoding="utf-8").splitlines()) - 1  # only finished inputs, none half-written
    assert {r["status"] for r in first} == {"ok"}  # interrupted files are not recorded as failed
    assert (out / "datapackage.json").exists()

    rerun = subprocess.run(cmd, capture_output=True, text=True, timeout=600)
    assert rerun.returncode == 0, rerun.stderr
    assert f"{n - len(first)} files processed" in rerun.stdout and f"{len(first)} already done" in rerun.stdout
    rows = _rows(out / "bulletins.csv")
    assert sorted(Path(r["source"]).name for r in rows) == [f"copy-{i:03}.txt" for i in range(n)]  # complete, no duplicates
    assert {r["status"] for r in rows} == {"ok"}
    values = _rows(out / "values.csv")
    per_file = int(rows[0]["n_values"])
    assert per_file > 0 and len(values) == per_file * n  # no half-written file left behind
    assert len({(v["source"], v["table"], v["row"], v["col"], v["metric"], v["text"]) for v in values}) == len(values)
    assert {int(r["n_values"]) for r in rows} == {per_file}  # identical copies: identical rows, whichever run did them


@pytest.fixture(scope="module")
def dask_cluster():
    distributed = pytest.importorskip("distributed")
    with distributed.LocalCluster(n_workers=1, threads_per_worker=2, processes=False, dashboard_address=None) as cluster:
        yield cluster


def test_scheduler_runs_the_same_job_on_a_dask_cluster(tmp_path: Path, dask_cluster) -> None:
    inputs = _mixed_inputs(tmp_path)
    local, remote = tmp_path / "local", tmp_path / "dask"
    runner = CliRunner()
    assert runner.invoke(main, ["extract", str(inputs), "-o", str(local), "--workers", "0"]).exit_code == 1
    result = runner.invoke(main, ["extract", str(inputs), "-o", str(remote), "--scheduler", dask_cluster.scheduler_address])
    assert result.exit_code == 1, result.output  # the bad inputs failed on the cluster, the batch went on
    assert "6 files processed (2 failed, 4 ok)" in result.output
    assert _outputs(remote) == _outputs(local)
    # resumable there too, and the cluster is left without our worker plugin
    again = runner.invoke(main, ["extract", str(inputs), "-o", str(remote), "--scheduler", dask_cluster.scheduler_address])
    assert "0 files processed" in again.output and "6 already done" in again.output
    from distributed import Client

    with Client(dask_cluster.scheduler_address) as client:
        plugins = client.run(lambda dask_worker: list(dask_worker.plugins))
        assert not [name for names in plugins.values() for name in names if name.startswith("bulletin")]


def test_unreachable_scheduler_is_refused_before_any_work(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    pytest.importorskip("distributed")
    monkeypatch.setattr(batch, "CONNECT_SECONDS", 1.0)  # nobody listens there: do not wait the full 10 s
    result = CliRunner().invoke(
        main,
        ["extract", str(BULLETINS / "text"), "-o", str(tmp_path / "out"), "--scheduler", "tcp://127.0.0.1:9"],
    )
    assert result.exit_code == 2, result.output
    assert "cannot reach the Dask scheduler at tcp://127.0.0.1:9" in result.output
    assert "files processed" not in result.output


def test_daemonic_dask_workers_run_files_in_threads_and_say_so(tmp_path: Path) -> None:
    """Worker processes started by a nanny are daemonic by default and may not have children."""
    distributed = pytest.importorskip("distributed")
    inputs = _mixed_inputs(tmp_path)
    local, remote = tmp_path / "local", tmp_path / "dask"
    assert CliRunner().invoke(main, ["extract", str(inputs), "-o", str(local), "--workers", "0"]).exit_code == 1
    with distributed.LocalCluster(n_workers=1, threads_per_worker=2, processes=True, dashboard_address=None) as cluster:
        result = CliRunner().invoke(main, ["extract", str(inputs), "-o", str(remote), "--scheduler", cluster.scheduler_address])
    assert result.exit_code == 1, result.output
    assert "DASK_DISTRIBUTED__WORKER__DAEMON=False" in result.output
    assert _outputs(remote) == _outputs(local)
