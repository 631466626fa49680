"""Issue 17 (rulebook): the changed rules and the review checks, as ordinary pytest tests (their
YAML cases, tests/rules/cases/<CODE>.yaml, run in test_cases.py)."""

import pytest

from xlperf.api import check_path, sample_path
from xlperf.core.blocks import build_table
from xlperf.core.config import Config
from xlperf.core.engine import check_table
from xlperf.core.rules.registry import DOC_SECTIONS, all_rules
from xlperf.core.rules.taxonomy import misplacement

from ..helpers import codes, grid_of
from .util import addr, check, ind, one, only, variant

STAFF = [ind(project="工资性支出", budget=251.89, goal="严格执行相关政策，保障工资及时、足额发放或社保及时、足额缴纳",
             name="发放(缴纳)覆盖率", comparator="=", target=100, measure="%", weight=60),
         ind(level1="效益指标", level2="社会效益指标", name="足额保障率(参保率)", comparator="=", target=100,
             measure="%", weight=30)]


def test_every_rule_has_a_basis_right_after_its_reason():
    assert DOC_SECTIONS == ("问题", "原因", "依据", "反例", "正例")
    for r in all_rules():
        at = [r.doc.index(f"{s}：") for s in DOC_SECTIONS]  # 反例/正例: the doc cases, appended
        assert at == sorted(at), r.code
        basis = r.doc[at[2]:at[3]]
        assert "〔" in basis or "http" in basis or "实践" in basis or "未找到" in basis, r.code


# --- §1 changed rules ------------------------------------------------------------------

def test_ST011_is_an_info_and_skips_staff_cost_projects():
    f = one(check(good_project_of(2)), "ST011")
    assert f.severity == "info"
    assert "ST011" not in codes(check(STAFF))  # was a warning on Sichuan's own 工资性支出


def good_project_of(n):
    return variant()[:n]


def test_TX020_one_info_instead_of_five_warnings_on_staff_cost():
    fs = check(STAFF)
    f = one(fs, "TX020")
    assert f.severity == "info" and f.cell == addr("project", 0)
    for code in ("TX005", "TX006", "WT003", "ST011"):
        assert code not in codes(fs) and f"（{code}）" in f.message
    assert "产出指标60" in f.message and "项目名称含“工资性”" in f.message


def test_TX020_by_config_list_and_silent_when_nothing_is_relaxed():
    rows = variant(name="机关食堂保障")
    assert "TX020" not in codes(check(rows, Config(routine_projects=["机关食堂保障"])))
    rows = variant({4: {"level1": "效益指标", "level2": "社会效益指标", "name": "供餐保障", "comparator": "定性",
                        "target": "有力", "measure": None}}, name="机关食堂保障")
    fs = check(rows, Config(routine_projects=["食堂"]))
    assert "TX005" not in codes(fs) and "配置 routine_projects 中的“食堂”" in one(fs, "TX020").message
    assert "TX005" in codes(check(rows))  # not listed: an ordinary project


def test_TX020_lists_only_enabled_codes():
    f = one(check(STAFF, Config(ignore=["TX005"])), "TX020")
    assert "TX005" not in f.message and "TX006" in f.message


def test_TX005_and_TX006_still_warn_on_ordinary_projects():
    fs = check(variant({2: {"level2": "数量指标"}, 4: {"level1": "效益指标", "level2": "社会效益指标"}}))
    assert "TX006" in codes(fs)


def test_TX002_old_template_satisfaction_is_an_info():
    f = one(check(variant({4: {"level1": "效益指标"}})), "TX002")
    assert f.severity == "info" and "旧版模板" in f.message  # was an error


def test_TX002_error_when_the_table_uses_the_current_taxonomy():
    rows = variant() + variant({4: {"level1": "效益指标"}}, name="项目B")
    f = one(check(rows), "TX002")
    assert f.severity == "error" and f.cell == addr("level2", 9)


def test_WT003_shows_the_cost_arithmetic_of_the_sheet():
    rows = variant({3: {"weight": 20}}) + [ind(level1="成本指标", level2="经济成本指标", name="支出成本", comparator="≤",
                                                target=10, measure="万元", weight=10, direction="反向指标")]
    f = one(check(rows), "WT003")
    assert "产出指标50 + 成本指标10 = 60" in f.message and "效益指标20" in f.message  # was "产出指标60"


def test_WT003_cost_with_its_own_share():
    rows = variant({0: {"weight": 10}}) + [ind(level1="成本指标", level2="经济成本指标", name="支出成本", comparator="≤",
                                                target=10, measure="万元", weight=10, direction="反向指标")]
    cfg = Config(shares={"产出指标": 40, "成本指标": 10, "效益指标": 30, "满意度指标": 10})
    assert "WT003" not in codes(check(rows, cfg))
    assert "WT003" in codes(check(variant(), cfg))  # no 成本: 成本指标0


def test_WT003_legacy_cost_under_output_counts_into_output():
    rows = variant({0: {"weight": 10}}) + [ind(level2="成本指标", name="培训成本", comparator="≤", target=10,
                                                measure="万元", weight=10, direction="反向指标")]
    assert "WT003" not in codes(check(rows))


def test_WT003_counts_old_template_satisfaction_as_satisfaction():
    assert "WT003" not in codes(check(variant({4: {"level1": "效益指标"}})))


def test_TX007_pattern_table_on_the_samples_known_misplacements():
    t = check_path(sample_path()).tables[0]
    by_name = {i.name: i for i in t.indicators()}
    assert "成本指标" in misplacement(by_name["月均水电气费"])[1]
    assert "数量指标" in misplacement(by_name["特殊人群走访服务"])[1]
    assert misplacement(by_name["询价控制成本"])[1] == "“成本指标”"
    assert misplacement(by_name["群众满意度"]) is None and misplacement(by_name["矛盾纠纷调解成功率"]) is None


def test_TX007_yields_money_rows_to_VL031():
    rows = variant({0: {"name": "月均水电气费", "comparator": "≤", "target": 8000, "measure": "元/月",
                        "direction": "反向指标"}})
    fs = check(rows)
    assert "TX007" not in codes(fs) and one(fs, "VL031").row == 4
    assert one(check(rows, Config(ignore=["VL031"])), "TX007").cell == addr("name", 0)


def test_VL004_whole_scale_is_an_error():
    assert one(check(variant({3: {"target": "优良中低差"}})), "VL004").severity == "error"


@pytest.mark.parametrize("name,target", [("产值增长率", 150), ("年度任务完成率", 100), ("年度任务完成率", 110),
                                         ("超额完成比例", 120), ("设备使用率", 100)])
def test_VL010_allows_rates_that_may_exceed_100(name, target):
    assert "VL010" not in codes(check(variant({1: {"name": name, "target": target}})))


@pytest.mark.parametrize("name", ["验收合格率", "县区网络覆盖率", "参训人员满意度"])
def test_VL010_advises_equal_only_where_100_is_the_ceiling(name):
    f = one(check(variant({1: {"name": name, "target": 100}})), "VL010")
    assert f.severity == "warning" and f.fix.new == "="


def test_VL010_ceiling_rate_above_100_is_an_error():
    assert one(check(variant({1: {"name": "按时完成率", "target": 120}})), "VL010").severity == "error"


def test_VL011_warns_on_100_percent_satisfaction():
    f = one(check(variant({4: {"comparator": "=", "target": 100}})), "VL011")
    assert "100%" in f.message and "质疑" in f.message


def test_VL012_frequency_and_whole_year():
    f = one(check(variant({2: {"comparator": "≥", "target": 4, "measure": "次/年", "direction": "正向指标"}})), "VL012")
    assert "频次" in f.message and f.cell == addr("measure", 2)
    for target, measure in ((1, "年"), (12, "个月"), (365, "天")):
        f = one(check(variant({2: {"target": target, "measure": measure}})), "VL012")
        assert "整个预算年度" in f.message and f.cell == addr("target", 2)
    assert "VL012" not in codes(check(variant({2: {"target": 6, "measure": "个月"}})))
    assert "VL012" not in codes(check(variant()))  # "12月" may be December: not judged


def test_BG004_only_economic_cost_needs_money():
    for l2 in ("社会成本指标", "生态环境成本指标"):
        rows = variant({0: {"level1": "成本指标", "level2": l2, "name": "占用耕地", "measure": "亩"}})
        assert "BG004" not in codes(check(rows))
    rows = variant({0: {"level1": "成本指标", "level2": "经济成本指标", "name": "培训场次"}})
    assert one(check(rows), "BG004").cell == addr("measure", 0)


def test_NM001_short_direction_accepted_outside_the_sichuan_list():
    rows = variant({0: {"direction": "正向", "comparator": ">="}})
    t = build_table(grid_of(rows))
    assert {f.message.split("“")[1].split("”")[0] for f in only(check_table(t, Config()), "NM001")} == {"正向", ">="}
    t.layout = "form"
    fs = only(check_table(t, Config()), "NM001")
    assert [f.cell for f in fs] == [addr("comparator", 0)]  # the comparator is still normalised


# --- §2 review checks --------------------------------------------------------------------

def test_ST040_goal_clauses_without_an_indicator():
    f = one(check(variant({0: {"goal": "开展法学课题研究和法治宣讲，宣传法学研究成果，编印法学会刊"}})), "ST040")
    assert f.severity == "warning" and f.cell == addr("goal", 0) and "得分0/3" in f.message
    assert "没有一个产出或效益指标" in f.message
    assert "ST040" not in codes(check(variant()))


def test_ST041_sentence_as_name():
    name = "通过教转、解脱工作，帮助更多邪教人员回归社会，确保社会政治稳定，维护全市社会大局持续稳定和长治久安"
    f = one(check(variant({3: {"name": name}})), "ST041")
    assert "通过" in f.message and f.cell == addr("name", 3)
    assert "ST041" not in codes(check(variant({3: {"name": "矛盾纠纷多元化解工作机制建立健全情况"}})))


def test_ST042_copied_rows_one_info():
    rows = variant(name="A") + variant(name="B") + variant(name="C")
    f = one(check(rows), "ST042")
    assert f.severity == "info" and "5组" in f.message
    assert "ST042" not in codes(check(rows, Config(copied_min_projects=4)))


def test_VL030_direction_implied_by_name():
    f = one(check(variant({2: {"name": "管理平台建设时间", "comparator": "≥", "direction": "正向指标"}})), "VL030")
    assert "≤" in f.message
    assert one(check(variant({4: {"comparator": "≤", "direction": "反向指标"}})), "VL030").cell == addr("comparator", 4)
    assert "VL030" not in codes(check(variant({1: {"name": "成本节约率"}})))
    assert "VL030" not in codes(check(variant({1: {"name": "不合格率", "comparator": "≤", "direction": "反向指标"}})))


def test_VL031_inputs_are_not_outputs():
    f = one(check(variant({0: {"name": "工程资金金额", "comparator": "=", "target": 43.2, "measure": None}})), "VL031")
    assert "投入不能作为绩效目标" in f.message
    assert "VL031" not in codes(check(variant({1: {"name": "资金到位率"}})))


def test_VL032_unit_fits_the_name():
    f = one(check(variant({1: {"name": "甲醛释放率", "comparator": "≤", "target": 0.1, "measure": "立方米",
                               "direction": "反向指标"}})), "VL032")
    assert "立方米" in f.message
    assert "VL032" not in codes(check(variant({0: {"name": "会刊印制频率"}})))
    assert one(check(variant({4: {"measure": "万元"}})), "VL032").cell == addr("measure", 4)


def test_VL033_at_least_one_is_too_easy():
    assert one(check(variant({0: {"target": 1, "measure": "人"}})), "VL033").severity == "warning"
    assert "VL033" not in codes(check(variant({0: {"target": 1, "measure": "套"}})))


def test_VL034_every_rate_at_100():
    rows = variant({0: {"name": "验收合格率", "comparator": "=", "target": 100, "measure": "%"},
                    1: {"comparator": "=", "target": 100}, 4: {"comparator": "=", "target": 100}})
    assert one(check(rows), "VL034").cell == addr("project", 0)
    assert "VL034" not in codes(check(STAFF + variant(name="B")))


def test_VL035_same_target_on_every_project():
    rows = variant(name="A") + variant({0: {"target": 6}}, name="B") + variant({0: {"target": 7}}, name="C")
    fs = only(check(rows), "VL035")
    assert {f.row for f in fs} == {5, 6, 8}  # 质量 ≥95%, 时效 ≤12月, 满意度 ≥90% — not 数量
    assert "VL035" not in codes(check(variant(name="A") + variant(name="B")))


def test_VL036_name_disagrees_with_value():
    f = one(check(variant({1: {"name": "质量达标率100%", "target": 98}})), "VL036")
    assert "100%" in f.message and "≥98%" in f.message
    assert "VL036" not in codes(check(variant({1: {"name": "质量达标率95%"}})))


def test_WT010_whole_level1_on_one_grade():
    f = one(check(variant({3: {"target": "高"}})), "WT010")
    assert "30分" in f.message and f.cell == addr("weight", 3)
    assert "WT010" not in codes(check(variant()))  # a checkable description, not a bare grade


def _cost(target, name="项目总成本", measure="万元"):
    return ind(level1="成本指标", level2="经济成本指标", name=name, comparator="≤", target=target, measure=measure,
               weight=0.5, direction="反向指标")


def test_BG020_no_cost_in_a_101_table():
    rows = variant(name="A") + [_cost(10)] + variant(name="B") + [_cost(10)] + variant(name="C")
    f = one(check(rows), "BG020")
    assert f.cell == addr("project", 12) and "3个项目中2个" in f.message
    assert "BG020" not in codes(check(variant(name="A") + [_cost(10)] + variant(name="B")))  # 1 of 2: not a 101号 table


def test_BG021_total_cost_below_budget():
    assert "少了2.5万元" in one(check(variant() + [_cost(7.5)]), "BG021").message
    assert "BG021" not in codes(check(variant() + [_cost(100000, measure="元")]))
    assert "BG021" not in codes(check(variant() + [_cost(20)]))  # above: BG003's error


def test_BG022_unit_cost_times_quantity():
    rows = variant({0: {"name": "流转土地", "target": 60, "measure": "亩"}}) + [_cost(200, "补助标准", "元/亩")]
    f = one(check(rows), "BG022")
    assert "只占预算数的12%" in f.message and "1.2万元" in f.message
    rows = variant({0: {"name": "流转土地", "target": 60, "measure": "亩"}}) + [_cost(1500, "补助标准", "元/亩")]
    assert "BG022" not in codes(check(rows))


def test_nanyue_2018_rows_as_a_list():
    # shared/data/real/hunan_hengyang-nanyue_2018_fupinjidi_target.tsv, budget 10 万元 (no weights there: 5 each)
    rows = [ind(project="人大代表扶贫基地", budget=10, goal="为水濂村带来观光游客不少于6万人，村集体收入达6万元。",
                name="贫困地区旅游基础设施建设工程", target=20, measure="平方米", weight=5),
            ind(name="贫困地区旅游景点开发数量", target=4, measure="个", weight=5),
            ind(name="流转土地", target=60, measure="亩", weight=5),
            ind(level2="质量指标", name="*贫困地区旅游基础设施建设质量达标率100%", target=98, measure="%", weight=5),
            ind(level2="成本指标", name="流转土地补助标准", comparator="≤", target=475, measure="元/亩", weight=5,
                direction="反向指标"),
            ind(level2="成本指标", name="景观建设成本", comparator="≤", target=2875, measure="元/个", weight=5,
                direction="反向指标"),
            ind(level2="成本指标", name="贫困地区旅游基础设施建设工程建设成本", comparator="≤", target=3000,
                measure="元/平方米", weight=5, direction="反向指标")]
    fs = check(rows)
    assert "BG022" not in codes(fs)  # 475×60 + 2875×4 + 3000×20 元 = 10 万元, the budget exactly
    assert one(fs, "VL036").cell == addr("name", 3)
    rows[2][8] = 120  # twice the land: 12.85 万元
    assert "超出2.85万元" in one(check(rows), "BG022").message
