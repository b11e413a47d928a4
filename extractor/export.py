"""Write results as the output contract: four CSVs plus datapackage.json."""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import IO

from .contract import TABLES, columns, datapackage
from .pipeline import BulletinResult

OUTPUT_FILES = tuple(f"{t}.csv" for t in TABLES) + ("datapackage.json",)


class OutputExists(Exception):
    """OUTDIR already holds output files and overwriting was not allowed."""


def check_outdir(outdir: Path, force: bool) -> None:
    """Fail before any work if OUTDIR cannot be written or would be overwritten."""
    if outdir.exists() and not outdir.is_dir():
        raise OutputExists(f"{outdir} exists and is not a directory")
    existing = [name for name in OUTPUT_FILES if (outdir / name).exists()]
    if existing and not force:
        raise OutputExists(f"{outdir} already has {', '.join(existing)}; use --force to overwrite")


def _cell(value: object) -> object:
    return "" if value is None else value


class CsvWriter:
    """Streams result rows to the four CSVs as they come, so memory stays flat."""

    def __init__(self, outdir: Path) -> None:
        self.outdir = outdir
        outdir.mkdir(parents=True, exist_ok=True)
        self._files: dict[str, IO[str]] = {}
        self._writers: dict[str, csv.DictWriter] = {}
        for table in TABLES:
            fh = (outdir / f"{table}.csv").open("w", encoding="utf-8", newline="")
            writer = csv.DictWriter(fh, fieldnames=columns(table), extrasaction="ignore")
            writer.writeheader()
            self._files[table] = fh
            self._writers[table] = writer

    def write(self, result: BulletinResult) -> None:
        self._write_rows("bulletins", [result.bulletin])
        for table in ("values", "findings", "units"):
            self._write_rows(table, getattr(result, table))

    def _write_rows(self, table: str, rows: list[dict]) -> None:
        writer = self._writers[table]
        for row in rows:
            writer.writerow({k: _cell(v) for k, v in row.items()})

    def close(self) -> None:
        for fh in self._files.values():
            fh.close()
        (self.outdir / "datapackage.json").write_text(json.dumps(datapackage(), ensure_ascii=False, indent=2) + "\n", encoding="utf-8")

    def __enter__(self) -> CsvWriter:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
