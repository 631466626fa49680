"""Nothing silent on the command line: --layout, the layout of each table in the text report and
the JSON, split/export that would write nothing refuse (exit 1) and say why, prose is no table."""

from __future__ import annotations

import json

import pytest

from .real_tables import build
from .test_cli import run

YUEYANG = "hunan_yueyang-yueyangxian_2022_gaobiaozhunnongtian_target"
NINGDE = "fujian_ningde_2019_dangshidifangzhi_dept"


@pytest.fixture(scope="module")
def form_file(tmp_path_factory):
    return build(tmp_path_factory.mktemp("f") / "form.xlsx", [YUEYANG])


def test_check_names_the_layout_of_each_table(form_file):
    r = run("check", form_file)
    assert r.returncode == 0  # no weights: the WT rules do not run (ST030 says so), nothing is an error
    assert "按表单（form）读取" in r.stdout and "A3为“项目名称”标签" in r.stdout


def test_json_has_layout_per_project_and_table(form_file):
    r = run("check", form_file, "--format", "json")
    d = json.loads(r.stdout)
    assert d["summary"]["layouts"] == {"form": 1}
    (p,) = d["projects"]
    assert p["layout"] == "form" and "项目名称" in p["layout_reason"]
    assert p["department"] == "岳阳县农业农村局" and p["funds"]["total"] == 854
    assert {x["role"] for x in p["funds"]["lines"]} == {"fiscal", "other"}
    (t,) = d["tables"]
    assert (t["layout"], t["projects"], t["indicators"], t["header_row"]) == ("form", 1, 12, 10)


def test_layout_option_forces_a_reader(form_file, tmp_path):
    r = run("check", form_file, "--layout", "list")
    assert r.returncode == 1 and "ST001" in r.stdout
    out = tmp_path / "x.csv"
    r = run("split", form_file, "-o", out, "--layout", "list")
    assert r.returncode == 1 and not out.exists()
    assert "按 --layout list 指定读取" in r.stderr and "缺少项目名称" in r.stderr
    r = run("split", form_file, "-o", out, "--layout", "form")
    assert r.returncode == 0 and out.exists()
    assert run("check", form_file, "--layout", "nope").returncode == 2


def test_split_and_export_of_a_form(form_file, tmp_path):
    out = tmp_path / "r.csv"
    r = run("split", form_file, "-o", out)
    assert r.returncode == 0 and "12 条记录" in r.stderr
    text = out.read_text(encoding="utf-8-sig")
    assert "岳阳县2022年高标准农田建设项目" in text and "农田建设服务中心" in text


@pytest.mark.parametrize("cmd", ["split", "export"])
def test_nothing_to_write_exits_1_with_the_reason(tmp_path, cmd):
    prose = tmp_path / "note.txt"
    prose.write_text("今年的工作总结如下。\n没有表格，只有文字。\n", encoding="utf-8")
    out = tmp_path / ("out.xlsx")
    r = run(cmd, prose, "-o", out, *(["--force"] if cmd == "export" else []))
    assert r.returncode == 1 and not out.exists()
    assert "没有读到任何指标记录" in r.stderr and "不是表格" in r.stderr


def test_prose_text_is_not_a_table(tmp_path):
    prose = tmp_path / "note.txt"
    prose.write_text("今年的工作总结如下。\n没有表格，只有文字。\n", encoding="utf-8")
    r = run("check", prose, "--format", "json")
    assert r.returncode == 1
    d = json.loads(r.stdout)
    assert [f["code"] for f in d["findings"]] == ["ST001"] and "不是表格" in d["findings"][0]["message"]
    assert d["summary"]["tables"] == 0


def test_department_table_from_the_command_line(tmp_path):
    f = build(tmp_path / "dept.xlsx", [NINGDE])
    d = json.loads(run("check", f, "--format", "json").stdout)
    (p,) = d["projects"]
    assert p["layout"] == "department" and p["name"] == "中共宁德市委党史和地方志研究室" and p["budget"] == 171.41


def test_marks_of_stacked_forms_cover_every_form(tmp_path):
    import openpyxl

    f = build(tmp_path / "stacked.xlsx", [YUEYANG, "neimenggu_wuhai_2021_zaishengziyuan_target"], stacked=True)
    out = tmp_path / "marked.xlsx"
    r = run("check", f, "--mark", out, "--format", "json")
    d = json.loads(r.stdout)
    assert len(d["tables"]) == 2
    first_form_last = d["tables"][1]["first_row"] - 1
    ws = openpyxl.load_workbook(out)["_xlperf_marks_Sheet1"]
    marked = {c.row for row in ws.iter_rows() for c in row if c.value}
    assert any(r <= first_form_last for r in marked) and any(r > first_form_last for r in marked)
