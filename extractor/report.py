"""Self-contained HTML audit report of one batch (an output folder or DuckDB file).

One file, no network: CSS is inline, page crops are PNG data: URIs, and a
Content-Security-Policy forbids scripts and any fetch. Per bulletin it shows the
metadata, the findings and the data tables (values pivoted back to rows × columns).
For a finding on a PDF, the offending cell is located by joining the finding to
values.csv (source, table, row, column = column_raw) for its page and bbox; the page is
rendered with pypdfium2 and cropped around the cell, which is outlined in red (its row
shaded).

Every string taken from a document goes through Jinja2's autoescape: a unit name
`<img src=x onerror=alert(1)>` is shown as text.
"""

from __future__ import annotations

import base64
import io
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from .batch import file_sha256
from .compare import read_tables

TEMPLATES = Path(__file__).resolve().parent / "templates"
SEVERITY_ORDER = {"error": 0, "warning": 1, "info": 2}
META_FIELDS = (
    "status",
    "error",
    "format",
    "pages",
    "province",
    "city",
    "county",
    "period",
    "period_start",
    "period_end",
    "published",
    "issuer",
    "doc_number",
    "sha256",
)


Box = tuple[float, float, float, float]  # x0 top x1 bottom, points from the top-left


@dataclass
class Location:
    """Where a finding stands on its PDF page, in the reader's frame (values.bbox)."""

    page: int
    cell: Box | None  # the offending cell; None when only the row is known
    row: Box | None  # union of the row's cells on that page
    value_index: object = None  # index of the matched values row (to mark it in the table)
    how: str = "cell"  # cell: column and row matched; row: only the row


@dataclass
class Crop:
    png: bytes
    page: int
    how: str

    @property
    def data_uri(self) -> str:
        return "data:image/png;base64," + base64.b64encode(self.png).decode("ascii")


@dataclass
class ReportStats:
    bulletins: int = 0
    findings: int = 0
    crops: int = 0
    missing_sources: list[str] = field(default_factory=list)


# ---------------------------------------------------------------- locating a finding


def parse_bbox(text: str) -> Box | None:
    """'x0 top x1 bottom' → floats; None when empty or malformed."""
    parts = str(text or "").split()
    if len(parts) != 4:
        return None
    try:
        box = tuple(float(p) for p in parts)
    except ValueError:
        return None
    if not all(math.isfinite(v) for v in box) or box[2] < box[0] or box[3] < box[1]:
        return None
    return box  # type: ignore[return-value]


def _union(boxes: Iterable[Box]) -> Box | None:
    boxes = list(boxes)
    if not boxes:
        return None
    return (min(b[0] for b in boxes), min(b[1] for b in boxes), max(b[2] for b in boxes), max(b[3] for b in boxes))


def match_cell(finding: pd.Series | dict, values: pd.DataFrame) -> object | None:
    """Index of the values row a finding is about, or None: same source, table and row,
    column_raw equal to the finding's column; where a header path repeats (two columns
    both named 得分), the printed text, then the metric, decide."""
    table, row, column = (str(finding.get(k, "")) for k in ("table", "row", "column"))
    if not (table and row and column):
        return None
    cells = values[
        (values["source"] == finding["source"]) & (values["table"] == table) & (values["row"] == row) & (values["column_raw"] == column)
    ]
    for key, want in (("text", finding.get("printed", "")), ("metric", finding.get("metric", ""))):
        narrowed = cells[cells[key] == str(want)] if want else cells
        if len(cells) > 1 and len(narrowed):
            cells = narrowed
    return cells.index[0] if len(cells) else None


def locate(finding: pd.Series | dict, values: pd.DataFrame) -> Location | None:
    """Page and cell box of a finding on a PDF, from values.page and values.bbox.

    The cell is found by `match_cell`. Without a column match (a damaged row, a check
    about the whole row) the row is located. None when the finding names no row or the
    row has no placed value."""
    table, row = str(finding.get("table", "")), str(finding.get("row", ""))
    if not table or not row or "bbox" not in values:
        return None
    src = values[(values["source"] == finding["source"]) & (values["table"] == table) & (values["row"] == row)]
    src = src[src["bbox"].map(parse_bbox).notna() & src["page"].astype(str).str.isdigit()]
    if src.empty:
        return None
    hit = match_cell(finding, src)
    if hit is not None:
        page = src.at[hit, "page"]
        on_page = src[src["page"] == page]
        return Location(int(page), parse_bbox(src.at[hit, "bbox"]), _union(on_page["bbox"].map(parse_bbox)), hit, "cell")
    page = src["page"].mode().iloc[0]  # a row split over a page break: where most of it is
    on_page = src[src["page"] == page]
    return Location(int(page), None, _union(on_page["bbox"].map(parse_bbox)), None, "row")


# ---------------------------------------------------------------- rendering


class PdfPages:
    """Renders pages of one PDF in the reader's frame, with a small cache."""

    def __init__(self, path: Path, scale: float = 2.0, cache: int = 3):
        import pypdfium2 as pdfium

        self.pdf = pdfium.PdfDocument(str(path))
        self.scale = scale
        self._cache: dict[int, tuple[object, float, float]] = {}
        self._cache_size = cache

    def close(self) -> None:
        self.pdf.close()

    def __enter__(self) -> PdfPages:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def render(self, page_no: int):
        """(PIL image, x scale, y scale) of a 1-based page, turned like the reader turned it."""
        if page_no in self._cache:
            return self._cache[page_no]
        page = self.pdf[page_no - 1]
        try:
            turned, width, height = _reading_frame(page)
            # pdfium applies /Rotate itself; `rotation` adds the reader's extra turn for
            # sideways content, so the bitmap is in the frame the bboxes are in
            image = page.render(scale=self.scale, rotation=turned).to_pil().convert("RGB")
        finally:
            page.close()
        entry = (image, image.width / width, image.height / height)
        if len(self._cache) >= self._cache_size:
            self._cache.pop(next(iter(self._cache)))
        self._cache[page_no] = entry
        return entry


def _reading_frame(page) -> tuple[int, float, float]:
    """Extra clockwise turn (beyond /Rotate) the PDF reader applied to this page, and the
    frame's width and height in points. The reader decides the turn from the glyph
    angles; asking it keeps the report on exactly its frame."""
    from .readers.pdf import _pdfium_glyphs  # the reader's frame is the one source of truth

    _glyphs, _text, view = _pdfium_glyphs(page)
    return (view.rot - page.get_rotation()) % 360, view.width, view.height


def crop_cell(pages: PdfPages, loc: Location, margin: tuple[float, float] = (110.0, 40.0), label: float = 130.0) -> Crop:
    """A PNG crop of the page around the located cell (red outline) and its row (shaded).

    The row label stands left of the row's first value; when the cell is far to the right
    (a wide landscape table) a strip with the label is put before the cell, after a
    dashed gap, so the crop still says whose number it is."""
    from PIL import Image, ImageDraw

    image, sx, sy = pages.render(loc.page)
    focus = loc.cell or loc.row
    assert focus is not None
    mx, my = margin
    if loc.cell is None:  # a whole row: show all of it
        mx = 20.0
    top = max(0, int((focus[1] - my) * sy))
    bottom = min(image.height, int(math.ceil((focus[3] + my) * sy)))
    x1 = min(image.width, int(math.ceil((focus[2] + mx) * sx)))
    x0 = max(0, int((focus[0] - mx) * sx))
    strip = None
    if loc.row is not None:
        label_x0 = max(0, int((loc.row[0] - label) * sx))
        if x0 - label_x0 <= (label + 2 * mx) * sx:  # near enough: one continuous crop
            x0 = min(x0, label_x0)
        else:
            strip = (label_x0, int(loc.row[0] * sx) + 2)
    page = image.convert("RGBA")
    overlay = Image.new("RGBA", page.size, (0, 0, 0, 0))
    draw = ImageDraw.Draw(overlay)
    if loc.row is not None:
        r = loc.row
        draw.rectangle([min(r[0], r[0] - label) * sx, r[1] * sy, r[2] * sx, r[3] * sy], fill=(255, 210, 0, 60))
    if loc.cell is not None:
        c = loc.cell
        draw.rectangle([c[0] * sx - 2, c[1] * sy - 2, c[2] * sx + 2, c[3] * sy + 2], outline=(220, 0, 0, 255), width=3)
    marked = Image.alpha_composite(page, overlay).convert("RGB")
    out = marked.crop((x0, top, x1, bottom))
    if strip is not None:
        gap = 14
        left = marked.crop((strip[0], top, strip[1], bottom))
        joined = Image.new("RGB", (left.width + gap + out.width, out.height), "white")
        joined.paste(left, (0, 0))
        joined.paste(out, (left.width + gap, 0))
        d = ImageDraw.Draw(joined)
        for y in range(0, joined.height, 8):  # a dashed cut: the middle of the row is left out
            d.line([(left.width + gap // 2, y), (left.width + gap // 2, y + 4)], fill=(120, 120, 120), width=2)
        out = joined
    buf = io.BytesIO()
    out.save(buf, format="PNG", optimize=True)
    return Crop(buf.getvalue(), loc.page, loc.how)


def find_source(source: str, sha256: str = "", search: Sequence[str | Path] = ()) -> tuple[Path | None, str]:
    """The input file of a bulletin: `source` as given (relative to the working
    directory), else under each folder of `search`. Returns (path, note); the path is None
    with a note when the file is missing or its content changed since the extraction."""
    candidates = [Path(source)] + [Path(d) / source for d in search] + [Path(d) / Path(source).name for d in search]
    for path in candidates:
        if path.is_file():
            if sha256 and file_sha256(path) != sha256:
                return None, f"source changed since extraction (SHA-256 differs): {path}"
            return path, ""
    return None, "source not found"


# ---------------------------------------------------------------- tables


def pivot_table(values: pd.DataFrame, marked: set = frozenset()) -> dict:
    """One printed table back as rows × columns: {'columns': [header, …], 'rows':
    [{'row': n, 'label': unit_raw, 'cells': [{'text', 'marked'}, …]}]}. Columns are the
    printed column numbers (a repeated header such as 得分 stays two columns)."""
    cols = sorted({int(c) for c in values["col"] if str(c).isdigit()})
    headers = []
    for c in cols:
        names = values.loc[values["col"] == str(c), "column_raw"]
        headers.append(names.mode().iloc[0] if len(names) else "")
    rows = []
    for r, group in sorted(values.groupby("row"), key=lambda kv: int(kv[0]) if str(kv[0]).isdigit() else 0):
        by_col = {str(c): (t, idx in marked) for idx, c, t in zip(group.index, group["col"], group["text"], strict=True)}
        label = next((u for u in group["unit_raw"] if u), "")
        cells = [{"text": by_col.get(str(c), ("", False))[0], "marked": by_col.get(str(c), ("", False))[1]} for c in cols]
        rows.append({"row": r, "label": label, "cells": cells})
    return {"columns": headers, "rows": rows}


def _prose_rows(values: pd.DataFrame) -> list[dict]:
    return [
        {"row": r["row"], "col": r["col"], "column": r["column_raw"], "metric": r["metric"], "unit": r["unit_raw"], "text": r["text"]}
        for _, r in values.iterrows()
    ]


# ---------------------------------------------------------------- report


def build_context(
    outdir: str | Path,
    *,
    source_dirs: Sequence[str | Path] = (),
    crops: bool = True,
    max_crops: int = 2000,
    title: str | None = None,
) -> tuple[dict, ReportStats]:
    """Everything the template shows, as plain data (strings stay raw: the template escapes)."""
    tables = read_tables(outdir, ("bulletins", "values", "findings"))
    bulletins, values, findings = tables["bulletins"], tables["values"], tables["findings"]
    if "bbox" not in values:
        values["bbox"] = ""  # an output written before the bbox column
    stats = ReportStats()
    out: list[dict] = []
    for i, (_, b) in enumerate(bulletins.drop_duplicates("source", keep="last").sort_values("source", kind="stable").iterrows()):
        src = b["source"]
        v = values[values["source"] == src]
        f = findings[findings["source"] == src].copy()
        f["_sev"] = f["severity"].map(SEVERITY_ORDER).fillna(3)
        f = f.sort_values(["_sev", "table", "row"], key=_natural, kind="stable")
        source_note = ""
        pages: PdfPages | None = None
        is_pdf = b.get("format") == "pdf"
        locs = {i: locate(row, v) for i, row in f.iterrows()} if is_pdf else {}
        if crops and any(loc is not None for loc in locs.values()):
            path, source_note = find_source(src, b.get("sha256", ""), source_dirs)
            if path is not None:
                try:
                    pages = PdfPages(path)
                except Exception as exc:  # a PDF the renderer rejects: the report goes on
                    source_note = f"cannot render the source: {type(exc).__name__}"
            if source_note:
                stats.missing_sources.append(src)
        marked: dict[str, set] = {}
        items = []
        try:
            for i, row in f.iterrows():
                item = {
                    k: row.get(k, "")
                    for k in ("check", "severity", "table", "row", "column", "unit_raw", "metric", "printed", "expected", "message")
                }
                item.update(where="", crop="", crop_note="")
                loc = locs.get(i)
                hit = loc.value_index if loc is not None else match_cell(row, v)
                if hit is not None:
                    marked.setdefault(row["table"], set()).add(hit)
                if loc is not None:
                    item["where"] = f"page {loc.page}" + ("" if loc.how == "cell" else " (row)")
                if pages is not None and loc is not None and stats.crops < max_crops:
                    try:
                        crop = crop_cell(pages, loc)
                        item["crop"] = crop.data_uri
                        stats.crops += 1
                    except Exception as exc:  # one bad page must not lose the report
                        item["crop_note"] = f"no crop: {type(exc).__name__}"
                items.append(item)
        finally:
            if pages is not None:
                pages.close()
        data_tables = []
        in_tables = v[v["table"] != ""]
        for t, tv in sorted(in_tables.groupby("table"), key=lambda kv: int(kv[0]) if str(kv[0]).isdigit() else 0):
            data_tables.append(
                {
                    "number": t,
                    "section": next((s for s in tv["section"] if s), "") if "section" in tv else "",
                    "pages": ", ".join(sorted({p for p in tv["page"] if p}, key=int)) if "page" in tv else "",
                    "n_findings": int((f["table"] == t).sum()),
                    **pivot_table(tv, marked.get(t, set())),
                }
            )
        counts = f["severity"].value_counts()
        out.append(
            {
                "anchor": f"b{i + 1}",
                "source": src,
                "meta": [(k, b.get(k, "")) for k in META_FIELDS if b.get(k, "") != ""],
                "county": b.get("county", ""),
                "period": b.get("period", ""),
                "status": b.get("status", ""),
                "findings": items,
                "n_errors": int(counts.get("error", 0)),
                "n_warnings": int(counts.get("warning", 0)),
                "n_info": int(counts.get("info", 0)),
                "source_note": source_note,
                "tables": data_tables,
                "prose": _prose_rows(v[v["table"] == ""]),
            }
        )
        stats.bulletins += 1
        stats.findings += len(items)
    sev = findings["severity"].value_counts()
    context = {
        "title": title or f"Audit report: {Path(outdir).name or outdir}",
        "outdir": str(outdir),
        "bulletins": out,
        "totals": {
            "bulletins": len(out),
            "statuses": sorted(bulletins["status"].value_counts().items()),
            "errors": int(sev.get("error", 0)),
            "warnings": int(sev.get("warning", 0)),
            "info": int(sev.get("info", 0)),
            "crops": stats.crops,
        },
    }
    return context, stats


def _natural(col: pd.Series) -> pd.Series:
    """Sort key: numbers as numbers (row 10 after row 9), anything else as text after them."""
    if col.name in ("table", "row"):
        return pd.to_numeric(col, errors="coerce").fillna(1e9)
    return col


def render_html(context: dict) -> str:
    """The report's HTML from its context, through the autoescaping template."""
    import jinja2

    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(TEMPLATES)),
        autoescape=True,  # every {{ }} is escaped, whatever the template's name
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    return env.get_template("report.html.j2").render(**context)


def write_report(
    outdir: str | Path,
    html_path: str | Path,
    *,
    source_dirs: Sequence[str | Path] = (),
    crops: bool = True,
    max_crops: int = 2000,
    title: str | None = None,
) -> ReportStats:
    """Write a self-contained HTML audit report of the batch in `outdir` (an output folder
    or a DuckDB file) to `html_path`.

    source_dirs: folders to look for the input files in when bulletins.source (a path as
        given to `bulletin extract`) does not resolve from the working directory.
    crops: render a crop of the PDF page around each located finding (pypdfium2).
    max_crops: stop cropping after this many (the report stays readable on huge batches).
    Returns counts, and the sources that were not found (their findings have no crop).
    """
    context, stats = build_context(outdir, source_dirs=source_dirs, crops=crops, max_crops=max_crops, title=title)
    html_path = Path(html_path)
    html_path.parent.mkdir(parents=True, exist_ok=True)
    html_path.write_text(render_html(context), encoding="utf-8")
    return stats
