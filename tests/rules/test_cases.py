"""Every rule's cases (tests/rules/cases/<CODE>.yaml), run by one parametrised test.

``pytest -k VL008`` runs one rule's cases; the format is described in case_runner.py.
"""

import json

import pytest

from xlperf.core.rules import all_rules
from xlperf.core.rules.registry import EXAMPLE_SECTIONS

from .case_runner import EXAMPLES_JSON, case_files, examples_json, load_cases, load_file, run_case

CASES = load_cases(strict=False)
RULES = {r.code: r for r in all_rules()}

# Rules without a case file, and why. Each must still be tested by an ordinary pytest test
# named by its code (checked below).
NO_CASES = {
    "ST008": "raised only by the PDF-text importer (readers/text.py) when page-break rows are moved "
             "between projects; a sheet grid never produces it (tests/test_pdftext.py covers it)",
    **{c: "raised by the file reader (readers/source.py) from the file itself (values under a merge, overlapping "
          "merges, cells over 32,767 characters); a grid never holds them (tests/test_trust.py covers each code)"
       for c in ("ST018", "ST019", "ST020")},
    **{c: "raised by --against comparing two files (core/compare.py); one grid never produces it "
          "(tests/test_against.py covers each code)" for c in RULES if c.startswith("SE") and int(c[2:]) >= 50},
    "WT006": "needs a total the table states in a banner or a form's label (绩效指标(90分)); the readers record "
             "it only from forms, whose grids are too long for a case (tests/rules/test_layoutfit.py covers it)",
}
# Pending another branch's rewrite: their pytest tests stay, their docstrings keep 反例/正例, and their
# case files mark nothing doc: true. (Empty since issue 17, the rulebook, rewrote the twelve rules.)
PENDING: tuple[str, ...] = ()
# Self-evaluation rules: their cases are whole forms (grids of ~17 rows) and the docs would show
# every row; until the runner can show part of a grid, their docstrings keep short 反例/正例 and no
# case is marked doc: true (tests/rules/test_self_evaluation.py tests each code too).
FORM_GRIDS = tuple(c for c in RULES if c.startswith("SE") and int(c[2:]) < 50)
EXEMPT = {**NO_CASES, **{code: "pending rulebook review" for code in PENDING},
          **{code: "self-evaluation: whole-form grid cases" for code in FORM_GRIDS}}


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.pytest_id)
def test_case(case):
    run_case(case)


@pytest.mark.parametrize("path", case_files(), ids=lambda p: p.stem)
def test_case_file_follows_the_format(path):
    assert load_file(path)


def test_every_case_file_names_a_registered_rule():
    assert [p.stem for p in case_files() if p.stem not in RULES] == []


@pytest.mark.parametrize("code", sorted(RULES))
def test_every_rule_has_passing_and_failing_cases(code):
    kinds = {c.kind for c in CASES if c.code == code}
    if code in NO_CASES:
        assert not kinds, f"{code} has no cases ({NO_CASES[code]}) but now has some: drop it from NO_CASES"
        return
    assert {"pass", "fail"} <= kinds, f"{code}: tests/rules/cases/{code}.yaml needs a pass and a fail case"
    if RULES[code].fixable and code not in PENDING:  # pending: test_registry.FIX_CASES
        assert "fix" in kinds, f"{code} is fixable: add a fix case"


@pytest.mark.parametrize("code", sorted(RULES))
def test_docs_show_the_cases_marked_doc(code):
    """反例/正例 come from doc cases, or (exempt rules only) from the docstring, never both."""
    r = RULES[code]
    docs = [c for c in CASES if c.code == code and c.doc]
    in_docstring = [s for s in EXAMPLE_SECTIONS if f"\n{s}：" in "\n" + r.docstring]
    if code in EXEMPT:
        assert in_docstring == list(EXAMPLE_SECTIONS), f"{code}: an exempt rule keeps 反例/正例 in its docstring"
        assert docs == [], f"{code}: an exempt rule's 反例/正例 are its docstring's; mark no case doc: true"
        return
    assert in_docstring == [], f"{code}: 反例/正例 come from the cases marked doc: true, not the docstring"
    assert any(c.kind == "fail" for c in docs), f"{code}: mark a fail case doc: true (反例)"
    assert any(c.kind != "fail" for c in docs), f"{code}: mark a pass or fix case doc: true (正例)"


def test_exempt_rules_are_still_tested_by_code():
    import re
    from pathlib import Path

    sources = "\n".join(p.read_text(encoding="utf-8") for p in Path(__file__).resolve().parents[1].rglob("test_*.py"))
    for code in EXEMPT:
        assert re.search(rf"def test_\w*{code}\w*\(", sources), f"no test_…{code}… under tests/"


def test_rule_examples_json_is_fresh():
    assert json.loads(EXAMPLES_JSON.read_text(encoding="utf-8")) == json.loads(examples_json()), \
        f"{EXAMPLES_JSON.name} is stale: run `python -m tests.rules.case_runner`"
