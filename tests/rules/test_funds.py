"""BG006-BG011 and BG003 on the funds of forms and department tables (Project.funds / duties),
built directly on the model; a cell written as text is read the way the readers read it
(``text_line``: normalise.parse_amount, whose amount, parts and repetition the rules use)."""

import pytest

from xlperf.core.config import Config
from xlperf.core.engine import check_table
from xlperf.core.model import DutyLine, FundLine, FundPart, Funds
from xlperf.core.normalise import parse_amount

from ..helpers import good_project, table_of
from .util import variant


def check(funds=None, duties=(), rows=None, budget=10.0):
    t = table_of(rows or good_project(budget=budget))
    p = t.projects[0]
    p.funds = funds
    if duties:
        p.details = {"duties": list(duties)}
    return t, check_table(t, Config())


def only(fs, code):
    return [f for f in fs if f.code == code]


YUEYANG = "854万(高标准农田建设400万元,示范建设295万元,畅通工程159万元)"


def text_line(text, **kw):
    """A FundLine for a cell written as ``text``, filled the way the form reader fills one."""
    a = parse_amount(text)
    return FundLine(amount=a.value, text=a.text, parts=[FundPart(label=k, amount=v) for k, v in a.parts],
                    repeated=a.repeated, **kw)


def test_parse_amount_yueyang():
    got = parse_amount(YUEYANG)
    assert got.value == 854 and [v for _, v in got.parts] == [400, 295, 159] and not got.repeated
    twice = parse_amount("854万854万" + YUEYANG[4:])
    assert twice.value == 854 and twice.repeated
    assert parse_amount("1,200元").value == pytest.approx(0.12)
    assert parse_amount("10000万元").value == 10000
    assert parse_amount("约十万").value is None
    assert parse_amount("3万5万").value is None  # two different figures: not one amount


def test_BG006_funds_lines_add_up():
    ok = Funds(total=10, total_cell="C5", lines=[FundLine(label="其中：财政拨款", role="fiscal", amount=10, cell="C6"),
                                               FundLine(label="其他资金", role="other", amount=0, cell="C7")])
    assert not only(check(ok)[1], "BG006")
    bad = Funds(total=120, total_cell="C5", lines=[FundLine(label="其中：财政拨款", role="fiscal", amount=100, cell="C6"),
                                                 FundLine(label="其他资金", role="other", amount=10, cell="C7"),
                                                 FundLine(label="上年结转", role="carried_over", cell="C8")])
    (f,) = only(check(bad)[1], "BG006")
    assert f.cell == "C5" and f.severity == "error" and "110" in f.message and "-10" in f.message


def test_BG006_per_column():
    """A parallel amount column (全年执行数 beside 全年预算数): its total is a line with role "total"
    and its group, as the form reader writes it."""
    funds = Funds(total=43.2, total_cell="C5", lines=[
        FundLine(label="其中：当年财政拨款", role="fiscal", amount=43.2, cell="C6"),
        FundLine(label="其中：当年财政拨款", role="fiscal", amount=37.0, cell="E6", group="全年执行数"),
        FundLine(label="全年执行数", role="total", amount=37.24, cell="E5", group="全年执行数")])
    (f,) = only(check(funds)[1], "BG006")
    assert f.cell == "E5" and f.row == 5 and "“全年执行数”列" in f.message
    funds.lines[1].amount = 37.24
    assert not only(check(funds)[1], "BG006")


def test_BG008_listed_amounts_add_up():
    good = Funds(total=854, total_cell="C5", total_line=text_line(YUEYANG, label="年度资金总额", cell="C5"))
    assert not only(check(good, budget=854)[1], "BG008")
    bad = Funds(total=854, total_cell="C5",
                total_line=text_line(YUEYANG.replace("159", "150"), label="年度资金总额", cell="C5"))
    (f,) = only(check(bad, budget=854)[1], "BG008")
    assert f.cell == "C5" and "845" in f.message and "-9" in f.message


def test_BG009_repeated_amount_is_one_amount_with_a_note():
    funds = Funds(total=854, total_cell="C5", total_line=text_line(YUEYANG, label="年度资金总额", cell="C5"),
                  lines=[text_line("854万854万" + YUEYANG[4:], label="其中：财政拨款", role="fiscal", cell="C6")])
    fs = check(funds, budget=854)[1]
    (f,) = only(fs, "BG009")
    assert f.cell == "C6" and "854万元" in f.message and f.severity == "warning"
    assert not only(fs, "BG006") and not only(fs, "BG008")
    assert not only(check(Funds(total=854, total_line=text_line(YUEYANG, label="年度资金总额")), budget=854)[1], "BG009")


NINGDE_FUNDS = Funds(total=171.41, total_cell="C4", lines=[FundLine(label="项目支出", role="project", amount=60.8, cell="C5"),
                                                          FundLine(label="基本支出", role="basic", amount=110.61, cell="C6")])


def test_BG010_ningde_duty_lines():
    duties = [DutyLine(label="地情、市志编纂与年鉴出版经费", amount=49.8, cell="E12"),
              DutyLine(label="地情、市志编纂与年鉴出版经费", amount=11, cell="E13"),
              DutyLine(label="基本支出", amount=171.41, cell="E14")]
    fs = check(NINGDE_FUNDS, duties, budget=171.41)[1]
    (f,) = only(fs, "BG010")
    assert f.cell == "E14" and "基本支出为171.41万元" in f.message and "110.61" in f.message and "232.21" in f.message
    assert not only(fs, "BG006")
    duties[2].amount = 110.61
    assert not only(check(NINGDE_FUNDS, duties, budget=171.41)[1], "BG010")


def test_BG010_total_only_when_no_roles_to_compare():
    funds = Funds(total=100, total_cell="C4")
    duties = [DutyLine(label="甲", amount=60, cell="E12"), DutyLine(label="乙", amount=50, cell="E13")]
    (f,) = only(check(funds, duties, budget=100)[1], "BG010")
    assert f.cell == "E12" and "110" in f.message


def test_BG011_amount_written_as_text():
    funds = Funds(total=10000, total_cell="C5", total_line=text_line("10000万元", label="资金总额", cell="C5"),
                  lines=[text_line("约一万万", label="其中：财政拨款", role="fiscal", cell="C6")])
    fs = sorted(only(check(funds, budget=10000)[1], "BG011"), key=lambda f: f.cell)
    assert [(f.cell, f.severity) for f in fs] == [("C5", "info"), ("C6", "warning")]
    assert "已按10000万元读取" in fs[0].message and "无法读取" in fs[1].message


def test_BG003_cost_against_form_funds():
    rows = variant({2: {"level2": "成本指标", "name": "项目总成本", "comparator": "≤", "target": 900, "measure": "万元"}},
                   budget=None)
    t, fs = check(Funds(total=90, total_cell="C5"), rows=rows)
    (f,) = only(fs, "BG003")
    assert "90万元" in f.message
    t, fs = check(Funds(total=900, total_cell="C5"), rows=rows)
    assert not only(fs, "BG003")


def test_BG010_reads_the_department_readers_duty_dicts():
    """The department reader (h/forms) keeps the 年度履职目标 lines as dicts in details["duties"]."""
    duties = [{"function": "组织、指导", "task": "保障", "project": "地情、市志编纂与年鉴出版经费", "amount": 49.8,
               "amount_text": None, "row": 12, "cells": {"amount": "E12"}},
              {"project": "地情、市志编纂与年鉴出版经费", "amount": 11, "cells": {"amount": "E13"}},
              {"project": "基本支出", "amount": 171.41, "cells": {"amount": "E14"}}]
    t = table_of(good_project(budget=171.41))
    t.projects[0].funds = NINGDE_FUNDS
    t.projects[0].details = {"duties": duties}
    (f,) = only(check_table(t, Config()), "BG010")
    assert f.cell == "E14" and "232.21" in f.message


def test_funds_rules_silent_without_a_funds_block():
    fs = check(None)[1]
    assert not [f for f in fs if f.code.startswith("BG0") and f.code >= "BG006"] and not only(fs, "ST030")


def test_BG011_one_note_per_project_and_not_applicable_marks():
    funds = Funds(total=10000, total_cell="C6", total_line=text_line("10000万元", label="资金总额", cell="C6"),
                  lines=[text_line("10000万元", label="其中:财政拨款", role="fiscal", cell="C7"),
                         text_line("/", label="其他资金", role="other", cell="C8")])
    (f,) = only(check(funds, budget=10000)[1], "BG011")
    assert f.cell == "C6" and f.severity == "info" and "2个金额（C6、C7）" in f.message


def test_BG008_BG009_on_duty_lines_read_by_the_department_reader():
    """The department reader reads a 预算金额 written as text once; BG008/BG009 use what it stored."""
    from xlperf.core.grid import Grid, Merge
    from xlperf.core.layouts import read_grid

    rows = [["部门整体支出绩效目标表"], ["部门(单位)名称", "某局"], ["年度预算安排(万元)", "资金总额", 10],
            [None, "项目支出", 4], [None, "基本支出", 6],
            ["年度履职目标", "部门职能", "年度目标任务", "支出项目名称", "预算金额"],
            [None, "职能一", "任务一", "项目一", "4万(调研2万,印刷1万)"], [None, "职能二", "任务二", "基本支出", "6万6万"],
            ["一级指标", "二级指标", "三级指标", "目标值"], ["产出指标", "数量指标", "开展调研", "≥5次"]]
    width = max(map(len, rows))
    g = Grid("部门", [r + [None] * (width - len(r)) for r in rows], [Merge(2, 0, 4, 0), Merge(5, 0, 7, 0)])
    (t,) = read_grid(g)
    duties = t.projects[0].details["duties"]
    assert [(d["amount"], d.get("amount_parts"), d.get("amount_repeated")) for d in duties] == [
        (4, [["调研", 2], ["印刷", 1]], False), (6, [], True)]
    fs = check_table(t, Config())
    (f8,) = only(fs, "BG008")
    assert f8.cell == "E7" and "合计3万元" in f8.message
    (f9,) = only(fs, "BG009")
    assert f9.cell == "E8" and "按6万元读取" in f9.message
    assert not only(fs, "BG010")
