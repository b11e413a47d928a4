"""Table accuracy on the fixture corpus: (unit_raw, column header path, value) triples.

For every fixture and format, compares the values the table stage extracts with the
hand-checked triples in fixtures/expected/tables/<slug>.csv and prints precision,
recall, F1 and the share of expected tables reproduced exactly. The same scorer runs
on the raw output of pdfplumber `extract_tables()` and camelot lattice/stream (PDF
fixtures only), read naively: first row = header, first column = unit.

    .venv/bin/python bench/accuracy.py            # table of figures
    .venv/bin/python bench/accuracy.py --no-baselines
    .venv/bin/python bench/accuracy.py --show wanzai-2023-12 pdf-borderless   # list misses/extras
"""

from __future__ import annotations

import argparse
import csv
import re
import sys
import unicodedata
import warnings
from collections import Counter, defaultdict
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from extractor.numbers import parse_number  # noqa: E402
from extractor.readers import read  # noqa: E402
from extractor.tables import build_tables  # noqa: E402
from extractor.values import table_values  # noqa: E402

FIXTURES = ROOT / "fixtures" / "bulletins"
EXPECTED = ROOT / "fixtures" / "expected" / "tables"
FORMATS = {
    "txt": ("text", ".txt"),
    "docx": ("docx", ".docx"),
    "html": ("html", ".html"),
    "pdf": ("pdf", ".pdf"),
    "pdf-borderless": ("pdf-borderless", ".pdf"),
}

Triple = tuple[str, str, str]


def norm(text: str | None) -> str:
    """NFKC with all whitespace removed: line breaks and the spaces PDF engines insert
    between CJK and digits are not part of what was printed."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text or ""))


def triple(unit: str, column: str, text: str) -> Triple:
    return norm(unit), " / ".join(norm(level) for level in (column or "").split(" / ")), norm(text)


def load_expected(slug: str, fmt: str = "") -> dict[int, Counter]:
    """Expected triples of a fixture; fixtures/expected/tables/<format>/<slug>.csv, where it
    exists, holds what that format prints differently (see the README there)."""
    path = EXPECTED / fmt / f"{slug}.csv"
    if not fmt or not path.exists():
        path = EXPECTED / f"{slug}.csv"
    tables: dict[int, Counter] = defaultdict(Counter)
    with path.open(encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            tables[int(row["table"])][triple(row["unit_raw"], row["column_raw"], row["text"])] += 1
    return tables


@dataclass
class Score:
    tp: int
    n_found: int
    n_expected: int
    exact: int
    n_tables: int

    @property
    def precision(self) -> float:
        return self.tp / self.n_found if self.n_found else (1.0 if not self.n_expected else 0.0)

    @property
    def recall(self) -> float:
        return self.tp / self.n_expected if self.n_expected else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def __add__(self, other: Score) -> Score:
        return Score(*(a + b for a, b in zip(self.astuple(), other.astuple(), strict=True)))

    def astuple(self) -> tuple[int, ...]:
        return (self.tp, self.n_found, self.n_expected, self.exact, self.n_tables)


def score(found: dict[int, Counter], expected: dict[int, Counter]) -> Score:
    all_found: Counter = sum(found.values(), Counter())
    all_expected: Counter = sum(expected.values(), Counter())
    tp = sum((all_found & all_expected).values())
    exact = sum(1 for table in expected.values() if any(table == f for f in found.values()))
    return Score(tp, sum(all_found.values()), sum(all_expected.values()), exact, len(expected))


def ours(path: Path) -> dict[int, Counter]:
    doc = read(path)
    values, _ = table_values(build_tables(doc), str(path))
    found: dict[int, Counter] = defaultdict(Counter)
    for v in values:
        found[v["table"]][triple(v["unit_raw"], v["column_raw"], v["text"])] += 1
    return found


def _naive(grids: list[list[list[str | None]]]) -> dict[int, Counter]:
    """First row is the header, first column the unit, every number or grade a value."""
    found: dict[int, Counter] = defaultdict(Counter)
    for t, grid in enumerate(grids, start=1):
        if len(grid) < 2:
            continue
        header = [c or "" for c in grid[0]]
        for row in grid[1:]:
            unit = row[0] or ""
            for c, text in enumerate(row[1:], start=1):
                parsed = parse_number(text or "")
                if parsed is None or parsed.kind == "missing":
                    continue
                found[t][triple(unit, header[c] if c < len(header) else "", text or "")] += 1
    return found


def pdfplumber_tables(path: Path) -> dict[int, Counter]:
    import pdfplumber

    with pdfplumber.open(path) as pdf:
        return _naive([t for page in pdf.pages for t in page.extract_tables()])


def camelot_tables(path: Path, flavor: str) -> dict[int, Counter]:
    import camelot

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        tables = camelot.read_pdf(str(path), pages="all", flavor=flavor)
    return _naive([t.df.values.tolist() for t in tables])


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--no-baselines", action="store_true")
    ap.add_argument("--show", nargs=2, metavar=("SLUG", "FORMAT"), help="list missed and extra triples of one fixture")
    args = ap.parse_args()
    slugs = sorted(p.stem for p in EXPECTED.glob("*.csv"))

    if args.show:
        slug, fmt = args.show
        folder, suffix = FORMATS[fmt]
        expected = load_expected(slug, fmt)
        found = ours(FIXTURES / folder / f"{slug}{suffix}")
        exp_all, got_all = sum(expected.values(), Counter()), sum(found.values(), Counter())
        for t in sorted((exp_all - got_all).elements()):
            print("missed", t)
        for t in sorted((got_all - exp_all).elements()):
            print("extra ", t)
        return

    engines = ["ours"] if args.no_baselines else ["ours", "pdfplumber", "camelot-lattice", "camelot-stream"]
    totals: dict[tuple[str, str], Score] = {}
    print(f"{'fixture':20s} {'format':15s} {'engine':16s} {'P':>6s} {'R':>6s} {'F1':>6s} {'exact':>7s} {'found':>6s} {'expect':>6s}")
    for slug in slugs:
        for fmt, (folder, suffix) in FORMATS.items():
            path = FIXTURES / folder / f"{slug}{suffix}"
            if not path.exists():
                continue
            expected = load_expected(slug, fmt)
            for engine in engines:
                if engine != "ours" and suffix != ".pdf":
                    continue
                try:
                    if engine == "ours":
                        found = ours(path)
                    elif engine == "pdfplumber":
                        found = pdfplumber_tables(path)
                    else:
                        found = camelot_tables(path, engine.split("-")[1])
                except Exception as exc:  # a baseline that crashes scores zero, the run goes on
                    print(f"{slug:20s} {fmt:15s} {engine:16s} error: {type(exc).__name__}: {exc}")
                    found = {}
                s = score(found, expected)
                key = (fmt, engine)
                totals[key] = totals[key] + s if key in totals else s
                exact = f"{s.exact}/{s.n_tables}"
                print(
                    f"{slug:20s} {fmt:15s} {engine:16s} {s.precision:6.3f} {s.recall:6.3f} {s.f1:6.3f} "
                    f"{exact:>7s} {s.n_found:6d} {s.n_expected:6d}"
                )
    print()
    print(f"{'ALL FIXTURES':20s} {'format':15s} {'engine':16s} {'P':>6s} {'R':>6s} {'F1':>6s} {'exact':>7s}")
    for (fmt, engine), s in totals.items():
        exact = f"{s.exact}/{s.n_tables}"
        print(f"{'':20s} {fmt:15s} {engine:16s} {s.precision:6.3f} {s.recall:6.3f} {s.f1:6.3f} {exact:>7s}")


if __name__ == "__main__":
    main()
