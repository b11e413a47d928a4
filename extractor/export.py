"""Write results as the output contract: four CSVs plus datapackage.json.

Rows are streamed to disk file by file. A manifest in OUTDIR/.bulletin records,
after each input, its content hash and the size of every CSV, so a run that
was interrupted (Ctrl-C, crash, power cut) resumes where it stopped: partial
rows of an unfinished file are cut off and finished inputs are skipped."""

from __future__ import annotations

import csv
import errno
import fcntl
import io
import json
import os
import shutil
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import IO

from .contract import TABLES, columns, datapackage
from .pipeline import BulletinResult

CSV_FILES = tuple(f"{t}.csv" for t in TABLES)
OUTPUT_FILES = CSV_FILES + ("datapackage.json",)
STATE_DIR = ".bulletin"
MANIFEST = "manifest.jsonl"

# --format: CSV is always written (it is the resumable store); the others are derived from it at the end of a run
FORMATS = ("csv", "parquet", "xlsx", "json")
XLSX_FILE = "tables.xlsx"  # one workbook, one sheet per table: what a spreadsheet user wants to open
DERIVED_FILES = {
    "csv": (),
    "parquet": tuple(f"{t}.parquet" for t in TABLES),
    "json": tuple(f"{t}.json" for t in TABLES),
    "xlsx": (XLSX_FILE,),
}
ALL_OUTPUT_FILES = OUTPUT_FILES + tuple(name for names in DERIVED_FILES.values() for name in names)


class OutputExists(Exception):
    """OUTDIR cannot be used as asked (it would overwrite, or is not a folder)."""


class OutputInUse(OutputExists):
    """Another run holds OUTDIR (or the --db file): refused before any work, so two runs never interleave rows."""


class StoreWriteError(OSError):
    """A CSV or the manifest of the store could not be written (disk full, I/O error). What was
    committed before stays consistent: the same command resumes after the last finished input."""

    def __init__(self, path: Path, exc: OSError) -> None:
        super().__init__(exc.errno, exc.strerror or str(exc), str(path))
        self.path = path

    def __str__(self) -> str:
        return f"cannot write {self.path}: {self.strerror}"


LOCK_FILE = "lock"


class RunLock:
    """An exclusive lock on PATH for the life of one run: `flock`, which the OS releases when the
    process dies, so a killed run never leaves OUTDIR locked. The file holds the owner's pid for
    the message, and is removed on release."""

    def __init__(self, path: Path, what: str) -> None:
        self.path = path
        while True:
            fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                owner = os.pread(fd, 64, 0).decode("ascii", "replace").strip()
                os.close(fd)
                by = f" (pid {owner})" if owner.isdigit() else ""
                raise OutputInUse(f"{what} is in use by another bulletin run{by}; wait for it to finish or choose another") from None
            except OSError:
                os.close(fd)
                raise
            # the holder before us may have removed the file after we opened it: lock the file at PATH, not a stale one
            try:
                same = os.stat(path).st_ino == os.fstat(fd).st_ino
            except FileNotFoundError:
                same = False
            if same:
                break
            os.close(fd)
        self._fd: int | None = fd
        os.ftruncate(fd, 0)
        os.pwrite(fd, str(os.getpid()).encode("ascii"), 0)

    def release(self) -> None:
        if self._fd is None:
            return
        try:
            self.path.unlink(missing_ok=True)  # while still held: nobody can be using it now
        except OSError:
            pass
        os.close(self._fd)  # releases the flock
        self._fd = None


def lock_db(path: Path) -> RunLock:
    """Hold the --db file for this run (FILE.duckdb.lock beside it), or raise OutputInUse."""
    try:
        return RunLock(path.with_name(path.name + ".lock"), str(path))
    except OSError as exc:
        if isinstance(exc, OutputInUse):
            raise
        raise ExportError(f"cannot lock {path}: {exc.strerror or exc}") from exc


def _cell(value: object) -> object:
    return "" if value is None else value


def _read_manifest(path: Path) -> tuple[list[dict], int]:
    """Entries of a manifest up to the first damaged line, and the byte length of those good lines."""
    entries: list[dict] = []
    good = 0
    with path.open("rb") as fh:
        for line in fh:
            try:
                entry = json.loads(line.decode("utf-8"))
                entry["sizes"]
            except (UnicodeDecodeError, json.JSONDecodeError, KeyError, TypeError):
                break  # a line cut short by a crash: the entry before it is the last good one
            if not line.endswith(b"\n"):
                break
            entries.append(entry)
            good += len(line)
    return entries, good


class ResultStore:
    """The output folder of one batch: fresh, resumed, or (with force) started over."""

    def __init__(self, outdir: Path, force: bool = False) -> None:
        self.outdir = outdir
        self.manifest_path = outdir / STATE_DIR / MANIFEST
        self.done: set[tuple[str, str]] = set()  # (source, sha256) already written
        self._committed: dict[str, int] = {}  # size of each CSV after the last finished input
        self._units_seen: set[tuple[str, ...]] = set()  # units.csv rows already in the store (one per name and resolution)
        self._files: dict[str, IO[str]] = {}
        self._manifest: IO[str] | None = None
        self._lock: RunLock | None = None
        self._broken = False  # a write failed: close() must not try to flush the lost bytes again
        self._lock = self._check(force)
        try:
            resuming = self.manifest_path.exists()
            if resuming:
                self._recover()
            self._writers: dict[str, csv.DictWriter] = {}
            for table in TABLES:
                fh = (outdir / f"{table}.csv").open("a" if resuming else "w", encoding="utf-8", newline="")
                writer = csv.DictWriter(fh, fieldnames=columns(table), extrasaction="ignore")
                if not resuming:
                    writer.writeheader()
                self._files[table] = fh
                self._writers[table] = writer
            self._manifest = self.manifest_path.open("a", encoding="utf-8")
            if not resuming:
                self._commit({"start": True})
        except BaseException as exc:
            self._broken = True
            for fh in [*self._files.values(), *([self._manifest] if self._manifest else [])]:
                try:
                    fh.close()
                except OSError:
                    pass
            self._release()
            if isinstance(exc, OSError) and not isinstance(exc, OutputExists):
                raise OutputExists(f"cannot write to {self.outdir}: {exc.strerror or exc}") from exc
            raise

    @property
    def resumed(self) -> bool:
        return bool(self.done)

    def _check(self, force: bool) -> RunLock:
        """Probe and lock OUTDIR; with force, clear it. Returns the lock, held until close()."""
        if self.outdir.exists() and not self.outdir.is_dir():
            raise OutputExists(f"{self.outdir} exists and is not a directory")
        # probe first, with or without --force: an unwritable OUTDIR must stop the run before any work or deletion
        try:
            self.outdir.mkdir(parents=True, exist_ok=True)
            (self.outdir / STATE_DIR).mkdir(exist_ok=True)
            # the lock before anything is read or deleted: a second run into this OUTDIR stops here
            lock = RunLock(self.outdir / STATE_DIR / LOCK_FILE, str(self.outdir))
        except OutputInUse:
            raise
        except OSError as exc:
            raise OutputExists(f"cannot write to {self.outdir}: {exc.strerror or exc}") from exc
        try:
            probe = self.outdir / STATE_DIR / ".write-test"
            probe.write_bytes(b"")
            probe.unlink()
            if force:
                for name in ALL_OUTPUT_FILES:
                    (self.outdir / name).unlink(missing_ok=True)
                for entry in (self.outdir / STATE_DIR).iterdir():
                    if entry.name == LOCK_FILE:
                        continue  # ours, held: removing it would let another run take a fresh one
                    if entry.is_dir():
                        shutil.rmtree(entry, ignore_errors=True)
                    else:
                        entry.unlink(missing_ok=True)
                return lock
            existing = [name for name in ALL_OUTPUT_FILES if (self.outdir / name).exists()]
            if existing and not self.manifest_path.exists():
                raise OutputExists(
                    f"{self.outdir} already has {', '.join(existing)} not written by a resumable run; use --force to overwrite"
                )
        except BaseException as exc:
            lock.release()
            if isinstance(exc, OSError):
                raise OutputExists(f"cannot write to {self.outdir}: {exc.strerror or exc}") from exc
            raise
        return lock

    def _recover(self) -> None:
        """Cut each CSV back to its size after the last finished input."""
        entries, good_bytes = _read_manifest(self.manifest_path)
        if not entries:
            raise OutputExists(f"{self.manifest_path} is unreadable; use --force to start over")
        # drop a line cut short by a crash, or the next run's entries would be appended after it and lost
        with self.manifest_path.open("r+b") as fh:
            fh.truncate(good_bytes)
        for entry in entries:
            if "sha256" in entry:
                self.done.add((entry["source"], entry["sha256"]))
        sizes: dict[str, int] = entries[-1]["sizes"]
        self._committed = dict(sizes)
        for name, size in sizes.items():
            path = self.outdir / name
            if not path.exists() or path.stat().st_size < size:
                raise OutputExists(f"{path} changed since the last run; use --force to start over")
            with path.open("r+b") as fh:
                fh.truncate(size)
        self._units_seen = {_units_key(row) for _, _, row in committed_rows(self.outdir, "units")}

    def _commit(self, entry: dict) -> None:
        for table, fh in self._files.items():
            self._guard(self.outdir / f"{table}.csv", fh.flush)
        entry["sizes"] = {f"{t}.csv": self._files[t].tell() for t in TABLES}
        self._committed = entry["sizes"]  # before the manifest line: an interruption in between only loses rows a resume redoes
        line = json.dumps(entry, ensure_ascii=False) + "\n"
        self._guard(self.manifest_path, lambda: (self._manifest.write(line), self._manifest.flush()))

    def _guard(self, path: Path, write) -> None:
        """Run one write; an OSError (a full disk) becomes StoreWriteError naming the file."""
        try:
            write()
        except OSError as exc:
            self._broken = True
            raise StoreWriteError(path, exc) from exc

    @property
    def n_done(self) -> int:
        """Inputs finished and kept in this OUTDIR (this run and earlier ones)."""
        return len(self.done)

    def is_done(self, source: str, sha256: str) -> bool:
        return (source, sha256) in self.done

    def write(self, result: BulletinResult, sha256: str = "") -> None:
        if self._broken:
            raise StoreWriteError(self.manifest_path, OSError(errno.EIO, "an earlier write failed"))
        result.bulletin["sha256"] = sha256
        self._write_rows("bulletins", [result.bulletin])
        for table in ("values", "findings"):
            self._write_rows(table, getattr(result, table))
        # one units.csv row per (county, printed name) over the whole store; a second row only when a
        # later bulletin resolves the name differently (an alias valid for some periods only)
        new_units = []
        for row in result.units:
            key = _units_key(row)
            if key not in self._units_seen:
                new_units.append(row)
        self._write_rows("units", new_units)
        source = result.bulletin["source"]
        self._commit({"source": source, "sha256": sha256, "status": result.status})
        self._units_seen.update(_units_key(row) for row in new_units)  # after the commit: a failed write leaves them unseen
        self.done.add((source, sha256))

    def _write_rows(self, table: str, rows: list[dict]) -> None:
        writer = self._writers[table]
        path = self.outdir / f"{table}.csv"
        for row in rows:
            self._guard(path, lambda row=row: writer.writerow({k: _cell(v) for k, v in row.items()}))

    def close(self) -> None:
        for fh in [*self._files.values(), *([self._manifest] if self._manifest else [])]:
            try:
                fh.close()
            except OSError:
                if not self._broken:
                    raise
                # after a failed write the buffer still holds the lost bytes; they are cut off below anyway
        self._files.clear()
        self._manifest = None
        try:
            # Ctrl-C (or any error) in the middle of write(): cut the rows of that unfinished input now,
            # so the CSVs hold exactly the finished inputs, not only after a resume
            for name, size in self._committed.items():
                path = self.outdir / name
                if path.stat().st_size > size:
                    with path.open("r+b") as fh:
                        fh.truncate(size)
            package = json.dumps(datapackage(), ensure_ascii=False, indent=2) + "\n"
            target = self.outdir / "datapackage.json"
            tmp = _tmp_path(target)
            try:
                tmp.write_text(package, encoding="utf-8")
                os.replace(tmp, target)
            except OSError as exc:
                tmp.unlink(missing_ok=True)
                if not self._broken:
                    raise StoreWriteError(target, exc) from exc
        finally:
            self._release()

    def _release(self) -> None:
        if self._lock is not None:
            self._lock.release()
            self._lock = None

    def __enter__(self) -> ResultStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _units_key(row: dict) -> tuple[str, ...]:
    """A units.csv row as the CSV holds it: a row read back and a row about to be written compare equal."""
    return tuple(str(_cell(row.get(name))) for name in columns("units"))


# ---------------------------------------------------------------------------
# Reading the store back: only rows of finished inputs, each with the input it came from.


def committed_rows(outdir: Path, table: str) -> Iterator[tuple[str, str, dict[str, str]]]:
    """Yield (source, sha256, row) for every row of TABLE.csv that belongs to a finished input.

    The manifest records each CSV's size after every input, so the bytes between two
    entries are exactly that input's rows. That gives values/findings/units rows their
    input's content hash (the CSVs do not carry it) and leaves out rows of an input
    that was cut off by Ctrl-C. Memory: one input's rows at a time."""
    entries, _ = _read_manifest(outdir / STATE_DIR / MANIFEST)
    if not entries:
        return
    name = f"{table}.csv"
    fields = columns(table)
    with (outdir / name).open("rb") as fh:
        start = entries[0]["sizes"][name]  # after the header
        fh.seek(start)
        for entry in entries[1:]:
            end = entry["sizes"][name]
            chunk = fh.read(end - start).decode("utf-8")
            start = end
            if not chunk:
                continue
            for row in csv.DictReader(io.StringIO(chunk, newline=""), fieldnames=fields):
                yield entry["source"], entry["sha256"], row


def field_types(table: str) -> dict[str, str]:
    """Frictionless type of each column (string, integer, number, date), from the contract."""
    for resource in datapackage()["resources"]:
        if resource["name"] == table:
            return {f["name"]: f["type"] for f in resource["schema"]["fields"]}
    raise KeyError(table)


class ExportError(Exception):
    """A derived output (Parquet, XLSX, JSON, DuckDB) could not be written; the CSVs are intact."""


def _typed(value: str, kind: str, where: str) -> object:
    if value == "":
        return None  # the contract's missingValues
    try:
        if kind == "integer":
            return int(value)
        if kind == "number":
            return float(value)
        if kind == "date":
            return date.fromisoformat(value)
    except ValueError as exc:
        raise ExportError(f"{where}: {value!r} is not a valid {kind} (output contract)") from exc
    return value


def typed_rows(outdir: Path, table: str) -> Iterator[tuple[str, str, dict[str, object]]]:
    """committed_rows with each value converted to its contract type (empty → None)."""
    types = field_types(table)
    for n, (source, sha, row) in enumerate(committed_rows(outdir, table), start=1):
        yield source, sha, {k: _typed(v or "", types[k], f"{table}.csv row {n}, {k}") for k, v in row.items()}


def _tmp_path(path: Path):
    """Write to a temporary name and rename at the end: a cut-off export never looks complete."""
    return path.with_name(f".{path.name}.tmp")


def write_formats(outdir: Path, formats: tuple[str, ...] | list[str]) -> list[Path]:
    """Write the derived formats of every table from the CSV store. Returns the files written."""
    written: list[Path] = []
    for fmt in dict.fromkeys(formats):  # once each, in the order asked
        if fmt == "csv":
            continue
        if fmt not in FORMATS:
            raise ValueError(f"unknown format {fmt!r}")
        writer = {"parquet": _write_parquet, "json": _write_json, "xlsx": _write_xlsx}[fmt]
        for name in DERIVED_FILES[fmt]:
            (outdir / name).unlink(missing_ok=True)  # a stale file from an earlier run must not survive a failure
        try:
            written.extend(writer(outdir))
        except OSError as exc:
            raise ExportError(f"cannot write {fmt}: {exc}") from exc
    return written


BATCH_ROWS = 20_000  # rows per Parquet/DuckDB batch: bounded memory on any archive size


def _batches(rows: Iterator, size: int = BATCH_ROWS) -> Iterator[list]:
    batch: list = []
    for row in rows:
        batch.append(row)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


def _arrow_schema(table: str, extra: tuple[str, ...] = ()):
    import pyarrow as pa

    kinds = {"string": pa.string(), "integer": pa.int64(), "number": pa.float64(), "date": pa.date32()}
    fields = [pa.field(name, kinds.get(kind, pa.string())) for name, kind in field_types(table).items()]
    return pa.schema(fields + [pa.field(name, pa.string()) for name in extra])


def _write_parquet(outdir: Path) -> list[Path]:
    import pyarrow as pa
    import pyarrow.parquet as pq

    written = []
    for table in TABLES:
        schema = _arrow_schema(table)
        final = outdir / f"{table}.parquet"
        tmp = _tmp_path(final)
        with pq.ParquetWriter(tmp, schema) as writer:
            writer.write_table(schema.empty_table())  # a table with no rows still has its columns
            for batch in _batches(row for _, _, row in typed_rows(outdir, table)):
                writer.write_batch(pa.RecordBatch.from_pylist(batch, schema=schema))
        os.replace(tmp, final)
        written.append(final)
    return written


def _json_default(value: object) -> str:
    if isinstance(value, date):
        return value.isoformat()
    raise TypeError(type(value).__name__)


def _write_json(outdir: Path) -> list[Path]:
    """TABLE.json: a JSON array of objects, one row per line, typed as in the contract (null for empty)."""
    written = []
    for table in TABLES:
        final = outdir / f"{table}.json"
        tmp = _tmp_path(final)
        with tmp.open("w", encoding="utf-8") as fh:
            fh.write("[")
            sep = "\n"
            for _, _, row in typed_rows(outdir, table):
                fh.write(sep + json.dumps(row, ensure_ascii=False, default=_json_default))
                sep = ",\n"
            fh.write("\n]\n")
        os.replace(tmp, final)
        written.append(final)
    return written


XLSX_MAX_ROWS = 1_048_576  # Excel's sheet limit, header included; longer tables continue on "values (2)", ...
XLSX_MAX_CHARS = 32_767  # Excel's cell limit


def _xlsx_text(value: str) -> str:
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    value = ILLEGAL_CHARACTERS_RE.sub("\ufffd", value)  # control characters make a workbook Excel refuses to open
    return value if len(value) <= XLSX_MAX_CHARS else value[: XLSX_MAX_CHARS - 1] + "…"


def _write_xlsx(outdir: Path) -> list[Path]:
    """One workbook, one sheet per table. Every text is written as a text cell, never a formula:
    a value printed as `=HYPERLINK(...)` or `+cmd|...` stays inert text (CSV/formula injection)."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    final = outdir / XLSX_FILE
    tmp = _tmp_path(final)
    workbook = Workbook(write_only=True)  # streams rows to disk: bounded memory
    bold = Font(bold=True)
    for table in TABLES:
        names = columns(table)
        sheet = None
        part = 0
        rows_in_sheet = XLSX_MAX_ROWS
        for _, _, row in _chain_header(typed_rows(outdir, table)):
            if rows_in_sheet >= XLSX_MAX_ROWS:
                part += 1
                sheet = workbook.create_sheet(table if part == 1 else f"{table} ({part})")
                sheet.freeze_panes = "A2"
                header = []
                for name in names:
                    cell = WriteOnlyCell(sheet, value=name)
                    cell.data_type = "s"
                    cell.font = bold
                    header.append(cell)
                sheet.append(header)
                rows_in_sheet = 1
            if row is None:
                continue
            cells = []
            for name in names:
                value = row.get(name)
                if isinstance(value, str):
                    cell = WriteOnlyCell(sheet, value=_xlsx_text(value))
                    cell.data_type = "s"  # openpyxl would otherwise turn a leading '=' into a formula
                elif isinstance(value, date):
                    cell = WriteOnlyCell(sheet, value=value)
                    cell.number_format = "yyyy-mm-dd"
                else:
                    cell = WriteOnlyCell(sheet, value=value)
                cells.append(cell)
            sheet.append(cells)
            rows_in_sheet += 1
    workbook.save(tmp)
    os.replace(tmp, final)
    return [final]


def _chain_header(rows: Iterator) -> Iterator:
    """Rows preceded by a None marker, so an empty table still gets its sheet and header."""
    yield None, None, None
    yield from rows


# ---------------------------------------------------------------------------
# DuckDB: results of every run in one database, keyed by input content.

DB_KEY = ("source", "sha256")
DUCK_TYPES = {"string": "VARCHAR", "integer": "BIGINT", "number": "DOUBLE", "date": "DATE"}


def _db_columns(table: str) -> dict[str, str]:
    """Contract columns plus source and sha256 on every table (the key; the CSVs of values,
    findings and units do not carry sha256, units not even source)."""
    cols = {name: DUCK_TYPES.get(kind, "VARCHAR") for name, kind in field_types(table).items()}
    for key in DB_KEY:
        cols.setdefault(key, "VARCHAR")
    return cols


def check_db(path: Path) -> None:
    """Fail before any work if PATH cannot be a DuckDB database we can write."""
    try:
        import duckdb
    except ImportError as exc:
        raise ExportError("--db needs the duckdb package: pip install duckdb") from exc
    if path.exists() and path.is_dir():
        raise ExportError(f"{path} is a directory, not a DuckDB file")
    try:
        duckdb.connect(str(path)).close()
    except (duckdb.Error, OSError) as exc:
        raise ExportError(f"cannot open {path} as a DuckDB database: {exc}") from exc


def load_duckdb(outdir: Path, path: Path) -> dict[str, int]:
    """Load OUTDIR's results into the DuckDB database at PATH, tables bulletins, values,
    findings, units. Appends across runs; the key is (source, sha256): rows of an input
    already in the database (same path as given, same content) are replaced, so loading
    the same results twice never duplicates rows. All in one transaction. Returns the
    row count loaded per table."""
    import duckdb
    import pyarrow as pa

    counts: dict[str, int] = {}
    try:
        con = duckdb.connect(str(path))
    except (duckdb.Error, OSError) as exc:
        raise ExportError(f"cannot open {path} as a DuckDB database: {exc}") from exc
    try:
        con.execute("BEGIN TRANSACTION")
        entries, _ = _read_manifest(outdir / STATE_DIR / MANIFEST)
        keys = pa.table(
            {
                "source": [e["source"] for e in entries if "sha256" in e],
                "sha256": [e["sha256"] for e in entries if "sha256" in e],
            }
        )
        con.register("bulletin_keys", keys)
        for table in TABLES:
            cols = _db_columns(table)
            _ensure_table(con, table, cols)
            con.execute(f'DELETE FROM "{table}" WHERE (source, sha256) IN (SELECT (source, sha256) FROM bulletin_keys)')
            schema = _arrow_schema(table, extra=tuple(k for k in DB_KEY if k not in field_types(table)))
            counts[table] = 0
            for batch in _batches(_with_key(typed_rows(outdir, table))):
                con.register("bulletin_batch", pa.Table.from_pylist(batch, schema=schema))
                con.execute(f'INSERT INTO "{table}" BY NAME SELECT * FROM bulletin_batch')
                con.unregister("bulletin_batch")
                counts[table] += len(batch)
        con.unregister("bulletin_keys")
        con.execute("COMMIT")
    except duckdb.Error as exc:
        con.execute("ROLLBACK")
        raise ExportError(f"cannot load results into {path}: {exc}") from exc
    finally:
        con.close()
    return counts


def _with_key(rows: Iterator[tuple[str, str, dict]]) -> Iterator[dict]:
    for source, sha, row in rows:
        row.setdefault("source", source)
        row["sha256"] = sha
        yield row


def _ensure_table(con, table: str, cols: dict[str, str]) -> None:
    """Create the table, or add the columns a newer contract has (the contract only ever adds)."""
    spec = ", ".join(f'"{name}" {kind}' for name, kind in cols.items())
    con.execute(f'CREATE TABLE IF NOT EXISTS "{table}" ({spec})')
    have = {row[0] for row in con.execute(f"SELECT column_name FROM information_schema.columns WHERE table_name = '{table}'").fetchall()}
    for name, kind in cols.items():
        if name not in have:
            con.execute(f'ALTER TABLE "{table}" ADD COLUMN "{name}" {kind}')
