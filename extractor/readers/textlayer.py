"""Is a page's text layer usable? A per-page sanity check for CJK documents.

Fonts without a (correct) /ToUnicode map make text engines return `(cid:NN)`
tokens (pdfminer), control characters or U+FFFD (pdfium), Private-Use-Area code
points, or real but random-looking hanzi (glyph ids read as code points). None of
that may reach the data, so every page's text is checked before it is used; a
page that fails with every engine needs OCR, like a scan.

Pure functions on strings and numbers, so the PDF reader and the OCR router share them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

CID_TOKEN = re.compile(r"\(cid:\d+\)")

# Thresholds. Real bulletins are >99% CJK/ASCII/punctuation with no control or PUA
# characters; a few stray symbols (a Wingdings bullet in the PUA) must not fail a page.
MAX_BAD_SHARE = 0.02
MIN_GOOD_SHARE = 0.90
MIN_HANZI_FOR_FREQUENCY = 20
MIN_COMMON_HANZI_SHARE = 0.5
# An image-only page: no usable text and an image over most of the page.
SCAN_IMAGE_COVER = 0.5
# A page with an image over nearly all of it and only a few glyphs (a page number,
# a stamp's caption) is a scan too.
SCAN_FEW_GLYPHS = 20
SCAN_FULL_COVER = 0.8


_GLYPH_SPACES = frozenset(" \u00a0\u3000\u2002\u2003\u2009")


@dataclass(frozen=True)
class TextCheck:
    """The verdict on one page's text. `reason` says why it is unusable ('' when usable)."""

    usable: bool
    glyphs: int  # non-space characters, a (cid:NN) token counting as one
    bad: int  # (cid:NN), U+FFFD, PUA, control characters, engine-reported unmapped glyphs
    reason: str = ""


def _is_bad(ch: str) -> bool:
    o = ord(ch)
    return (
        o < 0x20
        or 0x7F <= o <= 0x9F  # DEL and C1 controls
        or o == 0xFFFD
        or 0xE000 <= o <= 0xF8FF  # Private Use Area
        or o >= 0xF0000  # supplementary PUA planes
    )


def _is_hanzi(o: int) -> bool:
    return 0x4E00 <= o <= 0x9FFF or 0x3400 <= o <= 0x4DBF or 0x20000 <= o <= 0x2FA1F or 0xF900 <= o <= 0xFAFF


def _is_good(ch: str) -> bool:
    o = ord(ch)
    return (
        0x20 <= o <= 0x7E  # ASCII printable
        or _is_hanzi(o)
        or 0x3000 <= o <= 0x303F  # CJK symbols and punctuation: 、。《》【】
        or 0xFF00 <= o <= 0xFFEF  # full-width forms: ，（）：；％
        or 0x2000 <= o <= 0x206F  # general punctuation: “” ‘’ — …
        or 0x2460 <= o <= 0x24FF  # enclosed numbers ①
        or 0x2160 <= o <= 0x217F  # Roman numerals Ⅰ
        or 0x00B0 <= o <= 0x00B7  # ° ± · ²
        or o in (0x00D7, 0x00F7, 0x2192, 0x2191, 0x2193, 0x221A, 0x2264, 0x2265, 0x25A0, 0x25A1, 0x25CF, 0x25CB, 0x2605, 0x2606)
    )


def _is_common_hanzi(ch: str) -> bool:
    """In GB2312 (the 6,763 hanzi of everyday simplified text) or in Big5's frequent set.
    Glyph ids misread as code points land mostly on rare hanzi instead."""
    try:
        b = ch.encode("gb2312")
        return b[0] >= 0xB0
    except UnicodeEncodeError:
        pass
    try:
        b = ch.encode("big5")
        return 0xA4 <= b[0] <= 0xC6
    except UnicodeEncodeError:
        return False


def check_text(text: str, unmapped: int = 0, glyph_text: bool = False) -> TextCheck:
    """Decide whether `text` (one page as an engine returned it) is real text.

    `unmapped` adds glyphs the engine itself reported as lacking a Unicode mapping
    (pdfium's FPDFText_HasUnicodeMapError). With `glyph_text`, `text` is the page's
    glyphs, one character each, so a glyph decoded as a tab or newline is garbage,
    not layout. A page without glyphs is 'usable' with glyphs == 0: whether it is
    blank or a scan is for `page_needs_ocr` to decide.
    """
    cids = len(CID_TOKEN.findall(text))
    if cids:
        text = CID_TOKEN.sub("", text)
    if glyph_text:
        chars = [ch for ch in text if ch not in _GLYPH_SPACES]
    else:
        # str.isspace() is True for C0 controls \x1c-\x1f: they count as glyphs, and as bad.
        chars = [ch for ch in text if not ch.isspace() or ch in "\x0b\x0c\x1c\x1d\x1e\x1f"]
    glyphs = len(chars) + cids
    if glyphs == 0:
        return TextCheck(True, 0, 0)
    bad = cids + sum(1 for ch in chars if _is_bad(ch)) + unmapped
    good = sum(1 for ch in chars if _is_good(ch))
    if bad / glyphs > MAX_BAD_SHARE:
        kinds = []
        if cids:
            kinds.append(f"{cids} (cid:NN)")
        if unmapped:
            kinds.append(f"{unmapped} unmapped")
        n_other = bad - cids - unmapped
        if n_other:
            kinds.append(f"{n_other} control/PUA/U+FFFD")
        return TextCheck(False, glyphs, bad, f"undecodable text: {', '.join(kinds)} of {glyphs} glyphs")
    if good / glyphs < MIN_GOOD_SHARE:
        return TextCheck(False, glyphs, bad, f"only {good}/{glyphs} glyphs are CJK/ASCII/punctuation")
    hanzi = [ch for ch in chars if _is_hanzi(ord(ch))]
    if len(hanzi) >= MIN_HANZI_FOR_FREQUENCY:
        common = sum(1 for ch in hanzi if _is_common_hanzi(ch))
        if common / len(hanzi) < MIN_COMMON_HANZI_SHARE:
            return TextCheck(False, glyphs, bad, f"implausible hanzi: only {common}/{len(hanzi)} are common characters")
    return TextCheck(True, glyphs, bad)


def page_needs_ocr(check: TextCheck, image_cover: float) -> str | None:
    """Why a page must be OCRed, or None. `image_cover` is the share (0..1) of the
    page area covered by raster images; `check` is the best text any engine gave."""
    if not check.usable:
        return check.reason
    if check.glyphs == 0 and image_cover >= SCAN_IMAGE_COVER:
        return "image-only page (no text layer)"
    if check.glyphs < SCAN_FEW_GLYPHS and image_cover >= SCAN_FULL_COVER:
        return f"scanned page (an image covers {image_cover:.0%} of it, only {check.glyphs} glyphs of text)"
    return None


# ---------------------------------------------------------------- OCR: doubts about a read value

# Below this recognition score an OCR'd cell is a likely misread: warn, never trust silently.
LOW_CONFIDENCE = 0.90

_DIGITISH = re.compile(r"^[\s\d.,，。%％+\-−OoIlSBZ|/]+$")
_LOOKALIKE = re.compile(r"[OoIlSBZ|]")


def number_doubt(text: str) -> str | None:
    """Why an OCR'd cell that should hold a number looks misread, or None: letters that
    look like digits among digits (`8O`, `o0`, `l5`), a percent sign not at the end
    (`%0`), two decimal points, a leading or trailing point. Says why; corrects nothing."""
    t = "".join(text.split())
    if not t or not any(ch.isdigit() for ch in t):
        return None
    if _DIGITISH.match(t) and _LOOKALIKE.search(t):
        return f"letters among digits in {text!r}"
    if re.search(r"[%％].", t):
        return f"percent sign inside the number {text!r}"
    if t.count(".") > 1:
        return f"more than one decimal point in {text!r}"
    if t.startswith(".") or t.endswith(".") or ".%" in t:
        return f"decimal point without digits on one side in {text!r}"
    if re.search(r"\d[^\d.,%％\-−]+\d", t) and not re.search(r"[\u4e00-\u9fff]", t):
        return f"stray characters among digits in {text!r}"
    return None


_NUMBERISH_RUN = re.compile(r"[0-9OoIlSBZ|.,%％]+")


def label_doubt(text: str) -> str | None:
    """Why a unit name or column header read by OCR looks misread, or None: a number
    inside it breaks the digit checks (`（10.分）`, `（1O分）`). Words are not judged."""
    for run in _NUMBERISH_RUN.findall(text):
        if any(ch.isdigit() for ch in run):
            why = number_doubt(run)
            if why:
                return why
    return None


def ocr_doubt(text: str, confidence: float | None) -> str | None:
    """The warning message for an OCR'd value, or None when it reads cleanly."""
    if confidence is None:
        return None
    why = number_doubt(text)
    if why:
        return f"OCR: {why}"
    if confidence < LOW_CONFIDENCE:
        return f"OCR: low recognition score {confidence:.2f} for {text!r}"
    return None
