"""Map a column header path to a canonical metric id. The vocabulary is data:
schemas/metrics.yaml lists each id with the Chinese header variants that mean it."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from .yamlfile import load_yaml

SCHEMAS_DIR = Path(__file__).resolve().parent.parent / "schemas"
OTHER = "other"

# Notes printed after a header name: weights （40分）, targets (≥80%达标), units （件）.
_BRACKETED = re.compile(r"[（(【\[][^（()）【】\[\]]*[)）】\]]")
_SPACE = re.compile(r"\s+")


@dataclass(frozen=True)
class MetricVocab:
    names: dict[str, str]  # normalised header → metric id
    contains: tuple[tuple[str, str], ...]  # (pattern, metric id), longest pattern first
    generic: frozenset[str]
    ignore: frozenset[str]
    labels: dict[str, str]  # metric id → Chinese label

    @property
    def ids(self) -> list[str]:
        return list(self.labels)


def normalize_header(text: str) -> str:
    """The comparable form of one header level: NFKC, no whitespace, bracketed notes dropped."""
    norm = _SPACE.sub("", unicodedata.normalize("NFKC", text or ""))
    stripped = _BRACKETED.sub("", norm)
    return (stripped or norm).strip(":：")


@cache
def load_metrics(path: str | None = None) -> MetricVocab:
    """Read schemas/metrics.yaml (or another file of the same shape)."""
    data = load_yaml(Path(path or SCHEMAS_DIR / "metrics.yaml"))
    names: dict[str, str] = {}
    contains: list[tuple[str, str]] = []
    labels: dict[str, str] = {}
    for metric_id, spec in data["metrics"].items():
        labels[metric_id] = spec.get("label", metric_id)
        for name in spec.get("names") or []:
            key = normalize_header(str(name))
            if key in names and names[key] != metric_id:
                raise ValueError(f"metrics.yaml: {name!r} is listed under both {names[key]} and {metric_id}")
            names[key] = metric_id
        contains.extend((normalize_header(str(p)), metric_id) for p in spec.get("contains") or [])
    contains.sort(key=lambda pair: -len(pair[0]))
    return MetricVocab(
        names=names,
        contains=tuple(contains),
        generic=frozenset(normalize_header(str(g)) for g in data.get("generic_leaves") or []),
        ignore=frozenset(normalize_header(str(g)).upper() for g in data.get("ignore") or []),
        labels=labels,
    )


def _match_level(level: str, vocab: MetricVocab) -> str | None:
    if level in vocab.names:
        return vocab.names[level]
    for pattern, metric_id in vocab.contains:  # longest first
        if pattern and pattern in level:
            return metric_id
    return None


def metric_for(path: Sequence[str] | str, vocab: MetricVocab | None = None) -> str:
    """Canonical metric id of a header path (levels outermost first, or one string
    joined by ' / '); 'other' when nothing in the vocabulary matches."""
    vocab = vocab or load_metrics()
    levels = [normalize_header(p) for p in (path.split(" / ") if isinstance(path, str) else path)]
    levels = [lv for lv in levels if lv]
    if not levels:
        return OTHER
    leaf = levels[-1]
    if leaf in vocab.generic:
        for parent in reversed(levels[:-1]):
            found = _match_level(parent, vocab)
            if found:
                return found
    return _match_level(leaf, vocab) or OTHER


def is_ignored_column(path: Sequence[str] | str, vocab: MetricVocab | None = None) -> bool:
    """Row-number columns (序号 …) whose cells are not data."""
    vocab = vocab or load_metrics()
    levels = path.split(" / ") if isinstance(path, str) else list(path)
    return bool(levels) and normalize_header(levels[-1]).upper() in vocab.ignore
