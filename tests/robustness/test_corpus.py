"""The bad-input corpus through the real command line.

Every file of ``make_corpus.CASES`` goes through the real CLI, each run a child process under a
2 GB address-space limit: an unreadable file through one writing command (check --mark, split
or export --force, in turn: the same sentence as plain ``check``, and proof that nothing is
written); a readable one through ``xlperf check --format json`` and, for most, a writing
command too. For each run: the exact exit code, the message
(unreadable input) or the findings (readable but wrong input), no traceback, under 20 s, under
512 MB peak memory, and no file left in the output folder unless the command succeeded (then
exactly the output, which opens). The input folder is byte-for-byte unchanged afterwards.

The results also regenerate the table in ``docs/robustness.md``; ``test_docs_table_is_current``
fails when the committed table no longer matches (rerun with ``XLPERF_UPDATE_DOCS=1``).
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path
from types import SimpleNamespace

import openpyxl
import pytest

from xlperf.writers.atomic import is_temp_name

from .make_corpus import CASES, Case, build_all
from .runner import Job, Result, command, run_many, snapshot

MAX_SECONDS = 20.0
MAX_PEAK_MB = 512.0
WRITERS = {
    "check --mark": lambda src, out: ["check", src, "--mark", out],
    "split": lambda src, out: ["split", src, "-o", out],
    "export --force": lambda src, out: ["export", src, "--force", "-o", out],
}
# far_cell.xlsx: the openpyxl-based commands (check --mark, fix) read a sheet densely; see
# test_openpyxl_commands_read_far_cells_sparsely.
WRITER_OVERRIDE = {"far_cell.xlsx": "split"}
DOCS = Path(__file__).resolve().parents[2] / "docs" / "robustness.md"
BEGIN, END = "<!-- corpus-table:begin -->", "<!-- corpus-table:end -->"


def writer_of(i: int, case: Case) -> str:
    return WRITER_OVERRIDE.get(case.name) or list(WRITERS)[i % len(WRITERS)]


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    root = tmp_path_factory.mktemp("robustness")
    inputs = root / "inputs"
    build_all(inputs)
    before = snapshot(inputs)
    jobs: list[Job] = []
    writer: dict[str, str] = {}
    outdirs: dict[object, Path] = {}
    for i, case in enumerate(CASES):
        # Unreadable input: the writing command's run is the outcome (the same sentence as
        # plain check, plus the proof that nothing was written); readable: check --format json.
        if case.exit != 2:
            jobs.append(Job((case.name, "check"), command("check", case.name, "--format", "json"), cwd=inputs))
        if not case.writes:
            continue
        w = writer[case.name] = writer_of(i, case)
        outdir = outdirs[(case.name, "write")] = root / "out" / case.name
        outdir.mkdir(parents=True)
        jobs.append(Job((case.name, "write"), command(*WRITERS[w](case.name, outdir / "out.xlsx")), cwd=inputs))
    # Refused because of errors: nothing written.
    outdir = outdirs["export-refused"] = root / "out" / "export-refused"
    outdir.mkdir()
    jobs.append(Job("export-refused", command("export", "formula_errors.xlsx", "-o", outdir / "out.xlsx"), cwd=inputs))
    # The openpyxl-based commands on a far-away cell: read sparsely, so bounded like the rest.
    for cmd, args in (("mark", ["check", "far_cell.xlsx", "--mark"]), ("fix", ["fix", "far_cell.xlsx", "-o"])):
        outdir = outdirs[("far", cmd)] = root / "out" / f"far-{cmd}"
        outdir.mkdir()
        jobs.append(Job(("far", cmd), command(*args, outdir / "out.xlsx"), cwd=inputs, timeout=20))
    results = run_many(jobs)
    for case in CASES:
        if case.exit == 2:
            results[(case.name, "check")] = results[(case.name, "write")]
    return SimpleNamespace(root=root, inputs=inputs, before=before, after=snapshot(inputs), results=results,
                           writer=writer, outdirs=outdirs)


def assert_bounded(r: Result) -> None:
    assert not r.timed_out, f"{r.args}: killed after the time limit"
    assert r.signal is None, f"{r.args}: died of signal {r.signal}\n{r.stderr[-2000:]}"
    assert "Traceback" not in r.stderr and "Traceback" not in r.stdout, r.stderr[-3000:]
    assert r.seconds < MAX_SECONDS, f"{r.args}: {r.seconds:.1f} s"
    assert r.peak_mb < MAX_PEAK_MB, f"{r.args}: {r.peak_mb:.0f} MB"


def findings_of(r: Result) -> list[dict]:
    return json.loads(r.stdout)["findings"]


def assert_outcome(case: Case, r: Result) -> None:
    assert r.returncode == case.exit, f"exit {r.returncode}, expected {case.exit}\n{r.stderr[-2000:]}"
    if case.exit == 2:
        assert r.stderr.startswith("错误："), r.stderr
        for s in case.says:
            assert s in r.stderr, (s, r.stderr)
        return
    found = findings_of(r)
    codes = [f["code"] for f in found]
    for code in case.codes:
        assert any(c.startswith(code) for c in codes), (code, codes)
    for cell in case.cells:
        sheet, _, addr = cell.rpartition("!")
        assert any(f["cell"] == addr and (not sheet or f["sheet"] == sheet) for f in found), (cell, found)
    for s in case.says:
        assert any(s in f["message"] for f in found), (s, [f["message"] for f in found])
    if case.exit == 0 and not case.codes:
        assert not [f for f in found if f["severity"] == "error"], found


def case_params(gap_marks: bool = True):
    for case in CASES:
        marks = [pytest.mark.xfail(strict=True, reason=case.gap)] if case.gap and gap_marks else []
        yield pytest.param(case, id=case.name, marks=marks)


@pytest.mark.parametrize("case", case_params())
def test_check(runs, case):
    r = runs.results[(case.name, "check")]
    assert_bounded(r)
    assert_outcome(case, r)


@pytest.mark.parametrize("case", [c for c in case_params(gap_marks=False) if c.values[0].writes])
def test_writing_command(runs, case):
    r = runs.results[(case.name, "write")]
    check = runs.results[(case.name, "check")]
    w = runs.writer[case.name]
    assert_bounded(r)
    left = sorted(p.name for p in runs.outdirs[(case.name, "write")].iterdir())
    if case.exit == 2:
        assert r.returncode == 2, r.stderr
        for s in case.says:
            assert s in r.stderr, (s, r.stderr)
        assert left == [], f"{w} left {left} behind"
        return
    assert r.returncode == (check.returncode if w == "check --mark" else 0), r.stderr
    assert left == ["out.xlsx"], left
    wb = openpyxl.load_workbook(runs.outdirs[(case.name, "write")] / "out.xlsx", read_only=True)
    assert wb.sheetnames
    wb.close()


def test_inputs_are_never_changed(runs):
    assert runs.after == runs.before


def test_export_refused_for_errors_writes_nothing(runs):
    r = runs.results["export-refused"]
    assert_bounded(r)
    assert r.returncode == 1 and "未导出" in r.stderr
    assert list(runs.outdirs["export-refused"].iterdir()) == []


def test_no_temporary_files_anywhere(runs):
    leftovers = [p for p in runs.root.rglob("*") if is_temp_name(p.name) or p.suffix == ".tmp"]
    assert leftovers == []


@pytest.mark.parametrize("cmd", ["mark", "fix"])
def test_openpyxl_commands_read_far_cells_sparsely(runs, cmd):
    r = runs.results[("far", cmd)]
    assert_bounded(r)
    assert r.returncode in (0, 1)


# --- the report ------------------------------------------------------------------------


def _cell(text: str) -> str:
    from xlperf.core.filenames import visible_controls

    return visible_controls(text).replace("|", "\\|").replace("\n", " ").strip()


def outcome_text(case: Case, r: Result) -> str:
    if r.returncode == 2 or r.timed_out or r.signal:
        return _cell(re.sub(r"^错误：", "", r.stderr.strip()))
    try:
        found = findings_of(r)
    except (json.JSONDecodeError, KeyError):
        return "(no JSON)"
    if not found:
        return "无问题 / no findings"
    shown = [f"{f['code']}@{f['sheet'] + '!' if f['sheet'] != '绩效目标表' else ''}{f['cell'] or '—'}" for f in found[:6]]
    more = f" …(+{len(found) - 6})" if len(found) > 6 else ""
    first = found[0]["message"]
    return _cell(", ".join(shown) + more + f"：{first[:60]}{'…' if len(first) > 60 else ''}")


def write_text(runs, case: Case) -> str:
    if not case.writes:
        return "—"
    r = runs.results[(case.name, "write")]
    left = sorted(p.name for p in runs.outdirs[(case.name, "write")].iterdir())
    return f"`{runs.writer[case.name]}` → {r.returncode}, {'、'.join(left) if left else '无文件 / nothing'}"


def table(runs) -> list[list[str]]:
    rows = []
    for i, case in enumerate(CASES, 1):
        r = runs.results[(case.name, "check")]
        w = runs.results.get((case.name, "write"), r)
        note = f"**未达预期 / gap:** {case.gap}" if case.gap else case.note
        rows.append([
            str(i), f"`{case.name}` {case.title}", str(case.exit), str(r.returncode), outcome_text(case, r),
            write_text(runs, case), f"{max(r.seconds, w.seconds):.1f}", f"{max(r.peak_mb, w.peak_mb):.0f}", _cell(note),
        ])
    return rows


HEADER = ["#", "输入 / input", "期望退出码 / expected exit", "退出码 / exit", "信息或问题 / message or findings",
          "写入命令 / writing command → exit, files left", "时间 / time s", "峰值内存 / peak MB", "说明 / note"]
STABLE = [0, 1, 2, 3, 4, 5, 8]  # columns that must match the committed table (not time and memory)


def render(rows: list[list[str]]) -> str:
    lines = ["| " + " | ".join(HEADER) + " |", "|" + "---|" * len(HEADER)]
    lines += ["| " + " | ".join(r) + " |" for r in rows]
    return "\n".join(lines)


def parse(text: str) -> list[list[str]]:
    body = text.split(BEGIN, 1)[1].split(END, 1)[0]
    rows = []
    for line in body.strip().splitlines()[2:]:
        cells = [c.strip() for c in re.split(r"(?<!\\)\|", line.strip())[1:-1]]
        rows.append(cells)
    return rows


def test_docs_table_is_current(runs):
    rows = table(runs)
    text = DOCS.read_text(encoding="utf-8") if DOCS.exists() else ""
    if os.environ.get("XLPERF_UPDATE_DOCS"):
        head, _, rest = text.partition(BEGIN)
        tail = rest.partition(END)[2] if rest else "\n"
        DOCS.write_text(f"{head}{BEGIN}\n{render(rows)}\n{END}{tail}", encoding="utf-8")
        text = DOCS.read_text(encoding="utf-8")
    assert BEGIN in text and END in text, "docs/robustness.md has no corpus table; run with XLPERF_UPDATE_DOCS=1"
    committed = parse(text)
    assert [[r[i] for i in STABLE] for r in committed] == [[r[i] for i in STABLE] for r in rows], (
        "docs/robustness.md is out of date; rerun with XLPERF_UPDATE_DOCS=1")
    for r in committed:  # the documented measurements are within the limits the tests enforce
        assert float(r[6]) < MAX_SECONDS and float(r[7]) < MAX_PEAK_MB, r
