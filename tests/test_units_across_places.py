"""Unit names across places (issue 16): normalisation before lookup, the bodies a county or city
has, and merges only on evidence. Every name here is written for the test; the places are real
divisions (the registry must know them) that the development corpus does not cover."""

from __future__ import annotations

import pytest

from extractor.units import Resolver

# 婺源县 (上饶市, 江西省), 临朐县 (潍坊市, 山东省), 浏阳市 (a county-level city of 长沙市)
WUYUAN = Resolver(["江西省", "上饶市", "婺源县"])
WUYUAN_ALONE = Resolver(["婺源县"])  # the city and province must come from the registry
LINQU = Resolver(["山东省", "潍坊市", "临朐县"])
LIUYANG = Resolver(["湖南省", "长沙市", "浏阳市"])
NOWHERE = Resolver([])


def unit(r: Resolver, name: str) -> str:
    return r.resolve(name).unit


# ---- 1. normalisation of the printed name ----------------------------------------------------


@pytest.mark.parametrize(
    ("printed", "canonical"),
    [
        ("縣醫療保障局", "医疗保障局"),  # traditional script and a level prefix
        ("市熱(rè)線辦", "12345热线办公室"),  # a mirror's pinyin gloss
        ("縣廣(guǎng)播電視臺", "广播电视台"),
        ("?guó)網(wǎng)婺源供電公司", "供电公司"),  # a gloss cut from its character at the start
        ("婺源县“12345”政务服务热线中心", "12345热线办公室"),  # quotes and the hotline number inside
        ("其中：县交警大队", "交通警察大队"),  # an enumeration word in front
        ("婺 源 县 林 业 局", "林业局"),  # spaces inside
    ],
)
def test_script_debris_and_marks_are_normalised_before_lookup(printed, canonical):
    assert unit(WUYUAN, printed) == canonical


@pytest.mark.parametrize(
    "printed",
    [
        "江西省婺源县财政局",
        "上饶市婺源县财政局",
        "婺源县财政局",
        "婺源财政局",
        "上饶市财政局",
        "县财政局",
        "市财政局",
        "区财政局",
        "财政局",
    ],
)
def test_the_places_own_name_at_any_level_is_peeled(printed):
    assert unit(WUYUAN, printed) == "财政局"


def test_the_city_of_a_county_comes_from_the_registry():
    # only the county is passed; 上饶市 in front (and its branch form) is still the place
    assert unit(WUYUAN_ALONE, "上饶市生态环境局婺源分局") == "生态环境局"
    assert unit(WUYUAN_ALONE, "上饶市财政局") == "财政局"


def test_a_place_the_bulletin_did_not_name_is_peeled_only_before_a_dictionary_hit():
    assert unit(NOWHERE, "赣州银保监分局") == "金融监管分局"  # 赣州 is a registry place
    assert unit(NOWHERE, "九江海事局") == "海事局"
    assert unit(NOWHERE, "黄山风景区管理处") == "黄山风景区管理处"  # a named body keeps its place


@pytest.mark.parametrize(
    ("printed", "canonical"),
    [
        ("市体育局", "体育局"),
        ("市发展和改革委员会", "发展和改革局"),
        ("县发改委", "发展和改革局"),
        ("市消防支队", "消防救援大队"),  # the city-level unit is the same kind of body
        ("县消防救援大队", "消防救援大队"),
        ("市交警支队", "交通警察大队"),
        ("市劳动保障监察支队", "劳动保障监察大队"),
    ],
)
def test_level_prefixes_and_level_endings(printed, canonical):
    assert unit(LINQU, printed) == canonical


@pytest.mark.parametrize(
    ("printed", "canonical"),
    [
        ("临朐经济开发区管委会", "临朐经济开发区"),
        ("县经济开发区管理委员会", "临朐经济开发区"),
        ("沂山新区发展服务中心", "沂山新区"),
        ("县行政审批服务局热线中心", "12345热线办公室"),  # a sub-body after its parent
        ("县公安局交通警察大队", "交通警察大队"),
    ],
)
def test_office_suffixes_and_parents_that_do_not_change_the_body(printed, canonical):
    assert unit(LINQU, printed) == canonical


# ---- 2. the bodies a county has, with the abbreviations people print -------------------------


@pytest.mark.parametrize(
    ("printed", "canonical", "kind"),
    [
        ("中国电信临朐分公司", "电信公司", "enterprise"),
        ("山东电信临朐分公司", "电信公司", "enterprise"),
        ("中国移动潍坊分公司", "移动公司", "enterprise"),
        ("国网临朐县供电公司", "供电公司", "enterprise"),
        ("临朐县自来水有限责任公司", "供水公司", "enterprise"),
        ("中国农业银行临朐县支行", "中国农业银行", "enterprise"),
        ("农业发展银行潍坊市分行", "中国农业发展银行", "enterprise"),
        ("潍坊银行临朐支行", "潍坊银行", "enterprise"),  # a bank named after its city keeps the name
        ("潍坊医学院", "潍坊医学院", "public_institution"),
        ("县中医院", "中医医院", "public_institution"),
        ("县广播电视台", "广播电视台", "public_institution"),
        ("县政务服务中心", "政务服务中心", "public_institution"),
        ("县行政服务中心", "政务服务中心", "public_institution"),
        ("临朐县12345热线办", "12345热线办公室", "public_institution"),
        ("县城管执法大队", "城市管理综合执法大队", "department"),
        ("县委社会工作部", "社会工作部", "department"),
        ("县委党校", "党校", "public_institution"),
        ("县金融办", "金融工作办公室", "department"),
        ("县数据局", "数据资源局", "department"),
        ("县邮政管理局", "邮政管理局", "department"),
        ("县畜牧水产局", "畜牧局", "department"),
        ("县公路建设养护中心", "公路事务中心", "public_institution"),
        ("县委编办", "机构编制委员会办公室", "department"),  # 县委 in front of a party body
        ("县环卫所", "环境卫生管理中心", "public_institution"),
        ("县机关事务服务中心", "机关事务管理局", "department"),  # the reform's new title, one body
        ("县交投集团有限公司", "交通投资公司", "enterprise"),
        ("城关派出所", "城关派出所", "department"),  # a township's station keeps its own name
        ("县120急救指挥中心", "急救中心", "public_institution"),
    ],
)
def test_dictionary_bodies_and_branches(printed, canonical, kind):
    res = LINQU.resolve(printed)
    assert (res.unit, res.unit_kind) == (canonical, kind)


@pytest.mark.parametrize(
    ("names", "canonical"),
    [
        (["县教体局", "县教育体育局", "县教育局"], "教育局"),  # a merged mandate is its lead mandate's body
        (["卫健委", "县卫健局", "卫生健康委员会", "县卫计局"], "卫生健康局"),
        (["城市管理综合执法局", "县城管局", "城管执法局"], "城市管理局"),
        (["县水务局", "县水利局"], "水利局"),
        (["县文广旅体局", "县文化和旅游局", "县文化旅游和广播电视局"], "文化广电旅游局"),
        (["县规划局", "县国土资源局", "县自然资源和规划局"], "自然资源局"),  # 2018 reform predecessors
        (["县工商质监局", "县食药局", "县工商局", "县市监局"], "市场监督管理局"),
    ],
)
def test_one_body_one_canonical_name(names, canonical):
    assert {unit(LINQU, n) for n in names} == {canonical}


def test_development_zones_are_named_by_their_place():
    # the same printed name in two counties names two zones
    assert unit(WUYUAN, "高新区") == "婺源高新技术产业开发区"
    assert unit(LINQU, "高新区") == "临朐高新技术产业开发区"
    assert unit(WUYUAN, "婺源县高新区") == unit(WUYUAN, "婺源高新技术产业开发区")
    # 市 in front: the city, or the county itself when it is a county-level city
    assert unit(WUYUAN, "市开发区") == "上饶开发区"
    assert unit(LIUYANG, "市经开区") == "浏阳经济技术开发区"
    assert unit(LINQU, "潍坊市高新区") == "潍坊高新技术产业开发区"
    assert unit(WUYUAN, "新区") == ""  # 新区 alone names no zone
    assert WUYUAN.resolve("婺源工业园").unit_kind == "development_zone"


# ---- 3. merges only on evidence --------------------------------------------------------------


def test_a_prefix_match_is_not_an_identity():
    # 县智慧城市 is not a place, so 建设局 is not what is left of the name
    res = LINQU.resolve("县智慧城市建设局")
    assert res.unit == "" and res.method == "unresolved"
    assert res.suggestion  # a suggestion for the review list, not applied
    assert unit(LINQU, "县智慧农业发展局") == ""


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("县交警大队", "县公安局"),  # a sub-body is not its parent
        ("县城管执法大队", "县城管局"),
        ("县邮政管理局", "县邮政公司"),  # the regulator is not the post company
        ("县热线办", "县编办"),
        ("县政务服务中心", "县行政审批服务局"),
        ("县体育局", "县教育局"),
        ("县社保局", "县人社局"),
        ("县农业综合执法大队", "县农业农村局"),  # an enforcement team is not its bureau
        ("县医保中心", "县医保局"),
        ("县交投集团", "县城投集团"),
        ("县高速交警大队", "县交警大队"),
    ],
)
def test_different_bodies_stay_apart(a, b):
    ua, ub = unit(LINQU, a), unit(LINQU, b)
    assert ua and ub and ua != ub


@pytest.mark.parametrize("printed", ["县某某能源集团", "物业公司", "县智慧城市运营中心", "民生服务站"])
def test_an_unknown_name_is_kept_as_printed_with_only_a_suggestion(printed):
    res = LINQU.resolve(printed)
    assert res.unit == "" and res.method == "unresolved"
