"""Decode the bytes of text and HTML inputs. County sites still publish GB18030."""

from __future__ import annotations

from ..model import ReadError

_BOMS = (
    (b"\xef\xbb\xbf", "utf-8-sig"),
    (b"\xff\xfe", "utf-16"),
    (b"\xfe\xff", "utf-16"),
)


def decode_text(data: bytes) -> tuple[str, str]:
    """Return (text, encoding). Tries BOMs, then UTF-8, then GB18030 (a superset
    of GBK and GB2312). Raises ReadError for bytes that are neither."""
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return data.decode(encoding), encoding
    if b"\x00" in data[:4096]:
        raise ReadError("binary content (NUL bytes) in a text file")
    for encoding in ("utf-8", "gb18030"):
        try:
            return data.decode(encoding), encoding
        except UnicodeDecodeError:
            continue
    raise ReadError("text is neither UTF-8 nor GB18030")
