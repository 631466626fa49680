"""Every target and department table of tests/data/real read as a clerk's workbook holds it:
the right layout, project, budget, indicator count and the README's facts a reader can see."""

from __future__ import annotations

import datetime as dt

import pytest

from xlperf.api import check_path

from .real_tables import build

QINGSHAN = "hubei_wuhan-qingshan_2020_jiaoyujijian_target"
NANYUE = "hunan_hengyang-nanyue_2018_fupinjidi_target"
YUEYANG = "hunan_yueyang-yueyangxian_2022_gaobiaozhunnongtian_target"
WUHAI = "neimenggu_wuhai_2021_zaishengziyuan_target"
NINGDE = "fujian_ningde_2019_dangshidifangzhi_dept"

EXPECTED = {  # layout, name, budget (万元), indicators
    QINGSHAN: ("form", "教育系统基础设施建设和设备购置", 10000.0, 7),
    NANYUE: ("form", "2018年市级专项扶贫资金基础设施(人大代表扶贫基地)", 10.0, 16),
    YUEYANG: ("form", "岳阳县2022年高标准农田建设项目", 854.0, 12),
    WUHAI: ("form", "再生资源回收市场管理经费", 3.0, 11),
    NINGDE: ("department", "中共宁德市委党史和地方志研究室", 171.41, 7),
}
VARIANTS = {"plain": {}, "rich": {"percent": True, "dates": True, "hmerge": True}}


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    d = tmp_path_factory.mktemp("real")
    cache = {}

    def get(name, variant="plain"):
        key = (name, variant)
        if key not in cache:
            cache[key] = check_path(build(d / f"{name}-{variant}.xlsx", [name], **VARIANTS[variant]))
        return cache[key]
    return get


def only_project(res):
    assert len(res.tables) == 1 and len(res.tables[0].projects) == 1
    return res.tables[0], res.tables[0].projects[0]


@pytest.mark.parametrize("variant", sorted(VARIANTS))
@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_each_real_table_is_read(built, name, variant):
    res = built(name, variant)
    layout, pname, budget, count = EXPECTED[name]
    t, p = only_project(res)
    assert t.layout == layout and t.layout_reason
    assert p.name == pname
    assert p.budget == pytest.approx(budget)
    assert len(p.real_indicators()) == count
    assert res.report.summary.layouts == {layout: 1}
    assert res.report.projects[0].layout == layout
    assert not [f for f in res.findings if f.code in ("ST001", "ST010", "ST017")], \
        [(f.code, f.cell, f.message) for f in res.findings if f.code in ("ST001", "ST010", "ST017")]


def test_yueyang_854_is_400_295_159_and_the_repeat_is_read_once(built):
    _, p = only_project(built(YUEYANG))
    assert p.funds.total == 854 and p.funds.total_cell == "C5"
    assert [(x.label, x.amount) for x in p.funds.total_line.parts] == [
        ("高标准农田建设", 400), ("示范建设", 295), ("畅通工程", 159)]
    fiscal = next(x for x in p.funds.lines if x.role == "fiscal")
    assert fiscal.amount == 854 and fiscal.repeated and sum(x.amount for x in fiscal.parts) == 854
    other = next(x for x in p.funds.lines if x.role == "other")
    assert other.amount is None and other.label_cell == "B7"
    assert p.department == "岳阳县农业农村局" and p.unit_name == "农田建设服务中心"
    assert p.goal == "完成项目主体工程70%"
    time = next(i for i in p.indicators if i.level2 == "时效指标")
    assert (time.comparator, time.target, time.measure) == ("≥", 100, "%")
    grain = next(i for i in p.indicators if i.name == "年增粮食")
    assert (grain.comparator, grain.target, grain.measure) == ("=", 3500, "公斤")  # no sign: read as "=" (VL016 says so once)


def test_nanyue_ascii_comparators_are_read_as_signs(built):
    _, p = only_project(built(NANYUE))
    comps = [i.comparator for i in p.indicators]
    assert comps.count("≥") == 13 and comps.count("≤") == 3
    first = p.indicators[0]
    assert (first.target, first.measure) == (20, "平方米")
    assert [i.level1 for i in p.indicators].count("满意度指标") == 4
    assert p.unit_code == "610001" and p.unit_name == "湖南省润山润水生态农业发展有限公司"
    assert p.funds.total == 10 and [(x.role, x.amount) for x in p.funds.lines] == [("fiscal", 10), ("other", 0)]
    assert all(i.details.get("备注") is None for i in p.indicators)
    assert p.details["区扶贫办审核意见"] == "(盖章)"


def test_wuhai_swapped_columns_read_by_content_and_said_once(built):
    res = built(WUHAI)
    _, p = only_project(res)
    st014 = [f for f in res.findings if f.code == "ST014"]
    assert len(st014) == 1 and "指标性质" in st014[0].message and st014[0].cell == "D14"
    assert {i.comparator for i in p.indicators} == {"="}
    assert [i.direction for i in p.indicators].count("反向指标") == 5
    assert p.details["stated_points"]["产出指标"]["points"] == 50
    assert p.department_code == "433" and p.unit_code == "433001"


def test_wuhai_date_serial_kept_as_read(built):
    _, p = only_project(built(WUHAI))
    times = [i for i in p.indicators if i.name in ("项目财政资金到位时间", "工作计划按时完成时间")]
    assert [i.target for i in times] == [44561, 44561]  # text "44,561": the serial, as written
    _, p = only_project(built(WUHAI, "rich"))
    times = [i for i in p.indicators if i.name in ("项目财政资金到位时间", "工作计划按时完成时间")]
    assert all(isinstance(i.raw["target"], dt.date) and str(i.raw["target"])[:10] == "2021-12-31" for i in times)
    assert all("2021-12-31" in str(i.target) for i in times)


def test_qingshan_empty_long_term_group_said_once(built):
    for variant in VARIANTS:
        res = built(QINGSHAN, variant)
        _, p = only_project(res)
        st016 = [f for f in res.findings if f.code == "ST016"]
        assert len(st016) == 1 and "三级指标(长期)" in st016[0].message
        assert p.goal_long.startswith("优化教育布局") and p.goal.startswith("按工作计划完成")
        assert all(i.details.get("二级指标(长期)") == i.level2 for i in p.indicators)
        assert p.indicators[0].target == 2 and p.indicators[2].target == "参照政府采购成本控制"
        assert p.funds.total_cell == "E6" and p.funds.total == 10000
        assert {(x.label, x.group) for x in p.funds.lines if x.role == "total"} == {("资金总额", "资金总额")}


def test_ningde_duties_with_amounts_and_cells(built):
    res = built(NINGDE)
    _, p = only_project(res)
    assert p.unit_name == p.department == "中共宁德市委党史和地方志研究室"
    assert [(x.role, x.amount) for x in p.funds.lines] == [("project", 60.8), ("basic", 110.61)]
    duties = p.details["duties"]
    assert [d["amount"] for d in duties] == [49.8, 11, 171.41]
    assert sum(d["amount"] for d in duties) == pytest.approx(232.21)
    assert duties[2]["project"] == "基本支出" and duties[0]["cells"]["amount"] == "E12"
    assert p.goal.startswith("目标1:") and "目标4:" in p.goal
    assert p.indicators[3].details["指标解释"] == "90%(计划标准)" and p.indicators[3].target == 1


def test_rich_percent_cells_read_as_numbers(built):
    _, p = only_project(built(QINGSHAN, "rich"))
    rate = p.indicators[1]
    assert rate.name == "重点建设工程验收合格率" and rate.target == pytest.approx(1.0)
