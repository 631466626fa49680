"""A self-evaluation held against the approved target table (``--against``), pure.

Projects are matched by code (``51000021R000000019951-工资性支出``: the code before the dash),
then by name, then by name similarity (said in the message, SE052 — never silently); within a
matched pair, indicators by level and name, then by name alone, then by similarity within the
same 一级指标 (SE057). A matched indicator whose 年度指标值 differs from the approved 指标值 is
SE053, whose 分值 differs from the approved 权重 SE054; indicators on one side only are SE055
(added) / SE056 (dropped); projects on one side only SE050 / SE051.

Every finding says which file it is about (``source``: ``self_evaluation`` or ``target``; its
``sheet``/``cell`` are in that file) and where the counterpart is (``other_cell``:
``目标表.xlsx!Sheet1!I8``). Findings about the target file carry no ``row``, so a report of the
self-evaluation never counts them against one of its own projects.
"""

from __future__ import annotations

import re
from difflib import SequenceMatcher
from pathlib import PurePath
from typing import Any, Optional

from .engine import read_finding
from .model import Finding, Indicator, Project, Table
from .normalise import compact, nfkc

SIMILAR = 0.6  # the least similarity at which two names are taken for the same thing
_CODE_RE = re.compile(r"^\s*([0-9A-Za-z]*\d[0-9A-Za-z]{5,})\s*[-－—_]\s*(.+?)\s*$")
_STRIP_RE = re.compile(r"[\s\u3000,，、;；:：。.·()（）\[\]【】\"'“”‘’《》<>]")
_TEMPLATE_RE = re.compile(r"^指标\s*\d+\s*[:：、.．]?")

SELF, TARGET = "self_evaluation", "target"


def split_code(name: Optional[str]) -> tuple[Optional[str], str]:
    """``51000021R000000019951-工资性支出`` -> (``51000021R000000019951``, ``工资性支出``)."""
    if not name:
        return None, ""
    m = _CODE_RE.match(name)
    if m:
        return m.group(1).upper(), m.group(2)
    return None, name


def norm(name: Optional[str]) -> str:
    """A name for matching: no code prefix, no template ``指标1`` prefix, no spaces or punctuation."""
    _, bare = split_code(name)
    s = nfkc(bare or "")
    s = _TEMPLATE_RE.sub("", s)
    return _STRIP_RE.sub("", compact(s))


def similarity(a: str, b: str) -> float:
    if not a or not b:
        return 0.0
    return round(SequenceMatcher(None, a, b).ratio(), 2)


def _name_cell(t: Table, p: Project) -> Optional[str]:
    """Where the project's name is: a form's label value, else the list's 项目名称 cell."""
    return p.cells.get("project") or t.cell("project", p.row_first)


def _file(path: str) -> str:
    return PurePath(path).name if path else ""


def _where(file: str, sheet: str, cell: Optional[str]) -> Optional[str]:
    if not cell:
        return f"{file}!{sheet}" if file else sheet
    return f"{file}!{sheet}!{cell}" if file else f"{sheet}!{cell}"


class Side:
    """One file's projects, each with the Table it came from."""

    def __init__(self, tables: list[Table], source: str):
        self.source = source
        self.file = _file(source)
        self.items: list[tuple[Table, Project]] = [(t, p) for t in tables for p in t.projects]


def _match(left: list[Any], right: list[Any], keys_l: list[tuple], keys_r: list[tuple], names_l: list[str],
           names_r: list[str], group_l: Optional[list[Any]] = None, group_r: Optional[list[Any]] = None,
           ) -> tuple[list[tuple[int, int, Optional[float]]], list[int], list[int]]:
    """Pairs (i, j, similarity or None when exact) by each key in turn, then by name similarity
    (best pairs first, within the same group when groups are given); the unmatched of each side."""
    pairs: list[tuple[int, int, Optional[float]]] = []
    free_l, free_r = set(range(len(left))), set(range(len(right)))
    for k in range(len(keys_l[0]) if keys_l else 0):
        index: dict[Any, list[int]] = {}
        for j in sorted(free_r):
            v = keys_r[j][k]
            if v:
                index.setdefault(v, []).append(j)
        for i in sorted(free_l):
            v = keys_l[i][k]
            if v and index.get(v):
                j = index[v].pop(0)
                pairs.append((i, j, None))
                free_l.discard(i)
                free_r.discard(j)
    cands = []
    for i in free_l:
        for j in free_r:
            if group_l is not None and group_r is not None and group_l[i] and group_r[j] and group_l[i] != group_r[j]:
                continue
            s = similarity(names_l[i], names_r[j])
            if s >= SIMILAR:
                cands.append((s, -i, -j, i, j))
    for s, _, _, i, j in sorted(cands, reverse=True):
        if i in free_l and j in free_r:
            pairs.append((i, j, s))
            free_l.discard(i)
            free_r.discard(j)
    return sorted(pairs), sorted(free_l), sorted(free_r)


def _finding(code: str, source: str, sheet: str, cell: Optional[str], row: Optional[int], project: Optional[str],
             where_other: Optional[str], **params: Any) -> Finding:
    f = read_finding(code, sheet=sheet, cell=cell, row=row, project=project, other_cell=where_other or "", **params)
    f.source, f.other_cell = source, where_other
    return f


def compare(se_tables: list[Table], target_tables: list[Table], se_source: str = "", target_source: str = "",
            *, report_target_only: bool = True) -> list[Finding]:
    """Every SE05x finding of the self-evaluation ``se_tables`` against ``target_tables``.
    ``report_target_only=False`` leaves out SE051 (a folder of targets against one file)."""
    se, tg = Side(se_tables, se_source), Side(target_tables, target_source)
    codes_l = [split_code(p.name)[0] for _, p in se.items]
    codes_r = [split_code(p.name)[0] for _, p in tg.items]
    names_l = [norm(p.name) for _, p in se.items]
    names_r = [norm(p.name) for _, p in tg.items]
    keys_l = [(c, n) for c, n in zip(codes_l, names_l)]
    keys_r = [(c, n) for c, n in zip(codes_r, names_r)]
    pairs, only_l, only_r = _match(se.items, tg.items, keys_l, keys_r, names_l, names_r)
    out: list[Finding] = []
    for i, j, score in pairs:
        (st, sp), (tt, tp) = se.items[i], tg.items[j]
        # a folder of targets: the counterpart's cell is in its own file, not in the folder
        tg_file, se_file = _file(tt.source) or tg.file, _file(st.source) or se.file
        if score is not None:
            out.append(_finding("SE052", SELF, st.sheet, _name_cell(st, sp), sp.row_first, sp.name,
                                _where(tg_file, tt.sheet, _name_cell(tt, tp)), other=tp.label, score=score))
        out.extend(_indicators(st, sp, tt, tp, se_file, tg_file))
    for i in only_l:
        st, sp = se.items[i]
        out.append(_finding("SE050", SELF, st.sheet, _name_cell(st, sp), sp.row_first, sp.name, None,
                            target_file=f"“{tg.file}”" if tg.file else ""))
    if report_target_only:
        for j in only_r:
            tt, tp = tg.items[j]
            out.append(_finding("SE051", TARGET, tt.sheet, _name_cell(tt, tp),
                                None, se.items[0][1].name if len(se.items) == 1 else None, None,
                                name=tp.label, self_file=f"“{se.file}”" if se.file else ""))
    out.sort(key=Finding.sort_key)
    return out


def _levels(ind: Indicator) -> str:
    return "—".join(x for x in (ind.level1, ind.level2) if x) or "未分级"


def _indicators(st: Table, sp: Project, tt: Table, tp: Project, se_file: str, tg_file: str) -> list[Finding]:
    left = [i for i in sp.indicators if not i.is_placeholder]
    right = [i for i in tp.indicators if not i.is_placeholder]
    if not left and not right:
        return []
    nl, nr = [norm(i.name) for i in left], [norm(i.name) for i in right]
    kl = [((i.level1, i.level2, n) if n else None, n) for i, n in zip(left, nl)]
    kr = [((i.level1, i.level2, n) if n else None, n) for i, n in zip(right, nr)]
    pairs, only_l, only_r = _match(left, right, kl, kr, nl, nr, [i.level1 for i in left], [i.level1 for i in right])
    out: list[Finding] = []
    for a, b, score in pairs:
        si, ti = left[a], right[b]
        t_cell = tt.indicator_cell(ti, "target")
        other = _where(tg_file, tt.sheet, t_cell)
        if score is not None:
            out.append(_finding("SE057", SELF, st.sheet, st.indicator_cell(si, "name"), si.row, sp.name, other,
                                name=si.name, other=ti.name, score=score))
        if not same_target(si, ti):
            out.append(_finding("SE053", SELF, st.sheet, st.indicator_cell(si, "target"), si.row, sp.name, other,
                                name=si.name, value=show_target(si), approved=show_target(ti)))
        if si.weight is not None and ti.weight is not None and abs(si.weight - ti.weight) > 1e-9:
            w_other = _where(tg_file, tt.sheet, tt.indicator_cell(ti, "weight"))
            out.append(_finding("SE054", SELF, st.sheet, st.indicator_cell(si, "weight"), si.row, sp.name, w_other,
                                name=si.name, value=_num(si.weight), approved=_num(ti.weight)))
    for a in only_l:
        si = left[a]
        out.append(_finding("SE055", SELF, st.sheet, st.indicator_cell(si, "name"), si.row, sp.name,
                            _where(tg_file, tt.sheet, None), name=si.name, levels=_levels(si)))
    for b in only_r:
        ti = right[b]
        out.append(_finding("SE056", TARGET, tt.sheet, tt.indicator_cell(ti, "name"), None, sp.name,
                            _where(se_file, st.sheet, None), name=ti.name, levels=_levels(ti)))
    return out


def _num(x: float) -> Any:
    r = round(x, 4)
    return int(r) if r == int(r) else r


def show_target(ind: Indicator) -> str:
    c = ind.comparator if ind.comparator in ("≥", "≤", ">", "<", "=") else ""
    t = ind.target
    if t is None:
        return "（未填写）"
    v = _num(t) if isinstance(t, float) else t
    return f"“{c}{v}{ind.measure or ''}”"


def same_target(a: Indicator, b: Indicator) -> bool:
    """The same 指标值: equal numbers (a sign or unit missing on one side is not a change; the
    MoF self-evaluation has no 指标性质 / 度量单位 columns), or equal text."""
    ta, tb = a.target, b.target
    if ta is None or tb is None:
        return ta is tb
    if isinstance(ta, float) and isinstance(tb, float):
        if abs(ta - tb) > 1e-9 * max(1.0, abs(tb)):
            return False
        if a.comparator in _SIGNS and b.comparator in _SIGNS and a.comparator != b.comparator:
            return False
        if a.measure and b.measure and a.measure != b.measure:
            return False
        return True
    if isinstance(ta, float) or isinstance(tb, float):
        return False
    return norm(str(ta)) == norm(str(tb))


_SIGNS = ("≥", "≤", ">", "<", "=")
