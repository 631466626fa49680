"""The rulebook as a whole: codes, messages, docs, fixes that settle in one run.

Not cases: these check every rule at once (the registry, one messy table fixed in one run),
which a case (one rule's findings on one table) cannot express.
"""

import re

import pytest

from xlperf.core.blocks import build_table
from xlperf.core.engine import check_table
from xlperf.core.rules import all_rules
from xlperf.core.rules.registry import CODE_RE, DOC_SECTIONS, FAMILIES

from ..helpers import DATA_ROW0, findings_of
from .case_runner import load_cases, standard_rows
from .util import apply_fixes, blank_row, good_project, grid_without, ind, variant

CJK = re.compile(r"[\u4e00-\u9fff]")
RULES = all_rules()


def test_every_code_matches_its_family_and_is_unique():
    assert len({r.code for r in RULES}) == len(RULES)
    for r in RULES:
        assert CODE_RE.match(r.code) and r.family in FAMILIES, r.code
        assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", r.slug), r.code
    assert len({r.slug for r in RULES}) == len(RULES)


@pytest.mark.parametrize("r", RULES, ids=lambda r: r.code)
def test_rule_has_chinese_message_title_and_doc_sections(r):
    assert CJK.search(r.message) and "{cell}" in r.message, r.code
    assert r.title and CJK.search(r.title) and "\n" not in r.title
    for section in DOC_SECTIONS:  # 反例/正例 from the doc cases (or, without cases, the docstring)
        assert re.search(rf"^{section}[：:]\s*\S", r.doc, re.M), (r.code, section)
    assert r.severity in ("error", "warning", "info") and r.scope in ("indicator", "project", "table", "read")
    assert (r.func is None) == (r.scope == "read")


# Every rule has passing and failing cases (tests/rules/cases/, test_cases.py); the rules
# exempt from cases keep a test named by their code (test_cases.test_exempt_rules_are_still_tested_by_code).


# --- fixes -------------------------------------------------------------------------------

# One table per fixable rule on which that rule proposes at least one fix: the rules' fix cases
# (tests/rules/cases/, each checked for its fixed result and a second run that changes nothing),
# and here the rules pending rulebook review, which have no cases yet.
FIX_CASES: dict = {}  # every fixable rule has kind: fix cases now (tests/rules/cases/)
CASE_FIX_TABLES = {c.pytest_id: standard_rows(c) for c in load_cases(strict=False) if c.kind == "fix"}

# Everything at once, overlapping on the same cells: one run of fixes must settle it.
MESSY = variant({
    0: {"level1": "产出 ", "comparator": ">= ", "weight": " 20", "direction": None},
    1: {"comparator": ">=", "target": 100, "measure": "百分比 "},
    2: {"comparator": None, "target": "≥100%", "measure": None, "direction": "正向\n"},
    3: {"level2": "环境效益指标", "measure": "% ", "direction": "正向"},
    4: {"level2": "满意度指标", "target": "９０", "measure": "％"},
}, budget="1,000") + [
    ind(level1="产出指标(50分)", level2="数量指标", name="补充", target="5 ", measure="次", weight=0),
    ind(level2="质量指标", name="验收合格率", comparator=" ≥", target=100, measure="%", weight=1),
    blank_row(level1=None, level2="质量指标 "),
]


def test_every_fixable_rule_has_a_fix_case():
    in_cases = {k.split("-")[0] for k in CASE_FIX_TABLES}
    assert not set(FIX_CASES) & in_cases, "a rule with fix cases needs no FIX_CASES table"
    assert set(FIX_CASES) | in_cases == {r.code for r in RULES if r.fixable}


@pytest.mark.parametrize("code", sorted(FIX_CASES))
def test_fix_is_idempotent(code):
    rows = FIX_CASES[code]
    fixes = [f for f in findings_of(rows) if f.code == code and f.fix]
    assert fixes, f"{code} proposes no fix on its case"
    fixed = apply_fixes(rows, fixes)
    again = [f for f in findings_of(fixed) if f.code == code]
    fixed_cells = {f.fix.cell for f in fixes}
    assert not [f for f in again if f.cell in fixed_cells or (f.fix and f.fix.cell in fixed_cells)]
    assert apply_fixes(fixed, again) == fixed or not [f for f in again if f.fix]


def test_at_most_one_fix_per_cell():
    fixes = [f.fix for f in findings_of(MESSY) if f.fix]
    cells = [x.cell for x in fixes]
    assert len(cells) == len(set(cells)), sorted(cells)


def test_one_run_of_fixes_settles_the_messy_table():
    first = findings_of(MESSY)
    assert len([f for f in first if f.fix]) >= 15
    fixed = apply_fixes(MESSY, first)
    second = [f for f in findings_of(fixed) if f.fix]
    assert second == [], [(f.code, f.cell, f.fix) for f in second]


def test_fix_addresses_point_into_the_data_area():
    for f in findings_of(MESSY):
        if f.fix:
            assert int(re.sub(r"^[A-Z]+", "", f.fix.cell)) >= DATA_ROW0 and f.fix.sheet == "绩效目标表"


# --- every finding can be put back on its cell; absent columns stay silent ---------------

ERROR_TABLES = [MESSY, *FIX_CASES.values(), *CASE_FIX_TABLES.values(),
                variant({0: {"level1": "工作指标", "weight": None}, 1: {"comparator": "≤", "target": "≥95%"},
                         3: {"target": "高中低", "level2": "数量指标"}, 4: {"target": 40}}, goal="短"),
                [ind(name="孤立")] + variant({2: {"budget": 11}}, budget=None)]


@pytest.mark.parametrize("rows", ERROR_TABLES)
def test_every_finding_carries_cell_and_row(rows):
    fs = findings_of(rows)
    assert fs
    for f in fs:
        assert f.cell and f.row, (f.code, f.message)
        assert f.message.startswith(f.cell), (f.code, f.message)


@pytest.mark.parametrize("field", ["unit", "budget", "goal", "level1", "level2", "comparator", "measure", "direction"])
def test_a_missing_optional_column_raises_nothing(field):
    t = build_table(grid_without(good_project("A") + good_project("B"), [field]))
    assert field not in t.columns and len(t.projects) == 2
    fs = check_table(t)
    # only the one note that says which checks needed the column (ST030; without 指标性质 also
    # VL016: the values were read as =), never a finding per row
    assert [(f.code, f.message) for f in fs if f.code not in ("ST030", "VL016")] == []
    assert len([f for f in fs if f.code == "ST030"]) == (1 if field in ("comparator", "direction") else 0)
