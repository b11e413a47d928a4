"""Page geometry to table grids: engine-neutral, pure functions on positioned text.

Input is what any engine can give: positioned glyphs or text boxes (`Box`, in
top-down PDF points) and ruling-line edges as pdfplumber edge dicts. pdfium, pdfminer
and OCR output all fit, so the borderless (word-alignment) path here is the one the
OCR stage reuses.

- `group_lines` / `split_segments`: glyphs -> printed lines -> runs of text separated
  by a column-sized gap.
- `ruled_tables`: pdfplumber's table pipeline (merge edges -> intersections -> cells
  -> tables) on the given edges, then a grid from the distinct cell boundaries, so a
  merged cell is ONE cell with row_span/col_span.
- `aligned_tables`: tables without ruling lines, found from runs of lines with
  several column-aligned segments.
"""

from __future__ import annotations

import bisect
import statistics
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from pdfplumber.table import cells_to_tables, edges_to_intersections, merge_edges

BBox = tuple[float, float, float, float]

# Relative to a line's median glyph height.
SPACE_GAP = 0.25  # a gap wider than this between glyphs is a space
COLUMN_GAP = 0.75  # ...and wider than this separates two cells of a borderless table
LINE_TOL = 0.5  # glyphs whose vertical centres differ by less than this share a line

EDGE_TOL = 3.0  # pdfplumber's default snap/join/intersection tolerance, in points


@dataclass(slots=True)
class Box:
    """A positioned piece of text: a glyph, a run of glyphs, or an OCR text box."""

    text: str
    x0: float
    top: float
    x1: float
    bottom: float
    space_before: bool = False  # the engine saw a word break before this glyph
    parts: tuple[Box, ...] = ()  # the glyphs a run was built from (for re-splitting)
    score: float | None = None  # OCR recognition score (0..1); None for a text layer

    @property
    def height(self) -> float:
        return self.bottom - self.top

    @property
    def cx(self) -> float:
        return (self.x0 + self.x1) / 2

    @property
    def cy(self) -> float:
        return (self.top + self.bottom) / 2


@dataclass
class GridCell:
    text: str
    row: int
    col: int
    row_span: int
    col_span: int
    bbox: BBox
    confidence: float | None = None  # lowest OCR score of its glyphs; None for a text layer


@dataclass
class GridTable:
    cells: list[GridCell]
    bbox: BBox
    bordered: bool
    consumed: set[int] = field(default_factory=set)  # ids (index in the input) of glyphs used


def edge(x0: float, top: float, x1: float, bottom: float, orientation: str) -> dict:
    """A ruling line as a pdfplumber edge dict (what `ruled_tables` takes), from any
    engine: a PDF path, or a line found in a page image."""
    return {
        "x0": x0,
        "x1": x1,
        "top": top,
        "bottom": bottom,
        "doctop": top,
        "width": x1 - x0,
        "height": bottom - top,
        "orientation": orientation,
        "object_type": "line",
    }


# ---------------------------------------------------------------- lines and runs


def _median_height(boxes: Iterable[Box]) -> float:
    hs = [b.height for b in boxes if b.height > 0]
    return statistics.median(hs) if hs else 10.0


def group_lines(boxes: Sequence[Box]) -> list[list[Box]]:
    """Printed lines, top to bottom, each left to right. A box joins a line when
    its vertical centre is within LINE_TOL of a glyph height from the line's."""
    lines: list[list[Box]] = []
    centre = height = 0.0
    for b in sorted(boxes, key=lambda b: b.cy):
        h = b.height if b.height > 0 else height
        if lines and abs(b.cy - centre) <= LINE_TOL * min(h, height):
            line = lines[-1]
            line.append(b)
            centre += (b.cy - centre) / len(line)
        else:
            lines.append([b])
            centre, height = b.cy, h or 10.0
    for line in lines:
        line.sort(key=lambda b: b.x0)
    return lines


def join_text(boxes: Sequence[Box], space_gap: float | None = None) -> str:
    """The text of boxes on one line, left to right, with a space where the engine
    marked one or where the gap is wider than `space_gap`."""
    if space_gap is None:
        space_gap = SPACE_GAP * _median_height(boxes)
    out: list[str] = []
    prev: Box | None = None
    for b in boxes:
        if prev is not None and (b.space_before or b.x0 - prev.x1 > space_gap):
            out.append(" ")
        out.append(b.text)
        prev = b
    return " ".join("".join(out).split())


def confidence(boxes: Iterable[Box]) -> float | None:
    """The lowest OCR score among boxes (a cell is as sure as its worst glyph); None
    when no box carries one (a text layer)."""
    scores = [b.score for b in boxes if b.score is not None]
    return min(scores) if scores else None


def _run(parts: Sequence[Box], space_gap: float) -> Box:
    return Box(
        join_text(parts, space_gap),
        min(p.x0 for p in parts),
        min(p.top for p in parts),
        max(p.x1 for p in parts),
        max(p.bottom for p in parts),
        parts=tuple(parts),
        score=confidence(parts),
    )


def split_segments(line: Sequence[Box], gap: float | None = None) -> list[Box]:
    """Split one line into runs separated by gaps wider than `gap` (default: COLUMN_GAP
    of the line's glyph height). Blank glyphs only mark spaces."""
    h = _median_height(line)
    if gap is None:
        gap = COLUMN_GAP * h
    segs: list[list[Box]] = []
    pending_space = False
    for b in line:
        if not b.text.strip():
            pending_space = True
            continue
        if pending_space and not b.space_before:
            b = Box(b.text, b.x0, b.top, b.x1, b.bottom, True, b.parts, b.score)
        pending_space = False
        if segs and b.x0 - segs[-1][-1].x1 <= gap:
            segs[-1].append(b)
        else:
            segs.append([b])
    return [_run(s, SPACE_GAP * h) for s in segs]


def cell_text(glyphs: Sequence[Box]) -> str:
    """Text of the glyphs in one cell: its printed lines joined with newlines."""
    lines = [join_text([g for g in line if g.text.strip() or g.space_before]) for line in group_lines(glyphs)]
    return "\n".join(t for t in lines if t)


# ---------------------------------------------------------------- grids


def _cluster(values: Iterable[float], tol: float) -> list[float]:
    out: list[float] = []
    for v in sorted(values):
        if out and v - out[-1] <= tol:
            continue
        out.append(v)
    return out


def _index(bounds: list[float], v: float) -> int:
    """Index of the boundary nearest to v (bounds sorted)."""
    i = bisect.bisect_left(bounds, v)
    if i == len(bounds) or (i > 0 and v - bounds[i - 1] <= bounds[i] - v):
        return i - 1
    return i


def grid_from_boxes(boxes: Sequence[BBox], tol: float = 2.0) -> tuple[list[tuple[int, int, int, int]], list[float], list[float]]:
    """(row, col, row_span, col_span) for each cell rectangle, on the grid of the
    distinct row and column boundaries of all cells (also returned: xs, ys): a
    merged cell spans the rows and columns whose boundaries fall inside it."""
    xs = _cluster([v for b in boxes for v in (b[0], b[2])], tol)
    ys = _cluster([v for b in boxes for v in (b[1], b[3])], tol)
    out = []
    for x0, top, x1, bottom in boxes:
        c0, c1 = _index(xs, x0), _index(xs, x1)
        r0, r1 = _index(ys, top), _index(ys, bottom)
        out.append((r0, c0, max(1, r1 - r0), max(1, c1 - c0)))
    return out, xs, ys


def _intersections_to_cells(intersections: dict) -> list[BBox]:
    """pdfplumber's `intersections_to_cells`, indexed: the same cells in the same
    order, without its quadratic scan over all points for every point."""

    def bboxes(edges: list[dict]) -> set[BBox]:
        return {(e["x0"], e["top"], e["x1"], e["bottom"]) for e in edges}

    vset = {p: bboxes(d["v"]) for p, d in intersections.items()}
    hset = {p: bboxes(d["h"]) for p, d in intersections.items()}
    points = sorted(intersections)
    by_x: dict[float, list[tuple[float, float]]] = {}
    by_y: dict[float, list[tuple[float, float]]] = {}
    for p in points:
        by_x.setdefault(p[0], []).append(p)
        by_y.setdefault(p[1], []).append(p)
    cells: list[BBox] = []
    for p in points:
        below = [q for q in by_x[p[0]] if q[1] > p[1] and vset[p] & vset[q]]
        right = [q for q in by_y[p[1]] if q[0] > p[0] and hset[p] & hset[q]]
        found = None
        for b in below:
            for r in right:
                corner = (r[0], b[1])
                if corner in intersections and vset[corner] & vset[r] and hset[corner] & hset[b]:
                    found = (p[0], p[1], corner[0], corner[1])
                    break
            if found:
                break
        if found:
            cells.append(found)
    return cells


def ruled_tables(edges: list[dict], glyphs: Sequence[Box]) -> list[GridTable]:
    """Tables drawn with ruling lines. `edges` are pdfplumber-style edge dicts
    (x0, x1, top, bottom, width, height, orientation 'h'/'v')."""
    if len(edges) < 4:
        return []
    merged = merge_edges(edges, EDGE_TOL, EDGE_TOL, EDGE_TOL, EDGE_TOL)
    merged = [e for e in merged if (e["x1"] - e["x0"] if e["orientation"] == "h" else e["bottom"] - e["top"]) >= EDGE_TOL]
    cells = _intersections_to_cells(edges_to_intersections(merged, EDGE_TOL, EDGE_TOL))
    tables: list[GridTable] = []
    for group in cells_to_tables(cells):
        spans, xs, ys = grid_from_boxes(group)
        if len(xs) < 3:
            continue  # one column of boxes: framed paragraphs or shading, not a table
        owner = {}  # grid position -> the cell covering it
        for ci, (r, c, rs, cs) in enumerate(spans):
            for rr in range(r, r + rs):
                for cc in range(c, c + cs):
                    owner.setdefault((rr, cc), ci)
        inside: dict[int, list[int]] = {}
        consumed: set[int] = set()
        for gi, g in enumerate(glyphs):
            x, y = g.cx, g.cy
            if not (xs[0] <= x <= xs[-1] and ys[0] <= y <= ys[-1]):
                continue
            consumed.add(gi)
            pos = (min(bisect.bisect_right(ys, y), len(ys) - 1) - 1, min(bisect.bisect_right(xs, x), len(xs) - 1) - 1)
            if pos in owner:
                inside.setdefault(owner[pos], []).append(gi)
        if not inside:
            continue  # a grid of empty boxes (a form, a drawing)
        out_cells = []
        for ci, (b, (r, c, rs, cs)) in enumerate(zip(group, spans, strict=True)):
            mine = [glyphs[i] for i in inside.get(ci, [])]
            out_cells.append(GridCell(cell_text(mine), r, c, rs, cs, tuple(round(v, 2) for v in b), confidence(mine)))  # type: ignore[arg-type]
        out_cells.sort(key=lambda c: (c.row, c.col))
        tables.append(GridTable(out_cells, (xs[0], ys[0], xs[-1], ys[-1]), True, consumed))
    return tables


# ---------------------------------------------------------------- borderless tables

MIN_ROWS_3SEG = 2  # a borderless table has at least 2 lines with 3+ cells ...
MIN_ROWS_2SEG = 4  # ... or at least 4 lines with 2+ aligned cells
CONTINUATION_WIDTH = 0.45  # a one-run line inside a table is narrower than this share of the text width
MAX_ROW_GAP = 2.5  # a wider vertical gap (in line heights) ends a borderless table


@dataclass
class TextLine:
    """One printed line split into runs (cells, where it is a table row)."""

    segments: list[Box]
    ids: list[int]  # indices of the glyphs/boxes in the input

    @property
    def top(self) -> float:
        return min(s.top for s in self.segments)

    @property
    def bottom(self) -> float:
        return max(s.bottom for s in self.segments)

    @property
    def x0(self) -> float:
        return self.segments[0].x0

    @property
    def x1(self) -> float:
        return self.segments[-1].x1

    @property
    def height(self) -> float:
        return _median_height(self.segments)


def text_lines(boxes: Sequence[Box]) -> list[TextLine]:
    """Printed lines of the given glyphs (or OCR boxes), each split into runs."""
    index = {id(b): i for i, b in enumerate(boxes)}
    out = []
    for line in group_lines(boxes):
        segs = split_segments(line)
        if segs:
            out.append(TextLine(segs, [index[id(b)] for b in line]))
    return out


def _columns(lines: Sequence[TextLine]) -> list[tuple[float, float]]:
    """Column cores: x-extents where a table's columns print text.

    The lines with the most runs (data rows) define the cores, separated by gutters
    that none of them crosses (one stray line in ten may: two cells printed too
    close). Other lines then widen a core they fall in, or add a core where they
    print in no core (a column empty in the data rows); a run over several cores
    (a group header) changes nothing.
    """
    most = max(len(ln.segments) for ln in lines)
    body = [ln for ln in lines if len(ln.segments) >= max(2, most - max(1, most // 10))]
    h = statistics.median(ln.height for ln in body)
    events: list[tuple[float, int]] = []
    for ln in body:
        for s in ln.segments:
            events += [(s.x0, 1), (s.x1, -1)]
    events.sort()
    allowed = len(body) // 10
    cores: list[tuple[float, float]] = []
    depth, start, gutter_from = 0, None, None
    for x, d in events:
        depth += d
        if depth > allowed and start is None:
            if cores and gutter_from is not None and x - gutter_from < 0.5 * h:
                start = cores.pop()[0]  # too narrow to be a gutter
            else:
                start = x
        elif depth <= allowed and start is not None:
            cores.append((start, x))
            start, gutter_from = None, x
    others = sorted((ln for ln in lines if ln not in body), key=lambda ln: -len(ln.segments))
    for ln in others:
        for s in ln.segments:
            hit = [k for k, (a, b) in enumerate(cores) if min(s.x1, b) > max(s.x0, a)]
            if len(hit) > 1:
                continue
            if not hit:
                cores.append((s.x0, s.x1))
                cores.sort()
                continue
            k = hit[0]
            a, b = cores[k]
            lo = cores[k - 1][1] + 0.5 * h if k > 0 else s.x0
            hi = cores[k + 1][0] - 0.5 * h if k + 1 < len(cores) else s.x1
            cores[k] = (min(a, max(s.x0, lo)), max(b, min(s.x1, hi)))
    return cores


def _resplit(seg: Box, cores: list[tuple[float, float]]) -> list[Box]:
    """Two cells printed too close together form one run; cut it at an inner gap
    that lies in a gutter between column cores. A run whose glyphs are contiguous
    (a group header spanning columns) stays whole."""
    if len(seg.parts) < 2:
        return [seg]
    h = _median_height(seg.parts)
    pieces: list[list[Box]] = [[seg.parts[0]]]
    for a, b in zip(seg.parts, seg.parts[1:], strict=False):
        cut = False
        if b.x0 - a.x1 >= SPACE_GAP * h:
            for (_, r), (l2, _) in zip(cores, cores[1:], strict=False):
                if a.x1 <= l2 and b.x0 >= r:
                    cut = True
                    break
        if cut:
            pieces.append([b])
        else:
            pieces[-1].append(b)
    if len(pieces) == 1:
        return [seg]
    return [_run(p, SPACE_GAP * h) for p in pieces]


def _assign(seg: Box, cores: list[tuple[float, float]]) -> tuple[int, int]:
    """(first column, span) of a run: the columns whose core centre it covers, or
    else the column it overlaps most (nearest when it sits in a gutter)."""
    covered = [i for i, (a, b) in enumerate(cores) if seg.x0 <= (a + b) / 2 <= seg.x1]
    if covered:
        return covered[0], covered[-1] - covered[0] + 1

    def score(i: int) -> tuple[float, float]:
        a, b = cores[i]
        overlap = min(seg.x1, b) - max(seg.x0, a)
        return (overlap, -abs(seg.cx - (a + b) / 2))

    return max(range(len(cores)), key=score), 1


def _grid(lines: Sequence[TextLine]) -> list[GridCell] | None:
    cores = _columns(lines)
    if len(cores) < 2:
        return None
    cells: list[GridCell] = []
    for r, ln in enumerate(lines):
        row: dict[int, tuple[int, list[Box]]] = {}
        for seg in ln.segments:
            for piece in _resplit(seg, cores):
                c, span = _assign(piece, cores)
                if c in row:
                    row[c][1].append(piece)
                else:
                    row[c] = (span, [piece])
        # a run may not spill into a column where another run of this row starts
        starts = sorted(row)
        for i, c in enumerate(starts):
            span, pieces = row[c]
            limit = starts[i + 1] - c if i + 1 < len(starts) else span
            span = max(1, min(span, limit))
            text = " ".join(p.text for p in pieces)
            bbox = (min(p.x0 for p in pieces), min(p.top for p in pieces), max(p.x1 for p in pieces), max(p.bottom for p in pieces))
            cells.append(GridCell(text, r, c, 1, span, tuple(round(v, 2) for v in bbox), confidence(pieces)))  # type: ignore[arg-type]
    return cells


def _in_gutter(c: tuple[float, float], cores: list[tuple[float, float]]) -> bool:
    """Does column `c` print between the given columns, overlapping none of them?"""
    if any(min(c[1], b) > max(c[0], a) for a, b in cores):
        return False
    return cores[0][0] < (c[0] + c[1]) / 2 < cores[-1][1]


def _inside(seg: Box, cores: list[tuple[float, float]]) -> bool:
    """Does a run lie within one column (cell text on a line of its own)?"""
    slack = 0.5 * seg.height
    return any(a - slack <= seg.x0 and seg.x1 <= b + slack for a, b in cores)


def _touch(upper: TextLine, lower: TextLine) -> bool:
    """Lines that overlap or nearly touch: text of one table row, vertically centred
    at different heights in its cells (a title keeps its distance)."""
    return lower.top - upper.bottom <= 0.3 * min(upper.height, lower.height)


def _far(upper: TextLine, lower: TextLine) -> bool:
    return lower.top - upper.bottom > MAX_ROW_GAP * max(upper.height, lower.height)


def _split_by_structure(lines: Sequence[TextLine], i: int, j: int) -> list[tuple[int, int]]:
    """Cut a candidate block where runs of multi-run lines, separated by one-run
    lines or a wide vertical gap, do not share columns: two tables with a title
    between them, or a table and a signature line."""
    groups: list[tuple[int, int]] = []  # runs of consecutive, close multi-run lines
    k = i
    while k < j:
        if len(lines[k].segments) < 2:
            k += 1
            continue
        start = k
        k += 1
        while k < j and len(lines[k].segments) >= 2 and not _far(lines[k - 1], lines[k]):
            k += 1
        groups.append((start, k))
    parts: list[tuple[int, int]] = []
    a, last = i, groups[0][1]  # leading one-run lines stay with the first part
    cores = _columns(lines[groups[0][0] : last])
    for g0, g1 in groups[1:]:
        g_cores = _columns(lines[g0:g1])
        between = lines[last:g0]  # one-run lines
        attached = all(_touch(lines[k - 1], lines[k]) or _touch(lines[k], lines[k + 1]) for k in range(last, g0))
        if between and (attached or all(_inside(ln.segments[0], cores) for ln in between)):
            same = True  # cell text between rows: a wrapped or vertically centred cell
        elif between:
            # a title between two tables: the lower one prints in the upper one's gutters
            same = not any(_in_gutter(c, cores) for c in g_cores)
        else:
            # a wide gap: a signature line under a table leaves the table's columns in its gutters.
            # (Not the other way round: the upper run may be a header with centred group titles.)
            same = not any(_in_gutter(c, g_cores) for c in cores)
        if same:
            last = g1
            cores = _columns([ln for ln in lines[a:last] if len(ln.segments) >= 2])
        else:
            parts.append((a, g0))  # one-run lines before g0 are trimmed below
            a, last = g0, g1
            cores = g_cores
    parts.append((a, j))
    return parts


def _trim_tail(lines: Sequence[TextLine], a: int, b: int, cores: list[tuple[float, float]]) -> int:
    """Drop trailing one-run lines unless each is cell text: it lies within one
    column, or continues a wrapped cell (the line above fills that column)."""
    while b - a > 1 and len(lines[b - 1].segments) < 2:
        seg, above = lines[b - 1].segments[0], lines[b - 2]
        col, span = _assign(seg, cores)
        lo, hi = cores[col]
        h = _median_height(above.segments)
        wraps = span == 1 and any(_assign(s, cores)[0] == col and s.x1 - s.x0 >= (hi - lo) - h for s in above.segments)
        if wraps or _inside(seg, cores):
            break
        b -= 1
    return b


def aligned_tables(lines: Sequence[TextLine], text_width: float | None = None) -> list[tuple[int, int, list[GridCell]]]:
    """Borderless tables among printed lines: (first line, end line, cells) for each.

    A table is a run of consecutive lines that starts with a line of 2+ runs; narrow
    one-run lines inside it (wrapped cells, a row continued from the previous page)
    belong to it, at its end only when they continue a wrapped cell. It must have at
    least MIN_ROWS_3SEG lines of 3+ runs, or MIN_ROWS_2SEG lines of 2+ runs, and 2+
    column cores. Each printed line is one row: wrapped cells are left for the
    tables stage to join, so nothing is guessed here.
    """
    if not lines:
        return []
    if text_width is None:
        text_width = max(ln.x1 for ln in lines) - min(ln.x0 for ln in lines)
    out: list[tuple[int, int, list[GridCell]]] = []
    i = done = 0
    while i < len(lines):
        if len(lines[i].segments) < 2:
            i += 1
            continue
        first = i
        # one-run lines interleaved with the first row belong to it (a vertically centred header cell)
        while i > done and len(lines[i - 1].segments) == 1 and _touch(lines[i - 1], lines[i]):
            i -= 1
        j = first + 1
        while j < len(lines):
            ln, prev = lines[j], lines[j - 1]
            if len(ln.segments) >= 2 or (ln.x1 - ln.x0 <= CONTINUATION_WIDTH * text_width and not _far(prev, ln)):
                j += 1
                continue
            break
        for a, b in _split_by_structure(lines, i, j):
            cores = _columns([ln for ln in lines[a:b] if len(ln.segments) >= 2])
            b = _trim_tail(lines, a, b, cores) if len(cores) >= 2 else b
            block = lines[a:b]
            n3 = sum(1 for ln in block if len(ln.segments) >= 3)
            n2 = sum(1 for ln in block if len(ln.segments) >= 2)
            if n3 >= MIN_ROWS_3SEG or n2 >= MIN_ROWS_2SEG:
                cells = _grid(block)
                if cells:
                    out.append((a, b, cells))
        i = done = j
    return out
