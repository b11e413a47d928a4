"""Write results as the output contract: four CSVs plus datapackage.json.

Rows are streamed to disk file by file. A manifest in OUTDIR/.bulletin records,
after each input, its content hash and the size of every CSV, so a run that
was interrupted (Ctrl-C, crash, power cut) resumes where it stopped: partial
rows of an unfinished file are cut off and finished inputs are skipped."""

from __future__ import annotations

import csv
import json
import shutil
from pathlib import Path
from typing import IO

from .contract import TABLES, columns, datapackage
from .pipeline import BulletinResult

CSV_FILES = tuple(f"{t}.csv" for t in TABLES)
OUTPUT_FILES = CSV_FILES + ("datapackage.json",)
STATE_DIR = ".bulletin"
MANIFEST = "manifest.jsonl"


class OutputExists(Exception):
    """OUTDIR cannot be used as asked (it would overwrite, or is not a folder)."""


def _cell(value: object) -> object:
    return "" if value is None else value


class ResultStore:
    """The output folder of one batch: fresh, resumed, or (with force) started over."""

    def __init__(self, outdir: Path, force: bool = False) -> None:
        self.outdir = outdir
        self.manifest_path = outdir / STATE_DIR / MANIFEST
        self.done: set[tuple[str, str]] = set()  # (source, sha256) already written
        self._check(force)
        (outdir / STATE_DIR).mkdir(parents=True, exist_ok=True)
        resuming = self.manifest_path.exists()
        if resuming:
            self._recover()
        self._files: dict[str, IO[str]] = {}
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

    @property
    def resumed(self) -> bool:
        return bool(self.done)

    def _check(self, force: bool) -> None:
        if self.outdir.exists() and not self.outdir.is_dir():
            raise OutputExists(f"{self.outdir} exists and is not a directory")
        if force:
            for name in OUTPUT_FILES:
                (self.outdir / name).unlink(missing_ok=True)
            shutil.rmtree(self.outdir / STATE_DIR, ignore_errors=True)
            return
        existing = [name for name in OUTPUT_FILES if (self.outdir / name).exists()]
        if existing and not self.manifest_path.exists():
            raise OutputExists(f"{self.outdir} already has {', '.join(existing)} not written by a resumable run; use --force to overwrite")
        try:
            self.outdir.mkdir(parents=True, exist_ok=True)
            probe = self.outdir / STATE_DIR / ".write-test"
            probe.parent.mkdir(exist_ok=True)
            probe.write_bytes(b"")
            probe.unlink()
        except OSError as exc:
            raise OutputExists(f"cannot write to {self.outdir}: {exc.strerror or exc}") from exc

    def _recover(self) -> None:
        """Cut each CSV back to its size after the last finished input."""
        sizes: dict[str, int] | None = None
        for line in self.manifest_path.read_text(encoding="utf-8").splitlines():
            try:
                entry = json.loads(line)
            except json.JSONDecodeError:
                break  # a line cut short by a crash: the entry before it is the last good one
            sizes = entry["sizes"]
            if "sha256" in entry:
                self.done.add((entry["source"], entry["sha256"]))
        if sizes is None:
            raise OutputExists(f"{self.manifest_path} is unreadable; use --force to start over")
        for name, size in sizes.items():
            path = self.outdir / name
            if not path.exists() or path.stat().st_size < size:
                raise OutputExists(f"{path} changed since the last run; use --force to start over")
            with path.open("r+b") as fh:
                fh.truncate(size)

    def _commit(self, entry: dict) -> None:
        for fh in self._files.values():
            fh.flush()
        entry["sizes"] = {f"{t}.csv": self._files[t].tell() for t in TABLES}
        self._manifest.write(json.dumps(entry, ensure_ascii=False) + "\n")
        self._manifest.flush()

    def is_done(self, source: str, sha256: str) -> bool:
        return (source, sha256) in self.done

    def write(self, result: BulletinResult, sha256: str = "") -> None:
        result.bulletin["sha256"] = sha256
        self._write_rows("bulletins", [result.bulletin])
        for table in ("values", "findings", "units"):
            self._write_rows(table, getattr(result, table))
        source = result.bulletin["source"]
        self._commit({"source": source, "sha256": sha256, "status": result.status})
        self.done.add((source, sha256))

    def _write_rows(self, table: str, rows: list[dict]) -> None:
        writer = self._writers[table]
        for row in rows:
            writer.writerow({k: _cell(v) for k, v in row.items()})

    def close(self) -> None:
        for fh in self._files.values():
            fh.close()
        self._manifest.close()
        package = json.dumps(datapackage(), ensure_ascii=False, indent=2) + "\n"
        (self.outdir / "datapackage.json").write_text(package, encoding="utf-8")

    def __enter__(self) -> ResultStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
