"""Read every fixture with the readers alone and print one line per file:
status, pages, paragraphs, raw tables, cells and seconds. Run on demand:

    .venv/bin/python bench/read_corpus.py [FOLDER ...]
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

from extractor.model import ReadError
from extractor.readers import read

ROOT = Path(__file__).resolve().parent.parent


def main(folders: list[str]) -> None:
    paths = sorted(p for f in folders for p in Path(f).rglob("*") if p.is_file() and p.suffix != ".md")
    print(f"{'file':58} {'status':9} {'pages':>5} {'paras':>5} {'tables':>6} {'cells':>6} {'s':>6}  reason")
    for path in paths:
        start = time.perf_counter()
        try:
            doc = read(path)
            status, pages, paras, tables = doc.status, doc.pages or 0, len(doc.paragraphs), doc.tables
            cells, reason = sum(len(t.cells) for t in tables), "; ".join(doc.notes)[:60]
        except ReadError as exc:
            status, pages, paras, tables, cells, reason = "failed", 0, 0, [], 0, str(exc)[:60]
        seconds = time.perf_counter() - start
        name = str(path.relative_to(ROOT) if path.is_relative_to(ROOT) else path)
        print(f"{name:58} {status:9} {pages:5} {paras:5} {len(tables):6} {cells:6} {seconds:6.2f}  {reason}")


if __name__ == "__main__":
    main(sys.argv[1:] or [str(ROOT / "fixtures" / d) for d in ("bulletins", "needs_ocr", "bad")])
