"""Read a DOCX into the document model: paragraphs and tables in body order.

python-docx opens the package (with its own XML parser: no network, no DTD, no
entity resolution) and renders paragraph text. Table grids are built from the
XML itself, because python-docx's table.cell(r, c) repeats a merged cell at every
position it covers; here each merged cell is stored once with its spans.
"""

from __future__ import annotations

import re
import zipfile
import zlib
from collections.abc import Iterator
from pathlib import Path

import docx
from docx.opc.exceptions import PackageNotFoundError
from docx.oxml.ns import qn
from docx.text.paragraph import Paragraph as DocxParagraph
from lxml import etree

from ..model import MB, Cell, Document, Paragraph, RawTable, ReadError, ReadLimits

# Sizes are checked from the ZIP's central directory before anything is inflated
# (ReadLimits). Python's zipfile stops inflating at the declared size (a member that
# lies fails its CRC check), so this bounds what python-docx can pull into memory.
_XML_PART = (".xml", ".rels")

_MAIN_PART = "word/document.xml"
_HEADING_STYLE = re.compile(r"^\s*(?:heading|标题)\s*(\d)\s*$", re.IGNORECASE)
_NO_BORDER = {"none", "nil"}
_BORDER_SIDES = ("top", "left", "start", "bottom", "right", "end", "insideH", "insideV")

W_VAL = qn("w:val")


def read_docx(path: str | Path, limits: ReadLimits | None = None) -> Document:
    """Read a .docx file into a Document (pages=None: DOCX has no fixed pages).
    Raises ReadError for files that are not DOCX, corrupt, or over the size limits."""
    path = Path(path)
    _check_package(path, limits or ReadLimits())
    try:
        package = docx.Document(str(path))
    except PackageNotFoundError as exc:
        raise ReadError(f"not a DOCX: {_one_line(exc)}") from exc
    except ValueError as exc:  # e.g. a .docm/.dotx main part content type
        raise ReadError(f"not a DOCX: {_one_line(exc)}") from exc
    except (zipfile.BadZipFile, zlib.error, EOFError, KeyError, etree.XMLSyntaxError, OSError) as exc:
        raise ReadError(f"corrupt DOCX: {_one_line(exc)}") from exc

    styles = _Styles(package)
    out = Document(source=str(path), format="docx", pages=None)
    for element in _body_items(package.element.body):
        if element.tag == qn("w:p"):
            text = DocxParagraph(element, package).text.strip()
            if text:
                out.blocks.append(Paragraph(text=text, page=None, level=styles.heading_level(element)))
        else:
            table = _read_table(element, package, styles)
            if table.cells:
                out.blocks.append(table)
    return out


def _check_package(path: Path, limits: ReadLimits) -> None:
    """Refuse non-ZIPs, ZIPs without a Word main part, and members whose declared
    uncompressed size is absurd, all from the central directory alone."""
    try:
        with zipfile.ZipFile(path) as zf:
            infos = zf.infolist()
    except zipfile.BadZipFile as exc:
        raise ReadError(f"not a DOCX: corrupt or truncated ZIP ({_one_line(exc)})") from exc
    except OSError as exc:
        raise ReadError(f"cannot open: {exc.strerror or exc}") from exc
    names = {info.filename for info in infos}
    if _MAIN_PART not in names:
        raise ReadError(f"not a DOCX: no {_MAIN_PART} in the ZIP")
    total = 0
    for info in infos:
        xml = info.filename.lower().endswith(_XML_PART)
        limit, flag = (limits.max_xml_part_mb, "--max-xml-part-mb") if xml else (limits.max_zip_member_mb, "--max-zip-member-mb")
        if info.file_size > limit * MB:
            raise ReadError(
                f"DOCX member {info.filename} inflates to {info.file_size:,} bytes, over the limit of {int(limit * MB):,} bytes ({flag})"
            )
        total += info.file_size
    if total > limits.max_zip_total_mb * MB:
        raise ReadError(f"DOCX inflates to {total:,} bytes in all, over the limit of {int(limits.max_zip_total_mb * MB):,} bytes")


def _one_line(exc: BaseException) -> str:
    return " ".join(str(exc).split()) or type(exc).__name__


def _body_items(container: etree._Element) -> Iterator[etree._Element]:
    """w:p and w:tbl children in order, looking inside block-level content controls."""
    for child in container:
        if child.tag in (qn("w:p"), qn("w:tbl")):
            yield child
        elif child.tag == qn("w:sdt"):
            content = child.find(qn("w:sdtContent"))
            if content is not None:
                yield from _body_items(content)


def _children(parent: etree._Element, tag: str) -> Iterator[etree._Element]:
    """Direct children with this tag, also those wrapped in content controls (w:sdt)."""
    for child in parent:
        if child.tag == tag:
            yield child
        elif child.tag == qn("w:sdt"):
            content = child.find(qn("w:sdtContent"))
            if content is not None:
                yield from _children(content, tag)


def _int_attr(element: etree._Element | None, default: int) -> int:
    if element is None:
        return default
    try:
        return int(element.get(W_VAL, default))
    except ValueError:
        return default


class _Styles:
    """Style lookups by styleId over styles.xml, following w:basedOn."""

    def __init__(self, package: docx.document.Document) -> None:
        self._by_id: dict[str, etree._Element] = {}
        self._default_paragraph: str | None = None
        try:
            root = package.styles.element
        except (KeyError, ValueError):  # no styles part: every lookup falls back to None
            return
        for style in root.iterchildren(qn("w:style")):
            style_id = style.get(qn("w:styleId"))
            if style_id is None:
                continue
            self._by_id[style_id] = style
            if style.get(qn("w:type")) == "paragraph" and style.get(qn("w:default")) in ("1", "true", "on"):
                self._default_paragraph = style_id

    def chain(self, style_id: str | None) -> Iterator[etree._Element]:
        """The style and its ancestors, nearest first (cycles cut)."""
        seen: set[str] = set()
        while style_id and style_id not in seen and style_id in self._by_id:
            seen.add(style_id)
            style = self._by_id[style_id]
            yield style
            based_on = style.find(qn("w:basedOn"))
            style_id = based_on.get(W_VAL) if based_on is not None else None

    def heading_level(self, p: etree._Element) -> int | None:
        """1-based heading level from the paragraph's outline level, else from its
        style's name (Heading N / 标题 N) or outline level; None for body text."""
        ppr = p.find(qn("w:pPr"))
        style_id = self._default_paragraph
        if ppr is not None:
            level = _outline_level(ppr)
            if level is not None:
                return level or None
            pstyle = ppr.find(qn("w:pStyle"))
            if pstyle is not None and pstyle.get(W_VAL):
                style_id = pstyle.get(W_VAL)
        for style in self.chain(style_id):
            name = style.find(qn("w:name"))
            match = _HEADING_STYLE.match(name.get(W_VAL, "")) if name is not None else None
            if match and int(match.group(1)) > 0:
                return int(match.group(1))
            style_ppr = style.find(qn("w:pPr"))
            level = _outline_level(style_ppr) if style_ppr is not None else None
            if level is not None:
                return level or None
        return None

    def table_borders(self, style_id: str | None) -> dict[str, bool]:
        """Border sides a table style (and its bases) declares: side -> visible."""
        sides: dict[str, bool] = {}
        for style in reversed(list(self.chain(style_id))):  # bases first, nearest style wins
            tblpr = style.find(qn("w:tblPr"))
            if tblpr is not None:
                sides.update(_border_sides(tblpr.find(qn("w:tblBorders"))))
        return sides


def _outline_level(ppr: etree._Element) -> int | None:
    """w:outlineLvl 0-8 gives heading level 1-9; 9 means body text (returned as 0)."""
    element = ppr.find(qn("w:outlineLvl"))
    if element is None:
        return None
    value = _int_attr(element, 9)
    return value + 1 if 0 <= value <= 8 else 0


def _border_sides(borders: etree._Element | None) -> dict[str, bool]:
    if borders is None:
        return {}
    return {
        side: (element.get(W_VAL, "none") not in _NO_BORDER)
        for side in _BORDER_SIDES
        if (element := borders.find(qn(f"w:{side}"))) is not None
    }


def _bordered(tbl: etree._Element, styles: _Styles) -> bool:
    """Best effort: True if the table's own borders (w:tblPr/w:tblBorders, which
    override its style's side by side), its style chain's borders, or any cell's
    w:tcBorders draw a line other than none/nil. Conditional style formatting
    (w:tblStylePr) and theme defaults are not consulted."""
    tblpr = tbl.find(qn("w:tblPr"))
    style_id = None
    own: dict[str, bool] = {}
    if tblpr is not None:
        style = tblpr.find(qn("w:tblStyle"))
        style_id = style.get(W_VAL) if style is not None else None
        own = _border_sides(tblpr.find(qn("w:tblBorders")))
    sides = styles.table_borders(style_id)
    sides.update(own)
    if any(sides.values()):
        return True
    for tc_borders in tbl.iter(qn("w:tcBorders")):
        if any(_border_sides(tc_borders).values()):
            return True
    return False


def _cell_text(tc: etree._Element, package: docx.document.Document) -> str:
    """The cell's paragraphs joined by newlines; nested tables are left out."""
    lines = []
    for p in _children(tc, qn("w:p")):
        text = DocxParagraph(p, package).text.strip()
        if text:
            lines.append(text)
    return "\n".join(lines)


def _read_table(tbl: etree._Element, package: docx.document.Document, styles: _Styles) -> RawTable:
    """Build the cell grid from w:tr/w:tc: w:gridBefore shifts a row's first cell,
    w:gridSpan is a column span, w:vMerge continue cells extend the cell above
    (one Cell with a row span), and rows short of the grid (w:gridAfter) just end."""
    cells: list[Cell] = []
    open_merges: dict[int, Cell] = {}  # start column -> cell that a vMerge continue below would extend
    for r, tr in enumerate(_children(tbl, qn("w:tr"))):
        trpr = tr.find(qn("w:trPr"))
        col = max(_int_attr(trpr.find(qn("w:gridBefore")), 0), 0) if trpr is not None else 0
        row_merges: dict[int, Cell] = {}
        previous: Cell | None = None
        for tc in _children(tr, qn("w:tc")):
            tcpr = tc.find(qn("w:tcPr"))
            span = 1
            vmerge = hmerge = None
            if tcpr is not None:
                span = max(_int_attr(tcpr.find(qn("w:gridSpan")), 1), 1)
                vmerge = tcpr.find(qn("w:vMerge"))
                hmerge = tcpr.find(qn("w:hMerge"))  # legacy horizontal merge (older writers)
            if hmerge is not None and hmerge.get(W_VAL, "continue") == "continue" and previous is not None:
                if previous.row == r:  # else the cell above already spans these columns
                    previous.col_span += span
                col += span
                continue
            above = _covering(open_merges, col)
            if vmerge is not None and vmerge.get(W_VAL, "continue") == "continue" and above is not None:
                above.row_span = r - above.row + 1
                row_merges[above.col] = above
                previous = above
                col += span
                continue
            cell = Cell(text=_cell_text(tc, package), row=r, col=col, row_span=1, col_span=span)
            cells.append(cell)
            row_merges[col] = cell
            previous = cell
            col += span
        open_merges = row_merges
    return RawTable(cells=cells, page=None, bordered=_bordered(tbl, styles), engine="python-docx")


def _covering(open_merges: dict[int, Cell], col: int) -> Cell | None:
    """The open vertical merge starting at col, or else one whose columns cover it."""
    if col in open_merges:
        return open_merges[col]
    return next((cell for cell in open_merges.values() if cell.col <= col < cell.col + cell.col_span), None)
