"""schemas/prose.yaml indexed for the reader: words and their roles, the number pattern, the tokenizer."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from ..yamlfile import load_yaml

PROSE_SCHEMA = Path(__file__).resolve().parent.parent.parent / "schemas" / "prose.yaml"


@dataclass
class Vocabulary:
    """schemas/prose.yaml, indexed for the reader."""

    raw: dict
    roles: dict[str, dict[str, str]] = field(default_factory=dict)  # word -> {role: metric or ""}
    max_len: int = 1
    measure: re.Pattern = re.compile("")
    fillers: list[str] = field(default_factory=list)

    @property
    def channels(self) -> list[str]:
        return [str(c) for c in self.raw["channels"]]

    @property
    def types(self) -> dict[str, str]:
        return self.raw["types"]


def _add(roles: dict[str, dict[str, str]], word: object, role: str, metric: str = "") -> None:
    roles.setdefault(str(word), {}).setdefault(role, metric)


@cache
def vocabulary(path: Path = PROSE_SCHEMA) -> Vocabulary:
    raw = load_yaml(path)
    roles: dict[str, dict[str, str]] = {}
    for metric, words in raw["rate_words"].items():
        for w in words:
            _add(roles, w, "rate", metric)
    for metric, words in raw["count_words"].items():
        for w in words:
            _add(roles, w, "count", metric)
    for metric, words in raw["postfix_words"].items():
        for w in words:
            _add(roles, w, "postfix", metric)
    for w in raw["postfix_ignore"]:
        _add(roles, w, "postfix_ignore")
    for sign, words in raw["sign_words"].items():
        for w in words:
            _add(roles, w, "sign", sign)
    for basis, words in raw["basis_words"].items():
        for w in words:
            _add(roles, w, "basis", basis)
    for w in raw["level_words"]:
        _add(roles, w, "level")
    for metric, words in raw["score_words"].items():
        for w in words:
            _add(roles, w, "score", metric)
    for w in raw["threshold_words"]:
        _add(roles, w, "threshold")
    for w in raw["verbs"]:
        _add(roles, w, "verb")
    for w in raw["breakdown_markers"]:
        _add(roles, w, "marker")
    for w in raw["blocking_words"]:
        _add(roles, w, "noun")
    for w in raw["channels"]:  # names that hold a verb (省级交办) must win over the verb
        _add(roles, w, "name")
    measures = sorted((str(m) for m in raw["measure_words"]), key=len, reverse=True)
    scales = "|".join(re.escape(s) for s in raw["scale_prefixes"])
    # A stray mark between the digits and % is extraction damage ("10.81`%"), not a new token.
    number = r"(?<![A-Za-z0-9.])(?P<sign>[+-])?(?P<num>\d+(?:,\d{3})*(?:\.\d+)?)(?:[`'](?=%))?"
    points = "|".join(re.escape(str(w)) for w in sorted(raw["point_words"], key=len, reverse=True))
    things = "|".join(re.escape(str(w)) for w in sorted(raw["thing_measures"], key=len, reverse=True))
    unit = (
        rf"(?:(?P<pct>%|{points})|(?P<scale>{scales})?(?P<measure>{'|'.join(map(re.escape, measures))})"
        rf"|(?P<thing>{things})|(?P<score>{raw['score_measure']})(?![钟局]))"
    )
    bare = r"(?<=\()(?P<bare>\d{1,6})(?=\))"
    vocab = Vocabulary(
        raw=raw,
        roles=roles,
        max_len=max(len(w) for w in roles),
        measure=re.compile(rf"{number}{unit}|{bare}"),
        fillers=sorted((str(f) for f in raw["subject_fillers"]), key=len, reverse=True),
    )
    return vocab


@dataclass
class Token:
    start: int
    end: int
    word: str
    roles: dict[str, str]


def tokenize(text: str, vocab: Vocabulary, start: int = 0, end: int | None = None) -> list[Token]:
    """Vocabulary words in text[start:end], longest match first, left to right."""
    end = len(text) if end is None else end
    out: list[Token] = []
    i = start
    while i < end:
        for n in range(min(vocab.max_len, end - i), 0, -1):
            word = text[i : i + n]
            if word in vocab.roles:
                out.append(Token(i, i + n, word, vocab.roles[word]))
                i += n
                break
        else:
            i += 1
    return out


def _starts_word(text: str, pos: int, vocab: Vocabulary, roles: set[str]) -> Token | None:
    toks = tokenize(text, vocab, pos, min(len(text), pos + vocab.max_len))
    if toks and toks[0].start == pos and roles & set(toks[0].roles):
        return toks[0]
    return None
