"""The `bulletin` command line."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import click
from rich.console import Console

from extractor.api import expand_inputs
from extractor.batch import Limits, run_batch
from extractor.export import FORMATS
from extractor.model import ReadLimits
from extractor.pipeline import Options

stderr = Console(stderr=True)


@click.group()
@click.version_option(package_name="bulletin-extractor")
def main() -> None:
    """Turn county 12345 hotline bulletins into clean, comparable data."""


def read_limit_options(command):
    """--max-* options: what reading one file may cost (extractor.model.ReadLimits)."""
    defaults = ReadLimits()
    for name, kind, help_text in reversed(
        [
            ("max_pages", click.IntRange(min=1), "PDF pages of one file."),
            ("max_ocr_pages", click.IntRange(min=0), "Scanned pages OCRed in one file ([ocr] extra); the rest are needs_ocr."),
            ("max_cells", click.IntRange(min=1), "Table cells of one file."),
            ("max_input_mb", click.FloatRange(min=0.001), "Size of a text or HTML file, in MB."),
            ("max_xml_part_mb", click.FloatRange(min=0.001), "Inflated size of one DOCX XML part, in MB."),
            ("max_zip_member_mb", click.FloatRange(min=0.001), "Inflated size of any other DOCX member, in MB."),
        ]
    ):
        flag = "--" + name.replace("_", "-")
        command = click.option(flag, name, type=kind, default=getattr(defaults, name), show_default=True, help=help_text)(command)
    return command


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
@click.option(
    "--aliases",
    type=click.Path(exists=True, dir_okay=False),
    default=None,
    help="Your aliases.csv (alias, canonical, county, valid_from, valid_to, note): wins over the unit dictionary.",
)
@click.option(
    "--format",
    "formats",
    type=click.Choice(FORMATS),
    multiple=True,
    help="Also write every table as Parquet, one XLSX workbook or JSON (repeatable). CSV is always written: it is the resumable store.",
)
@click.option(
    "--db",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Load the results into this DuckDB file (tables bulletins, values, findings, units); later runs append, keyed by source + sha256.",
)
@click.option(
    "--scheduler",
    default=None,
    metavar="ADDRESS",
    help="Run on an existing Dask cluster (e.g. tcp://host:8786) instead of local workers; inputs must be readable by its workers.",
)
@read_limit_options
def extract(
    inputs: tuple[str, ...],
    outdir: Path,
    force: bool,
    workers: int | None,
    seconds_per_file: float,
    memory_mb: int,
    aliases: str | None,
    formats: tuple[str, ...],
    db: Path | None,
    scheduler: str | None,
    **read_limits: float,
) -> None:
    """Read bulletins (PDF, DOCX, HTML, text; files or folders) into OUTDIR.

    Rerunning into the same OUTDIR resumes: inputs already done (same path and
    content) are skipped. Exit code 0 when every input was read, 1 when some
    input failed (or a --format/--db output could not be written), 2 when OUTDIR
    cannot be used (in use by another run, not writable) or the disk filled up
    (rerun to resume), 130 when interrupted (rerun to resume)."""
    from extractor.api import progress_bar, run
    from extractor.batch import SchedulerError, dask_isolation_note
    from extractor.export import ExportError, OutputExists

    options = Options(aliases=_checked_aliases(aliases), read_limits=ReadLimits(**read_limits))
    progress = progress_bar(console=stderr, disable=not stderr.is_terminal)

    def tell(path: Path, result) -> None:
        if result.status != "ok":
            progress.console.print(f"{result.status:9} {path}: {result.bulletin.get('error', '')}", markup=False, highlight=False)

    def note_isolation(client) -> None:
        note = dask_isolation_note(client)
        if note:
            click.echo(f"note: {note}", err=True)

    try:
        with progress:
            report = run(
                inputs,
                outdir,
                force=force,
                workers=workers,
                limits=Limits(seconds_per_file=seconds_per_file, memory_mb=memory_mb),
                options=options,
                formats=formats,
                db=db,
                scheduler=scheduler,
                progress=progress,
                on_result=tell,
                on_client=note_isolation,
            )
    except (OutputExists, ExportError, SchedulerError) as exc:  # before any work: nothing was written
        raise click.UsageError(str(exc)) from exc
    except KeyboardInterrupt:  # outside the batch loop (which keeps finished files itself): while writing --format/--db
        click.echo("interrupted; the CSV files hold every finished file: run the same command again to resume", err=True)
        sys.exit(130)
    summary = ", ".join(f"{n} {s}" for s, n in sorted(report.statuses.items())) or "nothing new"
    totals = report.totals
    click.echo(
        f"{report.processed} files processed ({summary}), {report.skipped} already done; "
        f"{totals['n_tables']} tables, {totals['n_values']} values, {totals['n_findings']} findings → {outdir}"
    )
    if report.write_error:
        click.echo(f"error: {report.message}", err=True)
        sys.exit(2)
    if report.interrupted:
        click.echo("interrupted: finished files are saved; run the same command again to resume", err=True)
        sys.exit(130)
    for written in report.written:
        click.echo(f"wrote {written}")
    if report.db_counts is not None:
        click.echo(f"loaded into {db}: " + ", ".join(f"{n} {t}" for t, n in report.db_counts.items()))
    if report.export_error:
        click.echo(f"error: {report.export_error}; the CSV files in {outdir} are complete", err=True)
    if report.stale:
        stale = report.stale
        click.echo(f"note: earlier {', '.join(stale)} outputs in {outdir} lack this run's rows; rerun with {' '.join(stale)}", err=True)
    sys.exit(1 if report.statuses["failed"] or report.export_error else 0)


def _checked_aliases(path: str | None) -> str | None:
    """Read the user's aliases file once up front, so a bad row stops the run before any work."""
    from extractor.api import checked_aliases
    from extractor.units import AliasError

    try:
        return checked_aliases(path)
    except AliasError as exc:
        raise click.UsageError(str(exc)) from exc


@main.command()
@click.argument("outdir", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("--aliases", type=click.Path(exists=True, dir_okay=False), default=None, help="The aliases.csv being edited: its rows count.")
@click.option("--template", type=click.Path(dir_okay=False, path_type=Path), default=None, help="Write an aliases.csv template here.")
@click.option("--force", is_flag=True, help="Overwrite an existing template.")
def units(outdir: Path, aliases: str | None, template: Path | None, force: bool) -> None:
    """List the unit names of an extract OUTDIR that are unresolved or low-confidence, with
    suggestions and counts; optionally write an aliases.csv template to fill in and pass
    back with `bulletin extract --aliases FILE`."""
    from extractor.review import format_review, review, write_alias_template
    from extractor.units import load_aliases

    try:
        rows = review(outdir, load_aliases(_checked_aliases(aliases)) if aliases else None)
    except FileNotFoundError as exc:
        raise click.UsageError(str(exc)) from exc
    click.echo(format_review(rows))
    if template is not None:
        try:
            written = write_alias_template(template, rows, overwrite=force)
        except FileExistsError as exc:
            raise click.UsageError(str(exc)) from exc
        click.echo(f"template with {len(rows)} rows written to {written}; fill in `canonical` and pass it with --aliases")


@main.command()
@click.argument("inputs", nargs=-1, required=True, type=click.Path(exists=True))
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    default=Path("findings.csv"),
    show_default=True,
    help="Where the findings are written (findings.csv contract).",
)
@click.option("--force", is_flag=True, help="Overwrite OUTPUT if it exists.")
@click.option("--info", "show_info", is_flag=True, help="Also list what cannot be checked (hidden bases …), not only its counts.")
@click.option("--workers", type=click.IntRange(min=0), default=None, help="Worker processes [default: CPU count]; 0 runs in-process.")
def audit(inputs: tuple[str, ...], output: Path, force: bool, show_info: bool, workers: int | None) -> None:
    """Check the arithmetic of bulletins: sums, shares, rates, scores, rankings.

    Prints a report and writes every finding to OUTPUT. Exit code 1 when an
    `error` is found (a number that no rounding convention or hidden base can
    explain), 0 otherwise, so it can gate a pipeline."""
    import csv

    from extractor.audit.report import render_findings
    from extractor.contract import columns

    _refuse_overwrite([output], force)
    console = Console() if sys.stdout.isatty() else Console(width=160)  # piped to a file: do not fold at 80
    errors = 0
    n_workers = (os.cpu_count() or 1) if workers is None else workers
    with output.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=columns("findings"), extrasaction="ignore")
        writer.writeheader()
        for path, result in run_batch(expand_inputs(inputs), workers=n_workers, options=Options()):
            writer.writerows({k: "" if v is None else v for k, v in f.items()} for f in result.findings)
            errors += sum(1 for f in result.findings if f.get("severity") == "error")
            b = result.bulletin
            title = " ".join(x for x in (str(path), b.get("county", ""), b.get("period", ""), f"[{b.get('status')}]") if x)
            console.print(render_findings(result.findings, show_info=show_info, title=title))
    click.echo(f"{errors} errors in all → {output}")
    sys.exit(1 if errors else 0)


def _refuse_overwrite(paths: list[Path], force: bool) -> None:
    existing = [str(p) for p in paths if p.exists()]
    if existing and not force:
        raise click.UsageError(f"{', '.join(existing)} exists; use --force to overwrite")


@main.command()
@click.argument("source", type=click.Path(exists=True, path_type=Path))
@click.option("--metric", required=True, help="Canonical metric id (schemas/metrics.yaml), e.g. satisfaction_rate, received.")
@click.option("--unit", default=None, help="A canonical unit (values.unit) across counties; default: the whole county.")
@click.option("--column", default=None, help="Keep only values whose printed column header contains this text.")
@click.option(
    "--period-kind",
    type=click.Choice(["month", "bimonth", "quarter", "half", "year", "each"]),
    default=None,
    help="Which period length to compare; 'each' writes one panel per length. Needed when the data mix lengths.",
)
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), required=True, help="The panel as CSV.")
@click.option("--chart", type=click.Path(dir_okay=False, path_type=Path), default=None, help="Also draw it as a PNG chart.")
@click.option("--force", is_flag=True, help="Overwrite OUTPUT and CHART if they exist.")
def compare(
    source: Path, metric: str, unit: str | None, column: str | None, period_kind: str | None, output: Path, chart: Path | None, force: bool
) -> None:
    """A county × period panel of one metric from an extract OUTDIR (or a --db DuckDB file),
    written as CSV with an optional chart. Months, quarters and years are never mixed: when
    SOURCE holds several period lengths, choose one with --period-kind (or 'each')."""
    from extractor.compare import PanelError, build_panel, build_panels, write_panel

    try:
        if period_kind == "each":
            panels = build_panels(source, metric, unit=unit, column=column)
            targets = {
                kind: (
                    output.with_name(f"{output.stem}-{kind}{output.suffix}"),
                    chart and chart.with_name(f"{chart.stem}-{kind}{chart.suffix}"),
                )
                for kind in panels
            }
        else:
            panel = build_panel(source, metric, unit=unit, period_kind=period_kind, column=column)
            panels, targets = {panel.period_kind: panel}, {panel.period_kind: (output, chart)}
    except PanelError as exc:
        raise click.UsageError(str(exc)) from exc
    _refuse_overwrite([p for pair in targets.values() for p in pair if p is not None], force)
    for kind, panel in panels.items():
        csv_path, png_path = targets[kind]
        for note in write_panel(panel, csv_path, png_path):
            click.echo(note, err=True)
        counties = panel.data["county"].nunique()
        click.echo(
            f"{metric} by {kind}: {counties} counties × {panel.n_periods} periods → {csv_path}" + (f", {png_path}" if png_path else "")
        )


@main.command()
@click.argument("source", type=click.Path(exists=True, path_type=Path))
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), default=Path("report.html"), show_default=True)
@click.option(
    "--source-dir", "source_dirs", multiple=True, type=click.Path(file_okay=False, path_type=Path), help="Where to look for the inputs."
)
@click.option("--no-crops", is_flag=True, help="Leave out the page images of PDF findings.")
@click.option("--max-crops", type=click.IntRange(min=0), default=2000, show_default=True)
@click.option("--title", default=None)
@click.option("--force", is_flag=True, help="Overwrite OUTPUT if it exists.")
def report(
    source: Path, output: Path, source_dirs: tuple[Path, ...], no_crops: bool, max_crops: int, title: str | None, force: bool
) -> None:
    """One self-contained HTML audit report for an extract OUTDIR (or a DuckDB file): per
    bulletin its metadata, tables and findings, with a crop of the PDF page around each
    number a finding is about."""
    from extractor.report import write_report

    _refuse_overwrite([output], force)
    stats = write_report(source, output, source_dirs=source_dirs, crops=not no_crops, max_crops=max_crops, title=title)
    if stats.missing_sources:
        click.echo(f"{len(stats.missing_sources)} sources not found (no crops for them); try --source-dir", err=True)
    click.echo(f"{stats.bulletins} bulletins, {stats.findings} findings, {stats.crops} crops → {output}")


if __name__ == "__main__":
    main()
