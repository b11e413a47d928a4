"""Read an HTML page into the document model: block-level text as paragraphs,
<table> elements as cell grids (rowspan/colspan placed by the HTML table
algorithm), in document order.

The page is decoded here (BOM, else valid UTF-8, else the page's declared
charset, else GB18030) and handed to lxml as UTF-8 with an explicit encoding, so
a stale <meta charset> cannot re-decode it. lxml's HTML parser is run without
network access and never loads a DTD or external entities.
"""

from __future__ import annotations

import codecs
import re
from collections.abc import Iterator
from html import escape
from html.parser import HTMLParser
from pathlib import Path

import lxml.html
from lxml import etree

from ..model import Cell, Document, Paragraph, RawTable, ReadError
from .textcodec import decode_text

# Largest HTML file read (bytes); bulletins are far smaller, mirrors of whole
# sites occasionally are not.
# Span clamps from the HTML standard's table-processing model.
MAX_COLSPAN = 1000
MAX_ROWSPAN = 65534

# Never text: scripts, styles, form controls and embedded objects; and the page's
# <head> (its <title> repeats the article heading).
_DROP = {"head", "script", "style", "noscript", "template", "select", "button", "textarea", "svg", "math", "iframe", "object"}
# Page furniture, only where the markup says so. <header>/<footer> inside an
# <article> or <main> belong to the article and are kept.
_FURNITURE = {"nav"}
_SECTION_FURNITURE = {"header", "footer"}
_BLOCK = {
    "address", "article", "aside", "blockquote", "body", "caption", "center", "dd", "details", "dialog", "div", "dl", "dt",
    "fieldset", "figcaption", "figure", "form", "h1", "h2", "h3", "h4", "h5", "h6", "header", "footer", "hr", "html", "legend",
    "li", "main", "menu", "nav", "ol", "p", "pre", "section", "summary", "table", "tbody", "td", "tfoot", "th", "thead", "tr",
    "ul", "option", "optgroup",
}  # fmt: skip
_HEADINGS = {f"h{n}": n for n in range(1, 7)}

_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.IGNORECASE)
_XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]*\?>")
_SPACE = re.compile(r"\s+")
_GB_FAMILY = {"gb2312", "gbk", "gb18030", "x-gbk", "gb_2312-80", "csgb2312", "euc-cn", "cp936", "ms936", "hz-gb-2312"}
_HIDDEN_STYLE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.IGNORECASE)
_CSS_BORDER = re.compile(r"(?<![-\w])border(?:-(?:top|right|bottom|left))?\s*:\s*([^;]+)", re.IGNORECASE)


def read_html(path: str | Path, max_bytes: int | None = None) -> Document:
    """Read an HTML file into a Document (pages=None). Raises ReadError for pages
    that cannot be decoded, are over max_bytes, or hold no text."""
    path = Path(path)
    try:
        size = path.stat().st_size
        if max_bytes is not None and size > max_bytes:
            raise ReadError(f"HTML file of {size:,} bytes is over the limit of {max_bytes:,} bytes (--max-input-mb)")
        data = path.read_bytes()
    except OSError as exc:
        raise ReadError(f"cannot open: {exc.strerror or exc}") from exc
    text, encoding = decode_html(data)
    out = Document(source=str(path), format="html", pages=None, encoding=encoding)
    root = _parse(text)
    if root is not None:
        _Flow(out.blocks).element(root)
    if not out.paragraphs and not any(cell.text for table in out.tables for cell in table.cells):
        raise ReadError("no text in HTML")
    return out


def decode_html(data: bytes) -> tuple[str, str]:
    """Return (text, encoding). A BOM wins; bytes that are valid UTF-8 are UTF-8
    (mirrors often transcode a page and keep its old <meta charset>); otherwise the
    declared charset is used, GB2312/GBK read as GB18030 (their superset);
    undeclared or undecodable pages go to decode_text's UTF-8/GB18030 guess."""
    if data.startswith((codecs.BOM_UTF8, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return decode_text(data)
    declared = declared_charset(data)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    else:
        # Pure ASCII decodes the same either way: report what the page says.
        return text, (declared if declared and text.isascii() else "utf-8")
    if declared and declared != "utf-8":
        try:
            return data.decode(declared), declared
        except UnicodeDecodeError:
            pass
    return decode_text(data)


def declared_charset(data: bytes) -> str | None:
    """The Python codec for the charset a <meta charset> or http-equiv
    Content-Type declares in the first 4 KB, or None if absent or unknown."""
    match = _CHARSET.search(data[:4096])
    if not match:
        return None
    name = match.group(1).decode("ascii").lower()
    if name in _GB_FAMILY:
        return "gb18030"
    try:
        return codecs.lookup(name).name
    except LookupError:
        return None


def _parse(text: str) -> etree._Element | None:
    # A str may not carry an XML encoding declaration for lxml; the text is decoded already.
    text = _XML_DECLARATION.sub("", text, count=1)
    if not text.strip():
        raise ReadError("no text in HTML")
    root, too_deep = _parse_markup(text)
    if too_deep:
        # libxml2 stops building the tree at its depth limit and drops everything below it, so a
        # page nested that deep would read as empty: flatten the excess nesting and parse again
        root, too_deep = _parse_markup(flatten_markup(text, FLAT_DEPTH))
        if too_deep:
            raise ReadError(
                f"HTML nested deeper than the parser's limit of {LIBXML_MAX_DEPTH} levels even with only its tables kept "
                "(tables nested in tables): cannot read it"
            )
    return root


LIBXML_MAX_DEPTH = 256  # libxml2's element depth limit without XML_PARSE_HUGE
FLAT_DEPTH = 160  # elements kept as markup when flattening; room for html/body/tbody lxml adds and for tables below


def _parse_markup(text: str) -> tuple[etree._Element | None, bool]:
    """The parsed page, and whether libxml2 hit its depth limit (and so left the rest out)."""
    parser = lxml.html.HTMLParser(
        encoding="utf-8", no_network=True, remove_comments=True, remove_pis=True, default_doctype=False, huge_tree=False
    )
    try:
        root = lxml.html.document_fromstring(text.encode("utf-8"), parser=parser)
    except etree.ParserError as exc:  # "Document is empty": markup with no elements lxml can build
        if _hit_depth_limit(parser):
            return None, True
        raise ReadError("no text in HTML") from exc
    except (etree.XMLSyntaxError, ValueError) as exc:
        if _hit_depth_limit(parser):
            return None, True
        raise ReadError(f"cannot parse HTML: {' '.join(str(exc).split())}") from exc
    return root, _hit_depth_limit(parser)


def _hit_depth_limit(parser: etree.HTMLParser) -> bool:
    return any("Excessive depth" in entry.message for entry in parser.error_log)


# Kept as markup whatever the depth: the table structure (cells must stay cells) and headings.
_STRUCTURE = {"table", "thead", "tbody", "tfoot", "tr", "td", "th", "caption", "colgroup", "col", *_HEADINGS}
_VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param", "source", "track", "wbr"}


def flatten_markup(text: str, max_depth: int) -> str:
    """The page with elements nested below `max_depth` unwrapped: their text stays where it is,
    a block element's edges become <br> (so lines still break there), and the content of scripts,
    styles and hidden elements down there is left out, as the reader would. Table structure and
    headings are always kept."""
    flattener = _Flattener(max_depth)
    flattener.feed(text)
    flattener.close()
    return "".join(flattener.out)


class _Flattener(HTMLParser):
    def __init__(self, max_depth: int) -> None:
        super().__init__(convert_charrefs=False)
        self.max_depth = max_depth
        self.out: list[str] = []
        self.stack: list[tuple[str, str]] = []  # (tag, how): kept, flat, drop (starts left-out content), inside (left out)
        self.depth = 0  # kept elements open
        self.dropping = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _VOID:
            if not self.dropping:
                self.out.append("<br>" if tag == "br" else (self.get_starttag_text() or ""))
            return
        if self.dropping:
            self.stack.append((tag, "inside"))
        elif self.depth < self.max_depth or tag in _STRUCTURE:
            self.out.append(self.get_starttag_text() or "")
            self.depth += 1
            self.stack.append((tag, "kept"))
        elif tag in _DROP or _hidden(dict(attrs)):
            self.dropping += 1
            self.stack.append((tag, "drop"))
        else:
            if tag in _BLOCK:
                self._line_break()
            self.stack.append((tag, "flat"))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if not self.dropping:
            self.out.append("<br>" if tag == "br" else (self.get_starttag_text() or ""))

    def handle_endtag(self, tag: str) -> None:
        for i in range(len(self.stack) - 1, -1, -1):
            if self.stack[i][0] == tag:
                break
        else:
            return  # a stray end tag
        while len(self.stack) > i:
            name, how = self.stack.pop()
            if how == "kept":
                self.out.append(f"</{name}>")
                self.depth -= 1
            elif how == "drop":
                self.dropping -= 1
            elif how == "flat" and name in _BLOCK:
                self._line_break()

    def _line_break(self) -> None:
        if not self.out or self.out[-1] != "<br>":  # one break for a run of block edges
            self.out.append("<br>")

    def handle_data(self, data: str) -> None:
        if not self.dropping:
            self.out.append(escape(data, quote=False) if self._in_text() else data)

    def _in_text(self) -> bool:
        # script/style content is raw text: escaping it is harmless, but keep it as written
        return not (self.stack and self.stack[-1][0] in ("script", "style"))

    def handle_entityref(self, name: str) -> None:
        if not self.dropping:
            self.out.append(f"&{name};")

    def handle_charref(self, name: str) -> None:
        if not self.dropping:
            self.out.append(f"&#{name};")

    def handle_decl(self, decl: str) -> None:
        self.out.append(f"<!{decl}>")


def _hidden(attrs: dict[str, str | None]) -> bool:
    if "hidden" in attrs or attrs.get("aria-hidden") == "true":
        return True
    return bool(_HIDDEN_STYLE.search(attrs.get("style") or ""))


def _tag(element: etree._Element) -> str | None:
    """Lower-case local tag name, or None for comments, PIs and entities."""
    tag = element.tag
    if not isinstance(tag, str):
        return None
    return tag.rsplit("}", 1)[-1].lower()


def _skipped(element: etree._Element, tag: str) -> bool:
    if tag in _DROP or tag in _FURNITURE:
        return True
    if tag in _SECTION_FURNITURE and not any(_tag(a) in ("article", "main") for a in element.iterancestors()):
        return True
    if element.get("hidden") is not None or element.get("aria-hidden") == "true":
        return True
    return bool(_HIDDEN_STYLE.search(element.get("style") or ""))


class _Lines:
    """Collects text into lines: block boundaries and <br> end a line; whitespace
    inside a line collapses to one space. A line takes the heading level of its
    first visible text."""

    def __init__(self) -> None:
        self.lines: list[tuple[str, int | None]] = []
        self._parts: list[str] = []
        self._level: int | None = None
        self._started = False

    def add(self, text: str | None, level: int | None) -> None:
        if text:
            if not self._started and not text.isspace():
                self._level, self._started = level, True
            self._parts.append(text)

    def add_pre(self, text: str | None, level: int | None) -> None:
        """Preformatted text: its newlines end lines too."""
        if text:
            first, *rest = text.split("\n")
            self.add(first, level)
            for line in rest:
                self.end()
                self.add(line, level)

    def end(self) -> None:
        text = _SPACE.sub(" ", "".join(self._parts)).strip()
        if text:
            self.lines.append((text, self._level))
        self._parts.clear()
        self._level, self._started = None, False


class _Flow:
    """Walks the page in document order, appending Paragraph and RawTable blocks."""

    def __init__(self, blocks: list) -> None:
        self.blocks = blocks
        self.lines = _Lines()

    def element(self, root: etree._Element) -> None:
        self._walk(root, level=None, pre=False)
        self._flush()

    def _flush(self) -> None:
        self.lines.end()
        self.blocks.extend(Paragraph(text=text, page=None, level=level) for text, level in self.lines.lines)
        self.lines.lines.clear()

    def _walk(self, element: etree._Element, level: int | None, pre: bool) -> None:
        tag = _tag(element)
        if tag is None or _skipped(element, tag):
            return
        if tag == "br":
            self.lines.end()
            return
        if tag == "table" and not _is_layout_table(element):
            self._flush()
            self._table(element)
            return
        block = tag in _BLOCK
        level = _HEADINGS.get(tag, level)
        pre = pre or tag in ("pre", "textarea", "listing", "plaintext")
        add = self.lines.add_pre if pre else self.lines.add
        if block:
            self.lines.end()
        add(element.text, level)
        for child in element:
            self._walk(child, level, pre)
            add(child.tail, level)
        if block:
            self.lines.end()

    def _table(self, table: etree._Element) -> None:
        """Append this table, then the tables nested in its cells, in order."""
        raw, nested = _read_table(table)
        if raw.cells:
            self.blocks.append(raw)
        for inner in nested:
            self._walk(inner, level=None, pre=False)
            self._flush()


def _rows(table: etree._Element) -> list[list[etree._Element]]:
    """The table's row groups in table order: <thead> and bare rows and <tbody>
    as they come, <tfoot> last (as the HTML table model places it)."""
    groups: list[list[etree._Element]] = []
    feet: list[list[etree._Element]] = []
    bare: list[etree._Element] | None = None
    for child in table:
        tag = _tag(child)
        if tag == "tr":
            if bare is None:
                bare = []
                groups.append(bare)
            bare.append(child)
        elif tag in ("thead", "tbody", "tfoot"):
            bare = None
            rows = [tr for tr in child if _tag(tr) == "tr"]
            (feet if tag == "tfoot" else groups).append(rows)
    return [group for group in groups + feet if group]


def _span(element: etree._Element, name: str, default: int, maximum: int) -> int:
    try:
        value = int(float((element.get(name) or "").strip().rstrip(";")))
    except ValueError:
        return default
    return min(max(value, 0), maximum)


def _read_table(table: etree._Element) -> tuple[RawTable, list[etree._Element]]:
    """Place each td/th in the next free slot of its row (the HTML table
    algorithm). rowspan="0" runs to the end of its row group, and spans are
    clamped to the group's rows and the standard's limits. Returns the table and
    the tables nested in its cells (read separately, their text left out here)."""
    cells: list[Cell] = []
    nested: list[etree._Element] = []
    busy_until: dict[int, int] = {}  # column -> first row no longer covered by a row span from above
    row_index = 0
    for group in _rows(table):
        group_end = row_index + len(group)
        for tr in group:
            col = 0
            for td in tr:
                tag = _tag(td)
                if tag not in ("td", "th") or _skipped(td, tag):
                    continue
                while busy_until.get(col, 0) > row_index:
                    col += 1
                col_span = _span(td, "colspan", 1, MAX_COLSPAN) or 1
                row_span = _span(td, "rowspan", 1, MAX_ROWSPAN)
                row_span = group_end - row_index if row_span == 0 else min(row_span, group_end - row_index)
                lines = _Lines()
                _cell_text(td, lines, nested, pre=False)
                lines.end()
                text = "\n".join(line for line, _ in lines.lines)
                cells.append(Cell(text=text, row=row_index, col=col, row_span=row_span, col_span=col_span))
                for c in range(col, col + col_span):
                    busy_until[c] = row_index + row_span
                col += col_span
            row_index += 1
    caption = next((c for c in table if _tag(c) == "caption"), None)
    caption_text = _SPACE.sub(" ", caption.text_content()).strip() if caption is not None else ""
    raw = RawTable(cells=cells, page=None, bordered=_bordered(table), engine="lxml", caption=caption_text or None)
    return raw, nested


def _cell_text(element: etree._Element, lines: _Lines, nested: list[etree._Element], pre: bool) -> None:
    """The text inside element as lines: <br> and block elements break lines;
    nested tables are collected for reading on their own, not read into the cell."""
    add = lines.add_pre if pre else lines.add
    add(element.text, None)
    for child in element:
        tag = _tag(child)
        if tag is None or _skipped(child, tag):
            pass
        elif tag == "table":
            lines.end()
            nested.append(child)
        elif tag == "br":
            lines.end()
        else:
            block = tag in _BLOCK
            if block:
                lines.end()
            _cell_text(child, lines, nested, pre or tag == "pre")
            if block:
                lines.end()
        add(child.tail, None)


def _is_layout_table(table: etree._Element) -> bool:
    """Tables marked as presentation, or single-column wrappers around block
    content (the old way of laying out a page), are read as running text."""
    if (table.get("role") or "").lower() in ("presentation", "none"):
        return True
    rows = [tr for group in _rows(table) for tr in group]
    if not rows:
        return True
    cells_per_row = [[td for td in tr if _tag(td) in ("td", "th")] for tr in rows]
    if any(len(cells) > 1 for cells in cells_per_row):
        return False
    wrapped = ("p", "div", "table", "ul", "ol", *_HEADINGS)
    return any(_tag(d) in wrapped for cells in cells_per_row for td in cells for d in td.iterdescendants())


def _bordered(table: etree._Element) -> bool | None:
    """True where the border/rules attribute or an inline CSS border on the table
    or its cells draws lines; False where they say there are none; None where the
    markup does not say (stylesheets are not consulted)."""
    evidence: list[bool] = []
    border = table.get("border")
    if border is not None:
        try:
            evidence.append(int(float(border.strip() or "1")) > 0)
        except ValueError:
            evidence.append(True)  # border="yes" and the like: browsers draw a border
    rules = (table.get("rules") or "").lower()
    if rules:
        evidence.append(rules != "none")
    for element in _styled(table):
        for value in _CSS_BORDER.findall(element.get("style") or ""):
            evidence.append(_css_border_visible(value))
    if any(evidence):
        return True
    return False if evidence else None


def _styled(table: etree._Element) -> Iterator[etree._Element]:
    yield table
    for group in _rows(table):
        for tr in group:
            for td in tr:
                if _tag(td) in ("td", "th"):
                    yield td


def _css_border_visible(value: str) -> bool:
    """A border shorthand draws a line unless its style is none/hidden or its width is zero."""
    tokens = value.lower().replace("!important", "").split()
    if not tokens or any(t in ("none", "hidden") for t in tokens):
        return False
    widths = [t for t in tokens if t[0].isdigit() or t[0] == "."]
    return not widths or any(not re.fullmatch(r"0*\.?0*[a-z%]*", t) for t in widths)
