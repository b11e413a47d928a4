"""County × period panel of one metric, read back from an output folder or DuckDB file.

    panel = build_panel("out/", "satisfaction_rate")               # whole county
    panel = build_panel("out/", "received", unit="县公安局")          # one canonical unit
    write_panel(panel, "sat.csv", "sat.png")

Rules the panel keeps, because a reader of the chart cannot see them:
- Periods of different lengths (month, quarter, half-year, year) are never mixed: with
  more than one kind present, `build_panel` refuses unless a kind is chosen
  (`period_kind="month"`); `build_panels` returns one panel per kind.
- One county × period cell may be printed several times (a table and a sentence, two
  tables, or the same bulletin archived as PDF and DOCX). The value is chosen by a fixed
  order (table before prose, except group subtotals, then status ok, then source path, table,
  row, column) and every cell whose candidates disagree is listed in `Panel.conflicts`.
"""

from __future__ import annotations

import calendar
import logging
import re
import warnings
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import pandas as pd

PERIOD_KINDS = ("month", "bimonth", "quarter", "half", "year")
_MONTHS_TO_KIND = {1: "month", 2: "bimonth", 3: "quarter", 6: "half", 12: "year"}
# Fonts that carry Chinese glyphs, in order of preference (Debian: fonts-noto-cjk,
# fonts-wqy-zenhei / fonts-wqy-microhei, fonts-droid-fallback; then common desktop fonts).
CJK_FONTS = (
    "Noto Sans CJK SC",
    "Noto Sans CJK JP",
    "Noto Serif CJK SC",
    "Source Han Sans SC",
    "Source Han Sans CN",
    "WenQuanYi Zen Hei",
    "WenQuanYi Micro Hei",
    "Droid Sans Fallback",
    "AR PL UMing CN",
    "SimHei",
    "Microsoft YaHei",
    "PingFang SC",
)
_INT_COLUMNS = {"page", "table", "row", "col", "pages", "n_tables", "n_values", "n_findings"}


class PanelError(ValueError):
    """The panel cannot be built as asked (message says why and what to choose)."""


@dataclass
class Panel:
    """One metric as a tidy county × period table, with how each value was chosen."""

    metric: str
    unit: str | None  # canonical unit, or None for the whole county
    period_kind: str
    data: pd.DataFrame  # one row per county × period (see PANEL_COLUMNS)
    conflicts: pd.DataFrame  # one row per candidate of each cell whose candidates disagree
    notes: list[str] = field(default_factory=list)

    @property
    def n_periods(self) -> int:
        return self.data["period"].nunique()


PANEL_COLUMNS = [
    "county",
    "period",
    "period_start",
    "period_end",
    "period_kind",
    "metric",
    "unit",
    "value",
    "text",
    "source",
    "page",
    "table",
    "row",
    "col",
    "column_raw",
    "n_candidates",
    "conflict",
]


# ---------------------------------------------------------------- reading


def read_tables(path: str | Path, names: tuple[str, ...] = ("bulletins", "values")) -> dict[str, pd.DataFrame]:
    """Output tables by name from an output folder (CSV, or Parquet where CSV is absent)
    or a DuckDB file written by `--db`. All columns are read as text; empty cells are ''."""
    path = Path(path)
    if path.is_dir():
        tables = {name: _read_folder(path, name) for name in names}
    elif path.is_file():
        with path.open("rb") as fh:
            head = fh.read(16)
        if not (path.suffix.lower() in (".duckdb", ".ddb", ".db") or head[8:12] == b"DUCK"):
            raise PanelError(f"{path} is neither an output folder nor a DuckDB file")
        tables = _read_duckdb(path, names)
    else:
        raise PanelError(f"{path} not found")
    for frame in tables.values():
        for c in _INT_COLUMNS.intersection(frame.columns):
            # a typed store may hand back 3.0 for an integer column with gaps: keys must match CSV's "3"
            frame[c] = frame[c].astype(str).str.replace(r"^(-?\d+)\.0+$", r"\1", regex=True)
    return tables


def load_tables(path: str | Path) -> tuple[pd.DataFrame, pd.DataFrame]:
    """bulletins and values (see `read_tables`)."""
    tables = read_tables(path, ("bulletins", "values"))
    return tables["bulletins"], tables["values"]


def _read_folder(outdir: Path, table: str) -> pd.DataFrame:
    csv_path, parquet_path = outdir / f"{table}.csv", outdir / f"{table}.parquet"
    if csv_path.exists():
        # as text: unit names may look like numbers or formulas and must stay as printed
        return pd.read_csv(csv_path, dtype=str, keep_default_na=False)
    if parquet_path.exists():
        return pd.read_parquet(parquet_path).astype("string").fillna("").astype(object)
    raise PanelError(f"{outdir} has no {table}.csv (or .parquet): is it an output folder of `bulletin extract`?")


def _read_duckdb(path: Path, names: tuple[str, ...]) -> dict[str, pd.DataFrame]:
    try:
        import duckdb
    except ImportError as exc:  # optional: only needed for --db files
        raise PanelError("reading a DuckDB file needs the duckdb package (pip install duckdb)") from exc
    con = duckdb.connect(str(path), read_only=True)
    try:
        # "values" is an SQL keyword: quote the names
        return {name: con.execute(f'SELECT * FROM "{name}"').df().astype("string").fillna("").astype(object) for name in names}
    finally:
        con.close()


# ---------------------------------------------------------------- periods


def _to_date(text: str) -> date | None:
    try:
        return date.fromisoformat(str(text)[:10]) if text else None
    except ValueError:
        return None


_LABEL = re.compile(r"^(\d{4})(?:-(\d{1,2})|Q([1-4])|H([12]))?$")


def period_bounds(period: str, start: str = "", end: str = "") -> tuple[date | None, date | None]:
    """First and last day of a period: from period_start/period_end, else from a label
    such as 2023-12, 2024Q1, 2024H1 or 2024."""
    s, e = _to_date(start), _to_date(end)
    if s and e:
        return s, e
    m = _LABEL.match((period or "").strip())
    if not m:
        return s, e
    year = int(m.group(1))
    if m.group(2):
        first, last = int(m.group(2)), int(m.group(2))
    elif m.group(3):
        first = 3 * int(m.group(3)) - 2
        last = first + 2
    elif m.group(4):
        first = 6 * int(m.group(4)) - 5
        last = first + 5
    else:
        first, last = 1, 12
    if not 1 <= first <= last <= 12:
        return s, e
    return date(year, first, 1), date(year, last, calendar.monthrange(year, last)[1])


def period_kind(start: date | None, end: date | None) -> str:
    """month, bimonth, quarter, half or year when the period is whole calendar months
    aligned on their kind (a quarter starts in Jan/Apr/Jul/Oct); otherwise 'days:N'
    (e.g. a 16-day span), or 'unknown' without dates."""
    if start is None or end is None or end < start:
        return "unknown"
    whole = start.day == 1 and end.day == calendar.monthrange(end.year, end.month)[1]
    months = (end.year - start.year) * 12 + end.month - start.month + 1
    kind = _MONTHS_TO_KIND.get(months) if whole else None
    if kind and (start.month - 1) % months == 0:
        return kind
    if whole:
        return f"months:{months}"  # e.g. a Feb-Apr span: months, but not a quarter
    return f"days:{(end - start).days + 1}"


# ---------------------------------------------------------------- panel


def _candidates(bulletins: pd.DataFrame, values: pd.DataFrame, metric: str, unit: str | None, column: str | None) -> pd.DataFrame:
    v = values[values["metric"] == metric]
    if unit is None:
        # the county as a whole: a total row, or a figure printed without a row label
        v = v[(v["unit_kind"] == "total") | (v["unit_raw"] == "")]
    else:
        v = v[v["unit"] == unit]
    if column:
        v = v[v["column_raw"].str.contains(column, regex=False)]
    v = v[pd.to_numeric(v["value"], errors="coerce").notna()].copy()
    if "value_period" in v.columns:  # a month's figure quoted in a quarterly bulletin is not the quarter's
        v = v[v["value_period"].fillna("").astype(str) == ""]
    meta_cols = ["source", "status", "county", "period", "period_start", "period_end"]
    meta = bulletins.reindex(columns=meta_cols, fill_value="").drop_duplicates("source", keep="last")
    # the bulletin's metadata wins over the copy in values (it may be filled in later)
    v = v.drop(columns=[c for c in ("county", "period") if c in v.columns]).merge(meta, on="source", how="left")
    v = v.fillna("")
    v["value"] = pd.to_numeric(v["value"])
    bounds = [period_bounds(p, s, e) for p, s, e in zip(v["period"], v["period_start"], v["period_end"], strict=True)]
    v["period_start"] = [b[0].isoformat() if b[0] else "" for b in bounds]
    v["period_end"] = [b[1].isoformat() if b[1] else "" for b in bounds]
    v["period_kind"] = [period_kind(*b) for b in bounds]
    return v


def _rank_key(frame: pd.DataFrame) -> pd.DataFrame:
    """Columns to sort candidates by: table before prose, status ok first, then position.
    A bulletin that prints different total rows for the metric in several tables (镇办 总计 389
    and 部门 总计 1170) prints group subtotals there: its sentence about the whole county wins."""
    key = pd.DataFrame(index=frame.index)
    in_table = frame["table"] != ""
    totals = frame[in_table & (frame["unit_kind"] == "total")]
    split = totals.groupby(["source", "period"]).agg(tables=("table", "nunique"), values=("value", "nunique"))
    split_sources = {s for (s, _), g in split.iterrows() if g["tables"] > 1 and g["values"] > 1}
    subtotal = in_table & (frame["unit_kind"] == "total") & frame["source"].isin(split_sources)
    key["_tier"] = (~in_table).astype(int) + 2 * subtotal.astype(int)  # table 0, prose 1, subtotal 2
    key["_not_ok"] = (frame["status"] != "ok").astype(int)
    key["_source"] = frame["source"]
    for c in ("table", "row", "col"):
        key[f"_{c}"] = pd.to_numeric(frame[c], errors="coerce").fillna(1e9)
    return key


def build_panels(path: str | Path, metric: str, *, unit: str | None = None, column: str | None = None) -> dict[str, Panel]:
    """One panel per period kind present (month, quarter, …), so that no panel mixes
    periods of different lengths. See `build_panel` for the arguments."""
    bulletins, values = load_tables(path)
    cand = _candidates(bulletins, values, metric, unit, column)
    notes: list[str] = []
    missing = cand[(cand["county"] == "") | (cand["period_kind"] == "unknown")]
    if len(missing):
        notes.append(
            f"{missing['source'].nunique()} bulletin(s) with {metric} left out: county or period not known "
            f"({', '.join(sorted(missing['source'].unique())[:3])}{', …' if missing['source'].nunique() > 3 else ''})"
        )
    cand = cand.drop(missing.index)
    if cand.empty:
        where = f"unit {unit!r}" if unit else "the county as a whole (unit_kind total or no row label)"
        raise PanelError(f"no value of metric {metric!r} for {where} with a known county and period" + (f"; {notes[0]}" if notes else ""))
    return {kind: _panel(group, metric, unit, kind, list(notes)) for kind, group in cand.groupby("period_kind", sort=True)}


def build_panel(
    path: str | Path,
    metric: str,
    *,
    unit: str | None = None,
    period_kind: str | None = None,
    column: str | None = None,
) -> Panel:
    """County × period panel of `metric` (a schemas/metrics.yaml id) from an output folder
    or a DuckDB file.

    unit: a canonical unit name (values.unit) to follow across counties; None takes the
        county as a whole (values with unit_kind 'total' or an empty row label).
    period_kind: month, quarter, half, year, … Required when the data holds periods of
        more than one length; PanelError otherwise, naming the kinds found.
    column: keep only values whose printed column header contains this text (to choose
        between two columns that map to the same metric).
    """
    panels = build_panels(path, metric, unit=unit, column=column)
    if period_kind is not None:
        if period_kind not in panels:
            raise PanelError(f"no {period_kind} periods for {metric}; found: {_describe(panels)}")
        return panels[period_kind]
    if len(panels) > 1:
        raise PanelError(
            f"{metric} is printed for periods of different lengths ({_describe(panels)}); "
            "they are not comparable: choose one with --period-kind " + "|".join(panels)
        )
    return next(iter(panels.values()))


def _describe(panels: dict[str, Panel]) -> str:
    return ", ".join(f"{k}: {len(p.data)} county-period(s)" for k, p in panels.items())


def _panel(cand: pd.DataFrame, metric: str, unit: str | None, kind: str, notes: list[str]) -> Panel:
    cand = pd.concat([cand, _rank_key(cand)], axis=1)
    cand = cand.sort_values(["county", "period_start", "_tier", "_not_ok", "_source", "_table", "_row", "_col"], kind="stable")
    rows, conflicts = [], []
    for (_county, _start), group in cand.groupby(["county", "period_start"], sort=True):
        best = group.iloc[0]
        distinct = group["value"].round(9).nunique()
        rows.append(
            {
                **{c: best[c] for c in PANEL_COLUMNS if c in best.index},
                "unit": unit or "",
                "n_candidates": len(group),
                "conflict": distinct > 1,
            }
        )
        if distinct > 1:
            conflicts.append(group.assign(chosen=group.index == best.name))
    data = pd.DataFrame(rows, columns=PANEL_COLUMNS)
    conflict_cols = ["county", "period", "chosen", "value", "text", "source", "page", "table", "row", "col", "unit_raw", "column_raw"]
    conf = pd.concat(conflicts)[conflict_cols] if conflicts else pd.DataFrame(columns=conflict_cols)
    if len(conflicts):
        notes.append(
            f"{len(conflicts)} county-period(s) print different values of {metric}; chosen: table before prose (group subtotals last), "
            "status ok first, then by source path, table, row, column (see conflicts)"
        )
    data = data.sort_values(["county", "period_start"], kind="stable").reset_index(drop=True)
    return Panel(metric, unit, kind, data, conf.reset_index(drop=True), notes)


# ---------------------------------------------------------------- output


def find_cjk_font() -> str | None:
    """Family name of an installed font with Chinese glyphs that matplotlib can use, or None."""
    from matplotlib import font_manager

    installed = {f.name for f in font_manager.fontManager.ttflist}
    for name in CJK_FONTS:
        if name in installed:
            return name
    for f in font_manager.fontManager.ttflist:  # any other family that says it is CJK
        if re.search(r"CJK|Han Sans|Hei|Song|Ming|Kai", f.name):
            return f.name
    # matplotlib caches its font list once: a font installed after that is not in it
    for path in font_manager.findSystemFonts():
        if re.search(r"(?i)cjk|wqy|droidsansfallback|sourcehan|uming|ukai", Path(path).name):
            try:
                font_manager.fontManager.addfont(path)
                return font_manager.FontProperties(fname=path).get_name()
            except (OSError, RuntimeError, ValueError):
                continue
    return None


def plot_panel(panel: Panel, png_path: str | Path, *, title: str | None = None) -> list[str]:
    """Draw the panel as a PNG: one line per county over the periods, or a ranked bar
    chart when there is a single period. Returns warnings (also issued with
    `warnings.warn`), e.g. when no CJK font is installed and Chinese labels cannot show."""
    import matplotlib

    matplotlib.use("Agg")  # no display; must precede pyplot
    import matplotlib.pyplot as plt

    notes: list[str] = []
    font = find_cjk_font()
    rc = {"axes.unicode_minus": False}
    if font:
        rc["font.family"] = [font, "DejaVu Sans"]
    else:
        notes.append(
            "no CJK font found: Chinese labels in the chart will show as boxes. "
            "Install one (Debian: apt-get install fonts-noto-cjk or fonts-wqy-zenhei) and rerun."
        )
    fm_log = logging.getLogger("matplotlib.font_manager")
    level = fm_log.level
    fm_log.setLevel(logging.ERROR)  # "Failed to find font weight normal" noise for CJK families
    try:
        _draw(panel, png_path, title, rc, plt)
    finally:
        fm_log.setLevel(level)
    for n in notes:
        warnings.warn(n, stacklevel=2)
    return notes


def _draw(panel: Panel, png_path: str | Path, title: str | None, rc: dict, plt) -> None:
    data = panel.data
    what = f"{panel.metric} · {panel.unit}" if panel.unit else f"{panel.metric} (county total)"
    with plt.rc_context(rc), warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="Glyph .* missing from")  # said once, by plot_panel
        if panel.n_periods <= 1:
            ranked = data.sort_values("value", ascending=True, kind="stable")
            fig, ax = plt.subplots(figsize=(8, max(2.5, 0.4 * len(ranked) + 1.2)))
            ax.barh(ranked["county"], ranked["value"], color="#3b6ea5")
            for y, v in enumerate(ranked["value"]):
                ax.annotate(f"{v:g}", (v, y), xytext=(3, 0), textcoords="offset points", va="center", fontsize=8)
            ax.set_xlabel(panel.metric)
            period = data["period"].iloc[0] if len(data) else ""
            ax.set_title(title or f"{what}, {period}")
        else:
            fig, ax = plt.subplots(figsize=(9, 5))
            starts = sorted(data["period_start"].unique())
            labels = {s: data.loc[data["period_start"] == s, "period"].iloc[0] or s for s in starts}
            pos = {s: i for i, s in enumerate(starts)}  # evenly spaced: one tick per period
            for county, g in data.groupby("county", sort=True):
                ax.plot([pos[s] for s in g["period_start"]], g["value"], marker="o", label=county)
            ax.set_xticks(range(len(starts)), [labels[s] for s in starts], rotation=45 if len(starts) > 8 else 0)
            ax.set_ylabel(panel.metric)
            ax.set_title(title or f"{what}, by {panel.period_kind}")
            ax.legend(fontsize=8, loc="best")
            ax.grid(alpha=0.3)
        fig.tight_layout()
        Path(png_path).parent.mkdir(parents=True, exist_ok=True)
        fig.savefig(png_path, dpi=120)
        plt.close(fig)


def write_panel(panel: Panel, csv_path: str | Path, png_path: str | Path | None = None) -> list[str]:
    """Write the panel as CSV (and its conflicts beside it as `<stem>.conflicts.csv` when
    there are any) and, with png_path, the chart. Returns the panel's notes and the
    chart's warnings, for the caller to print."""
    csv_path = Path(csv_path)
    csv_path.parent.mkdir(parents=True, exist_ok=True)
    panel.data.to_csv(csv_path, index=False)
    if len(panel.conflicts):
        panel.conflicts.to_csv(csv_path.with_name(csv_path.stem + ".conflicts.csv"), index=False)
    notes = list(panel.notes)
    if png_path is not None:
        notes += plot_panel(panel, png_path)
    return notes
