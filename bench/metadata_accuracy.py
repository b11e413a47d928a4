"""Accuracy of bulletin metadata (extractor/metadata.py) against fixtures/expected/metadata.csv.

    .venv/bin/python bench/metadata_accuracy.py [--verbose] [--check]

For every seed and every rendering (txt, docx, html, pdf, pdf-borderless) it reads the file,
runs read_metadata and says, per field, whether the value is exact ("=" exact, "x" wrong,
"-" expected empty but filled, "." expected filled but left empty). Then totals per field
and per format. --verbose lists every difference (got vs expected); --check exits 1 unless
county and period are exact everywhere (the target of issue #4).

    .venv/bin/python bench/metadata_accuracy.py --corpus ../shared/corpus [--formats txt,docx,html,pdf]

also reads the development corpus (its inputs, never copied) and counts county (or city, for a
prefecture-level bulletin) and period against its truth files, listing every miss: the same
comparison as the corpus scorer, without the rest of the pipeline. Scans are left out unless
asked for (`scan` in --formats): OCR takes minutes.

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
    ap.add_argument("--corpus", type=Path, help="the development corpus folder (../shared/corpus)")
    ap.add_argument("--formats", default="txt,docx,html,pdf,broken", help="corpus formats to read")
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
    if args.corpus:
        corpus(args.corpus, set(args.formats.split(",")))
    return 1 if args.check and not target_ok else 0


def _same(a: str | None, b: str | None) -> bool:
    """Labels compared as the corpus scorer does: NFKC, no spaces, a range as a/b or a..b."""
    import re
    import unicodedata

    def norm(s: str | None) -> str:
        return re.sub(r"\s+", "", unicodedata.normalize("NFKC", s or "")).replace("..", "/")

    return norm(a) == norm(b)


def corpus(root: Path, formats: set[str]) -> None:
    import json
    import tempfile

    kinds = {"pdf_text": "pdf", "pdf_broken": "broken", "pdf_scan": "scan"}
    items = []  # (name, path, truth, header to strip)
    for tf in sorted((root / "truth" / "real").glob("*.json")):
        truth = json.loads(tf.read_text(encoding="utf-8"))
        if "txt" in formats:
            items.append((Path(truth["doc"]).name, root / truth["doc"], truth, True))
    for tf in sorted((root / "truth" / "docs").glob("*.json")):
        truth = json.loads(tf.read_text(encoding="utf-8"))
        for entry in truth.get("files", []):
            if kinds.get(entry.get("format", ""), entry.get("format", "")) in formats:
                items.append((Path(entry["path"]).name, root / entry["path"], truth, False))
    ok = {"county": 0, "period": 0}
    n = {"county": 0, "period": 0}
    print()
    with tempfile.TemporaryDirectory() as tmp:
        for name, path, truth, header in items:
            if header:  # a real excerpt: the block above "---" says where it came from, not part of it
                text = path.read_text(encoding="utf-8")
                path = Path(tmp) / name
                head, sep, body = text.partition("\n---\n")
                path.write_text(body if sep and head.startswith("source:") else text, encoding="utf-8")
            meta, _ = read_metadata(read(path))
            county_ok = _same(meta.county or meta.city, truth.get("county") or truth.get("city"))
            period_ok = _same(meta.period, truth.get("period"))
            n["county"] += 1
            ok["county"] += county_ok
            if truth.get("period"):
                n["period"] += 1
                ok["period"] += period_ok
            if not county_ok or (truth.get("period") and not period_ok):
                print(
                    f"{name}: got {meta.province}/{meta.city}/{meta.county} {meta.period}, "
                    f"truth {truth.get('province')}/{truth.get('city')}/{truth.get('county')} {truth.get('period')}"
                )
    print(f"corpus: county {ok['county']}/{n['county']}, period {ok['period']}/{n['period']}")


if __name__ == "__main__":
    sys.exit(main())
