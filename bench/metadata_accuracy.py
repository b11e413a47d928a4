"""Accuracy of bulletin metadata (extractor/metadata.py) against fixtures/expected/metadata.csv.

    .venv/bin/python bench/metadata_accuracy.py [--verbose] [--check]

For every seed and every rendering (txt, docx, html, pdf, pdf-borderless) it reads the file,
runs read_metadata and says, per field, whether the value is exact ("=" exact, "x" wrong,
"-" expected empty but filled, "." expected filled but left empty). Then totals per field
and per format. --verbose lists every difference (got vs expected); --check exits 1 unless
county and period are exact everywhere (the target of issue #4).

The expected row of a seed holds for all its renderings, except where metadata.csv has a row
for that seed with `format` set (a web page whose furniture prints a date and a source the
seed does not have).
"""

from __future__ import annotations

import argparse
import csv
import sys
from collections import Counter
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from accuracy import FORMATS  # noqa: E402  (format -> fixture folder and suffix)

from extractor.metadata import read_metadata  # noqa: E402
from extractor.readers import read  # noqa: E402

EXPECTED = REPO / "fixtures" / "expected" / "metadata.csv"
BULLETINS = REPO / "fixtures" / "bulletins"
FIELDS = ["province", "city", "county", "period", "period_start", "period_end", "published", "issuer", "doc_number"]
TARGET = ["county", "period"]


def load_expected(path: Path = EXPECTED) -> dict[tuple[str, str], dict]:
    """(slug, format) → expected row; format "" is the default for the seed's renderings."""
    with path.open(encoding="utf-8", newline="") as fh:
        return {(row["slug"], row.get("format") or ""): row for row in csv.DictReader(fh)}


def expected_for(expected: dict, slug: str, fmt: str) -> dict:
    return expected.get((slug, fmt)) or expected[(slug, "")]


def mark(got: str, want: str) -> str:
    if got == want:
        return "="
    if not want:
        return "-"
    if not got:
        return "."
    return "x"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--verbose", action="store_true")
    ap.add_argument("--check", action="store_true")
    args = ap.parse_args(argv)

    expected = load_expected()
    slugs = sorted({slug for slug, _ in expected})
    exact_by_field: Counter = Counter()
    exact_by_format: Counter = Counter()
    n_by_format: Counter = Counter()
    target_ok = True
    diffs = []
    width = max(len(s) for s in slugs)
    print(f"{'seed':<{width}}  {'format':<14}  " + " ".join(f[:8].ljust(8) for f in FIELDS))
    for slug in slugs:
        for fmt, (folder, ext) in FORMATS.items():
            path = BULLETINS / folder / f"{slug}{ext}"
            want = expected_for(expected, slug, fmt)
            meta, _ = read_metadata(read(path))
            got = meta.as_dict()
            marks = [mark(got[f], want[f]) for f in FIELDS]
            print(f"{slug:<{width}}  {fmt:<14}  " + " ".join(m.ljust(8) for m in marks))
            for f, m in zip(FIELDS, marks, strict=True):
                n_by_format[fmt] += 1
                if m == "=":
                    exact_by_field[f] += 1
                    exact_by_format[fmt] += 1
                else:
                    diffs.append((slug, fmt, f, got[f], want[f]))
                    target_ok &= f not in TARGET
    n = len(slugs) * len(FORMATS)
    print()
    print("exact per field:  " + ", ".join(f"{f} {exact_by_field[f]}/{n}" for f in FIELDS))
    print("exact per format: " + ", ".join(f"{fmt} {exact_by_format[fmt]}/{n_by_format[fmt]}" for fmt in FORMATS))
    total = sum(exact_by_field.values())
    print(f"all fields:       {total}/{n * len(FIELDS)}; county and period exact everywhere: {'yes' if target_ok else 'NO'}")
    if args.verbose and diffs:
        print()
        for slug, fmt, f, got, want in diffs:
            print(f"{slug} {fmt} {f}: got {got!r}, expected {want!r}")
    return 1 if args.check and not target_ok else 0


if __name__ == "__main__":
    sys.exit(main())
