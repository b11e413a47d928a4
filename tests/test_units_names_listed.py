"""Unit names as they come out of enumerations and older bulletins (issue 16): the names a
prose list carries (有X局、Y局等3个单位) must resolve once the prose reader hands them over,
and units.csv `method` must be documented for every way of resolving. Every name here is
written for the test, for a real place the development corpus does not cover."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from extractor.units import SCORES, Resolver

# 临朐县 (潍坊市, 山东省): not in the corpus
LINQU = Resolver(["山东省", "潍坊市", "临朐县"])
ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.parametrize(
    ("printed", "canonical"),
    [
        # predecessors merged by the 2018-2019 reforms are one body with their successor
        ("卫计局", "卫生健康局"),
        ("工商质监局", "市场监督管理局"),
        ("食药局", "市场监督管理局"),
        ("国土资源局", "自然资源局"),
        ("规划局", "自然资源局"),
        ("環保局", "生态环境局"),  # and in traditional script
        ("经信局", "工业和信息化局"),
        ("农业局", "农业农村局"),
    ],
)
def test_reform_predecessors_resolve_to_their_successor(printed, canonical):
    assert LINQU.resolve(printed).unit == canonical


@pytest.mark.parametrize(
    ("printed", "canonical"),
    [
        ("市交警支队", "交通警察大队"),  # the city-level unit of the same kind
        ("国网临朐县供电公司", "供电公司"),  # a county's branch of a company is that kind of body
        ("中国移动临朐分公司", "移动公司"),
        ("中国电信临朐分公司", "电信公司"),
        ("潍坊市公安局临朐分局", "公安局"),  # a county's branch of a city bureau
        ("临朐公安分局", "公安局"),
        ("县水务集团", "供水公司"),
        ("市水務局", "水利局"),
        ("县人民医院", "人民医院"),
        ("其中:县财政局", "财政局"),
    ],
)
def test_branches_and_levels_resolve_to_the_kind_of_body(printed, canonical):
    assert LINQU.resolve(printed).unit == canonical


def test_the_party_school_is_one_body_however_printed():
    assert {LINQU.resolve(n).unit for n in ("县委党校", "黨校", "党校")} == {"党校"}


@pytest.mark.parametrize("printed", ["市智慧城市建设局", "临朐鑫盛能源集团"])
def test_no_body_is_forced_onto_a_name_the_dictionary_does_not_confirm(printed):
    r = LINQU.resolve(printed)
    assert (r.unit, r.method) == ("", "unresolved")


def test_every_method_the_resolver_emits_is_documented_in_the_datapackage():
    pkg = json.loads((ROOT / "schemas" / "datapackage.json").read_text(encoding="utf-8"))
    units = next(r for r in pkg["resources"] if r["path"].endswith("units.csv"))
    desc = next(f for f in units["schema"]["fields"] if f["name"] == "method")["description"]
    for method in [*SCORES, "aggregate", "label", "unresolved"]:
        assert f"{method} (" in desc, method


# 潍坊市's counties (a city bulletin ranks them as rows); written for the test
WEIFANG = Resolver(["山东省", "潍坊市"])


@pytest.mark.parametrize(
    ("printed", "canonical"),
    [("临朐县", "临朐县"), ("臨朐縣", "临朐县"), ("寿光市", "寿光市"), ("坊子区政府", "坊子区"), ("昌乐县人民政府", "昌乐县")],
)
def test_a_county_in_a_city_bulletin_is_the_county_by_its_registry_name(printed, canonical):
    r = WEIFANG.resolve(printed)
    assert (r.unit, r.unit_kind) == (canonical, "county")


@pytest.mark.parametrize("printed", ["县人民政府", "山区", "某某县"])
def test_a_county_word_the_registry_does_not_know_is_not_a_county(printed):
    assert WEIFANG.resolve(printed).unit_kind != "county"


def test_the_short_street_office_is_the_street():
    r = LINQU.resolve("城关街办")
    assert (r.unit, r.unit_kind) == ("城关街道", "street")
