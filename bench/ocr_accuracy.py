"""OCR accuracy on the scanned fixtures (fixtures/scans/, made by make_scans.py).

Scores the (unit_raw, column header path, value) triples read from each scan against the
source fixture's own expected triples (fixtures/expected/tables/<slug>.csv, only the
tables the scanned pages print), with the scorer of bench/accuracy.py. Also reports
the share of wrong values that carry an `ocr_low_confidence` warning, the warnings on
right values, and the seconds per page.

    .venv/bin/python bench/ocr_accuracy.py               # every scan, 200 and 150 dpi
    .venv/bin/python bench/ocr_accuracy.py --dpi 200 --show   # and list each wrong value
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections import Counter, defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from accuracy import Score, load_expected, score, triple  # noqa: E402

from extractor import ocr  # noqa: E402
from extractor.readers import read  # noqa: E402
from extractor.tables import build_tables  # noqa: E402
from extractor.values import table_values  # noqa: E402

SCANS = ROOT / "fixtures" / "scans"


def run_one(entry: dict, folder: Path = SCANS) -> tuple[Score, int, int, int, int, float, int, list[str]]:
    """Score, wrong values, wrong with a warning, right values, right with a warning,
    seconds, pages, and a line per wrong value."""
    path = folder / entry["file"]
    t0 = time.perf_counter()
    doc = read(path)
    seconds = time.perf_counter() - t0
    values, findings = table_values(build_tables(doc), str(path))
    expected_all = load_expected(entry["slug"], "pdf")
    expected = {t: c for t, c in expected_all.items() if t in entry["tables"]}
    found: dict[int, Counter] = defaultdict(Counter)
    for v in values:
        found[v["table"]][triple(v["unit_raw"], v["column_raw"], v["text"])] += 1
    warned = {(f["table"], f["row"], f["column"]) for f in findings if f["check"] == "ocr_low_confidence"}
    left: Counter = sum(expected.values(), Counter())
    wrong = wrong_warned = right = right_warned = 0
    lines = []
    for v in values:
        t = triple(v["unit_raw"], v["column_raw"], v["text"])
        has_warning = (v["table"], v["row"], v["column_raw"]) in warned
        if left[t] > 0:
            left[t] -= 1
            right += 1
            right_warned += has_warning
        else:
            wrong += 1
            wrong_warned += has_warning
            lines.append(f"  {'warned' if has_warning else 'SILENT'} p{v['page']} r{v['row']} c{v['col']} {t} conf={v.get('confidence')}")
    return score(found, expected), wrong, wrong_warned, right, right_warned, seconds, doc.pages or 0, lines


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--dpi", type=int, nargs="*", default=None, help="only these scan resolutions")
    ap.add_argument("--slug", nargs="*", default=None)
    ap.add_argument("--show", action="store_true", help="list every wrong value")
    ap.add_argument("--scans", type=Path, default=SCANS, help="a folder made by make_scans.py --out (default: the committed scans)")
    args = ap.parse_args()
    why = ocr.unavailable()
    if why:
        sys.exit(f"cannot run: {why}")
    entries = json.loads((args.scans / "scans.json").read_text(encoding="utf-8"))
    entries = [
        e for e in entries if not e.get("small") and (not args.dpi or e["dpi"] in args.dpi) and (not args.slug or e["slug"] in args.slug)
    ]
    t0 = time.perf_counter()
    ocr._get_engine()  # model load, once per process: not counted per page
    print(f"model load: {time.perf_counter() - t0:.1f} s")
    print(f"{'scan':32s} {'P':>6s} {'R':>6s} {'F1':>6s} {'found':>6s} {'expect':>6s} {'wrong':>6s} {'warned':>7s} {'s/page':>7s}")
    totals: dict[int, list] = {}
    for e in entries:
        s, wrong, ww, right, rw, secs, pages, lines = run_one(e, args.scans)
        print(
            f"{e['file']:32s} {s.precision:6.3f} {s.recall:6.3f} {s.f1:6.3f} {s.n_found:6d} {s.n_expected:6d} "
            f"{wrong:6d} {ww:7d} {secs / max(pages, 1):7.1f}"
        )
        if args.show:
            print("\n".join(lines))
        acc = totals.setdefault(e["dpi"], [None, 0, 0, 0, 0, 0.0, 0])
        acc[0] = s if acc[0] is None else acc[0] + s
        for k, x in enumerate((wrong, ww, right, rw, secs, pages), start=1):
            acc[k] += x
    print()
    for dpi, (s, wrong, ww, right, rw, secs, pages) in sorted(totals.items(), reverse=True):
        share = f"{ww / wrong:.1%}" if wrong else "n/a (no wrong value)"
        print(
            f"{dpi} dpi: triple P {s.precision:.3f} R {s.recall:.3f} F1 {s.f1:.3f} ({s.tp}/{s.n_expected} expected, {s.n_found} found); "
            f"wrong values {wrong}, with a warning {ww} ({share}); right values with a warning {rw}/{right}; "
            f"{secs / max(pages, 1):.1f} s/page over {pages} pages"
        )


if __name__ == "__main__":
    main()
