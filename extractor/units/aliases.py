"""Alias tables: the user's --aliases file and the curated county rows in schemas/units_local.csv."""

from __future__ import annotations

import csv
import io
import unicodedata
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from datetime import date
from functools import cache
from pathlib import Path

from ..readers.textcodec import decode_text
from .dictionary import KINDS, LOCAL_ALIASES, _parse_date, fold
from .places import _place_variants

# ---------------------------------------------------------------------------------------------
# alias tables (the user's --aliases file, and the curated county rows in schemas/units_local.csv)


class AliasError(ValueError):
    """An aliases file that cannot be applied (bad header, date, kind, or two rows that conflict)."""


@dataclass(frozen=True)
class AliasRow:
    alias: str  # folded
    canonical: str  # folded
    county: str  # folded; empty = every county
    valid_from: date | None
    valid_to: date | None
    note: str
    kind: str
    line: int

    def covers(self, when: date | None) -> bool:
        if when is None:
            return True
        return (self.valid_from is None or self.valid_from <= when) and (self.valid_to is None or when <= self.valid_to)

    @property
    def dated(self) -> bool:
        return self.valid_from is not None or self.valid_to is not None


@dataclass(frozen=True)
class AliasTable:
    rows: tuple[AliasRow, ...]
    source: str = ""
    skipped: int = 0  # template rows with no canonical yet

    def lookup(self, names: Iterable[str], places: Collection[str], when: date | None) -> AliasRow | None:
        """The row for the first of `names` (folded forms, most literal first): rows of the
        bulletin's county beat generic rows; a dated row applies only inside its period. When
        the period is unknown and dated rows disagree, none applies."""
        names = list(names)
        for county_specific in (True, False):
            for name in names:
                hits = [
                    r
                    for r in self.rows
                    if r.alias == name and bool(r.county) == county_specific and (not r.county or _county_matches(r.county, places))
                ]
                hits = [r for r in hits if r.covers(when)]
                if not hits:
                    continue
                if when is None and len({r.canonical for r in hits}) > 1:
                    undated = [r for r in hits if not r.dated]
                    if len({r.canonical for r in undated}) != 1:
                        continue
                    hits = undated
                return min(hits, key=lambda r: r.line)
        return None


def _county_matches(county: str, places: Collection[str]) -> bool:
    return any(p in places for p in _place_variants([county]))


_HEADER = ("alias", "canonical", "county", "valid_from", "valid_to", "note", "kind")


def load_aliases(path: str | Path) -> AliasTable:
    """Read an aliases.csv (alias, canonical, county, valid_from, valid_to, note[, kind]).
    UTF-8 (with or without BOM) or GB18030, as spreadsheet programs save it. Rows with an empty
    canonical are template rows still to fill in and are skipped. Raises AliasError with the line
    number for a bad row, and for two rows that give one name different bodies in one county and period."""
    path = Path(path)
    try:
        text, _ = decode_text(path.read_bytes())
    except Exception as exc:  # ReadError, OSError
        raise AliasError(f"{path}: cannot read aliases file: {exc}") from exc
    reader = csv.DictReader(io.StringIO(text))
    header = [unicodedata.normalize("NFKC", h or "").strip().lower() for h in reader.fieldnames or []]
    if "alias" not in header or "canonical" not in header:
        raise AliasError(f"{path}: header must have the columns {', '.join(_HEADER[:6])} (found {', '.join(header) or 'nothing'})")
    reader.fieldnames = header
    rows: list[AliasRow] = []
    skipped = 0
    for line, raw in enumerate(reader, start=2):

        def get(key: str, raw: dict = raw) -> str:
            return (raw.get(key) or "").strip()

        alias, canonical = fold(get("alias")), fold(get("canonical"))
        if not alias and not canonical:
            continue
        if not alias:
            raise AliasError(f"{path}:{line}: canonical {canonical!r} has no alias")
        if not canonical:
            skipped += 1
            continue
        kind = get("kind")
        if kind and kind not in KINDS:
            raise AliasError(f"{path}:{line}: unknown kind {kind!r} (one of {', '.join(KINDS)})")
        try:
            valid_from = _parse_date(get("valid_from"), end=False)
            valid_to = _parse_date(get("valid_to"), end=True)
        except ValueError as exc:
            raise AliasError(f"{path}:{line}: {exc}") from exc
        if valid_from and valid_to and valid_from > valid_to:
            raise AliasError(f"{path}:{line}: valid_from {valid_from} is after valid_to {valid_to}")
        rows.append(AliasRow(alias, canonical, fold(get("county")), valid_from, valid_to, get("note"), kind, line))
    _check_conflicts(path, rows)
    return AliasTable(tuple(rows), str(path), skipped)


def _check_conflicts(path: Path, rows: list[AliasRow]) -> None:
    lo, hi = date.min, date.max
    for i, a in enumerate(rows):
        for b in rows[i + 1 :]:
            if a.alias != b.alias or a.county != b.county or a.canonical == b.canonical:
                continue
            if (a.valid_from or lo) <= (b.valid_to or hi) and (b.valid_from or lo) <= (a.valid_to or hi):
                where = f"in {a.county}" if a.county else "for every county"
                raise AliasError(
                    f"{path}:{a.line} and {b.line}: {a.alias!r} is {a.canonical!r} and {b.canonical!r} {where} in overlapping periods"
                )


@cache
def load_local_aliases(path: str | Path = LOCAL_ALIASES) -> AliasTable:
    """The curated county rows shipped with the project (applied at the alias step, below a user file)."""
    return load_aliases(path) if Path(path).exists() else AliasTable(())
