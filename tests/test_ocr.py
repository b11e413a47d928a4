"""OCR of scanned pages (the `[ocr]` extra): routing, the shared grid code, confidence.

The OCR tests read one small scanned page (白水 附件1, 150 dpi, turned 1°, with noise:
fixtures/scans/small-*.pdf, made by fixtures/scans/make_scans.py) and compare its values
with the source fixture's hand-checked triples. They are skipped, saying why, when the
extra is not installed. The image geometry and the doubt rules need only OpenCV
(installed with camelot) and run everywhere.
"""

from __future__ import annotations

import json
import sys
from collections import Counter
from pathlib import Path

import numpy as np
import pytest

from extractor import ocr
from extractor.model import ReadLimits
from extractor.readers import read
from extractor.readers.textlayer import label_doubt, number_doubt, ocr_doubt
from extractor.tables import build_tables
from extractor.values import table_values

ROOT = Path(__file__).resolve().parent.parent
SCANS = ROOT / "fixtures" / "scans"
SMALL = next(e for e in json.loads((SCANS / "scans.json").read_text(encoding="utf-8")) if e.get("small"))
sys.path.insert(0, str(ROOT / "bench"))
from accuracy import load_expected, triple  # noqa: E402

needs_ocr_extra = pytest.mark.skipif(ocr.missing() is not None, reason=f"{ocr.missing()}: the [ocr] extra is not installed")


@pytest.fixture(scope="module")
def small_doc(request):
    if ocr.missing() is not None:
        pytest.skip(f"{ocr.missing()}: the [ocr] extra is not installed")
    mp = pytest.MonkeyPatch()
    mp.delenv("BULLETIN_OCR", raising=False)  # the suite may switch OCR off for other tests
    request.addfinalizer(mp.undo)
    return read(SCANS / SMALL["file"])


@pytest.mark.ocr
@needs_ocr_extra
def test_small_scan_is_read_by_ocr_into_the_fixture_values(small_doc) -> None:
    doc = small_doc
    assert doc.status == "ok"
    assert any("image-only page" in n and "read by OCR at 200 dpi (scanned at 150 dpi)" in n for n in doc.notes), doc.notes
    assert any("levelled by turning +1.0" in n for n in doc.notes), doc.notes  # the scan was turned -1°
    [table] = doc.tables
    assert table.engine == "ocr+lines" and table.bordered  # ruling lines found in the image
    assert all(c.confidence is not None and 0 <= c.confidence <= 1 for c in table.cells if c.text)
    rows = table.row_texts()
    assert rows[0][0] == "办理部门" and rows[-1][0] == "总计"

    values, findings = table_values(build_tables(doc), str(SCANS / SMALL["file"]))
    found = Counter(triple(v["unit_raw"], v["column_raw"], v["text"]) for v in values)
    expected = load_expected(SMALL["slug"], "pdf")[1]  # 附件1, hand-checked against the seed
    assert sum(expected.values()) == 40
    assert sum((found & expected).values()) >= 38  # at most two misreads or losses on a noisy 150-dpi page
    assert found[("城关街道办", "承办工单量", "81")] == 1
    assert found[("林皋镇", "综合得分", "96.5")] == 1
    assert found[("总计", "承办工单量", "389")] == 1
    assert all(isinstance(v["confidence"], float) for v in values)
    # every value the scan gives wrongly carries an OCR warning, never an error about the bulletin
    warned = {(f["row"], f["column"]) for f in findings if f["check"] == "ocr_low_confidence"}
    assert all(f["severity"] == "warning" for f in findings if f["check"] == "ocr_low_confidence")
    left = Counter(expected)
    for v in values:
        t = triple(v["unit_raw"], v["column_raw"], v["text"])
        if left[t] > 0:
            left[t] -= 1
        else:
            assert (v["row"], v["column_raw"]) in warned, v


@pytest.mark.ocr
@needs_ocr_extra
def test_a_page_scanned_upside_down_is_read_upright() -> None:
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument(str(SCANS / SMALL["file"]))
    try:
        grey = np.asarray(pdf[0].render(scale=200 / 72, grayscale=True).to_pil().convert("L"))
    finally:
        pdf.close()
    page = ocr.ocr_image(np.ascontiguousarray(np.rot90(grey, 2)), 200)
    assert any("read turned 180°" in n for n in page.notes), page.notes
    text = "".join(b.text for b in page.glyphs)
    assert "第一季度各镇办工单办理情况" in text and "城关街道办" in text


@pytest.mark.ocr
@needs_ocr_extra
def test_ocr_switched_off_reports_needs_ocr(monkeypatch) -> None:
    monkeypatch.setenv("BULLETIN_OCR", "off")
    doc = read(SCANS / SMALL["file"])
    assert doc.status == "needs_ocr" and not doc.blocks
    assert any("image-only page" in n for n in doc.notes)


@pytest.mark.ocr
@needs_ocr_extra
def test_ocr_page_limit_reports_the_rest_as_needs_ocr(monkeypatch) -> None:
    monkeypatch.delenv("BULLETIN_OCR", raising=False)
    doc = read(SCANS / SMALL["file"], ReadLimits(max_ocr_pages=0))
    assert doc.status == "needs_ocr" and not doc.blocks
    assert any("not OCRed: over the OCR page limit (--max-ocr-pages)" in n for n in doc.notes), doc.notes


def test_without_ocr_a_scan_needs_ocr_and_says_why(monkeypatch) -> None:
    monkeypatch.setenv("BULLETIN_OCR", "off")
    doc = read(ROOT / "fixtures" / "needs_ocr" / "wengyuan-2022-06-scan.pdf")
    assert doc.status == "needs_ocr"
    assert len(doc.notes) == 4  # one per page, saying why it was not OCRed
    assert all("image-only page (no text layer); not OCRed: OCR switched off (BULLETIN_OCR=off)" in n for n in doc.notes), doc.notes


def test_text_layer_cells_carry_no_confidence() -> None:
    doc = read(ROOT / "fixtures" / "bulletins" / "pdf" / "baishui-2024q1.pdf")
    assert doc.tables and all(c.confidence is None for t in doc.tables for c in t.cells)
    values, findings = table_values(build_tables(doc), "x")
    assert all(v["confidence"] is None for v in values)
    assert not [f for f in findings if f["check"] == "ocr_low_confidence"]


def test_level_angle_undoes_a_one_degree_turn() -> None:
    cv2 = pytest.importorskip("cv2")
    img = np.full((900, 1200), 255, np.uint8)
    for y in range(100, 800, 50):  # a ruled grid with some text-like blocks
        cv2.line(img, (100, y), (1100, y), 0, 2)
        cv2.rectangle(img, (150, y + 15), (400, y + 35), 0, -1)
    for x in (100, 500, 1100):
        cv2.line(img, (x, 100), (x, 750), 0, 2)
    skewed = ocr.rotate(img, -1.0)
    assert ocr.level_angle(skewed) == pytest.approx(1.0, abs=0.1)
    edges = ocr.ruling_edges(ocr.rotate(skewed, ocr.level_angle(skewed)), dpi=200)
    assert sum(e["orientation"] == "h" for e in edges) == 14 and sum(e["orientation"] == "v" for e in edges) == 3


@pytest.mark.parametrize(
    ("text", "doubt"),
    [
        ("87.20%", False),
        ("89. 52%", False),
        ("100", False),
        ("-3", False),
        ("8O", True),
        ("o0", True),
        ("%0", True),
        ("1l5", True),
        ("8.", True),
        ("1.2.3", True),
        ("优秀", False),
        ("A", False),
    ],
)
def test_number_doubt_flags_misreads_and_corrects_nothing(text: str, doubt: bool) -> None:
    assert (number_doubt(text) is not None) is doubt
    # a text-layer value (no confidence) is never doubted; a clean OCR value with a high score neither
    assert ocr_doubt(text, None) is None
    assert (ocr_doubt(text, 0.99) is not None) is doubt
    assert ocr_doubt("87.20%", 0.5) is not None


def test_label_doubt_judges_only_the_numbers_in_a_header_or_unit_name() -> None:
    assert label_doubt("满意度情况（10.分）")  # a speck read as a decimal point
    assert label_doubt("得分（1O分）")
    for fine in ("满意度情况（10分）", "提前率\n（10分）", "按期办结率情况（40分） / 提前率（10分）", "国家税务总局 白水县税务局", "A类"):
        assert label_doubt(fine) is None, fine
