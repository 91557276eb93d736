"""Hostile spreadsheets, made part by part: the files a careless tool or an attacker could send.

openpyxl cannot write them (it writes what it was given, sensibly), so the XML parts
are written here by hand and zipped. A workbook is a list of sheets, each an iterable
of byte chunks of its XML, so a sheet of a million rows is streamed into the zip.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from xml.sax.saxutils import escape

from openpyxl.utils import get_column_letter

_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PKG = "http://schemas.openxmlformats.org/package/2006/relationships"
_CT = "application/vnd.openxmlformats-officedocument.spreadsheetml"
_HEAD = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'

SHEET_END = b"</sheetData></worksheet>"


def sheet_start(dimension: str | None = None) -> bytes:
    dim = f'<dimension ref="{dimension}"/>' if dimension else ""
    return f'{_HEAD}<worksheet xmlns="{_MAIN}">{dim}<sheetData>'.encode()


def shared_strings(strings: Sequence[str]) -> bytes:
    items = "".join(f'<si><t xml:space="preserve">{escape(s)}</t></si>' for s in strings)
    return f'{_HEAD}<sst xmlns="{_MAIN}" count="{len(strings)}" uniqueCount="{len(strings)}">{items}</sst>'.encode()


def entity_bomb_strings(levels: int = 10) -> bytes:
    """sharedStrings.xml whose one string expands to 10**levels "lol"s (the "billion laughs")."""
    entities = ['<!ENTITY lol0 "lol">'] + [f'<!ENTITY lol{i} "{f"&lol{i - 1};" * 10}">' for i in range(1, levels)]
    return (
        f'<?xml version="1.0"?><!DOCTYPE sst [{"".join(entities)}]>'
        f'<sst xmlns="{_MAIN}" count="1" uniqueCount="1"><si><t>&lol{levels - 1};</t></si></sst>'
    ).encode()


@dataclass(frozen=True)
class Shared:
    """A cell that holds shared string number `index`."""

    index: int


def entity_strings(name: str, text: str) -> bytes:
    """sharedStrings.xml whose one string is the XML entity `name`, declared as `text`."""
    return (
        f'<?xml version="1.0" encoding="UTF-8"?><!DOCTYPE sst [<!ENTITY {name} "{text}">]>'
        f'<sst xmlns="{_MAIN}" count="1" uniqueCount="1"><si><t>&{name};</t></si></sst>'
    ).encode()


def rows_xml(rows: Sequence[Sequence[object]], first: int = 1) -> bytes:
    """Rows with explicit references; text as inline strings, numbers as numbers, `Shared`
    as a shared string, None as no cell."""
    out = []
    for r, row in enumerate(rows, start=first):
        cells = []
        for c, value in enumerate(row, start=1):
            ref = f"{get_column_letter(c)}{r}"
            if value is None:
                continue
            if isinstance(value, Shared):
                cells.append(f'<c r="{ref}" t="s"><v>{value.index}</v></c>')
            elif isinstance(value, int | float) and not isinstance(value, bool):
                cells.append(f'<c r="{ref}"><v>{value}</v></c>')
            else:
                cells.append(
                    f'<c r="{ref}" t="inlineStr"><is><t xml:space="preserve">{escape(str(value))}</t></is></c>'
                )
        out.append(f'<row r="{r}">{"".join(cells)}</row>')
    return "".join(out).encode()


def whitespace_rows(count: int) -> Iterator[bytes]:
    """`count` rows of one cell holding shared string 0 (a space), without row numbers:
    about 33 bytes each unpacked, and next to nothing packed."""
    row = b'<row><c t="s"><v>0</v></c></row>'
    block = row * 10_000
    for _ in range(count // 10_000):
        yield block
    yield row * (count % 10_000)


def workbook(sheets: Sequence[tuple[str, Iterable[bytes]]], strings: bytes | None = None) -> bytes:
    """An XLSX file of the given sheets (name, XML chunks), with sharedStrings.xml if given."""
    names = [name for name, _ in sheets]
    overrides = "".join(
        f'<Override PartName="/xl/worksheets/sheet{i}.xml" ContentType="{_CT}.worksheet+xml"/>'
        for i in range(1, len(sheets) + 1)
    )
    if strings is not None:
        overrides += f'<Override PartName="/xl/sharedStrings.xml" ContentType="{_CT}.sharedStrings+xml"/>'
    content_types = (
        f'{_HEAD}<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        f'<Override PartName="/xl/workbook.xml" ContentType="{_CT}.sheet.main+xml"/>{overrides}</Types>'
    )
    root_rels = (
        f'{_HEAD}<Relationships xmlns="{_PKG}"><Relationship Id="rId1" '
        f'Type="{_REL}/officeDocument" Target="xl/workbook.xml"/></Relationships>'
    )
    book = (
        f'{_HEAD}<workbook xmlns="{_MAIN}" xmlns:r="{_REL}"><sheets>'
        + "".join(f'<sheet name="{escape(n)}" sheetId="{i}" r:id="rId{i}"/>' for i, n in enumerate(names, 1))
        + "</sheets></workbook>"
    )
    rels = "".join(
        f'<Relationship Id="rId{i}" Type="{_REL}/worksheet" Target="worksheets/sheet{i}.xml"/>'
        for i in range(1, len(sheets) + 1)
    )
    if strings is not None:
        rels += f'<Relationship Id="rIdS" Type="{_REL}/sharedStrings" Target="sharedStrings.xml"/>'
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", content_types)
        archive.writestr("_rels/.rels", root_rels)
        archive.writestr("xl/workbook.xml", book)
        archive.writestr("xl/_rels/workbook.xml.rels", f'{_HEAD}<Relationships xmlns="{_PKG}">{rels}</Relationships>')
        for i, (_, chunks) in enumerate(sheets, start=1):
            with archive.open(f"xl/worksheets/sheet{i}.xml", "w") as part:
                for chunk in chunks:
                    part.write(chunk)
        if strings is not None:
            archive.writestr("xl/sharedStrings.xml", strings)
    return buffer.getvalue()


def sheet(
    rows: Sequence[Sequence[object]], *, extra: Iterable[bytes] = (), dimension: str | None = None
) -> list[bytes]:
    """A sheet of `rows`, then the XML chunks of `extra` (more rows), as chunks for `workbook`."""
    return [sheet_start(dimension), rows_xml(rows), *extra, SHEET_END]


FAR_CELL = b'<row r="1048576"><c r="XFD1048576" t="s"><v>0</v></c></row>'  # the last cell of a sheet: a space
