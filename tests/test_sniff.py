"""Format detection and the one-line reasons for inputs we cannot read."""

from pathlib import Path

import pytest

from extractor.model import ReadError
from extractor.readers import read, sniff_format

OLE_HEADER = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504


@pytest.mark.parametrize(
    ("name", "head", "fmt"),
    [
        ("a.pdf", b"%PDF-1.7\n", "pdf"),
        ("a.PDF", b"%PDF-1.4\n", "pdf"),
        ("scan.bin.pdf", b"\n\n%PDF-1.4", "pdf"),  # junk before the header is tolerated, as PDF readers do
        ("a.docx", b"PK\x03\x04rest", "docx"),
        ("a.html", b"<html>", "html"),
        ("a.HTM", b"<p>x</p>", "html"),
        ("a.txt", "一、基本情况".encode(), "text"),
    ],
)
def test_sniff_accepts(name: str, head: bytes, fmt: str) -> None:
    assert sniff_format(Path(name), head) == fmt


@pytest.mark.parametrize(
    ("name", "head", "reason"),
    [
        ("a.pdf", b"", "empty file"),
        ("a.pdf", b"<html>not a pdf", "not a PDF"),
        ("a.docx", OLE_HEADER, "legacy Word .doc"),
        ("a.doc", OLE_HEADER, "legacy Word .doc"),
        ("a.docx", b"plain text", "not a DOCX"),
        ("notes.xyz", b"hello", "unsupported file type '.xyz'"),
        ("README", b"hello", "unsupported file type '(no suffix)'"),
        ("a.txt", b"PK\x03\x04", "ZIP archive"),
    ],
)
def test_sniff_rejects_with_reason(name: str, head: bytes, reason: str) -> None:
    with pytest.raises(ReadError, match=reason.replace("(", r"\(").replace(")", r"\)").replace(".", r"\.")):
        sniff_format(Path(name), head)


def test_missing_file_is_a_read_error(tmp_path: Path) -> None:
    with pytest.raises(ReadError, match="cannot open"):
        read(tmp_path / "nope.pdf")
