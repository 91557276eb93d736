"""One way to write a value for people (jobraad.formatting), the same in the window, the dossier
and the team export: the values themselves, and the same values read back from each view."""

from __future__ import annotations

import datetime as dt
import io
import unicodedata
from pathlib import Path

import openpyxl
import pytest
from pypdf import PdfReader
from PySide6.QtCore import Qt

from db.enums import Aim, PlacementKind, VisitationGroup
from db.session import Database
from jobraad import formatting as fmt
from jobraad import placements
from jobraad.citizens import CitizenInput, create_citizen
from jobraad.dossier import build_dossier
from jobraad.team.export import export_summary
from jobraad.team.model import Period
from ui.models.week_grid import WeekGridModel

TODAY = dt.date(2026, 12, 4)
START = dt.date(2026, 11, 2)  # a Monday, ISO week 45


@pytest.mark.parametrize(
    ("show", "value", "text"),
    [
        (fmt.number, 1234.5, "1.234,5"),
        (fmt.number, -0.04, "0,0"),
        (fmt.decimal, 7.25, "7,25"),
        (fmt.hours, 7.5, "7,5"),
        (fmt.hours, 8.0, "8"),
        (fmt.hours, 1234.0, "1.234"),
        (fmt.hours_change, 0.5, "+0,5 t/uge"),
        (fmt.hours_change, -0.04, "0,0 t/uge"),
        (fmt.hours_change, -1.25, "-1,2 t/uge"),
        (fmt.percent, 0.8, "80 %"),
        (fmt.percent, 0.475, "47,5 %"),
        (fmt.date, dt.date(2026, 3, 5), "05-03-2026"),
        (fmt.week, dt.date(2024, 12, 31), "uge 1"),
        (fmt.cpr, "0101901234", "010190-1234"),
        (fmt.cpr_masked, "0101901234", "010190-xxxx"),
        (fmt.file_size, 23_400_000, "22,3 MB"),
    ],
)
def test_values_as_a_danish_reader_reads_them(show: object, value: object, text: str) -> None:
    assert show(value) == text  # type: ignore[operator]


def test_the_week_with_its_iso_year() -> None:
    assert fmt.week(dt.date(2024, 12, 31), with_year=True) == "uge 1, 2025"
    assert fmt.date_time(dt.datetime(2026, 3, 5, 9, 7, 3)) == "05-03-2026 09:07"


@pytest.fixture
def case(database: Database) -> tuple[int, int]:
    cid = create_citizen(
        database,
        CitizenInput(
            "Łucja", "Wąsik", "1505801234", group=VisitationGroup.GRUPPE_3, aim=Aim.FLEKSJOB, forloeb_start=START
        ),
    )
    pid = placements.add_placement(
        database,
        cid,
        placements.PlacementInput(
            kind=PlacementKind.VIRKSOMHEDSPRAKTIK,
            employer_name="Føtex Amager",
            start_date=START,
            planned_end=START + dt.timedelta(weeks=13),
            planned_hours_per_week=10,
        ),
    )
    placements.save_weeks(database, pid, [placements.HoursInput(2026, 45, 10, 7.25)], today=TODAY)
    return cid, pid


def _pdf_text(data: bytes) -> str:
    reader = PdfReader(io.BytesIO(data))
    return " ".join(unicodedata.normalize("NFC", page.extract_text()) for page in reader.pages)


def test_the_same_hours_and_dates_in_the_grid_the_dossier_and_the_export(
    database: Database, case: tuple[int, int], tmp_path: Path
) -> None:
    cid, pid = case
    hours, start = fmt.hours(7.25), fmt.date(START)
    assert (hours, start) == ("7,25", "02-11-2026")

    # the week grid, as the window shows the cell
    grid = WeekGridModel()
    grid.set_rows(placements.week_rows(database, pid, TODAY))
    row = next(i for i in range(grid.rowCount()) if grid.row_at(i).iso_week == 45)
    assert grid.data(grid.index(row, WeekGridModel.ATTENDED), Qt.ItemDataRole.DisplayRole) == hours

    # the dossier, read back from the PDF
    buffer = io.BytesIO()
    build_dossier(database, cid, buffer, today=TODAY)
    dossier = _pdf_text(buffer.getvalue())
    assert hours in dossier and "7,2 " not in dossier.replace(hours, "")
    assert start in dossier

    # the team export: the XLSX's summary sheet and the PDF the team lead reads (the CSV's
    # metadata keeps ISO dates, for the program that merges summaries)
    period = Period(START, TODAY)
    xlsx_path, pdf_path = tmp_path / "team.xlsx", tmp_path / "team.pdf"
    export_summary(database, xlsx_path, "xlsx", period, as_of=TODAY)
    export_summary(database, pdf_path, "pdf", period, as_of=TODAY)
    sheet = openpyxl.load_workbook(xlsx_path)["Opsummering"]
    summary_text = " ".join(str(c.value) for r in sheet.iter_rows() for c in r if c.value is not None)
    assert f"{start} – {fmt.date(TODAY)}" in summary_text
    assert f"{start} – {fmt.date(TODAY)}" in _pdf_text(pdf_path.read_bytes())
