"""Small self-evaluation grids for tests: the Ministry-of-Finance form (``MOF``) and one without
分值/得分 (``PLAIN``, after 衡山's), changed cell by cell with :func:`change`."""

from __future__ import annotations

import copy

from xlperf.core.config import Config
from xlperf.core.engine import check_table
from xlperf.core.grid import Grid
from xlperf.core.layouts import read_grid

MOF = [
    ["项目支出绩效自评表"],
    ["（2023年度）"],
    ["项目名称", "干部培训项目"],
    ["主管部门", "某市委组织部", "实施单位", "某市干部培训中心"],
    ["项目资金(万元)", None, "年初预算数", "全年预算数", "全年执行数", "分值", "执行率", "得分"],
    [None, "年度资金总额", 100, 100, 90, 10, "90%", 9],
    [None, "其中：当年财政拨款", 100, 100, 90],
    [None, "上年结转资金"],
    [None, "其他资金"],
    ["年度总体目标", "预期目标", "实际完成情况"],
    [None, "完成年度干部业务培训任务，提升干部业务能力", "完成全部培训任务，干部业务能力明显提升"],
    ["一级指标", "二级指标", "三级指标", "年度指标值", "实际完成值", "分值", "得分", "偏差原因分析及改进措施"],
    ["产出指标", "数量指标", "培训人次", "≥100人次", "120人次", 30, 30],
    [None, "质量指标", "培训合格率", "≥95%", "96%", 20, 20],
    ["效益指标", "社会效益指标", "干部业务能力", "提升", "提升", 30, 30],
    ["满意度指标", "服务对象满意度指标", "参训人员满意度", "≥90%", "92%", 10, 10],
    ["总分", None, None, None, None, 100, 99],
]
PLAIN = [
    ["2020年度县级专项资金绩效目标自评表"],
    ["专项资金名称", "县级储备粮", "负责人及电话", "张三"],
    ["项目资金(万元)", None, "全年预算数(A)", "全年执行数(B)", "执行率(B/A)"],
    [None, "年度资金总额", 100, 100, "100%"],
    ["年度总体目标", "年初设定目标", "全年实际完成情况"],
    [None, "保持和稳定地方粮食储备机制", "地方储备粮食规模达标"],
    ["绩效指标", "一级指标", "二级指标", "三级指标", "年度指标值", "全年完成值", "未完成原因和改进措施"],
    [None, "产出指标", "数量指标", "储备粮到位率", "100%", "100%"],
    [None, None, "质量指标", "储备粮管理制度执行率", "100%", "100%"],
    [None, "效益指标", "经济效益指标", "政策性挂账利息补贴保障率", "100%", "无", "没有轮换、动用库存"],
    [None, "满意度指标", "服务对象满意度指标", "市民满意度", "≥90%", "95%"],
]

SICHUAN = [
    ["报表编号:510000_0013zp"],
    ["部门预算项目支出绩效自评表(2023年度)"],
    ["项目名称", "51000021R000000019951-工资性支出"],
    ["预算执行情况(10分)", "年度预算数(万元)", "年初预算", "调整后预算数", "预算执行数", "预算执行率", "权重", "得分", "原因"],
    [None, "总额", 238.93, 251.89, 251.89, "100.00%", 10, 10, "1.预算执行率=预算执行数/调整后预算数,预算执行率未达到90%的需说明原因(100字以内)"],
    [None, "其中:财政资金", 238.93, 251.89, 251.89, "100.00%", "/", "/"],
    ["绩效指标(90分)", "一级指标", "二级指标", "三级指标", "指标性质", "指标值", "度量单位", "完成值", "权重", "得分", "未完成原因分析"],
    [None, "产出指标", "数量指标", "发放(缴纳)覆盖率", "=", 100, "%", 100, 60, 60],
    [None, "效益指标", "社会效益指标", "足额保障率(参保率)", "=", 100, "%", 100, 30, 30],
    ["合计", None, None, None, None, None, None, None, 100, 100],
]


def cell(rows, ref, value):
    col = ord(ref[0]) - 64
    r = int(ref[1:])
    rows = copy.deepcopy(rows)
    row = rows[r - 1]
    while len(row) < col:
        row.append(None)
    row[col - 1] = value
    return rows

def change(base, **cells):
    rows = base
    for ref, v in cells.items():
        rows = cell(rows, ref, v)
    return rows


def grid_of(rows, sheet="自评表") -> Grid:
    width = max(len(r) for r in rows)
    return Grid(sheet, [list(r) + [None] * (width - len(r)) for r in rows])


def check(rows, config=None):
    config = config or Config()
    out = []
    for t in read_grid(grid_of(rows), config):
        out.extend(check_table(t, config))
    return out


def codes(rows, code):
    return [(f.cell, f.severity) for f in check(rows) if f.code == code]
