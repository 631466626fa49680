"""The --mark writer as it was before the speed work of 2026-12-03 (commit a3ec99a): the oracle
tests/test_mark_writer_speed_oracle.py compares the writer of today with. Copied verbatim
(only the imports adapted); do not improve it — it is the definition of the bytes written.

Replaced pieces: ``mark_package.cells_xml`` / ``new_sheet_xml`` / ``SheetXml.pieces`` and
``_row`` (one cleaning and encoding per row; no row look), ``sheet_layout.new_sheet_pieces``
and ``lay_out_package_sheet`` (two regex substitutions over every piece of the clerk's sheet),
and the height helpers (``text_lines``, ``text_height``, ``fitted_heights``).
"""

from __future__ import annotations

import bisect
import math
import re
from typing import Any, Callable, Iterable, Iterator, Optional

from xlperf.core.grid import col_letter, col_number, parse_address
from xlperf.readers.sheet_xml import CELL, CELL_START, ESCAPE_X, S_ATTR, SPANS, col
from xlperf.writers import mark_package as mp
from xlperf.writers.mark_package import DOC_REL_NS, MAIN_NS, XML_DECL, Formula, Value, _num, _text
from xlperf.writers.safe_cells import MAX_CELL_CHARS, xlsx_text, xlsx_value
from xlperf.writers.sheet_layout import (HEADER_FILL, LINE_PT, PAD_PT, SEVERITY_FILLS, PrintSetup, SheetLayout, _COLS,
                                         _COL, _HT, _ROW_TAG, _WIDTHS, _breaks_xml, _head, _page_xml, _sheet_index,
                                         _tail, add_xf, clerk_has_print_setup, extend_print_area, set_defined_name)

_MAIN = MAIN_NS
Block = Any


def display_width(text: str) -> int:
    if text.isascii():
        return len(text)
    return sum(map(_WIDTHS.__getitem__, text))


def text_lines(text: Any, width: float) -> int:
    if text is None or text == "":
        return 1
    usable = max(1.0, width - 1.5)  # the cell's padding
    return sum(max(1, math.ceil(display_width(part) / usable)) for part in str(text).split("\n"))


def text_height(text: Any, width: float) -> float:
    """Points a wrapped cell of ``width`` characters needs for ``text``."""
    return round(text_lines(text, width) * LINE_PT + PAD_PT, 1)


def fitted_heights(rows: list[list[Any]], widths: dict[str, float], wrap_cols: Iterable[int],
                   first_row: int = 1, min_pt: float = 15.0) -> dict[int, float]:
    """The height of every row whose wrapped cells need more than one line."""
    out: dict[int, float] = {}
    cols = sorted(wrap_cols)
    for i, row in enumerate(rows):
        need = max((text_height(row[c - 1], widths.get(col_letter(c), 8.43))
                    for c in cols if c - 1 < len(row) and row[c - 1] not in (None, "")), default=0.0)
        if need > min_pt + 0.5:
            out[first_row + i] = need
    return out


def cell_xml(ref: str, v: Value, style: Optional[bytes] = None) -> bytes:
    """One ``<c>``: text as an inline string (never a formula, whatever it starts with),
    numbers as numbers, :class:`Formula` as a formula with its cached value."""
    return cells_xml([(ref, v, style)])


def cells_xml(cells: Iterable[tuple[str, Value, Optional[bytes]]]) -> bytes:
    """Several ``<c>`` elements, (ref, value, style) each. Text is escaped per cell but cleaned
    of XML-illegal characters once for all of them: the markup around it never has any."""
    out: list[str] = []
    for ref, v, style in cells:
        s = f' s="{style.decode()}"' if style else ""
        if type(v) is str:  # most cells: kept to a few C-level string operations
            if len(v) > MAX_CELL_CHARS:
                v = v[:MAX_CELL_CHARS]  # Excel's limit: never written longer
            if "_x" in v:
                v = ESCAPE_X.sub(r"_x005F_\1", v)
            out.append(f'<c r="{ref}"{s} t="inlineStr"><is><t xml:space="preserve">'
                       f'{v.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")}</t></is></c>')
        elif isinstance(v, Formula):
            body = "<f>" + _text(str(v).lstrip("=")) + "</f>"
            cached = xlsx_value(v.cached)
            if isinstance(cached, bool):
                out.append(f'<c r="{ref}"{s} t="b">{body}<v>{int(cached)}</v></c>')
            elif isinstance(cached, (int, float)):
                out.append(f'<c r="{ref}"{s}>{body}<v>{cached!r}</v></c>')
            else:
                text = "" if cached is None else str(cached)
                out.append(f'<c r="{ref}"{s} t="str">{body}<v>{_text(text)}</v></c>')
        else:
            v = xlsx_value(v)
            if v is None:
                if style:
                    out.append(f'<c r="{ref}"{s}/>')
            elif isinstance(v, bool):
                out.append(f'<c r="{ref}"{s} t="b"><v>{int(v)}</v></c>')
            elif isinstance(v, (int, float)):
                out.append(f'<c r="{ref}"{s}><v>{v!r}</v></c>')
            else:
                out.append(f'<c r="{ref}"{s} t="inlineStr"><is><t xml:space="preserve">{_text(str(v))}</t></is></c>')
    # "ignore" drops lone surrogates (text from a broken file), which UTF-8 cannot carry.
    return xlsx_text("".join(out)).encode("utf-8", "ignore")


def sheet_pieces(self) -> Iterator[bytes]:
    """The edited sheet, as a sequence of byte strings (most of them slices of the source)."""
    d = self.data
    edits = self._effective_edits()
    yield self._head(edits)
    pos = self.sd_start
    if self.empty:
        yield b">"
    for r in sorted(edits):
        cells = edits[r]
        k = bisect.bisect_left(self.row_nums, r)
        if k < len(self.row_nums) and self.row_nums[k] == r:
            start, tag_end, end, closed = self.row_span(k)
            yield d[pos:start]
            yield sheet_row(self, r, d[start:tag_end], b"" if closed else d[tag_end:end - len(b"</row>")], cells, closed)
            pos = end
        elif any(v is not None for v in cells.values()):
            at = self.row_starts[k] if k < len(self.row_starts) else self.sd_end
            yield d[pos:at]
            yield b'<row r="%d">' % r + cells_xml((col_letter(c) + str(r), v, None)
                                                  for c, v in sorted(cells.items())) + b"</row>"
            pos = at
    yield d[pos:self.sd_end]
    yield b"</sheetData>"
    yield self._tail()


def sheet_row(self, r: int, tag: bytes, body: bytes, cells: dict[int, Value], closed: bool) -> bytes:
    if closed:
        tag = tag[:-2].rstrip() + b">"
    new_cols = [c for c, v in cells.items() if v is not None]
    m = SPANS.search(tag)
    if m and new_cols and max(new_cols) > int(m.group(2)):
        tag = tag[:m.start()] + b' spans="%s:%d"' % (m.group(1), max(new_cols)) + tag[m.end():]
    last = body.rfind(b'<c r="')
    if last < 0 or col(CELL_START.match(body, last).group(1)) < min(cells):
        # The usual case, a note right of the row's last cell: append, no cell parsing.
        return tag + body + cells_xml((col_letter(c) + str(r), v, None) for c, v in sorted(cells.items())) + b"</row>"
    out: list[bytes] = []
    todo = dict(cells)
    pos = 0
    for m in CELL.finditer(body):
        c = col(m.group(1))
        for nc in sorted(x for x in todo if x < c):
            out.append(cell_xml(col_letter(nc) + str(r), todo.pop(nc)))
        out.append(body[pos:m.start()])
        pos = m.end()
        if c in todo:
            style = S_ATTR.search(m.group(3))
            out.append(cell_xml(col_letter(c) + str(r), todo.pop(c), style.group(1) if style else None))
        else:
            out.append(m.group(0))
    out.append(body[pos:])
    for nc in sorted(todo):
        out.append(cell_xml(col_letter(nc) + str(r), todo[nc]))
    return tag + b"".join(out) + b"</row>"

def new_sheet_xml(rows: Block, top_left: str = "A1", widths: Optional[dict[str, float]] = None,
                  selected: bool = False, convert: Callable[[Any], Any] = lambda v: v) -> Iterator[bytes]:
    """A whole new worksheet holding ``rows`` from ``top_left`` (None cells are left out);
    ``convert`` maps each value present to what :func:`cell_xml` writes."""
    r0, c0 = parse_address(top_left)
    body: list[bytes] = []
    first_c, last_c, first_r, last_r = 0, 0, 0, 0
    letters = [col_letter(c0 + j) for j in range(max((len(r) for r in rows), default=0))]
    for i, row in enumerate(rows):
        if row.count(None) == len(row):  # most rows of a mark block: skipped at C speed
            continue
        r = r0 + i
        present = [j for j, v in enumerate(row) if v is not None]
        cells = cells_xml((f"{letters[j]}{r}", convert(row[j]), None) for j in present)
        if cells:
            body.append(b'<row r="%d">' % r + cells + b"</row>")
            first_r = first_r or r
            last_r = r
            first_c = min(first_c or present[0] + c0, present[0] + c0)
            last_c = max(last_c, present[-1] + c0)
    dim = f"{col_letter(first_c)}{first_r}:{col_letter(last_c)}{last_r}" if last_r else "A1"
    cols = ""
    if widths:
        items = sorted((col_number(k), float(w)) for k, w in widths.items())
        cols = "<cols>" + "".join(f'<col min="{c}" max="{c}" width="{_num(w)}" customWidth="1"/>'
                                  for c, w in items) + "</cols>"
    view = ' tabSelected="1"' if selected else ""
    yield XML_DECL
    yield (f'<worksheet xmlns="{MAIN_NS}" xmlns:r="{DOC_REL_NS}"><dimension ref="{dim}"/>'
           f'<sheetViews><sheetView{view} workbookViewId="0"/></sheetViews>'
           f'<sheetFormatPr defaultRowHeight="15"/>{cols}<sheetData>').encode()
    yield b"".join(body)
    yield (b'</sheetData><pageMargins left="0.75" right="0.75" top="1" bottom="1" header="0.5" footer="0.5"/>'
           b"</worksheet>")


def new_sheet_pieces(pkg: Any, rows: list[list[Any]], layout: SheetLayout, selected: bool,
                     convert: Callable[[Any], Any]) -> Callable[[bool], Iterator[bytes]]:
    """A whole new worksheet holding ``rows`` from A1, laid out (the styles are added to the
    package now; the returned function writes the sheet)."""
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
        body: list[bytes] = []
        for i, row in enumerate(rows):
            r = i + 1
            styles = []
            for j, v in enumerate(row):
                if v is None:
                    continue
                s = head_xf if r == layout.header_row else (wrap_xf if (j + 1) in layout.wrap_cols else top_xf)
                styles.append((f"{letters[j]}{r}", convert(v), str(s).encode() if s is not None else None))
            ht = layout.heights.get(r)
            attrs = f' ht="{ht}" customHeight="1"' if ht else ""
            body.append(f'<row r="{r}"{attrs}>'.encode() + cells_xml(styles) + b"</row>")
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
        yield b"".join(body)
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

    def pieces() -> Iterator[bytes]:
        it = iter(raw())
        head = next(it)
        yield _head(head, notes_col, notes_width, setup)
        prev: Optional[bytes] = None
        for piece in it:
            if prev is not None:
                yield _rows(prev, note_cell, wrap_xf, heights, xfs)
            prev = piece
        if prev is not None:  # the tail: after </sheetData>
            yield _tail(prev, setup)

    sx.pieces = pieces  # the package writes this sheet through the layout
    extend_print_area(pkg, sheet, notes_col)
    if setup is not None and setup.title_rows:
        a, b = setup.title_rows
        set_defined_name(pkg, sheet, "_xlnm.Print_Titles", f"${a}:${b}")


def _rows(piece: bytes, note_cell: re.Pattern[bytes], xf: int, heights: dict[int, float],
          xfs: dict[int, int]) -> bytes:
    piece = note_cell.sub(lambda m: m.group(0) + b' s="%d"' % xfs.get(int(m.group(1)), xf), piece)
    if not heights:
        return piece

    def row(m: re.Match[bytes]) -> bytes:
        r = int(m.group(1))
        need = heights.get(r)
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

    return _ROW_TAG.sub(row, piece)


