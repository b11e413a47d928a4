"""Accuracy of the prose stage (extractor/prose/) against the hand-written statistics of
fixtures/expected/prose/<slug>.csv.

    .venv/bin/python bench/prose_accuracy.py [--formats text docx html] [--verbose] [--check]

Per seed and format: precision and recall of (unit_raw, metric, value) triples, compared as
multisets after NFKC and whitespace removal (a category printed twice, e.g. under two mailboxes,
counts twice); and the share of extracted values whose `text` appears verbatim in the source
(the raw file for text seeds, the reader's paragraphs otherwise). --check exits 1 when a text
seed misses recall 0.95, precision 0.98 or text-in-source 1.0.
"""

from __future__ import annotations

import argparse
import csv
import re
import sys
import unicodedata
from collections import Counter
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from extractor.model import ReadError  # noqa: E402
from extractor.prose import prose_values  # noqa: E402
from extractor.readers import read  # noqa: E402

EXPECTED = REPO / "fixtures" / "expected" / "prose"
BULLETINS = REPO / "fixtures" / "bulletins"
SEEDS = ["wanzai-2023-12", "pingjiang-2024-05", "changji-2025-04", "baishui-2024q1", "wengyuan-2022-06"]
EXTENSIONS = {"text": "txt", "docx": "docx", "html": "html", "pdf": "pdf"}
TARGET_RECALL, TARGET_PRECISION = 0.95, 0.98


def fold(text: str) -> str:
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text or ""))


def triple(row: dict) -> tuple[str, str, float]:
    return fold(row["unit_raw"]), row["metric"], round(float(row["value"]), 6)


def load_expected(slug: str) -> list[dict]:
    with (EXPECTED / f"{slug}.csv").open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def score(slug: str, fmt: str) -> dict | None:
    path = BULLETINS / fmt / f"{slug}.{EXTENSIONS[fmt]}"
    if not path.exists():
        return None
    try:
        doc = read(path)
    except ReadError as exc:
        return {"slug": slug, "format": fmt, "error": str(exc)}
    rows, _ = prose_values(doc, str(path), "", "")
    if fmt == "text":
        source = path.read_bytes().decode(doc.encoding or "utf-8")
    else:
        source = doc.text()
    folded_source = fold(source)
    got = Counter(triple(r) for r in rows)
    want = Counter(triple(r) for r in load_expected(slug))
    hit = sum((got & want).values())
    in_source = sum(1 for r in rows if r["text"] in source or fold(r["text"]) in folded_source)
    return {
        "slug": slug,
        "format": fmt,
        "expected": sum(want.values()),
        "extracted": sum(got.values()),
        "hit": hit,
        "precision": hit / sum(got.values()) if got else 1.0,
        "recall": hit / sum(want.values()) if want else 1.0,
        "text_in_source": in_source / len(rows) if rows else 1.0,
        "verbatim": sum(1 for r in rows if r["text"] in source) / len(rows) if rows else 1.0,
        "missed": sorted((want - got).elements()),
        "extra": sorted((got - want).elements()),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--formats", nargs="+", default=["text", "docx", "html"], choices=sorted(EXTENSIONS))
    parser.add_argument("--verbose", action="store_true", help="list missed and extra triples")
    parser.add_argument("--check", action="store_true", help="exit 1 when a text seed misses the targets")
    args = parser.parse_args(argv)

    print(f"{'seed':20} {'format':6} {'want':>5} {'got':>5} {'P':>6} {'R':>6} {'text∈src':>8} {'verbatim':>8}")
    failed = False
    for fmt in args.formats:
        for slug in SEEDS:
            res = score(slug, fmt)
            if res is None:
                continue
            if "error" in res:
                print(f"{slug:20} {fmt:6} read error: {res['error']}")
                continue
            print(
                f"{slug:20} {fmt:6} {res['expected']:5d} {res['extracted']:5d} {res['precision']:6.3f} {res['recall']:6.3f}"
                f" {res['text_in_source']:8.3f} {res['verbatim']:8.3f}"
            )
            if args.verbose:
                for t in res["missed"]:
                    print(f"    missed {t}")
                for t in res["extra"]:
                    print(f"    extra  {t}")
            if fmt == "text" and (res["recall"] < TARGET_RECALL or res["precision"] < TARGET_PRECISION or res["text_in_source"] < 1.0):
                failed = True
    return 1 if (args.check and failed) else 0


if __name__ == "__main__":
    sys.exit(main())
