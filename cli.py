"""The `bulletin` command line."""

from __future__ import annotations

import sys
from collections import Counter
from pathlib import Path

import click

from extractor.export import CsvWriter, OutputExists, check_outdir
from extractor.pipeline import process_file


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
@click.option("--force", is_flag=True, help="Overwrite output files already in OUTDIR.")
def extract(inputs: tuple[str, ...], outdir: Path, force: bool) -> None:
    """Read bulletins (PDF, DOCX, HTML, text; files or folders) into OUTDIR.

    Exit code 0 when every input was read, 1 when some input failed."""
    try:
        check_outdir(outdir, force)
    except OutputExists as exc:
        raise click.UsageError(str(exc)) from exc
    paths = expand_inputs(inputs)
    statuses: Counter[str] = Counter()
    totals: Counter[str] = Counter()
    with CsvWriter(outdir) as writer:
        for path in paths:
            result = process_file(path)
            writer.write(result)
            statuses[result.status] += 1
            for key in ("n_tables", "n_values", "n_findings"):
                totals[key] += result.bulletin.get(key) or 0
            if result.status != "ok":
                click.echo(f"{result.status:9} {path}: {result.bulletin.get('error', '')}", err=True)
    summary = ", ".join(f"{n} {s}" for s, n in sorted(statuses.items()))
    click.echo(f"{len(paths)} files ({summary}); {totals['n_tables']} tables, {totals['n_values']} values, {totals['n_findings']} findings → {outdir}")
    sys.exit(1 if statuses["failed"] else 0)


if __name__ == "__main__":
    main()
