"""One reader per format, each returning a Document. `read` picks the reader
from the file's content, using the extension only to tell text from HTML."""

from __future__ import annotations

import zipfile
from pathlib import Path

from ..model import MB, Document, ReadError, ReadLimits

TEXT_SUFFIXES = {".txt", ".text", ".md"}
HTML_SUFFIXES = {".html", ".htm", ".xhtml", ".shtml"}
PDF_SUFFIXES = {".pdf"}
DOCX_SUFFIXES = {".docx"}
SUPPORTED_SUFFIXES = TEXT_SUFFIXES | HTML_SUFFIXES | PDF_SUFFIXES | DOCX_SUFFIXES

_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def sniff_format(path: Path, head: bytes) -> str:
    """Name the format of a file from its first bytes and its suffix.
    Raises ReadError with a one-line reason for anything we cannot read."""
    suffix = path.suffix.lower()
    if not head:
        raise ReadError("empty file (0 bytes)")
    if head.startswith(b"%PDF-") or (suffix in PDF_SUFFIXES and b"%PDF-" in head[:1024]):
        return "pdf"
    if suffix in PDF_SUFFIXES:
        raise ReadError("not a PDF: no %PDF- header")
    if head.startswith(_OLE_MAGIC):
        raise ReadError("legacy Word .doc (OLE2) file, not DOCX: convert it to .docx first")
    if head.startswith(b"PK\x03\x04"):
        if suffix in DOCX_SUFFIXES or suffix not in SUPPORTED_SUFFIXES:
            return "docx"
        raise ReadError(f"ZIP archive with suffix {suffix!r}")
    if suffix in DOCX_SUFFIXES:
        raise ReadError("not a DOCX: no ZIP header")
    if suffix in HTML_SUFFIXES:
        return "html"
    if suffix in TEXT_SUFFIXES:
        return "text"
    raise ReadError(f"unsupported file type {suffix or '(no suffix)'!r}")


def read(path: str | Path, limits: ReadLimits | None = None) -> Document:
    """Read one file into the document model, or raise ReadError (also when the
    file goes over one of `limits`; the message names the limit)."""
    limits = limits or ReadLimits()
    doc = _read(Path(path), limits)
    cells = sum(len(table.cells) for table in doc.tables)
    if cells > limits.max_cells:
        raise ReadError(f"{cells:,} table cells, over the limit of {limits.max_cells:,} (--max-cells)")
    return doc


def _read(path: Path, limits: ReadLimits) -> Document:
    try:
        with path.open("rb") as fh:
            head = fh.read(4096)
    except OSError as exc:
        raise ReadError(f"cannot open: {exc.strerror or exc}") from exc
    fmt = sniff_format(path, head)
    if fmt == "pdf":
        from .pdf import read_pdf

        return read_pdf(path, max_pages=limits.max_pages, max_ocr_pages=limits.max_ocr_pages)
    if fmt == "docx":
        if not zipfile.is_zipfile(path):
            raise ReadError("corrupt or truncated ZIP container")
        from .docx import read_docx

        return read_docx(path, limits)
    if fmt == "html":
        from .html import read_html

        return read_html(path, max_bytes=int(limits.max_input_mb * MB))
    from .text import read_text

    return read_text(path, max_bytes=int(limits.max_input_mb * MB))
