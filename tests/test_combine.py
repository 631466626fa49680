"""xlperf combine: forms (any layout) into the department list; re-reading gives the same records."""

from __future__ import annotations

import openpyxl
import pytest

from xlperf.api import check_path
from xlperf.core.combine import FileTables, combine_tables, comparable, department_text

from .real_tables import build, tsv_names
from .test_cli import run

FORMS = tsv_names("_target") + tsv_names("_dept")


@pytest.fixture(scope="module")
def folder(tmp_path_factory):
    d = tmp_path_factory.mktemp("forms")
    for name in FORMS:
        build(d / f"{name}.xlsx", [name])
    return d


def combined_of(paths):
    files = []
    for p in paths:
        res = check_path(p)
        files.append(FileTables(str(p), res.tables, res.report.projects))
    return combine_tables(files)


def test_department_text_reads_back_as_a_department():
    from xlperf.core.blocks import is_department_text

    for name in ("岳阳县农业农村局", "乌海市供销合作社联合社(部门)", "某某部门"):
        text = department_text(name)
        assert text.endswith("部门") and is_department_text(text) and "(部门)" not in text


def test_combine_writes_the_list_and_rereading_gives_the_same_records(folder, tmp_path):
    out = tmp_path / "部门汇总.xlsx"
    r = run("combine", folder, "-o", out)
    assert r.returncode == 0, r.stderr
    assert f"已汇总 {len(FORMS)} 个项目" in r.stderr
    combined = combined_of(sorted(folder.glob("*.xlsx")))
    back = check_path(out)
    assert [t.layout for t in back.tables] == ["list"]
    assert [comparable(x) for x in back.records()] == [comparable(x) for x in combined.records]
    t = back.tables[0]
    assert {d.name for d in t.departments} == {s.department for s in combined.sources if s.department}
    for d in t.departments:  # each department row carries its projects' total
        assert d.budget == pytest.approx(sum(s.budget for s in combined.sources if s.department == d.name))
    wb = openpyxl.load_workbook(out, read_only=True)
    assert wb.sheetnames == ["绩效目标表", "清洗记录", "权重合计", "来源清单"]
    rows = list(wb["来源清单"].iter_rows(values_only=True))
    assert len(rows) == len(FORMS) + 1 and rows[0][0] == "序号"
    assert {row[9].split("/")[-1] for row in rows[1:]} == {f"{n}.xlsx" for n in FORMS}
    assert {row[8] for row in rows[1:]} == {"form", "department"}


def test_units_come_from_the_implementing_unit(folder, tmp_path):
    out = tmp_path / "c.xlsx"
    assert run("combine", folder, "-o", out).returncode == 0
    names = {(p.name, p.unit_code, p.unit_name) for p in check_path(out).tables[0].projects}
    assert ("2018年市级专项扶贫资金基础设施(人大代表扶贫基地)", "610001", "湖南省润山润水生态农业发展有限公司") in names
    assert ("岳阳县2022年高标准农田建设项目", None, "农田建设服务中心") in names


def test_unreadable_files_are_listed_and_do_not_stop_it(folder, tmp_path):
    bad = tmp_path / "in"
    bad.mkdir()
    for f in sorted(folder.glob("*.xlsx"))[:2]:
        (bad / f.name).write_bytes(f.read_bytes())
    (bad / "broken.xlsx").write_text("不是工作簿", encoding="utf-8")
    (bad / "note.txt").write_text("一段说明文字。\n没有表格。\n", encoding="utf-8")
    out = tmp_path / "c.xlsx"
    r = run("combine", bad, "-o", out)
    assert r.returncode == 1 and out.exists()
    assert "broken.xlsx" in r.stderr and "note.txt" in r.stderr and "已汇总 2 个项目" in r.stderr
    wb = openpyxl.load_workbook(out, read_only=True)
    listed = [row[0] for row in wb["未读取文件"].iter_rows(min_row=2, values_only=True)]
    assert [x.split("/")[-1] for x in listed] == ["broken.xlsx", "note.txt"]


def test_the_same_project_twice_is_refused_naming_both(folder, tmp_path):
    src = folder / f"{FORMS[0]}.xlsx"
    a, b = tmp_path / "甲.xlsx", tmp_path / "乙.xlsx"
    a.write_bytes(src.read_bytes())
    b.write_bytes(src.read_bytes())
    out = tmp_path / "c.xlsx"
    r = run("combine", a, b, "-o", out)
    assert r.returncode == 1 and not out.exists()
    assert "重复项目" in r.stderr and "甲.xlsx" in r.stderr and "乙.xlsx" in r.stderr


def test_stacked_forms_on_one_sheet_combine_as_separate_projects(tmp_path):
    f = build(tmp_path / "stacked.xlsx", tsv_names("_target"), stacked=True)
    out = tmp_path / "c.xlsx"
    assert run("combine", f, "-o", out).returncode == 0
    assert len(check_path(out).tables[0].projects) == len(tsv_names("_target"))
