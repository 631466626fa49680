"""How the sheets xlperf writes look and print (issue 14): column widths, wrapped text with rows
tall enough for it, a frozen header, an auto-filter, rows coloured by severity, and a print
set-up (A4 landscape, so many pages wide, header rows repeated on every page).

One description, :class:`SheetLayout`, applied by whichever writer holds the workbook:
:func:`apply_openpyxl` (openpyxl workbooks: the batch summary, exports, the fallback marked
copy) and, for the package editor of ``check --mark`` (:mod:`xlperf.writers.mark_package`),
:func:`new_sheet_pieces` (a whole new sheet: 校验结果, 规则说明) and :func:`lay_out_package_sheet`
(the clerk's own sheet: only the 校验说明 column, and a print set-up only where the clerk has
none — never one the clerk set).

Row heights are written out (``customHeight``) where xlperf knows the text: Excel and
LibreOffice then agree, whatever either would compute on load. They come from
:func:`text_height`: a CJK character is two units of a column width, a line 15.6 points.
"""

from __future__ import annotations

import bisect
import math
import re
import unicodedata
from dataclasses import dataclass, field
from typing import Any, Callable, Iterable, Iterator, Optional

from ..core.grid import col_letter, col_number

# Same colours as the marks on the table (excel.port.MARK_STYLES) and as the text report.
# 提示 rows stay white: nothing to do.
SEVERITY_FILLS = {"错误": ("FFC7CE", "9C0006"), "警告": ("FFEB9C", "9C5700")}
HEADER_FILL = "D9D9D9"
LINE_PT = 15.6  # one line of 11-point text (CJK fonts are taller than Calibri's 15)
PAD_PT = 3.0
A4_LANDSCAPE_PT = (842.0, 595.0)


@dataclass(frozen=True)
class PrintSetup:
    """A4, landscape by default. ``fit_width``: so many pages wide (``fit_height`` 0: as many
    pages down as it takes); or ``scale`` (percent) with a page break after column
    ``break_after`` (the table's own columns on the first page, the rest on the next)."""

    landscape: bool = True
    fit_width: int = 1
    fit_height: int = 0
    scale: Optional[int] = None
    break_after: Optional[int] = None
    title_rows: Optional[tuple[int, int]] = None  # repeated at the top of every page


@dataclass
class SheetLayout:
    widths: dict[str, float] = field(default_factory=dict)  # column letter -> width (characters)
    wrap_cols: set[int] = field(default_factory=set)  # 1-based columns whose cells wrap (top-aligned)
    heights: dict[int, float] = field(default_factory=dict)  # row -> points
    freeze_rows: int = 0  # rows kept in view when scrolling (the header)
    auto_filter: Optional[str] = None  # "A1:F101"
    header_row: Optional[int] = None  # bold, grey
    severity_col: Optional[str] = None  # the column whose 错误/警告/提示 colours the whole row
    severity_rows: Optional[tuple[int, int]] = None
    last_col: Optional[int] = None  # for the severity colouring
    print: Optional[PrintSetup] = None


class _Widths(dict):
    """character -> its width in column units, looked up in unicodedata the first time it is seen."""

    def __missing__(self, ch: str) -> int:
        w = self[ch] = 2 if unicodedata.east_asian_width(ch) in "WF" else 1
        return w


_WIDTHS = _Widths()


def display_width(text: str) -> int:
    """Width in column units: CJK and full-width characters count two.

    Fast path, measured: ``--mark`` at 10k rows sizes every finding's message (3,200 messages,
    twice); a generator calling ``east_asian_width`` per character was ~40 % of its in-process
    CPU. One dict lookup per character at C speed (``map``) is ~5× cheaper; ASCII text is its
    length. tests/test_display_width.py checks it against the per-character definition."""
    if text.isascii():
        return len(text)
    return sum(map(_WIDTHS.__getitem__, text))


def text_lines(text: Any, width: float) -> int:
    if text is None or text == "":
        return 1
    usable = max(1.0, width - 1.5)  # the cell's padding
    s = text if text.__class__ is str else str(text)
    if "\n" in s:
        return sum(_lines(part, usable) for part in s.split("\n"))
    return _lines(s, usable)


def _lines(part: str, usable: float) -> int:
    """Lines of one paragraph. Measured (--mark at 10k rows sizes ~9,000 texts): most fit on
    one line even if every character were wide, and are not measured at all."""
    n = len(part)
    if n + n <= usable:
        return 1
    return max(1, math.ceil((n if part.isascii() else sum(map(_WIDTHS.__getitem__, part))) / usable))


def text_height(text: Any, width: float) -> float:
    """Points a wrapped cell of ``width`` characters needs for ``text``."""
    return lines_height(text_lines(text, width))


def lines_height(lines: int) -> float:
    return round(lines * LINE_PT + PAD_PT, 1)


def fitted_heights(rows: list[list[Any]], widths: dict[str, float], wrap_cols: Iterable[int],
                   first_row: int = 1, min_pt: float = 15.0) -> dict[int, float]:
    """The height of every row whose wrapped cells need more than one line.

    A row's height is that of its tallest cell: the most lines (heights grow with lines), so
    each cell is counted in lines and the row's height computed once."""
    out: dict[int, float] = {}
    cols = [(c - 1, widths.get(col_letter(c), 8.43)) for c in sorted(wrap_cols)]
    for i, row in enumerate(rows):
        n = len(row)
        most = 0
        for j, w in cols:
            if j < n:
                v = row[j]
                if v not in (None, ""):
                    lines = text_lines(v, w)
                    if lines > most:
                        most = lines
        if most:
            need = lines_height(most)
            if need > min_pt + 0.5:
                out[first_row + i] = need
    return out


def width_pt(chars: float) -> float:
    """A column of ``chars`` characters in points (Calibri 11: 7 px a character plus 5 px)."""
    return (chars * 7 + 5) * 0.75


def scale_for(widths_chars: Iterable[float], margins_in: float = 1.4, page_pt: float = A4_LANDSCAPE_PT[0]) -> int:
    """The print scale (percent) that puts columns of these widths on one page wide."""
    total = sum(width_pt(w) for w in widths_chars)
    usable = page_pt - margins_in * 72 - 6
    return max(10, min(100, math.floor(100 * usable / total))) if total else 100


# --- openpyxl ---------------------------------------------------------------------------------


def apply_openpyxl(ws: Any, layout: SheetLayout) -> None:
    """Apply ``layout`` to an openpyxl worksheet."""
    from openpyxl.formatting.rule import FormulaRule
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.worksheet.pagebreak import Break

    for col, w in layout.widths.items():
        ws.column_dimensions[col].width = w
    if layout.wrap_cols:  # every cell top-aligned, so a row reads across; the long ones wrapped
        wrap, top = Alignment(wrap_text=True, vertical="top"), Alignment(vertical="top")
        for row in ws.iter_rows(min_row=1, max_row=ws.max_row):
            for cell in row:
                if cell.value is not None:
                    cell.alignment = wrap if cell.column in layout.wrap_cols else top
    for r, h in layout.heights.items():
        ws.row_dimensions[r].height = h
    if layout.header_row:
        bold, grey = Font(bold=True), PatternFill("solid", fgColor=HEADER_FILL)
        for cell in ws[layout.header_row]:
            if cell.value is not None:
                cell.font, cell.fill = bold, grey
                cell.alignment = Alignment(wrap_text=True, vertical="center")
    if layout.freeze_rows:
        ws.freeze_panes = f"A{layout.freeze_rows + 1}"
    if layout.auto_filter:
        ws.auto_filter.ref = layout.auto_filter
    if layout.severity_col and layout.severity_rows and layout.last_col:
        r1, r2 = layout.severity_rows
        ref = f"A{r1}:{col_letter(layout.last_col)}{r2}"
        for word, (fill, font) in SEVERITY_FILLS.items():
            ws.conditional_formatting.add(ref, FormulaRule(
                formula=[f'${layout.severity_col}{r1}="{word}"'], stopIfTrue=True,
                fill=PatternFill("solid", fgColor=fill, bgColor=fill), font=Font(color=font)))
    p = layout.print
    if p is not None:
        ws.page_setup.paperSize = ws.PAPERSIZE_A4
        ws.page_setup.orientation = "landscape" if p.landscape else "portrait"
        if p.scale:
            ws.page_setup.scale = p.scale
            ws.sheet_properties.pageSetUpPr.fitToPage = False
        else:
            ws.sheet_properties.pageSetUpPr.fitToPage = True
            ws.page_setup.fitToWidth = p.fit_width
            ws.page_setup.fitToHeight = p.fit_height
        if p.break_after:
            ws.col_breaks.append(Break(id=p.break_after))
        if p.title_rows:
            ws.print_title_rows = f"{p.title_rows[0]}:{p.title_rows[1]}"


def has_print_setup_openpyxl(ws: Any) -> bool:
    """Whether the clerk set up printing: landscape, a scale, fit-to-page or print titles."""
    ps = ws.page_setup
    props = ws.sheet_properties.pageSetUpPr
    return bool(ps.orientation == "landscape" or (ps.scale not in (None, 100)) or (props is not None and props.fitToPage)
                or ws.print_title_rows or ws.print_area)


# --- the package editor (check --mark) --------------------------------------------------------

_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"


def add_xf(pkg: Any, *, bold: bool = False, fill: Optional[str] = None, wrap: bool = False,
           vertical: str = "top") -> int:
    """The index of a cell format in styles.xml's cellXfs (font 0 or a bold copy, an optional
    solid fill, the alignment); an equal one already there is reused, so marking a marked
    copy again adds nothing."""
    from lxml import etree

    root = pkg._styles()
    ns = f"{{{_MAIN}}}"

    def child(name: str) -> Any:
        el = root.find(ns + name)
        if el is None:
            el = etree.SubElement(root, ns + name)
        return el

    def index_of(parent: Any, tag: str, new: Any) -> int:
        key = etree.tostring(new)
        for i, el in enumerate(parent.iterfind(ns + tag)):
            if etree.tostring(el) == key:
                return i
        parent.append(new)
        parent.set("count", str(len(parent.findall(ns + tag))))
        return len(parent.findall(ns + tag)) - 1

    font_id = 0
    if bold:
        fonts = child("fonts")
        first = fonts.find(ns + "font")
        new = etree.fromstring(etree.tostring(first)) if first is not None else etree.Element(ns + "font")
        if new.find(ns + "b") is None:
            new.insert(0, etree.Element(ns + "b"))
        font_id = index_of(fonts, "font", new)
    fill_id = 0
    if fill:
        fill_id = index_of(child("fills"), "fill", etree.fromstring(
            f'<fill xmlns="{_MAIN}"><patternFill patternType="solid"><fgColor rgb="FF{fill}"/>'
            f'<bgColor indexed="64"/></patternFill></fill>'))
    xf = etree.Element(ns + "xf", numFmtId="0", fontId=str(font_id), fillId=str(fill_id), borderId="0", xfId="0")
    if bold:
        xf.set("applyFont", "1")
    if fill:
        xf.set("applyFill", "1")
    xf.set("applyAlignment", "1")
    al = etree.SubElement(xf, ns + "alignment", vertical=vertical)
    if wrap:
        al.set("wrapText", "1")
    return index_of(child("cellXfs"), "xf", xf)


def _sheet_index(pkg: Any, name: str) -> int:
    return pkg.sheet_names.index(name)


def set_defined_name(pkg: Any, sheet: str, name: str, ref: str, hidden: bool = False) -> None:
    """A sheet-level defined name (``_xlnm.Print_Titles``, ``_xlnm._FilterDatabase``) in workbook.xml."""
    from lxml import etree

    from ..core.grid import quote_sheet

    root = pkg._edit(pkg.workbook_part)
    ns = f"{{{_MAIN}}}"
    names = root.find(ns + "definedNames")
    if names is None:
        names = etree.Element(ns + "definedNames")
        after = root.find(ns + "sheets")
        for tag in ("functionGroups", "externalReferences"):
            el = root.find(ns + tag)
            after = el if el is not None else after
        after.addnext(names)
    idx = str(_sheet_index(pkg, sheet))
    for el in list(names):
        if el.get("name") == name and el.get("localSheetId") == idx:
            names.remove(el)
    el = etree.SubElement(names, ns + "definedName", name=name, localSheetId=idx)
    if hidden:
        el.set("hidden", "1")
    el.text = f"{quote_sheet(sheet)}!{ref}"


def _page_xml(p: PrintSetup, rid: str = "") -> str:
    orient = "landscape" if p.landscape else "portrait"
    if p.scale:
        fit = f' scale="{p.scale}"'
    else:
        fit = f' fitToWidth="{p.fit_width}" fitToHeight="{p.fit_height}"'
    return f'<pageSetup paperSize="9"{fit} orientation="{orient}"{rid}/>'


def _breaks_xml(p: PrintSetup) -> str:
    if not p.break_after:
        return ""
    return (f'<colBreaks count="1" manualBreakCount="1"><brk id="{p.break_after}" max="1048575" man="1"/>'
            f"</colBreaks>")


def new_sheet_pieces(pkg: Any, rows: list[list[Any]], layout: SheetLayout, selected: bool,
                     convert: Callable[[Any], Any]) -> Callable[[bool], Iterator[bytes]]:
    """A whole new worksheet holding ``rows`` from A1, laid out (the styles are added to the
    package now; the returned function writes the sheet). ``convert`` maps xlperf's own
    values (a link) to the package's; plain text (``str``) is never passed to it."""
    from . import mark_package as mp

    wrap_xf = add_xf(pkg, wrap=True) if layout.wrap_cols else None
    top_xf = add_xf(pkg, wrap=False)
    head_xf = add_xf(pkg, bold=True, fill=HEADER_FILL, wrap=True, vertical="center") if layout.header_row else None
    dxfs = {}
    if layout.severity_col:
        for word, (fill, font) in SEVERITY_FILLS.items():
            # written exactly as the marks' formats (excel.package_port): the same two, reused
            dxfs[word] = pkg.add_dxf(f'<font><color rgb="00{font}"/></font><fill><patternFill patternType="solid">'
                                     f'<fgColor rgb="00{fill}"/><bgColor rgb="00{fill}"/></patternFill></fill>')

    def pieces(is_selected: bool) -> Iterator[bytes]:
        width = max((len(r) for r in rows), default=1)
        letters = [col_letter(j + 1) for j in range(width)]
        # Each column's style attribute made once; the whole body is one string, cleaned and
        # encoded once (mp.clean_xml). Measured on 校验结果 of the 10k bench book (3,208 rows,
        # 2.4 MB): 0.026 s of CPU with a cells_xml call and an encode per row, 0.022 s so.
        attr = [f' s="{wrap_xf if (j + 1) in layout.wrap_cols else top_xf}"' for j in range(width)]
        head_attr = f' s="{head_xf}"'
        heights = layout.heights
        body: list[str] = []
        add = body.append
        for i, row in enumerate(rows):
            r = i + 1
            ht = heights.get(r)
            add(f'<row r="{r}" ht="{ht}" customHeight="1">' if ht else f'<row r="{r}">')
            rs = str(r)
            # ``convert`` is for xlperf's own values (a link): plain text is written as it is
            if r == layout.header_row:
                mp.add_cells(body, [(letters[j] + rs, v if v.__class__ is str else convert(v), head_attr)
                                    for j, v in enumerate(row) if v is not None])
            else:
                mp.add_cells(body, [(letters[j] + rs, v if v.__class__ is str else convert(v), attr[j])
                                    for j, v in enumerate(row) if v is not None])
            add("</row>")
        last = f"{col_letter(width)}{max(len(rows), 1)}"
        p = layout.print
        pr = '<sheetPr><pageSetUpPr fitToPage="1"/></sheetPr>' if p is not None and not p.scale else ""
        view = ' tabSelected="1"' if is_selected else ""
        pane = (f'<pane ySplit="{layout.freeze_rows}" topLeftCell="A{layout.freeze_rows + 1}" activePane="bottomLeft" '
                f'state="frozen"/><selection pane="bottomLeft" activeCell="A{layout.freeze_rows + 1}" '
                f'sqref="A{layout.freeze_rows + 1}"/>') if layout.freeze_rows else ""
        cols = ""
        if layout.widths:
            items = sorted((col_number(k), float(w)) for k, w in layout.widths.items())
            cols = "<cols>" + "".join(f'<col min="{c}" max="{c}" width="{w:g}" customWidth="1"/>' for c, w in items) + "</cols>"
        yield mp.XML_DECL
        yield (f'<worksheet xmlns="{_MAIN}" xmlns:r="{mp.DOC_REL_NS}">{pr}<dimension ref="A1:{last}"/>'
               f'<sheetViews><sheetView{view} workbookViewId="0">{pane}</sheetView></sheetViews>'
               f'<sheetFormatPr defaultRowHeight="15"/>{cols}<sheetData>').encode()
        yield mp.clean_xml(body)
        yield b"</sheetData>"
        if layout.auto_filter:
            yield f'<autoFilter ref="{layout.auto_filter}"/>'.encode()
        if dxfs and layout.severity_rows and layout.last_col:
            r1, r2 = layout.severity_rows
            ref = f"A{r1}:{col_letter(layout.last_col)}{r2}"
            rules = "".join(f'<cfRule type="expression" dxfId="{dxf}" priority="{i + 1}" stopIfTrue="1">'
                            f'<formula>${layout.severity_col}{r1}="{word}"</formula></cfRule>'
                            for i, (word, dxf) in enumerate(dxfs.items()))
            yield f'<conditionalFormatting sqref="{ref}">{rules}</conditionalFormatting>'.encode()
        yield b'<pageMargins left="0.7" right="0.7" top="0.75" bottom="0.75" header="0.3" footer="0.3"/>'
        if p is not None:
            yield _page_xml(p).encode()
            yield _breaks_xml(p).encode()
        yield b"</worksheet>"

    return pieces


def package_names(pkg: Any, sheet: str, layout: SheetLayout) -> None:
    """The workbook-level names a laid-out sheet needs: print titles, the filter's range."""
    if layout.print is not None and layout.print.title_rows:
        a, b = layout.print.title_rows
        set_defined_name(pkg, sheet, "_xlnm.Print_Titles", f"${a}:${b}")
    if layout.auto_filter:
        a, b = layout.auto_filter.split(":")
        abs_ref = "$" + re.sub(r"(\d+)", r"$\1", a) + ":$" + re.sub(r"(\d+)", r"$\1", b)
        set_defined_name(pkg, sheet, "_xlnm._FilterDatabase", abs_ref, hidden=True)


# --- the clerk's sheet in the package ------------------------------------------------------------

_PAGE_SETUP = re.compile(rb"<pageSetup\b[^>]*?/?>")
_FIT_TO_PAGE = re.compile(rb"<pageSetUpPr\b[^>]*\bfitToPage=\"(1|true)\"")
_COLS = re.compile(rb"<cols>.*?</cols>", re.S)
_COL = re.compile(rb'<col\b[^>]*\bmin="(\d+)"[^>]*\bmax="(\d+)"[^>]*/>')
_ROW_TAG = re.compile(rb'<row r="(\d+)"([^>]*?)(/?)>')
_HT = re.compile(rb'\s(ht|customHeight)="[^"]*"')
_RID = re.compile(rb'\sr:id="[^"]*"')
_MARGINS = re.compile(rb'<pageMargins\b[^>]*\bleft="([\d.]+)"[^>]*\bright="([\d.]+)"')
# children of <worksheet> after which a pageSetup / colBreaks goes (schema order)
_BEFORE_PAGE_SETUP = (b"sheetCalcPr", b"sheetProtection", b"protectedRanges", b"scenarios", b"autoFilter",
                      b"sortState", b"dataConsolidate", b"customSheetViews", b"mergeCells", b"phoneticPr",
                      b"conditionalFormatting", b"dataValidations", b"hyperlinks", b"printOptions", b"pageMargins")
_BEFORE_COL_BREAKS = _BEFORE_PAGE_SETUP + (b"pageSetup", b"headerFooter", b"rowBreaks")


def clerk_has_print_setup(sheet_xml: bytes, names_xml: bytes, index: int) -> bool:
    """Whether the clerk set up printing on this sheet: landscape, a scale or fit-to-page, or
    print titles / a print area (workbook.xml, ``localSheetId`` = the sheet's index)."""
    if _FIT_TO_PAGE.search(sheet_xml[:4096]):
        return True
    m = _PAGE_SETUP.search(sheet_xml, max(0, len(sheet_xml) - 65536))
    if m:
        tag = m.group(0)
        if b'orientation="landscape"' in tag or re.search(rb'\bscale="(?!100")', tag) or b"fitTo" in tag:
            return True
    for nm in (b"_xlnm.Print_Titles", b"_xlnm.Print_Area"):
        if re.search(rb'<definedName[^>]*name="' + re.escape(nm) + rb'"[^>]*localSheetId="' + str(index).encode() + rb'"',
                     names_xml) or re.search(rb'<definedName[^>]*localSheetId="' + str(index).encode()
                                             + rb'"[^>]*name="' + re.escape(nm) + rb'"', names_xml):
            return True
    return False


def _insert_after(tail: bytes, xml: bytes, after: tuple[bytes, ...]) -> bytes:
    """Insert ``xml`` into the worksheet's tail (the bytes after sheetData) in schema order:
    right after the last top-level element named in ``after`` (first if there is none)."""
    pos, depth = 0, 0
    for m in re.finditer(rb"<(/?)([A-Za-z][\w:]*)\b[^>]*?(/?)>", tail):
        closing, name, selfclosed = m.group(1), m.group(2), m.group(3)
        if name == b"worksheet":
            break
        if closing:
            depth -= 1
            if depth == 0 and name in after:
                pos = m.end()
        elif selfclosed:
            if depth == 0 and name in after:
                pos = m.end()
        else:
            depth += 1
    return tail[:pos] + xml + tail[pos:]


_DEFAULT_WIDTH = re.compile(rb'<sheetFormatPr\b[^>]*\bdefaultColWidth="([\d.]+)"')
_COL_FULL = re.compile(rb'<col\b[^>]*/>')


def column_widths(sheet_xml: bytes, n: int) -> list[float]:
    """The widths (characters) of columns 1..n as the sheet sets them."""
    end = sheet_xml.find(b"<sheetData")
    head = sheet_xml[:end if end > 0 else 4096]
    m = _DEFAULT_WIDTH.search(head)
    default = float(m.group(1)) if m else 8.43
    out = [default] * n
    for col in _COL_FULL.findall(head):
        lo, hi = re.search(rb'min="(\d+)"', col), re.search(rb'max="(\d+)"', col)
        w = re.search(rb'width="([\d.]+)"', col)
        if lo and hi and w:
            for c in range(int(lo.group(1)), min(int(hi.group(1)), n) + 1):
                out[c - 1] = float(w.group(1))
    return out


def lay_out_package_sheet(pkg: Any, sheet: str, notes_col: int, notes_width: float, heights: dict[int, float],
                          setup: Optional[PrintSetup], header_row: Optional[int] = None) -> None:
    """The clerk's sheet in a marked copy: the 校验说明 column wraps at ``notes_width`` and the
    rows of long notes grow (``heights``, only ever raised); ``setup`` is applied only when
    the clerk has no print set-up of their own. Installed on the sheet's writer: the sheet is
    rewritten as a stream when the package is saved."""
    sx = pkg.worksheet(sheet)
    if sx is None:
        return
    from lxml import etree

    names = etree.tostring(pkg._xml(pkg.workbook_part))
    if setup is not None and clerk_has_print_setup(sx.data, names, _sheet_index(pkg, sheet)):
        setup = None
    wrap_xf = add_xf(pkg, wrap=True)
    head_xf = add_xf(pkg, bold=True, fill=HEADER_FILL, wrap=True, vertical="center") if header_row else wrap_xf
    letter = col_letter(notes_col).encode()
    note_cell = re.compile(rb'<c r="' + letter + rb'(\d+)"(?![^>]*\ss=)')
    xfs = {header_row: head_xf} if header_row else {}
    raw = sx.pieces
    rows = _RowEdits(note_cell, b'<c r="' + letter, wrap_xf, heights, xfs, notes_col)

    def pieces() -> Iterator[bytes]:
        it = iter(raw(rows))  # the rows come with their look (``_RowEdits``)
        head = next(it)
        yield _head(head, notes_col, notes_width, setup)
        prev: Optional[bytes] = None
        for piece in it:
            if prev is not None:
                yield prev
            prev = piece
        if prev is not None:  # the tail: after </sheetData>
            yield _tail(prev, setup)

    sx.pieces = pieces  # the package writes this sheet through the layout
    extend_print_area(pkg, sheet, notes_col)
    if setup is not None and setup.title_rows:
        a, b = setup.title_rows
        set_defined_name(pkg, sheet, "_xlnm.Print_Titles", f"${a}:${b}")


_AREA = re.compile(r"^(.*!\$?[A-Z]+\$?\d+:\$?)([A-Z]+)(\$?\d+)$")


def extend_print_area(pkg: Any, sheet: str, notes_col: int) -> None:
    """A print area that ends at the column left of 校验说明 (the table's own) takes it in: the
    marked copy is printed to be read with its notes."""
    root = pkg._xml(pkg.workbook_part)
    names = root.find(f"{{{_MAIN}}}definedNames")
    if names is None:
        return
    idx = str(_sheet_index(pkg, sheet))
    for el in names:
        if el.get("name") == "_xlnm.Print_Area" and el.get("localSheetId") == idx and el.text:
            m = _AREA.match(el.text.strip())
            if m and col_number(m.group(2)) == notes_col - 1:
                pkg._edit(pkg.workbook_part)
                el.text = m.group(1) + col_letter(notes_col) + m.group(3)


def _head(head: bytes, col: int, width: float, setup: Optional[PrintSetup]) -> bytes:
    new_col = f'<col min="{col}" max="{col}" width="{width:g}" customWidth="1"/>'.encode()
    m = _COLS.search(head)
    if m:
        cols = m.group(0)
        if not any(int(a) <= col <= int(b) for a, b in _COL.findall(cols)):
            items = [(int(x.group(1)), x.group(0)) for x in _COL.finditer(cols)] + [(col, new_col)]
            cols = b"<cols>" + b"".join(x for _, x in sorted(items)) + b"</cols>"
            head = head[:m.start()] + cols + head[m.end():]
    else:
        i = head.find(b"<sheetData")
        head = head[:i] + b"<cols>" + new_col + b"</cols>" + head[i:]
    return head


_ROW_AT = re.compile(rb'<row r="(\d+)"')


class _RowEdits:
    """What the layout does to the clerk's sheetData (``mark_package.RowLook``): a cell of the
    notes column without a style gets the wrapped one (the header's: ``xfs``), a row in
    ``heights`` is raised to it.

    It used to be two substitutions over every piece of the written sheet (4.65 MB at 10k
    rows, a Python call per row: 0.03 s of the marked sheet's 0.045 s of CPU). Now an edited
    row gets its look as it is written (``tag``, ``style``), and any other piece is first
    asked at C speed whether it holds a cell of the notes column or a row in ``heights``
    (``piece``): the slices of the source between edited rows rarely do."""

    def __init__(self, note_cell: re.Pattern[bytes], note_prefix: bytes, xf: int, heights: dict[int, float],
                 xfs: dict[int, int], notes_col: int) -> None:
        self.note_cell, self.note_prefix, self.xf, self.heights, self.xfs = note_cell, note_prefix, xf, heights, xfs
        self.rows = sorted(heights)
        self.notes_col = notes_col
        self.attrs = {xf: f' s="{xf}"', **{x: f' s="{x}"' for x in xfs.values()}}

    def style(self, r: int, c: int) -> str:
        return self.attrs[self.xfs.get(r, self.xf)] if c == self.notes_col else ""

    def tag(self, r: int, tag: bytes) -> bytes:
        need = self.heights.get(r)
        if need is None:
            return tag
        if b'ht="' not in tag and tag.startswith(b'<row r="%d"' % r) and tag.find(b">") == len(tag) - 1 \
                and not tag.endswith(b"/>"):
            # No height of its own (neither ht nor customHeight): what ``_row`` makes of it.
            return tag[:-1] + f' ht="{need}" customHeight="1">'.encode()
        m = _ROW_TAG.match(tag)
        return tag if m is None else self._row(m) + tag[m.end():]

    def piece(self, piece: bytes, rows: range) -> bytes:
        if self.note_prefix in piece:
            xfs, xf = self.xfs, self.xf
            piece = self.note_cell.sub(lambda m: m.group(0) + b' s="%d"' % xfs.get(int(m.group(1)), xf), piece)
        if rows:
            k = bisect.bisect_left(self.rows, rows.start)
            if k < len(self.rows) and self.rows[k] < rows.stop:
                piece = _ROW_TAG.sub(self._row, piece)
        return piece

    def _row(self, m: re.Match[bytes]) -> bytes:
        r = int(m.group(1))
        need = self.heights.get(r)
        attrs = m.group(2)
        if need is None:
            return m.group(0)
        # Raised, never lowered; a row without a height of its own gets one too (LibreOffice
        # does not fit the height of a row of a file to its wrapped text).
        ht = re.search(rb'\sht="([\d.]+)"', attrs)
        if ht and float(ht.group(1)) >= need:
            return m.group(0)
        attrs = _HT.sub(b"", attrs) + f' ht="{need}" customHeight="1"'.encode()
        return b'<row r="' + m.group(1) + b'"' + attrs + m.group(3) + b">"


def _tail(tail: bytes, setup: Optional[PrintSetup]) -> bytes:
    if setup is None:
        return tail
    m = _PAGE_SETUP.search(tail)
    rid = b""
    if m:
        r = _RID.search(m.group(0))
        rid = r.group(0) if r else b""
        tail = tail[:m.start()] + tail[m.end():]
    tail = _insert_after(tail, _page_xml(setup, rid.decode()).encode(), _BEFORE_PAGE_SETUP)
    if setup.break_after and b"<colBreaks" not in tail:
        tail = _insert_after(tail, _breaks_xml(setup).encode(), _BEFORE_COL_BREAKS)
    return tail


def margins_in(sheet_xml: bytes) -> float:
    """Left + right page margins (inches) of a sheet, Excel's default when it has none."""
    m = _MARGINS.search(sheet_xml, max(0, len(sheet_xml) - 65536))
    return float(m.group(1)) + float(m.group(2)) if m else 1.4
