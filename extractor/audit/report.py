"""A readable report of audit findings, for `bulletin audit` (the CLI prints it with rich).

Pure: findings rows in, a rich renderable out; nothing is printed or written here.
Errors come first, then warnings; `info` (what cannot be checked, e.g. a hidden base) is
summed up per check unless asked for, so that a report is about what is wrong.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

from rich.console import Group
from rich.table import Table
from rich.text import Text

ORDER = {"error": 0, "warning": 1, "info": 2}
STYLE = {"error": "bold red", "warning": "yellow", "info": "dim"}


def _where(f: dict) -> str:
    """Table 6, row 14 · 城管局 · 得分 — or the paragraph for prose findings."""
    parts = []
    if str(f.get("table") or ""):
        parts.append(f"table {f['table']}" + (f", row {f['row']}" if str(f.get("row") or "") else ""))
    elif str(f.get("row") or ""):
        parts.append(f"paragraph {f['row']}")
    if f.get("unit_raw"):
        parts.append(str(f["unit_raw"]))
    if f.get("column") and f.get("column") != "prose":
        parts.append(str(f["column"]))
    return " · ".join(parts)


def render_findings(findings: Iterable[dict], *, show_info: bool = False, title: str = "") -> Group:
    """The findings of one or more bulletins as a rich Group: a summary line, then one table
    row per error and warning (per source when there are several), then the info counts."""
    findings = list(findings)
    counts = Counter(f.get("severity", "info") for f in findings)
    summary = Text(title + ": " if title else "")
    summary.append(f"{counts['error']} errors", style=STYLE["error"] if counts["error"] else "green")
    summary.append(f", {counts['warning']} warnings, {counts['info']} notes")
    parts: list = [summary]

    shown = [f for f in findings if show_info or f.get("severity") != "info"]
    shown.sort(key=lambda f: (str(f.get("source") or ""), ORDER.get(f.get("severity", "info"), 3)))
    if shown:
        several = len({f.get("source") for f in shown}) > 1
        table = Table(show_lines=False, expand=False, pad_edge=False)
        table.add_column("", no_wrap=True)
        if several:
            table.add_column("source", overflow="fold")
        table.add_column("check", no_wrap=True)
        table.add_column("where", overflow="fold")
        table.add_column("printed", justify="right")
        table.add_column("expected", justify="right")
        table.add_column("why", overflow="fold")
        for f in shown:
            severity = f.get("severity", "info")
            cells = [Text(severity, style=STYLE.get(severity, ""))]
            if several:
                cells.append(str(f.get("source") or ""))
            cells += [
                str(f.get("check") or ""),
                _where(f),
                str(f.get("printed") or ""),
                str(f.get("expected") or ""),
                str(f.get("message") or ""),
            ]
            table.add_row(*cells)
        parts.append(table)

    if not show_info:
        notes = Counter(f.get("check", "") for f in findings if f.get("severity") == "info")
        if notes:
            parts.append(Text("notes (not errors): " + ", ".join(f"{check} {n}" for check, n in notes.most_common()), style="dim"))
    return Group(*parts)
