"""Place names around a unit name: the bulletin's own places, their short forms, townships."""

from __future__ import annotations

from collections.abc import Iterable
from functools import cache

from .dictionary import _longest_first, fold, load_dictionary

# ---------------------------------------------------------------------------------------------
# places


def _place_variants(names: Iterable[str], suffixes: tuple[str, ...] = ()) -> tuple[str, ...]:
    """Full names and short forms: 宜丰县 -> 宜丰县, 宜丰; 新疆维吾尔自治区 -> 新疆."""
    suffixes = suffixes or load_dictionary().place_suffixes
    out: set[str] = set()
    for n in names:
        f = fold(n)
        if not f:
            continue
        out.add(f)
        for suf in suffixes:
            if f.endswith(suf) and len(f) - len(suf) >= 2:
                out.add(f[: -len(suf)])
                break
    return _longest_first(out)


def short_place(name: str, suffixes: tuple[str, ...] = ()) -> str:
    """The short form a place is printed under: 宜丰县 -> 宜丰, 盘锦市 -> 盘锦 (kept whole when
    the rest would be one character: 沙县)."""
    for suf in suffixes or load_dictionary().place_suffixes:
        if name.endswith(suf) and len(name) - len(suf) >= 2:
            return name[: -len(suf)]
    return name


@cache
def enclosing_places(name: str) -> tuple[str, ...]:
    """The province and city a county-level place belongs to, from the division registry
    (湘阴县 -> 湖南省, 岳阳市); () when the registry does not know it or the name is ambiguous."""
    try:
        from .. import divisions

        found = divisions.county_info(name)
    except Exception:  # the registry package is optional at this level
        return ()
    if not found:
        return ()
    province, city, _ = found
    return tuple(p for p in (province, city) if p)


@cache
def is_division_name(text: str) -> bool:
    """Whether `text` is made only of full division names (岳阳市, 盘锦市兴隆台区), so that a
    prefix ending in 市/县 is a place and not part of a body's own name (市智慧城市建设局)."""
    try:
        from .. import divisions

        places = divisions.find_places(text)
        full = divisions.is_full_name
    except Exception:
        return False
    pos = 0
    for _prov, _city, _county, matched, start in sorted(places, key=lambda p: (p[4], -len(p[3]))):
        if start == pos and full(matched):
            pos = start + len(matched)
    return pos == len(text) and pos > 0


@cache
def leading_place(text: str) -> str:
    """The division name (full or short: 渭南市, 渭南) that `text` starts with, per the division
    registry, or "" (a short name followed by 镇/路... begins a longer name and does not count)."""
    try:
        from .. import divisions

        places = divisions.find_places(text)
    except Exception:
        return ""
    return max((p[3] for p in places if p[4] == 0), key=len, default="")


def townships_from_divisions(county_names: Iterable[str]) -> frozenset[str] | None:
    """Hook for township validation: the township/street names of the county from the
    administrative-division package, or None when that level is not available. Pass the result as
    `townships` to resolve()/Resolver. (extractor/divisions.py is built separately; until it offers
    a township list this returns None and townships are accepted on their suffix alone.)"""
    try:
        from . import divisions  # type: ignore[attr-defined]
    except ImportError:
        return None
    lookup = getattr(divisions, "townships", None)
    if lookup is None:
        return None
    for name in county_names:
        try:
            found = lookup(name)
        except Exception:  # a package without that level or that county
            found = None
        if found:
            return frozenset(fold(t) for t in found)
    return None
