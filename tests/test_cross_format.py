"""The same bulletin read from DOCX, HTML, ruled PDF and text yields the same table cells.

Rows are compared as the printed texts of their cells (whitespace removed, empty
cells dropped, since text marks a merged cell with blanks and the other formats
with a span). Only rows holding a number take part: header rows differ by design
(text keeps every header repeated after a page break; the others print it once)."""

import re
from collections import Counter
from pathlib import Path

import pytest

from extractor.readers import read

FIX = Path(__file__).resolve().parent.parent / "fixtures" / "bulletins"
SLUGS = ["wanzai-2023-12", "pingjiang-2024-05", "changji-2025-04", "baishui-2024q1", "wengyuan-2022-06"]
NUMBER = re.compile(r"[-+]?\d+(\.\d+)?%?")


def _data_rows(path: Path) -> Counter:
    rows: Counter = Counter()
    for table in read(path).tables:
        for texts in table.row_texts():
            cells = tuple(c for c in (re.sub(r"\s+", "", t) for t in texts) if c)
            if any(NUMBER.fullmatch(c) for c in cells):
                rows[cells] += 1
    return rows


# In the text dump of 附件3 two damaged rows lost the break between them (a 24-cell
# row for 法院 and a 20-cell row whose unit name is lost). The text reader keeps
# them as one row rather than guess; every other format prints two rows.
JOINED_IN_TEXT = {
    "wanzai-2023-12": [
        ("法院", "1", "7", "10", "30.00%", "3.69", "30.00", "33.69", "0", "60.90%", "21.32", "100.00%", "10.00", "0", "5", "0")
        + ("0.00%", "0.00%", "5.00", "80.01"),
        ("2", "15", "7.38", "1", "2", "17.50", "10.00", "0", "5", "5", "0.00", "79.60"),
    ]
}


@pytest.mark.parametrize("fmt", ["docx", "html", "pdf"])
@pytest.mark.parametrize("slug", SLUGS)
def test_same_cells_as_the_text(slug: str, fmt: str) -> None:
    text_rows = _data_rows(FIX / "text" / f"{slug}.txt")
    other_rows = _data_rows(FIX / fmt / f"{slug}.{'pdf' if fmt == 'pdf' else fmt}")
    for first, second in [JOINED_IN_TEXT[slug]] if slug in JOINED_IN_TEXT else []:
        assert text_rows[first + second] == 1
        text_rows[first + second] -= 1
        text_rows[first] += 1
        text_rows[second] += 1
    assert sum(text_rows.values()) > 0 or slug == "changji-2025-04"  # 昌吉 has no numeric table
    assert +text_rows == +other_rows


def test_gb18030_text_reads_like_its_utf8_twin() -> None:
    utf8 = read(FIX / "text" / "baishui-2024q1.txt")
    gb = read(FIX / "text" / "baishui-2024q1-gb18030.txt")
    assert gb.encoding == "gb18030" and utf8.encoding == "utf-8"
    assert gb.blocks == utf8.blocks
