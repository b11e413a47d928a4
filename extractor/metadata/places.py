"""Where the bulletin is from: province, city, county."""

from __future__ import annotations

from collections import defaultdict

from .. import divisions
from .layout import Layout
from .vocab import Vocab

# ---- places ----------------------------------------------------------------------------------

_STRONG = 10  # weight of a mention in the head, the issuer or an information grid


def read_places(lay: Layout, issuer: str, vocab: Vocab, findings: list[dict]) -> tuple[str, str, str]:
    """(province, city, county), full registry names, "" where not stated."""
    sources = [(line, _STRONG) for line in lay.head]
    sources += [(issuer, _STRONG)] if issuer else []
    for key in vocab.title_keys:
        sources += [(v, _STRONG) for v in lay.grid_values(key)]
    sources += [(line, 1) for line in lay.body]

    raw: list[tuple[list[tuple], str, int, str]] = []  # (entries, form, weight, following text)
    for text, weight in sources:
        by_pos: dict[int, list] = defaultdict(list)
        forms: dict[int, str] = {}
        for prov, city, county, form, pos in divisions.find_places(text):
            if form in vocab.generic_place_names:
                continue
            by_pos[pos].append((prov, city, county))
            forms[pos] = form
        for pos, entries in by_pos.items():
            form = forms[pos]
            raw.append((entries, form, weight, text[pos + len(form) : pos + len(form) + 6]))

    # provinces and cities named unambiguously: used to pick among same-named divisions
    named: set[str] = set()
    for entries, *_ in raw:
        if len(entries) == 1:
            prov, city, county = entries[0]
            named.update(x for x in (prov, city) if x)

    county_score: dict[tuple, float] = defaultdict(float)
    county_strong: set[tuple] = set()
    head_cities: dict[tuple, float] = defaultdict(float)
    head_provinces: dict[str, float] = defaultdict(float)
    head_county = False
    unresolved: set[str] = set()  # same-named divisions in the head that nothing disambiguates
    for entries, form, weight, after in raw:
        if len(entries) > 1:
            kept = [e for e in entries if e[0] in named or (e[1] and e[1] in named)]
            if len(kept) != 1:
                if weight >= _STRONG and any(e[2] for e in entries):
                    unresolved.add(f"{form} ({', '.join(sorted({''.join(x for x in e if x) for e in entries if e[2]}))})")
                continue
            entries = kept
        prov, city, county = entries[0]
        if county:
            full = divisions.is_full_name(form) and form == county
            context = after.startswith(vocab.own_place_context)
            score = weight * (2 if full and len(form) >= 3 else 1) * (3 if context else 1)
            county_score[entries[0]] += score
            if weight >= _STRONG or context or (full and len(form) >= 3):
                county_strong.add(entries[0])
            head_county |= weight >= _STRONG
        elif weight >= _STRONG:
            if city:
                head_cities[(prov, city)] += weight
            else:
                head_provinces[prov] += weight

    ranked = sorted(county_score.items(), key=lambda kv: -kv[1])
    if ranked:
        (best, score), second = ranked[0], (ranked[1][1] if len(ranked) > 1 else 0.0)
        city_level_doc = head_cities and not head_county and len(ranked) > 1
        if best in county_strong and score >= 2 * second and not city_level_doc:
            prov, city, county = best
            return prov, city or "", county
        if best in county_strong:
            findings.append(
                {
                    "check": "county_ambiguous",
                    "severity": "info",
                    "message": "several counties are named and none is clearly the bulletin's own: "
                    + ", ".join(f"{c[2]} ({s:g})" for c, s in ranked[:4]),
                }
            )
    if unresolved:
        findings.append(
            {
                "check": "county_ambiguous",
                "severity": "info",
                "message": "the title names a division shared by several places and the document does not say which: "
                + "; ".join(sorted(unresolved)),
            }
        )
    if len(head_cities) == 1:
        (prov, city) = next(iter(head_cities))
        return prov, city, ""
    if len(head_provinces) == 1:
        return next(iter(head_provinces)), "", ""
    return "", "", ""
