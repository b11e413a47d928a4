"""Speed and memory of `bulletin extract`, printed as figures; asserts nothing.

    .venv/bin/python bench/speed.py                 # everything (several minutes on 2 cores)
    .venv/bin/python bench/speed.py --quick         # smaller corpus, camelot on 1/4 of the pages
    .venv/bin/python bench/speed.py --profile       # also: where the time of one pipeline run goes

What it measures, all in one run on the same pages:
  * in one process, warm: pages/s of our reader alone, of the pipeline without its audit stage,
    of the whole pipeline (read, tables, values, units, audit), of pdfplumber `extract_tables()`
    and of camelot lattice, as ratios;
  * end to end, `bulletin extract` as a subprocess (start-up included): pages/s and peak memory
    with 1..N workers, i.e. the speed-up;
  * files/s on DOCX;
  * peak memory of a 1,000-file batch against a 10-file batch (small text files).

Peak memory is sampled every 20 ms with psutil over the whole process tree: `tree` sums the
RSS of the CLI and its workers (shared copy-on-write pages are counted once per process, so
it overstates), `max` is the largest single process. Timings on a machine shared with other
work are noisy: the load average is printed before and after; rerun when the machine is idle.

Targets (reported, not asserted): pipeline ≥ 1.5× pdfplumber's pages/s and ≥ 3× camelot
lattice; 1,000-file peak ≤ 1.2× the 10-file peak; near-linear speed-up on 2 cores."""

from __future__ import annotations

import argparse
import cProfile
import io
import os
import pstats
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import warnings
from pathlib import Path

import psutil

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
BULLETINS = REPO / "fixtures" / "bulletins"
BULLETIN = Path(sys.executable).parent / "bulletin"
MiB = 1024 * 1024


def pdf_pages(path: Path) -> int:
    import pypdfium2

    pdf = pypdfium2.PdfDocument(str(path))
    try:
        return len(pdf)
    finally:
        pdf.close()


def replicate(sources: list[Path], folder: Path, *, pages: int = 0, files: int = 0) -> list[Path]:
    """Copies of SOURCES (round robin) until at least PAGES pages or FILES files."""
    folder.mkdir(parents=True, exist_ok=True)
    out: list[Path] = []
    counted = 0
    sizes = {p: pdf_pages(p) for p in sources} if pages else {}
    while (pages and counted < pages) or (files and len(out) < files):
        src = sources[len(out) % len(sources)]
        dst = folder / f"{len(out):05}-{src.name}"
        shutil.copy(src, dst)
        out.append(dst)
        counted += sizes.get(src, 0)
    return out


def tiny_text(folder: Path, n: int) -> Path:
    """N small text bulletins (a heading and a short prose paragraph with numbers), distinct content."""
    folder.mkdir(parents=True, exist_ok=True)
    for i in range(n):
        (folder / f"{i:05}.txt").write_text(
            f"2024 年 5 月份平江县 12345 热线运行情况通报\n\n一、基本情况\n\n5 月份，共受理 12345 热线工单 {1000 + i} 件，"
            f"办结 {900 + i} 件，办结率 {90 + i % 10}.00%。\n",
            encoding="utf-8",
        )
    return folder


class PeakMemory:
    """Sample the RSS of a process and all its descendants until stopped."""

    def __init__(self, pid: int, every: float = 0.02) -> None:
        self.root = psutil.Process(pid)
        self.every = every
        self.tree = 0
        self.single = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                procs = [self.root, *self.root.children(recursive=True)]
            except psutil.Error:
                break
            rss = []
            for proc in procs:
                try:
                    rss.append(proc.memory_info().rss)
                except psutil.Error:
                    pass
            if rss:
                self.tree = max(self.tree, sum(rss))
                self.single = max(self.single, max(rss))
            self._stop.wait(self.every)

    def __enter__(self) -> PeakMemory:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()


def run_cli(inputs: Path, out: Path, workers: int) -> tuple[float, PeakMemory, str]:
    cmd = [str(BULLETIN), "extract", str(inputs), "-o", str(out), "--force", "--workers", str(workers)]
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    with PeakMemory(proc.pid) as peak:
        stdout, stderr = proc.communicate()
    seconds = time.perf_counter() - start
    if proc.returncode not in (0, 1):
        raise SystemExit(f"{' '.join(cmd)} failed ({proc.returncode}):\n{stderr}")
    return seconds, peak, stdout.strip()


def timed(fn, paths: list[Path]) -> float:
    start = time.perf_counter()
    for path in paths:
        fn(path)
    return time.perf_counter() - start


def in_process(pdfs: list[Path], n_pages: int, camelot_pages: int, profile: bool) -> dict[str, float]:
    """Warm, single-process pages/s of each engine on the same pages."""
    import pdfplumber

    from extractor.pipeline import process_file
    from extractor.readers import read

    def plumber(path: Path) -> None:
        with pdfplumber.open(path) as pdf:
            for page in pdf.pages:
                page.extract_tables()

    def camelot_lattice(path: Path) -> None:
        import camelot

        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            camelot.read_pdf(str(path), pages="all", flavor="lattice")

    process_file(pdfs[0])  # imports, dictionaries and caches loaded once, as in a long batch
    plumber(pdfs[0])
    import extractor.audit

    def without_audit(path: Path) -> None:
        real = extractor.audit.audit
        extractor.audit.audit = lambda *args, **kwargs: []  # the pipeline imports it at call time
        try:
            process_file(path)
        finally:
            extractor.audit.audit = real

    rates = {
        "our reader only": n_pages / timed(read, pdfs),
        "our pipeline without the audit stage": n_pages / timed(without_audit, pdfs),
        "our pipeline (read → audit)": n_pages / timed(process_file, pdfs),
        "pdfplumber extract_tables()": n_pages / timed(plumber, pdfs),
    }
    if camelot_pages:
        subset, counted = [], 0
        for path in pdfs:
            if counted >= camelot_pages:
                break
            subset.append(path)
            counted += pdf_pages(path)
        camelot_lattice(subset[0])
        rates["camelot lattice" + ("" if counted >= n_pages else f" ({counted} of the pages)")] = counted / timed(camelot_lattice, subset)
    if profile:
        prof = cProfile.Profile()
        prof.enable()
        for path in pdfs[: len({p.name.split("-", 1)[1] for p in pdfs})]:  # one copy of each fixture
            process_file(path)
        prof.disable()
        text = io.StringIO()
        pstats.Stats(prof, stream=text).sort_stats("cumulative").print_stats(25)
        print("\n## cProfile of process_file, one copy of each PDF fixture (cumulative)\n")
        print("\n".join(line for line in text.getvalue().splitlines() if line.strip())[:6000])
    return rates


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pages", type=int, default=200, help="PDF pages in the corpus (fixtures replicated) [200]")
    parser.add_argument("--docx-files", type=int, default=100, help="DOCX files for files/s [100]")
    parser.add_argument("--big", type=int, default=1000, help="files in the large batch of the memory comparison [1000]")
    parser.add_argument("--small", type=int, default=10, help="files in the small batch [10]")
    parser.add_argument("--workers-max", type=int, default=os.cpu_count() or 1, help="scaling from 1 to this many workers [CPU count]")
    parser.add_argument("--camelot-pages", type=int, default=None, help="pages given to camelot lattice [all]; 0 skips it")
    parser.add_argument("--profile", action="store_true", help="print a cProfile of the pipeline on the PDF fixtures")
    parser.add_argument("--quick", action="store_true", help="60 pages, 20 DOCX, 200 vs 10 files, camelot on 15 pages")
    args = parser.parse_args()
    if args.quick:
        args.pages, args.docx_files, args.big = 60, 20, 200
        args.camelot_pages = 15 if args.camelot_pages is None else args.camelot_pages
    camelot_pages = args.pages if args.camelot_pages is None else args.camelot_pages

    print(f"# bench/speed.py  ({' '.join(sys.argv[1:]) or 'defaults'})")
    print(f"cores: {os.cpu_count()}; load average before: {' '.join(f'{x:.2f}' for x in os.getloadavg())} (1, 5, 15 min)")
    if os.getloadavg()[0] > 0.5:
        print("NOTE: the machine is busy; timings are noisy. Rerun on an idle machine for figures to compare.")

    with tempfile.TemporaryDirectory(prefix="bench-speed-") as tmp:
        root = Path(tmp)
        pdfs = replicate(sorted((BULLETINS / "pdf").glob("*.pdf")), root / "pdf", pages=args.pages)
        n_pages = sum(pdf_pages(p) for p in pdfs)
        print(f"corpus: {len(pdfs)} PDFs, {n_pages} pages (ruled fixtures replicated)\n")

        print("## one process, warm: pages/s on the same pages")
        rates = in_process(pdfs, n_pages, camelot_pages, args.profile)
        ours = rates["our pipeline (read → audit)"]
        for name, rate in rates.items():
            print(f"  {name:38} {rate:8.2f} pages/s   pipeline / this = {ours / rate:5.2f}×")
        plumber = rates["pdfplumber extract_tables()"]
        camelot = next((r for n, r in rates.items() if n.startswith("camelot")), None)
        reader = rates["our reader only"]
        no_audit = rates["our pipeline without the audit stage"]
        print(
            f"  target: pipeline ≥ 1.5× pdfplumber → {ours / plumber:.2f}×; "
            f"without the audit stage {no_audit / plumber:.2f}×; reader alone {reader / plumber:.2f}×"
        )
        if camelot:
            print(f"  target: pipeline ≥ 3× camelot lattice → {ours / camelot:.2f}×")

        print("\n## `bulletin extract` end to end (subprocess, start-up included)")
        base = None
        for workers in range(1, args.workers_max + 1):
            seconds, peak, summary = run_cli(root / "pdf", root / f"out-pdf-{workers}", workers)
            rate = n_pages / seconds
            base = base or rate
            print(
                f"  PDF  workers={workers}: {seconds:6.1f} s  {rate:6.2f} pages/s  speed-up {rate / base:4.2f}×  "
                f"peak tree {peak.tree / MiB:6.0f} MiB, max process {peak.single / MiB:5.0f} MiB"
            )
        print(f"  ({summary})")

        docx = replicate(sorted((BULLETINS / "docx").glob("*.docx")), root / "docx", files=args.docx_files)
        for workers in sorted({1, args.workers_max}):
            seconds, peak, _ = run_cli(root / "docx", root / f"out-docx-{workers}", workers)
            print(f"  DOCX workers={workers}: {len(docx)} files in {seconds:6.1f} s  {len(docx) / seconds:6.2f} files/s")

        print(f"\n## peak memory: {args.big}-file batch vs {args.small}-file batch (small text files, {args.workers_max} workers)")
        peaks = {}
        for n in (args.small, args.big):
            seconds, peak, _ = run_cli(tiny_text(root / f"text-{n}", n), root / f"out-text-{n}", args.workers_max)
            peaks[n] = peak
            print(
                f"  {n:5} files: {seconds:6.1f} s  {n / seconds:6.1f} files/s  "
                f"peak tree {peak.tree / MiB:6.0f} MiB, max process {peak.single / MiB:5.0f} MiB"
            )
        small, big = peaks[args.small], peaks[args.big]
        ratio_tree, ratio_single = big.tree / small.tree, big.single / small.single
        print(f"  target: {args.big}-file peak ≤ 1.2× {args.small}-file peak → tree {ratio_tree:.2f}×, max process {ratio_single:.2f}×")

    print(f"\nload average after: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()
