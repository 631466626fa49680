"""The self-evaluation reader: stacked forms on one sheet, one per sheet, percentages, and never
a target table."""

from __future__ import annotations

import openpyxl
import pytest

from xlperf.api import check_path, sample_path
from xlperf.core.layouts import choose
from xlperf.core.layouts.self_evaluation import SelfEvaluationReader, percent
from xlperf.readers.source import read_source

from .se_helpers import MOF, PLAIN, change, grid_of


def save(path, sheets):
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for name, rows in sheets.items():
        ws = wb.create_sheet(name)
        for r in rows:
            ws.append(r)
    wb.save(path)
    return path


@pytest.mark.parametrize("v,want", [("86%", (86.0, 0)), ("100.00%", (100.0, 2)), (0.862, (86.2, 1)),
                                    (1, (100.0, 0)), (86.2, (86.2, 1)), ("/", (None, None)), ("=D7/C7", (None, None))])
def test_percent_as_excel_stores_it(v, want):
    assert percent(v) == want


def test_stacked_self_evaluations_on_one_sheet_are_one_table_each(tmp_path):
    second = change(MOF, B3="会议经费项目", G6="80%", E6=80, E7=80, H6=8, G17=98)
    path = save(tmp_path / "stacked.xlsx", {"自评表": MOF + [[None], ["项目负责人：", "张三"], [None]] + second})
    res = check_path(path)
    assert [(t.layout, t.projects[0].name, t.header_row) for t in res.tables] == [
        ("self_evaluation", "干部培训项目", 12), ("self_evaluation", "会议经费项目", 32)]
    assert [p.row for p in res.report.projects] == [1, 21]
    assert "第2/2张" in res.tables[1].layout_reason
    # each is judged on its own cells: only the second one's execution rate is wrong (80/100 = 80 % ✓, 8 ✓)
    assert [f.message for f in res.findings if f.code.startswith("SE")] == []
    assert res.tables[1].projects[0].funds.lines[0].cells["rate"] == "G26"


def test_one_self_evaluation_per_sheet(tmp_path):
    path = save(tmp_path / "sheets.xlsx", {"项目1": MOF, "项目2": change(PLAIN, G10=None)})
    res = check_path(path)
    assert [(t.sheet, t.layout) for t in res.tables] == [("项目1", "self_evaluation"), ("项目2", "self_evaluation")]
    assert [(f.code, f.sheet, f.cell) for f in res.findings if f.code.startswith("SE")] == [("SE010", "项目2", "G10")]


def test_target_tables_are_never_claimed():
    reader = SelfEvaluationReader()
    for g in read_source(sample_path()).grids:
        assert reader.fit(g).score == 0.0
    target = [["项目支出绩效目标表"], ["项目名称", "培训"], ["一级指标", "二级指标", "三级指标", "指标值", "分值"],
              ["产出指标", "数量指标", "培训人次", "≥100人次", 30]]
    assert reader.fit(grid_of(target)).score == 0.0
    assert choose(grid_of(MOF))[0].name == "self_evaluation"


def test_stacked_without_total_row_between(tmp_path):
    """廊坊's form is cut before its 总分: the next form starts at its own title."""
    path = save(tmp_path / "cut.xlsx", {"S": MOF[:-1] + change(MOF, B3="会议经费项目")})
    res = check_path(path)
    assert [(t.projects[0].name, t.projects[0].row_first, t.projects[0].row_last) for t in res.tables] == [
        ("干部培训项目", 1, 16), ("会议经费项目", 17, 33)]
    assert [len(t.projects[0].real_indicators()) for t in res.tables] == [4, 4]


def test_a_list_with_a_completion_column_is_left_to_the_list_reader():
    from .helpers import HEADER, TITLE_ROWS, good_project

    rows = TITLE_ROWS + [HEADER + ["完成值", "得分"]] + [r + [None, None] for r in good_project()]
    assert SelfEvaluationReader().fit(grid_of(rows)).score == 0.0
    assert choose(grid_of(rows))[0].name == "list"


def _marks(path):
    wb = openpyxl.load_workbook(path)
    names = [n for n in wb.sheetnames if n.startswith("_xlperf_marks")]
    return {c.coordinate: c.value for n in names for row in wb[n].iter_rows() for c in row if c.value}


def test_mark_covers_the_funds_block_and_every_stacked_form(tmp_path):
    import subprocess
    import sys

    first = change(MOF, G6="95%")  # SE002 on G6, above the indicator header
    second = change(MOF, B3="会议经费项目", G17=100)  # SE013 on the second form's 总分: sheet row 17 + 19 = 36
    path = save(tmp_path / "stacked.xlsx", {"自评表": first + [[None]] * 2 + second})
    out = tmp_path / "marked.xlsx"
    r = subprocess.run([sys.executable, "-m", "xlperf.cli", "check", str(path), "--mark", str(out)],
                       capture_output=True, text=True, timeout=120)
    assert r.returncode == 1, r.stderr
    res = check_path(path)
    wanted = {f.cell for f in res.findings if f.code in ("SE002", "SE013")}
    assert wanted == {"G6", "G36"}
    marks = _marks(out)
    assert marks.get("G6") == "E" and marks.get("G36") == "E", marks


def test_mangled_self_evaluations_never_crash_the_reader_rules_or_comparison():
    """Random edits of the test forms (cells replaced by placeholders, totals, labels, NaN, huge
    numbers; rows dropped and repeated): read, checked, reported and compared without an error."""
    import random

    from xlperf.core.compare import compare
    from xlperf.core.config import Config
    from xlperf.core.engine import check_table
    from xlperf.core.layouts import read_grid
    from xlperf.core.report import build_report

    vocab = ["总分", "合计", "/", "无", "0", "", None, "86%", 0.5, 1e20, -3, "=E6/D6", "其中：", "评价结论",
             "项目名称", "一级指标", "三级指标", "实际完成值", "全年执行数", "全年预算数", "≥", "指标2", "……",
             "100%", "abc", 0, float("nan")]
    rnd = random.Random(7)
    for _ in range(300):
        rows = [list(r) for r in rnd.choice([MOF, PLAIN, MOF + MOF, PLAIN + MOF])]
        for _ in range(rnd.randint(1, 12)):
            r = rnd.randrange(len(rows))
            op = rnd.random()
            if op < 0.6:
                c = rnd.randrange(len(rows[r]) + 2)
                rows[r] += [None] * (c + 1 - len(rows[r]))
                rows[r][c] = rnd.choice(vocab)
            elif op < 0.8 and len(rows) > 1:
                del rows[r]
            else:
                rows.insert(r, list(rnd.choice(rows)))
        tables = read_grid(grid_of(rows), Config())
        findings = [f for t in tables for f in check_table(t, Config())]
        build_report(tables, findings, Config())
        compare(tables, tables)


def test_validate_button_marks_every_stacked_self_evaluation(tmp_path):
    from xlperf.excel import commands
    from xlperf.excel.openpyxl_port import OpenpyxlPort

    first = change(MOF, G6="95%")
    second = change(MOF, B3="会议经费项目", G17=100)
    path = save(tmp_path / "stacked.xlsx", {"自评表": first + [[None]] * 2 + second})
    port = OpenpyxlPort.open(path)
    commands.run_button(port, commands.validate)
    port.save(path)
    marks = _marks(path)
    assert marks.get("G6") == "E" and marks.get("G36") == "E", marks
    ws = openpyxl.load_workbook(path)["自评表"]
    notes = [c.value for c in ws["I"] if c.value]
    # one 校验说明 column for the sheet (its header above the first form), both forms' notes in it,
    # and the button's few port calls whatever the number of stacked forms
    assert notes.count("校验说明") == 1 and notes[0] == "校验说明"
    assert any("SE002" in str(v) for v in notes) and any("SE013" in str(v) for v in notes)
    assert port.calls <= 10, dict(port.counts)
