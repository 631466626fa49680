"""A small streaming .xlsx writer for the large outputs (``xlperf export``, ``xlperf split -o .xlsx``).

Why not openpyxl or XlsxWriter: measured on the 100,000-row records sheet (1.8 M cells, one
core of the shared bench machine), openpyxl's write-only mode needs ~18 s of CPU, XlsxWriter
(constant_memory) 13.6 s, and writing the sheet XML directly 1.7 s; with the column-wise
formatting below the whole split to .xlsx takes ~1.2 s. The package parts around the cells are
few and fixed, so they are written here too and openpyxl is not even imported (0.2–0.3 s of
start-up).

What it writes is what openpyxl wrote before for the same settings: the same styles (fonts,
fills, borders, alignment, number formats), the Office theme, column widths, row heights,
frozen panes, merged ranges, autofilter, print titles and area, page set-up. Text is always a
shared string (``t="s"``): no cell can become a formula or an error value, and the workbook
has no ``<f>`` element at all (see ``safe_cells``).

Cells are formatted column by column: a value's XML depends only on the value and the cell
style, and values repeat heavily (产出指标, ≥, 正向指标, a project's name on each of its rows),
so each distinct (style, value) is rendered once (``ValueMemo``) and a row is one ``str.join``
of pieces lined up by ``zip``.
"""

from __future__ import annotations

import math
import re
import zipfile
from dataclasses import dataclass
from datetime import datetime, timezone
from itertools import count, islice, repeat
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator, Optional, Sequence, Union

from ..core.grid import col_letter
from ..zipstream import FAST_LEVEL, overlapped
from .safe_cells import ILLEGAL_XML_RE, cell_text, xlsx_text
from .xlsx_theme import THEME_XML

MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG_REL_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
_CT_SHEET = "application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"

# Level 1 deflates the sheet XML ~3x faster than the default 6 (measured on the 100k-row records
# sheet) for ~35 % more bytes; with shared strings the files are still smaller than openpyxl's
# were (100k-row export: 18.2 MB against 19.3 MB). The policy and its figures: zipstream.
COMPRESSLEVEL = FAST_LEVEL
ROWS_PER_WRITE = 4096

# Number formats Excel knows by id (ECMA-376 18.8.30); anything else gets an id from 164 up.
_BUILTIN_FORMATS = {"General": 0, "0": 1, "0.00": 2, "#,##0": 3, "#,##0.00": 4, "0%": 9, "0.00%": 10,
                    "@": 49}
_DEFAULT_MARGINS = (0.75, 0.75, 1.0, 1.0, 0.5, 0.5)  # left, right, top, bottom, header, footer


@dataclass(frozen=True)
class Style:
    """A cell style as the outputs use them (also applied to openpyxl cells by ``layout_xlsx``)."""

    bold: bool = False
    size: Optional[float] = None
    fill: Optional[str] = None  # solid fill, RGB hex such as "D9E1F2"
    border: bool = False  # thin black line on all four sides
    horizontal: Optional[str] = None
    vertical: Optional[str] = None
    wrap: bool = False
    number_format: Optional[str] = None

    @property
    def has_alignment(self) -> bool:
        return bool(self.horizontal or self.vertical or self.wrap)


@dataclass
class Sheet:
    """One worksheet: its rows (from :meth:`XlsxBook.row` / :meth:`XlsxBook.rows`) and settings.

    References are Excel's own: ``dimension="A1:L1007"``, ``freeze="A4"``, merges ``"B5:B9"``,
    ``print_titles="2:3"`` (rows), ``print_area="A1:L1007"``.
    """

    name: str
    rows: Iterable[str]
    dimension: str = "A1"
    widths: Sequence[tuple[int, float]] = ()  # (1-based column, width in characters)
    freeze: Optional[str] = None
    autofilter: Optional[str] = None
    merges: Iterable[str] = ()
    print_titles: Optional[str] = None
    print_area: Optional[str] = None
    fit_width: bool = False  # landscape A4, one page wide
    centered: bool = False
    margins: tuple[float, ...] = _DEFAULT_MARGINS
    own: bool = False  # written by xlperf and never a table: carries the marker of core/own_sheets.py


_HEX_ESCAPE_RE = re.compile(r"_(x[0-9A-Fa-f]{4}_)")


def _esc(s: str) -> str:
    """Text for XML element content or a double-quoted attribute. A literal ``_x0041_`` is
    written ``_x005F_x0041_``: Excel, LibreOffice and calamine read ``_xHHHH_`` as a character."""
    if "&" in s:
        s = s.replace("&", "&amp;")
    if "<" in s:
        s = s.replace("<", "&lt;")
    if ">" in s:
        s = s.replace(">", "&gt;")
    if '"' in s:
        s = s.replace('"', "&quot;")
    if "\r" in s:  # an XML parser would turn a bare CR into LF
        s = s.replace("\r", "&#13;")
    if "_x" in s:
        s = _HEX_ESCAPE_RE.sub(r"_x005F_\1", s)
    return s


def num_text(v: Any) -> Optional[str]:
    """How a number is stored in ``<v>``: whole numbers without ".0", others round-trip exact;
    None for NaN and infinities (written as blank cells, as before)."""
    if v.__class__ is int:
        return str(v)
    v = float(v)
    if not math.isfinite(v):
        return None
    if v.is_integer() and abs(v) < 1e15:
        return str(int(v))
    return repr(v)


def _fmt_num(v: float) -> str:
    return str(int(v)) if float(v).is_integer() else repr(float(v))


class ValueMemo(dict):
    """``fn(value)`` memoised, for mapping whole columns of cell values at C speed.

    ``memo.column(values)`` is ``[fn(v) for v in values]`` where each distinct value is computed
    once: cell values repeat heavily. A dict with ``__missing__`` costs ~0.11 s per million
    lookups against 0.40 s for ``functools.lru_cache(typed=True)`` (measured), which matters at
    millions of cells. Not memoised: bools and numbers equal to 0 or 1 (``True == 1`` and
    ``hash(True) == hash(1)``, yet they are written differently), and unusual types; numbers that
    are equal otherwise (5 and 5.0) must give the same result, which every ``fn`` here does.
    """

    __slots__ = ("fn",)

    def __init__(self, fn: Callable[[Any], Any]) -> None:
        super().__init__()
        self.fn = fn

    def __missing__(self, v: Any) -> Any:
        out = self.fn(v)
        t = v.__class__
        if t is str or v is None or ((t is float or t is int) and v != 0 and v != 1):
            self[v] = out
        return out

    def get_one(self, v: Any) -> Any:
        try:
            return self[v]
        except TypeError:  # unhashable
            return self.fn(v)

    def column(self, values: Iterable[Any]) -> list[Any]:
        values = values if isinstance(values, (list, tuple)) else list(values)
        if _mostly_distinct(values):  # (row numbers, source cells) memoising would only cost
            return list(map(self.fn, values))
        try:
            return list(map(self.__getitem__, values))
        except TypeError:  # an unhashable value somewhere: the slow way
            return list(map(self.get_one, values))


def _mostly_distinct(values: Sequence[Any], sample: int = 1000) -> bool:
    if len(values) < 2 * sample:
        return False
    try:
        return len(set(values[:sample])) > 0.9 * sample
    except TypeError:
        return False


_BLANK = '"/>'  # the fragment of a blank cell without a style


class _Heights(dict):
    """Row height (points) -> the end of the ``<row r="…`` tag; None -> no explicit height."""

    def __missing__(self, h: Optional[float]) -> str:
        attr = '">' if h is None else f'" ht="{_fmt_num(h)}" customHeight="1">'
        self[h] = attr
        return attr


class XlsxBook:
    """Write a workbook sheet by sheet into ``path``; the cells of a sheet are streamed.

    ``with XlsxBook(path, title=...) as book: book.add(Sheet(...))`` — the package is complete
    when the block ends without an exception (callers write to a temporary path, ``atomic``).
    """

    def __init__(self, path: Union[str, Path], *, title: Optional[str] = None, creator: str = "xlperf",
                 compresslevel: int = COMPRESSLEVEL, description: Optional[str] = None,
                 status: Optional[str] = None) -> None:
        self.path = Path(path)
        self.title = title
        self.creator = creator
        self.description = description  # docProps: 备注 (dc:description)
        self.status = status  # docProps: 状态 (cp:contentStatus)
        self._zip = zipfile.ZipFile(self.path, "w", zipfile.ZIP_DEFLATED, compresslevel=compresslevel)
        self._sheets: list[Sheet] = []
        self._strings: dict[str, int] = {}
        self._styles: dict[Style, int] = {}
        self._fragments: dict[int, ValueMemo] = {}
        self._heights = _Heights()

    def __enter__(self) -> "XlsxBook":
        return self

    def __exit__(self, exc_type: Any, exc: Any, tb: Any) -> None:
        try:
            if exc_type is None:
                self._finish()
        finally:
            self._zip.close()

    # --- cells -------------------------------------------------------------------------

    def style(self, style: Optional[Style]) -> int:
        """The cell-format index of ``style`` (0: the default format)."""
        if style is None or style == Style():
            return 0
        sid = self._styles.get(style)
        if sid is None:
            sid = self._styles[style] = len(self._styles) + 1
        return sid

    def _string(self, s: str) -> int:
        k = self._strings.get(s)
        if k is None:
            k = self._strings[s] = len(self._strings)
        return k

    def _fragment(self, v: Any, sattr: str) -> str:
        """The cell's XML after ``<c r="A5``: ``" s="3" t="s"><v>12</v></c>``, or ``" s="3"/>``
        for a blank cell (``sattr`` is the style attribute or "")."""
        if v is None:
            return f'"{sattr}/>'
        t = v.__class__
        if t is str:
            s = cell_text(v)
            if not s:
                return f'"{sattr}/>'
            return f'"{sattr} t="s"><v>{self._string(s)}</v></c>'
        if t is bool:
            return f'"{sattr} t="b"><v>{int(v)}</v></c>'
        try:
            text = num_text(v)
        except (TypeError, ValueError, OverflowError):  # not a number: keep it as text
            return self._fragment(str(v), sattr)
        if text is None:
            return f'"{sattr}/>'
        return f'"{sattr}><v>{text}</v></c>'

    def _frags(self, style_id: int) -> ValueMemo:
        """value -> ``_fragment`` in one style."""
        f = self._fragments.get(style_id)
        if f is None:
            sattr = f' s="{style_id}"' if style_id else ""
            f = self._fragments[style_id] = ValueMemo(lambda v: self._fragment(v, sattr))
        return f

    def _column(self, values: Sequence[Any], style_id: int) -> list[str]:
        """The fragments of a column of values. Two kinds of column skip the memo, whose misses
        cost a Python call each: all ints (row numbers) and all-new distinct texts (the source
        cells of the records), registered as shared strings in one go."""
        if not values:
            return []
        kinds = set(map(type, values))
        sattr = f' s="{style_id}"' if style_id else ""
        if kinds == {int}:
            return list(map(('"' + sattr + "><v>{}</v></c>").format, values))
        if kinds == {str} and _mostly_distinct(values):
            distinct = set(values)
            if len(distinct) == len(values) and "" not in distinct and distinct.isdisjoint(self._strings) \
                    and not ILLEGAL_XML_RE.search("".join(values)):
                first = len(self._strings)
                self._strings.update(zip(values, count(first)))
                return list(map(('"' + sattr + ' t="s"><v>{}</v></c>').format, range(first, first + len(values))))
        return self._frags(style_id).column(values)

    def row(self, r: int, cells: Iterable[tuple[int, Any, int]], height: Optional[float] = None) -> str:
        """One ``<row>``: ``cells`` are (1-based column, value, style id); a blank cell without a
        style is left out."""
        parts = [f'<row r="{r}{self._heights[height]}']
        for c, v, sid in cells:
            frag = self._frags(sid).get_one(v)
            if frag != _BLANK:
                parts.append(f'<c r="{letter(c)}{r}{frag}')
        parts.append("</row>")
        return "".join(parts)

    def rows(self, first_row: int, columns: Sequence[Sequence[Any]], styles: Sequence[Union[int, Sequence[int]]], *,
             first_col: int = 1, heights: Optional[Sequence[Optional[float]]] = None) -> Iterator[str]:
        """Rows ``first_row``… from equally long value ``columns`` (column ``first_col``…), each
        column in one style (or a style per row). A column with no value and no style is left
        out; a blank cell of another column is written as an empty (styled) cell.

        A row is one ``str.join`` of its pieces, all lined up by ``zip``: 0.14 s for the 100k
        rows of the records sheet, against 0.48 s formatting a row template.
        """
        n = len(columns[0]) if columns else 0
        numbers = list(map(str, range(first_row, first_row + n)))
        pieces: list[Iterable[str]] = [repeat('<row r="'), numbers,
                                       repeat('">') if heights is None else map(self._heights.__getitem__, heights)]
        for j, (col, sid) in enumerate(zip(columns, styles)):
            if isinstance(sid, int):
                frags = self._column(col, sid)
            else:
                frags = [self._frags(s).get_one(v) for v, s in zip(col, sid)]
                sid = any(sid)
            if not sid and frags.count(_BLANK) == n:
                continue
            pieces += [repeat(f'<c r="{letter(first_col + j)}'), numbers, frags]
        pieces.append(repeat("</row>"))
        return map("".join, zip(*pieces)) if n else iter(())

    # --- the package ---------------------------------------------------------------------

    def add(self, sheet: Sheet) -> None:
        """Write ``sheet`` now (its rows are consumed in chunks: the sheet never sits in memory)."""
        self._sheets.append(sheet)
        name = f"xl/worksheets/sheet{len(self._sheets)}.xml"
        # The rows are formatted on a helper thread while this one deflates the chunks before
        # (zipfile's write: zlib and crc32 let go of the GIL). Deflating is a third of the time of
        # a large sheet (0.33 s of CPU for the 60 MB of XML of 100k records).
        with self._zip.open(name, "w") as fh:
            for data in overlapped(self._sheet_chunks(sheet), name="xlsx-rows"):
                fh.write(data)

    def _sheet_chunks(self, sheet: Sheet) -> Iterator[bytes]:
        yield self._sheet_head(sheet).encode()
        rows = iter(sheet.rows)
        while chunk := "".join(islice(rows, ROWS_PER_WRITE)):
            yield chunk.encode("utf-8")
        yield self._sheet_tail(sheet).encode()

    def _sheet_head(self, s: Sheet) -> str:
        out = [f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<worksheet xmlns="{MAIN_NS}">']
        out.append('<sheetPr><outlinePr summaryBelow="1" summaryRight="1"/>'
                   + ('<pageSetUpPr fitToPage="1"/>' if s.fit_width else "<pageSetUpPr/>") + "</sheetPr>")
        out.append(f'<dimension ref="{s.dimension}"/>')
        out.append(f'<sheetViews><sheetView workbookViewId="0">{_pane(s.freeze)}</sheetView></sheetViews>')
        out.append('<sheetFormatPr baseColWidth="8" defaultRowHeight="15"/>')
        if s.widths:
            out.append("<cols>" + "".join(f'<col min="{c}" max="{c}" width="{_fmt_num(w)}" customWidth="1"/>'
                                          for c, w in s.widths) + "</cols>")
        out.append("<sheetData>")
        return "".join(out)

    def _sheet_tail(self, s: Sheet) -> str:
        out = ["</sheetData>"]
        if s.autofilter:
            out.append(f'<autoFilter ref="{s.autofilter}"/>')
        merges = [f'<mergeCell ref="{m}"/>' for m in s.merges]
        if merges:
            out.append(f'<mergeCells count="{len(merges)}">' + "".join(merges) + "</mergeCells>")
        if s.centered:
            out.append('<printOptions horizontalCentered="1"/>')
        left, right, top, bottom, header, footer = s.margins
        out.append(f'<pageMargins left="{_fmt_num(left)}" right="{_fmt_num(right)}" top="{_fmt_num(top)}" '
                   f'bottom="{_fmt_num(bottom)}" header="{_fmt_num(header)}" footer="{_fmt_num(footer)}"/>')
        if s.fit_width:
            out.append('<pageSetup orientation="landscape" paperSize="9" fitToHeight="0" fitToWidth="1"/>')
        out.append("</worksheet>")
        return "".join(out)

    def _finish(self) -> None:
        z = self._zip
        n = len(self._sheets)
        z.writestr("xl/sharedStrings.xml", self._shared_strings())
        z.writestr("xl/styles.xml", self._stylesheet())
        z.writestr("xl/theme/theme1.xml", THEME_XML)
        z.writestr("xl/workbook.xml", self._workbook_xml())
        rels = [(f"rId{i}", f"{REL_NS}/worksheet", f"worksheets/sheet{i}.xml") for i in range(1, n + 1)]
        rels += [(f"rId{n + 1}", f"{REL_NS}/styles", "styles.xml"), (f"rId{n + 2}", f"{REL_NS}/theme", "theme/theme1.xml"),
                 (f"rId{n + 3}", f"{REL_NS}/sharedStrings", "sharedStrings.xml")]
        z.writestr("xl/_rels/workbook.xml.rels", _relationships(rels))
        z.writestr("_rels/.rels", _relationships([
            ("rId1", f"{REL_NS}/officeDocument", "xl/workbook.xml"),
            ("rId2", f"{PKG_REL_NS}/metadata/core-properties", "docProps/core.xml"),
            ("rId3", f"{REL_NS}/extended-properties", "docProps/app.xml"),
        ]))
        z.writestr("docProps/core.xml", self._core_xml())
        z.writestr("docProps/app.xml", '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
                   '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties">'
                   "<Application>xlperf</Application></Properties>")
        z.writestr("[Content_Types].xml", _content_types(n))

    def _shared_strings(self) -> str:
        head = (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
                f'<sst xmlns="{MAIN_NS}" uniqueCount="{len(self._strings)}">')
        strings = list(self._strings)
        if not strings:
            return head + "</sst>"
        if any(map(str.__ne__, strings, map(str.strip, strings))):  # some need xml:space="preserve"
            items = [f'<si><t xml:space="preserve">{_esc(t)}</t></si>' if t != t.strip() else f"<si><t>{_esc(t)}</t></si>"
                     for t in strings]
            return head + "".join(items) + "</sst>"
        # Escaped all at once: NUL cannot be in a string (xlsx_text removed it), so it marks the joins.
        body = _esc("\0".join(strings)).replace("\0", "</t></si><si><t>")
        return f"{head}<si><t>{body}</t></si></sst>"


    def _stylesheet(self) -> str:
        # Font children in the schema's order (sz, color, name, family, scheme), as Excel writes them.
        fonts = ['<font><sz val="11"/><color theme="1"/><name val="Calibri"/><family val="2"/><scheme val="minor"/></font>']
        fills = ["<fill><patternFill/></fill>", '<fill><patternFill patternType="gray125"/></fill>']
        borders = ["<border><left/><right/><top/><bottom/><diagonal/></border>"]
        thin = '<color rgb="00000000"/>'
        border_xml = (f'<border><left style="thin">{thin}</left><right style="thin">{thin}</right>'
                      f'<top style="thin">{thin}</top><bottom style="thin">{thin}</bottom><diagonal/></border>')
        custom_formats: dict[str, int] = {}
        xfs = ['<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>']
        for st in self._styles:  # in registration order: ids are stable for a given write
            font_id = 0
            if st.bold or st.size:
                font = "<font>" + ('<b val="1"/>' if st.bold else "") + (f'<sz val="{_fmt_num(st.size)}"/>' if st.size else "") + "</font>"
                font_id = _index(fonts, font)
            fill_id = 0
            if st.fill:
                fill_id = _index(fills, f'<fill><patternFill patternType="solid"><fgColor rgb="00{st.fill}"/></patternFill></fill>')
            border_id = _index(borders, border_xml) if st.border else 0
            fmt_id = 0
            if st.number_format:
                fmt_id = _BUILTIN_FORMATS.get(st.number_format) or custom_formats.setdefault(
                    st.number_format, 164 + len(custom_formats))
            attrs = f'numFmtId="{fmt_id}" fontId="{font_id}" fillId="{fill_id}" borderId="{border_id}"'
            if st.has_alignment:
                al = "".join([f' horizontal="{st.horizontal}"' if st.horizontal else "",
                              f' vertical="{st.vertical}"' if st.vertical else "",
                              ' wrapText="1"' if st.wrap else ""])
                xfs.append(f'<xf {attrs} applyAlignment="1" xfId="0"><alignment{al}/></xf>')
            else:
                xfs.append(f'<xf {attrs} xfId="0"/>')
        num_fmts = "".join(f'<numFmt numFmtId="{i}" formatCode="{_esc(code)}"/>' for code, i in custom_formats.items())
        return "".join([
            f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<styleSheet xmlns="{MAIN_NS}">',
            f'<numFmts count="{len(custom_formats)}">{num_fmts}</numFmts>' if custom_formats else "",
            f'<fonts count="{len(fonts)}">{"".join(fonts)}</fonts>',
            f'<fills count="{len(fills)}">{"".join(fills)}</fills>',
            f'<borders count="{len(borders)}">{"".join(borders)}</borders>',
            '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>',
            f'<cellXfs count="{len(xfs)}">{"".join(xfs)}</cellXfs>',
            '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>',
            '<tableStyles count="0" defaultTableStyle="TableStyleMedium9" defaultPivotStyle="PivotStyleLight16"/>',
            "</styleSheet>",
        ])

    def _workbook_xml(self) -> str:
        sheets = "".join(f'<sheet name="{_esc(s.name)}" sheetId="{i}" r:id="rId{i}"/>'
                         for i, s in enumerate(self._sheets, 1))
        names = []
        for i, s in enumerate(self._sheets):
            q = "'" + s.name.replace("'", "''") + "'"
            if s.print_titles:
                a, b = s.print_titles.split(":")
                names.append(f'<definedName name="_xlnm.Print_Titles" localSheetId="{i}">{_esc(q)}!${a}:${b}</definedName>')
            if s.print_area:
                names.append(f'<definedName name="_xlnm.Print_Area" localSheetId="{i}">{_esc(q)}!{_absolute(s.print_area)}</definedName>')
            if s.autofilter:
                names.append(f'<definedName name="_xlnm._FilterDatabase" localSheetId="{i}" hidden="1">'
                             f"{_esc(q)}!{_absolute(s.autofilter)}</definedName>")
            if s.own:
                from ..core.own_sheets import marker_xml

                names.append(marker_xml(i, s.name).decode("utf-8"))
        return "".join([
            f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<workbook xmlns="{MAIN_NS}" xmlns:r="{REL_NS}">',
            "<workbookPr/>",
            '<bookViews><workbookView activeTab="0"/></bookViews>',
            f"<sheets>{sheets}</sheets>",
            f"<definedNames>{''.join(names)}</definedNames>" if names else "",
            "</workbook>",
        ])

    def _core_xml(self) -> str:
        now = datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
        title = f"<dc:title>{_esc(self.title)}</dc:title>" if self.title else ""
        return (
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            '<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" '
            'xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" '
            'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">'
            f"<dc:creator>{_esc(self.creator)}</dc:creator>{title}"
            + (f"<dc:description>{_esc(self.description)}</dc:description>" if self.description else "")
            + (f"<cp:contentStatus>{_esc(self.status)}</cp:contentStatus>" if self.status else "") +
            f'<dcterms:created xsi:type="dcterms:W3CDTF">{now}</dcterms:created>'
            f'<dcterms:modified xsi:type="dcterms:W3CDTF">{now}</dcterms:modified>'
            "</cp:coreProperties>"
        )


def _index(items: list[str], xml: str) -> int:
    try:
        return items.index(xml)
    except ValueError:
        items.append(xml)
        return len(items) - 1


def _absolute(ref: str) -> str:
    """``A1:L1007`` -> ``$A$1:$L$1007``."""
    out = []
    for part in ref.split(":"):
        i = len(part.rstrip("0123456789"))
        out.append(f"${part[:i]}${part[i:]}")
    return ":".join(out)


def _pane(freeze: Optional[str]) -> str:
    """The frozen-pane elements openpyxl writes for ``ws.freeze_panes = freeze``."""
    if not freeze or freeze == "A1":
        return ""
    i = len(freeze.rstrip("0123456789"))
    letters, row = freeze[:i], int(freeze[i:])
    col = 0
    for ch in letters:
        col = col * 26 + ord(ch) - 64
    split = (f' xSplit="{col - 1}"' if col > 1 else "") + (f' ySplit="{row - 1}"' if row > 1 else "")
    if col > 1 and row > 1:
        return (f'<pane{split} topLeftCell="{freeze}" activePane="bottomRight" state="frozen"/>'
                '<selection pane="topRight"/><selection pane="bottomLeft"/>'
                '<selection pane="bottomRight" activeCell="A1" sqref="A1"/>')
    active = "topRight" if col > 1 else "bottomLeft"
    return (f'<pane{split} topLeftCell="{freeze}" activePane="{active}" state="frozen"/>'
            f'<selection pane="{active}" activeCell="A1" sqref="A1"/>')


def _relationships(rels: list[tuple[str, str, str]]) -> str:
    body = "".join(f'<Relationship Id="{i}" Type="{t}" Target="{target}"/>' for i, t, target in rels)
    return f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Relationships xmlns="{PKG_REL_NS}">{body}</Relationships>'


def _content_types(n_sheets: int) -> str:
    base = "application/vnd.openxmlformats-officedocument"
    parts = [
        ("/xl/workbook.xml", f"{base}.spreadsheetml.sheet.main+xml"),
        ("/xl/styles.xml", f"{base}.spreadsheetml.styles+xml"),
        ("/xl/sharedStrings.xml", f"{base}.spreadsheetml.sharedStrings+xml"),
        ("/xl/theme/theme1.xml", f"{base}.theme+xml"),
        ("/docProps/core.xml", "application/vnd.openxmlformats-package.core-properties+xml"),
        ("/docProps/app.xml", f"{base}.extended-properties+xml"),
    ] + [(f"/xl/worksheets/sheet{i}.xml", _CT_SHEET) for i in range(1, n_sheets + 1)]
    overrides = "".join(f'<Override PartName="{p}" ContentType="{t}"/>' for p, t in parts)
    return ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            f"{overrides}</Types>")


def letter(col: int) -> str:
    """``col_letter`` for the columns tables use, from a table (merges and rows ask often)."""
    return _LETTERS[col] if col < len(_LETTERS) else col_letter(col)


_LETTERS = ("",) + tuple(col_letter(i) for i in range(1, 26 * 27 + 1))  # A … ZZ


def cell_range(r1: int, c1: int, r2: int, c2: int) -> str:
    """1-based corners -> ``B5:B9``."""
    return f"{letter(c1)}{r1}:{letter(c2)}{r2}"
