"""Where the bulletin is from: province, city, county.

In order, the first that applies:
1. a county the head names (title, masthead, issuer, information grid) or the page names as its
   own ("X县12345热线", "X县人民政府"), clearly ahead of any other;
2. a zone administered at prefecture level (schemas/metadata.yaml `zones`) named the same way;
3. the head names a city and the body several of its counties: the city's own bulletin;
4. a county the page does not name, inferred from the townships and streets it does name
   (西津街道, 南山街道, 中溪镇 → the county whose registry holds them): the county that
   explains most of them, at least `township_min_names` distinct names and strictly ahead of
   any other (info finding `county_inferred` with the names; `county_ambiguous` when the
   evidence is thin or shared, or when the page also reports on several other counties of
   the same prefecture: then 5 decides);
5. several counties of one prefecture named in the body, none of them the page's own and no
   words by which the page speaks as a county (全县, 县直 …): the prefecture's bulletin
   (county empty, city set);
6. a county named in the body, clearly ahead of any other;
7. the city, else the province, the head names.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field

from .. import divisions
from .layout import Layout, Line
from .vocab import Vocab, Zone

_STRONG = 10  # weight of a mention in the head, the issuer or an information grid

County = tuple[str, str | None, str]


@dataclass
class _Evidence:
    county_score: dict[County, float] = field(default_factory=lambda: defaultdict(float))
    owned: set[County] = field(default_factory=set)  # named in the head or with own-place context
    named_full: set[County] = field(default_factory=set)  # named by full name (or as its own) in the body
    head_cities: dict[tuple[str, str], float] = field(default_factory=lambda: defaultdict(float))
    head_provinces: dict[str, float] = field(default_factory=lambda: defaultdict(float))
    named: set[str] = field(default_factory=set)  # provinces and cities named unambiguously anywhere
    head_county: bool = False
    unresolved: set[str] = field(default_factory=set)  # same-named divisions in the head nothing disambiguates


def _info(findings: list[dict], check: str, message: str) -> None:
    findings.append({"check": check, "severity": "info", "message": message})


def _evidence(sources: list[tuple[str, int]], vocab: Vocab) -> _Evidence:
    raw: list[tuple[list[County], str, int, str]] = []  # (entries, form, weight, following text)
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

    ev = _Evidence()
    for entries, *_ in raw:
        if len(entries) == 1:
            prov, city, _county = entries[0]
            ev.named.update(x for x in (prov, city) if x)

    for entries, form, weight, after in raw:
        if len(entries) > 1:
            kept = [e for e in entries if e[0] in ev.named or (e[1] and e[1] in ev.named)]
            if len(kept) != 1:
                if weight >= _STRONG and any(e[2] for e in entries):
                    ev.unresolved.add(f"{form} ({', '.join(sorted({''.join(x for x in e if x) for e in entries if e[2]}))})")
                continue
            entries = kept
        prov, city, county = entries[0]
        if county:
            full = divisions.is_full_name(form) and form == county and len(form) >= 3
            context = after.startswith(vocab.own_place_context)
            ev.county_score[entries[0]] += weight * (2 if full else 1) * (3 if context else 1)
            if weight >= _STRONG or context:
                ev.owned.add(entries[0])
            if full or context:
                ev.named_full.add(entries[0])
            ev.head_county |= weight >= _STRONG
        elif weight >= _STRONG:
            if city:
                ev.head_cities[(prov, city)] += weight
            else:
                ev.head_provinces[prov] += weight
    return ev


def _clear_winner(ev: _Evidence, among: set[County]) -> County | None:
    """The top-scoring county, if it is in `among` and scores at least twice the next one."""
    ranked = sorted(ev.county_score.items(), key=lambda kv: -kv[1])
    if not ranked:
        return None
    (best, score), second = ranked[0], (ranked[1][1] if len(ranked) > 1 else 0.0)
    return best if best in among and score >= 2 * second else None


def _zone_named(sources: list[tuple[str, int]], vocab: Vocab) -> tuple[Zone | None, set[str]]:
    """A zone the page names as its own (in the head, or before own-place context), and the
    names of every zone it mentions at all."""
    mentioned: set[str] = set()
    for text, weight in sources:
        for zone in vocab.zones:
            for form in zone.printed:
                start = text.find(form)
                while start >= 0:
                    mentioned.add(zone.name)
                    after = text[start + len(form) : start + len(form) + 6]
                    if weight >= _STRONG or after.startswith(vocab.own_place_context):
                        return zone, mentioned
                    start = text.find(form, start + len(form))
    return None, mentioned


def _townships(lines: list[Line], vocab: Vocab) -> tuple[dict[str, frozenset[County]], dict[str, str]]:
    """Township names found → the counties that have one so named; and each name as printed."""
    found: dict[str, frozenset[County]] = {}
    printed: dict[str, str] = {}
    for line in lines:
        for name, start, end, counties in divisions.find_townships(line.text, vocab.township_suffixes, vocab.township_not_next):
            found.setdefault(name, counties)
            printed.setdefault(name, line.printed(start, end))
    return found, printed


def _by_townships(
    found: dict[str, frozenset[County]], printed: dict[str, str], ev: _Evidence, vocab: Vocab, findings: list[dict]
) -> County | None:
    """The county that explains most of the named townships, when it clearly does."""
    votes: Counter[County] = Counter()
    for counties in found.values():
        votes.update(counties)
    if not votes:
        return None

    def rank(c: County) -> tuple[int, int]:
        # a tie is broken only by a city or province the page names elsewhere
        return votes[c], int(c[0] in ev.named or bool(c[1] and c[1] in ev.named))

    ranked = sorted(votes, key=rank, reverse=True)
    best = ranked[0]
    second = ranked[1] if len(ranked) > 1 else None
    names = sorted(n for n, cs in found.items() if best in cs)
    shown = "、".join(printed[n] for n in names)
    place = "".join(x for x in best if x)
    if votes[best] >= vocab.township_min_names and (second is None or rank(best) > rank(second)):
        others = f"; next {second[2]} with {votes[second]}" if second is not None else ""
        _info(
            findings,
            "county_inferred",
            f"the page names no county; {place} is inferred from the townships it names: {shown} ({votes[best]} of {len(found)}{others})",
        )
        return best
    tied = ["".join(x for x in c if x) for c in ranked if rank(c) == rank(best)]
    if len(tied) > 1:
        why = "they fit " + ", ".join(tied[:5]) + (" …" if len(tied) > 5 else "") + " alike"
    else:
        why = f"too few to tell ({place})"
    _info(findings, "county_ambiguous", f"the page names no county and the townships it names do not tell which: {shown}; {why}")
    return None


def _prefecture(ev: _Evidence, vocab: Vocab, findings: list[dict]) -> tuple[str, str] | None:
    """The prefecture whose counties the body names, when it names several of one."""
    per_city: dict[tuple[str, str], set[str]] = defaultdict(set)
    for prov, city, county in ev.named_full:
        if city:
            per_city[(prov, city)].add(county)
    ranked = sorted(per_city.items(), key=lambda kv: -len(kv[1]))
    if not ranked or len(ranked[0][1]) < vocab.prefecture_min_counties:
        return None
    if len(ranked) > 1 and len(ranked[1][1]) == len(ranked[0][1]):
        _info(findings, "county_ambiguous", "counties of several prefectures are named alike: " + ", ".join(c for (_, c), _ in ranked[:4]))
        return None
    return ranked[0][0]


def read_places(lay: Layout, issuer: str, vocab: Vocab, findings: list[dict]) -> tuple[str, str, str]:
    """(province, city, county), full registry names, "" where not stated."""
    sources = [(line, _STRONG) for line in lay.head]
    sources += [(issuer, _STRONG)] if issuer else []
    for key in vocab.title_keys:
        sources += [(v, _STRONG) for v in lay.grid_values(key)]
    sources += [(line, 1) for line in lay.body]
    sources += [(cell.text, 1) for cell in lay.cells]
    ev = _evidence(sources, vocab)
    ranked = sorted(ev.county_score.items(), key=lambda kv: -kv[1])
    city_level_doc = bool(ev.head_cities) and not ev.head_county and len(ranked) > 1

    def county(c: County) -> tuple[str, str, str]:
        return c[0], c[1] or "", c[2]

    # 1. the county the page names as its own
    own = None if city_level_doc else _clear_winner(ev, ev.owned)
    if own:
        return county(own)
    # 2. a zone the page names as its own; or whose county the townships point to (below)
    zone, zones_mentioned = _zone_named(sources, vocab)
    if zone:
        return zone.province, zone.name, ""
    # 3. the head's city reporting on its counties
    if city_level_doc and len(ev.head_cities) == 1:
        prov, city = next(iter(ev.head_cities))
        return prov, city, ""
    body = "\n".join(lay.body + [c.text for c in lay.cells])
    speaks_as_county = any(w in body for w in vocab.county_speaker_words)
    # 4. townships; set aside when the page reports on several other counties of the same
    # prefecture as units (a prefecture's bulletin may name a few townships of one county)
    found, printed = _townships(lay.head_lines + lay.body_lines + lay.cells, vocab)
    inferred = _by_townships(found, printed, ev, vocab, findings) if found else None
    if inferred:
        peers = {c for c in ev.named_full if c[:2] == inferred[:2] and c != inferred}
        if len(peers) >= vocab.prefecture_min_counties and not speaks_as_county and not ev.head_county:
            _info(
                findings,
                "county_ambiguous",
                f"the townships point to {inferred[2]}, but the page reports on other counties of {inferred[1]} too "
                f"({'、'.join(sorted(c[2] for c in peers))}): taken as {inferred[1]}'s bulletin",
            )
            inferred = None
    if inferred:
        for z in vocab.zones:
            if z.name in zones_mentioned and inferred[0] == z.province and inferred[2] in z.counties:
                return z.province, z.name, ""
        if not ev.head_cities or (inferred[0], inferred[1]) in ev.head_cities:
            return county(inferred)
    # 5. a prefecture reporting on its counties
    if not speaks_as_county and not ev.head_county:
        pref = _prefecture(ev, vocab, findings)
        if pref and (not ev.head_cities or pref in ev.head_cities):
            return pref[0], pref[1], ""
    # 6. a county the body names
    named = None if city_level_doc else _clear_winner(ev, ev.named_full)
    if named:
        return county(named)
    if ranked and ranked[0][0] in ev.named_full:
        _info(
            findings,
            "county_ambiguous",
            "several counties are named and none is clearly the bulletin's own: " + ", ".join(f"{c[2]} ({s:g})" for c, s in ranked[:4]),
        )
    if ev.unresolved:
        _info(
            findings,
            "county_ambiguous",
            "the title names a division shared by several places and the document does not say which: " + "; ".join(sorted(ev.unresolved)),
        )
    # 7. what the head names
    if len(ev.head_cities) == 1:
        prov, city = next(iter(ev.head_cities))
        return prov, city, ""
    if len(ev.head_provinces) == 1:
        return next(iter(ev.head_provinces)), "", ""
    return "", "", ""
