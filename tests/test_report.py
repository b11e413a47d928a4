"""HTML report on a real extract of the wanzai PDF: findings, page crops, escaping, Chromium."""

from __future__ import annotations

import base64
import io
import shutil
import subprocess
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner
from lxml import html as lxml_html
from PIL import Image

from cli import main
from extractor.report import build_context, write_report

ROOT = Path(__file__).resolve().parent.parent
WANZAI = ROOT / "fixtures" / "bulletins" / "pdf" / "wanzai-2023-12.pdf"
SHARE_MESSAGE = "304/1383 = 21.98%, printed 25.32%"
CHROMIUM = Path("/usr/bin/chromium")
INJECTED = "<img src=x onerror=alert(1)>"


def _extract(pdf: Path, out: Path) -> Path:
    result = CliRunner().invoke(main, ["extract", str(pdf), "-o", str(out), "--workers", "0", "--force"])
    assert result.exit_code == 0, result.output
    return out


@pytest.fixture(scope="module")
def wanzai_out(tmp_path_factory) -> Path:
    return _extract(WANZAI, tmp_path_factory.mktemp("wanzai") / "out")


@pytest.fixture(scope="module")
def wanzai_html(wanzai_out: Path, tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("report") / "report.html"
    stats = write_report(wanzai_out, path)
    assert stats.bulletins == 1 and stats.crops > 0 and not stats.missing_sources
    return path


def _finding_div(doc, message: str):
    divs = [d for d in doc.xpath('//div[contains(@class, "finding")]') if message in d.text_content()]
    assert len(divs) == 1, f"{len(divs)} findings say {message!r}"
    return divs[0]


def _crop(div) -> Image.Image:
    (src,) = div.xpath(".//img/@src")
    assert src.startswith("data:image/png;base64,")
    return Image.open(io.BytesIO(base64.b64decode(src.split(",", 1)[1]))).convert("RGB")


def _red_box(img: Image.Image) -> tuple[int, int, int, int]:
    """Bounding box of the highlight's pure-red pixels."""
    px = img.load()
    pts = [(x, y) for y in range(img.height) for x in range(img.width) if px[x, y][0] > 200 and px[x, y][1] < 40 and px[x, y][2] < 40]
    assert pts, "no highlight in the crop"
    xs, ys = [p[0] for p in pts], [p[1] for p in pts]
    return min(xs), min(ys), max(xs), max(ys)


def test_report_shows_the_share_error_with_a_crop(wanzai_html: Path):
    doc = lxml_html.fromstring(wanzai_html.read_bytes())
    div = _finding_div(doc, SHARE_MESSAGE)
    text = div.text_content()
    assert "乡镇（街道）" in text and "printed 25.32%" in text and "expected 21.98%" in text and "page 1" in text
    crop = _crop(div)
    x0, y0, x1, y1 = _red_box(crop)
    # the 占比 cell is 96 × 16 pt at scale 2: the outline is about that size
    assert 180 < x1 - x0 < 215 and 30 < y1 - y0 < 45
    # the same cell is marked in the pivoted table, under its printed header
    marked = doc.xpath('//td[contains(@class, "mark")]')
    assert "25.32%" in [td.text_content() for td in marked]


def test_report_has_every_located_finding(wanzai_out: Path, wanzai_html: Path):
    findings = pd.read_csv(wanzai_out / "findings.csv", dtype=str, keep_default_na=False)
    dom = lxml_html.fromstring(wanzai_html.read_bytes()).text_content()
    for message in findings["message"]:
        assert message in dom
    # landscape annex page 7: 城管局's 得分 38.73 (two columns are headed 得分; the printed text decides)
    doc = lxml_html.fromstring(wanzai_html.read_bytes())
    div = _finding_div(doc, "9.23 + 30.00 = 39.23, printed 38.73")
    assert "page 7" in div.text_content()
    img = _crop(div)
    assert img.width > img.height  # a strip of a landscape table, not a sideways one


@pytest.mark.parametrize("variant", ["rotate90", "sideways"])
def test_crop_follows_the_readers_frame(variant: str, wanzai_html: Path, tmp_path: Path):
    """A page with /Rotate 90, and a page whose content is drawn sideways: the reader reads
    both upright, and the crop must show the same cell upright as in the original."""
    pikepdf = pytest.importorskip("pikepdf")
    pdf_path = tmp_path / f"wanzai-{variant}.pdf"
    with pikepdf.open(WANZAI) as pdf:
        page = pdf.pages[0]
        if variant == "rotate90":
            page.Rotate = 90
        else:
            x0, y0, x1, y1 = (float(v) for v in page.MediaBox)
            page.contents_coalesce()
            body = page.Contents.read_bytes()
            page.Contents = pdf.make_stream(b"q 0 1 -1 0 %.4f 0 cm\n" % (y1 - y0) + body + b"\nQ")
            page.MediaBox = [0, 0, y1 - y0, x1 - x0]
        pdf.save(pdf_path)
    out = _extract(pdf_path, tmp_path / "out")
    html_path = tmp_path / "r.html"
    write_report(out, html_path)
    turned = _crop(_finding_div(lxml_html.fromstring(html_path.read_bytes()), SHARE_MESSAGE))
    original = _crop(_finding_div(lxml_html.fromstring(wanzai_html.read_bytes()), SHARE_MESSAGE))
    assert abs(turned.width - original.width) <= 2 and abs(turned.height - original.height) <= 2
    a, b = _red_box(turned), _red_box(original)
    assert all(abs(p - q) <= 3 for p, q in zip(a, b, strict=True))


def test_document_strings_are_escaped(wanzai_out: Path, tmp_path: Path):
    out = tmp_path / "out"
    shutil.copytree(wanzai_out, out)
    for name, column in (("values", "unit_raw"), ("findings", "unit_raw"), ("bulletins", "issuer")):
        frame = pd.read_csv(out / f"{name}.csv", dtype=str, keep_default_na=False)
        if name == "bulletins":
            frame[column] = INJECTED
        else:
            frame.loc[frame[column] == "乡镇（街道）", column] = INJECTED
        frame.to_csv(out / f"{name}.csv", index=False)
    html_path = tmp_path / "r.html"
    write_report(out, html_path)
    text = html_path.read_text(encoding="utf-8")
    assert INJECTED not in text
    assert "&lt;img src=x onerror=alert(1)&gt;" in text
    doc = lxml_html.fromstring(text.encode())
    assert not doc.xpath("//img[@onerror]") and not doc.xpath("//script")
    assert all(src.startswith("data:image/png") for src in doc.xpath("//img/@src"))
    assert INJECTED in _finding_div(doc, SHARE_MESSAGE).text_content()  # shown as text


def test_report_is_self_contained(wanzai_html: Path):
    doc = lxml_html.fromstring(wanzai_html.read_bytes())
    assert not doc.xpath("//script | //link | //iframe | //object")
    refs = doc.xpath("//@src | //@href")
    assert refs and all(r.startswith(("data:", "#")) for r in refs)
    csp = doc.xpath('//meta[@http-equiv="Content-Security-Policy"]/@content')
    assert csp and "default-src 'none'" in csp[0]


def test_missing_source_is_noted(wanzai_out: Path, tmp_path: Path):
    out = tmp_path / "out"
    shutil.copytree(wanzai_out, out)
    for name in ("bulletins", "values", "findings"):
        frame = pd.read_csv(out / f"{name}.csv", dtype=str, keep_default_na=False)
        frame["source"] = "gone/wanzai-2023-12.pdf"
        frame.to_csv(out / f"{name}.csv", index=False)
    html_path = tmp_path / "r.html"
    stats = write_report(out, html_path)
    assert stats.crops == 0 and stats.missing_sources == ["gone/wanzai-2023-12.pdf"]
    doc = lxml_html.fromstring(html_path.read_bytes())
    assert "source not found" in doc.text_content()
    assert SHARE_MESSAGE in _finding_div(doc, SHARE_MESSAGE).text_content()
    # found again when told where to look (search folders, by the file's name)
    ctx, stats = build_context(out, source_dirs=[WANZAI.parent])
    assert stats.crops > 0 and not stats.missing_sources


@pytest.mark.chromium
@pytest.mark.skipif(not CHROMIUM.exists(), reason="/usr/bin/chromium not installed (Debian package chromium; .ci/run installs it as root)")
def test_renders_in_headless_chromium(wanzai_html: Path, tmp_path: Path):
    shot = tmp_path / "report.png"
    cmd = [
        str(CHROMIUM),
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        f"--user-data-dir={tmp_path / 'profile'}",
        "--window-size=1280,1600",
        f"--screenshot={shot}",
        "--dump-dom",
        wanzai_html.as_uri(),
    ]
    proc = subprocess.run(cmd, capture_output=True, timeout=120, check=False)
    assert proc.returncode == 0, proc.stderr.decode(errors="replace")[-2000:]
    dom = proc.stdout.decode("utf-8")
    assert SHARE_MESSAGE in dom and "城管局" in dom
    assert dom.count('class="finding ') >= 10
    assert shot.exists() and shot.stat().st_size > 10_000
    with Image.open(shot) as img:
        lo, hi = img.convert("L").getextrema()
        assert img.size[0] >= 800 and hi - lo > 100  # not a blank page


def test_docx_findings_marked_without_crop(tmp_path: Path):
    out = _extract(WANZAI.parent.parent / "docx" / "wanzai-2023-12.docx", tmp_path / "out")
    html_path = tmp_path / "r.html"
    stats = write_report(out, html_path)
    assert stats.crops == 0 and not stats.missing_sources
    doc = lxml_html.fromstring(html_path.read_bytes())
    div = _finding_div(doc, SHARE_MESSAGE)
    assert not div.xpath(".//img") and "source not found" not in doc.text_content()
    assert "25.32%" in [td.text_content() for td in doc.xpath('//td[contains(@class, "mark")]')]
