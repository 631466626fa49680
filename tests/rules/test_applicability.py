"""Rule applicability: a rule that needs a column the table does not really have is not run,
and ST030 says so once per table."""

from xlperf.core.config import Config
from xlperf.core.engine import check_table
from xlperf.core.rules import all_rules

from ..helpers import codes, findings_of, good_project, table_of


def _blank(rows, *fields_at):
    out = []
    for r in rows:
        r = list(r)
        for c in fields_at:
            r[c] = None
        out.append(r)
    return out


W, D, C = 10, 11, 7  # column index of 权重, 指标方向性, 指标性质 in helpers.HEADER


def test_ST030_empty_weight_column_gives_one_note_not_WT001_per_row():
    rows = _blank(good_project() + good_project("项目B"), W)
    fs = findings_of(rows)
    assert codes(fs, "WT001") == [] and codes(fs, "WT002") == []
    notes = [f for f in fs if f.code == "ST030"]
    assert len(notes) == 1
    n = notes[0]
    assert n.severity == "info" and n.cell == "K3"
    for code in ("WT001", "WT002", "WT003", "WT004"):
        assert code in n.message
    assert "在所有行都为空" in n.message


def test_empty_direction_and_comparator_columns():
    fs = findings_of(_blank(good_project(), D, C))
    assert codes(fs, "VL007") == [] and codes(fs, "VL001") == []
    (n,) = [f for f in fs if f.code == "ST030"]
    assert "指标方向性" in n.message and "VL007" in n.message and "VL001" in n.message
    assert "WT001" not in n.message


def test_one_filled_weight_keeps_the_weight_rules():
    rows = good_project()
    rows = _blank(rows[:-1], W) + rows[-1:]
    fs = findings_of(rows)
    assert len(codes(fs, "WT001")) == 4 and codes(fs, "ST030") == []


def test_table_without_weight_column():
    t = table_of(good_project())
    del t.columns["weight"]
    fs = check_table(t, Config())
    assert codes(fs, "WT001") == [] and codes(fs, "WT002") == []
    (n,) = [f for f in fs if f.code == "ST030"]
    assert "本表没有权重（分值）列" in n.message and n.cell == "A3" and n.row == 3


def test_disabled_rule_is_not_listed_and_note_can_be_ignored():
    rows = _blank(good_project(), W)
    fs = findings_of(rows, config=Config(ignore=["WT003", "WT004"]))
    (n,) = [f for f in fs if f.code == "ST030"]
    assert "WT003" not in n.message and "WT001" in n.message
    assert codes(findings_of(rows, config=Config(ignore=["ST030"])), "ST030") == []


def test_present_fields():
    t = table_of(_blank(good_project(unit="208001-单位"), W))
    got = t.present_fields()
    assert "weight" not in got and {"unit", "project", "budget", "name", "target", "direction"} <= got


def test_weight_rules_declare_their_needs():
    needs = {r.code: r.needs for r in all_rules()}
    for code in ("WT001", "WT002", "WT003", "WT004"):
        assert needs[code] == ("weight",)
    assert needs["VL007"] == ("direction",)
