"""OCR for PDF pages without a usable text layer (scans, fonts without /ToUnicode).

Optional: needs the `[ocr]` extra (RapidOCR with its bundled PP-OCR Chinese models on
onnxruntime; runs offline). The page is rendered, deskewed, turned upright when it
was scanned sideways or upside down, then read into what the text-layer path gives:
positioned glyphs (one `Box` per character, with the recogniser's score) and ruling
lines as pdfplumber edge dicts, both in top-down points. The PDF reader feeds them
to the same grid code (`pdfgrid`) as a text-layer page, so ruled and borderless
tables are found the same way.

Each glyph keeps its recognition score; a cell's confidence is its lowest glyph
score. Nothing is corrected: `ocr_doubt` (in `readers.textlayer`, shared with the
table stage) only says why a value looks like a misread, so later stages warn
instead of blaming the document.

Set BULLETIN_OCR=off in the environment to never OCR (pages are reported `needs_ocr`).
"""

from __future__ import annotations

import os
import threading
from dataclasses import dataclass, field

import numpy as np

from .readers.pdfgrid import Box, edge
from .readers.textlayer import LOW_CONFIDENCE, number_doubt, ocr_doubt  # noqa: F401  (re-exported)

MIN_DPI, MAX_DPI, DEFAULT_DPI = 200, 300, 200  # render scans at their own resolution, within these bounds
MAX_SKEW = 3.0  # degrees searched for the deskew
RULE_INCH = 0.25  # a ruling line is at least this long (shorter runs are strokes of characters)
WORD_GAP = 0.6  # a gap wider than this share of the line height cuts a detected line in two
UPRIGHT_SCORE = 0.95  # a page whose median line score is lower is also read upside down, keeping the better read

_engine = None
_engine_lock = threading.Lock()


def disabled() -> bool:
    return os.environ.get("BULLETIN_OCR", "").strip().lower() in ("0", "off", "no", "false")


def unavailable() -> str | None:
    """Why OCR cannot run here, or None when it can."""
    if disabled():
        return "OCR switched off (BULLETIN_OCR=off)"
    return missing()


def missing() -> str | None:
    """Why the OCR engine cannot be imported (the `[ocr]` extra is absent), or None."""
    try:
        import onnxruntime  # noqa: F401
        import rapidocr  # noqa: F401
    except ImportError:
        return "OCR not installed (pip install 'bulletin-extractor[ocr]')"
    return None


class _Engine:
    """RapidOCR behind one call: image -> [(line text, line score, [(char, score, box), ...], line box)],
    boxes as (x0, top, x1, bottom) in pixels."""

    def __init__(self) -> None:
        from rapidocr import RapidOCR

        self.ocr = RapidOCR(params={"Global.log_level": "error"})

    def __call__(self, img: np.ndarray) -> list[tuple]:
        rgb = np.dstack([img] * 3) if img.ndim == 2 else img
        out = self.ocr(rgb, use_cls=False, return_word_box=True, return_single_char_box=True)
        if out.txts is None:
            return []
        lines = []
        for text, score, words, quad in zip(out.txts, out.scores, out.word_results, out.boxes, strict=False):
            chars = []
            for ch, s, q in words:
                xs, ys = [p[0] for p in q], [p[1] for p in q]
                chars.append((ch, float(s), (min(xs), min(ys), max(xs), max(ys))))
            box = (float(quad[:, 0].min()), float(quad[:, 1].min()), float(quad[:, 0].max()), float(quad[:, 1].max()))
            lines.append((text, float(score), chars, box))
        return lines


def _get_engine() -> _Engine:
    global _engine
    with _engine_lock:
        if _engine is None:
            _engine = _Engine()
        return _engine


# ---------------------------------------------------------------- image geometry


def _binary(grey: np.ndarray) -> np.ndarray:
    """Ink as 255 on 0 (Otsu), robust to the grey background and noise of a scan."""
    import cv2

    blur = cv2.GaussianBlur(grey, (3, 3), 0)
    _, bw = cv2.threshold(blur, 0, 255, cv2.THRESH_BINARY_INV + cv2.THRESH_OTSU)
    return bw


def level_angle(grey: np.ndarray) -> float:
    """The turn (degrees, counter-clockwise positive) that levels a skewed page, by the
    projection profile: text lines and rules give the sharpest row histogram when level."""
    import cv2

    h, w = grey.shape
    scale = min(1.0, 1000 / max(h, w))
    small = cv2.resize(_binary(grey), (max(1, int(w * scale)), max(1, int(h * scale))), interpolation=cv2.INTER_AREA)
    sh, sw = small.shape
    centre = (sw / 2, sh / 2)

    def sharpness(angle: float) -> float:
        m = cv2.getRotationMatrix2D(centre, angle, 1.0)
        rot = cv2.warpAffine(small, m, (sw, sh), flags=cv2.INTER_NEAREST, borderValue=0)
        rows = rot.sum(axis=1, dtype=np.float64)
        return float(np.square(np.diff(rows)).sum())

    best = max(np.arange(-MAX_SKEW, MAX_SKEW + 1e-9, 0.25), key=sharpness)
    fine = max(np.arange(best - 0.25, best + 0.25 + 1e-9, 0.05), key=sharpness)
    return float(fine)


def rotate(grey: np.ndarray, angle: float) -> np.ndarray:
    """Turn by `angle` degrees counter-clockwise about the centre, white fill, same size."""
    import cv2

    h, w = grey.shape
    m = cv2.getRotationMatrix2D((w / 2, h / 2), angle, 1.0)
    return cv2.warpAffine(grey, m, (w, h), flags=cv2.INTER_LINEAR, borderValue=255)


def ruling_edges(grey: np.ndarray, dpi: float, text_boxes: list[tuple[float, float, float, float]] = ()) -> list[dict]:
    """Horizontal and vertical ruling lines of a levelled page image, as pdfplumber edge
    dicts in points: long thin runs of ink kept by a morphological opening. Ink inside
    `text_boxes` (pixels, the recognised text lines) is ignored first: the aligned
    strokes of small characters (规定办) can otherwise pass for a rule."""
    import cv2

    bw = _binary(grey)
    if text_boxes:
        bw = bw.copy()
        h, w = bw.shape
        for x0, top, x1, bottom in text_boxes:
            inset = 0.2 * (bottom - top)  # the detector pads its boxes: a rule may run through the padding
            a, b = max(0, round(top + inset)), min(h, round(bottom - inset))
            c, d = max(0, round(x0 + inset)), min(w, round(x1 - inset))
            if a < b and c < d:
                bw[a:b, c:d] = 0
    length = max(10, int(RULE_INCH * dpi))
    k = 72.0 / dpi
    edges: list[dict] = []
    for orientation, kernel in (("h", (length, 1)), ("v", (1, length))):
        mask = cv2.morphologyEx(bw, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, kernel))
        # bridge one-pixel breaks left by noise or JPEG along a rule
        close = (max(3, length // 8), 1) if orientation == "h" else (1, max(3, length // 8))
        mask = cv2.morphologyEx(mask, cv2.MORPH_CLOSE, cv2.getStructuringElement(cv2.MORPH_RECT, close))
        n, _, stats, _ = cv2.connectedComponentsWithStats(mask, connectivity=8)
        for i in range(1, n):
            x, y, w, h = (int(v) for v in stats[i, :4])
            if orientation == "h" and w >= length and h <= max(6, dpi / 25):
                yc = (y + h / 2) * k
                edges.append(edge(x * k, yc, (x + w) * k, yc, "h"))
            elif orientation == "v" and h >= length and w <= max(6, dpi / 25):
                xc = (x + w / 2) * k
                edges.append(edge(xc, y * k, xc, (y + h) * k, "v"))
    return edges


# ---------------------------------------------------------------- one page


@dataclass
class OcrPage:
    glyphs: list[Box]
    edges: list[dict]
    width: float  # points
    height: float
    dpi: float
    notes: list[str] = field(default_factory=list)

    @property
    def mean_score(self) -> float:
        return sum(g.score or 0.0 for g in self.glyphs) / len(self.glyphs) if self.glyphs else 0.0


def _glyphs(lines, dpi: float) -> list[Box]:
    """Recognised text as Boxes in points: each detected line cut into runs at gaps wider
    than WORD_GAP of its height (two cells the detector took as one line), each run one
    Box. The recogniser's per-character boxes are too rough for the glyph-gap rules of
    a text layer (they would put spaces inside `97.1`), so spaces come only from the
    recogniser's own text. The detector pads a line's box above and below; trimming a
    sixth each side brings it near the glyph height the grid code measures gaps in.
    A run's score is its lowest character score."""
    k = 72.0 / dpi
    out: list[Box] = []
    for _text, _score, chars, _box in lines:
        runs: list[list[tuple[str, float, tuple[float, float, float, float]]]] = []
        for ch, s, bx in chars:
            h = bx[3] - bx[1]
            if runs and ch.strip() and bx[0] - runs[-1][-1][2][2] <= WORD_GAP * h:
                runs[-1].append((ch, s, bx))
            elif ch.strip():
                runs.append([(ch, s, bx)])
            elif runs:
                runs[-1].append((" ", s, bx))  # a space the recogniser read stays in the run
        for run in runs:
            text = "".join(ch for ch, _, _ in run).strip()
            if not text:
                continue
            x0 = min(bx[0] for _, _, bx in run)
            x1 = max(bx[2] for _, _, bx in run)
            top = min(bx[1] for _, _, bx in run)
            bottom = max(bx[3] for _, _, bx in run)
            pad = (bottom - top) / 6
            score = min(s for ch, s, _ in run if ch.strip())
            out.append(Box(text, x0 * k, (top + pad) * k, x1 * k, (bottom - pad) * k, score=score))
    return out


def _upright_candidates(lines) -> list[int]:
    """Turns (counter-clockwise degrees) worth trying when the first read looks sideways
    (most text-line boxes taller than wide) or upside down (low scores overall)."""
    tall = sum(1 for *_, (x0, top, x1, bottom) in lines if bottom - top > 1.5 * (x1 - x0))
    wide = sum(1 for *_, (x0, top, x1, bottom) in lines if x1 - x0 > 1.5 * (bottom - top))
    if tall > wide:
        return [90, 270]
    scores = [s for _t, s, *_ in lines]
    if scores and float(np.median(scores)) < UPRIGHT_SCORE:
        return [180]
    return []


def _quality(lines) -> float:
    return sum(s * len(c) for _t, s, c, _b in lines)


def ocr_image(grey: np.ndarray, dpi: float) -> OcrPage:
    """Read a greyscale page image scanned at `dpi`."""
    engine = _get_engine()
    notes: list[str] = []
    angle = level_angle(grey)
    if abs(angle) >= 0.05:
        grey = rotate(grey, angle)
        notes.append(f"levelled by turning {angle:+.2f}° (bboxes in the levelled frame)")
    lines = engine(grey)
    turned = 0
    for turn in _upright_candidates(lines):
        img = np.ascontiguousarray(np.rot90(grey, turn // 90))
        alt = engine(img)
        if _quality(alt) > 1.2 * _quality(lines):
            lines, turned, grey = alt, turn, img
    if turned:
        notes.append(f"scanned sideways or upside down: read turned {turned}° counter-clockwise")
    h, w = grey.shape
    k = 72.0 / dpi
    text_boxes = [box for *_, box in lines]
    return OcrPage(_glyphs(lines, dpi), ruling_edges(grey, dpi, text_boxes), w * k, h * k, dpi, notes)


def _native_dpi(page) -> float | None:
    """Resolution of the largest image on the page (a scan's own dpi)."""
    import pypdfium2.raw as pdfium_c

    best = None
    for obj in page.get_objects(filter=[pdfium_c.FPDF_PAGEOBJ_IMAGE], max_depth=2):
        try:
            px_w, px_h = obj.get_px_size()
            x0, y0, x1, y1 = obj.get_bounds()
        except Exception:
            continue
        w_in, h_in = abs(x1 - x0) / 72, abs(y1 - y0) / 72
        if w_in <= 0 or h_in <= 0:
            continue
        dpi = max(px_w / w_in, px_h / h_in)
        area = w_in * h_in
        if best is None or area > best[0]:
            best = (area, dpi)
    return best[1] if best else None


def ocr_pdf_page(page) -> OcrPage:
    """OCR one pypdfium2 page, in the frame of the displayed page (its /Rotate applied)."""
    native = _native_dpi(page)
    dpi = DEFAULT_DPI if native is None else min(MAX_DPI, max(MIN_DPI, native))
    bitmap = page.render(scale=dpi / 72, grayscale=True)
    grey = np.asarray(bitmap.to_pil().convert("L"))
    result = ocr_image(grey, dpi)
    result.notes.insert(0, f"read by OCR at {dpi:.0f} dpi" + (f" (scanned at {native:.0f} dpi)" if native else ""))
    return result
