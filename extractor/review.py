"""The unit-name review loop (`bulletin units OUTDIR`), in the spirit of OpenRefine's cluster-and-edit:
list the names of an output folder that were not resolved or were resolved with low confidence,
with suggestions and how often each is printed, and write an aliases.csv template to fill in and
pass back with `bulletin extract --aliases FILE`."""

from __future__ import annotations

import csv
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from .units import LOW_CONFIDENCE, AliasTable, Resolver

# values.unit_kind of row labels that are not bodies: never reviewed
NOT_BODIES = frozenset({"category", "channel", "type", "total"})
TEMPLATE_COLUMNS = ("alias", "canonical", "county", "valid_from", "valid_to", "note", "kind", "suggestion", "score", "count", "method")


@dataclass(frozen=True)
class ReviewRow:
    county: str
    unit_raw: str
    count: int  # values.csv rows printed under this name in this county
    method: str
    unit: str  # current resolution (empty when unresolved)
    unit_kind: str
    score: float
    suggestion: str  # a suggested canonical name: never applied until a person writes it into aliases.csv
    candidates: str  # bodies an ambiguous short form could stand for, joined by " / "
    reason: str


def _read(path: Path) -> list[dict]:
    with path.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def review(outdir: str | Path, aliases: AliasTable | None = None, threshold: float = LOW_CONFIDENCE) -> list[ReviewRow]:
    """Names in OUTDIR to look at: unresolved, or resolved with a score below `threshold`
    (abbreviations, company keywords, townships missing from the division list). Reads units.csv
    when present, else resolves the unit_raw of values.csv; counts come from values.csv. Passing
    the aliases table being edited shows what is still left. Most printed first."""
    outdir = Path(outdir)
    units_csv, values_csv, bulletins_csv = outdir / "units.csv", outdir / "values.csv", outdir / "bulletins.csv"
    if not units_csv.exists() and not values_csv.exists():
        raise FileNotFoundError(f"{outdir}: neither units.csv nor values.csv found (is this a `bulletin extract` output folder?)")

    counts: Counter = Counter()
    pairs: dict[tuple[str, str], None] = {}
    if values_csv.exists():
        for row in _read(values_csv):
            raw = row.get("unit_raw", "")
            if raw and row.get("unit_kind", "") not in NOT_BODIES:
                key = (row.get("county", ""), raw)
                counts[key] += 1
                pairs.setdefault(key)
    if units_csv.exists():
        pairs = {(r.get("county", ""), r["unit_raw"]): None for r in _read(units_csv) if r.get("unit_raw")}

    # the province and city of each county, so that their names are stripped too
    places: dict[str, tuple[str, ...]] = {}
    if bulletins_csv.exists():
        for b in _read(bulletins_csv):
            if b.get("county"):
                places[b["county"]] = tuple(n for n in (b.get("county"), b.get("city"), b.get("province")) if n)

    resolvers: dict[str, Resolver] = {}
    out: list[ReviewRow] = []
    for county, raw in pairs:
        resolver = resolvers.setdefault(county, Resolver(places.get(county, (county,) if county else ()), aliases))
        res = resolver.resolve(raw)
        if res.method in ("aggregate", "label") or (res.resolved and res.score >= threshold):
            continue
        if res.resolved:
            reason = f"{res.method} (score {res.score:g}): confirm or correct"
        elif res.candidates:
            reason = "ambiguous: " + " / ".join(res.candidates)
        else:
            reason = "not in the dictionary"
        out.append(
            ReviewRow(
                county=county,
                unit_raw=raw,
                count=counts[(county, raw)],
                method=res.method,
                unit=res.unit,
                unit_kind=res.unit_kind,
                score=res.score,
                suggestion=res.unit or res.suggestion,
                candidates=" / ".join(res.candidates),
                reason=reason,
            )
        )
    out.sort(key=lambda r: (-r.count, r.county, r.unit_raw))
    return out


def write_alias_template(path: str | Path, rows: Iterable[ReviewRow], overwrite: bool = False) -> Path:
    """Write aliases.csv to fill in: one row per reviewed name, `canonical` left empty (rows left
    empty are skipped by load_aliases, so an untouched template changes nothing). The suggestion,
    score, count and method columns are there to help and are ignored when the file is read."""
    path = Path(path)
    if path.exists() and not overwrite:
        raise FileExistsError(f"{path} exists; pass overwrite=True (or --force) to replace it")
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8-sig", newline="") as fh:  # BOM: spreadsheet programs then read UTF-8
        writer = csv.DictWriter(fh, fieldnames=TEMPLATE_COLUMNS)
        writer.writeheader()
        for r in rows:
            writer.writerow(
                {
                    "alias": r.unit_raw,
                    "canonical": "",
                    "county": r.county,
                    "valid_from": "",
                    "valid_to": "",
                    "note": r.reason,
                    "kind": r.unit_kind,
                    "suggestion": r.suggestion,
                    "score": f"{r.score:g}",
                    "count": r.count,
                    "method": r.method,
                }
            )
    return path


def format_review(rows: list[ReviewRow]) -> str:
    """Plain-text listing for the terminal."""
    if not rows:
        return "All unit names resolved with confidence."
    lines = [f"{len(rows)} unit names to review (most printed first):"]
    for r in rows:
        now = f"-> {r.unit} [{r.method} {r.score:g}]" if r.unit else "unresolved"
        hint = f"; suggestion {r.suggestion} ({r.score:g})" if r.suggestion and not r.unit else ""
        lines.append(f"{r.count:5}  {r.county or '?'}  {r.unit_raw}  {now}{hint}  — {r.reason}")
    return "\n".join(lines)
