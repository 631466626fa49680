"""core.report.report_json_bytes: the same bytes as pydantic's model_dump_json(indent=2), by the
plain path (no schema) where every value is of its field's type, by pydantic otherwise."""

from __future__ import annotations

import math

import pytest

from xlperf.api import check_path, sample_path
from xlperf.core import report as R
from xlperf.core.model import Finding, Fix, FundLine, Funds, built


def _pydantic(report) -> bytes:
    return report.model_dump_json(indent=2).encode("utf-8")


def _plain_taken(report) -> bool:
    try:
        R._models(R.Report, [report])
    except R._Unplain:
        return False
    return True


@pytest.fixture(scope="module")
def sample_report():
    return check_path(sample_path()).report


def test_sample_same_bytes_by_the_plain_path(sample_report):
    assert _plain_taken(sample_report)
    assert R.report_json_bytes(sample_report) == _pydantic(sample_report)


def _with(report, **changes):
    return report.model_copy(update=changes)


def _project(report, **changes):
    return _with(report, projects=[report.projects[0].model_copy(update=changes)] + report.projects[1:])


@pytest.mark.parametrize("changes, plain", [
    ({"weight_total": 90}, True),  # an int in a float field: 90.0, as pydantic writes it
    ({"weight_total": True}, True),
    ({"budget": 3}, True),  # Optional[float]
    ({"weights": {"产出指标": 50, "效益指标": 30.5}}, True),  # dict[str, float]
    ({"weight_total": math.nan, "budget": math.inf}, True),  # null, as pydantic writes them
    ({"funds": built(Funds, total=5, lines=[built(FundLine, label="财政拨款", amount=5, raw={"a": [1, 2.5]})])}, True),
    ({"name": 5}, False),  # not a str: pydantic (with its warning) decides
    ({"weights": {"产出指标": "50"}}, False),
    ({"row": 3.0}, False),
    ({"row": True}, False),
])
def test_values_off_their_type(sample_report, changes, plain, recwarn):
    rep = _project(sample_report, **changes)
    assert _plain_taken(rep) is plain
    assert R.report_json_bytes(rep) == _pydantic(rep)


def test_a_subclass_a_tuple_an_extra_or_missing_key_go_to_pydantic(sample_report, recwarn):
    class Sub(str):
        pass

    f0 = sample_report.findings[0]
    odd = [
        _with(sample_report, sheets=tuple(sample_report.sheets)),
        _with(sample_report, findings=[f0.model_copy(update={"message": Sub("x")})]),
    ]
    extra = f0.model_copy()
    object.__setattr__(extra, "__dict__", {**f0.__dict__, "bogus": 1})
    missing = f0.model_copy()
    object.__setattr__(missing, "__dict__", {k: v for k, v in f0.__dict__.items() if k != "project"})
    odd += [_with(sample_report, findings=[extra]), _with(sample_report, findings=[missing])]
    for rep in odd:
        assert not _plain_taken(rep)
        assert R.report_json_bytes(rep) == _pydantic(rep)


def test_the_field_order_is_the_instances_own(sample_report):
    f = Finding(code="ST001", slug="x", severity="error", message="m",
                fix=Fix(sheet="S", cell="A1", old=1, new=2.5))
    g = built(Finding, message="m", code="ST001", severity="warning", slug="x")
    rep = _with(sample_report, findings=[f, g])
    assert _plain_taken(rep)
    assert R.report_json_bytes(rep) == _pydantic(rep)


def test_write_json_writes_the_same_text(sample_report, capsys):
    from xlperf.cli.app import write_json

    write_json(sample_report)
    assert capsys.readouterr().out == sample_report.model_dump_json(indent=2) + "\n"
