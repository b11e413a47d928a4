"""Each bad input of the foundation issue: a `failed` row with a one-line reason,
the batch goes on, the exit code says something failed. Unreadable text layers
are `needs_ocr` with no values."""

import csv
from pathlib import Path

import pytest
from click.testing import CliRunner

from cli import main

FIX = Path(__file__).resolve().parent.parent / "fixtures"

EXPECTED_FAILURES = {
    "empty.pdf": "empty file (0 bytes)",
    "empty.html": "empty file (0 bytes)",
    "truncated.pdf": "truncated PDF",
    "corrupt.pdf": "corrupt PDF",
    "encrypted.pdf": "password-protected PDF",
    "really-a-doc.docx": "legacy Word .doc (OLE2) file, not DOCX",
    "notes.xyz": "unsupported file type '.xyz'",
}


def _read(path: Path) -> list[dict]:
    with path.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def test_bad_files_fail_cleanly_and_the_batch_goes_on(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BULLETIN_OCR", "off")  # with the [ocr] extra the scans would be read (tests/test_ocr.py)
    good = FIX / "bulletins" / "text" / "baishui-2024q1-gb18030.txt"  # GB18030 must be decoded, not failed
    result = CliRunner().invoke(
        main, ["extract", str(FIX / "bad"), str(FIX / "needs_ocr"), str(good), "-o", str(tmp_path), "--workers", "2"]
    )
    assert result.exit_code == 1
    rows = {Path(r["source"]).name: r for r in _read(tmp_path / "bulletins.csv")}
    for name, reason in EXPECTED_FAILURES.items():
        assert rows[name]["status"] == "failed", name
        assert reason in rows[name]["error"], (name, rows[name]["error"])
        assert "\n" not in rows[name]["error"] and len(rows[name]["error"]) < 300
    assert rows[good.name]["status"] == "ok"
    assert int(rows[good.name]["n_tables"]) == 2  # 附件1 and 附件2
    for name in ("pingjiang-2024-05-no-tounicode.pdf", "baishui-2024q1-no-tounicode.pdf", "wengyuan-2022-06-scan.pdf"):
        assert rows[name]["status"] == "needs_ocr", name
        assert rows[name]["n_tables"] == "0" and rows[name]["n_values"] == "0"
    values = _read(tmp_path / "values.csv")
    assert not [v for v in values if "needs_ocr" in v["source"]]
    findings = _read(tmp_path / "findings.csv")
    scan_notes = [f for f in findings if f["source"].endswith("wengyuan-2022-06-scan.pdf")]
    assert len(scan_notes) == 4 and all("image-only page" in f["message"] for f in scan_notes)  # one per page
