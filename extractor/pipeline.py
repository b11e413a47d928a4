"""Run the stages on one input: read → document model → tables and prose →
metadata and unit names → audit. Knows the stages, never the CLI or the output
formats. A stage that breaks on one document costs that stage's rows (and a
finding saying so), never the document or the batch."""

from __future__ import annotations

import traceback
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from functools import cache
from pathlib import Path
from typing import TypeVar

from .model import Document, ReadError, ReadLimits
from .readers import read

T = TypeVar("T")


@dataclass(frozen=True)
class Options:
    """Per-run settings that every worker needs; picklable."""

    aliases: str | None = None  # the user's aliases CSV (`extract --aliases`): beats the dictionary
    read_limits: ReadLimits = field(default_factory=ReadLimits)


@dataclass
class BulletinResult:
    """Everything one input contributes to the output tables, as contract rows."""

    bulletin: dict
    values: list[dict] = field(default_factory=list)
    findings: list[dict] = field(default_factory=list)
    units: list[dict] = field(default_factory=list)
    document: Document | None = None
    tables: list = field(default_factory=list)  # the LogicalTables (extractor.tables), for the Python API; not exported

    @property
    def status(self) -> str:
        return self.bulletin["status"]


def failed_result(path: str | Path, reason: str) -> BulletinResult:
    """The row for an input that could not be processed, with a one-line reason."""
    return BulletinResult(
        bulletin={"source": str(path), "status": "failed", "error": reason, "n_tables": 0, "n_values": 0, "n_findings": 0}
    )


def process_file(path: str | Path, options: Options | None = None) -> BulletinResult:
    """Process one file. Never raises for a bad input: the reason goes into the
    bulletin row, so a batch can go on."""
    options = options or Options()
    source = str(path)
    try:
        doc = read(path, options.read_limits)
    except ReadError as exc:
        return failed_result(source, str(exc))
    except MemoryError:
        return failed_result(source, "out of memory while reading")
    except Exception as exc:  # a reader bug must not stop the batch
        return failed_result(source, f"internal error while reading: {type(exc).__name__}: {exc}")

    bulletin = {
        "source": source,
        "status": doc.status,
        "error": _summary(doc.notes) if doc.status != "ok" else "",
        "format": doc.format,
        "pages": doc.pages,
        "n_tables": 0,
    }
    result = BulletinResult(bulletin=bulletin, document=doc)
    severity = "info" if doc.status == "ok" else "warning"
    result.findings.extend({"source": source, "check": "read", "severity": severity, "message": note} for note in doc.notes)
    if doc.status in ("ok", "partial"):
        _analyse(doc, result, options)
    bulletin["n_values"] = len(result.values)
    bulletin["n_findings"] = len(result.findings)
    return result


def _analyse(doc: Document, result: BulletinResult, options: Options) -> None:
    """Tables, prose, metadata, unit names and the audit, each stage guarded."""
    from .audit import audit
    from .metadata import Metadata, read_metadata
    from .prose import prose_values
    from .tables import build_tables
    from .values import table_values

    source, bulletin = result.bulletin["source"], result.bulletin

    def guarded(stage: str, run: Callable[[], T], fallback: T) -> T:
        try:
            return run()
        except MemoryError:
            raise
        except Exception as exc:  # a stage bug on one document: record it, keep the other stages' rows
            where = traceback.extract_tb(exc.__traceback__)[-1]
            result.findings.append(
                {
                    "source": source,
                    "check": "internal_error",
                    "severity": "error",
                    "message": f"{stage} stage failed: {type(exc).__name__}: {exc} ({Path(where.filename).name}:{where.lineno})",
                }
            )
            bulletin["status"] = "partial"
            bulletin["error"] = bulletin.get("error") or f"{stage} stage failed: {type(exc).__name__}"
            return fallback

    meta, meta_findings = guarded("metadata", lambda: read_metadata(doc), (Metadata(), []))
    for key in ("province", "city", "county", "period", "period_start", "period_end", "published", "issuer", "doc_number"):
        bulletin[key] = getattr(meta, key, "") or ""
    result.findings.extend({"source": source, **f} for f in meta_findings)

    tables = guarded("tables", lambda: build_tables(doc), [])
    result.tables = tables
    bulletin["n_tables"] = sum(1 for t in tables if t.kind == "data")
    values, table_findings = guarded("values", lambda: table_values(tables, source, meta.county, meta.period), ([], []))
    prose, prose_findings = guarded("prose", lambda: prose_values(doc, source, meta.county, meta.period), ([], []))
    result.values = values + prose
    result.findings.extend(table_findings + prose_findings)

    result.units = guarded("units", lambda: _resolve_units(result.values, meta, options), [])
    result.findings.extend(guarded("audit", lambda: audit(tables, result.values, source), []))


def _resolve_units(values: list[dict], meta, options: Options) -> list[dict]:
    """Fill `unit`/`unit_kind` of each value row whose subject is a body, and
    return one units.csv row per distinct printed name."""
    from . import divisions
    from .units import Resolver, unit_row

    when = None
    if meta.period_end:
        try:
            when = date.fromisoformat(meta.period_end)
        except ValueError:
            when = None
    townships = divisions.townships(meta.province, meta.city or None, meta.county) if meta.province and meta.county else None
    resolver = Resolver(
        county_names=[n for n in (meta.province, meta.city, meta.county) if n],
        aliases=_user_aliases(options.aliases) if options.aliases else None,
        when=when,
        townships=townships,
    )
    rows: dict[str, dict] = {}
    for value in values:
        name = value.get("unit_raw") or ""
        if not name or value.get("unit_kind"):  # totals, categories, channels: not a body
            continue
        if name not in rows:
            rows[name] = unit_row(meta.county, name, resolver.resolve(name))
        value["unit"] = rows[name]["unit"]
        value["unit_kind"] = rows[name]["unit_kind"]
    return list(rows.values())


@cache
def _user_aliases(path: str):
    """The user's aliases file, read once per worker process."""
    from .units import load_aliases

    return load_aliases(path)


def _summary(notes: list[str], limit: int = 160) -> str:
    """One line for bulletins.error; every note goes to findings.csv in full."""
    if not notes:
        return ""
    first = notes[0] if len(notes[0]) <= limit else notes[0][: limit - 1] + "…"
    more = len(notes) - 1
    return f"{first} (+{more} more in findings.csv)" if more else first
