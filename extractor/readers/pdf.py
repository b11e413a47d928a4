"""PDF reader: paragraphs and raw table grids from a PDF's text layer.

pdfium (pypdfium2) reads every page's glyphs, ruling lines and images; it is far
faster than pdfminer, so it is the first engine. The geometry (lines, ruled and
borderless grids) lives in `pdfgrid` and is engine-neutral. A page whose pdfium text
fails the CJK sanity check (`textlayer`) is re-read with pdfminer (via pdfplumber);
if neither engine decodes it, or the page is a scan, the page needs OCR: with the
`[ocr]` extra installed it is read by `extractor.ocr` into glyphs and ruling lines
that go through the same layout code; otherwise it yields no blocks and is reported.
Tables continued on the next page stay separate here, one per page.
"""

from __future__ import annotations

import ctypes
import logging
import math
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

from ..model import Cell, Document, Paragraph, RawTable, ReadError
from .pdfgrid import Box, GridTable, TextLine, aligned_tables, edge, ruled_tables, text_lines
from .textlayer import TextCheck, check_text, page_needs_ocr

# pdfminer logs every damaged xref entry; the reader reports what matters itself.
logging.getLogger("pdfminer").setLevel(logging.ERROR)

Matrix = tuple[float, float, float, float, float, float]
_IDENTITY: Matrix = (1.0, 0.0, 0.0, 1.0, 0.0, 0.0)
_UPRIGHT_TOL = 5  # degrees
_MAX_FORM_DEPTH = 8


@dataclass
class PageContent:
    """What one engine read from one page, in top-down points of the displayed page."""

    engine: str
    glyphs: list[Box]
    edges: list[dict]
    image_cover: float
    check: TextCheck
    width: float
    height: float
    text_objects: int = 0
    notes: list[str] = field(default_factory=list)


# ---------------------------------------------------------------- pdfium


def _mul(m: Matrix, n: Matrix) -> Matrix:
    """m then n."""
    a, b, c, d, e, f = m
    a2, b2, c2, d2, e2, f2 = n
    return (a * a2 + b * c2, a * b2 + b * d2, c * a2 + d * c2, c * b2 + d * d2, e * a2 + f * c2 + e2, e * b2 + f * d2 + f2)


class _View:
    """Maps PDF user space to the reading frame: origin top-left, y down, the page's
    /Rotate applied, plus `turn` (clockwise, a multiple of 90) for content drawn
    sideways on the page (a landscape table rotated onto a portrait page)."""

    def __init__(self, page: pdfium.PdfPage, turn: int = 0):
        box = pdfium_c.FS_RECTF()
        if pdfium_c.FPDF_GetPageBoundingBox(page, box):  # crop box clipped to the media box
            left, bottom, right, top = box.left, box.bottom, box.right, box.top
        else:
            left, bottom, right, top = page.get_mediabox()
        self.l, self.b, self.r, self.t = left, bottom, right, top
        self.rot = (page.get_rotation() + turn) % 360
        w, h = right - left, top - bottom
        self.width, self.height = (h, w) if self.rot in (90, 270) else (w, h)

    def pt(self, x: float, y: float) -> tuple[float, float]:
        if self.rot == 90:
            return y - self.b, x - self.l
        if self.rot == 180:
            return self.r - x, y - self.b
        if self.rot == 270:
            return self.t - y, self.r - x
        return x - self.l, self.t - y

    def box(self, x0: float, y0: float, x1: float, y1: float) -> tuple[float, float, float, float]:
        ax, ay = self.pt(x0, y0)
        bx, by = self.pt(x1, y1)
        return min(ax, bx), min(ay, by), max(ax, bx), max(ay, by)


def _pdfium_glyphs(page: pdfium.PdfPage) -> tuple[list[Box], str, _View]:
    """Glyphs (skipping pdfium's generated spaces and line breaks, which become
    `space_before` marks), the glyph text for the sanity check, and the reading
    frame: the one in which most glyphs stand upright. Glyphs at other angles
    (stamps, watermarks, vertical labels) are left out."""
    textpage = page.get_textpage()
    try:
        n = pdfium_c.FPDFText_CountChars(textpage)
        get_unicode = pdfium_c.FPDFText_GetUnicode
        is_generated = pdfium_c.FPDFText_IsGenerated
        get_angle = pdfium_c.FPDFText_GetCharAngle
        map_error = pdfium_c.FPDFText_HasUnicodeMapError
        rot = page.get_rotation() % 360
        chars: list[tuple[int, str, int | None]] = []  # index, char, clockwise angle on the displayed page
        text: list[str] = []
        turns: Counter[int] = Counter()
        space_at: set[int] = set()
        space = False
        for i in range(n):
            u = get_unicode(textpage, i)
            if is_generated(textpage, i):
                space = space or u == 0x20
                continue
            ch = chr(u) if 0 < u < 0x110000 else "\ufffd"
            # a glyph pdfium could not map counts as U+FFFD in the sanity check
            text.append("\ufffd" if map_error(textpage, i) == 1 else ch)
            if ch in " \u3000\u00a0":
                space = True
                continue
            if ch in "\r\n":
                continue
            angle = get_angle(textpage, i)  # radians, clockwise, in page space
            shown = None if angle < 0 else round(math.degrees(angle) + rot) % 360
            if shown is not None and min(shown % 90, 90 - shown % 90) <= _UPRIGHT_TOL:
                turns[round(shown / 90) % 4 * 90] += 1
            if space:
                space_at.add(i)
            space = False
            chars.append((i, ch, shown))
        turn = turns.most_common(1)[0][0] if turns else 0
        view = _View(page, -turn)
        rect = pdfium_c.FS_RECTF()
        loose_box = pdfium_c.FPDFText_GetLooseCharBox
        glyphs: list[Box] = []
        for i, ch, shown in chars:
            if shown is not None and abs((shown - turn + 180) % 360 - 180) > _UPRIGHT_TOL:
                continue
            if not loose_box(textpage, i, rect):
                continue
            x0, top, x1, bottom = view.box(rect.left, rect.bottom, rect.right, rect.top)
            glyphs.append(Box(ch, x0, top, x1, bottom, i in space_at))
        return glyphs, "".join(text), view
    finally:
        textpage.close()


def _walk(parent, form: bool, matrix: Matrix, depth: int) -> Iterator[tuple[object, int, Matrix]]:
    """Page objects, descending into form XObjects, with each object's matrix
    composed with its forms' matrices (pdfium gives them relative to the form)."""
    count = pdfium_c.FPDFFormObj_CountObjects if form else pdfium_c.FPDFPage_CountObjects
    get = pdfium_c.FPDFFormObj_GetObject if form else pdfium_c.FPDFPage_GetObject
    fs = pdfium_c.FS_MATRIX()
    for i in range(max(0, count(parent))):
        obj = get(parent, i)
        if not obj:
            continue
        kind = pdfium_c.FPDFPageObj_GetType(obj)
        m = _IDENTITY
        if kind in (pdfium_c.FPDF_PAGEOBJ_PATH, pdfium_c.FPDF_PAGEOBJ_FORM, pdfium_c.FPDF_PAGEOBJ_IMAGE) and pdfium_c.FPDFPageObj_GetMatrix(
            obj, fs
        ):
            m = (fs.a, fs.b, fs.c, fs.d, fs.e, fs.f)
        full = _mul(m, matrix)
        yield obj, kind, full
        if kind == pdfium_c.FPDF_PAGEOBJ_FORM and depth < _MAX_FORM_DEPTH:
            yield from _walk(obj, True, full, depth + 1)


def _path_edges(obj, m: Matrix, view: _View, out: list[dict]) -> None:
    """Horizontal and vertical straight pieces of a drawn path, as pdfplumber edges."""
    fill, stroke = ctypes.c_int(), ctypes.c_int()
    if not pdfium_c.FPDFPath_GetDrawMode(obj, fill, stroke):
        return
    if not stroke.value:
        if not fill.value:
            return  # invisible
        r, g, b, a = (ctypes.c_uint() for _ in range(4))
        if pdfium_c.FPDFPageObj_GetFillColor(obj, r, g, b, a) and min(r.value, g.value, b.value) >= 250:
            return  # white fill: a page background, not a rule
    a_, b_, c_, d_, e_, f_ = m
    x, y = ctypes.c_float(), ctypes.c_float()
    start = cur = None
    for i in range(pdfium_c.FPDFPath_CountSegments(obj)):
        seg = pdfium_c.FPDFPath_GetPathSegment(obj, i)
        if not pdfium_c.FPDFPathSegment_GetPoint(seg, x, y):
            continue
        p = view.pt(a_ * x.value + c_ * y.value + e_, b_ * x.value + d_ * y.value + f_)
        kind = pdfium_c.FPDFPathSegment_GetType(seg)
        if kind == pdfium_c.FPDF_SEGMENT_MOVETO:
            start = cur = p
            continue
        if kind == pdfium_c.FPDF_SEGMENT_LINETO and cur is not None:
            _add_edge(cur, p, out)
        cur = p
        if pdfium_c.FPDFPathSegment_GetClose(seg) and start is not None:
            _add_edge(p, start, out)
            cur = start


def _add_edge(p: tuple[float, float], q: tuple[float, float], out: list[dict]) -> None:
    (x0, y0), (x1, y1) = p, q
    if abs(y1 - y0) < 1 and abs(x1 - x0) >= 1:
        y = (y0 + y1) / 2
        out.append(edge(min(x0, x1), y, max(x0, x1), y, "h"))
    elif abs(x1 - x0) < 1 and abs(y1 - y0) >= 1:
        xm = (x0 + x1) / 2
        out.append(edge(xm, min(y0, y1), xm, max(y0, y1), "v"))


def _bounds(m: Matrix, view: _View) -> tuple[float, float, float, float]:
    """The displayed bbox of an image: the unit square through its matrix."""
    a, b, c, d, e, f = m
    pts = [view.pt(a * u + c * v + e, b * u + d * v + f) for u, v in ((0, 0), (1, 0), (0, 1), (1, 1))]
    xs, ys = [p[0] for p in pts], [p[1] for p in pts]
    return min(xs), min(ys), max(xs), max(ys)


def _pdfium_page(pdf: pdfium.PdfDocument, index: int) -> PageContent:
    page = pdf[index]
    try:
        glyphs, text, view = _pdfium_glyphs(page)
        edges: list[dict] = []
        image_area = 0.0
        text_objects = 0
        for obj, kind, m in _walk(page, False, _IDENTITY, 0):
            if kind == pdfium_c.FPDF_PAGEOBJ_PATH:
                _path_edges(obj, m, view, edges)
            elif kind == pdfium_c.FPDF_PAGEOBJ_IMAGE:
                x0, top, x1, bottom = _bounds(m, view)
                w = min(x1, view.width) - max(x0, 0.0)
                h = min(bottom, view.height) - max(top, 0.0)
                if w > 0 and h > 0:
                    image_area += w * h
            elif kind == pdfium_c.FPDF_PAGEOBJ_TEXT:
                text_objects += 1
        page_area = max(view.width * view.height, 1.0)
        turned = (view.rot - page.get_rotation()) % 360
        notes = [f"text drawn sideways: read turned {turned}° (bboxes in that frame)"] if turned else []
        return PageContent(
            "pdfium",
            _dedupe(glyphs),
            edges,
            min(1.0, image_area / page_area),
            check_text(text, glyph_text=True),
            view.width,
            view.height,
            text_objects,
            notes,
        )
    finally:
        page.close()


# ---------------------------------------------------------------- pdfminer (via pdfplumber)


def _pdfminer_page(plumber_pdf, index: int) -> PageContent:
    page = plumber_pdf.pages[index]
    try:
        chars = [c for c in page.chars if c.get("upright", True)]
        text = "".join(c["text"] for c in chars)
        glyphs = [Box(c["text"], c["x0"], c["top"], c["x1"], c["bottom"]) for c in chars]
        # pdfminer has no notion of generated spaces: its real space glyphs mark words
        edges = [dict(e) for e in page.edges]
        area = float(page.width * page.height) or 1.0
        img = 0.0
        for im in page.images:
            w = min(im["x1"], page.width) - max(im["x0"], 0)
            h = min(im["bottom"], page.height) - max(im["top"], 0)
            if w > 0 and h > 0:
                img += w * h
        return PageContent(
            "pdfminer",
            _dedupe(glyphs),
            edges,
            min(1.0, img / area),
            check_text(text, glyph_text=True),
            float(page.width),
            float(page.height),
            len(chars),
        )
    finally:
        page.close()


def _dedupe(glyphs: list[Box]) -> list[Box]:
    """Drop glyphs printed twice at (almost) the same spot: fake bold, shadows."""
    seen: set[tuple[str, int, int]] = set()
    out = []
    for g in glyphs:
        key = (g.text, round(g.x0), round(g.top))
        if key in seen:
            continue
        seen.add(key)
        out.append(g)
    return out


# ---------------------------------------------------------------- blocks of one page


def _paragraphs(lines: list[TextLine], page_no: int, page_width: float, breaks: list[float]) -> list[tuple[float, Paragraph]]:
    """Join printed lines into paragraphs. A line continues the previous one when it
    follows at the page's usual line spacing in the same size, the previous line ran
    to the right margin, and it starts at the left margin (or, for a wrapped
    centred title, is centred under it). Chinese paragraphs open indented. A
    paragraph never runs across a table: `breaks` are the tops of the page's tables."""
    if not lines:
        return []
    left = min(ln.x0 for ln in lines)
    # a page of short lines has no line reaching the right margin: assume margins as wide as the left one
    right = max(max(ln.x1 for ln in lines), page_width - left)
    # line spacing relative to the glyph height, so a title set larger keeps its lines together
    gaps = sorted((b.top - a.bottom) / a.height for a, b in zip(lines, lines[1:], strict=False) if b.top > a.bottom and a.height > 0)
    usual_gap = gaps[len(gaps) // 2] if gaps else 0.0
    out: list[tuple[float, Paragraph]] = []
    prev: TextLine | None = None
    for ln in lines:
        text = " ".join(s.text for s in ln.segments)
        h = ln.height
        if prev is not None:
            ph = prev.height
            tight = ln.top - prev.bottom <= max(0.8, 1.3 * usual_gap) * ph + 1
            flush = prev.x1 >= right - 5 * ph and len(prev.segments) == 1 and len(ln.segments) == 1
            at_left = ln.x0 <= left + 1.0 * h
            centred = ln.x0 > left + 2 * h and abs((ln.x0 + ln.x1) / 2 - (left + right) / 2) <= h
            centred = centred and abs((prev.x0 + prev.x1) / 2 - (left + right) / 2) <= h
            across = any(prev.bottom <= y <= ln.top for y in breaks)
            if abs(h - ph) <= 0.15 * max(h, ph) and tight and flush and (at_left or centred) and not across:
                para = out[-1][1]
                first = ln.segments[0].parts[:1]
                ascii_pair = para.text[-1:].isascii() and para.text[-1:].isalnum() and text[:1].isascii() and text[:1].isalnum()
                glue = " " if ascii_pair or (first and first[0].space_before) else ""
                para.text += glue + text
                prev = ln
                continue
        out.append((ln.top, Paragraph(text, page_no)))
        prev = ln
    return out


def _raw_table(grid_cells, page_no: int, bordered: bool, engine: str) -> RawTable:
    cells = [Cell(c.text, c.row, c.col, c.row_span, c.col_span, page_no, c.bbox, c.confidence) for c in grid_cells]
    return RawTable(cells, page=page_no, bordered=bordered, engine=engine)


def _page_blocks(content: PageContent, page_no: int) -> list[Paragraph | RawTable]:
    glyphs = content.glyphs
    placed: list[tuple[float, Paragraph | RawTable]] = []
    ruled: list[GridTable] = ruled_tables(content.edges, glyphs) if content.edges else []
    used: set[int] = set()
    for t in ruled:
        placed.append((t.bbox[1], _raw_table(t.cells, page_no, True, f"{content.engine}+lines")))
        used |= t.consumed
    rest = [g for i, g in enumerate(glyphs) if i not in used and g.text.strip()]
    lines = text_lines(rest)
    in_table: set[int] = set()
    for start, end, cells in aligned_tables(lines):
        placed.append((lines[start].top, _raw_table(cells, page_no, False, f"{content.engine}+align")))
        in_table.update(range(start, end))
    prose = [ln for k, ln in enumerate(lines) if k not in in_table]
    tops = [y for y, b in placed if isinstance(b, RawTable)]
    placed += _paragraphs(prose, page_no, content.width, tops)
    placed.sort(key=lambda p: p[0])
    return [b for _, b in placed]


# ---------------------------------------------------------------- opening


def _pdfium_reason(exc: Exception) -> str:
    code = getattr(exc, "err_code", None)
    if code == pdfium_c.FPDF_ERR_PASSWORD:
        return "password"
    if code == pdfium_c.FPDF_ERR_SECURITY:
        return "unsupported encryption"
    if code == pdfium_c.FPDF_ERR_FORMAT:
        return "pdfium: not a valid PDF (format error)"
    if code == pdfium_c.FPDF_ERR_FILE:
        return "pdfium: cannot open file"
    return f"pdfium: {exc}"


def _pdfminer_reason(exc: Exception) -> str:
    inner = exc.args[0] if exc.args and isinstance(exc.args[0], Exception) else exc
    name = type(inner).__name__
    if "Password" in name or "Encryption" in name:
        return "password"
    msg = str(inner).strip().splitlines()[0][:120] if str(inner).strip() else ""
    return f"pdfminer: {name}" + (f" ({msg})" if msg else "")


class _Miner:
    """pdfplumber/pdfminer, opened only when a page needs it (it is the slow engine)."""

    def __init__(self, path: Path):
        self.path = path
        self.pdf = None

    def get(self):
        if self.pdf is None:
            import pdfplumber

            pdf = pdfplumber.open(self.path)
            try:
                len(pdf.pages)  # pdfminer parses the page tree lazily: force it here
            except Exception:
                pdf.close()
                raise
            self.pdf = pdf
        return self.pdf

    def close(self) -> None:
        if self.pdf is not None:
            self.pdf.close()


def _tail_has_eof(path: Path) -> bool:
    with path.open("rb") as fh:
        fh.seek(0, 2)
        size = fh.tell()
        fh.seek(max(0, size - 2048))
        return b"%%EOF" in fh.read()


def _damage(path: Path) -> str:
    """'truncated' when the file has PDF objects but no end-of-file marker."""
    if path.stat().st_size == 0:
        return "empty file (0 bytes)"
    if not _tail_has_eof(path):
        with path.open("rb") as fh:
            if b"endobj" in fh.read(1 << 20):
                return "truncated PDF (no %%EOF)"
    return "corrupt PDF"


def read_pdf(path: str | Path, max_pages: int | None = None, max_ocr_pages: int | None = None) -> Document:
    """Read a PDF into paragraphs and raw tables, page by page. Pages without a
    usable text layer are OCRed when the `[ocr]` extra is installed (at most
    `max_ocr_pages` of them, default: all; 0 never OCRs), else reported as needing OCR.
    Raises ReadError for encrypted, corrupt, truncated or empty files, and for more
    than max_pages pages (checked before any page is read)."""
    path = Path(path)
    notes: list[str] = []
    try:
        pdf: pdfium.PdfDocument | None = pdfium.PdfDocument(str(path))
    except pdfium.PdfiumError as exc:
        pdf, pdfium_why = None, _pdfium_reason(exc)
    except Exception as exc:  # pragma: no cover - pdfium raises PdfiumError, but never crash
        pdf, pdfium_why = None, f"pdfium: {type(exc).__name__}"
    miner = _Miner(path)
    try:
        if pdf is None:
            if pdfium_why == "password":
                raise ReadError("password-protected PDF")
            try:
                n_pages = len(miner.get().pages)
            except Exception as exc:
                miner_why = _pdfminer_reason(exc)
                if "password" in (pdfium_why, miner_why):
                    raise ReadError("password-protected PDF") from None
                if pdfium_why == "unsupported encryption":
                    raise ReadError("encrypted PDF (unsupported security handler)") from None
                raise ReadError(f"{_damage(path)}: {pdfium_why}; {miner_why}") from None
            notes.append(f"pdfium could not open the file ({pdfium_why}); read with pdfminer")
        else:
            n_pages = len(pdf)
        if n_pages == 0:
            raise ReadError("PDF has no pages")
        if max_pages is not None and n_pages > max_pages:
            raise ReadError(f"PDF has {n_pages:,} pages, over the limit of {max_pages:,} (--max-pages)")
        if pdf is not None and not _tail_has_eof(path):
            notes.append("file does not end with %%EOF (truncated?); pdfium repaired it")
        return _read_pages(path, pdf, miner, n_pages, notes, n_pages if max_ocr_pages is None else max_ocr_pages)
    finally:
        if pdf is not None:
            pdf.close()
        miner.close()


def _ocr_page(pdf: pdfium.PdfDocument, index: int, page_no: int, reason: str, notes: list[str]) -> tuple[PageContent | None, str]:
    """The page read by OCR (the `[ocr]` extra), as a PageContent for the same layout
    code as a text layer; else None and why not (not installed, switched off, failed)."""
    from .. import ocr

    why = ocr.unavailable()
    if why:
        return None, why
    page = pdf[index]
    try:
        result = ocr.ocr_pdf_page(page)
    except Exception as exc:  # never crash on one odd page
        return None, f"OCR failed: {type(exc).__name__}: {exc}"
    finally:
        page.close()
    notes.append(f"page {page_no}: {reason}; " + "; ".join(result.notes))
    n = len(result.glyphs)
    return PageContent("ocr", result.glyphs, result.edges, 1.0, TextCheck(True, n, 0), result.width, result.height, n), ""


def _read_pages(path: Path, pdf: pdfium.PdfDocument | None, miner: _Miner, n_pages: int, notes: list[str], ocr_pages: int = 0) -> Document:
    blocks: list[Paragraph | RawTable] = []
    ocr: dict[int, str] = {}
    failed: dict[int, str] = {}
    blank: list[int] = []
    for index in range(n_pages):
        page_no = index + 1
        content: PageContent | None = None
        why_not: list[str] = []
        if pdf is not None:
            try:
                content = _pdfium_page(pdf, index)
            except Exception as exc:
                why_not.append(f"pdfium: {type(exc).__name__}: {exc}")
        # pdfium gave garbage, or nothing though the page has text objects: ask pdfminer
        if content is None or not content.check.usable or (content.check.glyphs == 0 and content.text_objects > 0):
            if content is not None and not content.check.usable:
                why_not.append(f"pdfium: {content.check.reason}")
            alt = None
            try:
                alt = _pdfminer_page(miner.get(), index)
            except Exception as exc:
                why_not.append(_pdfminer_reason(exc))
            if alt is not None and not alt.check.usable:
                why_not.append(f"pdfminer: {alt.check.reason}")
            if alt is not None and (content is None or (alt.check.usable and alt.check.glyphs > 0)):
                if pdf is not None and alt.check.usable and alt.check.glyphs > 0:
                    notes.append(f"page {page_no}: text read with pdfminer ({'; '.join(why_not) or 'pdfium found no text'})")
                content = alt
        if content is not None:
            notes += [f"page {page_no}: {n}" for n in content.notes]
        if content is None:
            failed[page_no] = "; ".join(why_not)
            continue
        if not content.check.usable:
            reason = "no engine decodes the text: " + "; ".join(why_not)
        else:
            reason = page_needs_ocr(content.check, content.image_cover)
        if reason:
            if pdf is None:
                ocr_content, why_no_ocr = None, ""
            elif ocr_pages <= 0:
                ocr_content, why_no_ocr = None, "over the OCR page limit (--max-ocr-pages)"
            else:
                ocr_content, why_no_ocr = _ocr_page(pdf, index, page_no, reason, notes)
            if ocr_content is None:
                ocr[page_no] = f"{reason}; not OCRed: {why_no_ocr}" if why_no_ocr else reason
                continue
            ocr_pages -= 1
            content = ocr_content
        if content.check.glyphs == 0:
            blank.append(page_no)
            continue
        try:
            blocks += _page_blocks(content, page_no)
        except Exception as exc:  # never crash on one odd page
            failed[page_no] = f"layout analysis failed: {type(exc).__name__}: {exc}"

    for page_no, why in sorted(ocr.items()):
        notes.append(f"page {page_no}: needs OCR: {why}")
    for page_no, why in sorted(failed.items()):
        notes.append(f"page {page_no}: could not be read: {why}")
    read_ok = n_pages - len(ocr) - len(failed) - len(blank)
    if read_ok == 0 and not failed:
        status = "needs_ocr"
        if not ocr:
            notes.append("no text on any page")
        blocks = []
    elif read_ok == 0:
        status = "failed"
    elif ocr or failed:
        status = "partial"
    else:
        status = "ok"
    if blank:
        notes.append(f"blank pages: {', '.join(map(str, blank))}")
    return Document(source=str(path), format="pdf", blocks=blocks, pages=n_pages, status=status, notes=notes)
