"""Resolution of one printed unit name, in the fixed order described in the package docstring."""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass, replace
from datetime import date

from rapidfuzz import fuzz, process, utils

from ..prose import unit_kind as subject_kind  # the prose vocabulary's channels, types and categories
from .aliases import AliasRow, AliasTable, load_local_aliases
from .dictionary import _PAREN, _PLACEISH, Dictionary, _Entry, _longest_first, fold, load_dictionary
from .places import _place_variants, enclosing_places, is_division_name, leading_place, short_place

# Confidence of each way of resolving (units.csv `score`). Below LOW_CONFIDENCE the review lists it.
SCORES = {
    "user_alias": 100.0,
    "exact": 100.0,
    "alias": 100.0,
    "prefix": 100.0,
    "branch": 95.0,
    "township": 90.0,  # 100 when the division list confirms it, 70 when the list does not have it
    "named": 90.0,
    "keyword": 85.0,
    "abbreviation": 80.0,
}
LOW_CONFIDENCE = 90.0

# Suggestions only. WRatio with an explicit processor: rapidfuzz >= 3 does no preprocessing by default.
FUZZY_SCORER = fuzz.WRatio
FUZZY_PROCESSOR = utils.default_process


@dataclass(frozen=True)
class Resolution:
    """How one printed name was resolved. `unit` is empty unless the name was resolved; a
    fuzzy `suggestion` is never applied."""

    unit: str
    unit_kind: str
    method: str  # exact alias prefix branch abbreviation township keyword named user_alias aggregate label unresolved
    score: float
    suggestion: str = ""
    candidates: tuple[str, ...] = ()  # bodies an ambiguous short form could stand for
    family: str = ""
    note: str = ""

    @property
    def resolved(self) -> bool:
        return bool(self.unit)


# ---------------------------------------------------------------------------------------------
# resolution


def _is_subsequence(short: str, full: str) -> bool:
    it = iter(full)
    return all(ch in it for ch in short)


class Resolver:
    """Resolves the unit names of one bulletin (one county, one period). Results are cached."""

    def __init__(
        self,
        county_names: Iterable[str] = (),
        aliases: AliasTable | None = None,
        when: date | None = None,
        townships: Collection[str] | None = None,
        dictionary: Dictionary | None = None,
        local: AliasTable | None = None,
    ) -> None:
        self.d = dictionary or load_dictionary()
        self.user = aliases
        self.local = local if local is not None else load_local_aliases()
        self.when = when
        given = [fold(n) for n in county_names if fold(n)]
        # the city and province a county belongs to print in its names too (岳阳市生态环境局湘阴分局)
        extra = [fold(e) for g in given if g[-1:] in "县区市旗" for e in enclosing_places(g)]
        self.full_places = _longest_first([*given, *extra])
        # the place a name without one belongs to: the most specific given (the county, else the
        # city); 市 in front of a name is the county itself when it is a county-level city
        counties = [g for g in given if enclosing_places(g) or g[-1:] in "县区旗"]
        cities = [g for g in [*given, *extra] if g[-1:] in "市州盟" and g not in counties]
        self.home = (counties or cities or given or [""])[0]
        self.home_city = self.home if self.home.endswith("市") else (cities or [""])[0]
        self.places = _place_variants(self.full_places, self.d.place_suffixes)
        # 中共宜丰县委组织部: the county's party committee is printed as <county>委
        self.prefixes = _longest_first(
            [p + "委" for p in self.full_places if p[-1] in "县市区旗"] + list(self.places) + list(self.d.prefixes)
        )
        self.townships = frozenset(fold(t) for t in townships) if townships is not None else None
        self._place_ends = {suf[-1] for suf in self.d.generic_place_suffixes} | {"区"}
        self._cache: dict[str, Resolution] = {}
        self._names = list(self.d.index)

    # -- public --------------------------------------------------------------------------------
    def resolve(self, name: str) -> Resolution:
        if name not in self._cache:
            self._cache[name] = self._resolve(name)
        return self._cache[name]

    # -- steps ---------------------------------------------------------------------------------
    def _resolve(self, name: str) -> Resolution:
        s = fold(name)
        if not s:
            return Resolution("", "", "unresolved", 0.0, note="empty name")
        if s in self.d.aggregates:
            return Resolution("", self.d.aggregates[s], "aggregate", 100.0, note="group or total, not a body")
        forms = self._forms(s)
        names = [f for f, _ in forms]

        # 0. the user's aliases beat everything
        if self.user is not None:
            row = self.user.lookup(names, self.places, self.when)
            if row:
                return self._from_row(row, "user_alias")

        # 4. exact and alias lookup, curated county rows first (steps 1-3 made the forms)
        row = self.local.lookup(names, self.places, self.when)
        if row:
            return self._from_row(row, "alias")
        for form, stage in forms:
            hit = self._lookup(form, "exact" if form == s else "prefix")
            if hit:
                # a place removed from inside the name is a weaker sign than one removed from its start
                return replace(hit, score=SCORES["branch"]) if stage == "embedded" else hit
        hit = self._zone(s)
        if hit:
            return hit
        hit = self._branch(forms)
        if hit:
            return hit
        hit = self._township(s)
        if hit:
            return hit
        hit = self._keyword(forms)
        if hit and hit.resolved:
            return hit
        ambiguous = hit
        hit = self._named(forms)
        if hit:
            return hit
        # 5. abbreviation
        abbr = self._abbreviation(forms)
        if abbr and abbr.resolved:
            return abbr
        # what no body matched may name a channel, type or category (电话, 投诉类, 市场管理类);
        # only now, since channel words also stand in bodies' names (广电网络)
        label = "" if self.d.rank(s) else subject_kind(s)
        if label in ("type", "channel", "category"):
            return Resolution("", label, "label", 100.0, note=f"a {label}, not a body")
        # 6. fuzzy: suggestion only
        return self._unresolved(self.fuzzy_form(forms), abbr or ambiguous)

    def _forms(self, s: str) -> list[tuple[str, str]]:
        """The printed name and its prefix-stripped variants, most literal first."""
        out: list[tuple[str, str]] = [(s, "exact")]

        def add(x: str, stage: str = "prefix") -> None:
            if len(x) >= 2 and all(x != f for f, _ in out):
                out.append((x, stage))

        base = _PAREN.sub("", s)  # 行政审批局(数字化发展局) -> 行政审批局
        add(base)
        x = base
        while True:
            y = self._strip_prefix(x, short=True)
            if y is None:
                break
            x = y
            add(x)
        for f, _ in list(out):
            add(self._legal(f))
        for f, _ in list(out):  # 县人社局 -> 人社局; only as a later alternative (市监局 starts with 市)
            if f[0] in "县市区州" and len(f) >= 3:
                add(f[1:], "bare")
        for f, _ in list(out):  # 县委编办 -> 编办: the party committee of an unnamed level
            if f[:2] in ("县委", "市委", "区委", "州委") and len(f) >= 4:
                add(f[2:], "bare")
        for f, _ in list(out):  # 水务集团宜丰有限公司 -> 水务集团公司: a place inside the name
            for p in self.places:
                if p in f[1:]:
                    add(self._legal(f[0] + f[1:].replace(p, "")), "embedded")
        for f, stage in list(out):  # 渭南银保监分局 -> 银保监分局: a place the bulletin did not name
            p = leading_place(f) if stage in ("exact", "prefix") else ""
            if p and len(f) - len(p) >= 2:
                add(f[len(p) :], "place")
        for f, _ in list(out):  # 12345政务服务热线中心 -> 政务服务热线中心
            for w in self.d.drop_words:
                if w in f:
                    add(f.replace(w, ""), "dropped")
        for f, _ in list(out):  # 市消防支队 -> 消防大队: the city-level unit of the same kind
            for ending, county_ending in self.d.level_endings:
                if f.endswith(ending) and len(f) > len(ending):
                    add(f[: -len(ending)] + county_ending, "level")
        for f, _ in list(out):  # X管委会 -> X: office words that do not change the body
            for suf in self.d.office_suffixes:
                if f.endswith(suf) and len(f) - len(suf) >= 2:
                    add(f[: -len(suf)], "peeled")
                    break
        for f, _ in list(out):  # 公安局交通警察大队 -> 交通警察大队: a sub-body printed after its parent
            for i in range(2, len(f) - 1):
                if f[:i] in self.d.index and f[i:] in self.d.index:
                    add(f[i:], "sub")
                    break
        return out

    @staticmethod
    def fuzzy_form(forms: list[tuple[str, str]]) -> str:
        """The form a suggestion is computed on: prefixes stripped, but no guessed single-character cut."""
        return [f for f, stage in forms if stage in ("exact", "prefix")][-1]

    def _strip_prefix(self, x: str, short: bool) -> str | None:
        prefixes = self.prefixes if short else _longest_first([*self.full_places, *self.d.prefixes])
        for p in prefixes:
            if x.startswith(p) and len(x) - len(p) >= 2:
                return x[len(p) :]
        # a leading place the caller did not pass: only a real division name (岳阳市), never
        # the start of a body's own name (市智慧城市建设局 is not 市智慧城市 + 建设局)
        for end in range(3, min(len(x) - 1, 12)):
            head = x[:end]
            if head[-1] in self._place_ends and (head in self.places or is_division_name(head)):
                return x[end:]
        return None

    def _legal(self, x: str) -> str:
        for form in self.d.legal_forms:
            if x.endswith(form):
                return x[: -len(form)] + "公司"
        return x

    def _entry(self, form: str) -> _Entry | None:
        return self.d.index.get(form)

    def _result(self, canonical: str, method: str, score: float | None = None, note: str = "", kind: str = "") -> Resolution:
        unit = self.d.units.get(canonical)
        return Resolution(
            unit=canonical,
            unit_kind=kind or (unit.kind if unit else self._guess_kind(canonical)),
            method=method,
            score=SCORES[method] if score is None else score,
            family=unit.family if unit else "",
            note=note,
        )

    def _lookup(self, form: str, method: str) -> Resolution | None:
        e = self._entry(form)
        if not e:
            return None
        if method == "exact" and e.how != "canonical":
            method = "alias"
        return self._result(e.canonical, method, note=e.note)

    def _from_row(self, row: AliasRow, method: str) -> Resolution:
        canonical = row.canonical
        known = self._entry(canonical)
        own = self._entry(row.alias)
        # a row may name a dictionary body by one of its aliases; but a row that gives a name the
        # dictionary merges (教育局 -> 教育体育局) a title of its own keeps that title as written
        if known and not (own and own.canonical == known.canonical and canonical != known.canonical):
            canonical = known.canonical
        note = row.note or f"aliases row {row.line}"
        return self._result(canonical, method, note=note, kind=row.kind)

    def _guess_kind(self, name: str) -> str:
        if any(name.endswith(e) for e, _ in self.d.street_endings):
            return "street"
        if any(name.endswith(e) for e in self.d.township_endings):
            return "township"
        for oc in self.d.open_classes:
            if name.endswith(oc["ending"]):
                return oc["kind"]
        if name.endswith(("公司", "集团")):
            return "enterprise"
        return "other"

    # 3. branch forms ---------------------------------------------------------------------------
    def _branch(self, forms: list[tuple[str, str]]) -> Resolution | None:
        for form, _ in forms:
            for ending, parent_ending in self.d.branch_suffixes:
                if not form.endswith(ending) or len(form) == len(ending):
                    continue
                head = form[: -len(ending)]
                heads = [head] + [head.replace(p, "") for p in self.places if p in head]
                for h in heads:
                    for cand in (h + parent_ending, h):
                        if cand.endswith(parent_ending) and self._entry(cand):
                            return self._result(self._entry(cand).canonical, "branch", note=f"branch of {cand}")
                # <known body><place>: 生态环境局宜丰 + 分局
                for i in range(len(head) - 1, 1, -1):
                    e = self._entry(head[:i])
                    rest = head[i:]
                    if e and _PLACEISH.fullmatch(rest) and self.d.rank(rest) is None:
                        score = SCORES["branch"] if rest in self.places else SCORES["branch"] - 5
                        return self._result(e.canonical, "branch", score, note=f"branch {rest!r} of {head[:i]}")
        return None

    # townships and streets --------------------------------------------------------------------
    def _township(self, s: str) -> Resolution | None:
        x = _PAREN.sub("", s)
        while True:  # only full place names: a township may share the county's short name
            y = self._strip_prefix(x, short=False)
            if y is None or not self._township_name(y):
                break
            x = y
        name = self._township_name(x)
        if name is None:
            return self._county(x) or self._bare_township(x)
        canonical, kind = name
        if self.townships is None:
            return self._result(canonical, "township", kind=kind, note="suffix only: no division list for this county")
        if canonical in self.townships:
            return self._result(canonical, "township", 100.0, kind=kind, note="in the division list")
        core, ending = self._split_township(canonical)
        same_end = [t for t in self.townships if t.endswith(ending) and _is_subsequence(core, t[: -len(ending)])]
        if len(same_end) == 1:
            return self._result(same_end[0], "township", kind=kind, note=f"short form of {same_end[0]} in the division list")
        return self._result(canonical, "township", 70.0, kind=kind, note="not in the division list for this county")

    def _township_name(self, x: str) -> tuple[str, str] | None:
        for word in self.d.government_words:
            if x.endswith(word) and len(x) > len(word):
                x = x[: -len(word)]
                break
        for ending, canonical_ending in self.d.street_endings:
            if x.endswith(ending) and len(x) - len(ending) >= self.d.min_core_chars:
                canonical = x[: -len(ending)] + canonical_ending
                return (canonical, "street") if canonical not in self.d.aggregates else None
        for ending in self.d.township_endings:
            if x.endswith(ending) and len(x) - len(ending) >= self.d.min_core_chars:
                return (x, "township") if x not in self.d.aggregates else None
        return None

    def _county(self, x: str) -> Resolution | None:
        """A county-level division printed as a row of a city's bulletin (东海县, 杜集区政府): its
        own full name, only when the division registry knows it and places it in one city."""
        for word in self.d.government_words:
            if x.endswith(word) and len(x) > len(word):
                x = x[: -len(word)]
                break
        if len(x) < 2 or x[-1] not in "县区市旗" or not enclosing_places(x):
            return None
        return self._result(x, "township", kind="county", note="a county-level division in the registry")

    def _split_township(self, name: str) -> tuple[str, str]:
        for ending in (*[c for _, c in self.d.street_endings], *self.d.township_endings):
            if name.endswith(ending):
                return name[: -len(ending)], ending
        return name, ""

    def _bare_township(self, x: str) -> Resolution | None:
        """A place printed without its suffix (庙尔沟 for 庙尔沟乡): only with a division list."""
        if not self.townships or len(x) < self.d.min_core_chars:
            return None
        hits = [t for t in self.townships if self._split_township(t)[0] == x]
        if len(hits) == 1:
            return self._result(hits[0], "township", note=f"{hits[0]} in the division list")
        return None

    # enterprises by keyword, named bodies -----------------------------------------------------
    def _keyword(self, forms: list[tuple[str, str]]) -> Resolution | None:
        for form, _ in forms:
            matches = [u for u in self.d.keyword_units if any(k in form for k in u.keywords)]
            if not matches:
                continue
            if not (form.endswith(("公司", "集团")) or any(form.endswith(k) for u in matches for k in u.keywords)):
                continue
            if len(matches) == 1:
                return self._result(matches[0].name, "keyword", note=f"company of the {matches[0].name} role")
            return Resolution("", "", "unresolved", 0.0, candidates=tuple(u.name for u in matches))
        return None

    def _named(self, forms: list[tuple[str, str]]) -> Resolution | None:
        """A body of an open class named by its own name (X银行, X医院, X学院): the canonical
        is that name with the place and the branch removed, or the dictionary's name for it."""
        literal = [f for f, stage in forms if stage in ("exact", "prefix", "embedded")]
        for form in reversed(literal):  # most stripped first: the body's own name without the county
            for oc in self.d.open_classes:
                ending = oc["ending"]
                if oc.get("keep_place") and form != literal[0] and form != _PAREN.sub("", literal[0]):
                    continue  # a place in front is part of the name (上饶师范学院 is not 师范学院)
                body, branch = None, ""
                for be in oc.get("branch_endings", []):
                    if form.endswith(be):
                        head = form[: -len(be)]
                        i = head.rfind(ending)
                        if i >= 1:
                            body, branch = head[: i + len(ending)], form[i + len(ending) :]
                            break
                if body is None and form.endswith(ending) and len(form) - len(ending) >= oc.get("min_head", 1):
                    body = form
                if body is None:
                    continue
                e = self._entry(body)
                note = f"branch {branch}" if branch else f"named {ending}"
                return self._result(e.canonical if e else body, "named", oc.get("score"), kind=oc["kind"], note=note)
        return None

    # development zones -----------------------------------------------------------------------
    def _zone(self, s: str) -> Resolution | None:
        """A development zone: named by its own name, or by the place it belongs to (高新区 in
        a bulletin of 白水县 -> 白水高新技术产业开发区). See `zones` in units.yaml."""
        x = _PAREN.sub("", s)
        for suf in self.d.office_suffixes:
            if x.endswith(suf) and len(x) > len(suf):
                x = x[: -len(suf)]
                break
        for ending, full in self.d.zone_types:
            if not x.endswith(ending):
                continue
            head, stripped = x[: -len(ending)], ""
            while True:  # leading places: 宜春市万载工业园 -> 万载
                p = next((p for p in self.full_places if head.startswith(p)), None)
                if p is None:
                    break
                head, stripped = head[len(p) :], p
            if not head:
                place = stripped or self.home
            elif head in self.d.zone_level_words:
                place = (self.home_city or self.home) if head == "市" else self.home
            elif head in self.places or (head[-1] in self._place_ends and is_division_name(head)):
                place = head
            else:  # the zone's own name
                if len(head) < 2:
                    return None
                return self._result(head + full, "named", 95.0, kind="development_zone", note=f"development zone {head}")
            if not place or ending in self.d.zone_needs_name:
                return None
            name = short_place(place, self.d.place_suffixes) + full
            return self._result(name, "named", 90.0, kind="development_zone", note=f"development zone of {place}")
        return None

    # 5. abbreviations -----------------------------------------------------------------------------
    def _abbreviation(self, forms: list[tuple[str, str]]) -> Resolution | None:
        for form, stage in forms:
            if stage == "place":  # a registry place cut from the start: only an exact hit counts
                continue
            rank = self.d.rank(form)
            if rank is None:
                continue
            core = self._core(form)
            if not core:
                continue
            hits: dict[str, str] = {}
            for full, e in self.d.index.items():
                if len(full) <= len(form) or full[0] != form[0] or self.d.rank(full) != rank:
                    continue
                if _is_subsequence(core, self._core(full)):
                    hits.setdefault(e.canonical, full)
            if len(hits) == 1:
                canonical, full = next(iter(hits.items()))
                return self._result(canonical, "abbreviation", note=f"short form of {full}")
            if hits:
                return Resolution("", "", "unresolved", 0.0, candidates=tuple(sorted(hits)))
        return None

    def _core(self, name: str) -> str:
        for ending, _ in self.d.rank_suffixes:
            if name.endswith(ending) and len(name) > len(ending):
                return name[: -len(ending)]
        return name

    # 6. suggestion ------------------------------------------------------------------------------
    def _unresolved(self, form: str, partial: Resolution | None) -> Resolution:
        candidates = partial.candidates if partial else ()
        choices = [n for n in self._names if self.d.index[n].canonical in candidates] if candidates else self._names
        best = process.extractOne(form, choices, scorer=FUZZY_SCORER, processor=FUZZY_PROCESSOR)
        if not best:
            return Resolution("", "", "unresolved", 0.0, candidates=candidates)
        name, score, _ = best
        if score <= 0:
            return Resolution("", "", "unresolved", 0.0, candidates=candidates)
        suggestion = self.d.index[name].canonical
        note = f"closest printed name {name!r}"
        if candidates:
            note = f"could be {' / '.join(candidates)}; {note}"
        return Resolution("", "", "unresolved", round(float(score), 1), suggestion=suggestion, candidates=candidates, note=note)


def resolve(
    name: str,
    county_names: Iterable[str] = (),
    aliases: AliasTable | None = None,
    when: date | None = None,
    townships: Collection[str] | None = None,
) -> Resolution:
    """Resolve one printed unit name. `county_names`: the bulletin's own province/city/county
    names; `aliases`: a user aliases table (beats everything); `when`: a date inside the bulletin's
    period, for dated alias rows; `townships`: the county's township/street names from the division
    package, when known. For many names of one bulletin, build one Resolver and reuse it."""
    return Resolver(county_names, aliases, when, townships).resolve(name)


def unit_row(county: str, unit_raw: str, res: Resolution) -> dict:
    """A units.csv row in contract order (county, unit_raw, unit, unit_kind, method, score)."""
    return {
        "county": county,
        "unit_raw": unit_raw,
        "unit": res.unit,
        "unit_kind": res.unit_kind,
        "method": res.method,
        "score": res.score,
    }
