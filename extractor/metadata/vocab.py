"""The metadata vocabulary (schemas/metadata.yaml): words, not rules."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path

from ..textnorm import normalize
from ..yamlfile import load_yaml

SCHEMAS_DIR = Path(__file__).resolve().parent.parent.parent / "schemas"


@dataclass(frozen=True)
class Vocab:
    issuer_suffixes: tuple[str, ...]
    issuer_keys: tuple[str, ...]
    issuer_keys_checked: frozenset[str]
    issuer_trailers: tuple[str, ...]
    published_keys: tuple[str, ...]
    date_trailers: tuple[str, ...]
    doc_number_keys: tuple[str, ...]
    title_keys: tuple[str, ...]
    title_words: tuple[str, ...]
    grid_keys: frozenset[str]
    own_place_context: tuple[str, ...]
    generic_place_names: frozenset[str]
    compare_before: tuple[str, ...]
    compare_after: tuple[str, ...]
    point_before: tuple[str, ...]
    month_point_after: tuple[str, ...]
    township_suffixes: dict[str, str]  # printed suffix → registry kind
    township_not_next: str
    township_min_names: int
    county_speaker_words: tuple[str, ...]
    prefecture_min_counties: int
    zones: tuple[Zone, ...]
    dateless_period_words: tuple[str, ...]


@dataclass(frozen=True)
class Zone:
    """A place administered at prefecture level that the registry files as a county of another city."""

    name: str
    province: str
    printed: tuple[str, ...]  # longest first
    counties: frozenset[str]


def norm(text: str) -> str:
    return normalize(text).text.strip() if text else ""


@cache
def load_vocab(path: str | None = None) -> Vocab:
    data = load_yaml(Path(path or SCHEMAS_DIR / "metadata.yaml"))

    def words(key: str) -> tuple[str, ...]:
        # normalised like the text they are matched against; longest first
        return tuple(sorted({norm(str(w)) for w in data.get(key) or []}, key=len, reverse=True))

    grid = set(words("grid_keys")) | set(words("issuer_keys")) | set(words("published_keys"))
    grid |= set(words("doc_number_keys")) | set(words("title_keys"))
    return Vocab(
        issuer_suffixes=words("issuer_suffixes"),
        issuer_keys=tuple(norm(str(w)) for w in data.get("issuer_keys") or []),  # order = authority
        issuer_keys_checked=frozenset(words("issuer_keys_checked")),
        issuer_trailers=words("issuer_trailers"),
        published_keys=tuple(norm(str(w)) for w in data.get("published_keys") or []),
        date_trailers=words("date_trailers"),
        doc_number_keys=words("doc_number_keys"),
        title_keys=words("title_keys"),
        title_words=words("title_words"),
        grid_keys=frozenset(grid),
        own_place_context=words("own_place_context"),
        generic_place_names=frozenset(words("generic_place_names")),
        compare_before=words("compare_before"),
        compare_after=words("compare_after"),
        point_before=words("point_before"),
        month_point_after=words("month_point_after"),
        township_suffixes={norm(str(k)): norm(str(v)) for k, v in (data.get("township_suffixes") or {}).items()},
        township_not_next=norm(str(data.get("township_not_next") or "")),
        township_min_names=int(data.get("township_min_names") or 2),
        county_speaker_words=words("county_speaker_words"),
        prefecture_min_counties=int(data.get("prefecture_min_counties") or 2),
        zones=tuple(
            Zone(
                norm(z["name"]),
                norm(z["province"]),
                tuple(sorted({norm(w) for w in z.get("printed") or []} | {norm(z["name"])}, key=len, reverse=True)),
                frozenset(norm(c) for c in z.get("counties") or []),
            )
            for z in data.get("zones") or []
        ),
        dateless_period_words=words("dateless_period_words"),
    )
