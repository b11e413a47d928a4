"""Assembling a LogicalTable from its pieces: column roles, row classes, findings, transposition."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

from ..metrics import OTHER, is_ignored_column, metric_for
from ..numbers import parse_number
from ..readers.textlayer import ocr_doubt
from .labels import _label_columns, _pick_unit_column, _split_group_column, _subunit_column, _twin_blocks
from .model import Column, ColumnRole, LogicalTable, TableCell, TableRow, load_vocab
from .rows import _drop_repeated_headers, _join_split_rows, _repair_wrapped, _Row, _rows_of
from .stitching import _Piece
from .text import _cell_kind, _is_value, _norm, clean_text


def _column_profile(rows: list[_Row], cols: Iterable[int]) -> dict[int, Counter]:
    profile: dict[int, Counter] = {}
    for c in cols:
        counter: Counter = Counter()
        for row in rows:
            text = row.texts[c] if not row.covered_from_above(c) else ""
            kind = _cell_kind(text) if text else "missing"
            parsed = parse_number(text) if kind == "number" else None
            if parsed is not None:
                kind = "decimal" if parsed.decimals else "int"
            counter[kind] += 1
        profile[c] = counter
    return profile


def _mismatches(row: _Row, profile: dict[int, Counter]) -> tuple[list[int], list[int], list[int]]:
    """Columns where the row's cell does not look like the rest of its column:
    (strong, weak, blank). Strong: a percent among plain numbers, a number among text,
    etc. Weak: a decimal among whole numbers, a whole number among decimals. Blank: a
    blank in a column that is never blank."""
    strong, weak, blank = [], [], []
    for c, counter in profile.items():
        text = row.texts[c] if not row.covered_from_above(c) else ""
        kind = _cell_kind(text) if text else "missing"
        if kind == "number":
            kind = "decimal" if parse_number(text).decimals else "int"  # type: ignore[union-attr]
        others = counter.copy()
        others[kind] -= 1
        others = +others
        filled = {k: n for k, n in others.items() if k != "missing"}
        n_filled = sum(filled.values())
        if n_filled < 3:
            continue
        coarse = Counter()
        for k, n in filled.items():
            coarse["number" if k in ("int", "decimal") else k] += n
        top, top_n = coarse.most_common(1)[0]
        mine = "number" if kind in ("int", "decimal") else kind
        if kind == "missing":
            if others.get("missing", 0) == 0 and n_filled >= 5:
                blank.append(c)
            continue
        if mine != top and top_n >= 0.8 * n_filled:
            strong.append(c)
        elif mine == "number" and filled.get(kind, 0) == 0 and (filled.get("int", 0) + filled.get("decimal", 0)) >= 0.8 * n_filled:
            weak.append(c)
    return strong, weak, blank


def _finding(check: str, severity: str, table: int, row: int | None, message: str, **extra: str) -> dict:
    out = {
        "check": check,
        "severity": severity,
        "table": table,
        "row": row,
        "column": "",
        "unit_raw": "",
        "metric": "",
        "printed": "",
        "expected": "",
        "message": message,
    }
    out.update(extra)
    return out


def _assemble(pieces: list[_Piece], number: int) -> LogicalTable:
    first = pieces[0]
    width = first.grid.width
    paths = first.paths
    lt = LogicalTable(
        number=number,
        kind=first.kind,
        caption=first.caption,
        columns=[],
        rows=[],
        header_rows=first.h,
        pages=sorted({p for piece in pieces for p in piece.grid.table.pages}),
        fragments=len(pieces),
        notes=[n for piece in pieces for n in piece.notes],
    )
    rows: list[_Row] = []
    offset = 0
    for piece in pieces:
        rows.extend(_rows_of(piece, offset))
        offset += piece.grid.n_rows
    if len(pieces) > 1:
        lt.notes.append(f"stitched from {len(pieces)} fragments")
    if lt.kind != "data":
        for row in rows:
            texts = [t for t in row.texts if t]
            if texts:
                lt.rows.append(TableRow(row=row.printed, page=row.page, unit_raw=texts[0], printed=texts))
        return lt

    header_words = {_norm(t) for path in paths for t in path if t}
    for piece in pieces:
        for r in range(piece.h):
            header_words |= {_norm(piece.grid.text(r, c)) for c in range(piece.grid.row_len(r)) if piece.grid.text(r, c)}
    rows = [row for row in rows if row.nonempty() or row.extra]
    rows, dropped = _drop_repeated_headers(rows, header_words, first.h)
    if dropped:
        lt.notes.append(f"repeated header rows dropped: {dropped}")
    rows, notes = _join_split_rows(rows, width)
    lt.notes += notes

    labels = _label_columns(rows, width, paths)
    if first.grid.sparse:
        rows, notes = _repair_wrapped(rows, labels)
        lt.notes += notes
        labels = _label_columns(rows, width, paths)
    metrics = [metric_for(p) if p else OTHER for p in paths]
    unit_col = _pick_unit_column(labels, paths)
    sub_col = _subunit_column(rows, unit_col, labels, paths) if unit_col is not None else None
    twin = _twin_blocks(width, labels, paths)
    group_col = None
    if unit_col is not None and sub_col is None and not twin:
        split = _split_group_column(rows, labels, paths, unit_col)
        if split:
            group_col, unit_col = split
    lt.unit_header = " / ".join(paths[unit_col]) if unit_col is not None and paths[unit_col] else ""

    roles: dict[int, ColumnRole] = {}
    for c in range(width):
        if paths[c] and is_ignored_column(paths[c]):
            roles[c] = "index"
        elif c == unit_col:
            roles[c] = "unit"
        elif c == sub_col:
            roles[c] = "subunit"
        elif c == group_col:
            roles[c] = "group"
        elif c in labels:
            roles[c] = "label"
        else:
            roles[c] = "value"
    if twin:
        lt.twin = True
        for c in range(twin[0]):
            roles[c] = "shared"
        for c in labels:
            if c >= twin[0]:
                roles[c] = "label"
    paths = distinct_paths(paths, roles)
    # 得分 is a part score under a group (提前率 / 得分); alone in a table, it is the score
    parts = [c for c in range(width) if roles[c] == "value" and metrics[c] == "score_part"]
    if len(parts) == 1 and len(paths[parts[0]]) == 1 and "score" not in metrics:
        metrics[parts[0]] = "score"
    lt.columns = [Column(key=c, path=paths[c], metric=metrics[c], role=roles[c], col=c + 1) for c in range(width)]

    value_cols = [c for c in range(width) if roles[c] in ("value", "shared")]
    profile = _column_profile(rows, value_cols)
    if twin:
        _twin_rows(lt, rows, twin, labels, width)
    else:
        _plain_rows(lt, rows, width, unit_col, sub_col, labels, value_cols, profile, group_col)
        if unit_col is not None and _looks_transposed(lt, paths, value_cols):
            _transpose(lt, paths, value_cols)
    return lt


def distinct_paths(paths: list[tuple[str, ...]], roles: dict[int, ColumnRole]) -> list[tuple[str, ...]]:
    """Value columns printed under one header path (a score sheet's six 得分) take the header
    they close: the value column just left of a 得分 is what it scores (提前率（10分） / 得分), and
    a top-level 得分 after a group scores the group (解决率情况（35分） / 得分). Paths printed once
    stay as printed, and so does a duplicate this cannot tell apart."""
    values = [c for c in sorted(roles) if roles[c] == "value" and paths[c]]
    printed = Counter(paths[c] for c in values)
    out = list(paths)
    for c in values:
        left = paths[c - 1] if c > 0 else ()
        if printed[paths[c]] < 2 or roles.get(c - 1) != "value" or not left or left == paths[c]:
            continue
        own = paths[c]
        out[c] = (left[0], own[0]) if len(own) == 1 else own[:-1] + (left[-1], own[-1])
    renamed = Counter(out[c] for c in values)
    return [out[c] if renamed[out[c]] == 1 else paths[c] for c in range(len(paths))]


def _value_cells(row: _Row, cols: Iterable[int]) -> dict[int, TableCell]:
    out = {}
    for c in cols:
        if row.covered_from_above(c):
            continue
        cell = row.cells[c]
        text = cell.text if cell is not None else ""
        if not clean_text(text):
            continue
        page = cell.page if cell is not None and cell.page is not None else row.page
        bbox = cell.bbox if cell is not None else None
        conf = cell.confidence if cell is not None else None
        doubt = ocr_doubt(text, conf) is not None
        out[c] = TableCell(
            text=text, parsed=parse_number(text), row=row.printed, col=c + 1, page=page, bbox=bbox, confidence=conf, low_confidence=doubt
        )
    return out


def _is_total_label(label: str) -> bool:
    norm = _norm(label).rstrip(":：")
    return norm in load_vocab().total_labels


def _plain_rows(
    lt: LogicalTable,
    rows: list[_Row],
    width: int,
    unit_col: int | None,
    sub_col: int | None,
    labels: list[int],
    value_cols: list[int],
    profile: dict[int, Counter],
    group_col: int | None = None,
) -> None:
    last_unit = ""
    parent = ""
    section = ""
    group = ""
    for row in rows:
        # the group printed on this row (a merged cell covers its members; blanks in text carry it down)
        own_group = ""
        unit_cell = row.cells[unit_col] if unit_col is not None else None
        if group_col is not None and row.texts[group_col] and row.cells[group_col] is not unit_cell:
            own_group = row.texts[group_col]
        group_fresh = bool(own_group) and not row.covered_from_above(group_col)  # type: ignore[arg-type]
        if own_group and not _is_total_label(own_group):
            group = own_group
        printed = [t for t in row.texts if t] + row.extra
        label = row.texts[unit_col] if unit_col is not None else ""
        merged_label = unit_col is not None and row.covered_from_above(unit_col)
        # a row with one text and nothing else is a section label inside the table
        if not row.has_values() and len(row.nonempty()) == 1 and not row.extra and not _is_total_label(printed[0]):
            only = row.nonempty()[0]
            spans_all = row.cells[only] is not None and row.cells[only].col_span >= width - 1
            if spans_all or only == unit_col and not any(_is_value(row.texts[c]) for c in value_cols) and len(labels) <= 1:
                section = printed[0]
                continue
        out = TableRow(row=row.printed, page=row.page, unit_raw=label, printed=printed, section=section)
        damaged_why = ""
        if not row.grid.sparse and (row.length != width or row.extra):
            n = len(row.grid.origins(row.r))
            damaged_why = f"row has {n} cells, the header has {width} columns"
        else:
            strong, weak, blank = _mismatches(row, profile)
            # blanks alone never condemn a row (totals leave score columns empty)
            if strong or len(weak) >= 2 or (weak and blank):
                cols = ", ".join(str(c + 1) for c in sorted(strong + weak + blank)[:8])
                damaged_why = f"cells do not fit their columns (columns {cols})"
        if group_col is not None and not _is_total_label(own_group):
            # a total row takes only a group printed on it; others take the group above too
            out.unit_group = own_group if _is_total_label(label) else group
        if _is_total_label(label) or (group_col is not None and not label and _is_total_label(own_group)):
            out.is_total = True
            out.unit_raw = label or own_group
        elif group_col is not None and not label and group_fresh and row.has_values():
            out.unit_raw, out.unit_group = own_group, ""  # the group's own row (its subtotal)
        elif unit_col is not None and not label:
            sub = row.texts[sub_col] if sub_col is not None else ""
            other_text = any(row.texts[c] and not row.covered_from_above(c) for c in labels if c != unit_col)
            if sub:
                out.unit_raw, out.parent_unit = sub, parent
            elif merged_label and last_unit:
                out.unit_raw, out.inherited = last_unit, True
            elif other_text and last_unit and not damaged_why:
                out.unit_raw, out.inherited = last_unit, True
            elif row.has_values():
                damaged_why = damaged_why or "row has values but no unit name"
        elif merged_label:
            out.inherited = True
        if label and not out.is_total:
            last_unit = label
            parent = label
        if merged_label and label:
            out.unit_raw = label
        if damaged_why:
            out.damaged = True
            out.note = damaged_why
            lt.findings.append(
                _finding(
                    "damaged_row",
                    "warning",
                    lt.number,
                    row.printed,
                    f"{damaged_why}: values not assigned to columns ({' | '.join(printed)})",
                    unit_raw=out.unit_raw,
                    printed=" | ".join(printed),
                )
            )
        else:
            out.cells = _value_cells(row, value_cols)
        lt.rows.append(out)


def _twin_rows(lt: LogicalTable, rows: list[_Row], twin: tuple[int, int], labels: list[int], width: int) -> None:
    prefix, period = twin
    shared = list(range(prefix))
    # values printed once for the whole table (受理总量 merged down the left side)
    total = TableRow(row=rows[0].printed if rows else 0, page=rows[0].page if rows else None, unit_raw="", is_total=True)
    for row in rows:
        for c, cell in _value_cells(row, shared).items():
            if c not in total.cells:
                total.cells[c] = cell
                total.row, total.page = cell.row, cell.page
    if total.cells:
        total.printed = [cell.text for cell in total.cells.values()]
        lt.rows.append(total)
    for k in range((width - prefix) // period):
        block = list(range(prefix + k * period, prefix + (k + 1) * period))
        label_col = next(c for c in block if c in labels)
        section = " / ".join(lt.columns[label_col].path)
        value_cols = [c for c in block if c != label_col]
        for row in rows:
            label = row.texts[label_col]
            cells = _value_cells(row, value_cols)
            if not label and not cells:
                continue
            out = TableRow(row=row.printed, page=row.page, unit_raw=label, section=section)
            out.printed = [row.texts[c] for c in block if row.texts[c]]
            out.is_total = _is_total_label(label)
            if not label:
                out.damaged = True
                out.note = "row has values but no unit name"
                lt.findings.append(_finding("damaged_row", "warning", lt.number, row.printed, out.note, printed=" | ".join(out.printed)))
            else:
                out.cells = cells
            lt.rows.append(out)


def _looks_transposed(lt: LogicalTable, paths: list[tuple[str, ...]], value_cols: list[int]) -> bool:
    """Measures as rows, categories as columns: most row labels are metric names
    (件数, 占比) while the column headers are not."""
    labels = [r.unit_raw for r in lt.rows if r.unit_raw and not r.damaged]
    if not labels or not value_cols:
        return False

    def measure(text: str) -> bool:
        m = metric_for([text])
        return m != OTHER and not m.startswith("type_")

    row_measures = sum(1 for t in labels if measure(t))
    col_measures = sum(1 for c in value_cols if paths[c] and measure(paths[c][-1]))
    return row_measures >= max(1, 2 * len(labels) / 3) and col_measures <= len(value_cols) / 3


def _transpose(lt: LogicalTable, paths: list[tuple[str, ...]], value_cols: list[int]) -> None:
    measures = [r for r in lt.rows if r.unit_raw and not r.damaged]
    columns = [Column(key=i, path=(r.unit_raw,), metric=metric_for([r.unit_raw]), role="value") for i, r in enumerate(measures)]
    new_rows = []
    for c in value_cols:
        name = paths[c][-1] if paths[c] else ""
        out = TableRow(row=lt.header_rows, page=lt.pages[0] if lt.pages else None, unit_raw=name, section=" / ".join(paths[c][:-1]))
        out.is_total = _is_total_label(name)
        for i, measure_row in enumerate(measures):
            if c in measure_row.cells:
                out.cells[i] = measure_row.cells[c]
        out.printed = [cell.text for cell in out.cells.values()]
        new_rows.append(out)
    lt.columns = [col for col in lt.columns if col.role == "unit"] + columns
    lt.rows = new_rows + [r for r in lt.rows if r.damaged]
    lt.transposed = True
