"""A county none of the code was developed on: a short bulletin written for this test
(tests/data/unseen/yifeng-2024-03.txt, 江西 宜丰县, March 2024), its numbers made to add up, so
every expected value below is known by construction. Then two errors are planted in a copy."""

from __future__ import annotations

import csv
from pathlib import Path

from click.testing import CliRunner

from cli import main

BULLETIN = Path(__file__).resolve().parent / "data" / "unseen" / "yifeng-2024-03.txt"


def _rows(path: Path) -> list[dict]:
    with path.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def _extract(path: Path, out: Path) -> tuple[dict, list[dict], list[dict]]:
    result = CliRunner().invoke(main, ["extract", str(path), "-o", str(out), "--workers", "0"])
    assert result.exit_code == 0, result.output
    (bulletin,) = _rows(out / "bulletins.csv")
    return bulletin, _rows(out / "values.csv"), _rows(out / "findings.csv")


def test_metadata_tables_prose_and_units_of_an_unseen_county(tmp_path: Path) -> None:
    bulletin, values, findings = _extract(BULLETIN, tmp_path / "out")
    meta = {k: bulletin[k] for k in ("province", "city", "county", "period", "period_start", "period_end", "published", "issuer")}
    assert meta == {
        "province": "江西省",
        "city": "宜春市",
        "county": "宜丰县",
        "period": "2024-03",
        "period_start": "2024-03-01",
        "period_end": "2024-03-31",
        "published": "2024-04-08",
        "issuer": "宜丰县人民政府办公室",
    }
    table = {(v["unit_raw"], v["column_raw"]): v for v in values if v["table"]}
    assert len(table) == 6 * 5 - 1  # six rows of five value columns; the 合计 row prints no 得分
    assert (table[("县市监局", "满意率")]["value"], table[("县市监局", "满意率")]["metric"]) == ("97.14", "satisfaction_rate")
    assert table[("县住建局", "得分")]["metric"] == "score"  # 得分 alone in its table is the score
    assert table[("合计", "受理件数")]["unit_kind"] == "total"
    units = {v["unit_raw"]: (v["unit"], v["unit_kind"]) for v in values if v["table"] and v["unit_kind"] != "total"}
    assert units == {
        "县住建局": ("住房和城乡建设局", "department"),
        "县市监局": ("市场监督管理局", "department"),
        "县人社局": ("人力资源和社会保障局", "department"),
        "新昌镇": ("新昌镇", "township"),
        "澄塘镇": ("澄塘镇", "township"),
    }
    prose = {(v["unit_raw"], v["metric"]): v["value"] for v in values if not v["table"]}
    assert prose == {
        ("", "received"): "2156",
        ("", "yoy"): "5.2",
        ("", "mom"): "-3.1",
        ("投诉类", "received"): "1402",
        ("投诉类", "share"): "65.03",
        ("咨询类", "received"): "431",
        ("咨询类", "share"): "19.99",
        ("求助类", "received"): "323",
        ("求助类", "share"): "14.98",
        ("", "ontime_rate"): "99.5",
        ("", "satisfaction_rate"): "96.8",
    }
    assert not [f for f in findings if f["severity"] in ("error", "warning")]


def test_planted_errors_in_an_unseen_county_are_found(tmp_path: Path) -> None:
    """合计 受理件数 885 → 895 (the rows add up to 885; 881/895 is not 99.55%), and 咨询类's share
    19.99% → 21.99% (431/2156 = 19.99%; the three types add up to 2156)."""
    bad = tmp_path / "yifeng-bad.txt"
    text = BULLETIN.read_text(encoding="utf-8").replace("合计\t885", "合计\t895").replace("占比19.99%", "占比21.99%")
    bad.write_text(text, encoding="utf-8")
    _, _, findings = _extract(bad, tmp_path / "out")
    errors = {(f["check"], f["unit_raw"], f["printed"], f["expected"]) for f in findings if f["severity"] == "error"}
    assert errors == {
        ("column_total", "合计", "895", "885"),
        ("rate", "合计", "99.55%", "98.44%"),
        ("share", "咨询类", "21.99%", "19.99%"),
    }
