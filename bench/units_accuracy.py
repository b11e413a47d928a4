"""Accuracy of unit-name resolution on the hand-labelled set fixtures/expected/units.csv.

    .venv/bin/python bench/units_accuracy.py [--verbose]

Prints, for the resolver (with the shipped data, and without the curated county rows of
schemas/units_local.csv, and with only the county name passed in):
- accuracy (unit and kind both right; for non-bodies, left unresolved),
- wrong auto-resolutions (a body other than the labelled one: must be 0),
- names left unresolved, and the confusion cases;
then the baseline, plain rapidfuzz.process.extractOne against the canonical list, and the
measurement behind "never auto-apply a fuzzy match": for each score threshold, how many of the
resolver's own fuzzy suggestions would have been right and wrong had they been applied.
"""

from __future__ import annotations

import argparse
import csv
import sys
from collections import Counter
from pathlib import Path

from rapidfuzz import fuzz, process, utils

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from extractor.units import AliasTable, Resolver, fold, load_dictionary  # noqa: E402

LABELS = REPO / "fixtures" / "expected" / "units.csv"


def load_labels(path: Path = LABELS) -> list[dict]:
    with path.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def grade(row: dict, unit: str, kind: str, label_body: str = "") -> str:
    """right, wrong (a wrong body), or missed (left unresolved although labelled).
    `label_body`: the label itself resolved in the same place. The labels were written before
    units.yaml's convention of one body across places (教育体育局 is the county's 教育局; a
    development zone is named by its place); a printed name that resolves to the body its label
    resolves to names the labelled body."""
    body = row["unit"]
    if not body:  # a group, a total or not a body at all: must not become a body
        return "right" if not unit else "wrong"
    if not unit:
        return "missed"
    if kind != row["unit_kind"]:
        return "wrong"
    return "right" if unit in (body, label_body) else "wrong"


def run_resolver(rows: list[dict], names_of, local: AliasTable | None = None) -> tuple[Counter, list[tuple]]:
    tally: Counter = Counter()
    cases = []
    resolvers: dict[tuple, Resolver] = {}
    for row in rows:
        key = names_of(row)
        if key not in resolvers:
            resolvers[key] = Resolver(county_names=key, local=local)
        res = resolvers[key].resolve(row["unit_raw"])
        label_body = resolvers[key].resolve(row["unit"]).unit if row["unit"] else ""
        verdict = grade(row, res.unit, res.unit_kind if res.unit else "", label_body)
        tally[verdict] += 1
        if verdict == "right" and res.unit != row["unit"]:
            tally["by_convention"] += 1  # right only through the label's own resolution
        tally[f"method:{res.method}"] += 1
        if verdict != "right":
            cases.append(
                (verdict, row["county"], row["unit_raw"], row["unit"] or "(not a body)", res.unit or "-", res.method, res.suggestion)
            )
    return tally, cases


def report(title: str, rows: list[dict], tally: Counter, cases: list[tuple], verbose: bool) -> None:
    n = len(rows)
    print(f"\n== {title}")
    print(
        f"accuracy {tally['right']}/{n} = {100 * tally['right'] / n:.1f}%   "
        f"wrong auto-resolutions {tally['wrong']}   unresolved {tally['missed']}   "
        f"(of the right, {tally['by_convention']} differ from the label's literal name: units.yaml's convention)"
    )
    if verbose:
        methods = {k.split(":", 1)[1]: v for k, v in tally.items() if k.startswith("method:")}
        print("methods:", ", ".join(f"{m} {c}" for m, c in sorted(methods.items(), key=lambda kv: -kv[1])))
    for verdict, county, raw, want, got, method, suggestion in cases:
        extra = f" (suggestion {suggestion})" if suggestion else ""
        print(f"  {verdict:6} {county} {raw!r}: labelled {want}, got {got} by {method}{extra}")


def baseline(rows: list[dict]) -> None:
    """Plain extractOne of the printed name against the canonical names, top hit taken as the answer."""
    canon = list(load_dictionary().units)
    bodies = [r for r in rows if r["unit"]]
    print(f"\n== baseline: rapidfuzz.process.extractOne(printed name, {len(canon)} canonical names)")
    print(f"   (labelled bodies only: {len(bodies)}; a canonical name outside the dictionary can never be found this way)")
    for label, scorer in (("WRatio", fuzz.WRatio), ("ratio", fuzz.ratio)):
        for cutoff in (0, 80):
            right = wrong = none = 0
            for r in bodies:
                hit = process.extractOne(r["unit_raw"], canon, scorer=scorer, processor=utils.default_process, score_cutoff=cutoff)
                if not hit:
                    none += 1
                elif hit[0] == r["unit"]:
                    right += 1
                else:
                    wrong += 1
            print(
                f"   {label:6} cutoff {cutoff:>2}: right {right}/{len(bodies)} = {100 * right / len(bodies):.1f}%  "
                f"wrong {wrong}  no match {none}"
            )
    examples = ("市监局", "住建局", "人社局", "卫健委", "教体局", "社保局", "公路分局")
    print(
        "   top hits:",
        "; ".join(f"{e} -> {process.extractOne(e, canon, scorer=fuzz.ratio, processor=utils.default_process)[0]}" for e in examples),
    )


def fuzzy_thresholds(rows: list[dict]) -> None:
    """Would the fuzzy step be safe to apply above some score? Held-out test: for each labelled body,
    remove every dictionary name equal to one of the printed name's forms (as if the dictionary had
    never seen this way of writing it), then run the resolver's fuzzy step (same choices, scorer and
    processor) on the prefix-stripped form, and count right and wrong top hits per threshold."""
    from extractor.units import FUZZY_PROCESSOR, FUZZY_SCORER

    d = load_dictionary()
    scored = []
    resolvers: dict[tuple, Resolver] = {}
    for r in rows:
        if not r["unit"]:
            continue
        key = (r["county"], r["city"], r["province"])
        resolver = resolvers.setdefault(key, Resolver(county_names=key))
        forms = resolver._forms(fold(r["unit_raw"]))
        choices = [n for n in d.index if n not in {f for f, _ in forms}]
        hit = process.extractOne(Resolver.fuzzy_form(forms), choices, scorer=FUZZY_SCORER, processor=FUZZY_PROCESSOR)
        got = d.index[hit[0]].canonical
        scored.append((hit[1], got == r["unit"], r["unit_raw"], got))
    print(f"\n== fuzzy step applied at a threshold, held-out ({FUZZY_SCORER.__name__}, explicit processor, {len(scored)} labelled bodies)")
    for t in (100, 95, 90, 85, 80, 70, 60):
        right = sum(1 for s, ok, *_ in scored if s >= t and ok)
        wrong = [(raw, got, round(s)) for s, ok, raw, got in scored if s >= t and not ok]
        distinct = {(fold(raw), got): s for raw, got, s in wrong}
        shown = ", ".join(f"{raw}->{got} ({s})" for (raw, got), s in sorted(distinct.items(), key=lambda w: -w[1])[:4])
        print(f"   >= {t:3}: right {right:3}  wrong {len(wrong):3}  {shown}")
    print(f"   top-1 suggestion right (any score): {sum(ok for _, ok, *_ in scored)}/{len(scored)}")
    probe = [n for n in d.index if n not in ("市监局",)]
    for scorer in (fuzz.ratio, fuzz.WRatio):
        top = process.extract("市监局", probe, scorer=scorer, processor=utils.default_process, limit=3)
        print(f"   市监局 unseen, {scorer.__name__}: " + ", ".join(f"{n} {s:.0f}" for n, s, _ in top))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--verbose", action="store_true", help="also print the count of each method")
    args = ap.parse_args()
    rows = load_labels()
    full = lambda r: (r["county"], r["city"], r["province"])  # noqa: E731
    county_only = lambda r: (r["county"],)  # noqa: E731

    tally, cases = run_resolver(rows, full)
    report("resolver: dictionary + curated county rows, province/city/county passed", rows, tally, cases, args.verbose)
    tally, cases = run_resolver(rows, county_only)
    report("resolver: county name passed only", rows, tally, cases, args.verbose)
    tally, cases = run_resolver(rows, full, local=AliasTable(()))
    report("resolver: dictionary only (no curated county rows)", rows, tally, cases, args.verbose)
    baseline(rows)
    fuzzy_thresholds(rows)


if __name__ == "__main__":
    main()
