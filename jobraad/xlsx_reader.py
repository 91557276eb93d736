"""Reading XLSX files that come from outside the program, within bounds.

An XLSX file is a zip of XML parts, so a small file can unpack to gigabytes, hold
a million blank rows, put one cell at XFD1048576 (and so ask for a grid of 17
billion cells), or carry an XML entity bomb. The import of citizens and the merge
of team summaries read through here, and nowhere else:

- The parts' unpacked size (as the zip's directory gives it; `zipfile` reads no
  further than that) is checked before any XML is parsed. Then each part is
  unpacked once and its tags are counted, without parsing: openpyxl parses a
  sheet whole when it opens the workbook (to learn its size, if the sheet does
  not say), so a sheet of a million rows must be refused before that.
- openpyxl reads in read-only mode, one row at a time. With defusedxml installed
  (a dependency), openpyxl parses every part through it, so a document that
  declares entities is refused rather than expanded.
- The rows of a sheet are counted as they come, blank ones too, and so are the
  cells each row spans; a row's cells beyond the columns read are refused or
  ignored, as the caller asks. Each limit ends the reading as soon as it is passed.
"""

from __future__ import annotations

import io
import re
import warnings
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from jobraad.errors import UserFacingError

__all__ = ["Limits", "XlsxBook", "XlsxRefused", "XlsxTooLarge", "XlsxUnreadable", "open_xlsx"]

# A workbook has a dozen parts; a zip with many more is not one a user saved.
_MAX_PARTS = 10_000
# A sheet's row tags, with or without a namespace prefix ("<row ", "<x:row>"). Tags
# are counted in the text between one "<" and the next, so a tag is never cut in two.
_ROW_TAG = re.compile(rb"<(?:[^\s<>/:=]+:)?row[\s/>]")
# Bytes kept from one chunk for the next, from its last "<". A row tag with a longer
# namespace prefix is not counted; so few fit in a workbook that openpyxl's own count
# of rows stops them.
_LONGEST_TAG = 4096
# XML elements per cell at most: <c>, <is> and <t> of an inline string.
_ELEMENTS_PER_CELL = 3


class XlsxRefused(UserFacingError):
    """The file cannot be read as a spreadsheet within the limits; the message says why, in Danish."""


class XlsxUnreadable(XlsxRefused):
    """Not an XLSX file, or a damaged one."""

    def __init__(self) -> None:
        super().__init__("Filen kan ikke åbnes som Excel-regneark (.xlsx); den er måske beskadiget.")


class XlsxTooLarge(XlsxRefused):
    """The file passes one of the limits."""


@dataclass(frozen=True)
class Limits:
    """How much of a workbook is read before it is refused."""

    unpacked_bytes: int  # all parts together, unpacked
    rows: int  # rows of one sheet, counted from row 1, blank rows included
    columns: int  # columns read from each row (A, B, ...)
    cells: int  # cells of one sheet, each row counted as wide as its last cell
    # A cell with something in it beyond `columns`: refuse the file (nothing in it
    # may be left out), or ignore the cell (the reader knows its columns).
    refuse_wider: bool = True


def _blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


class XlsxBook:
    """An open workbook: its worksheets' names, and their rows within the limits."""

    def __init__(self, workbook: Any, limits: Limits) -> None:
        self._workbook = workbook
        self._limits = limits
        # Worksheets only: a chart sheet has no cells.
        self._sheets: dict[str, Any] = {sheet.title: sheet for sheet in workbook.worksheets}

    @property
    def sheet_names(self) -> list[str]:
        return list(self._sheets)

    @property
    def shown_sheet(self) -> str | None:
        """The sheet Excel shows when the file is opened, or else the first; None if there is none."""
        active = self._workbook.active  # None when the file names a sheet it does not have
        for title, sheet in self._sheets.items():
            if sheet is active:
                return title
        return next(iter(self._sheets), None)

    def rows(self, name: str) -> Iterator[tuple[int, tuple[object, ...]]]:
        """(row number, values) for every row of the sheet from row 1, blank rows included.

        A row has at most `columns` values, fewer when its last cell is further left.
        Raises `XlsxTooLarge` as soon as a limit is passed, `XlsxUnreadable` for a
        sheet that cannot be read.
        """
        limits = self._limits
        sheet = self._sheets[name]
        cells = 0
        try:
            # The declared dimensions can be wrong, or say A1:XFD1048576; without them
            # openpyxl makes each row as wide as its last cell and no wider.
            sheet.reset_dimensions()
            rows = sheet.iter_rows(values_only=True)
            for line, values in enumerate(rows, start=1):
                if line > limits.rows:
                    raise _too_many_rows(limits)
                cells += len(values)
                if cells > limits.cells:
                    raise _too_many_cells(limits)
                if len(values) > limits.columns:
                    if limits.refuse_wider:
                        from openpyxl.utils import get_column_letter

                        for i in range(limits.columns, len(values)):
                            if not _blank(values[i]):
                                raise XlsxTooLarge(
                                    f"Række {line} har noget i kolonne {get_column_letter(i + 1)}, men der "
                                    f"læses højst {limits.columns} kolonner ({get_column_letter(limits.columns)}). "
                                    "Slet det, der står længere ude, og prøv igen."
                                )
                    values = values[: limits.columns]
                yield line, values
        except XlsxRefused:
            raise
        except Exception:
            # openpyxl raises many kinds of errors for a broken sheet (KeyError,
            # ValueError, XML errors, defusedxml's refusals...); nothing but reading
            # happens in this block.
            raise XlsxUnreadable() from None


def _too_many_rows(limits: Limits) -> XlsxTooLarge:
    return XlsxTooLarge(
        f"Regnearket har flere end {limits.rows} rækker. Tomme rækker tæller med, "
        "så slet de tomme rækker under dataene, og prøv igen."
    )


def _too_many_cells(limits: Limits) -> XlsxTooLarge:
    return XlsxTooLarge(
        f"Regnearket har for mange celler (flere end {limits.cells}). Tomme celler tæller med, "
        "så slet de tomme rækker og kolonner ud for dataene, og prøv igen."
    )


def _count_tags(archive: zipfile.ZipFile, part: zipfile.ZipInfo, limits: Limits) -> None:
    """Refuse a part with more row tags than `limits.rows`, or more elements than its cells
    could need; it stops reading as soon as one is passed."""
    rows = elements = 0
    tail = b""
    with archive.open(part) as stream:
        while True:
            chunk = stream.read(1 << 20)
            text = tail + chunk
            cut = text.rfind(b"<") if chunk else len(text)
            if cut < 0:
                cut = len(text)
            counted, tail = text[:cut], text[cut:]
            if len(tail) > _LONGEST_TAG:
                tail = b""  # a long text, not a tag: this "<" began the element before it
            rows += len(_ROW_TAG.findall(counted))
            elements += counted.count(b"<") - counted.count(b"</")
            if rows > limits.rows:
                raise _too_many_rows(limits)
            if elements > _ELEMENTS_PER_CELL * limits.cells:
                raise _too_many_cells(limits)
            if not chunk:
                return


@contextmanager
def open_xlsx(data: bytes, limits: Limits) -> Iterator[XlsxBook]:
    """The workbook in `data`, open for reading within `limits`.

    Raises `XlsxUnreadable` for a file that is no workbook (or a damaged one) and
    `XlsxTooLarge` for one that unpacks to more than the limit.
    """
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            parts = archive.infolist()
            if len(parts) > _MAX_PARTS:
                raise XlsxUnreadable()
            if sum(part.file_size for part in parts) > limits.unpacked_bytes:
                raise XlsxTooLarge(
                    f"Regnearket fylder mere end {limits.unpacked_bytes // 1024 // 1024} MB, når det pakkes ud. "
                    "Del det op i mindre filer."
                )
            for part in parts:
                _count_tags(archive, part, limits)
    except XlsxRefused:
        raise
    except Exception:
        # zipfile and zlib raise many kinds of errors for a damaged archive
        # (BadZipFile for a wrong CRC, zlib.error, NotImplementedError...).
        raise XlsxUnreadable() from None

    from openpyxl import load_workbook  # only needed here; keeps CSV imports light

    with warnings.catch_warnings():
        # openpyxl warns about styles and extensions it skips, and about cells it
        # cannot make sense of; none of that matters here.
        warnings.simplefilter("ignore")
        try:
            workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        except Exception:
            # As in `XlsxBook.rows`: any error while opening means a broken file.
            raise XlsxUnreadable() from None
        try:
            yield XlsxBook(workbook, limits)
        finally:
            workbook.close()
