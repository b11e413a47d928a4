"""Hostile inputs (tests/hostile/make_hostile.py): each ends as stated within the limits, no local
file content reaches an output, memory stays bounded, and a good file in the same batch comes out
whole. Every run is a subprocess, so its peak memory can be measured on its own."""

from __future__ import annotations

import csv
import subprocess
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent / "hostile"))
from make_hostile import INJECTIONS, SECRET, build  # noqa: E402

BULLETIN = Path(sys.executable).parent / "bulletin"
# Runs a command and prints the peak RSS (KiB) of its process tree: ru_maxrss of the children
# that were waited for, which rolls up the worker processes the command waited for in turn.
_MEASURE = "import resource, subprocess, sys; subprocess.run(sys.argv[1:]); print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)"


@pytest.fixture(scope="module")
def cases(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    return build(tmp_path_factory.mktemp("hostile") / "in")


def _extract(inputs: list[Path], out: Path, *extra: str) -> int:
    """Peak memory of `bulletin extract` in MiB."""
    cmd = [sys.executable, "-c", _MEASURE, str(BULLETIN), "extract", *map(str, inputs), "-o", str(out), "--timeout", "30", *extra]
    done = subprocess.run(cmd, capture_output=True, text=True, timeout=300)
    return int(done.stdout.strip().splitlines()[-1]) // 1024


def _rows(path: Path) -> list[dict]:
    with path.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


@pytest.fixture(scope="module")
def batch_run(cases: dict[str, Path], tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, int]:
    out = tmp_path_factory.mktemp("batch") / "out"
    peak = _extract(list(cases.values()), out, "--workers", "2", "--format", "xlsx")
    return out, peak


@pytest.fixture(scope="module")
def batch(batch_run: tuple[Path, int]) -> Path:
    return batch_run[0]


def test_every_case_stays_within_bounded_memory(batch_run: tuple[Path, int]) -> None:
    """The largest process of the whole batch (every case, 2 workers) stays under 500 MB."""
    assert batch_run[1] < 500, f"peak {batch_run[1]} MiB"


def _status(batch: Path) -> dict[str, dict]:
    return {Path(r["source"]).stem: r for r in _rows(batch / "bulletins.csv")}


def test_each_case_ends_as_stated(batch: Path) -> None:
    rows = _status(batch)
    assert rows["zip-bomb"]["status"] == "failed"
    assert "word/document.xml inflates to 1,610,612,8" in rows["zip-bomb"]["error"]  # 1536 MiB, from the ZIP directory
    assert "--max-xml-part-mb" in rows["zip-bomb"]["error"]
    assert rows["billion-laughs"]["status"] == "failed" and "amplification" in rows["billion-laughs"]["error"]
    assert rows["huge-table"]["status"] == "failed"
    assert rows["huge-table"]["error"] == "200,000 table cells, over the limit of 100,000 (--max-cells)"
    assert rows["cyclic-pages"]["status"] == "failed" and "page 1" in rows["cyclic-pages"]["error"]
    assert rows["xxe"]["status"] == "ok"  # the entity is left unresolved; the rest of the table reads
    assert rows["injection"]["status"] == "ok"


def test_no_local_file_content_in_any_output(batch: Path) -> None:
    for path in batch.rglob("*"):
        if path.is_file():
            assert SECRET not in path.read_text(encoding="utf-8", errors="replace"), path


def test_the_good_file_in_the_same_batch_comes_out_whole(batch: Path, cases: dict[str, Path], tmp_path: Path) -> None:
    alone = tmp_path / "alone"
    _extract([cases["good"]], alone, "--workers", "0")
    good = [r for r in _rows(batch / "values.csv") if Path(r["source"]).name == "good.docx"]
    expected = [r for r in _rows(alone / "values.csv")]
    # 翁源: the 265 table values of fixtures/expected/tables/ and the 31 of fixtures/expected/prose/
    assert len(good) == len(expected) == 265 + 31
    strip = lambda r: {k: v for k, v in r.items() if k != "source"}  # noqa: E731
    assert [strip(r) for r in good] == [strip(r) for r in expected]
    assert _status(batch)["good"]["status"] == "ok"


def test_formula_and_markup_unit_names_stay_faithful_text_in_csv(batch: Path) -> None:
    units = {r["unit_raw"] for r in _rows(batch / "values.csv") if Path(r["source"]).name == "injection.txt"}
    assert units == set(INJECTIONS)


def test_formula_unit_names_are_text_cells_in_xlsx(batch: Path) -> None:
    openpyxl = pytest.importorskip("openpyxl")
    book = openpyxl.load_workbook(batch / "tables.xlsx")
    cells = [c for sheet in book.worksheets for row in sheet.iter_rows() for c in row]
    assert not [c.coordinate for c in cells if c.data_type == "f"]
    texts = {c.value for c in cells if isinstance(c.value, str)}
    assert set(INJECTIONS) <= texts  # every injected name is there, as text


def test_markup_unit_names_are_escaped_in_the_report(batch: Path, tmp_path: Path) -> None:
    from click.testing import CliRunner

    from cli import main

    html = tmp_path / "report.html"
    assert CliRunner().invoke(main, ["report", str(batch), "-o", str(html), "--no-crops"]).exit_code == 0
    page = html.read_text(encoding="utf-8")
    assert "<img src=x onerror" not in page and "<script>alert" not in page
    assert "&lt;img src=x onerror=alert(1)&gt;局" in page


def test_the_zip_bomb_stays_under_500_mb(cases: dict[str, Path], tmp_path: Path) -> None:
    peak = _extract([cases["zip_bomb"]], tmp_path / "out", "--workers", "1")
    assert peak < 500, f"peak {peak} MiB"


def test_limits_are_set_on_the_command_line(cases: dict[str, Path], tmp_path: Path) -> None:
    """翁源's DOCX has one table of 15 columns x 21 rows (fewer cells: merged header) and a
    document.xml of 212 KB: both fit the defaults and fail tighter limits."""
    _extract([cases["good"]], tmp_path / "cells", "--workers", "0", "--max-cells", "100")
    (row,) = _rows(tmp_path / "cells" / "bulletins.csv")
    assert row["status"] == "failed" and row["error"].endswith("over the limit of 100 (--max-cells)")
    _extract([cases["good"]], tmp_path / "xml", "--workers", "0", "--max-xml-part-mb", "0.01")
    (row,) = _rows(tmp_path / "xml" / "bulletins.csv")
    assert row["status"] == "failed" and "word/document.xml inflates to" in row["error"] and "(--max-xml-part-mb)" in row["error"]
