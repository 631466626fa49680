"""Formula and CSV injection: a clerk's text that looks like a formula comes out of split and
export as inert text — a string cell in xlsx (no ``<f>`` element anywhere), an
apostrophe-prefixed field in CSV — while a real negative number stays a number."""

from __future__ import annotations

import csv
import json
import re
import zipfile
from pathlib import Path

import openpyxl
import pytest

from xlperf.api import check_path
from xlperf.writers.export import write_export
from xlperf.writers.records import HEADERS, write_records
from xlperf.writers.safe_cells import csv_value, harden_sheet, is_risky_text, safe_row, set_cell

from .helpers import grid_of, ind
from .test_split_export import write_grid_xlsx

HYPERLINK = '=HYPERLINK("http://x","y")'
DDE = "=cmd|' /C calc'!A0"
PAYLOADS = [HYPERLINK, DDE, "+1+1", "@SUM(A1)", "-2+3"]
GOAL = DDE


def injected_rows():
    """Payloads in 三级指标, 年度目标 and 指标值 (定性 targets stay text), plus a true -5."""
    return [
        ind(project="注入测试项目", budget=10.0, goal=GOAL, name=HYPERLINK, weight=20),
        ind(level2="质量指标", name="-2+3", comparator="定性", target="+1+1", measure=None, weight=15),
        ind(level2="时效指标", name="@SUM(A1)", comparator="定性", target=HYPERLINK, measure=None, weight=15),
        ind(level1="效益指标", level2="社会效益指标", name="+1+1", comparator="定性", target="@SUM(A1)",
            measure=None, weight=30),
        ind(level1="满意度指标", level2="服务对象满意度指标", name="负数指标", comparator="≤", target=-5,
            measure="次", weight=5, direction="反向指标"),
        ind(level1="满意度指标", level2="服务对象满意度指标", name=DDE, comparator="定性", target="-2+3",
            measure=None, weight=5),
    ]


@pytest.fixture
def injected_file(tmp_path) -> Path:
    return write_grid_xlsx(tmp_path / "注入.xlsx", grid_of(injected_rows(), merges=[(0, 1, 5, 1), (0, 2, 5, 2), (0, 3, 5, 3)]))


EXPECTED = [  # (name, target) per record, as the clerk typed them
    (HYPERLINK, 5.0), ("-2+3", "+1+1"), ("@SUM(A1)", HYPERLINK), ("+1+1", "@SUM(A1)"), ("负数指标", -5.0), (DDE, "-2+3"),
]


def assert_no_formulas(path: Path) -> None:
    with zipfile.ZipFile(path) as z:
        sheets = [n for n in z.namelist() if n.startswith("xl/worksheets/") and n.endswith(".xml")]
        assert sheets
        for n in sheets:
            xml = z.read(n)
            assert not re.search(rb"<f[ >/]", xml), f"formula element in {n}"
        # the payloads are there, as text
        blob = b"".join(z.read(n) for n in sheets) + (z.read("xl/sharedStrings.xml") if "xl/sharedStrings.xml" in z.namelist() else b"")
        assert b"HYPERLINK(&quot;http://x&quot;" in blob or b'HYPERLINK("http://x"' in blob


def test_reader_sees_the_payloads_as_text(injected_file):
    recs = check_path(injected_file).records()
    assert [(r.name, r.target) for r in recs] == EXPECTED
    assert all(r.goal == GOAL for r in recs)


def test_split_csv_neutralises_text_but_not_numbers(injected_file, tmp_path):
    out = tmp_path / "r.csv"
    write_records(check_path(injected_file).records(), out)
    rows = list(csv.reader(out.read_text(encoding="utf-8-sig").splitlines()))
    col = {h: i for i, h in enumerate(HEADERS)}
    body = rows[1:]
    assert [r[col["三级指标"]] for r in body] == ["'" + HYPERLINK, "'-2+3", "'@SUM(A1)", "'+1+1", "负数指标", "'" + DDE]
    assert [r[col["指标值"]] for r in body] == ["5", "'+1+1", "'" + HYPERLINK, "'@SUM(A1)", "-5", "'-2+3"]
    assert all(r[col["年度目标"]] == "'" + DDE for r in body)
    # no field a spreadsheet would evaluate
    for r in body:
        for v in r:
            if v and v[0] in "=+-@\t\r":
                assert re.fullmatch(r"-\d+(\.\d+)?", v), v  # only real negative numbers


def test_split_xlsx_stores_payloads_as_strings(injected_file, tmp_path):
    out = tmp_path / "r.xlsx"
    write_records(check_path(injected_file).records(), out)
    assert_no_formulas(out)
    ws = openpyxl.load_workbook(out)["清洗记录"]
    col = {h: i for i, h in enumerate(HEADERS)}
    rows = list(ws.iter_rows(min_row=2))
    assert [r[col["三级指标"]].value for r in rows] == [n for n, _ in EXPECTED]
    assert all(r[col["三级指标"]].data_type == "s" for r in rows)
    minus5 = rows[4][col["指标值"]]
    assert minus5.value == -5 and minus5.data_type == "n"


def test_split_json_keeps_payloads_verbatim(injected_file, tmp_path):
    out = tmp_path / "r.json"
    write_records(check_path(injected_file).records(), out)
    data = json.loads(out.read_text(encoding="utf-8"))
    assert [(d["name"], d["target"]) for d in data] == EXPECTED


def test_export_stores_payloads_as_strings_and_reads_back(injected_file, tmp_path):
    out = tmp_path / "报送.xlsx"
    before = check_path(injected_file)
    write_export(before, out)
    assert_no_formulas(out)
    wb = openpyxl.load_workbook(out)
    ws = wb["绩效目标表"]
    assert ws["G4"].value == HYPERLINK and ws["G4"].data_type == "s"
    assert ws["D4"].value == DDE and ws["D4"].data_type == "s"
    assert ws["I8"].value == -5 and ws["I8"].data_type == "n"
    after = check_path(out).records()
    assert [(r.name, r.target) for r in after] == EXPECTED
    assert all(r.goal == GOAL for r in after)
    for name in ("清洗记录", "权重合计"):
        for row in wb[name].iter_rows():
            for c in row:
                if isinstance(c.value, str):
                    assert c.data_type == "s", (name, c.coordinate)


def test_cli_split_csv_and_export(injected_file, tmp_path):
    from .test_split_export import run

    r = run("split", injected_file, "-o", tmp_path / "o.csv")
    assert r.returncode == 0, r.stderr
    text = (tmp_path / "o.csv").read_text(encoding="utf-8-sig")
    assert "'=HYPERLINK" in text and "'=cmd|" in text
    r = run("export", injected_file, "-o", tmp_path / "o.xlsx", "--force")
    assert r.returncode == 0, r.stderr
    assert_no_formulas(tmp_path / "o.xlsx")


# --- the primitives -------------------------------------------------------------------


@pytest.mark.parametrize("text", PAYLOADS + ["\tx", "\rx", "=1", "-x"])
def test_csv_value_neutralises_every_trigger(text):
    assert is_risky_text(text)
    assert csv_value(text) == "'" + text


@pytest.mark.parametrize("value, expected", [(-5.0, "-5"), (-5, "-5"), (2.5, "2.5"), (-0.125, "-0.125"), (1e-7, "1e-07"),
                                             (None, ""), ("普通文字", "普通文字"), ("a=b", "a=b"), (float("nan"), "")])
def test_csv_value_numbers_and_plain_text(value, expected):
    assert csv_value(value) == expected


def test_set_cell_and_harden_sheet_defeat_openpyxl_formula_guess(tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    set_cell(ws["A1"], HYPERLINK)
    set_cell(ws["A2"], "#N/A")  # would otherwise become an error cell
    ws["A3"] = DDE  # a careless direct assignment ...
    assert ws["A3"].data_type == "f"
    assert harden_sheet(ws) == 1  # ... is caught by the sweep
    ws.append(safe_row(ws, ["=1+1", "#DIV/0!", -5, "x\x01y"]))
    wb.save(tmp_path / "t.xlsx")
    assert_no_formulas_of = tmp_path / "t.xlsx"
    with zipfile.ZipFile(assert_no_formulas_of) as z:
        xml = z.read("xl/worksheets/sheet1.xml")
    assert b"<f" not in xml and b't="e"' not in xml
    back = openpyxl.load_workbook(tmp_path / "t.xlsx").active
    assert [c.value for c in back[4]] == ["=1+1", "#DIV/0!", -5, "xy"]
    assert back["A1"].value == HYPERLINK and back["A2"].value == "#N/A"
