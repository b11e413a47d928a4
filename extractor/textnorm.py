"""Normalise archived bulletin text so one set of patterns reads every copy, while keeping a
map back to the characters as printed (values must quote the source verbatim).

What archived copies do to the text (see DOMAIN.md, "Archived text"):
- traditional characters: converted with OpenCC (t2s), the registry package;
- full-width ASCII forms (，：；（）％０-９) and ideographic spaces: folded to ASCII, so the
  patterns only need one form of each punctuation mark;
- pinyin inserted after a character, 業(yè): dropped;
- spaces inside numbers ("89. 52%") and around CJK characters ("受理 12345 热线工单 1263 件"):
  dropped, since Chinese text does not use spaces between words.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff\u3000-\u303f\uff00-\uffef]")
# A parenthesised pinyin syllable right after a CJK character: 業(yè), 務（wù）, 业(ye4).
_PINYIN = re.compile(
    r"(?<=[\u3400-\u9fff])[(（]"
    r"(?=[a-zA-Zāáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜü]*[āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜü1-5])"
    r"[a-zA-Zāáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜü]{1,6}[1-5]?[)）]"
)
_SPACES = " \t\u3000\xa0"


@cache
def _t2s():
    import opencc

    return opencc.OpenCC("t2s")


def to_simplified(text: str) -> str:
    """Traditional → simplified characters (OpenCC t2s); simplified text is returned unchanged."""
    return _t2s().convert(text) if text else text


def _fold(ch: str) -> str:
    code = ord(ch)
    if 0xFF01 <= code <= 0xFF5E:  # full-width ASCII forms
        return chr(code - 0xFEE0)
    if ch in "\u3000\xa0":
        return " "
    return ch


@dataclass
class Normalized:
    """Normalised text plus, for each of its characters, the index of the printed character."""

    original: str
    text: str
    index: list[int]

    def span(self, start: int, end: int) -> tuple[int, int]:
        """The printed span [start, end) that normalised characters [start, end) came from."""
        if start >= end:
            pos = self.index[start] if start < len(self.index) else len(self.original)
            return pos, pos
        return self.index[start], self.index[end - 1] + 1

    def original_text(self, start: int, end: int) -> str:
        a, b = self.span(start, end)
        return self.original[a:b]

    def printed(self, start: int = 0, end: int | None = None) -> str:
        """The printed characters behind normalised [start, end), in the printed script but
        without what normalisation dropped (pinyin glosses, spaces): 消費(fèi)維權(quán)類 → 消費維權類."""
        end = len(self.text) if end is None else end
        return "".join(self.original[self.index[k]] for k in range(start, end))


def _is_cjk(ch: str) -> bool:
    return bool(ch) and bool(_CJK.match(ch))


def normalize(text: str) -> Normalized:
    """See the module docstring. Character-for-character where possible, with an index map."""
    simple = to_simplified(text)
    if len(simple) != len(text):  # a phrase conversion changed the length: convert char by char
        simple = "".join(to_simplified(ch) if len(to_simplified(ch)) == 1 else ch for ch in text)
    chars = [(_fold(ch), i) for i, ch in enumerate(simple)]

    # Drop pinyin insertions.
    joined = "".join(c for c, _ in chars)
    drop: set[int] = set()
    for m in _PINYIN.finditer(joined):
        drop.update(range(m.start(), m.end()))
    chars = [ci for k, ci in enumerate(chars) if k not in drop]

    # Drop whitespace runs next to CJK characters and inside numbers.
    out: list[tuple[str, int]] = []
    k, n = 0, len(chars)
    while k < n:
        ch, idx = chars[k]
        if ch in _SPACES:
            j = k
            while j < n and chars[j][0] in _SPACES:
                j += 1
            left = out[-1][0] if out else ""
            right = chars[j][0] if j < n else ""
            in_number = left and right and (left.isdigit() or left == ".") and (right.isdigit() or right in ".%")
            if not left or not right or _is_cjk(left) or _is_cjk(right) or in_number:
                k = j
                continue
            out.extend(chars[k:j])
            k = j
            continue
        out.append((ch, idx))
        k += 1
    return Normalized(text, "".join(c for c, _ in out), [i for _, i in out])


def clean_label(printed: str) -> str:
    """A label as printed, made comparable across copies: simplified characters, pinyin
    insertions and surrounding spaces removed; punctuation and inner spacing kept as printed."""
    label = _PINYIN.sub("", to_simplified(printed))
    return label.strip(_SPACES)
