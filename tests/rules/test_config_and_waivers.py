"""Configuration (select/ignore/severity/expected total) and 豁免 waivers across the rulebook.

Not cases: these check the engine's configuration and waivers over several rules at once (a
waived finding, a finding of one code ignored while another stays), which a case (one rule's
findings on one table) cannot express. Per-rule settings are in the cases (``settings:``).
"""

from xlperf.core.config import Config

from ..helpers import codes, findings_of
from .util import check, good_project, one, only, row, variant


def waived_rows(rows, waivers: dict[int, str]):
    """Rows with a 豁免 (waiver) cell appended."""
    out = [list(r) + [None] for r in rows]
    for i, w in waivers.items():
        out[i][-1] = w
    return out


def test_WT002_waiver_on_any_row_of_the_project_marks_it_waived():
    rows = waived_rows(variant({0: {"weight": 10}}), {3: "WT002"})
    f = one(findings_of(rows, extra_header=["豁免"]), "WT002")
    assert f.waived is True


def test_VL008_waiver_applies_to_its_row_only():
    rows = waived_rows(variant({0: {"direction": "反向指标"}, 1: {"direction": "反向指标"}}), {0: "VL008"})
    fs = only(findings_of(rows, extra_header=["豁免"]), "VL008")
    assert {f.row: f.waived for f in fs} == {row(0): True, row(1): False}


def test_TX005_waiver_by_family_prefix_and_list():
    rows = waived_rows(good_project()[:4], {0: "VL001、TX"})
    f = one(findings_of(rows, extra_header=["豁免"]), "TX005")
    assert f.waived is True


def test_unwaived_finding_stays_active():
    rows = waived_rows(variant({0: {"weight": 10}}), {3: "VL008"})
    assert one(findings_of(rows, extra_header=["豁免"]), "WT002").waived is False


def test_clean_project_has_no_findings_at_all():
    assert check(good_project()) == []
    assert check(good_project("A") + good_project("B", budget=5)) == []


def test_expected_total_100_flags_90():
    f = one(check(good_project(), Config(expected_total=100)), "WT002")
    assert "90" in f.message and "100" in f.message


def test_severity_override_for_any_rule():
    cfg = Config(severity={"VL008": "warning", "TX005": "error"})
    fs = check(variant({0: {"direction": "反向指标"}}), cfg)
    assert one(fs, "VL008").severity == "warning"
    assert one(check(good_project()[:4], cfg), "TX005").severity == "error"


def test_ignore_by_code_and_family():
    rows = variant({0: {"direction": "反向指标", "weight": 10}})
    assert "VL008" not in codes(check(rows, Config(ignore=["VL008"])))
    assert "WT002" in codes(check(rows, Config(ignore=["VL008"])))
    assert not [c for c in codes(check(rows, Config(ignore=["VL", "WT"])))]


def test_select_by_family():
    rows = variant({0: {"direction": "反向指标", "weight": 10}})
    assert set(codes(check(rows, Config(select=["VL"])))) == {"VL008"}
