"""The Python API, for notebooks and scripts: what `bulletin extract` does, as DataFrames.

    import extractor
    result = extractor.extract("archive/")          # a folder, a file, or a list of them
    result.values                                   # pandas.DataFrame typed from the output contract
    result.to_duckdb("archive.duckdb")
    b = extractor.bulletin("one.docx")              # one document: its tables as DataFrames, its findings

`extract` runs the same batch as the command line (the same worker pool and per-file limits,
the same resumable store when `outdir` is given: `cli.py` is a thin layer over `run`), so it
gives the same rows. Without `outdir` the store is a temporary folder that lives as long as
the result. pandas and the stages are imported when first used, never by `import extractor`.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import weakref
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .batch import Limits, connect_dask, file_sha256, run_batch
from .export import (
    DERIVED_FILES,
    ExportError,
    ResultStore,
    RunLock,
    StoreWriteError,
    check_db,
    committed_rows,
    field_types,
    load_duckdb,
    lock_db,
    write_formats,
)
from .model import ReadLimits
from .pipeline import BulletinResult, Options, failed_result, process_file

if TYPE_CHECKING:
    import pandas as pd

PathLike = str | os.PathLike[str]


def expand_inputs(inputs: PathLike | Iterable[PathLike]) -> list[Path]:
    """Files as given, folders walked recursively in name order; hidden files skipped."""
    if isinstance(inputs, str | os.PathLike):
        inputs = [inputs]
    paths: list[Path] = []
    for item in inputs:
        path = Path(item)
        if path.is_dir():
            paths.extend(
                p for p in sorted(path.rglob("*")) if p.is_file() and not any(part.startswith(".") for part in p.relative_to(path).parts)
            )
        else:
            paths.append(path)
    return paths


class OutputWriteError(Exception):
    """The store could not be written (a full disk): finished inputs are kept, the same call resumes."""


@dataclass
class Run:
    """What one batch run did. `outdir` holds the output tables (the CSV store)."""

    outdir: Path
    inputs: int = 0
    processed: int = 0  # inputs read this run
    skipped: int = 0  # inputs already done in outdir (same path and content)
    statuses: Counter = field(default_factory=Counter)
    totals: Counter = field(default_factory=Counter)  # n_tables, n_values, n_findings of this run
    interrupted: bool = False  # Ctrl-C: finished inputs are kept
    write_error: str | None = None  # the store could not be written; finished inputs are kept
    kept: int = 0  # inputs finished and kept in outdir, this run and earlier ones
    written: list[Path] = field(default_factory=list)  # --format files
    db_counts: dict[str, int] | None = None  # rows loaded into --db
    export_error: str | None = None  # a --format/--db output could not be written (the CSVs are complete)
    stale: list[str] = field(default_factory=list)  # derived formats of earlier runs that lack this run's rows

    @property
    def message(self) -> str:
        """The one line a full disk ends with."""
        return (
            f"{self.write_error}; {self.kept} inputs are finished and kept in {self.outdir}; "
            "free some space and run the same command again to resume"
        )


ResultHook = Callable[[Path, BulletinResult], None]


def run(
    inputs: PathLike | Iterable[PathLike],
    outdir: PathLike,
    *,
    force: bool = False,
    workers: int | None = None,
    limits: Limits | None = None,
    options: Options | None = None,
    formats: Iterable[str] = (),
    db: PathLike | None = None,
    scheduler: str | None = None,
    client: Any = None,
    progress: Any = None,
    on_result: ResultHook | None = None,
    on_client: Callable[[Any], None] | None = None,
) -> Run:
    """The batch behind `bulletin extract` and `extract`: checks (OUTDIR and --db locked and
    writable, the scheduler reachable) before any work, then reads every input not yet done into
    the store, then writes the derived formats and loads --db. Raises OutputExists (OutputInUse
    when another run holds OUTDIR or DB), ExportError, SchedulerError before any work; a full disk
    or Ctrl-C during the run are reported in the returned Run, never as a half-written store.
    `progress`: a rich Progress to advance; `on_result(path, result)` after each input is stored."""
    outdir = Path(outdir)
    options = options or Options()
    limits = limits or Limits()
    formats = tuple(formats)
    db_path = Path(db) if db is not None else None
    db_lock: RunLock | None = None
    if db_path is not None:  # checked and held before any work, like OUTDIR
        check_db(db_path)
        db_lock = lock_db(db_path)
    try:
        store = ResultStore(outdir, force=force)
        own_client = None
        report: Run | None = None
        try:
            if client is None and scheduler is not None:
                client = own_client = connect_dask(scheduler)
                if on_client is not None:
                    on_client(client)
            report = _run_into(store, expand_inputs(inputs), workers, limits, options, client, progress, on_result)
        finally:
            try:
                store.close()
            except StoreWriteError as exc:  # datapackage.json on a disk that just filled up: the CSVs are consistent
                if report is not None:
                    report.write_error = report.write_error or str(exc)
            if own_client is not None:
                own_client.close()
        if report.interrupted or report.write_error:
            return report
        try:  # derived from the finished CSV store, so a resumed run writes them complete
            report.written = write_formats(outdir, formats)
            if db_path is not None:
                report.db_counts = load_duckdb(outdir, db_path)
        except ExportError as exc:
            report.export_error = str(exc)
        if report.statuses:  # new rows this run: derived files of formats not asked for now are behind the CSVs
            report.stale = [
                f"--format {f}" for f, names in DERIVED_FILES.items() if f not in formats and any((outdir / n).exists() for n in names)
            ]
        return report
    finally:
        if db_lock is not None:
            db_lock.release()


def _run_into(
    store: ResultStore,
    paths: list[Path],
    workers: int | None,
    limits: Limits,
    options: Options,
    client: Any,
    progress: Any,
    on_result: ResultHook | None,
) -> Run:
    report = Run(outdir=store.outdir, inputs=len(paths))
    todo: list[Path] = []
    hashes: dict[Path, str] = {}
    unreadable: dict[Path, str] = {}
    try:
        for path in paths:
            try:
                hashes[path] = file_sha256(path)
            except OSError as exc:  # gone since it was listed, or not ours to read: a failed row, the batch goes on
                if store.is_done(str(path), ""):
                    continue  # already has its failed row; it is read again once it can be hashed
                hashes[path] = ""
                unreadable[path] = f"cannot read: {exc.strerror or exc}"
                todo.append(path)
                continue
            if not store.is_done(str(path), hashes[path]):
                todo.append(path)
    except KeyboardInterrupt:
        report.interrupted = True
        report.kept = store.n_done
        return report
    report.skipped = len(paths) - len(todo)
    n_workers = (os.cpu_count() or 1) if workers is None else workers
    task = progress.add_task("extract", total=len(todo), rate="–", failed=0) if progress is not None else None
    readable = [p for p in todo if p not in unreadable]
    results = run_batch(readable, workers=n_workers, limits=limits, options=options, client=client)
    try:
        for path, result in _in_order(todo, unreadable, results):
            try:
                store.write(result, hashes[path])
            except StoreWriteError as exc:
                report.write_error = str(exc)
                break
            report.processed += 1
            report.statuses[result.status] += 1
            for key in ("n_tables", "n_values", "n_findings"):
                report.totals[key] += result.bulletin.get(key) or 0
            if on_result is not None:
                on_result(path, result)
            if task is not None:
                elapsed = progress.tasks[0].elapsed or 0
                done = progress.tasks[0].completed + 1
                progress.update(task, advance=1, failed=report.statuses["failed"], rate=f"{done / elapsed:.1f}" if elapsed else "–")
    except KeyboardInterrupt:
        report.interrupted = True
    finally:
        results.close()  # stops the worker pool at once after a failure or Ctrl-C
    report.kept = store.n_done
    return report


def _in_order(
    todo: list[Path], unreadable: dict[Path, str], results: Iterator[tuple[Path, BulletinResult]]
) -> Iterator[tuple[Path, BulletinResult]]:
    """Results in input order, the inputs that could not even be hashed among them."""
    for path in todo:
        if path in unreadable:
            yield path, failed_result(path, unreadable[path])
        else:
            yield next(results)


def progress_bar(console: Any = None, transient: bool = True, disable: bool = False) -> Any:
    """The batch's progress bar (rich: a terminal, or a Jupyter notebook's output cell)."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    return Progress(
        TextColumn("[bold]extract"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("{task.fields[rate]} files/s · {task.fields[failed]} failed"),
        TimeElapsedColumn(),
        console=console,
        transient=transient,
        disable=disable,
    )


# ---------------------------------------------------------------------------
# Results as DataFrames


_DTYPES = {"integer": "Int64", "number": "float64", "string": "string"}


def frame(table: str, rows: Iterable[dict]) -> pd.DataFrame:
    """Rows of one contract table as a DataFrame with the contract's columns and types:
    integers as nullable Int64, numbers as float, dates as datetime64, text as string; an
    empty cell is missing (NA)."""
    import pandas as pd

    types = field_types(table)
    data = pd.DataFrame.from_records([{name: _text(row.get(name)) for name in types} for row in rows], columns=list(types))
    for name, kind in types.items():
        column = data[name].replace("", None)
        if kind == "date":
            data[name] = pd.to_datetime(column, format="%Y-%m-%d")
        elif kind in ("integer", "number"):
            data[name] = pd.to_numeric(column).astype(_DTYPES[kind])
        else:
            data[name] = column.astype("string")
    return data


def _text(value: object) -> str:
    return "" if value is None else str(value)


class Result:
    """The output of `extract`: its four tables as DataFrames (read when first used) and the Run."""

    def __init__(self, run: Run, temporary: bool = False) -> None:
        self.run = run
        self.outdir = run.outdir
        if temporary:  # no outdir asked for: the store goes away with the result
            self._cleanup = weakref.finalize(self, shutil.rmtree, str(run.outdir), True)

    def _table(self, table: str) -> pd.DataFrame:
        return frame(table, (row for _, _, row in committed_rows(self.outdir, table)))

    @cached_property
    def bulletins(self) -> pd.DataFrame:
        """bulletins.csv: one row per input, with its status and metadata."""
        return self._table("bulletins")

    @cached_property
    def values(self) -> pd.DataFrame:
        """values.csv: one row per number or grade read, with its provenance."""
        return self._table("values")

    @cached_property
    def findings(self) -> pd.DataFrame:
        """findings.csv: problems found (reading, structure, arithmetic)."""
        return self._table("findings")

    @cached_property
    def units(self) -> pd.DataFrame:
        """units.csv: one row per (county, printed unit name) with its resolution."""
        return self._table("units")

    def to_duckdb(self, path: PathLike) -> dict[str, int]:
        """Load the results into a DuckDB file as `--db` does (tables bulletins, values, findings,
        units; keyed by source + sha256, so loading twice never duplicates). Rows per table."""
        path = Path(path)
        check_db(path)
        lock = lock_db(path)
        try:
            return load_duckdb(self.outdir, path)
        finally:
            lock.release()

    def __repr__(self) -> str:
        statuses = ", ".join(f"{n} {s}" for s, n in sorted(self.run.statuses.items())) or "nothing new"
        return f"<extractor.Result {self.run.processed} processed ({statuses}), {self.run.skipped} already done, in {self.outdir}>"


def extract(
    inputs: PathLike | Iterable[PathLike],
    outdir: PathLike | None = None,
    *,
    force: bool = False,
    workers: int | None = None,
    timeout: float = Limits.seconds_per_file,
    memory_mb: int | None = Limits.memory_mb,
    aliases: PathLike | None = None,
    read_limits: ReadLimits | None = None,
    formats: Iterable[str] = (),
    db: PathLike | None = None,
    scheduler: str | None = None,
    progress: bool = False,
) -> Result:
    """Read bulletins (files, folders or a list of both) as `bulletin extract` does.

    With `outdir` the results go to that folder's resumable store (a second call resumes;
    `force=True` starts over); without, to a temporary one kept as long as the result.
    `workers`, `timeout` (seconds per file), `memory_mb` and `read_limits` are the command's
    limits; `progress=True` shows a progress bar (in a notebook, under the cell). A full disk
    raises OutputWriteError (finished inputs are kept: call again to resume); Ctrl-C keeps
    them too and raises KeyboardInterrupt."""
    temporary = outdir is None
    target = Path(tempfile.mkdtemp(prefix="bulletin-")) if temporary else Path(outdir)
    options = Options(aliases=checked_aliases(aliases), read_limits=read_limits or ReadLimits())
    bar = progress_bar(transient=False) if progress else None
    try:
        if bar is not None:
            bar.start()
        try:
            report = run(
                inputs,
                target,
                force=force,
                workers=workers,
                limits=Limits(seconds_per_file=timeout, memory_mb=memory_mb),
                options=options,
                formats=formats,
                db=db,
                scheduler=scheduler,
                progress=bar,
            )
        finally:
            if bar is not None:
                bar.stop()
    except BaseException:
        if temporary:
            shutil.rmtree(target, ignore_errors=True)
        raise
    if report.interrupted:
        raise KeyboardInterrupt(f"interrupted: {report.kept} finished inputs are kept in {target}")
    if report.write_error:
        raise OutputWriteError(report.message)
    if report.export_error:
        raise ExportError(f"{report.export_error}; the CSV files in {target} are complete")
    return Result(report, temporary=temporary)


def checked_aliases(path: PathLike | None) -> str | None:
    """The user's aliases file, read once up front so that a bad row stops the run before any
    work (raises extractor.units.AliasError); its absolute path for the workers."""
    if path is None:
        return None
    from .units import load_aliases

    load_aliases(str(path))
    return str(Path(path).resolve())


# ---------------------------------------------------------------------------
# One document


class Bulletin:
    """One document read by the whole pipeline (in this process): `info` its bulletins.csv row,
    `tables` its data tables as DataFrames, `values`, `findings`, `units` as in the contract."""

    def __init__(self, result: BulletinResult) -> None:
        self._result = result
        self.info: dict = dict(result.bulletin)
        self.logical_tables = list(result.tables)  # extractor.tables.LogicalTable, for the details

    @property
    def status(self) -> str:
        return self._result.status

    @cached_property
    def tables(self) -> list[pd.DataFrame]:
        """One DataFrame per data table: a row per printed body row (`row` as printed, `unit_raw`,
        `parent_unit`, `is_total`), a column per value column named by its header path
        (`按期办结率情况（40分） / 提前率（10分）`); a cell is its number (percentages as percent
        numbers) or, where it is not a number, its text as printed. `df.attrs` holds `number`,
        `caption`, `pages` and `header_paths` (column name → the path as a tuple)."""
        return [table_frame(t) for t in self.logical_tables if t.kind == "data"]

    @cached_property
    def values(self) -> pd.DataFrame:
        return frame("values", self._result.values)

    @cached_property
    def findings(self) -> pd.DataFrame:
        return frame("findings", self._result.findings)

    @cached_property
    def units(self) -> pd.DataFrame:
        return frame("units", self._result.units)

    def __repr__(self) -> str:
        source, n_values = self.info.get("source"), len(self._result.values)
        return f"<extractor.Bulletin {source} [{self.status}] {len(self.tables)} tables, {n_values} values>"


def bulletin(path: PathLike, *, aliases: PathLike | None = None, read_limits: ReadLimits | None = None) -> Bulletin:
    """Read one document with every stage, in this process (no time or memory limit)."""
    options = Options(aliases=checked_aliases(aliases), read_limits=read_limits or ReadLimits())
    try:
        sha = file_sha256(Path(path))
    except OSError as exc:
        result = failed_result(path, f"cannot read: {exc.strerror or exc}")
        result.bulletin["sha256"] = ""
        return Bulletin(result)
    result = process_file(path, options)
    result.bulletin["sha256"] = sha
    return Bulletin(result)


def table_frame(table: Any) -> pd.DataFrame:
    """A LogicalTable as a DataFrame (see Bulletin.tables)."""
    import pandas as pd

    columns = table.value_columns
    names = _unique([c.header or f"column {c.col or c.key}" for c in columns])
    records = []
    for row in table.rows:
        record: dict[str, object] = {"row": row.row, "unit_raw": row.unit_raw, "parent_unit": row.parent_unit, "is_total": row.is_total}
        for column, name in zip(columns, names, strict=True):
            cell = row.cells.get(column.key)
            if cell is None:
                record[name] = None
            elif cell.parsed is not None and cell.parsed.value is not None:
                value = cell.parsed.value
                record[name] = int(value) if value == int(value) and abs(value) < 1e15 else value  # counts as integers
            else:
                record[name] = cell.text
        records.append(record)
    data = pd.DataFrame.from_records(records, columns=["row", "unit_raw", "parent_unit", "is_total", *names])
    data.attrs.update(
        number=table.number,
        caption=table.caption,
        pages=list(table.pages),
        header_paths={name: tuple(c.path) for name, c in zip(names, columns, strict=True)},
    )
    return data


def _unique(names: list[str]) -> list[str]:
    seen: Counter = Counter()
    out = []
    for name in names:
        seen[name] += 1
        out.append(name if seen[name] == 1 else f"{name} ({seen[name]})")
    return out
