"""Speed of `bulletin extract` against bare table extractors, whole processes alternated; asserts nothing.

    .venv/bin/python bench/speed.py                  # the issue-17 figures (a few minutes on 2 cores)
    .venv/bin/python bench/speed.py --rounds 3       # more alternations (the best round of each is kept)
    .venv/bin/python bench/speed.py --no-camelot --no-ocr
    .venv/bin/python bench/speed.py --profile        # also: cProfile of one in-process run over the text PDFs
    .venv/bin/python bench/speed.py --memory         # also: peak memory of a 1,000-file batch vs 10 files

Every figure is a whole process (start-up, imports, dictionaries included), on the same inputs, the
engines alternated round by round so a burst of load elsewhere hits all of them alike; the fastest
round of each engine is kept. Inputs: the corpus's text PDFs (../shared/corpus/docs/*.pdf without
the scans and the font-broken copy), copied twice; its DOCX, copied four times.

  * text PDFs: `bulletin extract --workers 1` vs pdfplumber `page.extract_tables()` on every page
    vs camelot lattice on every page: pages/s and ratios;
  * DOCX: `bulletin extract` with default workers vs bare python-docx reading every table cell
    (one process): files/s;
  * start-up: `bulletin extract` of one small text file, and `import` of the CLI alone;
  * OCR: bench/ocr_accuracy.py --dpi 200 (s/page and triple F1).

Targets (issue 17; reported, not asserted): PDF ≥ 3× pdfplumber and ≥ 15× camelot; DOCX ≥ 50
files/s and ≥ 1.5× python-docx; one-file run ≤ 0.5 s; OCR ≤ 3 s/page with F1 ≥ 0.97.
The load average is printed before and after: the machine may be shared."""

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


CORPUS_DOCS = REPO.parent / "shared" / "corpus" / "docs"

PLUMBER = """
import sys, pdfplumber
for path in sys.argv[1:]:
    with pdfplumber.open(path) as pdf:
        for page in pdf.pages:
            page.extract_tables()
"""

CAMELOT = """
import sys, warnings, camelot
warnings.simplefilter("ignore")
for path in sys.argv[1:]:
    camelot.read_pdf(path, pages="all", flavor="lattice")
"""

PYDOCX = """
import sys, docx
for path in sys.argv[1:]:
    d = docx.Document(path)
    for t in d.tables:
        for row in t.rows:
            for cell in row.cells:
                cell.text
"""


def run_proc(cmd: list[str]) -> float:
    start = time.perf_counter()
    proc = subprocess.run(cmd, capture_output=True, text=True)
    seconds = time.perf_counter() - start
    if proc.returncode not in (0, 1):
        raise SystemExit(f"{' '.join(cmd[:3])} ... failed ({proc.returncode}):\n{proc.stderr[-3000:]}")
    return seconds


def extract_cmd(inputs: Path, out: Path, workers: int | None) -> list[str]:
    cmd = [str(BULLETIN), "extract", str(inputs), "-o", str(out), "--force"]
    return cmd + (["--workers", str(workers)] if workers is not None else [])


def alternate(engines: dict[str, list[str]], rounds: int) -> dict[str, float]:
    """Best seconds of each command over ROUNDS rounds, the commands run in turn within a round."""
    best: dict[str, float] = {}
    for _ in range(rounds):
        for name, cmd in engines.items():
            seconds = run_proc(cmd)
            best[name] = min(best.get(name, seconds), seconds)
    return best


def text_pdfs() -> list[Path]:
    return sorted(p for p in CORPUS_DOCS.glob("*.pdf") if not p.stem.endswith(("_scan", "_brokenfont")))


def ocr_figures() -> str:
    proc = subprocess.run(
        [sys.executable, str(REPO / "bench" / "ocr_accuracy.py"), "--dpi", "200"], capture_output=True, text=True, cwd=REPO
    )
    lines = [line for line in proc.stdout.splitlines() if line.startswith(("200 dpi", "model load"))]
    return "\n  ".join(lines) or proc.stderr[-2000:]


def profile_pdfs(pdfs: list[Path]) -> None:
    from extractor.pipeline import process_file

    process_file(pdfs[0])
    prof = cProfile.Profile()
    prof.enable()
    for path in pdfs:
        process_file(path)
    prof.disable()
    text = io.StringIO()
    pstats.Stats(prof, stream=text).sort_stats("cumulative").print_stats(30)
    print("\n## cProfile of process_file over the text PDFs, warm (cumulative)\n")
    print("\n".join(line for line in text.getvalue().splitlines() if line.strip())[:8000])


def memory(root: Path, small: int, big: int, workers: int) -> None:
    print(f"\n## peak memory: {big}-file batch vs {small}-file batch (small text files, {workers} workers)")
    peaks = {}
    for n in (small, big):
        seconds, peak, _ = run_cli(tiny_text(root / f"text-{n}", n), root / f"out-text-{n}", workers)
        peaks[n] = peak
        print(
            f"  {n:5} files: {seconds:6.1f} s  {n / seconds:6.1f} files/s  "
            f"peak tree {peak.tree / MiB:6.0f} MiB, max process {peak.single / MiB:5.0f} MiB"
        )
    s, b = peaks[small], peaks[big]
    print(f"  target: {big}-file peak ≤ 1.2× {small}-file peak → tree {b.tree / s.tree:.2f}×, max process {b.single / s.single:.2f}×")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=2, help="alternations; the best round of each engine is kept [2]")
    parser.add_argument("--copies", type=int, default=2, help="copies of each text PDF [2]")
    parser.add_argument("--docx-copies", type=int, default=4, help="copies of each DOCX [4]")
    parser.add_argument("--no-camelot", action="store_true", help="skip camelot (the slowest engine)")
    parser.add_argument("--no-ocr", action="store_true", help="skip the OCR figure")
    parser.add_argument("--profile", action="store_true", help="also print a cProfile of the pipeline on the text PDFs")
    parser.add_argument("--memory", action="store_true", help="also compare the peak memory of a 1,000-file and a 10-file batch")
    args = parser.parse_args()
    if not CORPUS_DOCS.is_dir():
        sys.exit(f"no corpus at {CORPUS_DOCS}")

    print(f"# bench/speed.py  ({' '.join(sys.argv[1:]) or 'defaults'})")
    print(f"cores: {os.cpu_count()}; load average before: {' '.join(f'{x:.2f}' for x in os.getloadavg())} (1, 5, 15 min)")
    if os.getloadavg()[0] > 0.5:
        print("NOTE: the machine is busy; absolute figures are noisy, the alternated ratios less so.")
    py = sys.executable
    with tempfile.TemporaryDirectory(prefix="bench-speed-") as tmp:
        root = Path(tmp)
        sources = text_pdfs()
        pdf_dir = root / "pdf"
        pdfs = replicate(sources, pdf_dir, files=len(sources) * args.copies)
        n_pages = sum(pdf_pages(p) for p in pdfs)
        files = [str(p) for p in pdfs]
        engines = {
            "bulletin extract --workers 1": extract_cmd(pdf_dir, root / "out-pdf", 1),
            "pdfplumber extract_tables()": [py, "-c", PLUMBER, *files],
        }
        if not args.no_camelot:
            engines["camelot lattice"] = [py, "-c", CAMELOT, *files]
        print(f"\n## text PDFs: {len(sources)} files × {args.copies} = {len(pdfs)} files, {n_pages} pages; best of {args.rounds} rounds")
        best = alternate(engines, args.rounds)
        ours = n_pages / best["bulletin extract --workers 1"]
        for name, seconds in best.items():
            rate = n_pages / seconds
            print(f"  {name:30} {seconds:6.1f} s  {rate:7.2f} pages/s   ours / this = {ours / rate:5.2f}×")
        plumber = n_pages / best["pdfplumber extract_tables()"]
        line = f"  target ≥ 3× pdfplumber → {ours / plumber:.2f}×"
        if "camelot lattice" in best:
            line += f"; ≥ 15× camelot lattice → {ours / (n_pages / best['camelot lattice']):.2f}×"
        print(line)

        docx_sources = sorted(CORPUS_DOCS.glob("*.docx"))
        docx_dir = root / "docx"
        docx = replicate(docx_sources, docx_dir, files=len(docx_sources) * args.docx_copies)
        print(f"\n## DOCX: {len(docx_sources)} files × {args.docx_copies} = {len(docx)} files; best of {args.rounds} rounds")
        best = alternate(
            {
                "bulletin extract (default workers)": extract_cmd(docx_dir, root / "out-docx", None),
                "python-docx, every table cell": [py, "-c", PYDOCX, *map(str, docx)],
            },
            args.rounds,
        )
        ours = len(docx) / best["bulletin extract (default workers)"]
        for name, seconds in best.items():
            rate = len(docx) / seconds
            print(f"  {name:36} {seconds:6.2f} s  {rate:7.2f} files/s   ours / this = {ours / rate:5.2f}×")
        bare = len(docx) / best["python-docx, every table cell"]
        print(f"  target ≥ 50 files/s → {ours:.1f}; ≥ 1.5× python-docx → {ours / bare:.2f}×")

        one = tiny_text(root / "one", 1)
        print(f"\n## start-up: one small text file, whole process; best of {max(3, args.rounds)} rounds")
        best = alternate(
            {
                "bulletin extract, one file": extract_cmd(one, root / "out-one", None),
                "bulletin --version": [str(BULLETIN), "--version"],
                "python -c pass": [py, "-c", "pass"],
            },
            max(3, args.rounds),
        )
        for name, seconds in best.items():
            print(f"  {name:36} {seconds:6.2f} s")
        print(f"  target ≤ 0.5 s → {best['bulletin extract, one file']:.2f} s")

        if not args.no_ocr:
            print("\n## OCR: bench/ocr_accuracy.py --dpi 200 (model load not counted per page)")
            print("  " + ocr_figures())
            print("  target ≤ 3 s/page with triple F1 ≥ 0.97")

        if args.profile:
            profile_pdfs(sources)
        if args.memory:
            memory(root, 10, 1000, os.cpu_count() or 1)

    print(f"\nload average after: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()
