"""The workbook port over an openpyxl workbook: `fix`, the fallback of `--mark` (sheet XML the package splicer does not handle) and the tests.

Loads the file once (with formulas, as openpyxl must to write it back) and, only if a sheet
read meets formula cells, a second time with cached values so the engine sees what Excel
showed. Saves atomically; an .xlsm keeps its VBA project and its ribbon.
"""

from __future__ import annotations

import re
import zipfile
from collections import deque
from pathlib import Path
from typing import Any, Iterable, Optional, Union

from ..core.grid import Merge, parse_address
from ..writers.sheet_marker import mark_own_sheet
from .port import (
    MARK_SHEET,
    MARK_STYLES,
    Block,
    BookInfo,
    CountingPort,
    Formula,
    SheetData,
    Visibility,
    counted,
    quote_sheet,
)

RIBBON_REL = "ui/extensibility"


class OpenpyxlPort(CountingPort):
    def __init__(self, wb: Any, path: Optional[Path] = None, *,
                 answers: Union[bool, Iterable[bool]] = False) -> None:
        super().__init__()
        self.wb = wb
        self.path = Path(path) if path is not None else None
        self.messages: list[str] = []  # what a clerk would have been told, in order
        self.questions: list[str] = []
        self._answers = deque([answers] if isinstance(answers, bool) else list(answers))
        self._default_answer = answers if isinstance(answers, bool) else False
        self._cached: Any = None  # data_only twin, loaded on first need

    @classmethod
    def open(cls, path: Path, **kw: Any) -> "OpenpyxlPort":
        from openpyxl import load_workbook

        from ..readers.source import InputError, preflight_book

        path = Path(path)
        if not path.is_file():
            raise InputError(f"找不到文件：{path}（file not found）")
        preflight_book(path)
        try:
            wb = load_workbook(path, keep_vba=path.suffix.lower() == ".xlsm")
        except Exception as e:  # openpyxl raises many kinds for broken parts
            raise InputError(f"无法打开工作簿：{path}：{e}（cannot open workbook）") from None
        return cls(wb, path, **kw)

    # --- reads ---------------------------------------------------------------

    @counted
    def book_info(self) -> BookInfo:
        return BookInfo(
            name=self.path.name if self.path else "工作簿",
            path=self.path,
            active_sheet=self.wb.active.title if self.wb.active is not None else self.wb.sheetnames[0],
            sheet_names=tuple(self.wb.sheetnames),
        )

    @counted
    def read_sheet(self, name: str, *, formulas: bool = False, merges: bool = True) -> Optional[SheetData]:
        ws = self.wb[name] if name in self.wb.sheetnames else None
        if ws is None or not hasattr(ws, "iter_rows"):  # missing, or a chart sheet
            return None
        h, w = _extent(ws)
        values: list[list[Any]] = []
        found: dict[tuple[int, int], str] = {}
        for r, row in enumerate(ws.iter_rows(min_row=1, max_row=h, min_col=1, max_col=w)):
            vals: list[Any] = []
            for c, cell in enumerate(row):
                v = cell.value
                if cell.data_type == "f":
                    found[(r, c)] = v if isinstance(v, str) else getattr(v, "text", str(v))
                    v = None
                vals.append(v)
            values.append(vals)
        if found:  # what Excel last calculated, as the engine must see it
            cached = self._cached_sheet(name)
            for (r, c) in found:
                values[r][c] = cached.cell(r + 1, c + 1).value if cached is not None else None
        mlist = [Merge(m.min_row - 1, m.min_col - 1, m.max_row - 1, m.max_col - 1)
                 for m in ws.merged_cells.ranges] if merges else []
        return SheetData(name, values, mlist, found if formulas else None)

    def _cached_sheet(self, name: str) -> Any:
        if self.path is None:
            return None
        if self._cached is None:
            from openpyxl import load_workbook

            self._cached = load_workbook(self.path, data_only=True)
        return self._cached[name] if name in self._cached.sheetnames else None

    # --- writes --------------------------------------------------------------

    def own_sheet(self, name: str) -> bool:
        """Sheet ``name`` is absent, empty or xlperf's own: writing it loses none of the clerk's work."""
        return is_own_sheet(self.wb, name)

    @counted
    def write_block(self, sheet: str, top_left: str, rows: Block) -> None:
        _write(self.wb[sheet], top_left, rows)

    @counted
    def replace_sheet(self, name: str, rows: Block, *, top_left: str = "A1", visibility: Visibility = "visible",
                      widths: Optional[dict[str, float]] = None, layout: Optional[Any] = None) -> None:
        # Build the whole new sheet first, then swap it in: an exception half-way leaves the
        # old sheet as it was.
        wb = self.wb
        active = wb.active  # openpyxl keeps the active sheet as an index: inserting shifts it
        old = wb[name] if name in wb.sheetnames else None
        index = wb.index(old) if old is not None else len(wb.sheetnames)
        new = wb.create_sheet(f"~{len(wb.sheetnames)}~tmp", index)
        _write(new, top_left, rows)
        for col, width in (widths or {}).items():
            new.column_dimensions[col].width = width
        if layout is not None:
            from ..writers.sheet_layout import apply_openpyxl

            apply_openpyxl(new, layout)
        new.sheet_state = visibility
        if old is not None:
            wb.remove(old)
        new.title = name
        mark_own_sheet(new)  # the value names the sheet as it is titled now
        if active is old or active is None:
            active = new if visibility == "visible" else _first_visible(wb)
        wb.active = active

    @counted
    def apply_marks_format(self, sheet: str, area: str, mark_sheet: str) -> None:
        from openpyxl.formatting.rule import FormulaRule
        from openpyxl.styles import Font, PatternFill

        ws = self.wb[sheet]
        _remove_our_rules(ws)
        top_left = area.split(":")[0]
        for code, style in MARK_STYLES.items():
            # Relative reference: each cell of the area reads the same address on the mark sheet.
            rule = FormulaRule(
                formula=[f'{quote_sheet(mark_sheet)}!{top_left}="{code}"'],
                fill=PatternFill(fill_type="solid", start_color=style["fill"], end_color=style["fill"]),
                font=Font(color=style["font"]),
                stopIfTrue=True,
            )
            ws.conditional_formatting.add(area, rule)

    # --- the clerk -------------------------------------------------------------

    @counted
    def message(self, text: str, *, title: str = "xlperf", error: bool = False) -> None:
        self.messages.append(text)

    @counted
    def ask(self, text: str, *, title: str = "xlperf") -> bool:
        self.questions.append(text)
        return self._answers.popleft() if self._answers else self._default_answer

    @counted
    def select(self, sheet: str, cell: str) -> None:
        ws = self.wb[sheet]
        self.wb.active = ws
        for other in self.wb.worksheets:  # one selected tab, or Excel opens the sheets grouped
            other.sheet_view.tabSelected = other is ws
        sel = ws.sheet_view.selection[0]
        sel.activeCell = cell
        sel.sqref = cell

    @counted
    def lay_out_table(self, sheet: str, spec: Any) -> None:
        """The marked table's look (:class:`xlperf.excel.marks.TableLayout`): 校验说明 and, where
        the clerk has none, its print set-up."""
        from openpyxl.styles import Alignment

        from ..core.grid import col_letter
        from ..writers import sheet_layout as sl

        ws = self.wb[sheet]
        notes_col, heights, setup, last_col = spec.notes_col, spec.heights, spec.print, spec.last_col
        letter = col_letter(notes_col)
        ws.column_dimensions[letter].width = spec.notes_width
        wrap = Alignment(wrap_text=True, vertical="top")
        header = spec.header_row
        for (cell,) in ws.iter_rows(min_col=notes_col, max_col=notes_col):
            if cell.value is not None:
                cell.alignment = wrap
                if cell.row == header:
                    from openpyxl.styles import Font, PatternFill

                    cell.font, cell.fill = Font(bold=True), PatternFill("solid", fgColor=sl.HEADER_FILL)
        for r, h in heights.items():
            dim = ws.row_dimensions[r]
            if (dim.height or 0) < h:  # raised, never lowered
                dim.height = h
        clerk_setup = sl.has_print_setup_openpyxl(ws)  # before the print area below is touched
        area = ws.print_area
        if area and "," not in area:  # one that ends left of 校验说明 takes it in
            m = re.match(r"^(.*!\$?[A-Z]+\$?\d+:\$?)([A-Z]+)(\$?\d+)$", area)
            if m and m.group(2) == col_letter(notes_col - 1):
                ws.print_area = (m.group(1) + letter + m.group(3)).split("!")[-1].replace("$", "")
        if setup is not None and not clerk_setup:
            widths = [ws.column_dimensions[col_letter(c)].width or 8.43 for c in range(1, last_col + 1)]
            scale = setup.scale or sl.scale_for(widths)
            sl.apply_openpyxl(ws, sl.SheetLayout(print=sl.PrintSetup(
                landscape=setup.landscape, scale=scale, break_after=setup.break_after, title_rows=setup.title_rows)))

    def save(self, out: Path) -> None:
        """Write atomically. For .xlsm the VBA project is kept (keep_vba) and the ribbon
        relationship, which openpyxl drops, is put back."""
        from ..writers.atomic import atomic_path

        out = Path(out)
        with atomic_path(out) as tmp:
            self.wb.save(tmp)
            if self.path is not None and out.suffix.lower() == ".xlsm":
                restore_ribbon(self.path, tmp)


def _first_visible(wb: Any) -> Any:
    for ws in wb.worksheets:
        if ws.sheet_state == "visible":
            return ws
    return wb.worksheets[0]


def _write(ws: Any, top_left: str, rows: Block) -> None:
    from openpyxl.cell.cell import MergedCell

    from ..writers.safe_cells import set_cell

    r0, c0 = parse_address(top_left)
    existing = ws._cells  # noqa: SLF001 - openpyxl has no public "peek without creating a cell"
    for i, row in enumerate(rows):
        for j, v in enumerate(row):
            key = (r0 + i, c0 + j)
            if v is None:
                cell = existing.get(key)
                if cell is not None and cell.value is not None and not isinstance(cell, MergedCell):
                    cell.value = None
                continue
            cell = ws.cell(*key)
            if isinstance(cell, MergedCell):
                continue  # hidden under a merge: Excel would ignore it too
            if isinstance(v, Formula):
                cell.value = str(v)
            else:
                set_cell(cell, v)  # text stays text, even when it starts with "="


def _remove_our_rules(ws: Any) -> None:
    """Drop earlier xlperf mark rules (they name a mark sheet); leave every other rule alone."""
    cfl = ws.conditional_formatting
    for cf in list(cfl):
        key = str(cf.sqref)
        rules = cfl[key]
        keep = [r for r in rules if not any(MARK_SHEET in str(f) for f in (r.formula or []))]
        if len(keep) == len(rules):
            continue
        if keep:
            rules[:] = keep
        else:
            del cfl[key]


def restore_ribbon(src: Path, saved: Path) -> None:
    """Put back the ribbon (customUI) that openpyxl drops from ``_rels/.rels`` on save."""
    import re

    with zipfile.ZipFile(src) as zs:
        src_rels = zs.read("_rels/.rels").decode("utf-8") if "_rels/.rels" in zs.namelist() else ""
        ribbon = re.findall(r"<Relationship\b[^>]*" + re.escape(RIBBON_REL) + r"\"[^>]*/>", src_rels)
        if not ribbon:
            return
        src_parts = {n: zs.read(n) for n in zs.namelist() if n.startswith("customUI/")}
    with zipfile.ZipFile(saved) as zo:
        entries = [(i, zo.read(i.filename)) for i in zo.infolist()]
    names = {i.filename for i, _ in entries}
    out_entries = []
    for info, data in entries:
        if info.filename == "_rels/.rels":
            text = data.decode("utf-8")
            missing = [rel for rel in ribbon if re.search(r'Target="([^"]+)"', rel).group(1) not in text]  # type: ignore[union-attr]
            if missing:
                text = text.replace("</Relationships>", "".join(missing) + "</Relationships>")
            data = text.encode("utf-8")
        out_entries.append((info, data))
    for n, data in src_parts.items():
        if n not in names:
            out_entries.append((zipfile.ZipInfo(n), data))
    tmp = saved.with_name(saved.name + ".rib")
    with zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as zw:
        for info, data in out_entries:
            zw.writestr(info, data, compress_type=zipfile.ZIP_DEFLATED)
    tmp.replace(saved)


def _extent(ws: Any) -> tuple[int, int]:
    """Rows and columns to read densely. ``max_row x max_column`` is the naive answer, but a
    single stray cell at XFD1048576 makes that 17 billion cells: then keep only the run of
    real cells that starts near A1, as the file reader does (the far cell is reported by
    ``xlperf check`` as ST010)."""
    from ..readers.source import FAR_COL_GAP, FAR_ROW_GAP, MAX_DENSE_CELLS, kept_extent

    h, w = ws.max_row, ws.max_column
    if h * w <= MAX_DENSE_CELLS:
        return h, w
    real = [k for k, cell in ws._cells.items() if cell.value is not None]  # noqa: SLF001
    return kept_extent([r for r, _ in real], FAR_ROW_GAP), kept_extent([c for _, c in real], FAR_COL_GAP)


def is_own_sheet(wb: Any, name: str) -> bool:
    """Written by xlperf (marker, helper name, own header row) or empty: replacing it loses nothing."""
    from ..core.own_sheets import MARKER, is_helper_name, is_own_header

    if name not in wb.sheetnames or is_helper_name(name):
        return True
    ws = wb[name]
    if MARKER in getattr(ws, "defined_names", {}):
        return True
    if not hasattr(ws, "iter_rows"):
        return False  # a chart sheet
    for row in ws.iter_rows(values_only=True):
        if any(v is not None and str(v).strip() for v in row):
            return is_own_header(row)
    return True
