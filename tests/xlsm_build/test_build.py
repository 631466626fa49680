"""The workbook build: reproducible, committed output up to date, CLI entry point."""

from __future__ import annotations

import hashlib

from typer.testing import CliRunner

from xlperf.cli.app import app
from tools.xlsm.build import DEFAULT_OUTPUT, BuildError, build_workbook, build_workbook_bytes, vba_modules
from tools.xlsm.sheets import SHEETS

import pytest

from .conftest import copy_vba_sources


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def test_two_builds_give_the_same_bytes(built):
    assert sha(build_workbook_bytes()) == sha(built)


def test_committed_workbook_is_up_to_date(built):
    assert DEFAULT_OUTPUT.is_file(), "run: xlperf build-workbook -o workbook/PerfTemplate.xlsm"
    assert sha(DEFAULT_OUTPUT.read_bytes()) == sha(built), (
        "workbook/PerfTemplate.xlsm is stale: run `xlperf build-workbook -o workbook/PerfTemplate.xlsm` and commit it"
    )


def test_build_is_quick_and_small(build):
    data, seconds = build
    assert seconds < 15
    assert 20_000 < len(data) < 500_000


def test_cli_writes_the_same_bytes(tmp_path, built):
    out = tmp_path / "PerfTemplate.xlsm"
    result = CliRunner().invoke(app, ["build-workbook", "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert sha(out.read_bytes()) == sha(built)


def test_refuses_a_non_xlsm_output(tmp_path):
    with pytest.raises(BuildError):
        build_workbook(tmp_path / "PerfTemplate.xlsx")


def test_module_order_and_kinds():
    modules = vba_modules()
    documents = ["ThisWorkbook", *(spec.code_name for spec in SHEETS)]  # in tab order
    assert [m.name for m in modules][:len(documents)] == documents
    assert sorted(documents[1:]) == [f"Sheet{i}" for i in range(1, 10)]
    kinds = {m.name: m.kind for m in modules}
    assert {n for n, k in kinds.items() if k == "document"} == set(documents)
    assert kinds["RibbonPerf"] == kinds["xlwings"] == kinds["xlwings_udfs"] == "standard"


def test_rejects_gbk_sources(tmp_path):
    vba = copy_vba_sources(tmp_path)
    (vba / "RibbonPerf.bas").write_bytes((vba / "RibbonPerf.bas").read_bytes().decode("utf-8").encode("gbk"))
    with pytest.raises(BuildError, match="not UTF-8"):
        vba_modules(vba)
