"""Settings are resolved before anything is read, by one function from one parser (issue 10 §1)."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import openpyxl
import pytest
from typer.testing import CliRunner

from xlperf.api import check_path, sample_path, sample_text_path
from xlperf.cli.app import app
from xlperf.core.config import Config, ConfigError, PendingSettings, resolve_settings

from .test_batch import book


def cli(*args) -> tuple[int, str, str]:
    r = CliRunner().invoke(app, [*map(str, args)])
    assert r.exception is None or isinstance(r.exception, SystemExit), r.exception
    return r.exit_code, r.stdout, r.stderr


def st008_cells(report: dict) -> list[str]:
    return [f["cell"] for f in report["findings"] if f["code"] == "ST008"]


@pytest.fixture
def text_beside(tmp_path: Path) -> Path:
    p = tmp_path / "sample.txt"
    shutil.copy(sample_text_path(), p)
    return p


def with_config_sheet(path: Path, rows: list[list]) -> Path:
    """The real sample table with a 配置 sheet holding ``rows``."""
    return book(path, rows)


# --- the text importer gets the settings -------------------------------------------------------------

def test_text_importer_honours_the_xlperf_toml_beside_the_text(text_beside):
    code, out, _ = cli("check", text_beside, "--format", "json")
    default = json.loads(out)
    assert st008_cells(default)[0] == "B50"
    (text_beside.parent / "xlperf.toml").write_text("expected_total = 100\n", encoding="utf-8")
    code, out, _ = cli("check", text_beside, "--format", "json")
    hundred = json.loads(out)
    # told 100, the importer attaches the page-break row to the other project (reading with its
    # default 90 and judging with 100 gave B50 and 116 findings)
    assert hundred["summary"]["expected_total"] == 100
    # 166 since issues 16–17 (117 before): the review checks and the stricter VL012/TX007 add 48, TX010 one (G92)
    assert st008_cells(hundred)[0] == "B51" and len(hundred["findings"]) == 166


def test_text_importer_honours_expected_total_flag_and_config(text_beside, tmp_path):
    _, out, _ = cli("check", text_beside, "--format", "json", "--expected-total", "100")
    assert st008_cells(json.loads(out))[0] == "B51"
    cfg = tmp_path / "bureau.toml"
    cfg.write_text("[xlperf]\nexpected_total = 100\n", encoding="utf-8")
    _, out, _ = cli("check", text_beside, "--format", "json", "--config", cfg)
    assert st008_cells(json.loads(out))[0] == "B51"
    # flags win over --config
    _, out, _ = cli("check", text_beside, "--format", "json", "--config", cfg, "--expected-total", "90")
    assert st008_cells(json.loads(out))[0] == "B50"


def test_import_text_command_and_marks_use_the_same_settings(text_beside, tmp_path):
    out = tmp_path / "imported.xlsx"
    code, _, err = cli("import-text", text_beside, "-o", out, "--expected-total", "100")
    assert code == 0, err
    log = [r for r in openpyxl.load_workbook(out)["导入记录"].iter_rows(values_only=True) if r[0] == "ST008"]
    assert log[0][2] == "B51"
    # --mark re-imports the text for the marked copy: with the check's settings, not the defaults
    marked = tmp_path / "marked.xlsx"
    code, _, err = cli("check", text_beside, "--expected-total", "100", "--mark", marked)
    assert code in (0, 1), err
    wb = openpyxl.load_workbook(marked)
    log = [r for r in wb["导入记录"].iter_rows(values_only=True) if r[0] == "ST008"]
    assert log[0][2] == "B51"  # the sheet the marks are on is the one the findings were made on
    results = [r for r in wb["校验结果"].iter_rows(values_only=True) if r[1] == "ST008"]
    assert '"B51")' in results[0][2]


def test_the_batch_imports_each_text_with_its_own_settings(text_beside, tmp_path):
    other = tmp_path / "sub" / "sample.txt"
    other.parent.mkdir()
    shutil.copy(sample_text_path(), other)
    (other.parent / "xlperf.toml").write_text("expected_total = 100\n", encoding="utf-8")
    _, out, _ = cli("check", tmp_path, "--format", "json", "--jobs", "1")
    by_file = {Path(f["file"]).parent.name: f for f in json.loads(out)["files"]}
    assert by_file["sub"]["expected_total"] == 100 and by_file[tmp_path.name]["expected_total"] == 90
    single = json.loads(cli("check", other, "--format", "json")[1])
    assert by_file["sub"]["errors"] == single["summary"]["errors"]
    assert by_file["sub"]["warnings"] == single["summary"]["warnings"]


# --- one resolution, one parser, one open ------------------------------------------------------------

def test_precedence_flags_config_sheet_toml_defaults(tmp_path):
    book = tmp_path / "book.xlsx"
    assert resolve_settings(book).expected_total == 90  # defaults
    (tmp_path / "xlperf.toml").write_text("expected_total = 100\ntolerance = 0.5\n", encoding="utf-8")
    assert resolve_settings(book).expected_total == 100  # toml beside the file
    sheet = [["期望权重合计", 80]]
    cfg = resolve_settings(book, sheet_rows=sheet)
    assert (cfg.expected_total, cfg.tolerance) == (80, 0.5)  # the sheet over the toml, key by key
    bureau = tmp_path / "bureau.toml"
    bureau.write_text("expected_total = 70\n", encoding="utf-8")
    cfg = resolve_settings(book, config_path=bureau, sheet_rows=sheet)
    assert (cfg.expected_total, cfg.tolerance) == (70, 0.01)  # --config is the whole configuration
    assert resolve_settings(book, config_path=bureau, sheet_rows=sheet,
                            overrides={"expected_total": 95}).expected_total == 95  # flags on top
    assert not PendingSettings(book, config_path=bureau).needs_sheet


def test_the_workbook_is_opened_once_and_its_config_sheet_read_before_the_data(tmp_path, monkeypatch):
    import xlperf.readers.source as read

    book = with_config_sheet(tmp_path / "book.xlsx", [["期望权重合计", 80]])
    opened: list[str] = []
    real_open = read.open_calamine
    monkeypatch.setattr(read, "open_calamine", lambda p: opened.append(str(p)) or real_open(p))
    order: list[str] = []
    real_resolve, real_sheet = PendingSettings.resolve, read._read_sheet
    monkeypatch.setattr(PendingSettings, "resolve", lambda self, rows=None: order.append("settings") or real_resolve(self, rows))
    monkeypatch.setattr(read, "_read_sheet", lambda *a: order.append("sheet") or real_sheet(*a))
    result = check_path(book)
    assert result.config.expected_total == 80 and result.report.summary.expected_total == 80
    assert opened == [str(book)]
    assert order[0] == "settings" and "sheet" in order


def test_api_and_core_do_not_parse_settings_in_the_excel_adapter():
    code = ("import sys, xlperf.api, xlperf.cli.batch, xlperf.cli; "
            "print('xlperf.excel.settings' in sys.modules, 'xlperf.excel' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.split() == ["False", "False"]
    src = (Path(__file__).resolve().parent.parent / "xlperf" / "excel" / "settings.py").read_text(encoding="utf-8")
    assert "tomllib" not in src and "def " not in src  # only the names the Excel side imports


# --- bad settings: exit 2, the key named, Chinese and English, never a traceback -------------------

BAD_FLAGS = ["nan", "inf", "1e309", "-5", "0"]


@pytest.mark.parametrize("value", BAD_FLAGS)
def test_bad_expected_total_flag_exit_2(value, text_beside):
    code, _, err = cli("check", text_beside, f"--expected-total={value}")
    assert code == 2 and "expected_total" in err and "期望权重合计" in err and "Traceback" not in err


def test_bad_expected_total_flag_in_batch_exit_2(text_beside):
    code, _, err = cli("check", text_beside.parent, "--expected-total=nan")
    assert code == 2 and "expected_total" in err


@pytest.mark.parametrize("toml,key", [
    ("expected_total = nan\n", "expected_total"),
    ("expected_total = inf\n", "expected_total"),
    ("expected_total = 1e309\n", "expected_total"),
    ("expected_total = -90\n", "expected_total"),
    ("tolerance = -0.5\n", "tolerance"),
    ("satisfaction_min = -1\n", "satisfaction_min"),
    ("expected_totl = 100\n", "expected_totl"),
    ("[xlperf]\nexpected_total = 100\ncolour = 'red'\n", "colour"),
    ("[xlperf.shares]\n'产出' = 50\n", "shares"),
    ("[xlperf.severity]\nWT002 = 'fatal'\n", "severity"),
])
def test_bad_xlperf_toml_exit_2_naming_the_key(toml, key, text_beside, tmp_path):
    (text_beside.parent / "xlperf.toml").write_text(toml, encoding="utf-8")
    code, _, err = cli("check", text_beside)
    assert code == 2 and key in err and "配置无效" in err and "invalid configuration" in err, err
    assert "Traceback" not in err
    cfg = tmp_path / "as_config.toml"
    cfg.write_text(toml, encoding="utf-8")
    code, _, err = cli("check", sample_path(), "--config", cfg)
    assert code == 2 and key in err


def inf_cell_book(path: Path) -> Path:
    """A 配置 value stored as the number 1E+309 (inf once read), written into the XML directly."""
    tmp = with_config_sheet(path.with_name("tmp.xlsx"), [["期望权重合计", 12345]])
    with zipfile.ZipFile(tmp) as zin, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            data = zin.read(info.filename)
            if info.filename.startswith("xl/worksheets/"):
                data = data.replace(b"<v>12345</v>", b"<v>1E+309</v>")
            zout.writestr(info, data)
    tmp.unlink()
    return path


@pytest.mark.parametrize("value,words", [("九十", "不是数字"), ("1e309", "有限"), ("nan", "不是数字"), (-5, "必须大于"),
                                         (None, "有限")])
def test_bad_config_sheet_value_exit_2(value, words, tmp_path):
    book = inf_cell_book(tmp_path / "b.xlsx") if value is None else with_config_sheet(tmp_path / "b.xlsx", [["期望权重合计", value]])
    code, _, err = cli("check", book)
    assert code == 2 and "期望权重合计" in err and "expected_total" in err and words in err, err
    assert "Traceback" not in err
    # the batch reports it for that file, word for word
    _, out, _ = cli("check", tmp_path, "--format", "json")
    entry = json.loads(out)["files"][0]
    assert entry["readable"] is False and "错误：" + entry["error"] in err


def test_config_model_refuses_non_finite_and_unknown():
    for bad in ({"expected_total": float("nan")}, {"tolerance": float("inf")}, {"colour": 1},
                {"shares": {"产出指标": float("nan")}}, {"goal_min_length": -1}):
        with pytest.raises(ValueError):
            Config(**bad)
    with pytest.raises(ConfigError) as e:
        resolve_settings(None, overrides={"expected_total": float("inf")})
    assert "expected_total" in str(e.value) and "命令行" in str(e.value)
