"""Raw grids → logical tables: header paths, repaired rows, stitched pages, structure.

The readers hand over RawTables as printed (one per page fragment, merged cells
stored once, text tables ragged). This stage decides, for each logical table:
which rows are the header and what each column's header path is; which rows are
data, totals, sub-units, repeated headers or damaged; which fragments belong
together; and which tables are not data at all. It knows the document model and
the vocabularies in schemas/, nothing about any particular county or file.

Package layout (one step per module, each readable in a sitting): text → grid →
headers → stitching → rows → labels → assembly; `model` holds the output types.

Entry point: `build_tables(doc) -> list[LogicalTable]`. Values and findings for
the output tables come from `extractor.values.table_values`.
"""

from __future__ import annotations

from ..model import Document, Paragraph
from .assembly import _assemble, distinct_paths
from .grid import _Grid, _is_info_grid
from .headers import _header_paths, _header_row_count
from .model import Column, ColumnRole, LogicalTable, TableCell, TableKind, TableRow, TableVocab, load_vocab
from .stitching import _caption, _caption_after, _continues, _Piece, _title_like
from .text import clean_text

__all__ = [
    "Column",
    "ColumnRole",
    "LogicalTable",
    "TableCell",
    "TableKind",
    "TableRow",
    "TableVocab",
    "build_tables",
    "clean_text",
    "distinct_paths",
    "load_vocab",
]


def _repeated_texts(doc: Document) -> set[str]:
    """Running headers/footers: short paragraphs printed on two or more pages."""
    pages_of: dict[str, set] = {}
    for para in doc.paragraphs:
        text = clean_text(para.text)
        if text and len(text) <= 40 and para.page is not None:
            pages_of.setdefault(text, set()).add(para.page)
    return {t for t, pages in pages_of.items() if len(pages) >= 2}


def build_tables(doc: Document) -> list[LogicalTable]:
    """All logical tables of a document in order: data tables with header paths and
    classified rows, and the non-data ones (info grids, layout) marked by kind."""
    repeated = _repeated_texts(doc)
    pieces: list[_Piece] = []
    groups: list[list[_Piece]] = []
    between: list[Paragraph] = []
    before: list[Paragraph] = []
    index = 0
    last_block: dict[int, int] = {}  # id of a piece -> its position in doc.blocks
    for position, block in enumerate(doc.blocks):
        if isinstance(block, Paragraph):
            between.append(block)
            before.append(block)
            continue
        grid = _Grid.of(block)
        index += 1
        if not block.cells or grid.n_rows == 0:
            continue
        if _is_info_grid(grid):
            kind: TableKind = "info"
            h, paths, notes = 0, [() for _ in range(grid.width)], []
        elif grid.width <= 1 or grid.n_rows <= 1:
            kind, h, paths, notes = "layout", 0, [() for _ in range(grid.width)], []
        else:
            kind = "data"
            h = _header_row_count(grid)
            paths, notes = _header_paths(grid, h)
        piece = _Piece(grid, h, paths, notes, kind, _caption(block, before), index)
        if pieces and groups and _continues(groups[-1][0], piece, between, repeated):
            if piece.h == 0:
                piece.skip_header = False
            groups[-1].append(piece)
        else:
            groups.append([piece])
        pieces.append(piece)
        last_block[id(piece)] = position
        between = []
        before = []
    for group in groups:
        if group[0].kind == "data" and not _title_like(group[0].caption):
            group[0].caption = _caption_after(doc.blocks, last_block[id(group[-1])]) or group[0].caption
    return [_assemble(group, number) for number, group in enumerate(groups, start=1)]
