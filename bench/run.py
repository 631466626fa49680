"""xlperf benchmarks: whole processes, side by side on the same files, in one run.

    python bench/run.py            # full: 1k/10k/100k, 5 runs, port calls, UDF, batch  (~25 min)
    python bench/run.py --quick    # 1k/10k, 3 runs, no batch                            (~2 min)

For every size the commands are warmed up once and then run round-robin (floor, openpyxl,
check, split, export, check --mark, floor, …), so drift of the machine hits all of them alike.
Each run is a fresh process; wall time is measured around fork/exec..wait4, and peak RSS and
CPU time come from the child's rusage (wait4), which includes its own reaped children.

Writes bench/out/results[_quick].json and .md. Commands that are not in the installed
xlperf yet are skipped with a note (rerun when they land).
"""

from __future__ import annotations

import argparse
import importlib
import importlib.util
import json
import os
import platform
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Callable, Optional

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
import generate  # noqa: E402

OUT = generate.OUT
PY = sys.executable
# The real console script next to this interpreter: a pyenv/virtualenv shim would add its own
# start-up time to every run.
XLPERF = str(Path(PY).parent / "xlperf") if (Path(PY).parent / "xlperf").exists() else (shutil.which("xlperf") or "xlperf")

FLOOR_CODE = """
import sys
from python_calamine import CalamineWorkbook
wb = CalamineWorkbook.from_path(sys.argv[1])
for name in wb.sheet_names:
    sh = wb.get_sheet_by_name(name)
    rows = sh.to_python(skip_empty_area=False)
    merges = sh.merged_cell_ranges
"""
INPROCESS_FLOOR_CODE = """
import sys, time
from python_calamine import CalamineWorkbook
t0 = time.perf_counter()
for path in sys.argv[1:]:
    wb = CalamineWorkbook.from_path(path)
    for name in wb.sheet_names:
        sh = wb.get_sheet_by_name(name)
        rows = sh.to_python(skip_empty_area=False)
        merges = sh.merged_cell_ranges
print(time.perf_counter() - t0)
"""
OPENPYXL_CODE = """
import sys
import openpyxl
wb = openpyxl.load_workbook(sys.argv[1])
merges = [len(ws.merged_cells.ranges) for ws in wb.worksheets]
"""
SLOW_RUN_S = 20.0  # a warm-up slower than this: 3 runs instead of the default
VERY_SLOW_RUN_S = 120.0  # slower than this: 2 runs
OPENPYXL_LIMIT_S = 120.0  # openpyxl at 100k: skipped when one run exceeds this
LARGE_LIMIT_S = 600.0  # any command at >= 100k rows: killed after this; reported as a lower bound
TIMEOUT_S = 1800.0

TARGETS = {
    "check": 1.5, "split": 3.0, "export": 3.0, "mark": 4.0,
    "linearity": 12.0, "check_mem_x_file": 10.0,
    "batch_speedup": 1.8, "batch_vs_floors": 1.3,
    "port_calls": 10, "udf_s": 0.2,
}


# --- one process ------------------------------------------------------------------------------


@dataclass
class Run:
    wall: float
    cpu: float  # user + sys of the process and its reaped children
    maxrss_kb: int
    rc: int
    stderr: str = ""


GNU_TIME = "/usr/bin/time" if os.access("/usr/bin/time", os.X_OK) else None


def child_env(bytecode_cache: bool = True) -> dict[str, str]:
    """The environment of every measured process. An installed xlperf runs from bytecode (pip
    compiles it on install); a shell with PYTHONDONTWRITEBYTECODE=1 (this sandbox sets it) makes
    every run compile all of xlperf's ~1 MB of source again, which then grows with each rule
    written (0.14 s → 0.28 s of compile() per run between 8beb9f8 and e3efcbd) and is not what a
    clerk pays. So the children write and read their bytecode under bench/out/pycache (the
    warm-up run fills it; nothing is written beside the sources). ``--compile-each-run`` keeps
    the shell's setting instead."""
    env = dict(os.environ)
    if bytecode_cache:
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        env["PYTHONPYCACHEPREFIX"] = str(HERE / "out" / "pycache")
    return env


ENV = child_env()


def run_once(argv: list[str], *, stdout: Any = subprocess.DEVNULL, timeout: float = TIMEOUT_S,
             cwd: Optional[Path] = None) -> Run:
    """One process: wall time around spawn..wait4, CPU from wait4, peak RSS from GNU time.

    Peak RSS must not come from this runner's wait4: on Linux an exec'd child inherits the
    high-water RSS of the process it was forked from (exec saves the old mm's hiwater into the
    child's maxrss), so a child of a big runner would report the runner's size. GNU time is a
    ~2 MB process, so the figure it reports is the command's own (the largest of it and its
    children, e.g. batch workers)."""
    rss_file = None
    if GNU_TIME:
        fd, rss_file = tempfile.mkstemp(prefix="rss_", suffix=".txt")
        os.close(fd)
        argv = [GNU_TIME, "-f", "%M", "-o", rss_file, *argv]
    with tempfile.TemporaryFile() as err:
        t0 = time.perf_counter()
        p = subprocess.Popen(argv, stdout=stdout, stderr=err, stdin=subprocess.DEVNULL, cwd=cwd,
                             start_new_session=True, env=ENV)
        timer = threading.Timer(timeout, lambda: os.killpg(p.pid, signal.SIGKILL))
        timer.start()
        try:
            _, status, ru = os.wait4(p.pid, 0)
        finally:
            timer.cancel()
        wall = time.perf_counter() - t0
        p.returncode = os.waitstatus_to_exitcode(status)
        err.seek(0)
        tail = err.read()[-2000:].decode("utf-8", "replace")
    maxrss = ru.ru_maxrss
    if rss_file is not None:
        try:
            text = Path(rss_file).read_text().strip().splitlines()
            maxrss = int(text[-1]) if text and text[-1].isdigit() else maxrss
            if p.returncode != 0 and text and text[0].startswith("Command"):
                tail = tail.replace(text[0], "")  # GNU time's own "Command exited with non-zero status"
        except (OSError, ValueError):
            pass
        finally:
            os.unlink(rss_file)
    return Run(wall, ru.ru_utime + ru.ru_stime, maxrss, p.returncode, tail)


@dataclass
class Measure:
    name: str
    size: int
    runs: list[Run] = field(default_factory=list)
    warmup: Optional[Run] = None
    note: str = ""
    skipped: bool = False
    lower_bound_s: Optional[float] = None  # killed after this many seconds
    loads: list[float] = field(default_factory=list)  # 1-minute load average before each run

    @property
    def ok(self) -> bool:
        return not self.skipped and bool(self.runs)

    @property
    def median(self) -> Optional[float]:
        return statistics.median(r.wall for r in self.runs) if self.runs else None

    @property
    def cpu(self) -> Optional[float]:
        return statistics.median(r.cpu for r in self.runs) if self.runs else None

    @property
    def rss_mb(self) -> Optional[float]:
        return max(r.maxrss_kb for r in self.runs) / 1024 if self.runs else None

    def summary(self) -> dict[str, Any]:
        return {
            "name": self.name, "size": self.size, "skipped": self.skipped, "note": self.note,
            "n_runs": len(self.runs), "median_s": self.median, "cpu_s": self.cpu, "peak_rss_mb": self.rss_mb,
            "min_s": min((r.wall for r in self.runs), default=None),
            "max_s": max((r.wall for r in self.runs), default=None),
            "warmup_s": self.warmup.wall if self.warmup else None,
            "lower_bound_s": self.lower_bound_s,
            "loadavg_median": statistics.median(self.loads) if self.loads else None,
            "walls": [round(r.wall, 4) for r in self.runs],
        }


# --- commands -----------------------------------------------------------------------------------


@dataclass
class Command:
    name: str
    label: str
    argv: Callable[[Path, Path], list[str]]  # (workbook, scratch dir) -> argv
    needs: tuple[str, ...] = ()  # modules that must exist in the installed xlperf
    ok_rc: tuple[int, ...] = (0,)
    verify: Optional[Callable[[Path, Path, dict], Optional[str]]] = None  # -> problem or None


def _verify_check(book: Path, scratch: Path, man: dict) -> Optional[str]:
    data = json.loads((scratch / "check.json").read_text(encoding="utf-8"))
    n = data.get("summary", {}).get("indicators")
    return None if n == man["rows"] else f"check --format json reported {n} indicators, expected {man['rows']}"


def _verify_split(book: Path, scratch: Path, man: dict) -> Optional[str]:
    with open(scratch / "x.csv", encoding="utf-8-sig") as f:
        n = sum(1 for _ in f) - 1
    return None if n >= man["rows"] * 0.99 else f"split wrote {n} records, expected ~{man['rows']}"


def _verify_exists(name: str) -> Callable[[Path, Path, dict], Optional[str]]:
    def v(book: Path, scratch: Path, man: dict) -> Optional[str]:
        p = scratch / name
        return None if p.exists() and p.stat().st_size > 0 else f"{name} was not written"
    return v


COMMANDS = [
    Command("floor", "floor: calamine values + merges (`python -c`)", lambda b, s: [PY, "-c", FLOOR_CODE, str(b)]),
    Command("openpyxl", "`openpyxl.load_workbook` (`python -c`)", lambda b, s: [PY, "-c", OPENPYXL_CODE, str(b)]),
    Command("check", "`xlperf check FILE --format json`", lambda b, s: [XLPERF, "check", str(b), "--format", "json"],
            ok_rc=(0, 1), verify=_verify_check),
    Command("split", "`xlperf split FILE -o x.csv`", lambda b, s: [XLPERF, "split", str(b), "-o", str(s / "x.csv")],
            needs=("xlperf.writers.records",), verify=_verify_split),
    Command("export", "`xlperf export FILE -o x.xlsx --force`",
            lambda b, s: [XLPERF, "export", str(b), "-o", str(s / "x.xlsx"), "--force"],
            needs=("xlperf.writers.export",), verify=_verify_exists("x.xlsx")),
    Command("mark", "`xlperf check FILE --mark x.xlsx`",
            lambda b, s: [XLPERF, "check", str(b), "--mark", str(s / "marked.xlsx")],
            needs=("xlperf.excel.commands",), ok_rc=(0, 1), verify=_verify_exists("marked.xlsx")),
]
STARTUP = Command("startup", "`xlperf --version` (start-up only)", lambda b, s: [XLPERF, "--version"])


def missing_modules(cmd: Command) -> list[str]:
    out = []
    for m in cmd.needs:
        try:
            if importlib.util.find_spec(m) is None:
                out.append(m)
        except ModuleNotFoundError:
            out.append(m)
    return out


def measure_size(size: int, book: Path, runs: int, log: Callable[[str], None]) -> list[Measure]:
    man = generate.manifest(book)
    scratch = Path(tempfile.mkdtemp(prefix=f"xlperf_bench_{size}_", dir=OUT))
    measures: list[Measure] = []
    active: list[tuple[Command, Measure, int]] = []
    for cmd in COMMANDS:
        m = Measure(cmd.name, size)
        measures.append(m)
        miss = missing_modules(cmd)
        if miss:
            m.skipped, m.note = True, f"not measured: {', '.join(miss)} not in the installed xlperf yet"
            log(f"  {cmd.name:9s} skipped ({m.note})")
            continue
        timeout = TIMEOUT_S
        if size >= 100_000:
            timeout = OPENPYXL_LIMIT_S if cmd.name == "openpyxl" else LARGE_LIMIT_S
        stdout = open(scratch / "check.json", "wb") if cmd.name == "check" else subprocess.DEVNULL
        try:
            w = run_once(cmd.argv(book, scratch), stdout=stdout, timeout=timeout)
        finally:
            if stdout is not subprocess.DEVNULL:
                stdout.close()
        m.warmup = w
        if w.rc == -signal.SIGKILL and w.wall >= timeout * 0.99:
            m.skipped, m.note = True, f"skipped: one run takes > {timeout:.0f} s (killed at {timeout:.0f} s)"
            m.lower_bound_s = timeout
            log(f"  {cmd.name:9s} {m.note}")
            continue
        if w.rc not in cmd.ok_rc:
            m.skipped = True
            m.note = f"failed (exit {w.rc}): {w.stderr.strip().splitlines()[-1] if w.stderr.strip() else ''}"
            log(f"  {cmd.name:9s} {m.note}")
            continue
        if cmd.verify is not None:
            try:
                problem = cmd.verify(book, scratch, man)
            except Exception as e:  # noqa: BLE001
                problem = f"could not verify output: {type(e).__name__}: {e}"
            if problem:
                m.note = f"output check: {problem}"
                log(f"  {cmd.name:9s} WARNING {problem}")
        n = runs
        if w.wall > SLOW_RUN_S and runs > 2:
            n = 2 if w.wall > VERY_SLOW_RUN_S else min(3, runs)
            m.note = (m.note + "; " if m.note else "") + f"{n} runs (one run takes {w.wall:.0f} s)"
        active.append((cmd, m, n))
        log(f"  {cmd.name:9s} warm-up {w.wall:7.2f} s  rss {w.maxrss_kb / 1024:6.0f} MB  -> {n} runs")
    for i in range(max((n for _, _, n in active), default=0)):
        for cmd, m, n in active:
            if i < n:
                m.loads.append(os.getloadavg()[0])
                r = run_once(cmd.argv(book, scratch))
                if r.rc not in cmd.ok_rc:
                    m.note = (m.note + "; " if m.note else "") + f"run {i + 1} exit {r.rc}"
                m.runs.append(r)
        log(f"  round {i + 1} done: " + "  ".join(f"{m.name} {m.runs[-1].wall:.2f}" for _, m, n in active if i < n))
    shutil.rmtree(scratch, ignore_errors=True)
    return measures


# --- Excel side ----------------------------------------------------------------------------------

BUTTONS = ("validate", "weight_totals", "split_records", "autofix")


def port_calls(sizes: tuple[int, ...], log: Callable[[str], None]) -> dict[str, Any]:
    """Calls into the workbook port per button, on the openpyxl port (same code path as Excel)."""
    try:
        commands = importlib.import_module("xlperf.excel.commands")
        OpenpyxlPort = importlib.import_module("xlperf.excel.openpyxl_port").OpenpyxlPort
    except Exception as e:  # noqa: BLE001
        return {"skipped": True, "note": f"not measured: xlperf.excel not importable yet ({type(e).__name__}: {e})"}
    out: dict[str, Any] = {"skipped": False, "sizes": {}}
    for n in sizes:
        book = generate.workbook(n)
        row: dict[str, Any] = {}
        for b in BUTTONS:
            fn = getattr(commands, b, None)
            if fn is None:
                row[b] = {"calls": None, "note": "button not found"}
                continue
            port = OpenpyxlPort.open(book, answers=True)
            port.reset_counts()
            t0 = time.perf_counter()
            try:
                ret = fn(port)
                err = None
            except Exception as e:  # noqa: BLE001
                ret, err = None, f"{type(e).__name__}: {e}"
            row[b] = {"calls": port.calls, "by_method": dict(port.counts), "seconds": round(time.perf_counter() - t0, 3),
                      "returned": ret if isinstance(ret, (int, float, str)) or ret is None else type(ret).__name__,
                      "error": err}
            log(f"  port {n:>6} rows  {b:14s} {port.calls:5d} calls  {dict(port.counts)}" + (f"  ERROR {err}" if err else ""))
        out["sizes"][str(n)] = row
    return out


def udf_time(book: Path, runs: int, log: Callable[[str], None]) -> dict[str, Any]:
    """Python CPU time of the PERF_WEIGHTS UDF's pure function on the 100k table's 2-D values."""
    try:
        udfs = importlib.import_module("xlperf.excel.udfs")
    except Exception as e:  # noqa: BLE001
        return {"skipped": True, "note": f"not measured: xlperf.excel.udfs not importable yet ({type(e).__name__}: {e})"}
    fn = None
    for name in ("weights", "perf_weights", "PERF_WEIGHTS"):  # the pure helper behind =PERF_WEIGHTS first
        fn = getattr(udfs, name, None)
        if callable(fn):
            break
    if fn is None:
        return {"skipped": True, "note": f"not measured: no perf_weights/PERF_WEIGHTS in xlperf.excel.udfs ({dir(udfs)})"}
    fn = getattr(fn, "__wrapped__", fn)
    from python_calamine import CalamineWorkbook

    sh = CalamineWorkbook.from_path(str(book)).get_sheet_by_index(0)
    # What xlwings hands a UDF for the used range: a 2-D list, empty cells as None.
    values = [[None if v == "" else v for v in row] for row in sh.to_python(skip_empty_area=False)]
    times, result = [], None
    for _ in range(runs + 1):
        t0 = time.process_time()
        result = fn(values)
        times.append(time.process_time() - t0)
    times = times[1:]
    shape = (len(result), len(result[0]) if result and isinstance(result[0], (list, tuple)) else 1) \
        if isinstance(result, (list, tuple)) else type(result).__name__
    med = statistics.median(times)
    log(f"  UDF {fn.__module__}.{fn.__name__} on {len(values)} rows: {med:.3f} s CPU (median of {runs}); result {shape}")
    return {"skipped": False, "function": f"{fn.__module__}.{fn.__name__}", "rows": len(values),
            "median_cpu_s": med, "runs": [round(t, 4) for t in times], "result_shape": str(shape)}


# --- batch -----------------------------------------------------------------------------------------


def batch_supported() -> bool:
    r = subprocess.run([XLPERF, "check", "--help"], capture_output=True, text=True)
    return "--jobs" in (r.stdout + r.stderr)


def batch(runs: int, n_files: int, log: Callable[[str], None]) -> dict[str, Any]:
    if not batch_supported():
        return {"skipped": True, "note": "not measured: `xlperf check DIR --jobs N` not supported yet"}
    d = generate.batch_dir(n_files)
    files = sorted(d.glob("*.xlsx"))
    cores = os.cpu_count() or 1
    res: dict[str, Any] = {"skipped": False, "files": len(files), "bytes": sum(f.stat().st_size for f in files),
                           "cores": cores}
    # Floors: one whole calamine process per file (as the per-file floor is defined), and the
    # stricter in-process read time (no interpreter start-up) for reference.
    floor_runs = max(3, runs // 2)
    totals = []
    for i in range(floor_runs + 1):
        t = sum(run_once([PY, "-c", FLOOR_CODE, str(f)]).wall for f in files)
        if i:
            totals.append(t)
        log(f"  batch floor pass {i}{' (warm-up)' if i == 0 else ''}: {t:.2f} s for {len(files)} processes")
    res["floor_process_sum_s"] = statistics.median(totals)
    res["floor_process_runs"] = floor_runs
    code = INPROCESS_FLOOR_CODE
    inproc = []
    for _ in range(3):
        r = subprocess.run([PY, "-c", code, *map(str, files)], capture_output=True, text=True, check=True)
        inproc.append(float(r.stdout.strip()))
    res["floor_inprocess_sum_s"] = statistics.median(inproc)
    scratch = Path(tempfile.mkdtemp(prefix="xlperf_batch_", dir=OUT))
    for jobs in (1, cores):
        m = Measure(f"batch_j{jobs}", len(files))
        argv = [XLPERF, "check", str(d), "--jobs", str(jobs), "--format", "json"]
        with open(scratch / f"batch_j{jobs}.json", "wb") as so:
            m.warmup = run_once(argv, stdout=so)
        try:
            rep = json.loads((scratch / f"batch_j{jobs}.json").read_text(encoding="utf-8"))
            s = rep.get("summary", {})
            res[f"summary_j{jobs}"] = {k: s.get(k) for k in ("files", "unreadable", "files_with_errors", "projects", "indicators", "errors", "warnings") if k in s}
        except Exception as e:  # noqa: BLE001
            res[f"summary_j{jobs}"] = {"error": f"{type(e).__name__}: {e}", "rc": m.warmup.rc, "stderr": m.warmup.stderr[-300:]}
        for _ in range(runs):
            m.runs.append(run_once(argv))
        res[f"jobs{jobs}"] = m.summary()
        log(f"  batch --jobs {jobs}: {m.median:.2f} s (cpu {m.cpu:.2f} s, rss {m.rss_mb:.0f} MB)")
    shutil.rmtree(scratch, ignore_errors=True)
    j1, jn = res["jobs1"]["median_s"], res[f"jobs{cores}"]["median_s"]
    res["speedup"] = j1 / jn if jn else None
    res["vs_floors_per_core"] = jn / (res["floor_process_sum_s"] / cores)
    res["vs_inprocess_floors_per_core"] = jn / (res["floor_inprocess_sum_s"] / cores)
    return res


# --- forms -----------------------------------------------------------------------------------------


def _supports(sub: str, flag: str = "") -> bool:
    r = subprocess.run([XLPERF, sub, "--help"], capture_output=True, text=True)
    return r.returncode == 0 and flag in (r.stdout + r.stderr)


def forms(runs: int, n_forms: int, log: Callable[[str], None]) -> dict[str, Any]:
    """The MoF form layout: one workbook of ``n_forms`` stacked forms (check), and a folder of
    ``n_forms // 2`` one-form files (batch check, combine). Growth: the same at a tenth of the size."""
    res: dict[str, Any] = {"forms": n_forms}
    scratch = Path(tempfile.mkdtemp(prefix="xlperf_forms_", dir=OUT))
    sizes = (max(1, n_forms // 10), n_forms)
    for n in sizes:
        book, folder = generate.forms_workbook(n), generate.forms_dir(max(1, n // 2))
        man = generate.manifest(book)
        cmds = {
            "floor": [PY, "-c", FLOOR_CODE, str(book)],
            "check": [XLPERF, "check", str(book), "--format", "json"],
            "batch": [XLPERF, "check", str(folder), "--format", "json"],
        }
        if _supports("combine"):
            cmds["combine"] = [XLPERF, "combine", str(folder), "-o", str(scratch / f"combined_{n}.xlsx")]
        for name, argv in cmds.items():
            m = Measure(f"forms_{name}", n)
            with open(scratch / f"{name}_{n}.json", "wb") as so:
                m.warmup = run_once(argv, stdout=so)
            if name == "check":
                try:
                    got = json.loads((scratch / f"check_{n}.json").read_text(encoding="utf-8"))["summary"]
                    res[f"check_{n}_summary"] = {k: got.get(k) for k in ("tables", "projects", "indicators", "errors", "warnings")}
                    if got.get("projects") != man["projects"] or got.get("indicators") != man["rows"]:
                        m.note = f"read {got.get('projects')} projects / {got.get('indicators')} indicators, expected {man['projects']} / {man['rows']}"
                except Exception as e:  # noqa: BLE001 - reported, not raised: the other figures still count
                    m.note = f"no JSON ({type(e).__name__}; rc {m.warmup.rc})"
            m.runs = [run_once(argv) for _ in range(runs)]
            res[f"{name}_{n}"] = m.summary()
            log(f"  forms {name} ({n} forms): {m.median:.2f} s (cpu {m.cpu:.2f} s, rss {m.rss_mb:.0f} MB){'  ' + m.note if m.note else ''}")
    for name in ("check", "batch", "combine"):
        if len(sizes) < 2:
            break
        a, b = res.get(f"{name}_{sizes[0]}"), res.get(f"{name}_{sizes[1]}")
        if a and b and a["median_s"]:
            res[f"{name}_growth"] = b["median_s"] / a["median_s"]
    shutil.rmtree(scratch, ignore_errors=True)
    return res


# --- machine and report ---------------------------------------------------------------------------


def machine() -> dict[str, Any]:
    cpu = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = ""
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal"):
                mem = f"{int(line.split()[1]) / 1024 / 1024:.1f} GiB"
    except OSError:
        pass
    vers = {}
    from importlib.metadata import PackageNotFoundError, version

    for p in ("xlperf", "python-calamine", "openpyxl", "pydantic", "pydantic_core", "typer", "rich", "xlwings", "lxml"):
        try:
            vers[p] = version(p)
        except PackageNotFoundError:
            vers[p] = None
    commit = subprocess.run(["git", "-C", str(HERE.parent), "rev-parse", "--short", "HEAD"], capture_output=True, text=True).stdout.strip()
    dirty = bool(subprocess.run(["git", "-C", str(HERE.parent), "status", "--porcelain", "--", "xlperf"], capture_output=True, text=True).stdout.strip())
    return {"nproc": os.cpu_count(), "cpu": cpu, "memory": mem, "python": platform.python_version(),
            "platform": platform.platform(), "packages": vers, "commit": commit + ("+uncommitted xlperf/ changes" if dirty else ""),
            "date": time.strftime("%Y-%m-%d %H:%M:%S %z")}


def fmt(v: Optional[float], nd: int = 2) -> str:
    return "—" if v is None else f"{v:.{nd}f}"


def verdict(value: Optional[float], target: float, lower_is_better: bool = True) -> str:
    if value is None:
        return "not measured"
    ok = value <= target if lower_is_better else value >= target
    if ok:
        return "**met**"
    miss = value / target if lower_is_better else target / value
    return f"**missed** ({miss:.1f}× over)" if lower_is_better else f"**missed** (needs {miss:.2f}× more)"


def report_md(res: dict[str, Any]) -> str:
    L: list[str] = []
    mach = res["machine"]
    L.append(f"Machine: {mach['nproc']} × {mach['cpu']}, {mach['memory']}, Python {mach['python']}; "
             f"xlperf {mach['packages'].get('xlperf')} @ {mach['commit']}; {mach['date']}. "
             f"Median of {res['runs']} runs after a warm-up unless noted.\n")
    sizes = res["sizes"]
    by = {(m["name"], m["size"]): m for m in res["measures"]}
    # one size (--sizes 10000) has no growth to show: its two columns are "—"
    big, mid = sizes[-1], (sizes[-2] if len(sizes) > 1 else None)
    growth = f"{big // 1000}k/{mid // 1000}k wall" if mid else "growth (one size)"
    L.append("| command | " + " | ".join(f"{s // 1000}k rows: s (× floor)" for s in sizes)
             + f" | {big // 1000}k CPU s (× floor CPU) | peak RSS at {big // 1000}k | {growth} | CPU |")
    L.append("|---|" + "---:|" * (len(sizes) + 4))

    def wall(name: str, size: int) -> Optional[float]:
        m = by.get((name, size))
        return m["median_s"] if m else None

    for cmd in [STARTUP] + COMMANDS:
        cells = []
        for s in sizes:
            m, f = by.get((cmd.name, s)), wall("floor", s)
            if m is None:
                cells.append("—")
            elif m["median_s"] is None:
                lb = m.get("lower_bound_s")
                cells.append(f"> {lb:.0f} (> {lb / f:.0f}×)" if lb and f else "skipped")
            elif cmd.name == "floor":
                cells.append(f"{m['median_s']:.3f}")
            else:
                cells.append(f"{m['median_s']:.3f} ({m['median_s'] / f:.1f}×)" if f else f"{m['median_s']:.3f}")
        last, fl = by.get((cmd.name, big)), by.get(("floor", big))
        if last and last["cpu_s"] is not None:
            cpu = f"{last['cpu_s']:.2f}" + (f" ({last['cpu_s'] / fl['cpu_s']:.1f}×)" if cmd.name != "floor" and fl and fl["cpu_s"] else "")
        else:
            cpu = "—"
        a, b = wall(cmd.name, big), wall(cmd.name, mid)
        lin = a / b if a and b else None
        if lin is None and last and last.get("lower_bound_s") and b:
            lin_s = f"> {last['lower_bound_s'] / b:.0f}"
        else:
            lin_s = fmt(lin, 1)
        rss = f"{last['peak_rss_mb']:.0f} MB" if last and last["peak_rss_mb"] else "—"
        pm = by.get((cmd.name, mid))
        lin_cpu = fmt(last["cpu_s"] / pm["cpu_s"], 1) if last and pm and last["cpu_s"] and pm["cpu_s"] else "—"
        L.append(f"| {cmd.label} | " + " | ".join(cells) + f" | {cpu} | {rss} | {lin_s} | {lin_cpu} |")
    loads = [m["loadavg_median"] for m in res["measures"] if m.get("loadavg_median") is not None]
    if loads:
        L.append(f"\n1-minute load average before the timed runs: median {statistics.median(loads):.1f}, "
                 f"max {max(loads):.1f} on {mach['nproc']} cores (the machine was shared: read the CPU column too).")
    notes = [f"- {m['name']} at {m['size']:,}: {m['note']}" for m in res["measures"] if m["note"]]
    if notes:
        L.append("\nNotes:\n" + "\n".join(notes))
    files = res.get("files", {})
    if files:
        L.append("\nFiles: " + "; ".join(f"{int(k):,} rows = {v['bytes'] / 1e6:.2f} MB, {v['projects']:,} projects, "
                                          f"{v['merges']:,} merges, {sum(v['errors'].values())} injected errors"
                                          for k, v in files.items()))
    # Targets
    L.append("\n| target | measured | verdict |\n|---|---:|---|")
    for name, key in (("check", "check"), ("split", "split"), ("export", "export"), ("check --mark", "mark")):
        m, f = by.get((key, big)), wall("floor", big)
        r = m["median_s"] / f if m and f and m["median_s"] else None
        if r is None and m and m.get("lower_bound_s") and f:
            L.append(f"| `{name}` at {big // 1000}k ≤ {TARGETS[key]}× floor | > {m['lower_bound_s'] / f:.0f}× (killed) | **missed** |")
            continue
        L.append(f"| `{name}` at {big // 1000}k ≤ {TARGETS[key]}× floor | {fmt(r, 1)}× | {verdict(r, TARGETS[key])} |")
    for cmd in COMMANDS if mid else ():
        m, b = by.get((cmd.name, big)), wall(cmd.name, mid)
        r = m["median_s"] / b if m and b and m["median_s"] else None
        if r is None and m and m.get("lower_bound_s") and b:
            L.append(f"| {cmd.name}: {big // 1000}k ≤ 12 × {mid // 1000}k | > {m['lower_bound_s'] / b:.0f}× (killed) | **missed** |")
            continue
        L.append(f"| {cmd.name}: {big // 1000}k ≤ 12 × {mid // 1000}k | {fmt(r, 1)}× | {verdict(r, TARGETS['linearity'])} |")
    m = by.get(("check", big))
    if m and m["peak_rss_mb"] and str(big) in files:
        fb = files[str(big)]["bytes"] / 1024 / 1024
        r = m["peak_rss_mb"] / fb
        st = by.get(("startup", big))
        extra = ""
        if st and st["peak_rss_mb"]:
            extra = f" (above the {st['peak_rss_mb']:.0f} MB start-up: {(m['peak_rss_mb'] - st['peak_rss_mb']) / fb:.1f}×)"
        L.append(f"| check peak RSS at {big // 1000}k ≤ 10 × file ({fb:.1f} MiB) | {m['peak_rss_mb']:.0f} MB = {r:.1f}×{extra} | {verdict(r, 10)} |")
    fm = res.get("forms")
    if fm:
        n, small = fm["forms"], max(1, fm["forms"] // 10)
        L.append(f"\n| forms (check: stacked on one sheet; batch/combine: a folder of half as many files) | {small} forms: s | {n} forms: s | growth ({n // small}× the forms) |")
        L.append("|---|---:|---:|---:|")
        for name in ("floor", "check", "batch", "combine"):
            a, b = fm.get(f"{name}_{small}"), fm.get(f"{name}_{n}")
            if a and b:
                L.append(f"| {name} | {fmt(a['median_s'])} | {fmt(b['median_s'])} | {fmt(fm.get(f'{name}_growth'))}× |")
        L.append("")
    b = res.get("batch", {})
    if b and not b.get("skipped"):
        L.append(f"| batch {b['files']} files: {b['cores']} cores ≥ 1.8 × 1 core throughput | {fmt(b['speedup'])}× | {verdict(b['speedup'], 1.8, False)} |")
        L.append(f"| batch ≤ 1.3 × Σ floors / cores (process floors {b['floor_process_sum_s']:.1f} s) | {fmt(b['vs_floors_per_core'])}× | {verdict(b['vs_floors_per_core'], 1.3)} |")
        L.append(f"| (stricter) batch vs Σ in-process reads / cores ({b['floor_inprocess_sum_s']:.1f} s) | {fmt(b['vs_inprocess_floors_per_core'])}× | {verdict(b['vs_inprocess_floors_per_core'], 1.3)} |")
    elif b:
        L.append(f"| batch | — | {b.get('note')} |")
    pc = res.get("port_calls", {})
    if pc and not pc.get("skipped"):
        for button in BUTTONS:
            vals = {n: (row.get(button) or {}).get("calls") for n, row in pc["sizes"].items()}
            worst = max((v for v in vals.values() if v is not None), default=None)
            shown = ", ".join(f"{int(n):,}: {v}" for n, v in vals.items())
            L.append(f"| button `{button}` ≤ 10 port calls (rows: calls) | {shown} | {verdict(worst, 10)} |")
    elif pc:
        L.append(f"| port calls per button | — | {pc.get('note')} |")
    u = res.get("udf", {})
    if u and not u.get("skipped"):
        L.append(f"| UDF PERF_WEIGHTS on {u['rows']:,} rows < 0.2 s Python | {u['median_cpu_s']:.3f} s | {verdict(u['median_cpu_s'], 0.2)} |")
    elif u:
        L.append(f"| UDF PERF_WEIGHTS < 0.2 s | — | {u.get('note')} |")
    if b and not b.get("skipped"):
        jn = b[f"jobs{b['cores']}"]["median_s"]
        L.append(f"\nBatch: {b['files']} files ({b['bytes'] / 1e6:.1f} MB); --jobs 1 {b['jobs1']['median_s']:.2f} s, "
                 f"--jobs {b['cores']} {jn:.2f} s (median of {b['jobs1']['n_runs']}); "
                 f"Σ process floors {b['floor_process_sum_s']:.2f} s (median of {b['floor_process_runs']} passes), "
                 f"Σ in-process reads {b['floor_inprocess_sum_s']:.2f} s.")
    return "\n".join(L) + "\n"


def main(argv: Optional[list[str]] = None) -> int:
    ap = argparse.ArgumentParser(description="xlperf benchmarks (see docs/performance.md)")
    ap.add_argument("--quick", action="store_true", help="1k/10k only, 3 runs, no batch, port calls at 50/5,000")
    ap.add_argument("--runs", type=int, help="timed runs per command (default 5, quick 3)")
    ap.add_argument("--sizes", type=int, nargs="+", help="indicator rows (default 1000 10000 100000)")
    ap.add_argument("--skip", nargs="*", default=[], choices=["commands", "ports", "udf", "batch", "forms"])
    ap.add_argument("--batch-files", type=int, default=500)
    ap.add_argument("--forms", type=int, default=1000, help="stacked forms in one workbook / one-form files in a folder")
    ap.add_argument("--compile-each-run", action="store_true",
                    help="no bytecode cache for the measured processes (see child_env)")
    a = ap.parse_args(argv)
    global ENV
    ENV = child_env(not a.compile_each_run)
    runs = a.runs or (3 if a.quick else 5)
    sizes = tuple(a.sizes or ((1_000, 10_000) if a.quick else generate.SIZES))
    skip = set(a.skip) | ({"batch", "forms"} if a.quick else set())
    port_sizes = (50, 5_000) if a.quick else (50, 5_000, 50_000)
    tag = "_quick" if a.quick else ""
    OUT.mkdir(parents=True, exist_ok=True)
    log_path = OUT / f"run{tag}.log"
    logf = open(log_path, "w", encoding="utf-8")

    def log(s: str) -> None:
        print(s, flush=True)
        logf.write(s + "\n")
        logf.flush()

    t_start = time.perf_counter()
    res: dict[str, Any] = {"machine": machine(), "runs": runs, "sizes": list(sizes), "targets": TARGETS,
                           "measures": [], "files": {}, "xlperf": XLPERF,
                           "bytecode_cache": "PYTHONPYCACHEPREFIX" in ENV}
    log(f"xlperf benchmarks: {res['machine']['nproc']} × {res['machine']['cpu']}, Python {res['machine']['python']}, {XLPERF}")
    books = {}
    for s in sizes:
        books[s] = generate.workbook(s)
        res["files"][str(s)] = generate.manifest(books[s])
    if "commands" not in skip:
        for s in sizes:
            log(f"== {s:,} rows: {books[s].name} ({books[s].stat().st_size / 1e6:.2f} MB)")
            st = Measure("startup", s)
            st.warmup = run_once(STARTUP.argv(books[s], OUT))
            st.runs = [run_once(STARTUP.argv(books[s], OUT)) for _ in range(runs)]
            res["measures"].append(st.summary())
            for m in measure_size(s, books[s], runs, log):
                res["measures"].append(m.summary())
            _save(res, tag)
    if "ports" not in skip:
        log("== workbook-port calls per button (openpyxl port)")
        res["port_calls"] = port_calls(port_sizes, log)
        _save(res, tag)
    if "udf" not in skip:
        log("== UDF PERF_WEIGHTS")
        res["udf"] = udf_time(books[sizes[-1]], runs, log)
        _save(res, tag)
    if "batch" not in skip:
        log(f"== batch: {a.batch_files} sample-sized workbooks")
        res["batch"] = batch(runs, a.batch_files, log)
    if "forms" not in skip:
        log(f"== forms: {a.forms} stacked forms in one workbook, {a.forms} one-form files")
        res["forms"] = forms(runs, a.forms, log)
        _save(res, tag)
    res["total_s"] = time.perf_counter() - t_start
    _save(res, tag)
    md = report_md(res)
    (OUT / f"results{tag}.md").write_text(md, encoding="utf-8")
    log("\n" + md)
    log(f"wrote {OUT / f'results{tag}.json'} and {OUT / f'results{tag}.md'} in {res['total_s'] / 60:.1f} min")
    return 0


def _save(res: dict[str, Any], tag: str) -> None:
    p = OUT / f"results{tag}.json"
    tmp = p.with_suffix(".tmp")
    tmp.write_text(json.dumps(res, ensure_ascii=False, indent=1, default=str), encoding="utf-8")
    os.replace(tmp, p)


if __name__ == "__main__":
    sys.exit(main())
