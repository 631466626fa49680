"""Worksheet XML read as bytes: the one home of the patterns xlperf scans sheet XML with.

A 10,000-row sheet is ~5 MB of XML; parsing it into a tree costs seconds, a byte search
milliseconds. Two users scan it, with two levels of trust, and their patterns live side by side
here so their assumptions can be compared:

- the **safety scan** (:class:`SheetScanner`, used by :mod:`xlperf.readers.source` before any
  parser sees a workbook) is *tolerant*: any namespace prefix (``<x:c>``), either quote, spaces
  around ``=``, references of any length, cells and rows without ``r``. It must never
  underestimate what calamine will build (a stray cell at XFD1048576 makes calamine allocate
  half a terabyte), so anything unusual makes it count more carefully, never less;
- the **package splicer** (:mod:`xlperf.writers.mark_package`, ``check --mark`` and ``fix``)
  uses the *strict* patterns (``CELL``, ``ROW_NUM`` …): XML as Excel, WPS, LibreOffice and
  openpyxl write it (unprefixed, ``r`` first, double quotes). What they do not match exactly is
  refused by the splicer (``Unsupported``) before a byte is written.

Also here: what encoding an XML part is in (:func:`xml_encoding`; UTF-8, or UTF-16 with a BOM
or a matching declaration) and :func:`to_utf8`, which both users apply to a UTF-16 part, and
the column-letter cache both share.

May import: ``xlperf.core.grid`` and the standard library (the writers import this module:
writers may import readers, never the reverse).
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field
from typing import Optional

from ..core.grid import col_letter, col_number

_COLS: dict[bytes, int] = {}


def col(letters: bytes) -> int:
    """The column number of ``b"M"`` (or ``b"m"``: Excel writes upper case, others may not)."""
    n = _COLS.get(letters)
    if n is None:
        n = _COLS[letters] = col_number(letters.decode("ascii").upper())
    return n


# --- the part's encoding and the DTD guard ------------------------------------------------

DTD_RE = re.compile(rb"<!(?:DOCTYPE|ENTITY)", re.IGNORECASE)
DTD_TEXT_RE = re.compile(r"<!(?:DOCTYPE|ENTITY)", re.IGNORECASE)


class PartEncodingError(ValueError):
    """An XML part in an encoding xlperf does not accept: ``what`` in Chinese, ``en`` in English."""

    def __init__(self, what: str, en: str) -> None:
        super().__init__(en)
        self.what, self.en = what, en


_DECL_RE = re.compile(rb"""^<\?xml[^>]*?\bencoding\s*=\s*["']([^"']*)["']""")
_UTF8_NAMES = {"utf-8", "utf8"}
_UTF16_NAMES = {"utf-16", "utf16", "utf-16le", "utf-16be"}
DECL_TEXT_RE = re.compile(r"""^(\s*<\?xml[^>]*?\bencoding\s*=\s*["'])[^"']*(["'])""")
_XML_NAME = re.compile(r"\.(?:xml|rels|vml)$", re.IGNORECASE)


def xml_encoding(name: str, head: bytes) -> Optional[str]:
    """The encoding of an XML part from its first bytes, decided before anything is scanned:
    the byte-order mark, else the XML spec's autodetection of ``<?`` in UTF-16, else the
    declaration. None: not XML. Accepted: UTF-8 (with or without BOM) and UTF-16 (with a BOM,
    or without one but declared UTF-16); a part in any other encoding, or one whose
    declaration contradicts its bytes, raises :class:`PartEncodingError` — Excel writes UTF-8
    only. The reader turns that into its refusal (exit 2), the splicer into ``Unsupported``."""
    def refuse(what: str, en: str = "") -> PartEncodingError:
        return PartEncodingError(what, en or what)

    if head.startswith((b"\xff\xfe\x00\x00", b"\x00\x00\xfe\xff")):
        raise refuse("UTF-32")
    if head.startswith((b"\xff\xfe", b"\xfe\xff")) or head.startswith((b"<\x00", b"\x00<")):
        bom = head[:2] in (b"\xff\xfe", b"\xfe\xff")
        enc = "utf-16-le" if head.startswith((b"\xff\xfe", b"<\x00")) else "utf-16-be"
        text = head[2 if bom else 0:512].decode(enc, "ignore").lstrip("\ufeff \t\r\n")
        if not text.startswith("<"):
            return None  # a binary part that happens to start like this
        m = _DECL_RE.match(text.encode("ascii", "ignore"))
        declared = m.group(1).decode("ascii").lower() if m else None
        if declared is not None and declared not in _UTF16_NAMES:
            raise refuse(f"UTF-16（但声明为 {declared}）", f"UTF-16 declared as {declared}")
        if not bom and declared is None:
            raise refuse("没有字节顺序标记也没有声明的 UTF-16", "UTF-16 without a byte-order mark or declaration")
        return enc
    utf8_bom = head.startswith(b"\xef\xbb\xbf")
    lead = head[3:] if utf8_bom else head.lstrip(b" \t\r\n")
    if not lead.startswith(b"<"):
        if utf8_bom and not lead.strip():
            return "utf-8"
        return None
    m = _DECL_RE.match(lead)
    declared = m.group(1).decode("ascii", "replace").lower() if m else None
    if declared is not None and declared not in _UTF8_NAMES and _XML_NAME.search(name):
        raise refuse(declared.upper() if declared not in _UTF16_NAMES else "UTF-16（但内容是8位编码）",
                     declared.upper() if declared not in _UTF16_NAMES else "UTF-16 declared, 8-bit content")
    return "utf-8"


def to_utf8(data: bytes, encoding: str) -> bytes:
    """A whole XML part as UTF-8, its declaration saying so (BOM dropped; a declaration added
    where the BOM alone said UTF-16): what calamine is given for a UTF-16 part (it reads UTF-8
    only), and what the splicer edits and writes back."""
    if not encoding.startswith("utf-16"):
        return data
    text, n = DECL_TEXT_RE.subn(r"\1UTF-8\2", data.decode(encoding).lstrip("\ufeff"), count=1)
    if not n:  # a BOM and no declaration (or one without encoding=): say it, now that no BOM does
        text = _PROLOG_RE.sub("", text, count=1)
        text = '<?xml version="1.0" encoding="UTF-8"?>\n' + text
    return text.encode("utf-8", "surrogatepass")


_PROLOG_RE = re.compile(r"^\s*<\?xml\b[^>]*\?>\s*")


# --- the safety scan: tolerant patterns ---------------------------------------------------

@dataclass
class SheetScan:
    """What the raw XML of one worksheet says (sheet rows and columns 1-based)."""

    part: str
    max_row: int = 0  # bound on the last row calamine would place a cell in
    max_col: int = 0
    row_bound: int = 0  # a cheaper bound that may stand in for max_row (see _fast_cells)
    cells: int = 0  # cells with content (not self-closing)
    hidden_rows: set[int] = field(default_factory=set)
    errors: dict[tuple[int, int], str] = field(default_factory=dict)  # (row, col) -> "#REF!"
    formulas: dict[tuple[int, int], str] = field(default_factory=dict)  # uncached: (row, col) -> "=A1+1"
    # The scanned pieces that hold <mergeCell> elements. Only a sheet read sparsely needs the
    # merges from here (calamine reports them otherwise): they are parsed on first use.
    merge_xml: list[bytes] = field(default_factory=list)

    @property
    def dense_cells(self) -> int:
        return max(self.max_row, self.row_bound) * self.max_col

    @property
    def merges(self) -> list[str]:
        """The merged ranges, ``"A1:B3"``."""
        return [m.group(1).decode("ascii") for buf in self.merge_xml for m in _MERGE_RE.finditer(buf)]




_NS = rb"(?:[\w.-]+:)?"
_Q = rb"[\"']"  # XML attributes may use either quote...
_EQ = rb"\s*=\s*"  # ...and spaces around "="
_REF = rb"\$?([A-Za-z]+)\$?(\d+)"  # any length: a bogus XFD99999999 must still count
_CUT_RE = re.compile(rb"<" + _NS + rb"(?:c|row)[\s>/]|</" + _NS + rb"(?:row|sheetData)>")
_ROW_RE = re.compile(rb"<" + _NS + rb"row(?=[\s>/])([^>]*)>")
_CELL_OPEN_RE = re.compile(rb"<" + _NS + rb"c(?=[\s>/])")
_CELL_SELF_RE = re.compile(rb"<" + _NS + rb"c\s[^>]*/>")
# Every cell's r, self-closing ones too: calamine places a following cell without r after it.
_CELL_REF_RE = re.compile(rb"<" + _NS + rb"c\s[^>]*?\br" + _EQ + _Q + _REF + _Q)
_ERR_RE = re.compile(rb"<" + _NS + rb"c\s([^>]*\bt" + _EQ + _Q + rb"e" + _Q + rb"[^>]*)>(.*?)</" + _NS + rb"c>", re.S)
_FNOV_RE = re.compile(
    rb"<" + _NS + rb"c\s([^>]*)(?<!/)>\s*<" + _NS + rb"f\b[^>]*?(?:/>|>([^<]*)</" + _NS + rb"f>)\s*"
    rb"(<" + _NS + rb"v\s*/>|<" + _NS + rb"v>\s*</" + _NS + rb"v>)?\s*</" + _NS + rb"c>"
)
_V_RE = re.compile(rb"<" + _NS + rb"v>([^<]*)</" + _NS + rb"v>")
_R_ATTR_RE = re.compile(rb"\br" + _EQ + _Q + _REF + _Q)
_ROW_R_RE = re.compile(rb"\br" + _EQ + _Q + rb"(\d+)" + _Q)
_T_ATTR_RE = re.compile(rb"\bt" + _EQ + _Q + rb"([^\"']*)" + _Q)
_HIDDEN_RE = re.compile(rb"\bhidden" + _EQ + _Q + rb"(?:1|true)" + _Q)
_HAS_ERR_RE = re.compile(rb"\bt" + _EQ + _Q + rb"e" + _Q)
_ROW_NUM_RE = re.compile(rb'<row\s[^>]*?\br="(\d+)"')
# Cells written unlike Excel does: a namespace prefix, other whitespace after "<c", or
# attributes in single quotes (then a duplicate r could hide from the byte counts). Other
# oddities ("r = ", r-less cells, duplicate r) unbalance the counts in _fast_cells instead.
_ODD_RE = re.compile(rb"<c[\t\n\r]")
_REF3_RE = re.compile(rb' r="[A-Za-z]{3,}\d')
_REF12_RE = re.compile(rb' r="([A-Za-z]{1,2})\d')
_REF_ROW_RE = re.compile(rb' r="[A-Za-z]+(\d+)"')
_MERGE_RE = re.compile(rb"<" + _NS + rb"mergeCell\s[^>]*\bref" + _EQ + _Q
                       + rb"([A-Za-z]{1,3}\d{1,7}(?::[A-Za-z]{1,3}\d{1,7})?)" + _Q)
# A namespace prefix on a row or cell tag (<x:row …>, <x:c …>): the byte counts below only
# see unprefixed tags.
_PREFIXED_RE = re.compile(rb":(?:row|c)[\s>/]")
_MISFIT_CACHE: dict[tuple[int, int], Optional["re.Pattern[bytes]"]] = {}


def _misfit_re(max_col: int, digits: int) -> Optional["re.Pattern[bytes]"]:
    """A cell ref that is not one capital letter up to column ``max_col`` followed by at most
    ``digits`` digits (row refs are digits only and never match). While no ref matches, a
    piece of XML can neither widen the sheet nor hold a cell below the rows counted so far,
    which is all the per-ref searches of :meth:`SheetScanner._fast_cells` would find out.
    None past column Z: every ref then takes those searches."""
    key = (max_col, digits)
    if key not in _MISFIT_CACHE:
        if max_col > 26:
            _MISFIT_CACHE[key] = None
        else:
            last = b"A-" + bytes([64 + max_col]) if max_col else b""
            other = b"[^%s0-9]" % last
            _MISFIT_CACHE[key] = re.compile(
                rb' r="(?:' + other + (rb"|[%s](?:[A-Za-z]|\d{%d})" % (last, digits + 1) if max_col else b"") + rb")")
    return _MISFIT_CACHE[key]


class SheetScanner:
    """Fed a worksheet's XML in chunks; cuts each chunk before the last cell or row start so
    no element the patterns need is split, and carries the rest to the next chunk."""

    def __init__(self, part: str, dense_limit: int) -> None:
        self.result = SheetScan(part)
        self.dense_limit = dense_limit  # the reader's MAX_DENSE_CELLS: above it the exact last row is wanted
        self.carry = b""
        self.rows_without_r = 0
        self.cells_without_r = 0
        self.last_row = 0
        self.slow_rows = False
        self.searched = 0  # the carry holds no place to cut after its start up to here

    def feed(self, chunk: bytes) -> None:
        buf = self.carry + chunk if self.carry else chunk
        cut = self._cut(buf, self.searched)
        if cut == 0:
            self.carry = buf
            self.searched = len(buf)
            return
        self._scan(buf[:cut])
        self.carry = buf[cut:]
        self.searched = 0

    @staticmethod
    def _cut(buf: bytes, searched: int = 0) -> int:
        """Where to end the piece scanned now (0: nowhere yet, carry it all)."""
        tail = max(0, len(buf) - 65536)
        # Excel starts a row every few hundred bytes: before the last row start is as good a
        # place as before the last cell, and found without a pattern.
        cut = buf.rfind(b"<row ", tail)
        if cut > 0:
            return cut
        # What was carried already had nowhere to cut (the <mergeCells> after the rows, often
        # megabytes): search only what is new, or a long section is searched again per chunk.
        # A tag split at the old end and missed only means cutting later, never inside a tag.
        new = max(0, searched - 64)
        for start in ((tail, new) if tail > new else (new,)):
            for m in _CUT_RE.finditer(buf, start):
                cut = m.start()
            if cut >= 0:
                return cut
        return 0

    def close(self) -> None:
        if self.carry:
            self._scan(self.carry)
            self.carry = b""
        res = self.result
        res.max_row += self.rows_without_r
        res.max_col += self.cells_without_r

    # Each search below is a pass over the piece (~1 GB/s); most look for markup that rarely
    # occurs. A single letter of it absent from the piece (a memchr, ~30 GB/s) proves the
    # markup absent: "e" for t="e", "f" for <f>, "g" for mergeCell, "k" for rowBreaks, "d" for
    # hidden. Cells (<c r s t>, <v>) and plain rows (<row r spans>) hold none of these letters,
    # so in most pieces the passes are skipped; where rows carry customHeight or Excel's
    # x14ac:dyDescent, the letters are there and the passes run as before.
    def _scan(self, buf: bytes) -> None:
        res = self.result
        rows_open = buf.count(b"<row")
        if rows_open and b"k" in buf:
            rows_open -= buf.count(b"<rowBreaks")
        prefixed = _PREFIXED_RE.search(buf) is not None
        self._rows(buf, rows_open, prefixed)
        if not self._fast_cells(buf, rows_open, prefixed):
            self._exact_cells(buf)
        if b"e" in buf and (b't="e"' in buf or b"'e'" in buf or b"t =" in buf) and _HAS_ERR_RE.search(buf):
            for m in _ERR_RE.finditer(buf):
                rc = self._ref(m.group(1))
                v = _V_RE.search(m.group(2))
                if rc and v and v.group(1).strip():
                    res.errors[rc] = html.unescape(v.group(1).decode("utf-8", "replace")).strip()
        if b"f" in buf and (b"<f" in buf or b":f" in buf):
            self._formulas(buf)
        if b"g" in buf and b"mergeCell" in buf:
            res.merge_xml.append(buf)

    def _rows(self, buf: bytes, rows_open: int, prefixed: bool) -> None:
        res = self.result
        if not self.slow_rows and not prefixed and (b"d" not in buf or b"hidden" not in buf):
            nums = _ROW_NUM_RE.findall(buf)
            if rows_open == len(nums):
                if nums:
                    self.last_row = int(nums[-1])
                    res.max_row = max(res.max_row, max(map(int, nums)))
                return
            self.slow_rows = True  # a row without r: count positions one by one from here on
        for m in _ROW_RE.finditer(buf):
            attrs = m.group(1)
            rm = _ROW_R_RE.search(attrs)
            if rm:
                self.last_row = int(rm.group(1))
            else:
                self.rows_without_r += 1
                self.last_row += 1
            res.max_row = max(res.max_row, self.last_row)
            if b"hidden" in attrs and _HIDDEN_RE.search(attrs):
                res.hidden_rows.add(self.last_row)

    def _fast_cells(self, buf: bytes, rows_open: int, prefixed: bool) -> bool:
        """Column and row bounds from byte counts and a few searches, no per-cell work.
        False when the XML is unusual (prefixes, cells without r, columns past ZZ, …)."""
        res = self.result
        if prefixed or b"'" in buf or ((b"\t" in buf or b"\n" in buf or b"\r" in buf) and _ODD_RE.search(buf)):
            return False
        cells = buf.count(b"<c ") + buf.count(b"<c>")
        if buf.count(b' r="') != cells + rows_open:
            return False
        # A cell normally sits in its row, but calamine places it by its own r: one further
        # down must count. No ref longer than the longest row number: all rows < 10**digits.
        digits = len(str(max(res.max_row, 1)))
        misfit = _misfit_re(res.max_col, digits)
        if cells and misfit is not None and not misfit.search(buf):
            res.cells += cells  # every ref a known column and a short row: nothing to widen
        else:
            if _REF3_RE.search(buf):
                return False
            res.cells += cells
            if not cells:
                return True
            cols = set(_REF12_RE.findall(buf))
            if cols:
                res.max_col = max(res.max_col, max(col(x) for x in cols))
            if re.search(rb' r="[A-Za-z]{1,3}\d{%d}' % (digits + 1), buf):
                return False
        bound = 10**digits - 1
        if bound * max(res.max_col, 1) > self.dense_limit:
            res.max_row = max([res.max_row, *map(int, _REF_ROW_RE.findall(buf))])
        else:
            res.row_bound = max(res.row_bound, bound)
        return True

    def _exact_cells(self, buf: bytes) -> None:
        """Cell by cell, for XML written unlike Excel writes it. Conservative: every cell's r
        counts (self-closing ones too), and each cell without r may sit one further right."""
        res = self.result
        refs = _CELL_REF_RE.findall(buf)
        n_open = len(_CELL_OPEN_RE.findall(buf))
        n_self = len(_CELL_SELF_RE.findall(buf))
        res.cells += n_open - n_self
        self.cells_without_r += max(0, n_open - len(refs))
        if refs:
            res.max_col = max(res.max_col, max(col(c) for c in {c for c, _ in refs}))
            res.max_row = max(res.max_row, max(int(r) for _, r in refs))

    def _formulas(self, buf: bytes) -> None:
        res = self.result
        for m in _FNOV_RE.finditer(buf):
            attrs, ftext, vtag = m.group(1), m.group(2), m.group(3)
            t = _T_ATTR_RE.search(attrs)
            ctype = t.group(1) if t else b"n"
            if ctype == b"e" or (vtag is not None and ctype in (b"str", b"s", b"inlineStr")):
                continue  # an error (above) or a formula whose cached result is ""
            rc = self._ref(attrs)
            if rc:
                text = html.unescape(ftext.decode("utf-8", "replace")).strip() if ftext else ""
                res.formulas[rc] = "=" + text if text else "=（公式，未保存计算结果）"

    @staticmethod
    def _ref(attrs: bytes) -> Optional[tuple[int, int]]:
        m = _R_ATTR_RE.search(attrs)
        if not m:
            return None
        return int(m.group(2)), col(m.group(1))


# --- the splicer: strict patterns (XML as Excel writes it) ---------------------------------

ROW_TAG = re.compile(rb'<row\s[^>]*?(?<=\s)r="(\d+)"')
ROW_FIRST = re.compile(rb'<row r="')
ROW_NUM = re.compile(rb'<row r="(\d+)"')
CELL = re.compile(rb'<c r="([A-Za-z]{1,3})(\d+)"([^>]*?)(/>|>(.*?)</c>)', re.S)
CELL_START = re.compile(rb'<c r="([A-Za-z]{1,3})(\d+)"')
T_ATTR = re.compile(rb'\st="(\w+)"')
S_ATTR = re.compile(rb'\ss="(\d+)"')
V = re.compile(rb"<v>([^<]*)</v>")
T_TEXT = re.compile(rb"<t(?:\s[^>]*)?>([^<]*)</t>|<t(?:\s[^>]*)?/>")
RPH = re.compile(rb"<rPh\b.*?</rPh>", re.S)
SPANS = re.compile(rb'\sspans="(\d+):(\d+)"')
DIMENSION = re.compile(rb'<dimension\s+ref="([A-Z]{1,3}\d+)(?::([A-Z]{1,3}\d+))?"\s*/>')
TAG = re.compile(rb"<(/?)([A-Za-z_][\w.:-]*)(?:[^>\"']|\"[^\"]*\"|'[^']*')*?(/?)>")
CF_RULE = re.compile(rb"<cfRule\b[^>]*?(?:/>|>.*?</cfRule>)", re.S)
PRIORITY = re.compile(rb'\spriority="(\d+)"')
LOWER_REF = re.compile(rb'<c r="[a-z]')
ODD_ROW = re.compile(rb"<row[\t\r\n]|<c[\t\r\n]")
UNESCAPE_X = re.compile(r"_x([0-9A-Fa-f]{4})_")
ESCAPE_X = re.compile(r"_(x[0-9A-Fa-f]{4}_)")
# CT_Worksheet's children that come before conditionalFormatting (ECMA-376 §18.3.1.99).
BEFORE_CF = {b"sheetPr", b"dimension", b"sheetViews", b"sheetFormatPr", b"cols", b"sheetData", b"sheetCalcPr",
             b"sheetProtection", b"protectedRanges", b"scenarios", b"autoFilter", b"sortState", b"dataConsolidate",
             b"customSheetViews", b"mergeCells", b"phoneticPr", b"conditionalFormatting"}

def cols_above(k: int) -> bytes:
    """A regex for the letters of every column right of column ``k``."""
    s = col_letter(max(k, 1)).encode()
    alts = [b"[A-Z]{%d,3}" % (len(s) + 1)] if len(s) < 3 else []
    for i, ch in enumerate(s):
        if ch < ord("Z"):
            alts.append(s[:i] + b"[" + bytes([ch + 1]) + b"-Z]" + b"[A-Z]" * (len(s) - i - 1))
    return b"(?:" + b"|".join(alts) + b")" if alts else b"(?!)"


def unescape(b: bytes) -> str:
    s = html.unescape(b.decode("utf-8"))
    return UNESCAPE_X.sub(lambda m: chr(int(m.group(1), 16)), s) if "_x" in s else s
