"""Cell text helpers: line breaks, page furniture, the coarse kind of a cell."""

from __future__ import annotations

import re

from ..metrics import normalize_header
from ..numbers import parse_number

_LINEBREAK = re.compile(r"[ \t\u3000]*[\r\n]+[\s]*")
_PAGE_FURNITURE = re.compile(
    r"^(?:[-—–－\s]*\d{1,4}[-—–－\s]*|第\s*\d+\s*页(?:\s*[,，/]?\s*共\s*\d+\s*页)?|\d+\s*/\s*\d+|共\s*\d+\s*页\s*第\s*\d+\s*页)$"
)
_ATTACHMENT_LABEL = re.compile(r"^附件\s*\d*\s*[:：]?$")
_BRACKET_START = tuple("（(【[")


def _wide(ch: str) -> bool:
    return ord(ch) > 0x2E7F


def clean_text(text: str | None) -> str:
    """Cell text with its line breaks removed: lines of CJK text join without a
    space (a wrapped cell), other lines with one space. Outer whitespace stripped."""
    if not text:
        return ""
    parts = [p.strip() for p in _LINEBREAK.split(text.strip())]
    out = ""
    for part in parts:
        if not part:
            continue
        if out and not (_wide(out[-1]) or _wide(part[0])):
            out += " "
        out += part
    return out


def _norm(text: str) -> str:
    return normalize_header(text)


def _is_value(text: str) -> bool:
    parsed = parse_number(text)
    return parsed is not None and parsed.kind != "missing"


def _cell_kind(text: str) -> str:
    """percent / number / grade / missing / text: the coarse type used to spot damaged rows."""
    parsed = parse_number(text)
    if parsed is None:
        return "text"
    if parsed.kind == "percent":
        return "percent"
    if parsed.kind in ("int", "decimal"):
        return "number"
    return parsed.kind
