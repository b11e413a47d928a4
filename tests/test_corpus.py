"""The development corpus ratchet: `../shared/corpus/score.py` must not fall below the floors
kept in `tests/corpus_floors.json` (and the false-alarm counts must not rise above theirs).

A change that raises a figure raises its floor:

    python3 tests/test_corpus.py --raise      # scores the corpus, then lifts every floor it beat
    python3 tests/test_corpus.py --raise FIGURES.json   # the same from a `score.py --json` run

Skipped, saying why, where the corpus is absent (it lives beside the project, in ../shared/).
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SCORER = ROOT.parent / "shared" / "corpus" / "score.py"
FLOORS = Path(__file__).with_name("corpus_floors.json")
CEILINGS = ("false_errors", "garbage")  # counts that must not rise


def run_scorer() -> dict[str, list[int]]:
    """The scorer's aggregate figures, {name: [hits, total]}."""
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "figures.json"
        bulletin = ROOT / ".venv" / "bin" / "bulletin"
        cmd = [sys.executable, str(SCORER), "--json", str(out)]
        if bulletin.exists():
            cmd += ["--bulletin", str(bulletin)]
        else:
            cmd += ["--bulletin", "bulletin"]
        done = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=3000)
        assert out.exists(), f"score.py wrote no figures (exit {done.returncode}):\n{done.stdout[-2000:]}\n{done.stderr[-2000:]}"
        return json.loads(out.read_text(encoding="utf-8"))["agg"]


def is_ceiling(name: str) -> bool:
    return name.startswith(CEILINGS)


def ratio(hits_total: list[int]) -> float:
    hits, total = hits_total
    return hits / total if total else 0.0


def shortfalls(figures: dict[str, list[int]], floors: dict[str, float]) -> list[str]:
    """Every figure below its floor (or a count above its ceiling), as a readable line."""
    bad = []
    for name, floor in sorted(floors.items()):
        if name not in figures:
            bad.append(f"{name}: not reported by score.py (floor {floor})")
        elif is_ceiling(name):
            if figures[name][0] > floor:
                bad.append(f"{name} = {figures[name][0]}, above its ceiling {floor}")
        elif ratio(figures[name]) + 1e-9 < floor:
            h, t = figures[name]
            bad.append(f"{name} = {h}/{t} = {ratio(figures[name]):.4f}, below its floor {floor}")
    return bad


@pytest.fixture(scope="module")
def figures() -> dict[str, list[int]]:
    if not SCORER.exists():
        pytest.skip(f"development corpus absent: {SCORER} not found (it lives in ../shared/corpus/ beside the project)")
    return run_scorer()


def test_corpus_figures_hold_their_floors(figures: dict[str, list[int]]) -> None:
    floors = json.loads(FLOORS.read_text(encoding="utf-8"))
    assert not shortfalls(figures, floors), "\n".join(shortfalls(figures, floors))


def test_shortfalls_reports_a_fall_and_a_rise() -> None:
    floors = {"txt:table": 0.5, "false_errors_clean": 0}
    assert shortfalls({"txt:table": [5, 10], "false_errors_clean": [0, 0]}, floors) == []
    assert shortfalls({"txt:table": [4, 10], "false_errors_clean": [0, 0]}, floors) == ["txt:table = 4/10 = 0.4000, below its floor 0.5"]
    assert shortfalls({"txt:table": [5, 10], "false_errors_clean": [2, 0]}, floors) == ["false_errors_clean = 2, above its ceiling 0"]


def raise_floors(figures_json: str | None = None) -> None:
    """Lift every floor the corpus now beats; never lower one."""
    if figures_json:
        figures = json.loads(Path(figures_json).read_text(encoding="utf-8"))["agg"]
    else:
        figures = run_scorer()
    floors = json.loads(FLOORS.read_text(encoding="utf-8")) if FLOORS.exists() else {}
    for name, ht in sorted(figures.items()):
        if is_ceiling(name):
            now = ht[0]
            floors[name] = min(floors.get(name, now), now)
        else:
            now = int(ratio(ht) * 1000) / 1000  # rounded down: the floor is what was reached
            floors[name] = max(floors.get(name, 0.0), now)
        print(f"{name:28} {ht[0]}/{ht[1]}  floor {floors[name]}")
    FLOORS.write_text(json.dumps(floors, indent=1, sort_keys=True) + "\n", encoding="utf-8")


if __name__ == "__main__":
    if sys.argv[1:2] == ["--raise"] and len(sys.argv) <= 3:
        raise_floors(sys.argv[2] if len(sys.argv) == 3 else None)
    else:
        print(__doc__)
