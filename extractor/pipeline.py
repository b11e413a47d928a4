"""Run the stages on one input: read → document model → (tables, prose,
normalise, audit as they land). Knows the stages, never the CLI or the output formats."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from .model import Document, ReadError
from .readers import read


@dataclass
class BulletinResult:
    """Everything one input contributes to the output tables, as contract rows."""

    bulletin: dict
    values: list[dict] = field(default_factory=list)
    findings: list[dict] = field(default_factory=list)
    units: list[dict] = field(default_factory=list)
    document: Document | None = None

    @property
    def status(self) -> str:
        return self.bulletin["status"]


def failed_result(path: str | Path, reason: str) -> BulletinResult:
    """The row for an input that could not be processed, with a one-line reason."""
    return BulletinResult(
        bulletin={"source": str(path), "status": "failed", "error": reason, "n_tables": 0, "n_values": 0, "n_findings": 0}
    )


def process_file(path: str | Path) -> BulletinResult:
    """Process one file. Never raises for a bad input: the reason goes into the
    bulletin row, so a batch can go on."""
    source = str(path)
    try:
        doc = read(path)
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
        "n_tables": len(doc.tables),
    }
    result = BulletinResult(bulletin=bulletin, document=doc)
    severity = "info" if doc.status == "ok" else "warning"
    result.findings.extend({"source": source, "check": "read", "severity": severity, "message": note} for note in doc.notes)
    bulletin["n_values"] = len(result.values)
    bulletin["n_findings"] = len(result.findings)
    return result


def _summary(notes: list[str], limit: int = 160) -> str:
    """One line for bulletins.error; every note goes to findings.csv in full."""
    if not notes:
        return ""
    first = notes[0] if len(notes[0]) <= limit else notes[0][: limit - 1] + "…"
    more = len(notes) - 1
    return f"{first} (+{more} more in findings.csv)" if more else first
