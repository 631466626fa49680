"""--against: a self-evaluation held against its approved target table, on real .xlsx pairs
(changed target, changed weight, added and dropped indicators, renamed project, a project on
one side only), one file, a folder of targets, and two folders in batch mode."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import openpyxl

from xlperf.cli.against import pair_folders, with_against
from xlperf.api import check_path
from xlperf.core.compare import norm, split_code

from .helpers import HEADER, TITLE_ROWS
from .se_helpers import MOF, change

TARGET_ROWS = TITLE_ROWS + [HEADER,
    ["101001-某市干部培训中心", "干部培训项目", 100, "完成年度干部业务培训任务，提升干部业务能力", "产出指标", "数量指标", "培训人次", "≥", 100, "人次", 30, "正向指标"],
    [None, None, None, None, "产出指标", "质量指标", "培训合格率", "≥", 95, "%", 20, "正向指标"],
    [None, None, None, None, "产出指标", "时效指标", "培训完成及时率", "≥", 95, "%", 10, "正向指标"],
    [None, None, None, None, "效益指标", "社会效益指标", "干部业务能力", "定性", "提升", None, 20, "正向指标"],
    [None, None, None, None, "满意度指标", "服务对象满意度指标", "参训人员满意度", "≥", 90, "%", 10, "正向指标"],
    ["101001-某市干部培训中心", "公用经费", 20, "保障机关正常运转，提升办公效率和服务水平", "产出指标", "数量指标", "保障人数", "≥", 50, "人", 90, "正向指标"],
]


def save(rows, path: Path, sheet: str) -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = sheet
    for r in rows:
        ws.append(r)
    if sheet == "绩效目标表":  # the project cells merged over their rows, as clerks have them
        for col in "ABCD":
            ws.merge_cells(f"{col}4:{col}8")
    wb.save(path)
    return path


def self_evaluation_rows():
    """The MoF base renamed (干部业务培训项目), 培训人次's target lowered to ≥80人次, 干部业务能力 at
    30 points (approved 20), 培训完成及时率 dropped and 宣传报道次数 added."""
    rows = change(MOF, B3="干部业务培训项目", D13="≥80人次")
    rows.insert(14, [None, "时效指标", "宣传报道次数", "≥2次", "3次", 0, 0])
    return rows


def run(*args):
    return subprocess.run([sys.executable, "-m", "xlperf.cli", *map(str, args)], capture_output=True, text=True, timeout=120)


def test_names_and_codes_for_matching():
    assert split_code("51000021R000000019951-工资性支出") == ("51000021R000000019951", "工资性支出")
    assert norm("指标1工程资金金额") == norm("工程资金金额")


def test_SE051_SE052_SE053_SE054_SE055_SE056_every_kind_of_difference_with_both_cells(tmp_path):
    target = save(TARGET_ROWS, tmp_path / "target.xlsx", "绩效目标表")
    se = save(self_evaluation_rows(), tmp_path / "selfeval.xlsx", "自评表")
    res = with_against(check_path(se), target)
    got = {(f.code, f.source, f.sheet, f.cell, f.other_cell) for f in res.findings if f.code.startswith("SE") and f.code >= "SE050"}
    assert got == {
        ("SE052", "self_evaluation", "自评表", "B3", "target.xlsx!绩效目标表!B4"),   # renamed, similarity said
        ("SE053", "self_evaluation", "自评表", "D13", "target.xlsx!绩效目标表!I4"),  # ≥80 vs ≥100
        ("SE054", "self_evaluation", "自评表", "F16", "target.xlsx!绩效目标表!K7"),  # 30 vs 20
        ("SE055", "self_evaluation", "自评表", "C15", "target.xlsx!绩效目标表"),     # added
        ("SE056", "target", "绩效目标表", "G6", "selfeval.xlsx!自评表"),             # dropped
        ("SE051", "target", "绩效目标表", "B9", None),                              # 公用经费: target only
    }
    sim = next(f for f in res.findings if f.code == "SE052")
    assert "0.86" in sim.message and "干部培训项目" in sim.message
    assert all(f.row is None for f in res.findings if f.source == "target")
    assert res.report.summary.errors == sum(1 for f in res.findings if f.severity == "error" and not f.waived)


def test_identical_pair_has_no_comparison_finding(tmp_path):
    base = TITLE_ROWS + [HEADER,
        [None, "干部培训项目", 100, "完成年度干部业务培训任务，提升干部业务能力", "产出指标", "数量指标", "培训人次", "≥", 100, "人次", 30, "正向指标"],
        [None, None, None, None, "产出指标", "质量指标", "培训合格率", "≥", 95, "%", 20, "正向指标"],
        [None, None, None, None, "效益指标", "社会效益指标", "干部业务能力", "定性", "提升", None, 30, "正向指标"],
        [None, None, None, None, "满意度指标", "服务对象满意度指标", "参训人员满意度", "≥", 90, "%", 10, "正向指标"]]
    target = save(base, tmp_path / "t.xlsx", "目标")
    se = save(MOF, tmp_path / "s.xlsx", "自评表")
    res = with_against(check_path(se), target)
    assert [f.message for f in res.findings if f.code.startswith("SE") and f.code >= "SE050"] == []


def test_SE050_project_only_in_self_evaluation(tmp_path):
    target = save(TARGET_ROWS[:3] + [TARGET_ROWS[8]], tmp_path / "t.xlsx", "目标")
    se = save(change(MOF, B3="会议经费"), tmp_path / "s.xlsx", "自评表")
    res = with_against(check_path(se), target)
    codes = sorted(f.code for f in res.findings if f.code.startswith("SE") and f.code >= "SE050")
    assert codes == ["SE050", "SE051"]


def test_cli_json_carries_source_and_other_cell_and_mark_leaves_target_findings_out(tmp_path):
    target = save(TARGET_ROWS, tmp_path / "target.xlsx", "绩效目标表")
    se = save(self_evaluation_rows(), tmp_path / "selfeval.xlsx", "自评表")
    r = run("check", se, "--against", target, "--format", "json")
    assert r.returncode == 1, r.stderr
    data = json.loads(r.stdout)
    f053 = next(f for f in data["findings"] if f["code"] == "SE053")
    assert f053["source"] == "self_evaluation" and f053["other_cell"] == "target.xlsx!绩效目标表!I4"
    marked = tmp_path / "marked.xlsx"
    r = run("check", se, "--against", target, "--mark", marked)
    assert r.returncode == 1 and marked.is_file(), r.stderr
    wb = openpyxl.load_workbook(marked)
    results = [" ".join(str(c) for c in row if c is not None) for row in wb["校验结果"].iter_rows(values_only=True)]
    assert any("SE053" in x for x in results) and not any("SE056" in x for x in results)
    assert wb["自评表"]["D13"].value == "≥80人次"  # the data is never changed


def test_missing_target_is_exit_2(tmp_path):
    se = save(MOF, tmp_path / "s.xlsx", "自评表")
    r = run("check", se, "--against", tmp_path / "nope.xlsx")
    assert r.returncode == 2 and "找不到目标表" in r.stderr and "Traceback" not in r.stderr


def test_SE058_batch_pairs_two_folders(tmp_path):
    (tmp_path / "se").mkdir()
    (tmp_path / "tg").mkdir()
    save(self_evaluation_rows(), tmp_path / "se" / "干部培训自评表.xlsx", "自评表")
    save(MOF, tmp_path / "se" / "会议经费自评表.xlsx", "自评表")
    save(TARGET_ROWS, tmp_path / "tg" / "干部培训目标表.xlsx", "绩效目标表")
    pairs = pair_folders(sorted((tmp_path / "se").iterdir()), sorted((tmp_path / "tg").iterdir()))
    assert {Path(k).name: (Path(v).name if v else None) for k, v in pairs.items()} == {
        "干部培训自评表.xlsx": "干部培训目标表.xlsx", "会议经费自评表.xlsx": None}
    r = run("check", tmp_path / "se", "--against", tmp_path / "tg", "--format", "json", "-j", "1")
    assert r.returncode == 1, r.stderr
    files = {Path(f["file"]).name: f for f in json.loads(r.stdout)["files"]}
    assert files["干部培训自评表.xlsx"]["against"].endswith("干部培训目标表.xlsx")
    assert files["干部培训自评表.xlsx"]["errors"] >= 2  # SE053, SE054 at least
    assert any(w["code"] == "SE058" for w in files["会议经费自评表.xlsx"]["worst"])


def test_SE057_indicator_matched_by_similarity_is_said(tmp_path):
    target = save(TARGET_ROWS, tmp_path / "target.xlsx", "绩效目标表")
    se = save(change(MOF, C13="干部培训人次"), tmp_path / "selfeval.xlsx", "自评表")
    res = with_against(check_path(se), target)
    sim = [f for f in res.findings if f.code == "SE057"]
    assert [(f.cell, f.other_cell) for f in sim] == [("C13", "target.xlsx!绩效目标表!I4")]
    assert "0.8" in sim[0].message and "培训人次" in sim[0].message


# --- the target is a form (the MoF 项目支出绩效目标表: one project per form) ------------------------

def target_form(name, code="101001", people="≥100人次", quality=20):
    """A MoF target form for ``name``: labels, funds, goal and an indicator grid with 分值."""
    return [
        ["项目支出绩效目标表"],
        ["项目名称", f"{code}-{name}" if code else name, "主管部门", "某市委组织部"],
        ["实施单位", "某市干部培训中心", "项目属性", "经常性项目"],
        ["项目资金(万元)", "年度资金总额", 100],
        [None, "其中：财政拨款", 100],
        [None, "其他资金", None],
        ["年度目标", "完成年度干部业务培训任务，提升干部业务能力"],
        ["一级指标", "二级指标", "三级指标", "指标值", "分值"],
        ["产出指标", "数量指标", "培训人次", people, 30],
        [None, "质量指标", "培训合格率", "≥95%", quality],
        ["效益指标", "社会效益指标", "干部业务能力", "提升", 30],
        ["满意度指标", "服务对象满意度指标", "参训人员满意度", "≥90%", 10],
    ]


def comparison(res):
    return sorted((f.code, f.cell, f.other_cell) for f in res.findings if f.code >= "SE050" and f.code.startswith("SE"))


def test_form_target_matched_by_name_reports_a_changed_target_and_weight(tmp_path):
    """One form as the target (its name carries a code the self-evaluation lacks: matched by
    name); the changed 指标值 (≥110 approved, ≥100 in the self-evaluation) and 分值 (25 vs 20)."""
    target = save(target_form("干部培训项目", people="≥110人次", quality=25), tmp_path / "目标.xlsx", "项目支出绩效目标表")
    assert check_path(target).tables[0].layout == "form"
    se = save(MOF, tmp_path / "自评.xlsx", "自评表")
    res = with_against(check_path(se), target)
    assert comparison(res) == [("SE053", "D13", "目标.xlsx!项目支出绩效目标表!D9"),
                               ("SE054", "F14", "目标.xlsx!项目支出绩效目标表!E10")]
    f053 = next(f for f in res.findings if f.code == "SE053")
    assert "“≥100人次”" in f053.message and "批复的指标值“≥110人次”" in f053.message


def test_folder_of_forms_matches_by_code_and_names_each_targets_own_file(tmp_path):
    """A folder with one form per project: the self-evaluation (renamed, same code) is matched
    by its code, the counterpart's cell names the form's own file (not the folder), and the
    other project's form is not reported missing from this one self-evaluation."""
    folder = tmp_path / "目标表"
    folder.mkdir()
    save(target_form("干部培训项目", people="≥110人次"), folder / "干部培训项目.xlsx", "Sheet1")
    save(target_form("公用经费", code="101002"), folder / "公用经费.xlsx", "Sheet1")
    se = save(change(MOF, B3="101001-干部业务培训"), tmp_path / "自评.xlsx", "自评表")
    res = with_against(check_path(se), folder)
    assert comparison(res) == [("SE053", "D13", "干部培训项目.xlsx!Sheet1!D9")]
    r = run("check", se, "--against", folder, "--format", "json")
    assert r.returncode == 1, r.stderr
    f053 = next(f for f in json.loads(r.stdout)["findings"] if f["code"] == "SE053")
    assert f053["source"] == "self_evaluation" and f053["other_cell"] == "干部培训项目.xlsx!Sheet1!D9"


def test_stacked_forms_as_target_report_the_form_without_a_self_evaluation(tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "目标表"
    for row in target_form("公用经费", code="101002") + [[], []] + target_form("干部培训项目", people="≥110人次"):
        ws.append(row)
    wb.save(tmp_path / "stacked.xlsx")
    se = save(change(MOF, B3="101001-干部业务培训"), tmp_path / "自评.xlsx", "自评表")
    res = with_against(check_path(se), tmp_path / "stacked.xlsx")
    assert comparison(res) == [("SE051", "B2", None), ("SE053", "D13", "stacked.xlsx!目标表!D23")]
    f051 = next(f for f in res.findings if f.code == "SE051")
    assert f051.source == "target" and "“101002-公用经费”" in f051.message
