"""Realistic synthetic 部门预算项目绩效目标申报表 workbooks for the benchmarks.

Layout (the familiar one, see ../../shared/DESIGN.md "The table"):

    row 1  部门预算项目绩效目标申报表（2023年度）      (merged A1:L1)
    row 2  金额单位：万元
    row 3  the twelve headers
    then per department  ``208-遂宁市教育局部门`` with the department's budget total,
         per unit        sometimes a unit row ``208001-遂宁市教育局机关`` with the unit subtotal,
         per project     4-8 indicator rows; 单位名称 (``208001-…``), 项目名称, 预算数 and 年度目标
                         merged vertically over the project's rows, 一级指标 merged over
                         consecutive rows of the same level in ~1/3 of the projects.

Weights total 90 per project (产出 50 / 效益 30 / 满意度 10, or 成本 10 taken from 产出).
About 5 % of the indicator rows carry one realistic error (see ERROR_KINDS); the exact
counts go to a ``.json`` manifest next to each workbook.

Deterministic: the same (rows, seed) always gives the same cells. Written straight to the
package the way Excel writes it (UTF-8, shared strings, a border style on every table cell,
<mergeCells>) with zipfile: 100k rows in a few seconds. ``--writer openpyxl`` uses openpyxl's
write-only mode instead (merges handed to the streaming writer as a plain list), for comparison;
see the note above ``write_excel_like`` for why it is not the default.

    python bench/generate.py                 # 1k, 10k, 100k and the 500-file batch, cached
    python bench/generate.py --rows 5000     # one size
    python bench/generate.py --force         # regenerate even if cached
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Optional

GEN_VERSION = 4  # bump when the generated content changes: cached files are keyed by it
# 4: goals name what the project's indicators measure (v3's generic goals shared no word with
#    their indicators in 93 % of projects, so ST040 fired on 1,564 of 1,685 projects at 10k; on the
#    real sample it fires on 2 of 22). GENERIC_GOAL_RATE keeps about that share generic.
OUT = Path(__file__).resolve().parent / "out"
SIZES = (1_000, 10_000, 100_000)
HEADERS = ["单位名称", "项目名称", "预算数", "年度目标", "一级指标", "二级指标", "三级指标",
           "指标性质", "指标值", "度量单位", "权重", "指标方向性"]
C_UNIT, C_PROJ, C_BUDGET, C_GOAL, C_L1, C_L2, C_NAME, C_CMP, C_TARGET, C_MEASURE, C_WEIGHT, C_DIR = range(12)
ERROR_RATE = 0.05
ERROR_KINDS = (
    "weight_off",        # one weight changed by ±5/±10: the project no longer totals 90
    "ge_with_reverse",   # ≥ on a 反向指标
    "qualitative_scale", # 定性 with 高中低 (the whole scale instead of one grade)
    "ascii_comparator",  # >= / <= instead of ≥ / ≤
    "number_as_text",    # target or weight stored as text ("95")
    "missing_direction", # 指标方向性 left blank
)

# --- vocabulary ---------------------------------------------------------------------------

PLACES = ("遂宁市", "射洪市", "蓬溪县", "大英县", "船山区", "安居区", "绵阳市", "德阳市", "南充市", "广安市",
          "内江市", "资阳市", "眉山市", "乐山市", "宜宾市", "泸州市", "自贡市", "达州市", "巴中市", "雅安市")
BUREAUS = (
    ("中国共产党{p}委员会政法委员会", ("机关", "法学会", "综治中心")),
    ("{p}教育局", ("机关", "第一中学", "实验小学", "教育考试中心", "教师进修学校")),
    ("{p}卫生健康委员会", ("机关", "疾病预防控制中心", "妇幼保健院", "卫生监督执法支队")),
    ("{p}交通运输局", ("机关", "公路养护中心", "运输管理所")),
    ("{p}农业农村局", ("机关", "农业技术推广站", "动物疫病预防控制中心", "农机服务中心")),
    ("{p}民政局", ("机关", "社会福利院", "救助管理站")),
    ("{p}财政局", ("机关", "国库支付中心", "投资评审中心")),
    ("{p}自然资源和规划局", ("机关", "不动产登记中心", "测绘地理信息中心")),
    ("{p}生态环境局", ("机关", "环境监测站")),
    ("{p}文化广播电视和旅游局", ("机关", "图书馆", "文化馆", "博物馆")),
    ("{p}人力资源和社会保障局", ("机关", "就业服务中心", "社会保险事务中心")),
    ("{p}应急管理局", ("机关", "应急救援指挥中心")),
    ("{p}市场监督管理局", ("机关", "食品药品检验所", "计量测试所")),
    ("{p}住房和城乡建设局", ("机关", "建设工程质量安全监督站")),
    ("{p}水利局", ("机关", "水利工程管理所", "河道管理处")),
)
SUBJECTS = (
    "政法综治维稳宣传", "法治宣讲", "反邪教工作", "见义勇为奖励慰问", "矛盾纠纷多元化解", "平安建设",
    "扫黑除恶斗争", "社会治安综合治理", "网格化服务管理", "义务教育营养改善", "学生资助", "教师培训",
    "校园安全", "学前教育发展", "基本公共卫生服务", "重大传染病防控", "妇幼健康服务", "卫生应急能力建设",
    "农村公路养护", "道路运输安全监管", "高标准农田建设", "动物疫病防控", "农业技术推广", "耕地地力保护",
    "城乡低保", "特困人员供养", "残疾人两项补贴", "养老服务体系建设", "预算绩效管理", "政府采购监管",
    "国土空间规划编制", "不动产登记", "耕地保护督察", "大气污染防治", "水污染防治", "土壤环境监测",
    "公共文化服务", "非遗保护传承", "图书馆免费开放", "就业创业补贴", "职业技能培训", "劳动保障监察",
    "安全生产监管", "森林防灭火", "防汛抗旱", "食品安全抽检", "特种设备监管", "计量检定",
    "老旧小区改造", "城市生活垃圾处理", "农村饮水安全", "河长制", "水土保持", "档案数字化",
    "信息化系统运维", "办公楼维修改造", "公务用车", "党建工作", "干部教育培训", "统计调查",
)
KINDS = ("工作经费", "专项经费", "项目", "补助资金", "运行维护经费", "能力建设经费")
GOAL_TEMPLATES = (
    "全面完成{s}各项任务，提升{s}工作质量和服务水平，保障工作正常有序开展。",
    "围绕{s}年度重点工作，按时足额拨付资金，确保项目按期完成并通过验收。",
    "（工作涉密）严格贯彻落实中省市关于{s}的工作部署，健全长效机制，维护社会和谐稳定。",
    "通过实施{s}，进一步改善群众生产生活条件，群众满意度达到80%以上。",
    "加强{s}规范化建设，完善制度体系，提高资金使用效益。",
)

GOAL_HEADS = ("全面完成{s}各项任务", "围绕{s}年度重点工作", "严格贯彻落实{s}工作部署", "通过实施{s}",
              "加强{s}规范化建设")
GOAL_PHRASES = {"≥": "不低于", ">=": "不低于", ">": "超过", "≤": "不超过", "<=": "不超过", "<": "低于", "=": "达到"}
GENERIC_GOAL_RATE = 0.1


def _goal(rng: random.Random, subject: str, inds: list[list[Any]]) -> str:
    """The 年度目标 of a project: mostly a head clause and what two of its indicators promise
    (“培训人次不低于300人次”), as clerks write them; a share of generic template goals."""
    if rng.random() < GENERIC_GOAL_RATE:
        return rng.choice(GOAL_TEMPLATES).format(s=subject)
    outs = [i for i in inds if i[0] == "产出指标"] or inds
    rest = [i for i in inds if i[0] in ("效益指标", "满意度指标")] or inds
    clauses = [rng.choice(GOAL_HEADS).format(s=subject)]
    for l1, l2, name, cmp_, value, measure, w, direction in (rng.choice(outs), rng.choice(rest)):
        if cmp_ == "定性" or not isinstance(value, float):
            clauses.append(f"{name}{value}")
        else:
            clauses.append(f"{name}{GOAL_PHRASES.get(cmp_, '达到')}{value:g}{measure or ''}")
    return "，".join(clauses) + "。"


# (二级指标, 三级指标, 指标性质, (lo, hi, step) or qualitative word, 度量单位, 指标方向性)
OUTPUT_QTY = (
    ("数量指标", "开展专项检查", "≥", (2, 40, 1), "次", "正向指标"),
    ("数量指标", "培训人次", "≥", (50, 3000, 10), "人次", "正向指标"),
    ("数量指标", "覆盖乡镇（街道）数", "≥", (5, 60, 1), "个", "正向指标"),
    ("数量指标", "印制宣传资料", "≥", (500, 20000, 100), "份", "正向指标"),
    ("数量指标", "资助学生人数", "≥", (100, 8000, 10), "人", "正向指标"),
    ("数量指标", "维修改造面积", "≥", (200, 9000, 50), "平方米", "正向指标"),
    ("数量指标", "养护公路里程", "≥", (10, 800, 5), "公里", "正向指标"),
    ("数量指标", "新建设施数量", "=", (1, 30, 1), "处", "正向指标"),
)
OUTPUT_QUAL = (
    ("质量指标", "验收合格率", "≥", (90, 100, 1), "%", "正向指标"),
    ("质量指标", "问题整改率", "=", (100, 100, 1), "%", "正向指标"),
    ("质量指标", "资料差错率", "≤", (1, 5, 1), "%", "反向指标"),
    ("质量指标", "矛盾纠纷调解成功率", "≥", (85, 98, 1), "%", "正向指标"),
    ("质量指标", "抽检合格率", "≥", (95, 99, 1), "%", "正向指标"),
    ("质量指标", "系统运行故障率", "≤", (1, 3, 1), "%", "反向指标"),
)
OUTPUT_TIME = (
    ("时效指标", "项目完成时限", "≤", (6, 12, 1), "月", "反向指标"),
    ("时效指标", "资金拨付及时率", "≥", (90, 95, 5), "%", "正向指标"),
    ("时效指标", "工作发生至宣传时限", "≤", (1, 5, 1), "天", "反向指标"),
    ("时效指标", "按时完成率", "=", (100, 100, 1), "%", "正向指标"),
    ("时效指标", "问题办结时限", "≤", (3, 30, 1), "个工作日", "反向指标"),
)
COST = (
    ("经济成本指标", "项目总成本控制", "≤", None, "万元", "反向指标"),  # value = the project's budget
    ("经济成本指标", "人均培训成本", "≤", (200, 1500, 50), "元", "反向指标"),
    ("经济成本指标", "单位面积改造成本", "≤", (300, 2000, 50), "元/平方米", "反向指标"),
)
BENEFIT = (
    ("社会效益指标", "维护社会稳定", "定性", "高", None, "正向指标"),
    ("社会效益指标", "群众安全感", "定性", "显著提升", None, "正向指标"),
    ("社会效益指标", "政策知晓率", "≥", (80, 95, 1), "%", "正向指标"),
    ("社会效益指标", "基层治理能力", "定性", "有效提升", None, "正向指标"),
    ("经济效益指标", "带动农户增收", "≥", (10, 500, 5), "万元", "正向指标"),
    ("生态效益指标", "空气质量优良天数比率", "≥", (80, 92, 1), "%", "正向指标"),
    ("生态效益指标", "水环境质量", "定性", "持续改善", None, "正向指标"),
    ("可持续影响指标", "长效管理机制", "定性", "健全", None, "正向指标"),
    ("可持续影响指标", "项目持续发挥作用年限", "≥", (3, 10, 1), "年", "正向指标"),
)
SATISFACTION = (
    ("服务对象满意度指标", "群众满意度", "≥", (80, 95, 5), "%", "正向指标"),
    ("服务对象满意度指标", "服务对象满意度", "≥", (80, 95, 5), "%", "正向指标"),
    ("服务对象满意度指标", "参训人员满意度", "≥", (85, 98, 1), "%", "正向指标"),
)


@dataclass
class Manifest:
    rows: int = 0            # indicator rows
    projects: int = 0
    departments: int = 0
    units: int = 0
    unit_rows: int = 0
    merges: int = 0
    errors: dict[str, int] = field(default_factory=lambda: {k: 0 for k in ERROR_KINDS})
    sheet_rows: int = 0
    seed: int = 0
    version: int = GEN_VERSION
    seconds: float = 0.0
    bytes: int = 0
    writer: str = "excel"


# --- content ------------------------------------------------------------------------------


def _value(rng: random.Random, spec: Any) -> Any:
    if isinstance(spec, str):
        return spec
    lo, hi, step = spec
    return float(lo + step * rng.randrange((hi - lo) // step + 1))


def _split(rng: random.Random, total: int, parts: int, unit: int = 5) -> list[int]:
    """``total`` in ``parts`` multiples of ``unit``, each ≥ ``unit``."""
    slots = total // unit - parts
    cuts = sorted(rng.randint(0, slots) for _ in range(parts - 1))
    bounds = [0] + cuts + [slots]
    return [(bounds[i + 1] - bounds[i] + 1) * unit for i in range(parts)]


def _indicators(rng: random.Random, k: int, budget: float) -> list[list[Any]]:
    """k (4..8+) indicators whose weights total 90, grouped by level 1."""
    n_sat = 1
    n_ben = 1 if k < 6 else rng.choice((1, 2))
    n_cost = 1 if k >= 6 and rng.random() < 0.35 else 0
    n_out = k - n_sat - n_ben - n_cost
    out_w = 50 - 10 * n_cost
    while n_out > out_w // 5:  # only for very long trailing projects
        n_out -= 1
        n_ben += 1
    pools = [OUTPUT_QTY, OUTPUT_QUAL, OUTPUT_TIME]
    per_pool = [len(range(i, n_out, 3)) for i in range(3)]
    picks = [rng.sample(pool, n) for pool, n in zip(pools, per_pool)]
    outs = [picks[i % 3][i // 3] for i in range(n_out)]  # no duplicate names within a project
    rows: list[list[Any]] = []
    for spec, w in zip(outs, _split(rng, out_w, n_out)):
        rows.append(["产出指标", *spec, w])
    for _ in range(n_cost):
        spec = rng.choice(COST)
        rows.append(["成本指标", *spec, 10])
    ben_w = _split(rng, 30, n_ben) if n_ben > 1 else [30]
    for spec, w in zip(rng.sample(BENEFIT, n_ben), ben_w):
        rows.append(["效益指标", *spec, w])
    rows.append(["满意度指标", *rng.choice(SATISFACTION), 10])
    out: list[list[Any]] = []
    for l1, l2, name, cmp_, spec, measure, direction, w in rows:
        value = round(budget, 2) if spec is None else _value(rng, spec)
        out.append([l1, l2, name, cmp_, value, measure, float(w), direction])
    return out


def _inject(rng: random.Random, ind: list[Any], m: Manifest) -> None:
    """Give one indicator row ([l1, l2, name, cmp, value, measure, weight, direction]) one error."""
    kind = rng.choice(ERROR_KINDS)
    if kind == "weight_off":
        ind[6] = max(1.0, ind[6] + rng.choice((-10, -5, 5, 10)))
    elif kind == "ge_with_reverse":
        ind[3], ind[7] = "≥", "反向指标"
        if not isinstance(ind[4], float):
            ind[4], ind[5] = 5.0, "%"
    elif kind == "qualitative_scale":
        ind[3], ind[4], ind[5] = "定性", "高中低", None
    elif kind == "ascii_comparator":
        ind[3] = {"≤": "<="}.get(ind[3], ">=")
        if not isinstance(ind[4], float):
            ind[4], ind[5] = 90.0, "%"
    elif kind == "number_as_text":
        if isinstance(ind[4], float) and rng.random() < 0.5:
            ind[4] = f"{ind[4]:g}"
        else:
            ind[6] = f"{ind[6]:g}"
    elif kind == "missing_direction":
        ind[7] = None
    m.errors[kind] += 1


def _level1_merges(inds: list[list[Any]], col: str, first: int) -> list[str]:
    """一级指标 merged over each run of consecutive indicator rows of one level (``inds[j][0]``),
    the first row of the run at sheet row ``first + j``."""
    out: list[str] = []
    j = 0
    while j < len(inds):
        e = j
        while e + 1 < len(inds) and inds[e + 1][0] == inds[j][0]:
            e += 1
        if e > j:
            out.append(f"{col}{first + j}:{col}{first + e}")
        j = e + 1
    return out


def _col(c: int) -> str:
    return chr(65 + c)


TITLE = "部门预算项目绩效目标申报表（2023年度）"
WIDTHS = (26, 24, 10, 40, 11, 16, 30, 8, 10, 9, 6, 11)


def build(rows: int, seed: int = 2023, *, per_department: tuple[int, int] = (30, 120),
          single_department: bool = False) -> tuple[list[list[Any]], list[str], Manifest]:
    """The sheet's cells (row 1 first, 12 columns) and merged ranges, with exactly ``rows``
    indicator rows."""
    rng = random.Random(f"{seed}:{rows}:{GEN_VERSION}")
    m = Manifest(seed=seed)
    out: list[list[Any]] = [[TITLE] + [None] * 11, ["金额单位：万元"] + [None] * 11, list(HEADERS)]
    merges: list[str] = ["A1:L1"]
    sheet_row = 3

    # Plan projects (sizes) first, so every department/unit total is known before its row.
    sizes: list[int] = []
    left = rows
    while left > 0:
        k = rng.randint(4, 8)
        if left - k < 4:
            k = left
        sizes.append(k)
        left -= k
    bureaus = [(b, p) for p in PLACES for b in BUREAUS]
    rng.shuffle(bureaus)
    codes = list(range(201, 999))
    i = 0
    while i < len(sizes):
        n_proj = len(sizes) - i if single_department else min(len(sizes) - i, rng.randint(*per_department))
        (dept_tpl, unit_names), place = bureaus[m.departments % len(bureaus)]
        dept_code = codes[m.departments % len(codes)]
        dept_name = dept_tpl.format(p=place)
        m.departments += 1
        n_units = max(1, min(len(unit_names), n_proj // 4, rng.randint(1, len(unit_names))))
        cuts = sorted(rng.sample(range(1, n_proj), n_units - 1)) if n_units > 1 else []
        bounds = [0] + cuts + [n_proj]
        plan = []
        for u in range(n_units):
            unit_text = f"{dept_code}{u + 1:03d}-{dept_name}{'' if unit_names[u] == '机关' else unit_names[u]}"
            projs = []
            for k in sizes[i + bounds[u]: i + bounds[u + 1]]:
                subject = rng.choice(SUBJECTS)
                budget = round(rng.choice((rng.uniform(2, 50), rng.uniform(2, 50), rng.uniform(50, 2000))), 2)
                projs.append((k, subject, budget))
            plan.append((unit_text, projs))
        dept_total = round(sum(b for _, projs in plan for _, _, b in projs), 2)
        out.append([f"{dept_code}-{dept_name}部门", None, dept_total] + [None] * 9)
        sheet_row += 1
        for unit_text, projs in plan:
            m.units += 1
            if rng.random() < 0.5:  # a unit row with its subtotal; otherwise only the merged mentions
                out.append([unit_text, None, round(sum(b for _, _, b in projs), 2)] + [None] * 9)
                sheet_row += 1
                m.unit_rows += 1
            for k, subject, budget in projs:
                m.projects += 1
                name = f"{subject}{rng.choice(KINDS)}"
                inds = _indicators(rng, k, budget)
                goal = _goal(rng, subject, inds)
                for ind in inds:
                    if rng.random() < ERROR_RATE:
                        _inject(rng, ind, m)
                first = sheet_row + 1
                last = sheet_row + len(inds)
                merge_l1 = rng.random() < 0.35
                for j, ind in enumerate(inds):
                    head = [unit_text, name, budget, goal] if j == 0 else [None] * 4
                    if merge_l1 and j > 0 and inds[j - 1][0] == ind[0]:
                        ind = [None] + ind[1:]
                    out.append(head + ind)
                sheet_row = last
                m.rows += len(inds)
                if last > first:
                    merges.extend(f"{_col(c)}{first}:{_col(c)}{last}" for c in (C_UNIT, C_PROJ, C_BUDGET, C_GOAL))
                    if merge_l1:
                        merges.extend(_level1_merges(inds, "E", first))
        i += n_proj
    m.merges = len(merges)
    m.sheet_rows = sheet_row
    return out, merges, m


# --- writers --------------------------------------------------------------------------------
#
# "excel" (default) writes the package the way Excel itself does: UTF-8 XML, a shared-string
# table, a style on every cell of the bordered table, <dimension>, <mergeCells>. That is what
# clerks send, and what the read benchmarks must see. openpyxl's write-only mode, the obvious
# fast choice, writes every string inline as numeric character references (&#37096;…): a 100k
# file's sheet XML is then 67 MB instead of ~25 MB and every reader pays for the escapes, so it is
# kept only as an option ("openpyxl") for comparison.

_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_RNS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    '<Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>'
    '<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>'
    '<Override PartName="/docProps/core.xml" ContentType="application/vnd.openxmlformats-package.core-properties+xml"/>'
    '<Override PartName="/docProps/app.xml" ContentType="application/vnd.openxmlformats-officedocument.extended-properties+xml"/>'
    '</Types>'
)
_ROOT_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/>'
    '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties" Target="docProps/core.xml"/>'
    '<Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/extended-properties" Target="docProps/app.xml"/>'
    '</Relationships>'
)
_WB_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>'
    '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/>'
    '<Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/>'
    '</Relationships>'
)
_CORE = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" '
    'xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" '
    'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><dc:creator>xlperf bench</dc:creator>'
    '<dcterms:created xsi:type="dcterms:W3CDTF">2023-01-01T00:00:00Z</dcterms:created></cp:coreProperties>'
)
_APP = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties">'
    '<Application>Microsoft Excel</Application></Properties>'
)
# cellXfs: 0 default, 1 title, 2 header, 3 bordered wrapped text, 4 bordered budget #,##0.00, 5 bordered centred
_STYLES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    f'<styleSheet xmlns="{_NS}">'
    '<numFmts count="1"><numFmt numFmtId="164" formatCode="#,##0.00"/></numFmts>'
    '<fonts count="3"><font><sz val="11"/><name val="宋体"/><family val="3"/><charset val="134"/></font>'
    '<font><b/><sz val="16"/><name val="宋体"/><family val="3"/><charset val="134"/></font>'
    '<font><b/><sz val="11"/><name val="宋体"/><family val="3"/><charset val="134"/></font></fonts>'
    '<fills count="2"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill></fills>'
    '<borders count="2"><border><left/><right/><top/><bottom/><diagonal/></border>'
    '<border><left style="thin"><color auto="1"/></left><right style="thin"><color auto="1"/></right>'
    '<top style="thin"><color auto="1"/></top><bottom style="thin"><color auto="1"/></bottom><diagonal/></border></borders>'
    '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
    '<cellXfs count="6">'
    '<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
    '<xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1" applyAlignment="1"><alignment horizontal="center" vertical="center"/></xf>'
    '<xf numFmtId="0" fontId="2" fillId="0" borderId="1" xfId="0" applyFont="1" applyBorder="1" applyAlignment="1"><alignment horizontal="center" vertical="center" wrapText="1"/></xf>'
    '<xf numFmtId="0" fontId="0" fillId="0" borderId="1" xfId="0" applyBorder="1" applyAlignment="1"><alignment vertical="center" wrapText="1"/></xf>'
    '<xf numFmtId="164" fontId="0" fillId="0" borderId="1" xfId="0" applyNumberFormat="1" applyBorder="1" applyAlignment="1"><alignment horizontal="right" vertical="center"/></xf>'
    '<xf numFmtId="0" fontId="0" fillId="0" borderId="1" xfId="0" applyBorder="1" applyAlignment="1"><alignment horizontal="center" vertical="center" wrapText="1"/></xf>'
    '</cellXfs><cellStyles count="1"><cellStyle name="常规" xfId="0" builtinId="0"/></cellStyles></styleSheet>'
)
_DATA_STYLE = (3, 3, 4, 3, 5, 5, 3, 5, 5, 5, 5, 5)


def _esc(s: str) -> str:
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _num(v: float) -> str:
    return str(int(v)) if float(v).is_integer() and abs(v) < 1e15 else repr(float(v))


def write_excel_like(cells: list[list[Any]], merges: list[str], path: Path, sheet: str = "绩效目标表") -> None:
    import zipfile

    sst: dict[str, int] = {}
    refs = 0
    parts: list[str] = []
    ap = parts.append
    letters = [_col(c) for c in range(12)]
    for r, row in enumerate(cells, start=1):
        ap(f'<row r="{r}" spans="1:12"' + (' ht="30" customHeight="1">' if r == 1 else ">"))
        for c, v in enumerate(row):
            s = 1 if r == 1 and c == 0 else 0 if r <= 2 else 2 if r == 3 else _DATA_STYLE[c]
            ref = f"{letters[c]}{r}"
            if v is None:
                if s:
                    ap(f'<c r="{ref}" s="{s}"/>')
            elif isinstance(v, str):
                i = sst.get(v)
                if i is None:
                    i = sst[v] = len(sst)
                refs += 1
                ap(f'<c r="{ref}" s="{s}" t="s"><v>{i}</v></c>' if s else f'<c r="{ref}" t="s"><v>{i}</v></c>')
            else:
                ap(f'<c r="{ref}" s="{s}"><v>{_num(v)}</v></c>' if s else f'<c r="{ref}"><v>{_num(v)}</v></c>')
        ap("</row>")
    cols = "".join(f'<col min="{i}" max="{i}" width="{w}" customWidth="1"/>' for i, w in enumerate(WIDTHS, 1))
    head = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        f'<worksheet xmlns="{_NS}" xmlns:r="{_RNS}"><dimension ref="A1:L{len(cells)}"/>'
        '<sheetViews><sheetView tabSelected="1" workbookViewId="0"><pane ySplit="3" topLeftCell="A4" activePane="bottomLeft" state="frozen"/>'
        '<selection pane="bottomLeft" activeCell="A4" sqref="A4"/></sheetView></sheetViews>'
        f'<sheetFormatPr defaultRowHeight="13.5"/><cols>{cols}</cols><sheetData>'
    )
    tail = (
        f'</sheetData><mergeCells count="{len(merges)}">' + "".join(f'<mergeCell ref="{m}"/>' for m in merges)
        + '</mergeCells><pageMargins left="0.7" right="0.7" top="0.75" bottom="0.75" header="0.3" footer="0.3"/>'
        '<pageSetup paperSize="9" orientation="landscape"/></worksheet>'
    )
    sst_xml = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        f'<sst xmlns="{_NS}" count="{refs}" uniqueCount="{len(sst)}">'
        + "".join(f"<si><t>{_esc(t)}</t></si>" if t == t.strip() else f'<si><t xml:space="preserve">{_esc(t)}</t></si>' for t in sst)
        + "</sst>"
    )
    workbook = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        f'<workbook xmlns="{_NS}" xmlns:r="{_RNS}"><bookViews><workbookView activeTab="0"/></bookViews>'
        f'<sheets><sheet name="{_esc(sheet)}" sheetId="1" r:id="rId1"/></sheets>'
        f'<definedNames><definedName name="_xlnm.Print_Titles" localSheetId="0">{_esc(sheet)}!$1:$3</definedName></definedNames>'
        '</workbook>'
    )
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=6) as z:
        z.writestr("[Content_Types].xml", _CONTENT_TYPES)
        z.writestr("_rels/.rels", _ROOT_RELS)
        z.writestr("docProps/core.xml", _CORE)
        z.writestr("docProps/app.xml", _APP)
        z.writestr("xl/workbook.xml", workbook)
        z.writestr("xl/_rels/workbook.xml.rels", _WB_RELS)
        z.writestr("xl/styles.xml", _STYLES)
        z.writestr("xl/sharedStrings.xml", sst_xml)
        z.writestr("xl/worksheets/sheet1.xml", head + "".join(parts) + tail)


def write_openpyxl(cells: list[list[Any]], merges: list[str], path: Path, sheet: str = "绩效目标表") -> None:
    """openpyxl write-only mode (inline strings as character references; see above)."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Alignment, Font

    wb = Workbook(write_only=True)
    ws = wb.create_sheet(sheet)
    for c, w in zip("ABCDEFGHIJKL", WIDTHS):
        ws.column_dimensions[c].width = w
    ws.freeze_panes = "A4"
    center = Alignment(horizontal="center", vertical="center", wrap_text=True)
    for r, row in enumerate(cells):
        if r in (0, 2):
            styled = []
            for v in row:
                cell = WriteOnlyCell(ws, value=v)
                cell.alignment = center
                cell.font = Font(bold=True, size=16 if r == 0 else 11)
                styled.append(cell)
            ws.append(styled)
        else:
            ws.append(row)
    # The streaming writer emits ws.merged_cells in <mergeCells> when the sheet is closed; it only
    # iterates and str()s the entries, so a plain list avoids MultiCellRange's O(n^2) add().
    ws.merged_cells = merges  # type: ignore[assignment]
    wb.save(path)


WRITERS = {"excel": write_excel_like, "openpyxl": write_openpyxl}


def generate(rows: int, path: Path, seed: int = 2023, *, writer: str = "excel", **kw: Any) -> Manifest:
    """Write a workbook with exactly ``rows`` indicator rows to ``path`` (atomically) and its
    manifest next to it."""
    t0 = time.perf_counter()
    cells, merges, m = build(rows, seed, **kw)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.stem}.{os.getpid()}.tmp.xlsx")
    WRITERS[writer](cells, merges, tmp)
    os.replace(tmp, path)
    m.seconds = round(time.perf_counter() - t0, 3)
    m.bytes = path.stat().st_size
    m.writer = writer
    path.with_suffix(".json").write_text(json.dumps(m.__dict__, ensure_ascii=False, indent=1), encoding="utf-8")
    return m


# --- cache --------------------------------------------------------------------------------


def workbook(rows: int, seed: int = 2023, force: bool = False, writer: str = "excel") -> Path:
    """The cached benchmark workbook with ``rows`` indicator rows (generated on first use)."""
    tag = "" if writer == "excel" else f"_{writer}"
    path = OUT / f"perf_{rows}_s{seed}_v{GEN_VERSION}{tag}.xlsx"
    if force or not path.exists() or not path.with_suffix(".json").exists():
        generate(rows, path, seed, writer=writer)
    return path


def manifest(path: Path) -> dict[str, Any]:
    return json.loads(path.with_suffix(".json").read_text(encoding="utf-8"))


def _fresh_dir(d: Path, force: bool) -> bool:
    """Whether the cached folder ``d`` must be (re)generated; if so it is emptied of workbooks.
    A ``_done`` file written after the last workbook marks a complete folder."""
    if (d / "_done").exists() and not force:
        return False
    d.mkdir(parents=True, exist_ok=True)
    for f in d.glob("*.xlsx"):
        f.unlink()
    return True


def batch_dir(n_files: int = 500, seed: int = 2023, force: bool = False) -> Path:
    """``n_files`` sample-sized workbooks (one department, 15-30 projects, like the 22-project sample)."""
    d = OUT / f"batch{n_files}_s{seed}_v{GEN_VERSION}"
    if not _fresh_dir(d, force):
        return d
    rng = random.Random(f"batch:{seed}:{GEN_VERSION}")
    for i in range(n_files):
        rows = rng.randint(15, 30) * 6  # ~ 22 projects of 4-8 indicators
        p = d / f"book_{i:03d}.xlsx"
        generate(rows, p, seed=seed * 1000 + i, single_department=True)
        p.with_suffix(".json").unlink()  # keep the folder to workbooks only: it is checked as a folder
    (d / "_done").write_text(str(n_files))
    return d


# --- forms (the Ministry of Finance 项目支出绩效目标表: one project per form) ----------------------

FORMS_VERSION = 2  # bump when the one-form files change (2: project names made unique)
FORM_WIDTH = 8  # 一级 | 二级 | 三级 | 指标性质 | 指标值 | 度量单位 | 分值 | 指标方向
FORM_HEADERS = ["一级指标", "二级指标", "三级指标", "指标性质", "指标值", "度量单位", "分值", "指标方向"]


def build_form(rng: random.Random, m: Manifest, first_row: int) -> tuple[list[list[Any]], list[str]]:
    """One filled form starting at sheet row ``first_row``: title, label–value block, funds block,
    年度目标 and the indicator grid (一级指标 merged over its rows), as clerks receive it."""
    (dept_tpl, unit_names), place = rng.choice([(b, p) for p in PLACES for b in BUREAUS])
    dept = dept_tpl.format(p=place)
    subject = rng.choice(SUBJECTS)
    name = f"{subject}{rng.choice(KINDS)}"
    fiscal = round(rng.uniform(2, 500), 2)
    other = round(rng.choice((0.0, 0.0, rng.uniform(1, 50))), 2)
    total = round(fiscal + other, 2)
    k = rng.randint(4, 8)
    inds = _indicators(rng, k, total)
    for ind in inds:
        if rng.random() < ERROR_RATE:
            _inject(rng, ind, m)
    pad = [None] * (FORM_WIDTH - 4)
    rows: list[list[Any]] = [
        ["项目支出绩效目标表"] + [None] * (FORM_WIDTH - 1),
        ["（2023年度）"] + [None] * (FORM_WIDTH - 1),
        ["项目名称", name, None, None] + pad,
        ["主管部门", dept, None, None, "实施单位", f"{dept}{rng.choice(unit_names)}", None, None],
        ["项目资金（万元）", "年度资金总额", total, None] + pad,
        [None, "其中：财政拨款", fiscal, None] + pad,
        [None, "其他资金", other, None] + pad,
        ["年度目标", _goal(rng, subject, inds), None, None] + pad,
        list(FORM_HEADERS),
    ]
    r = first_row
    merges = [f"A{r}:H{r}", f"A{r + 1}:H{r + 1}", f"B{r + 2}:H{r + 2}", f"A{r + 4}:A{r + 6}", f"B{r + 7}:H{r + 7}"]
    grid_first = r + len(rows)
    for j, (l1, l2, nm, cmp_, value, measure, w, direction) in enumerate(inds):
        rows.append([l1 if j == 0 or inds[j - 1][0] != l1 else None, l2, nm, cmp_, value, measure, w, direction])
    merges.extend(_level1_merges(inds, "A", grid_first))
    m.projects += 1
    m.rows += len(inds)
    return rows, merges


def build_forms(n_forms: int, seed: int = 2023) -> tuple[list[list[Any]], list[str], Manifest]:
    """``n_forms`` forms stacked on one sheet, one blank row between them."""
    rng = random.Random(f"forms:{seed}:{n_forms}:{GEN_VERSION}")
    m = Manifest(seed=seed)
    cells: list[list[Any]] = []
    merges: list[str] = []
    for _ in range(n_forms):
        rows, ms = build_form(rng, m, len(cells) + 1)
        cells.extend(rows)
        cells.append([None] * FORM_WIDTH)
        merges.extend(ms)
    m.merges = len(merges)
    m.sheet_rows = len(cells)
    return cells, merges, m


def forms_workbook(n_forms: int = 1000, seed: int = 2023, force: bool = False) -> Path:
    """The cached workbook of ``n_forms`` stacked forms."""
    path = OUT / f"forms_{n_forms}_s{seed}_v{GEN_VERSION}.xlsx"
    if force or not path.exists() or not path.with_suffix(".json").exists():
        t0 = time.perf_counter()
        cells, merges, m = build_forms(n_forms, seed)
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f".{path.stem}.{os.getpid()}.tmp.xlsx")
        write_excel_like(cells, merges, tmp, sheet="项目绩效目标表")
        os.replace(tmp, path)
        m.seconds, m.bytes = round(time.perf_counter() - t0, 3), path.stat().st_size
        path.with_suffix(".json").write_text(json.dumps(m.__dict__, ensure_ascii=False, indent=1), encoding="utf-8")
    return path


def forms_dir(n_files: int = 500, seed: int = 2023, force: bool = False) -> Path:
    """``n_files`` workbooks of one form each (what a department collects before combining)."""
    d = OUT / f"forms_dir{n_files}_s{seed}_v{GEN_VERSION}.{FORMS_VERSION}"
    if not _fresh_dir(d, force):
        return d
    for i in range(n_files):
        cells, merges, _ = build_forms(1, seed * 1000 + i)
        cells[2][1] = f"{cells[2][1]}（{i + 1:03d}）"  # one project per file: names never repeat (combine refuses twins)
        write_excel_like(cells, merges, d / f"form_{i:03d}.xlsx", sheet="项目绩效目标表")
    (d / "_done").write_text(str(n_files))
    return d


def main(argv: Optional[list[str]] = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--rows", type=int, action="append", help="indicator rows (repeatable); default 1k, 10k, 100k")
    ap.add_argument("--seed", type=int, default=2023)
    ap.add_argument("--force", action="store_true", help="regenerate even if cached")
    ap.add_argument("--batch", type=int, default=500, help="sample-sized files for the batch test (0: none)")
    ap.add_argument("--forms", type=int, default=0, help="also the stacked-forms workbook of N forms and a folder of N one-form files")
    ap.add_argument("--writer", choices=sorted(WRITERS), default="excel",
                    help="excel: like Excel writes (shared strings, UTF-8); openpyxl: write-only mode, for comparison")
    a = ap.parse_args(argv)
    for n in a.rows or SIZES:
        p = workbook(n, a.seed, a.force, a.writer)
        man = manifest(p)
        print(f"{p.relative_to(OUT.parent.parent)}  rows={man['rows']} projects={man['projects']} "
              f"merges={man['merges']} errors={sum(man['errors'].values())} bytes={man['bytes']:,} ({man['seconds']} s)")
    if a.batch and not a.rows:
        t0 = time.perf_counter()
        d = batch_dir(a.batch, a.seed, a.force)
        print(f"{d.relative_to(OUT.parent.parent)}  {a.batch} files ({time.perf_counter() - t0:.1f} s)")
    if a.forms:
        p = forms_workbook(a.forms, a.seed, a.force)
        man = manifest(p)
        print(f"{p.relative_to(OUT.parent.parent)}  forms={man['projects']} rows={man['rows']} bytes={man['bytes']:,}")
        d = forms_dir(a.forms, a.seed, a.force)
        print(f"{d.relative_to(OUT.parent.parent)}  {a.forms} one-form files")
    return 0


if __name__ == "__main__":
    sys.exit(main())
