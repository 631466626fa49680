"""The JSON report's written, versioned contract (issue 10 §2): docs/report.schema.json, docs/report.md,
message / message_en, scope, schema_version, ``xlperf schema``, ``--lang en``."""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

import openpyxl
import pytest
from typer.testing import CliRunner

from xlperf.api import check_path, sample_path, sample_text_path
from xlperf.cli.app import app
from xlperf.core.report import SCHEMA_VERSION
from xlperf.core.rules import all_rules
from xlperf.cli.schema import report_schema, schema_text

from .conftest import JSON_COPIES, SCHEMA_PATH, schema_errors

ROOT = Path(__file__).resolve().parent.parent
GLOSS = re.compile(r"（[A-Za-z][^（）]*）$")  # "…（weights do not add up）": the English moved out
CJK = re.compile(r"[\u4e00-\u9fff]")


def cli(*args) -> tuple[int, str, str]:
    r = CliRunner().invoke(app, [*map(str, args)])
    return r.exit_code, r.stdout, r.stderr


def test_committed_schema_is_up_to_date():
    assert SCHEMA_PATH.read_text(encoding="utf-8") == schema_text(), \
        "docs/report.schema.json is stale: run `xlperf schema > docs/report.schema.json`"


def test_schema_command_prints_it():
    code, out, _ = cli("schema")
    assert code == 0 and json.loads(out) == report_schema()


def test_schema_is_a_valid_2020_12_schema_for_both_shapes(report_validator):
    schema = report_schema()
    assert {"Report", "BatchReport", "Finding", "ProjectSummary", "Summary", "FileResult"} <= set(schema["$defs"])
    finding = schema["$defs"]["Finding"]
    assert finding["additionalProperties"] is False
    assert {"code", "severity", "sheet", "cell", "row", "scope", "project", "message", "message_en",
            "source"} <= set(finding["required"])
    project = schema["$defs"]["ProjectSummary"]["properties"]
    assert list(project)[:14] == ["sheet", "row", "unit", "name", "budget", "budget_text", "indicator_count",
                                  "weights", "weight_total", "expected", "weight_ok", "errors", "warnings", "status"]


def test_the_validator_really_rejects_a_broken_report(report_validator):
    data = check_path(sample_path()).report.model_dump(mode="json")
    assert schema_errors(report_validator, data) == []
    broken = json.loads(json.dumps(data))
    del broken["findings"][0]["message_en"]
    broken["findings"][1]["severity"] = "fatal"
    broken["projects"][0]["colour"] = "red"
    broken["schema_version"] = "2.0"
    errors = schema_errors(report_validator, broken)
    assert len(errors) >= 4, errors


def test_every_cli_json_goes_through_the_schema_hook():
    """The conftest hook sees the CLI's JSON (a copy in $XLPERF_JSON_COPY_DIR) and validates it."""
    assert os.environ["XLPERF_JSON_COPY_DIR"] == str(JSON_COPIES)
    before = len(os.listdir(JSON_COPIES))
    code, out, _ = cli("check", sample_path(), "--format", "json")
    assert code == 1 and json.loads(out)["schema_version"] == SCHEMA_VERSION
    assert len(os.listdir(JSON_COPIES)) == before + 1  # validated (and removed) after this test


def test_batch_json_has_the_version_and_validates(tmp_path, report_validator):
    for name in ("a.xlsx", "b.xlsx"):
        (tmp_path / name).write_bytes(sample_path().read_bytes())
    (tmp_path / "broken.xlsx").write_bytes(b"not a workbook")
    code, out, _ = cli("check", tmp_path, "--format", "json", "--jobs", "1")
    data = json.loads(out)
    assert data["schema_version"] == SCHEMA_VERSION and schema_errors(report_validator, data) == []


# --- findings: every one located, in Chinese and English ------------------------------------------------

def all_findings(path: Path, **kw):
    return check_path(path, **kw).report.findings


@pytest.mark.parametrize("path", [sample_path(), sample_text_path()], ids=["xlsx", "text"])
def test_every_finding_has_place_and_both_languages(path):
    fs = all_findings(path)
    assert fs
    for f in fs:
        assert f.code and f.severity and f.sheet and f.cell and f.row, f
        assert f.message and f.message_en, f
        assert not GLOSS.search(f.message), f.message  # the English is in message_en, not appended
        assert not CJK.search(f.message_en.replace("定性", "")), f.message_en
    # the sample's 导入记录 sheet kept "Chinese（English）": read back, the English is split off again
    st007 = [f for f in fs if f.code == "ST007"]
    assert st007 and {f.message_en for f in st007} == {"shifted cells"}


def test_rules_have_message_en_and_no_gloss_in_their_templates():
    for r in all_rules():
        assert r.message_en.strip(), r.code
        assert not GLOSS.search(r.message), r.code


def test_table_level_findings_point_at_header_or_title_and_say_so(tmp_path):
    wb = openpyxl.Workbook()
    wb.active.title = "Sheet1"
    wb.active.append(["随便", "什么"])
    wb.save(tmp_path / "nohead.xlsx")
    (f,) = all_findings(tmp_path / "nohead.xlsx")
    assert (f.code, f.cell, f.row, f.scope) == ("ST001", "A1", 1, "table")
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "绩效目标表"
    ws.append(["部门预算项目绩效目标申报表"])
    ws.append(["单位名称", "项目名称", "预算数", "年度目标", "一级指标", "二级指标", "三级指标", "指标性质", "指标值",
               "度量单位", "权重", "指标方向性"])
    wb.save(tmp_path / "empty.xlsx")
    (f,) = all_findings(tmp_path / "empty.xlsx")
    assert (f.code, f.row, f.scope) == ("ST013", 2, "table") and f.cell.endswith("2")
    assert f.project is None and f.source is None


def test_report_md_documents_every_field():
    doc = (ROOT / "docs" / "report.md").read_text(encoding="utf-8")
    defs = report_schema()["$defs"]
    for model in ("Report", "Finding", "Fix", "ProjectSummary", "Summary", "BatchReport", "FileResult",
                  "BatchSummary", "WorstFinding", "Funds", "FundLine", "Costs", "CostLine"):
        for field in defs[model]["properties"]:
            assert f"`{field}`" in doc or f".{field}`" in doc or f"`{field}," in doc or f", {field}`" in doc \
                or f" {field}`" in doc, f"{model}.{field} is not in docs/report.md"


# --- the text report ---------------------------------------------------------------------------------

def test_text_report_drops_the_gloss_and_lang_en_shows_it():
    # --all: one line per finding (the default report folds a rule's findings into one line)
    code, zh, _ = cli("check", sample_path(), "--all")
    assert code == 1 and "K36 项目“扫黑除恶斗争工作经费”的权重合计为80，应为90（相差-10）\n" in zh
    assert "weights do not add up" not in zh
    code, en, _ = cli("check", sample_path(), "--all", "--lang", "en")
    assert "应为90（相差-10）（weights do not add up）" in en
    # nothing else differs
    strip = re.compile(r"（[A-Za-z][^（）]*）$", re.M)
    assert strip.sub("", en) == zh
