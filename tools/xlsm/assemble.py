"""Turn an openpyxl-made .xlsx into a macro-enabled .xlsm with a VBA project and ribbon.

openpyxl must never be the last tool to write the workbook: on save it rewrites
``_rels/.rels`` without the ribbon relationship (research notes, section 4). So the
layout comes from openpyxl as .xlsx bytes and this module copies every part, editing
only what a macro-enabled workbook with a CustomUI2 ribbon needs:

* ``[Content_Types].xml``: main part -> ``…sheet.macroEnabled.main+xml``, plus an
  Override for ``/xl/vbaProject.bin``. ``customUI14.xml`` is covered by the existing
  ``xml`` -> ``application/xml`` Default (as in xlwings' own ribbon add-in).
* ``xl/_rels/workbook.xml.rels``: vbaProject relationship.
* ``_rels/.rels``: the 2007 ``ui/extensibility`` relationship, which is the one for
  ``customUI14.xml`` (CustomUI2, namespace 2009/07/customui; MS-OI29500 3.4.1.4).
* ``docProps/core.xml``: fixed created/modified dates (openpyxl stamps "now").

The zip is written deterministically: fixed entry order ([Content_Types].xml first),
1980-01-01 timestamps, fixed permissions and DEFLATE level, so equal inputs give
equal bytes.
"""

from __future__ import annotations

import io
import zipfile

# lxml rather than xml.etree: it keeps each part's namespace prefixes as written.
# ElementTree renames them (ns0:…), which breaks core.xml's xsi:type="dcterms:W3CDTF"
# value, and its default_namespace option rejects unprefixed attributes.
from lxml import etree

__all__ = ["assemble_xlsm", "MACRO_MAIN_TYPE", "VBA_PROJECT_TYPE", "UI_EXTENSIBILITY_2007"]

CT_NS = "http://schemas.openxmlformats.org/package/2006/content-types"
REL_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
DCTERMS_NS = "http://purl.org/dc/terms/"
XSI_NS = "http://www.w3.org/2001/XMLSchema-instance"

XLSX_MAIN_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"
MACRO_MAIN_TYPE = "application/vnd.ms-excel.sheet.macroEnabled.main+xml"
VBA_PROJECT_TYPE = "application/vnd.ms-office.vbaProject"
VBA_PROJECT_REL = "http://schemas.microsoft.com/office/2006/relationships/vbaProject"
UI_EXTENSIBILITY_2007 = "http://schemas.microsoft.com/office/2007/relationships/ui/extensibility"

VBA_PART = "xl/vbaProject.bin"
CUSTOM_UI_PART = "customUI/customUI14.xml"
_FIXED_DATE = (1980, 1, 1, 0, 0, 0)
# Refuse DTDs/entities and network access: the inputs are ours, but cheap to be strict.
_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)


def _parse(xml: bytes) -> etree._Element:
    return etree.fromstring(xml, parser=_PARSER)


def _serialize(root: etree._Element) -> bytes:
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def _content_types(xml: bytes) -> bytes:
    root = _parse(xml)
    mains = [o for o in root.iter(f"{{{CT_NS}}}Override") if o.get("ContentType") == XLSX_MAIN_TYPE]
    if len(mains) != 1:
        raise ValueError(f"expected one workbook main part in [Content_Types].xml, found {len(mains)}")
    mains[0].set("ContentType", MACRO_MAIN_TYPE)
    for override in root.iter(f"{{{CT_NS}}}Override"):
        if override.get("PartName") == "/" + VBA_PART:
            raise ValueError("the xlsx already declares a vbaProject.bin")
    etree.SubElement(root, f"{{{CT_NS}}}Override",
                     {"PartName": "/" + VBA_PART, "ContentType": VBA_PROJECT_TYPE})
    if not any(d.get("Extension", "").lower() == "xml" for d in root.iter(f"{{{CT_NS}}}Default")):
        # customUI14.xml relies on the xml Default; add one if a producer left it out.
        etree.SubElement(root, f"{{{CT_NS}}}Default", {"Extension": "xml", "ContentType": "application/xml"})
    return _serialize(root)


def _add_relationship(xml: bytes, rel_type: str, target: str) -> bytes:
    root = _parse(xml)
    rels = list(root.iter(f"{{{REL_NS}}}Relationship"))
    if any(r.get("Type") == rel_type for r in rels):
        raise ValueError(f"relationship {rel_type} already present")
    used = {r.get("Id") for r in rels}
    n = len(rels) + 1
    while f"rId{n}" in used:
        n += 1
    etree.SubElement(root, f"{{{REL_NS}}}Relationship", {"Type": rel_type, "Target": target, "Id": f"rId{n}"})
    return _serialize(root)


def _core_properties(xml: bytes, created: str) -> bytes:
    root = _parse(xml)
    for tag in ("created", "modified"):
        element = root.find(f"{{{DCTERMS_NS}}}{tag}")
        if element is None:
            # Declare the prefixes here: the xsi:type value names "dcterms" literally.
            element = etree.SubElement(root, f"{{{DCTERMS_NS}}}{tag}", {f"{{{XSI_NS}}}type": "dcterms:W3CDTF"},
                                       nsmap={"dcterms": DCTERMS_NS, "xsi": XSI_NS})
        element.text = created
    return _serialize(root)


def _zip_info(name: str) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name, date_time=_FIXED_DATE)
    info.compress_type = zipfile.ZIP_DEFLATED
    info.create_system = 0  # "MS-DOS": no host-dependent Unix permission bits
    info.external_attr = 0
    return info


def assemble_xlsm(xlsx_bytes: bytes, vba_bin: bytes, customui14_xml: bytes, *,
                  created: str = "2023-01-01T00:00:00Z") -> bytes:
    """Return .xlsm bytes: the parts of `xlsx_bytes` plus `vba_bin` and the ribbon.

    `created` (W3CDTF) is written as both the created and modified date.
    """
    _parse(customui14_xml)  # fail early on a ribbon that is not even well-formed
    with zipfile.ZipFile(io.BytesIO(xlsx_bytes)) as source:
        parts = {info.filename: source.read(info) for info in source.infolist() if not info.is_dir()}
    for name in (VBA_PART, CUSTOM_UI_PART):
        if name in parts:
            raise ValueError(f"the xlsx already contains {name}")
    workbook_rels = "xl/_rels/workbook.xml.rels"
    for required in ("[Content_Types].xml", "_rels/.rels", workbook_rels):
        if required not in parts:
            raise ValueError(f"not an openpyxl-style xlsx: {required} missing")

    parts["[Content_Types].xml"] = _content_types(parts["[Content_Types].xml"])
    parts[workbook_rels] = _add_relationship(parts[workbook_rels], VBA_PROJECT_REL, "vbaProject.bin")
    parts["_rels/.rels"] = _add_relationship(parts["_rels/.rels"], UI_EXTENSIBILITY_2007, CUSTOM_UI_PART)
    if "docProps/core.xml" in parts:
        parts["docProps/core.xml"] = _core_properties(parts["docProps/core.xml"], created)
    parts[VBA_PART] = bytes(vba_bin)
    parts[CUSTOM_UI_PART] = bytes(customui14_xml)

    # [Content_Types].xml first (Excel and other readers expect it), _rels/.rels next,
    # the rest by name so the order never depends on the producer.
    first = ["[Content_Types].xml", "_rels/.rels"]
    order = first + sorted(name for name in parts if name not in first)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=6) as target:
        for name in order:
            target.writestr(_zip_info(name), parts[name], compress_type=zipfile.ZIP_DEFLATED, compresslevel=6)
    return out.getvalue()
