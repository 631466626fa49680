"""The JSON contract of ``xlperf check --format json``, as a JSON Schema made from the models.

``docs/report.schema.json`` is this schema (``xlperf schema`` prints it; a test checks the
committed file is up to date). One schema covers both shapes: a single file's
:class:`~xlperf.core.report.Report` and a batch's :class:`~xlperf.cli.batch.BatchReport`.
"""

from __future__ import annotations

import json
from typing import Any, Union

SCHEMA_ID = "https://github.com/xlperf/xlperf/blob/main/docs/report.schema.json"


def report_schema() -> dict[str, Any]:
    from pydantic import TypeAdapter

    from .batch import BatchReport
    from ..core.report import SCHEMA_VERSION, Report

    body = TypeAdapter(Union[Report, BatchReport]).json_schema(mode="serialization")
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": SCHEMA_ID,
        "title": f"xlperf report {SCHEMA_VERSION}",
        "description": ("The JSON of `xlperf check --format json`: one file's report, or a batch's "
                        "(a folder or several files). Conventions: docs/report.md."),
        **body,
    }


def schema_text() -> str:
    return json.dumps(report_schema(), ensure_ascii=False, indent=2) + "\n"
