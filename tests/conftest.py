"""Shared test set-up: hypothesis profiles (default: modest; --hypothesis-profile=deep goes further)."""

from __future__ import annotations

from hypothesis import HealthCheck, settings

settings.register_profile("default", max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.register_profile("deep", max_examples=1000, deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.load_profile("default")


# --- every JSON report the command line writes in this suite follows docs/report.schema.json --------
# The CLI puts a copy of each JSON report it writes into $XLPERF_JSON_COPY_DIR (xlperf.cli.app.write_json);
# subprocesses and in-process CliRunner calls alike. After each test, the copies it made are validated,
# so a report that breaks the contract fails the test that produced it.

import atexit  # noqa: E402
import json  # noqa: E402
import os  # noqa: E402
import shutil  # noqa: E402
import tempfile  # noqa: E402
from pathlib import Path  # noqa: E402

import pytest  # noqa: E402

JSON_COPIES = Path(tempfile.mkdtemp(prefix="xlperf-json-copies-"))
os.environ["XLPERF_JSON_COPY_DIR"] = str(JSON_COPIES)
atexit.register(shutil.rmtree, JSON_COPIES, True)
SCHEMA_PATH = Path(__file__).resolve().parent.parent / "docs" / "report.schema.json"
VALIDATED = {"reports": 0}


@pytest.fixture(scope="session")
def report_validator():
    import jsonschema

    schema = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema)


def schema_errors(validator, data) -> list[str]:
    """Why ``data`` does not follow the schema ([] when it does). A failure is explained against
    the shape it was meant to have (a batch when it has ``files``), not as "none of anyOf"."""
    import jsonschema

    if validator.is_valid(data):
        return []
    shape = "BatchReport" if isinstance(data, dict) and "files" in data else "Report"
    branch = jsonschema.Draft202012Validator({"$defs": validator.schema["$defs"], "$ref": f"#/$defs/{shape}"})
    errors = list(branch.iter_errors(data)) or list(validator.iter_errors(data))
    return [f"{'/'.join(map(str, e.absolute_path))}: {e.message[:300]}" for e in errors]


@pytest.fixture(autouse=True)
def _cli_json_follows_the_schema(request):
    yield
    # every copy not yet validated: this test's, and those a module- or session-scoped fixture
    # made before it (the robustness corpus runs the CLI once per module)
    new = sorted(os.listdir(JSON_COPIES))
    if not new:
        return
    validator = request.getfixturevalue("report_validator")
    problems = []
    for name in new:
        path = JSON_COPIES / name
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except ValueError as e:
            problems.append(f"{name}: not JSON ({e})")
            continue
        finally:
            path.unlink(missing_ok=True)
        VALIDATED["reports"] += 1
        problems.extend(f"{name}: {p}" for p in schema_errors(validator, data))
    assert not problems, "JSON written by the CLI does not follow docs/report.schema.json:\n" + "\n".join(problems[:20])


def pytest_terminal_summary(terminalreporter):
    if VALIDATED["reports"]:
        terminalreporter.write_line(f"xlperf: {VALIDATED['reports']} JSON reports written by the CLI validated "
                                    "against docs/report.schema.json")
