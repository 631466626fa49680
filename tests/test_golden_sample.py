"""Golden test: the real published 2023 table (our first customer's data), text and workbook."""

import pytest

from xlperf.api import check_path, sample_path, sample_text_path

NAMES_AROUND_PAGE_BREAKS = ("主题教育活动专项经费", "遂宁市公共安全视频监控建设联网应用项", "工读学生技能培训与预防青少年犯罪专项",
                            "工读学校水电气费专项", "市关爱中心工作经费", "市域社会治理现代化试点工作经费")
SHIFTED = ("矛盾纠纷多元化解工作经费、调解补贴", "平安建设专项经费", "社会治安综合治理工作经费", "维护社会稳定工作经费",
           "工读学校管理专项", "智慧政法一涉密视频会商系统建设")


@pytest.fixture(scope="module", params=["xlsx", "txt"])
def result(request):
    return check_path(sample_path() if request.param == "xlsx" else sample_text_path())


def project(result, prefix):
    found = [p for p in result.tables[0].projects if (p.name or "").startswith(prefix)]
    assert len(found) == 1, prefix
    return found[0]


def summary(result, prefix):
    return next(p for p in result.report.projects if (p.name or "").startswith(prefix))


def codes_for(result, prefix, code):
    return [f for f in result.findings if f.code == code and (f.project or "").startswith(prefix)]


def test_22_projects_and_department_total(result):
    t = result.tables[0]
    assert len(t.projects) == 22
    assert t.departments and t.departments[0].budget == pytest.approx(3346.95)
    assert sum(p.budget for p in t.projects) == pytest.approx(3346.95)
    assert not [f for f in result.findings if f.code == "BG002"]


def test_20_projects_total_exactly_90(result):
    ok = [p for p in result.report.projects if p.weight_total == 90]
    assert len(ok) == 20
    for name in NAMES_AROUND_PAGE_BREAKS + SHIFTED:
        assert summary(result, name).weight_total == 90, name


def test_WT002_saohei_totals_80(result):
    assert summary(result, "扫黑除恶斗争工作经费").weight_total == 80
    assert len(codes_for(result, "扫黑除恶斗争工作经费", "WT002")) == 1


def test_cut_off_indicator_of_zhengfa_network(result):
    name = "政法三级网线路、核心路由器租赁及系统运维费"
    p = project(result, name)
    cut = [i for i in p.indicators if i.weight is None]
    assert len(cut) == 1 and cut[0].direction is None and cut[0].name == "全天网络不间断时长"
    for code in ("WT001", "VL007", "WT002"):
        assert any(f.row == cut[0].row or code == "WT002" for f in codes_for(result, name, code)), code
    assert summary(result, name).weight_total == 80


def test_six_zhihui_rows_without_direction_VL007(result):
    name = "智慧政法一涉密视频会商系统建设"
    p = project(result, name)
    assert len(p.indicators) == 6 and all(i.direction is None for i in p.indicators)
    rows = {f.row for f in codes_for(result, name, "VL007")}
    assert rows == {i.row for i in p.indicators}


def test_page_breaks_ST008_and_shift_repairs_ST007(result):
    st008 = [f for f in result.findings if f.code == "ST008"]
    assert len(st008) == 3 and all(f.severity == "info" for f in st008)
    assert any("工读学校水电气费专项" in f.message for f in st008)
    assert any("遂宁市公共安全视频监控" in f.message for f in st008)
    assert len([f for f in result.findings if f.code == "ST007"]) >= 20


def test_units_and_department(result):
    t = result.tables[0]
    assert t.departments[0].code == "208"
    assert {p.unit_code for p in t.projects} <= {"208001", "208302"}
    assert project(result, "公共教育服务经费").unit_code == "208302"


def test_every_text_cell_accounted_for(result):
    # nothing lost: the records, project fields and findings together hold every indicator name
    names = {r.name for r in result.records()}
    assert "全天网络不间断时长" in names and "月均水电气费" in names
    assert len(result.records()) == sum(len(p.indicators) for p in result.tables[0].projects)


# --- issue 17 (rulebook): every finding that changed on the sample, by (code, cell) -----------

# new findings of codes that existed before (TX007, VL012, WT003), and the new review checks
NEW_FINDINGS = {
    "TX007": {"G6", "G25", "G31", "G39", "G61", "G74", "G96", "G99"},  # counts under 质量; 成本 under 经济效益
    "VL012": {"J10", "J57", "J63",                                      # 次/年 is a frequency
              "I22", "I29", "I38", "I42", "I46", "I50", "I72"},         # ≤1年 / =1年: the whole budget year
    "WT003": {"K36", "K65"},                                            # reported although WT002 fires
    "ST040": {"D50", "D81"}, "ST041": {"G17", "G79"}, "ST042": {"G30"}, "VL030": {"H87"}, "VL031": {"I105"},
    "VL032": {"J84"}, "VL033": {"I14", "I23", "I39", "I70", "I74"}, "VL036": {"G34"},
    "WT010": {"K5", "K13", "K19", "K24", "K27", "K33", "K36", "K40", "K45", "K53", "K55", "K62", "K68", "K73",
              "K78", "K89"},
}
UNCHANGED_WT003 = {"K50", "K98", "K110"}


@pytest.mark.parametrize("code", sorted(NEW_FINDINGS))
def test_rulebook_new_findings_on_the_sample(result, code):
    got = {f.cell for f in result.findings if f.code == code}
    before = {"WT003": UNCHANGED_WT003 | {"K86"}, "VL012": {"J17"}}  # already there on main (K86: new message)
    expected = NEW_FINDINGS[code] | before.get(code, set())
    assert got == expected


def test_rulebook_VL004_whole_scales_are_errors_now(result):
    fs = [f for f in result.findings if f.code == "VL004"]
    assert len(fs) == 24 and {f.severity for f in fs} == {"error"}


def test_rulebook_WT003_zhihui_shows_the_cost_arithmetic(result):
    f = next(f for f in result.findings if f.code == "WT003" and f.cell == "K86")
    assert "产出指标50 + 成本指标10 = 60、效益指标20、满意度指标10" in f.message
    f = next(f for f in result.findings if f.code == "WT003" and f.cell == "K36")
    assert "满意度指标0" in f.message and "权重合计为80" in f.message


def test_rulebook_no_other_finding_changed(result):
    # the codes the rulebook left alone keep their sample counts
    from collections import Counter

    counts = Counter(f.code for f in result.findings)
    assert {c: counts[c] for c in ("ST007", "VL006", "VL007", "VL011", "ST008", "WT002", "WT001", "TX005",
                                   "TX006", "TX003", "TX002", "ST011", "NM001", "BG004", "VL010")} == {
        "ST007": 33, "VL006": 15, "VL007": 8, "VL011": 3, "ST008": 3, "WT002": 2, "WT001": 1, "TX005": 1,
        "TX006": 4, "TX003": 1, "TX002": 0, "ST011": 0, "NM001": 0, "BG004": 0, "VL010": 0}
    assert not [f for f in result.findings if f.code in ("TX020", "VL034", "VL035", "BG020", "BG021", "BG022")]


def test_TX010_level_name_as_indicator_name_in_gongdu(result):
    """Issue 16 §2 on purpose: 工读学校管理专项 names an indicator “质量指标” (its level-2), the one
    finding the new layout checks add to the sample."""
    (f,) = codes_for(result, "工读学校管理专项", "TX010")
    assert f.cell == "G92" and "质量指标" in f.message
    new = {"ST030", "VL016", "VL017", "VL018", "TX009", "TX011", "WT005", "WT006",
           "BG006", "BG008", "BG009", "BG010", "BG011"}
    assert not [g for g in result.findings if g.code in new]
