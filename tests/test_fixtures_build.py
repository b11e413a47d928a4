"""The fixture corpus: specs agree with the seeds, built files agree with the specs, rebuilds reproduce them.

Values asserted here were read by hand from the seed texts in fixtures/bulletins/text/.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path
from typing import Any

import pdfplumber
import pytest
from lxml import etree
from lxml import html as lxml_html

ROOT = Path(__file__).resolve().parents[1]
FIX = ROOT / "fixtures"
SLUGS = ["wanzai-2023-12", "pingjiang-2024-05", "changji-2025-04", "baishui-2024q1", "wengyuan-2022-06"]
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def spec(slug: str) -> dict[str, Any]:
    return json.loads((FIX / "spec" / f"{slug}.json").read_text(encoding="utf-8"))


def tables(slug: str) -> list[dict[str, Any]]:
    return [b for b in spec(slug)["blocks"] if b["type"] == "table"]


def seed_text(slug: str) -> str:
    return (FIX / "bulletins" / "text" / f"{slug}.txt").read_text(encoding="utf-8")


def row_of(table: dict[str, Any], col: int, text: str) -> list[str | None]:
    rows = [r for r in table["rows"] if len(r) > col and r[col] == text]
    assert len(rows) == 1, f"{text!r} in column {col}: {len(rows)} rows"
    return rows[0]


def by_caption(slug: str, fragment: str) -> dict[str, Any]:
    found = [t for t in tables(slug) if t["caption"] and fragment in t["caption"]]
    assert len(found) == 1
    return found[0]


def covering(table: dict[str, Any], row: int, col: int) -> str | None:
    """Text of the printed cell that covers (row, col), merged or not."""
    for r0, c0, rs, cs in table["merges"]:
        if r0 <= row < r0 + rs and c0 <= col < c0 + cs:
            return table["rows"][r0][c0]
    return table["rows"][row][col]


# ------------------------------------------------------------ specs against the seeds (hand-checked)


def test_seeds_are_verbatim_copies() -> None:
    seeds = Path("/work/shared/seeds")
    if not seeds.is_dir():
        pytest.skip("shared seeds not on this machine")
    for n, slug in enumerate(SLUGS):
        (src,) = seeds.glob(f"{n:03d}_*.txt")
        assert (FIX / "bulletins" / "text" / f"{slug}.txt").read_bytes() == src.read_bytes()


def test_gb18030_copy_decodes_to_the_seed() -> None:
    raw = (FIX / "bulletins" / "text" / "baishui-2024q1-gb18030.txt").read_bytes()
    with pytest.raises(UnicodeDecodeError):
        raw.decode("utf-8")
    assert raw.decode("gb18030") == seed_text("baishui-2024q1")


def test_pingjiang_market_bureau_cases() -> None:
    (table,) = tables("pingjiang-2024-05")
    header = table["rows"][0]
    assert header[:3] == ["部门名称", "受理案件数", "应办理数"]  # the first header, not the page-3 "应办数"
    row = row_of(table, 0, "平江县市场监督管理局")
    assert row[header.index("受理案件数")] == "236"
    assert row[header.index("按期办结率")] == "97.9%"
    assert row[header.index("等级评价")] == "A"
    assert "平江县市场监督管理局\t236\t238\t238\t100%\t233\t97.9%\t" in seed_text("pingjiang-2024-05")
    # repeated page headers are one header row, not data
    assert sum(r[0] == "部门名称" for r in table["rows"]) == 1
    assert len(table["rows"]) == 1 + 49
    assert table["rows"][-1][0] == "三墩乡" and table["rows"][-1][-1] == "D"


def test_wanzai_annex2_two_row_header() -> None:
    table = by_caption("wanzai-2023-12", "乡镇（街道）综合考核排名")
    assert table["header_rows"] == 2
    row = row_of(table, 0, "高村镇")
    assert row[4] == "86.67%"
    assert table["rows"][1][4] == "提前率\n（10分）"
    assert covering(table, 1, 4) == "提前率\n（10分）"
    assert covering(table, 0, 4) == "按期办结率情况（40分）"  # group header spans 实际提前办结时间 … 得分
    assert [0, 2, 1, 6] in table["merges"]
    assert covering(table, 1, 0) == "成员单位"  # single header merged over both rows
    assert covering(table, 1, 24) == "综合得分（100分）"
    assert row[24] == "99.63"


def test_wanzai_first_table_and_annex1_merges() -> None:
    first = tables("wanzai-2023-12")[0]
    assert first["rows"][1][0] == "1383" and [1, 0, 5, 1] in first["merges"]
    assert covering(first, 5, 0) == "1383"
    assert first["rows"][3][1] == "网站邮件\n赣服通"
    annex1 = by_caption("wanzai-2023-12", "重新派发工单情况统计表")
    # 13-15 are 住建局's orders: blank 承办单位 in the seed = same unit as above
    assert annex1["rows"][13] == ["13", "住建局", "关于小区的问题"]
    assert [13, 1, 3, 1] in annex1["merges"]
    assert covering(annex1, 15, 1) == "住建局"
    assert covering(annex1, 41, 1) == "市监局"
    assert covering(annex1, 25, 1) == "教体局" and annex1["rows"][25][1] == "教体局"  # printed again, not merged


def test_wanzai_annex3_damaged_rows_kept_as_printed() -> None:
    table = by_caption("wanzai-2023-12", "县直各有关单位综合考核排名")
    court = row_of(table, 0, "法院")
    assert len(court) == 24 and court[-1] == "80.01"
    lengths = [len(r) for r in table["rows"]]
    assert lengths.count(20) == 1 and lengths.count(24) == 1
    assert sum(1 for r in table["rows"][2:] if r[0] == "") == 5  # unit names lost in the seed
    assert row_of(table, 0, "城管局")[8] == "38.73"  # printed so, although 9.23 + 30.00 = 39.23


def test_baishui_sub_unit_rows() -> None:
    table = by_caption("baishui-2024q1", "各部门工单办理情况")
    header = table["rows"][0]
    assert header[:3] == ["办理部门", "下属单位", "承办工单量"]
    row = row_of(table, 1, "劳动监察大队")
    assert row[0] == "" and row[2] == "139"
    assert "\t劳动监察大队\t139\t" in seed_text("baishui-2024q1")
    assert row_of(table, 0, "国家税务总局 白水县税务局")[2] == "2"
    assert table["rows"][table["total_rows"][0]][:3] == ["总计", "", "1170"]
    assert sum(r[0] == "办理部门" for r in table["rows"]) == 1


def test_wengyuan_header_and_spaced_percent() -> None:
    (table,) = tables("wengyuan-2022-06")
    header = table["rows"][1]
    row = row_of(table, 0, "公安局")
    assert row[header.index("满意率")] == "89. 52%"
    assert covering(table, 1, 5) == "投诉" and covering(table, 0, 5) == "工单分类"
    assert covering(table, 1, 1) == "工单总数"
    assert table["rows"][table["total_rows"][0]][0] == "总计:"
    assert table["rows"][table["total_rows"][0]][1] == "694"


def test_changji_info_grid() -> None:
    (table,) = tables("changji-2025-04")
    assert table["borders"] is False
    assert table["rows"][0][:2] == ["索 引 号", "CJS044/2025-000234"]
    assert table["rows"][4] == ["发文单位", "行政审批局(数字化发展局)", "发布机构", "昌吉市政府网"]


# ------------------------------------------------------------ built files against the specs


def docx_blocks(path: Path) -> tuple[list[tuple[str, int | None]], list[list[list[str | None]]], etree._Element]:
    with zipfile.ZipFile(path) as z:
        body = etree.fromstring(z.read("word/document.xml")).find(f"{W}body")
    paras: list[tuple[str, int | None]] = []
    grids: list[list[list[str | None]]] = []
    for el in body:
        if el.tag == f"{W}p":
            text = "".join(t.text or "" for t in el.iter(f"{W}t"))
            style = el.find(f"{W}pPr/{W}pStyle")
            level = int(style.get(f"{W}val")[-1]) if style is not None and style.get(f"{W}val").startswith("Heading") else None
            if text:
                paras.append((text, level))
        elif el.tag == f"{W}tbl":
            grid = []
            for tr in el.findall(f"{W}tr"):
                row: list[str | None] = []
                for tc in tr.findall(f"{W}tc"):
                    span_el = tc.find(f"{W}tcPr/{W}gridSpan")
                    span = int(span_el.get(f"{W}val")) if span_el is not None else 1
                    vmerge = tc.find(f"{W}tcPr/{W}vMerge")
                    covered = vmerge is not None and vmerge.get(f"{W}val") in (None, "continue")
                    text = "\n".join("".join(t.text or "" for t in p.iter(f"{W}t")) for p in tc.findall(f"{W}p"))
                    row += [None if covered else text] + [None] * (span - 1)
                grid.append(row)
            grids.append(grid)
    return paras, grids, body


def html_blocks(path: Path, encoding: str) -> tuple[list[tuple[str, int | None]], list[list[list[str | None]]]]:
    doc = lxml_html.fromstring(path.read_bytes().decode(encoding))
    (content,) = doc.xpath('//div[@id="zoom"]')
    for br in content.iter("br"):
        br.tail = "\n" + (br.tail or "")
    paras: list[tuple[str, int | None]] = []
    grids: list[list[list[str | None]]] = []
    for el in content:
        if el.tag == "p":
            paras.append((el.text_content(), None))
        elif el.tag in ("h2", "h3"):
            paras.append((el.text_content(), int(el.tag[1]) - 1))
        elif el.tag == "table":
            occupied: dict[tuple[int, int], str | None] = {}
            trs = el.xpath("./tbody/tr")
            for r, tr in enumerate(trs):
                c = 0
                for td in tr.findall("td"):
                    while (r, c) in occupied:
                        c += 1
                    rs, cs = int(td.get("rowspan", 1)), int(td.get("colspan", 1))
                    for dr in range(rs):
                        for dc in range(cs):
                            occupied[(r + dr, c + dc)] = None
                    occupied[(r, c)] = td.text_content()
                    c += cs
            grids.append([[occupied[(r, c)] for c in range(max(c for rr, c in occupied if rr == r) + 1)] for r in range(len(trs))])
    return paras, grids


@pytest.mark.parametrize("slug", SLUGS)
def test_docx_matches_spec(slug: str) -> None:
    s = spec(slug)
    paras, grids, body = docx_blocks(FIX / "bulletins" / "docx" / f"{slug}.docx")
    assert paras == [(b["text"], b["level"]) for b in s["blocks"] if b["type"] == "paragraph"]
    assert grids == [t["rows"] for t in tables(slug)]
    for tbl, t in zip(body.iter(f"{W}tbl"), tables(slug), strict=True):
        flags = [tr.find(f"{W}trPr/{W}tblHeader") is not None for tr in tbl.findall(f"{W}tr")]
        assert flags == [r < t["header_rows"] and t["repeat_header"] for r in range(len(t["rows"]))]
        bordered = tbl.find(f"{W}tblPr/{W}tblStyle") is not None
        assert bordered == t["borders"]


def test_docx_ragged_rows_use_grid_after() -> None:
    _, _, body = docx_blocks(FIX / "bulletins" / "docx" / "wanzai-2023-12.docx")
    after = [int(e.get(f"{W}val")) for e in body.iter(f"{W}gridAfter")]
    assert sorted(after) == [1, 5]  # 法院's row (24 of 25 cells) and the 20-cell row
    orients = [s.get(f"{W}orient") for s in body.iter(f"{W}pgSz")]
    assert "landscape" in orients  # the 25-column annexes


@pytest.mark.parametrize("slug", SLUGS)
def test_html_matches_spec(slug: str) -> None:
    encoding = "gb18030" if slug == "changji-2025-04" else "utf-8"
    paras, grids = html_blocks(FIX / "bulletins" / "html" / f"{slug}.html", encoding)
    assert paras == [(b["text"], b["level"]) for b in spec(slug)["blocks"] if b["type"] == "paragraph"]
    assert grids == [t["rows"] for t in tables(slug)]


def test_html_gb_encoded_page() -> None:
    raw = (FIX / "bulletins" / "html" / "changji-2025-04.html").read_bytes()
    assert b'<meta charset="gb2312">' in raw
    with pytest.raises(UnicodeDecodeError):
        raw.decode("utf-8")
    assert "昌吉市12345政务服务便民热线运行分析报告" in raw.decode("gb18030")


def test_pdf_long_table_repeats_its_header_on_each_page() -> None:
    for variant in ("pdf", "pdf-borderless"):
        with pdfplumber.open(FIX / "bulletins" / variant / "pingjiang-2024-05.pdf") as pdf:
            texts = [p.extract_text() or "" for p in pdf.pages]
        pages = [i for i, t in enumerate(texts) if "平江县" in t and "%" in t and "部门名称" in t]
        assert len(pages) >= 2, variant
        assert "平江县市场监督管理局" in "".join(texts)


def test_pdf_borders() -> None:
    def ruling(path: Path) -> list[int]:
        with pdfplumber.open(path) as pdf:
            return [len(p.edges) for p in pdf.pages]

    bordered = ruling(FIX / "bulletins" / "pdf" / "baishui-2024q1.pdf")
    assert bordered[:3] == [0, 0, 0] and all(n >= 18 for n in bordered[3:])  # prose pages, then the two annex tables
    assert sum(ruling(FIX / "bulletins" / "pdf-borderless" / "baishui-2024q1.pdf")) == 0


def test_needs_ocr_pdfs_have_no_usable_text() -> None:
    for path in (FIX / "needs_ocr").glob("*-no-tounicode.pdf"):
        with pdfplumber.open(path) as pdf:
            text = "".join(p.extract_text() or "" for p in pdf.pages)
        assert "(cid:" in text
        assert not any("\u4e00" <= ch <= "\u9fff" for ch in text), path.name
    with pdfplumber.open(FIX / "needs_ocr" / "wengyuan-2022-06-scan.pdf") as pdf:
        assert all(not p.chars and p.images for p in pdf.pages)


def test_bad_inputs() -> None:
    bad = FIX / "bad"
    assert (bad / "empty.pdf").stat().st_size == 0 and (bad / "empty.html").stat().st_size == 0
    assert (bad / "corrupt.pdf").read_bytes().startswith(b"%PDF-") and b"%%EOF" not in (bad / "corrupt.pdf").read_bytes()
    good = (FIX / "bulletins" / "pdf" / "changji-2025-04.pdf").read_bytes()
    assert good.startswith((bad / "truncated.pdf").read_bytes()) and (bad / "truncated.pdf").stat().st_size < len(good)
    assert (bad / "really-a-doc.docx").read_bytes()[:8] == bytes.fromhex("d0cf11e0a1b11ae1")  # OLE2, not a zip
    assert not zipfile.is_zipfile(bad / "really-a-doc.docx")
    pikepdf = pytest.importorskip("pikepdf")
    with pytest.raises(pikepdf.PasswordError):
        pikepdf.open(bad / "encrypted.pdf")
    assert (bad / "notes.xyz").stat().st_size > 0


# ------------------------------------------------------------ rebuilds


def test_docx_html_rebuild_is_identical(tmp_path: Path) -> None:
    subprocess.run(
        [sys.executable, str(FIX / "build.py"), "--out", str(tmp_path), "--only", "docx", "html"], check=True, capture_output=True
    )
    for slug in SLUGS:
        rel = Path("bulletins") / "html" / f"{slug}.html"
        assert (tmp_path / rel).read_bytes() == (FIX / rel).read_bytes(), f"{rel} differs from the committed file"
        # DOCX: compare the members, not the deflated bytes, which depend on the zlib build
        rel = Path("bulletins") / "docx" / f"{slug}.docx"
        with zipfile.ZipFile(tmp_path / rel) as new, zipfile.ZipFile(FIX / rel) as old:
            assert new.namelist() == old.namelist()
            for name in old.namelist():
                assert new.read(name) == old.read(name), f"{rel}:{name} differs from the committed file"


@pytest.mark.libreoffice
@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice (soffice) not installed: PDF fixtures are not rebuilt")
def test_pdf_rebuild_gives_same_text(tmp_path: Path) -> None:
    slug = "pingjiang-2024-05"
    cmd = [sys.executable, str(FIX / "build.py"), "--out", str(tmp_path), "--only", "pdf", "--slug", slug]
    subprocess.run(cmd, check=True, capture_output=True)
    for variant in ("pdf", "pdf-borderless"):
        rel = Path("bulletins") / variant / f"{slug}.pdf"
        with pdfplumber.open(tmp_path / rel) as new, pdfplumber.open(FIX / rel) as old:
            assert [p.extract_text() for p in new.pages] == [p.extract_text() for p in old.pages]
