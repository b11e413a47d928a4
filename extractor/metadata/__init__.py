"""Bulletin metadata: where (province, city, county), when (period, published), who (issuer,
document number). Read from the document itself, never from the file name, and never guessed:
a field the document does not state stays "".

Output conventions
- Places are the registry's full official names (江西省, 赣州市, 瑞金市), from jionlp through
  extractor/divisions.py. A county-level city (县级市) or a district is the `county`; its
  prefecture and province come from the registry. A county directly under its province (省直辖
  县级行政区划) has city "". A county the page does not name is inferred from the townships
  and streets it names; a prefecture's own bulletin (reporting on its counties) has county ""
  and its city set. How each is decided: places.py. Otherwise city and province are filled
  only from the title, the issuer or an information grid, never from a passing mention.
- period: `2023-12` (a month), `2024Q1` (a quarter), `2024H1` (a half year), `2024` (a whole
  year), otherwise `start..end` in ISO dates (`2025-04-03..2025-04-20`, the contract's range
  form). An explicit range that covers exactly a month/quarter/half/year gets that label
  (2025年4月1日至4月30日 → `2025-04`). period_start / period_end are ISO dates.
- published: ISO date. First a date line printed in the bulletin (masthead date, signature,
  "…印发", a web page's dateline "2022/9/3 来源:…"); then an information grid's 发布日期/成文日期; then a web page's "发布时间：" line.
- issuer and doc_number are the printed text made comparable (textnorm: simplified characters,
  ASCII punctuation, no spaces): X县人民政府督查室, 行政审批局(数字化发展局), X政办发〔2024〕29号.

Where things are read
- The head: the blocks before the body starts (the first numbered heading 一、…, or the first
  paragraph that is a sentence). Title lines, masthead issuer, document number and any
  key: value lines are read there; information grids (RawTables whose cells are known keys)
  wherever they are.
- The body period is the first period named in the body that is not a comparison and whose
  year can be told (one that cannot yields to the next). A year-to-date opening (2022年1-6月)
  gives way to its last month when a later line starts with that month alone (二、6月份…).
  A week or holiday counts by the dates printed with it; named without dates, the period
  stays empty (`period_unresolved`). The title period is the first named in the head. When both exist and differ, the body wins and a
  `period_mismatch` warning records the title's label (printed) and the body's (expected).
- A period printed without a year (12月份, 一季度) takes its year from, in order: a date or
  period elsewhere in the document with the same month/quarter (截止2023年12月31日), a year in
  the title, then the published date (the most recent such period not after it; info finding
  `period_year_inferred`).

Vocabulary (issuer suffixes, grid keys, comparison words, township suffixes, zones …) is data:
schemas/metadata.yaml.
"""

from __future__ import annotations

from dataclasses import dataclass, fields

from ..model import Document
from .layout import key_values, read_doc_number, read_issuer, read_layout, read_published, spaced_lines
from .periods import period_named, read_period
from .places import read_places
from .vocab import Vocab, load_vocab

__all__ = ["Metadata", "load_vocab", "period_named", "read_metadata"]


@dataclass
class Metadata:
    province: str = ""
    city: str = ""
    county: str = ""
    period: str = ""
    period_start: str = ""
    period_end: str = ""
    published: str = ""
    issuer: str = ""
    doc_number: str = ""

    def as_dict(self) -> dict[str, str]:
        return {f.name: getattr(self, f.name) for f in fields(self)}


# ---- entry point -----------------------------------------------------------------------------


def read_metadata(doc: Document, vocab: Vocab | None = None) -> tuple[Metadata, list[dict]]:
    """Metadata of one document, and findings (dicts: check, severity, message[, printed, expected])."""
    vocab = vocab or load_vocab()
    findings: list[dict] = []
    lay = read_layout(doc, vocab)
    kv: dict[str, str] = {}
    for line in spaced_lines(doc):
        for key, value in key_values(line, vocab.issuer_keys + vocab.published_keys).items():
            kv.setdefault(key, value)

    meta = Metadata()
    meta.issuer = read_issuer(lay, kv, vocab)
    meta.published = read_published(lay, kv, vocab)
    meta.doc_number = read_doc_number(lay, vocab)
    meta.province, meta.city, meta.county = read_places(lay, meta.issuer, vocab, findings)
    meta.period, meta.period_start, meta.period_end = read_period(lay, meta.published, vocab, findings)

    missing = [k for k in ("county", "period", "published", "issuer") if not getattr(meta, k)]
    if missing:
        findings.append(
            {
                "check": "metadata_missing",
                "severity": "info",
                "message": "not stated in the document: " + ", ".join(missing),
            }
        )
    return meta, findings
