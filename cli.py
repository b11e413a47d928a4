"""The `bulletin` command line."""

from __future__ import annotations

import os
import sys
from collections import Counter
from pathlib import Path

import click
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from extractor.batch import Limits, file_sha256, run_batch
from extractor.export import OutputExists, ResultStore

stderr = Console(stderr=True)


def expand_inputs(inputs: tuple[str, ...]) -> list[Path]:
    """Files as given, folders walked recursively in name order; hidden files skipped."""
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


@click.group()
@click.version_option(package_name="bulletin-extractor")
def main() -> None:
    """Turn county 12345 hotline bulletins into clean, comparable data."""


@main.command()
@click.argument("inputs", nargs=-1, required=True, type=click.Path(exists=True))
@click.option("-o", "--outdir", required=True, type=click.Path(file_okay=False, path_type=Path), help="Folder for the output tables.")
@click.option("--force", is_flag=True, help="Start over: replace the output files already in OUTDIR.")
@click.option("--workers", type=click.IntRange(min=0), default=None, help="Worker processes [default: CPU count]; 0 runs in-process.")
@click.option(
    "--timeout",
    "seconds_per_file",
    type=click.FloatRange(min=1),
    default=Limits.seconds_per_file,
    show_default=True,
    help="Seconds one file may take.",
)
@click.option("--memory-mb", type=click.IntRange(min=256), default=Limits.memory_mb, show_default=True, help="Memory limit of each worker.")
def extract(inputs: tuple[str, ...], outdir: Path, force: bool, workers: int | None, seconds_per_file: float, memory_mb: int) -> None:
    """Read bulletins (PDF, DOCX, HTML, text; files or folders) into OUTDIR.

    Rerunning into the same OUTDIR resumes: inputs already done (same path and
    content) are skipped. Exit code 0 when every input was read, 1 when some
    input failed, 130 when interrupted (rerun to resume)."""
    try:
        store = ResultStore(outdir, force=force)
    except OutputExists as exc:
        raise click.UsageError(str(exc)) from exc
    paths = expand_inputs(inputs)
    todo: list[Path] = []
    hashes: dict[Path, str] = {}
    for path in paths:
        hashes[path] = file_sha256(path)
        if not store.is_done(str(path), hashes[path]):
            todo.append(path)
    statuses: Counter[str] = Counter()
    totals: Counter[str] = Counter()
    limits = Limits(seconds_per_file=seconds_per_file, memory_mb=memory_mb)
    n_workers = (os.cpu_count() or 1) if workers is None else workers
    progress = Progress(
        TextColumn("[bold]extract"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("{task.fields[rate]} files/s · {task.fields[failed]} failed"),
        TimeElapsedColumn(),
        console=stderr,
        transient=True,
        disable=not stderr.is_terminal,
    )
    interrupted = False
    with store, progress:
        task = progress.add_task("extract", total=len(todo), rate="–", failed=0)
        try:
            for path, result in run_batch(todo, workers=n_workers, limits=limits):
                store.write(result, hashes[path])
                statuses[result.status] += 1
                for key in ("n_tables", "n_values", "n_findings"):
                    totals[key] += result.bulletin.get(key) or 0
                if result.status != "ok":
                    progress.console.print(f"{result.status:9} {path}: {result.bulletin.get('error', '')}", markup=False, highlight=False)
                elapsed = progress.tasks[0].elapsed or 0
                done = progress.tasks[0].completed + 1
                progress.update(task, advance=1, failed=statuses["failed"], rate=f"{done / elapsed:.1f}" if elapsed else "–")
        except KeyboardInterrupt:
            interrupted = True
    skipped = len(paths) - len(todo)
    summary = ", ".join(f"{n} {s}" for s, n in sorted(statuses.items())) or "nothing new"
    click.echo(
        f"{len(todo)} files processed ({summary}), {skipped} already done; "
        f"{totals['n_tables']} tables, {totals['n_values']} values, {totals['n_findings']} findings → {outdir}"
    )
    if interrupted:
        click.echo("interrupted: finished files are saved; run the same command again to resume", err=True)
        sys.exit(130)
    sys.exit(1 if statuses["failed"] else 0)


if __name__ == "__main__":
    main()
