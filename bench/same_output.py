"""Does a speed change change no output? Extract the fixtures and the corpus, then diff the four CSVs.

    .venv/bin/python bench/same_output.py save /tmp/before      # fixtures/bulletins + corpus (real + docs)
    ... change the code ...
    .venv/bin/python bench/same_output.py save /tmp/after
    .venv/bin/python bench/same_output.py diff /tmp/before /tmp/after

`save` runs `bulletin extract` of this tree (PYTHONPATH set to it) on fixtures/bulletins into
DIR/fixtures, and the corpus scorer with `--keep DIR/corpus` (its own extract of real + docs);
`--fixtures-only` skips the corpus. `diff` compares bulletins.csv, values.csv, findings.csv and
units.csv of each: rows as a multiset (worker order may differ) and, separately, whether the order
is the same. Timing columns, if any ever appear, are left out. Exit status 1 when anything differs.
"""

from __future__ import annotations

import argparse
import csv
import os
import shutil
import subprocess
import sys
from collections import Counter
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
CSVS = ("bulletins.csv", "values.csv", "findings.csv", "units.csv")
TIMING = {"seconds", "elapsed", "duration", "time_s", "read_seconds"}  # none today; kept out if added
SCORE = REPO.parent / "shared" / "corpus" / "score.py"


def env() -> dict[str, str]:
    e = dict(os.environ)
    e["PYTHONPATH"] = str(REPO)
    e["PATH"] = f"{REPO / '.venv' / 'bin'}:{e.get('PATH', '')}"
    return e


def save(out: Path, fixtures_only: bool) -> None:
    if out.exists():
        shutil.rmtree(out)
    out.mkdir(parents=True)
    bulletin = str(REPO / ".venv" / "bin" / "bulletin")
    subprocess.run(
        [bulletin, "extract", str(REPO / "fixtures" / "bulletins"), "-o", str(out / "fixtures"), "--force"], env=env(), check=False
    )
    if not fixtures_only:
        if not SCORE.exists():
            sys.exit(f"no corpus scorer at {SCORE}")
        r = subprocess.run([sys.executable, str(SCORE), "--keep", str(out / "corpus")], env=env(), cwd=REPO, capture_output=True, text=True)
        (out / "score.txt").write_text(r.stdout + r.stderr, encoding="utf-8")
        print(r.stdout.strip().splitlines()[-1] if r.stdout.strip() else r.stderr[-2000:])


def rows(path: Path) -> list[tuple[str, ...]]:
    if not path.exists():
        return []
    with path.open(encoding="utf-8-sig", newline="") as f:
        reader = csv.reader(f)
        header = next(reader, [])
        keep = [i for i, name in enumerate(header) if name not in TIMING]
        return [tuple(header[i] for i in keep)] + [tuple(r[i] if i < len(r) else "" for i in keep) for r in reader]


def csv_dirs(root: Path) -> list[Path]:
    return sorted({p.parent.relative_to(root) for name in CSVS for p in root.rglob(name)})


def diff(a: Path, b: Path) -> int:
    bad = 0
    dirs = sorted(set(csv_dirs(a)) | set(csv_dirs(b)))
    for sub in dirs:
        for name in CSVS:
            ra, rb = rows(a / sub / name), rows(b / sub / name)
            ca, cb = Counter(ra), Counter(rb)
            if ca != cb:
                bad += 1
                gone, new = ca - cb, cb - ca
                print(
                    f"DIFFERENT {sub}/{name}: {len(ra)} vs {len(rb)} rows; {sum(gone.values())} only before, {sum(new.values())} only after"
                )
                for r in list(gone)[:5]:
                    print("  - " + ",".join(r)[:300])
                for r in list(new)[:5]:
                    print("  + " + ",".join(r)[:300])
            else:
                order = "same order" if ra == rb else "same rows, other order"
                print(f"same      {sub}/{name}: {len(ra) - 1 if ra else 0} rows ({order})")
    print("IDENTICAL" if not bad else f"{bad} file(s) differ")
    return 1 if bad else 0


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = ap.add_subparsers(dest="cmd", required=True)
    s = sub.add_parser("save")
    s.add_argument("dir", type=Path)
    s.add_argument("--fixtures-only", action="store_true")
    d = sub.add_parser("diff")
    d.add_argument("before", type=Path)
    d.add_argument("after", type=Path)
    args = ap.parse_args()
    if args.cmd == "save":
        save(args.dir, args.fixtures_only)
    else:
        sys.exit(diff(args.before, args.after))


if __name__ == "__main__":
    main()
