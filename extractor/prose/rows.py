"""Values rows and findings for a document's paragraphs; the unit kind of a subject."""

from __future__ import annotations

import re

from ..metadata import period_named
from ..model import Document, Paragraph
from ..textnorm import Normalized, normalize
from .clause import _read_paragraph
from .phrase import _CJK, _DELIMITERS, _ENUMERATION, _TABLE_ROW, Value
from .vocab import Vocabulary, tokenize, vocabulary


def unit_kind(unit_raw: str, parent_kind: str = "", vocab: Vocabulary | None = None) -> str:
    """total, type, category, channel, or "" (a body: the unit-name stage resolves it)."""
    vocab = vocab or vocabulary()
    name = normalize(unit_raw).text
    if not name:
        return "total"
    if parent_kind == "category":
        return "category"  # a sub-category of a category ("物业管理" under 住房保障类)
    suffixes = [str(s) for s in vocab.raw["category_suffixes"]]
    if name in vocab.types or (name[-1:] in suffixes and name[:-1] in vocab.types):
        return "type"
    if any(name.endswith(s) for s in suffixes):
        return "category"
    if any(str(c) in name for c in vocab.channels):
        return "channel"
    return ""


def _is_table_row(text: str) -> bool:
    """A table row printed as a paragraph (tabs or pipes between cells): the table stage's."""
    return bool(_TABLE_ROW.search(text))


def prose_values(doc: Document, source: str, county: str, period: str) -> tuple[list[dict], list[dict]]:
    """Values rows for every statistic printed in the document's paragraphs, and findings
    (numbers stripped from a reprint). Tables (RawTable blocks) are not read here."""
    vocab = vocabulary()
    rows: list[dict] = []
    findings: list[dict] = []
    section = "prose"
    state: dict = {}
    captions = {t.caption.strip() for t in doc.tables if t.caption}
    paragraphs = [b for b in doc.blocks if isinstance(b, Paragraph)]
    # A bulletin sectioned by channel ("(一)市民热线 … (二)市长信箱 …"): each section's figures
    # with no subject of their own belong to its channel, until the next heading.
    channel_heads = {h for h in (_heading(b.norm, vocab) for b in paragraphs) if h and _is_channel_name(h, vocab)}
    topic: tuple[Paragraph, int, int] | None = None
    number = 0
    for block in paragraphs:
        number += 1
        raw = block.text
        if block.level is not None:
            section = raw.strip()
        head = _heading(block.norm, vocab)
        if head is not None:
            at = block.norm.text.rfind(head)
            topic = (block, at, at + len(head)) if len(channel_heads) >= 2 and head in channel_heads else None
            continue
        if not raw.strip() or _is_table_row(raw) or raw.strip() in captions:
            continue
        norm = block.norm
        if not _CJK.search(vocab.measure.sub("", norm.text)):
            continue  # "98.06%", "2050 |": a table cell printed on its own line, the table stage's
        values = _read_paragraph(norm, vocab, state)
        kinds: dict[str, str] = {}
        for v in values:
            if topic is not None and (not v.subject_text or v.subject_text in vocab.channels):
                v.subject_text = topic[0].norm.text[topic[1] : topic[2]]
                v.unit_raw = topic[0].norm.printed(topic[1], topic[2])
            if v.unclear:
                findings.append(_unclear(v, norm, source, number))
                continue
            rows.append(_row(v, norm, vocab, source, county, period, section, block.page, number, kinds))
        findings.extend(_stripped(norm, vocab, source, number))
    return rows, findings


def _heading(norm: Normalized, vocab: Vocabulary) -> str | None:
    """The name of a short numbered heading line ("(一)市长信箱", "二、办理情况"), else None."""
    text = norm.text.strip()
    m = _ENUMERATION.match(text)
    name = text[m.end() :] if m else ""
    if not m or not m.group(0).strip() or not name or len(name) > 12 or re.search(r"[\d,;:。!?%]", name):
        return None
    return name


def _is_channel_name(name: str, vocab: Vocabulary) -> bool:
    return name.endswith(tuple(str(w) for w in vocab.raw["channel_heading_ends"]))


def _row(
    v: Value, norm: Normalized, vocab: Vocabulary, source: str, county: str, period: str, section: str, page, number: int, kinds: dict
) -> dict:
    # The county named as the subject ("某县受理诉求1383件") is the county total.
    unit_raw = "" if county and v.subject_text == normalize(county).text else v.unit_raw
    parent_raw = ""
    if v.parent is not None and v.parent.subject_text and v.parent.subject_text != v.subject_text:
        parent_raw = "" if county and v.parent.subject_text == normalize(county).text else v.parent.unit_raw
    kind = unit_kind(unit_raw, unit_kind(parent_raw, vocab=vocab) if parent_raw else "", vocab)
    return {
        "source": source,
        "county": county,
        "period": period,
        "section": section,
        "page": page if page is not None else "",
        "table": "",
        "row": number,
        "col": norm.span(v.num_start, v.num_start + 1)[0] + 1,
        "unit_raw": unit_raw,
        "unit": "",
        "unit_kind": kind if kind in ("total", "type", "category", "channel") else "",
        "parent_unit": parent_raw,
        "column_raw": norm.original_text(*v.column).strip() if v.column else "",
        "metric": v.metric or "other",
        "value": v.value,
        "text": norm.original_text(v.start, v.end).strip(),
        "value_period": _own_period(norm.text[v.start : v.num_start], period),
    }


def _own_period(before_number: str, period: str) -> str:
    """A period the sentence gives its number, when it is not the bulletin's: 三月份 in a
    quarterly bulletin ("三月份热线工单满意率直降至89.96%") is 2024-03, not the quarter."""
    year = re.match(r"\d{4}", period or "")
    if not year:
        return ""
    named = period_named(before_number, int(year.group(0)))
    return named if named and named != period else ""


def _stripped(norm: Normalized, vocab: Vocabulary, source: str, number: int) -> list[dict]:
    """A % or measure word right after a metric word, with no digits: a number lost in a reprint
    ("受理各类诉求件，同比上升%"). Reported, never filled in."""
    out = []
    text = norm.text
    for m in re.finditer(r"%|件", text):
        i = m.start()
        if i == 0 or text[i - 1].isdigit() or text[i - 1] in " ." or text[i - 1] in vocab.raw["scale_prefixes"]:
            continue
        if m.group(0) == "件" and (i + 1 < len(text) and text[i + 1] not in _DELIMITERS):
            continue
        a = i
        while a > 0 and text[a - 1] not in _DELIMITERS:
            a -= 1
        toks = tokenize(text, vocab, a, i)
        wanted = {"rate", "sign", "basis"} if m.group(0) == "%" else {"verb", "count"}
        if not any(wanted & set(t.roles) for t in toks):
            continue
        if m.group(0) == "件" and text[i - 1 : i + 1] in vocab.raw["nouns_in_measure"]:
            continue
        out.append(
            {
                "source": source,
                "check": "prose_number_missing",
                "severity": "warning",
                "table": "",
                "row": number,
                "column": "prose",
                "unit_raw": "",
                "metric": "",
                "printed": norm.original_text(a, i + 1),
                "expected": "",
                "message": "a metric is printed without its number (stripped from this copy?): no value read",
            }
        )
    return out


def _unclear(v: Value, norm: Normalized, source: str, number: int) -> dict:
    """A figure whose subject is a back-reference with nothing to refer to: reported, no row."""
    return {
        "source": source,
        "check": "prose_subject_unclear",
        "severity": "warning",
        "table": "",
        "row": number,
        "column": "prose",
        "unit_raw": "",
        "metric": v.metric or "other",
        "printed": norm.original_text(v.start, v.end).strip(),
        "expected": "",
        "message": "whose figure this is cannot be told from the text (a back-reference such as 此类): no value read",
    }
