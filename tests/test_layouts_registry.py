"""The layout-reader registry: every table says which reader read it and why."""

import pytest

from xlperf.api import check_path, sample_path
from xlperf.core.grid import Grid
from xlperf.core.layouts import choose, layout_names, read_grid

from .helpers import grid_of, good_project


def test_list_reader_is_registered_first():
    assert layout_names()[0] == "list"


def test_sample_is_read_as_a_list_and_says_why():
    res = check_path(sample_path())
    assert {t.layout for t in res.tables} == {"list"}
    assert all("表头" in t.layout_reason for t in res.tables)
    assert {p.layout for p in res.report.projects} == {"list"}
    assert res.report.summary.layouts == {"list": len(res.tables)}
    assert all(p.layout_reason for p in res.report.projects)


def test_a_grid_without_header_fits_no_reader_and_says_so():
    reader, fit = choose(Grid("S", [["一段说明文字"], ["另一段"]]))
    assert fit.score == 0.0 and "未找到" in fit.reason


def test_forced_layout_is_said_in_the_reason():
    tables = read_grid(grid_of(good_project()), forced="list")
    assert tables[0].layout == "list" and "--layout list" in tables[0].layout_reason


def test_unknown_forced_layout_is_a_key_error():
    with pytest.raises(KeyError):
        choose(grid_of(good_project()), forced="nope")
