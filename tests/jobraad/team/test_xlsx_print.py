"""A team summary a team lead can print: every sheet of the XLSX is set up for A4 one page
wide (labels and their numbers on the same page), landscape where wide, its header rows at
the top of every page (issue 18). Read back with openpyxl, as Excel or LibreOffice would."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

from openpyxl import load_workbook
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from db.session import Database
from jobraad.demo import generate_demo
from jobraad.team.export import ExportFormat, export_summary
from jobraad.team.model import calendar_year
from jobraad.team.xlsx_writer import _Book, _SheetWriter

_TODAY = dt.date(2026, 3, 1)


def _column_chars(ws: Worksheet) -> float:
    """The width of the printed columns, in characters (Excel's column width unit)."""
    last = ws.max_column
    widths = {k: d.width for k, d in ws.column_dimensions.items() if d.width}
    return sum(widths.get(get_column_letter(c), 8.43) for c in range(1, last + 1))


def test_every_sheet_prints_one_page_wide_with_its_header_on_every_page(database: Database, tmp_path: Path) -> None:
    generate_demo(database, citizens=150, seed=2, today=_TODAY)
    path = tmp_path / "team.xlsx"
    export_summary(database, path, ExportFormat.XLSX, calendar_year(2025), as_of=_TODAY)
    book = load_workbook(path)
    assert book.sheetnames == ["Opsummering", "Data", "Metadata"]
    titles = {"Opsummering": "$1:$2", "Data": "$1:$1", "Metadata": "$1:$1"}
    orientation = {}
    for ws in book.worksheets:
        setup = ws.page_setup
        assert ws.sheet_properties.pageSetUpPr is not None and ws.sheet_properties.pageSetUpPr.fitToPage
        # one page wide (absent is 1, the default of the file format), as many pages tall as needed
        assert (setup.fitToWidth or 1, setup.fitToHeight) == (1, 0), ws.title
        assert str(setup.paperSize) == "9", ws.title  # A4
        assert ws.print_title_rows == titles[ws.title]
        assert "Side &P af &N" in (ws.oddFooter.right.text or "")
        orientation[ws.title] = setup.orientation
        # landscape exactly where the columns are wider than an upright A4 page
        assert (setup.orientation == "landscape") == (_column_chars(ws) > 90), (ws.title, _column_chars(ws))
    # the summary's labels (column A, up to 90 characters) and its numbers do not fit upright
    assert orientation["Opsummering"] == "landscape"
    assert orientation["Data"] == "landscape" and orientation["Metadata"] == "landscape"
    assert book["Opsummering"]["A1"].value.startswith("Teamopgørelse")
    assert "2025" in str(book["Opsummering"]["A2"].value)  # the period repeated with the title


def test_a_narrow_sheet_prints_upright(tmp_path: Path) -> None:
    buffer = io.BytesIO()
    book = _Book(buffer)
    w = _SheetWriter(book, "Smal")
    w.put(["Nøgle", "Værdi"], bold=True)
    for i in range(200):
        w.put([f"række {i}", i])
    w.fit()
    w.print_setup(title_rows=1)
    book.workbook.close()
    (tmp_path / "smal.xlsx").write_bytes(buffer.getvalue())
    ws = load_workbook(tmp_path / "smal.xlsx")["Smal"]
    assert _column_chars(ws) <= 90
    assert ws.page_setup.orientation == "portrait" and ws.print_title_rows == "$1:$1"
    assert ws.sheet_properties.pageSetUpPr.fitToPage and ws.page_setup.fitToHeight == 0
