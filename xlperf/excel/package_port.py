"""The workbook port over a package edited in place (``xlperf.writers.mark_package``): what
``check --mark`` uses, so a 100,000-row workbook is marked in seconds, not minutes.

Only the writes marking needs are here (``replace_sheet``, ``write_block``,
``apply_marks_format``); reads are limited to :meth:`sheet_shape`, which tells marking where
the table ends without reading its values.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Optional, Union

from ..core.grid import parse_address
from ..writers import mark_package as mp
from ..writers import sheet_layout
from ..writers.sheet_layout import PrintSetup, SheetLayout
from .port import MARK_SHEET, MARK_STYLES, Block, CountingPort, Formula, Visibility, counted, quote_sheet


class PackagePort(CountingPort):
    def __init__(self, source: Union[Path, bytes]) -> None:
        super().__init__()
        self.pkg = mp.Package(source)  # the caller closes it (``with port.pkg:``)

    @counted
    def sheet_shape(self, name: str, min_width: int = 1) -> Optional[mp.SheetShape]:
        sx = self.pkg.worksheet(name)
        return mp.SheetShape(sx, min_width) if sx is not None else None

    def own_sheet(self, name: str) -> bool:
        """Sheet ``name`` is absent, empty or xlperf's own: writing it loses none of the clerk's work."""
        return self.pkg.is_own(name)

    @counted
    def write_block(self, sheet: str, top_left: str, rows: Block) -> None:
        sx = self.pkg.worksheet(sheet)
        if sx is None:
            raise mp.Unsupported(f"no worksheet {sheet}")
        r0, c0 = parse_address(top_left)
        width = max((len(r) for r in rows), default=0)
        cells: dict[tuple[int, int], Any] = {}
        # None empties a cell only where one holds something (in the file, or written earlier in
        # this session): found with one search instead of a look at every None of the block.
        held = [(r, c) for r, c, xml in sx.cells_in_columns(range(c0, c0 + width), r0, r0 + len(rows) - 1)
                if not xml.endswith(b"/>")]
        held += [(r, c) for r, row in sx.edits.items() if r0 <= r < r0 + len(rows) for c in row if c0 <= c < c0 + width]
        for r, c in held:
            row = rows[r - r0]
            if c - c0 < len(row) and row[c - c0] is None:
                cells[(r, c)] = None
        for i, row in enumerate(rows):
            if row.count(None) != len(row):
                for j, v in enumerate(row):
                    if v is not None:
                        cells[(r0 + i, c0 + j)] = _value(v)
        sx.set_cells(cells)

    @counted
    def replace_sheet(self, name: str, rows: Block, *, top_left: str = "A1", visibility: Visibility = "visible",
                      widths: Optional[dict[str, float]] = None, layout: Optional[SheetLayout] = None) -> None:
        if layout is not None and top_left == "A1":
            self.pkg.replace_sheet(name, sheet_layout.new_sheet_pieces(self.pkg, rows, layout, False, _value), visibility)
            sheet_layout.package_names(self.pkg, name, layout)
            return
        self.pkg.replace_sheet(name, lambda selected: mp.new_sheet_xml(rows, top_left, widths, selected, _value),
                               visibility)

    @counted
    def lay_out_table(self, sheet: str, spec: Any) -> None:
        """The marked table's look (:class:`xlperf.excel.marks.TableLayout`): 校验说明 and, where
        the clerk has none, its print set-up."""
        sx = self.pkg.worksheet(sheet)
        if sx is None:
            return
        setup: Optional[PrintSetup] = spec.print
        last_col = spec.last_col
        if setup is not None and setup.scale is None and setup.break_after:
            scale = sheet_layout.scale_for(sheet_layout.column_widths(sx.data, last_col), sheet_layout.margins_in(sx.data))
            setup = PrintSetup(landscape=setup.landscape, scale=scale, break_after=setup.break_after,
                               title_rows=setup.title_rows)
        sheet_layout.lay_out_package_sheet(self.pkg, sheet, spec.notes_col, spec.notes_width, spec.heights, setup,
                                           spec.header_row)

    @counted
    def apply_marks_format(self, sheet: str, area: str, mark_sheet: str) -> None:
        sx = self.pkg.worksheet(sheet)
        if sx is None:
            raise mp.Unsupported(f"no worksheet {sheet}")
        top_left = area.split(":")[0]
        rules = []
        for code, style in MARK_STYLES.items():
            # The colours exactly as openpyxl wrote them before (ARGB with a 00 alpha, which
            # Excel and LibreOffice ignore for fills).
            dxf = self.pkg.add_dxf(f'<font><color rgb="00{style["font"]}"/></font><fill><patternFill patternType="solid">'
                                   f'<fgColor rgb="00{style["fill"]}"/><bgColor rgb="00{style["fill"]}"/></patternFill></fill>')
            # Relative reference: each cell of the area reads the same address on the mark sheet.
            rules.append((f'{quote_sheet(mark_sheet)}!{top_left}="{code}"', dxf))
        sx.cond = mp.CondFormat(area, rules, MARK_SHEET.encode())

    def save(self, out: Path) -> None:
        from ..writers.atomic import atomic_path

        with atomic_path(Path(out)) as tmp:
            self.pkg.save(tmp)


def _value(v: Any) -> Any:
    if isinstance(v, Formula):
        return mp.Formula(str(v).lstrip("="), getattr(v, "label", None))
    return v
