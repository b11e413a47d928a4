"""Label columns: which columns name units, sub-units, and twin (side-by-side) blocks."""

from __future__ import annotations

from ..metrics import is_ignored_column
from .model import load_vocab
from .rows import _Row
from .text import _cell_kind, _norm


def _label_columns(rows: list[_Row], width: int, paths: list[tuple[str, ...]]) -> list[int]:
    labels = []
    for c in range(width):
        if paths[c] and is_ignored_column(paths[c]):
            continue
        n_text = n_value = 0
        for row in rows:
            text = row.texts[c] if not row.covered_from_above(c) else ""
            if not text:
                continue
            kind = _cell_kind(text)
            if kind == "text":
                n_text += 1
            elif kind != "missing":
                n_value += 1
        if n_text > n_value:
            labels.append(c)
    return labels


def _pick_unit_column(labels: list[int], paths: list[tuple[str, ...]]) -> int | None:
    vocab = load_vocab()
    for c in labels:
        leaf = _norm(paths[c][-1]) if paths[c] else ""
        if leaf and (leaf in vocab.unit_headers or any(w in leaf for w in vocab.unit_headers if len(w) >= 2)):
            if leaf not in vocab.subunit_headers:
                return c
    return labels[0] if labels else None


def _subunit_column(rows: list[_Row], unit_col: int, labels: list[int], paths: list[tuple[str, ...]]) -> int | None:
    vocab = load_vocab()
    for c in labels:
        if c == unit_col:
            continue
        leaf = _norm(paths[c][-1]) if paths[c] else ""
        if leaf in vocab.subunit_headers:
            return c
        if c != unit_col + 1:
            continue
        both = sum(1 for r in rows if r.texts[c] and r.texts[unit_col] and not r.covered_from_above(unit_col))
        only_sub = sum(1 for r in rows if r.texts[c] and (not r.texts[unit_col] or r.covered_from_above(unit_col)))
        if only_sub and not both:
            return c
    return None


def _twin_blocks(width: int, labels: list[int], paths: list[tuple[str, ...]]) -> tuple[int, int] | None:
    """(prefix, period) when the columns repeat side by side: one label column and
    the same value headers per block (诉求来源/数量/占比 | 工单类型/数量/占比)."""
    if len(labels) < 2:
        return None
    sig = ["L" if c in labels else (_norm(paths[c][-1]) if paths[c] else "") for c in range(width)]
    for prefix in range(0, width - 3):
        if any(sig[c] == "L" for c in range(prefix)):
            break
        rest = width - prefix
        for period in range(2, rest // 2 + 1):
            if rest % period:
                continue
            blocks = [sig[prefix + k * period : prefix + (k + 1) * period] for k in range(rest // period)]
            if all(b == blocks[0] for b in blocks) and blocks[0].count("L") == 1 and len(blocks[0]) > 1:
                return prefix, period
    return None


def _label_stats(rows: list[_Row], c: int) -> tuple[int, int, int]:
    """(rows naming something, distinct names, printed cells) in column c, total rows left out.
    A blank under a name counts as that name: a vertical merge printed as blanks in text."""
    vocab = load_vocab()
    named = printed = 0
    names: set[str] = set()
    last = ""
    for row in rows:
        text = row.texts[c]
        if _norm(text).rstrip(":：") in vocab.total_labels:
            continue
        if text and not row.covered_from_above(c):
            printed += 1
        text = text or last
        if text:
            named += 1
            names.add(_norm(text))
            last = text
    return named, len(names), printed


def _split_group_column(rows: list[_Row], labels: list[int], paths: list[tuple[str, ...]], unit_col: int) -> tuple[int, int] | None:
    """(group column, unit column) when two label columns stand side by side and the left one
    holds a few groups repeated down the rows (类别: 乡镇（街道） merged or blank-filled over
    its members) while the right one names a body on nearly every row (单位)."""
    vocab = load_vocab()
    for g in labels:
        for u in labels:
            if u <= g or unit_col not in (g, u):
                continue
            named_u, distinct_u, _ = _label_stats(rows, u)
            named_g, distinct_g, _ = _label_stats(rows, g)
            if named_u < 3 or distinct_u < 0.8 * named_u:
                continue
            if not distinct_g or distinct_g > max(2, named_u / 3) or distinct_g >= distinct_u:
                continue
            # the headers say the left column names the bodies and the right one does not (承办单位 | 工单内容)
            g_leaf = _norm(paths[g][-1]) if paths[g] else ""
            u_leaf = _norm(paths[u][-1]) if paths[u] else ""
            if g_leaf in vocab.unit_headers and g_leaf not in vocab.group_headers and u_leaf not in vocab.unit_headers:
                continue
            if u_leaf in vocab.subunit_headers:
                continue
            return g, u
    return None
