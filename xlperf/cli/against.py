"""``--against``: a checked self-evaluation held against the approved target table(s).

The comparison is pure (``core.compare``); this module reads the target side (a file in any
layout, or a folder of them), merges the findings into the self-evaluation's result and pairs
two folders for batch mode.
"""

from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path
from typing import Optional

from ..api import CheckResult, tables_from_grids
from ..core.compare import SIMILAR, compare, norm, similarity
from ..core.config import Config
from ..core.engine import read_finding
from ..core.model import Finding, Table
from ..core.report import build_report


def target_tables(path: Path, config: Optional[Config] = None) -> list[Table]:
    """The tables of a target file, or of every file in a target folder (each read by the layout
    reader that fits it). An unreadable file raises ``InputError`` (exit 2)."""
    from .batch import expand_paths
    from ..readers.source import InputError, read_source

    path = Path(path)
    if not path.exists():
        raise InputError(f"找不到目标表：{path}（--against: file not found）")
    files = expand_paths([path])
    if not files:
        raise InputError(f"目标表文件夹中没有 .xlsx/.xlsm/.txt 文件：{path}（--against: no files）")
    out: list[Table] = []
    for f in files:
        src = read_source(f, settings=config)  # None: the target file's own settings
        tables, _ = tables_from_grids(src.grids, config=src.config)
        for t in tables:
            t.source = str(f)
        out.extend(tables)
    return out


def with_against(result: CheckResult, target: Path, config: Optional[Config] = None) -> CheckResult:
    """``result`` with the SE05x findings of its self-evaluation against ``target`` added and the
    report rebuilt (the counts include them)."""
    target = Path(target)
    tables = target_tables(target, config)
    by_file: dict[str, list[Table]] = {}
    for t in tables:
        by_file.setdefault(t.source, []).append(t)
    cfg = result.config
    extra: list[Finding] = []
    if len(by_file) <= 1:
        extra = compare(result.tables, tables, result.source, str(target) if target.is_file() else next(iter(by_file), ""))
    else:
        # a folder: each self-evaluation project against the whole folder; a target project
        # of another file is not "missing" from this one
        extra = compare(result.tables, tables, result.source, str(target), report_target_only=False)
    extra = [f for f in extra if cfg.enabled(f.code)]
    for f in extra:
        sev = cfg.severity_of(f.code, f.severity)
        if sev != f.severity:
            f.severity = sev
    findings = sorted(result.findings + extra, key=Finding.sort_key)
    report = build_report(result.tables, findings, cfg, result.source)
    report.encoding = result.report.encoding
    return replace(result, findings=findings, report=report)


def for_marking(result: CheckResult) -> CheckResult:
    """The findings --mark may put on the self-evaluation: those about the target file are not
    its cells (they stay in the report)."""
    kept = [f for f in result.findings if f.source != "target"]
    return replace(result, findings=kept)


# --- pairs of files from two folders ---------------------------------------------------------

_WORDS_RE = re.compile(r"(项目支出)?(绩效)?(自评表?|目标表?|申报表?)|selfeval|self[-_ ]?evaluation|target|自评|目标")


def file_key(path: Path) -> str:
    return norm(_WORDS_RE.sub("", Path(path).stem.lower()))


def pair_folders(se_files: list[Path], target_files: list[Path]) -> dict[str, Optional[str]]:
    """Each self-evaluation file -> its target file: the same name once 自评/目标/selfeval/target
    are taken out, else the most similar name (≥ SIMILAR), else None (SE058)."""
    keys = {str(t): file_key(t) for t in target_files}
    free = dict(keys)
    out: dict[str, Optional[str]] = {}
    for s in se_files:
        k = file_key(s)
        exact = next((t for t, tk in free.items() if tk == k), None)
        if exact is not None:
            out[str(s)] = exact
            free.pop(exact)
    for s in se_files:
        if str(s) in out:
            continue
        k = file_key(s)
        best = max(((similarity(k, tk), t) for t, tk in free.items()), default=(0.0, None))
        if best[1] is not None and best[0] >= SIMILAR:
            out[str(s)] = best[1]
            free.pop(best[1])
        else:
            out[str(s)] = None
    return out


def no_target(result: CheckResult) -> CheckResult:
    """SE058: a batch self-evaluation without a target file."""
    from ..core.filenames import readable

    f = read_finding("SE058", sheet=result.tables[0].sheet if result.tables else "", self_file=f"“{Path(readable(result.source)).name}”")
    f.source = "self_evaluation"
    if not result.config.enabled("SE058"):
        return result
    findings = sorted(result.findings + [f], key=Finding.sort_key)
    report = build_report(result.tables, findings, result.config, result.source)
    report.encoding = result.report.encoding
    return replace(result, findings=findings, report=report)
