"""``xlperf build-workbook`` needs the builder of a source checkout (tools/xlsm/), which is not
installed with the package: without one the command says so in Chinese, with exit code 2."""

from __future__ import annotations

import pytest
import typer

from xlperf.cli import app as cli_app


def test_build_workbook_outside_a_checkout_says_so_in_chinese(tmp_path, capsys):
    with pytest.raises(typer.Exit) as e:
        cli_app._workbook_builder(tmp_path)
    assert e.value.exit_code == 2
    err = capsys.readouterr().err
    assert "源码" in err and "tools/xlsm" in err


def test_build_workbook_in_a_checkout_finds_the_builder():
    build = cli_app._workbook_builder()
    assert build.__module__ == "tools.xlsm.build"
