"""PDF reader on the fixture corpus (LibreOffice exports of the DOCX fixtures), checked
against the seed bulletins in fixtures/bulletins/text."""

from __future__ import annotations

from pathlib import Path

from extractor.model import RawTable
from extractor.readers import read

FIX = Path(__file__).resolve().parent.parent / "fixtures"


def _row(table: RawTable, first: str) -> list[str | None]:
    matches = [row for row in table.grid(fill_merged=True) if row and row[0] == first]
    assert len(matches) == 1, (first, len(matches))
    return matches[0]


def test_pingjiang_table_runs_over_two_pages_with_its_header_repeated() -> None:
    doc = read(FIX / "bulletins" / "pdf" / "pingjiang-2024-05.pdf")
    assert (doc.format, doc.status, doc.pages) == ("pdf", "ok", 3)
    first, second = doc.tables
    assert (first.page, second.page) == (2, 3)
    # Each page repeats the printed header; the table stage drops the repeat.
    assert first.grid()[0] == second.grid()[0]
    assert first.grid()[0][0] == "部门名称"
    assert first.grid()[0][1].replace("\n", "") == "受理案件数"
    # 49 units in the seed, split 10 + 39 by the page break in this export.
    assert (first.n_rows - 1) + (second.n_rows - 1) == 49
    # Seed: 平江县市场监督管理局 236 238 238 100% 233 97.9% 16 6.72% 10 4.18% 97.2 A
    row = _row(second, "平江县市场监督管理局")
    assert row == ["平江县市场监督管理局", "236", "238", "238", "100%", "233", "97.9%", "16", "6.72%", "10", "4.18%", "97.2", "A"]


def test_cells_carry_page_and_bbox_inside_the_page() -> None:
    doc = read(FIX / "bulletins" / "pdf" / "pingjiang-2024-05.pdf")
    table = doc.tables[1]
    cell = next(c for c in table.cells if c.text == "236")
    assert cell.page == 3
    x0, top, x1, bottom = cell.bbox
    assert 0 <= x0 < x1 <= 600 and 0 <= top < bottom <= 850  # A4 portrait in points


def test_wanzai_annex1_merged_unit_covers_its_rows() -> None:
    doc = read(FIX / "bulletins" / "pdf" / "wanzai-2023-12.pdf")
    annex1 = next(t for t in doc.tables if t.grid()[0] == ["序号", "承办单位", "工单内容"])
    unit = next(c for c in annex1.cells if c.text == "住建局")
    assert (unit.col, unit.row_span, unit.col_span) == (1, 3, 1)
    # Seed work orders 13-15 are all 住建局's; 16 is 生态环境局's.
    rows = annex1.grid(fill_merged=True)
    assert [r[:2] for r in rows[unit.row : unit.row + 3]] == [["13", "住建局"], ["14", "住建局"], ["15", "住建局"]]
    assert rows[unit.row + 3][1] == "生态环境局"


def test_wanzai_annex2_on_a_landscape_page_keeps_its_group_header() -> None:
    doc = read(FIX / "bulletins" / "pdf" / "wanzai-2023-12.pdf")
    annex2 = next(t for t in doc.tables if any(c.text == "高村镇" for c in t.cells))
    group = next(c for c in annex2.cells if c.text.replace(" ", "").startswith("按期办结率情况"))
    assert (group.row, group.col, group.row_span, group.col_span) == (0, 2, 1, 6)
    # Seed: 高村镇 9 12 90 86.67% 9.63 100.00% 30.00 39.63 ... 99.63
    row = _row(annex2, "高村镇")
    assert row[:9] == ["高村镇", "9", "12", "90", "86.67%", "9.63", "100.00%", "30.00", "39.63"]
    assert row[-1] == "99.63"


def test_headings_come_before_the_tables_they_introduce() -> None:
    doc = read(FIX / "bulletins" / "pdf" / "wanzai-2023-12.pdf")
    texts = [p.text for p in doc.paragraphs]
    assert texts[:2] == ["一、群众诉求分析", "（一）本月诉求总体分析"]


def test_borderless_export_still_yields_the_numbers_of_a_row() -> None:
    # Without rules the grid comes from glyph alignment; wrapped names may split into extra rows
    # (the table stage repairs them), but the numbers of a row stay together in order.
    doc = read(FIX / "bulletins" / "pdf-borderless" / "pingjiang-2024-05.pdf")
    assert doc.status == "ok" and all(not t.bordered for t in doc.tables)
    rows = [r for t in doc.tables for r in t.grid(fill_merged=True) if "236" in r]
    assert len(rows) == 1
    assert rows[0][1:] == ["236", "238", "238", "100%", "233", "97.9%", "16", "6.72%", "10", "4.18%", "97.2", "A"]
