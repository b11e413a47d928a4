"""Place names around a unit name: the bulletin's own places, their short forms, townships."""

from __future__ import annotations

from collections.abc import Iterable

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
