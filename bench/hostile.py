"""Time and peak memory of `bulletin extract` on each hostile input (tests/hostile/make_hostile.py),
one subprocess per case, and the status and reason it ends with. Prints figures, asserts nothing.

    .venv/bin/python bench/hostile.py
"""

from __future__ import annotations

import csv
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests" / "hostile"))

from make_hostile import build  # noqa: E402

BULLETIN = Path(sys.executable).parent / "bulletin"
# ru_maxrss of the waited-for children rolls up the worker processes the CLI waited for
MEASURE = "import resource, subprocess, sys; subprocess.run(sys.argv[1:]); print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)"


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        cases = build(Path(tmp) / "in")
        print(f"{'case':16} {'seconds':>8} {'peak MiB':>9}  status     reason")
        for name, path in cases.items():
            out = Path(tmp) / f"out-{name}"
            start = time.perf_counter()
            cmd = [sys.executable, "-c", MEASURE, str(BULLETIN), "extract", str(path), "-o", str(out), "--workers", "1", "--timeout", "60"]
            done = subprocess.run(cmd, capture_output=True, text=True)
            seconds = time.perf_counter() - start
            peak = int(done.stdout.strip().splitlines()[-1]) // 1024
            with (out / "bulletins.csv").open(encoding="utf-8") as fh:
                (row,) = list(csv.DictReader(fh))
            print(f"{name:16} {seconds:8.2f} {peak:9d}  {row['status']:10} {row['error'][:90]}")
    print(f"(this process: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024} MiB)")


if __name__ == "__main__":
    main()
