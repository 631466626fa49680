"""Which sheets of a workbook xlperf wrote itself (and so never reads as a table).

A sheet's name says nothing: a clerk may well keep the table on a sheet called 校验结果 or
权重合计. A sheet is xlperf's own when

- it carries xlperf's marker: a hidden, sheet-scoped defined name ``_xlperf_sheet``
  (``<definedName name="_xlperf_sheet" localSheetId="3" hidden="1">"校验结果"</definedName>``),
  written into every sheet xlperf creates. Excel keeps sheet-scoped names with their sheet
  when sheets are moved or renamed, and drops them with it when it is deleted; or
- its first row is exactly the header row one of xlperf's sheets starts with (the sheets
  written by versions before the marker), or its name is one of the very hidden helper sheets
  (``_xlperf_marks…``, ``_xlperf_undo``), which hold no table in any version.

Every other sheet is read and checked, whatever it is called.
"""

from __future__ import annotations

from typing import Any, Iterable, Optional, Sequence

MARKER = "_xlperf_sheet"
HELPER_PREFIX = "_xlperf"

# The first row of each sheet xlperf writes (tests/test_own_sheets.py holds them against the
# writers, so a changed header cannot silently make an own sheet look like a table).
RESULTS_HEADER = ("级别", "代码", "单元格", "项目", "说明", "已豁免")
RECORDS_HEADER_START = ("工作表", "源行号")
IMPORT_LOG_HEADER = ("规则", "级别", "单元格", "源行号", "说明")
RULES_HEADER = ("代码", "级别", "名称", "可自动修正", "说明")
UNDO_HEADER = ("工作表", "单元格", "原值", "新值", "说明")
CONFIG_HEADER = ("设置项", "值", "说明")
WEIGHTS_HEADER_START = ("单位", "项目", "预算数(万元)", "指标数")
WEIGHTS_HEADER_END = ("合计", "期望", "状态")
SCORES_HEADER = ("实施单位", "项目", "预算数(万元)", "执行数(万元)", "执行率(%)", "预算执行分值", "预算执行得分",
                 "指标数", "指标分值", "期望", "指标得分", "总分值", "总得分", "状态")  # 得分汇总 (self-evaluations)
SOURCES_HEADER = ("序号", "项目", "单位", "主管部门", "预算数(万元)", "指标数", "错误", "警告", "读取版式", "来源文件",
                  "工作表", "起始行", "结束行")  # 来源清单 (xlperf combine)
EXACT = {RESULTS_HEADER, IMPORT_LOG_HEADER, RULES_HEADER, UNDO_HEADER, CONFIG_HEADER, SCORES_HEADER,
         SCORES_HEADER + ("位置",), SOURCES_HEADER}


def _cells(row: Iterable[Any]) -> tuple[str, ...]:
    out = [("" if v is None else str(v).strip()) for v in row]
    while out and not out[-1]:
        out.pop()
    return tuple(out)


def is_own_header(row: Optional[Sequence[Any]]) -> bool:
    """True when ``row`` (a sheet's first row) is the header of a sheet xlperf writes."""
    if not row:
        return False
    cells = _cells(row)
    if cells in EXACT:
        return True
    if cells[:4] == WEIGHTS_HEADER_START and (cells[-3:] == WEIGHTS_HEADER_END or cells[-4:-1] == WEIGHTS_HEADER_END):
        return True  # 权重合计: level columns vary; the ribbon's adds 位置
    if cells[:2] == RECORDS_HEADER_START:  # 清洗记录 (its columns grew over the versions)
        return True
    return False


def is_helper_name(name: str) -> bool:
    return name.startswith(HELPER_PREFIX)


def marker_xml(local_sheet_id: int, name: str) -> bytes:
    """The definedName element that marks sheet number ``local_sheet_id`` (0-based) as ours."""
    quoted = name.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', '""')
    return (f'<definedName name="{MARKER}" localSheetId="{local_sheet_id}" hidden="1">"{quoted}"'
            "</definedName>").encode("utf-8")


def marked_sheets(workbook_root: Any) -> set[int]:
    """0-based indexes of the sheets that carry the marker, from a parsed workbook.xml."""
    out: set[int] = set()
    for el in workbook_root.iter():
        if el.tag.rsplit("}", 1)[-1] == "definedName" and el.get("name") == MARKER:
            try:
                out.add(int(el.get("localSheetId") or ""))
            except ValueError:
                continue
    return out


# The names of the sheets xlperf writes itself (results, weights, records, rules, settings,
# the xlwings config, the import log, the template's 示例说明): the one list the reader, the
# export and the buttons consult (it was kept twice, and out of step, before).
OWN_SHEETS = frozenset({"_xlwings.conf", "xlwings.conf", "导入记录", "得分汇总", "未读取文件", "权重合计", "来源清单", "校验结果", "清洗记录", "示例说明", "规则说明", "配置"})
