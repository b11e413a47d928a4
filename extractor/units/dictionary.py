"""The unit dictionary (schemas/units.yaml): folding of printed names, and the loaded index."""

from __future__ import annotations

import re
import unicodedata
from calendar import monthrange
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from functools import cache
from pathlib import Path

from ..contract import SCHEMAS_DIR
from ..textnorm import normalize
from ..yamlfile import load_yaml

UNITS_YAML = SCHEMAS_DIR / "units.yaml"
LOCAL_ALIASES = SCHEMAS_DIR / "units_local.csv"

KINDS = ("department", "township", "street", "enterprise", "public_institution", "development_zone", "county", "other")

# ---------------------------------------------------------------------------------------------
# folding

_CJK = "\u3400-\u4dbf\u4e00-\u9fff"
_SPACES = re.compile(r"[\s\u200b-\u200d\u2060\ufeff]+")
_EDGE = " ·・.,;:!?、，。；：！？\"'“”‘’「」『』《》<>*#—_~`|/\\-"
# Quotes and brackets around a word inside a name (县“12345”热线中心) carry no meaning.
_INNER_MARKS = re.compile(r"[\"'“”‘’「」『』《》]")
# A pinyin gloss cut from its character by a broken mirror copy, left at the start: ?guó)網…
_BROKEN_GLOSS = re.compile(r"^[?\ufffd]*[a-zāáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜü]{1,7}[1-5]?\)")
# An enumeration before the name: 其中:交警大队.
_LEAD = re.compile(r"^(?:其中|含|包括)[:：]")
_PAREN = re.compile(r"\([^()]*\)")
_PLACEISH = re.compile(rf"[{_CJK}]{{1,6}}")


def fold(text: str) -> str:
    """The comparable form of a printed name: textnorm's normalisation (simplified script,
    full-width forms folded, pinyin glosses dropped), then NFKC, every space, inner quotes, a
    broken gloss left at the start and an enumeration word removed, edge punctuation trimmed."""
    s = normalize(text or "").text
    s = unicodedata.normalize("NFKC", s)
    s = _SPACES.sub("", s)
    s = _INNER_MARKS.sub("", s)
    s = _BROKEN_GLOSS.sub("", s)
    s = _LEAD.sub("", s.strip(_EDGE))
    return s.strip(_EDGE)


# ---------------------------------------------------------------------------------------------
# dates for validity periods


def _parse_date(text: str, end: bool) -> date | None:
    """YYYY, YYYY-MM or YYYY-MM-DD (also with / or .): the first day, or the last day when `end`."""
    text = (text or "").strip()
    if not text:
        return None
    parts = re.split(r"[-/.年月日]+", text.strip("年月日"))
    try:
        nums = [int(p) for p in parts if p]
    except ValueError as exc:
        raise ValueError(f"not a date: {text!r} (use YYYY, YYYY-MM or YYYY-MM-DD)") from exc
    if not 1 <= len(nums) <= 3:
        raise ValueError(f"not a date: {text!r} (use YYYY, YYYY-MM or YYYY-MM-DD)")
    year = nums[0]
    month = nums[1] if len(nums) > 1 else (12 if end else 1)
    if len(nums) > 2:
        day = nums[2]
    else:
        day = monthrange(year, month)[1] if end else 1
    return date(year, month, day)


# ---------------------------------------------------------------------------------------------
# the dictionary


@dataclass(frozen=True)
class Unit:
    name: str
    kind: str
    family: str = ""
    note: str = ""
    aliases: tuple[str, ...] = ()
    keywords: tuple[str, ...] = ()


@dataclass(frozen=True)
class _Entry:
    canonical: str
    how: str  # canonical, alias, historic
    note: str = ""


@dataclass
class Dictionary:
    units: dict[str, Unit]
    index: dict[str, _Entry]  # folded printed name -> entry
    prefixes: tuple[str, ...]
    place_suffixes: tuple[str, ...]
    generic_place_suffixes: tuple[str, ...]
    branch_suffixes: tuple[tuple[str, str], ...]
    legal_forms: tuple[str, ...]
    rank_suffixes: tuple[tuple[str, str], ...]
    government_words: tuple[str, ...]
    street_endings: tuple[tuple[str, str], ...]
    township_endings: tuple[str, ...]
    min_core_chars: int
    open_classes: tuple[dict, ...]
    aggregates: dict[str, str]
    keyword_units: tuple[Unit, ...] = field(default=())
    level_endings: tuple[tuple[str, str], ...] = ()
    office_suffixes: tuple[str, ...] = ()
    zone_types: tuple[tuple[str, str], ...] = ()  # printed ending -> full zone type, longest first
    zone_needs_name: frozenset[str] = frozenset()
    zone_level_words: frozenset[str] = frozenset()
    drop_words: tuple[str, ...] = ()

    def rank(self, name: str) -> str | None:
        for ending, rank in self.rank_suffixes:
            if name.endswith(ending) and len(name) > len(ending):
                return rank
        return None


def _longest_first(items: Iterable[str]) -> tuple[str, ...]:
    return tuple(sorted(set(items), key=lambda s: (-len(s), s)))


@cache
def load_dictionary(path: str | Path = UNITS_YAML) -> Dictionary:
    """Read and check schemas/units.yaml. Raises ValueError on a duplicate name or an unknown kind."""
    data = load_yaml(Path(path))
    units: dict[str, Unit] = {}
    index: dict[str, _Entry] = {}

    def put(name: str, entry: _Entry) -> None:
        key = fold(name)
        old = index.get(key)
        if old and old.canonical != entry.canonical:
            raise ValueError(f"{path}: {name!r} names both {old.canonical!r} and {entry.canonical!r}")
        if not old or old.how != "canonical":
            index[key] = entry

    for raw in data["units"]:
        kind = raw["kind"]
        if kind not in KINDS:
            raise ValueError(f"{path}: unknown kind {kind!r} for {raw['name']!r}")
        name = fold(raw["name"])
        if name in units:
            raise ValueError(f"{path}: {name!r} is listed twice")
        unit = Unit(
            name=name,
            kind=kind,
            family=raw.get("family", ""),
            note=raw.get("note", ""),
            aliases=tuple(fold(a) for a in raw.get("aliases", []) or []),
            keywords=tuple(fold(k) for k in raw.get("keywords", []) or []),
        )
        units[name] = unit
        put(name, _Entry(name, "canonical"))
        for alias in unit.aliases:
            if alias != name:
                put(alias, _Entry(name, "alias"))
        for old in raw.get("historic", []) or []:
            _parse_date(str(old.get("valid_to", "")), end=True)  # checks the format
            put(old["name"], _Entry(name, "historic", old.get("note", "")))

    tw = data["township"]
    zones = data.get("zones") or {}
    return Dictionary(
        units=units,
        index=index,
        prefixes=_longest_first(fold(p) for p in data["prefixes"]),
        place_suffixes=_longest_first(data["place_suffixes"]),
        generic_place_suffixes=_longest_first(data["generic_place_suffixes"]),
        branch_suffixes=tuple(sorted(data["branch_suffixes"].items(), key=lambda kv: -len(kv[0]))),
        legal_forms=_longest_first(data["legal_forms"]),
        rank_suffixes=tuple(sorted(data["rank_suffixes"].items(), key=lambda kv: -len(kv[0]))),
        government_words=_longest_first(tw["government_words"]),
        street_endings=tuple(sorted(tw["street_endings"].items(), key=lambda kv: -len(kv[0]))),
        township_endings=_longest_first(tw["township_endings"]),
        min_core_chars=int(tw["min_core_chars"]),
        open_classes=tuple(sorted(data["open_classes"], key=lambda c: -len(c["ending"]))),
        aggregates={fold(a["name"]): a["kind"] for a in data["aggregates"]},
        keyword_units=tuple(u for u in units.values() if u.keywords),
        level_endings=tuple(sorted((data.get("level_endings") or {}).items(), key=lambda kv: -len(kv[0]))),
        office_suffixes=_longest_first(data.get("office_suffixes") or []),
        zone_types=tuple(sorted((zones.get("types") or {}).items(), key=lambda kv: -len(kv[0]))),
        zone_needs_name=frozenset(zones.get("needs_own_name") or []),
        zone_level_words=frozenset(zones.get("level_words") or []),
        drop_words=_longest_first(str(w) for w in data.get("drop_words") or []),
    )
