"""Arithmetic audit accuracy: planted errors found, real errors told apart, no false alarms.

Measures extractor/audit on
- the planted copies in fixtures/audit/planted/{docx,html} (fixtures/audit/plant.py): recall
  of the planted errors, per format and per kind of plant;
- the untouched fixtures in every format: `error` findings that are not one of the seeds'
  real errors, hand-listed in fixtures/audit/seed_errors.csv (target: none), and whether each
  real error is found;
- precision: the share of all `error` findings (planted and clean files) that are real,
  i.e. a planted error's expected finding or a hand-listed seed error.

A finding matches an expected one when table, unit and column agree after NFKC and white
space are folded away (prose findings: no table, and the printed number agrees).

    .venv/bin/python bench/audit_accuracy.py
    .venv/bin/python bench/audit_accuracy.py --show        # list misses and unexpected errors
"""

from __future__ import annotations

import argparse
import csv
import re
import sys
import unicodedata
from collections import Counter, defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from accuracy import FORMATS  # noqa: E402

from extractor.audit import audit  # noqa: E402
from extractor.readers import read  # noqa: E402
from extractor.tables import build_tables  # noqa: E402
from extractor.values import table_values  # noqa: E402

FIXTURES = ROOT / "fixtures" / "bulletins"
AUDIT = ROOT / "fixtures" / "audit"
SLUGS = ["wanzai-2023-12", "pingjiang-2024-05", "changji-2025-04", "baishui-2024q1", "wengyuan-2022-06"]
CLEAN_FORMATS = FORMATS  # every text-layer format of the fixture corpus (bench/accuracy.py)
PLANT_FORMATS = ["docx", "html"]


def prose_stage():
    """The prose stage's `prose_values`, or None while it does not exist."""
    try:
        from extractor.prose import prose_values
    except ImportError:
        return None
    return prose_values


def metadata_of(doc) -> tuple[str, str]:
    try:
        from extractor.metadata import read_metadata
    except ImportError:
        return "", ""
    try:
        meta, _ = read_metadata(doc)
    except Exception:  # noqa: BLE001 - metadata only labels the prose rows
        return "", ""
    return getattr(meta, "county", "") or "", getattr(meta, "period", "") or ""


def run(path: Path) -> list[dict]:
    """The audit's findings for one file: tables, and prose when that stage exists."""
    source = str(path)
    doc = read(path)
    tables = build_tables(doc)
    values, _ = table_values(tables, source)
    prose = prose_stage()
    if prose is not None:
        county, period = metadata_of(doc)
        prose_rows, _ = prose(doc, source, county, period)
        values = values + prose_rows
    return audit(tables, values, source)


def norm(text) -> str:
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", str(text or ""))).rstrip(":")


def column_key(text) -> str:
    return "/".join(norm(level) for level in str(text or "").split(" / "))


def matches(finding: dict, expected: dict) -> bool:
    """Same place: table, unit and column (prose: no table, same printed number)."""
    if expected["column"] == "prose":
        if str(finding.get("table") or ""):
            return False
        return not expected["printed"] or norm(finding.get("printed")) == norm(expected["printed"])
    return (
        str(finding.get("table")) == str(expected["table"])
        and norm(finding.get("unit_raw")) == norm(expected["unit_raw"])
        and column_key(finding.get("column")) == column_key(expected["column"])
    )


SEVERITY = {"info": 0, "warning": 1, "error": 2}


def load_csv(path: Path) -> list[dict]:
    with path.open(encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def is_seed_error(finding: dict, slug: str, seeds: list[dict]) -> dict | None:
    for seed in seeds:
        if seed["slug"] == slug and matches(finding, seed):
            return seed
    return None


def evaluate(show: bool = False) -> dict:
    plants = load_csv(AUDIT / "plants.csv")
    expected = defaultdict(list)
    for row in load_csv(AUDIT / "expected.csv"):
        expected[row["plant"]].append(row)
    seeds = load_csv(AUDIT / "seed_errors.csv")
    has_prose = prose_stage() is not None

    errors_total = errors_real = 0
    unexpected: list[tuple[str, dict]] = []
    misses: list[tuple[str, str]] = []
    recall: dict[str, Counter] = {fmt: Counter() for fmt in PLANT_FORMATS}
    by_kind: dict[str, Counter] = defaultdict(Counter)
    undetectable_errors = Counter()

    for plant in plants:
        prose = plant["kind"] == "prose"
        if prose and not has_prose:
            continue
        for fmt in PLANT_FORMATS:
            path = AUDIT / "planted" / fmt / f"{plant['plant']}.{fmt}"
            findings = run(path)
            wanted = expected[plant["plant"]]
            for f in findings:
                if f["severity"] != "error":
                    continue
                errors_total += 1
                if any(matches(f, e) for e in wanted) or is_seed_error(f, plant["slug"], seeds):
                    errors_real += 1
                else:
                    unexpected.append((f"{fmt} {plant['plant']}", f))
            if plant["detectable"] != "yes":
                undetectable_errors[fmt] += sum(
                    1 for f in findings if f["severity"] == "error" and not is_seed_error(f, plant["slug"], seeds)
                )
                continue
            found = any(SEVERITY.get(f["severity"], 0) >= SEVERITY[e["severity"]] and matches(f, e) for f in findings for e in wanted)
            recall[fmt]["found" if found else "missed"] += 1
            by_kind[plant["kind"]]["found" if found else "missed"] += 1
            if not found:
                misses.append((fmt, f"{plant['plant']}: {plant['what']}"))

    clean_false: Counter = Counter()
    clean_errors: Counter = Counter()
    clean_warnings: Counter = Counter()
    seed_found: dict[int, set] = defaultdict(set)
    for fmt, (folder, ext) in CLEAN_FORMATS.items():
        for slug in SLUGS:
            path = FIXTURES / folder / f"{slug}{ext}"
            for f in run(path):
                clean_warnings[fmt] += f["severity"] == "warning"
                if f["severity"] != "error":
                    continue
                errors_total += 1
                clean_errors[fmt] += 1
                seed = is_seed_error(f, slug, seeds)
                if seed is not None:
                    errors_real += 1
                    seed_found[seeds.index(seed)].add(fmt)
                else:
                    clean_false[fmt] += 1
                    unexpected.append((f"{fmt} {slug} (clean)", f))

    found = sum(recall[fmt]["found"] for fmt in PLANT_FORMATS)
    tried = sum(recall[fmt]["found"] + recall[fmt]["missed"] for fmt in PLANT_FORMATS)
    report = {
        "prose_stage": has_prose,
        "recall": found / tried if tried else 0.0,
        "recall_by_format": {fmt: (c["found"], c["found"] + c["missed"]) for fmt, c in recall.items()},
        "recall_by_kind": {k: (c["found"], c["found"] + c["missed"]) for k, c in sorted(by_kind.items())},
        "precision": errors_real / errors_total if errors_total else 1.0,
        "errors": (errors_real, errors_total),
        "clean_errors": dict(clean_errors),
        "clean_false_errors": {fmt: clean_false[fmt] for fmt in CLEAN_FORMATS},
        "clean_warnings": dict(clean_warnings),
        "undetectable_plant_errors": dict(undetectable_errors),
        "seed_errors": [
            (s["slug"], s["unit_raw"], s["column"], s["printed"], sorted(seed_found.get(i, set()))) for i, s in enumerate(seeds)
        ],
        "misses": misses,
        "unexpected": unexpected,
    }
    return report


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--show", action="store_true", help="list missed plants and unexpected errors")
    args = parser.parse_args(argv)
    r = evaluate(args.show)
    print(f"prose stage: {'yes' if r['prose_stage'] else 'no (prose plants skipped)'}")
    print(f"recall of planted errors: {r['recall']:.3f}")
    for fmt, (f, n) in r["recall_by_format"].items():
        print(f"  {fmt:6} {f}/{n}")
    for kind, (f, n) in r["recall_by_kind"].items():
        print(f"  kind {kind:9} {f}/{n} (both formats)")
    real, total = r["errors"]
    print(f"precision of error findings: {r['precision']:.3f} ({real} real of {total})")
    print("findings on the clean fixtures: errors / errors not a hand-listed seed error / warnings")
    for fmt, n in r["clean_false_errors"].items():
        print(f"  {fmt:15} {r['clean_errors'].get(fmt, 0):3} / {n} / {r['clean_warnings'].get(fmt, 0)}")
    print(f"errors on undetectable plants (not seed errors): {r['undetectable_plant_errors']}")
    print("real seed errors (fixtures/audit/seed_errors.csv), formats where found:")
    for slug, unit, column, printed, formats in r["seed_errors"]:
        status = "found in " + ", ".join(formats) if formats else "NOT FOUND"
        print(f"  {slug} {unit} {column} {printed}: {status}")
    if args.show:
        for fmt, what in r["misses"]:
            print(f"MISSED {fmt} {what}")
        for where, f in r["unexpected"]:
            print(f"UNEXPECTED {where}: {f['check']} t{f['table']} {f['unit_raw']} | {f['column']} | {f['message']}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
