"""``department``: 部门整体支出绩效目标表 — one table per department (宁德 2019, the MoF 部门整体
template): the department's label–value rows, its 年度预算安排 funds block, 年度总体目标, the
年度履职目标 block, then an indicator grid.

    部门(单位)名称 | X | 部门预算编码 | 901001033            -> Project.name = unit = department
    年度预算安排(万元) | 资金总额 | 171.41                   -> Project.funds (total, budget)
                       | 项目支出 | 60.8                     ->   line role "project"
                       | 基本支出 | 110.61                   ->   line role "basic"
    年度总体目标 | 目标1… / 目标2… (one per row)              -> Project.goal (joined)
    年度履职目标 | 部门职能 | 年度目标任务 | 支出项目名称 | 预算金额(万元)
                 | …        | …            | …            | 49.8  -> Project.details["duties"]
    一级指标 | 二级指标 | 三级指标 | 指标解释 | 目标值          -> Project.indicators

How it maps to the model: the whole table is **one Project** whose name is the department's
(部门(单位)名称), with ``unit_name`` and ``department`` the same department (its code from the
name or 部门预算编码 in ``details``); ``budget`` is the 资金总额 in 万元. Each 年度履职目标 line is
a dict in ``details["duties"]``: ``function`` (部门职能), ``task`` (年度目标任务), ``project``
(支出项目名称), ``amount`` (预算金额, 万元; ``amount_text`` when the cell was text), ``row`` and
``cells`` (field -> address), so a rule can add the amounts up against the funds lines.
The reading machinery is the form reader's (``form.read_forms`` with ``kind="department"``).
"""

from __future__ import annotations

from ..config import Config
from ..grid import Grid
from ..model import Table
from . import Fit, register
from .form import FormReader, Signals, _fit_reason, read_forms, signals


class DepartmentReader(FormReader):
    name = "department"
    title = "部门整体支出绩效目标表（每表一个部门）"
    subject_roles = ("org",)

    def fit_signals(self, grid: Grid, s: Signals) -> Fit:
        strong = s.department_title or s.duties
        if s.subject_role != "org" and not strong:
            return Fit(self.name, 0.0, "前30行中未找到“部门(单位)名称”或“年度履职目标”")
        score = (0.4 if s.subject_role == "org" else 0.2) + (0.3 if strong else 0) + (0.1 if s.funds else 0) + (
            0.2 if s.grid is not None else 0)
        if s.subject_role == "project" and not strong:
            score = min(score, 0.3)
        if s.self_eval:  # 部门整体支出绩效自评表: the self-evaluation reader's
            return Fit(self.name, min(score, 0.35),
                       _fit_reason(grid, s, f"但含自评表的列（{'、'.join(s.self_eval[:3])}），应为部门整体支出绩效自评表"))
        return Fit(self.name, round(min(score, 1.0), 3), _fit_reason(grid, s, "为部门整体支出绩效目标表"))

    def fit(self, grid: Grid) -> Fit:
        return self.fit_signals(grid, signals(grid))

    def read(self, grid: Grid, config: Config) -> list[Table]:
        return read_forms(grid, config, kind="department")


register(DepartmentReader())
