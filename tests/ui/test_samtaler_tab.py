"""The Samtaler section in the window: recording a held samtale and an udeblivelse from the
keyboard, the Danish refusal that saves nothing, and the "Samtale senest …" line of the Overblik
opening the citizen's samtaler in place."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from unittest.mock import patch

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QLineEdit
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from db.enums import MeetingKind, NoShowFollowUp, SamtaleAttendance, VisitationGroup
from db.models import Meeting
from db.session import Database
from jobraad import documentation, samtaler
from jobraad.citizens import CitizenInput, create_citizen
from jobraad.samtaler import SamtaleInput
from tests.helpers import stored
from ui.citizen_file import TAB_SAMTALER, CitizenFileWidget
from ui.forms import FormDialog
from ui.main_window import MainWindow

TODAY = dt.date(2026, 12, 5)
JULY_1 = dt.datetime(2026, 7, 1, 10, 0)


@pytest.fixture
def citizen(database: Database) -> int:
    citizen_id = create_citizen(
        database,
        CitizenInput("Søren", "Ærø", "0101621233", group=VisitationGroup.GRUPPE_2, forloeb_start=dt.date(2026, 10, 5)),
        today=TODAY,
    )
    documentation.set_rule_pack(database, citizen_id, "bek47_2026", "Sagen begyndte i foråret 2026", today=TODAY)
    samtaler.add_samtale(database, citizen_id, SamtaleInput(JULY_1, SamtaleAttendance.AFHOLDT), today=TODAY)
    return citizen_id


@pytest.fixture
def file(qtbot: QtBot, database: Database, citizen: int) -> Iterator[CitizenFileWidget]:
    widget = CitizenFileWidget(database, TODAY)
    qtbot.addWidget(widget)
    widget.resize(1000, 640)
    widget.show()
    widget.activateWindow()
    qtbot.waitActive(widget)
    widget.show_citizen(citizen, "samtaler")
    yield widget


def _show(qtbot: QtBot, dialog: FormDialog) -> None:
    """As exec() shows it: Enter presses the default button (Gem) of the active dialog."""
    dialog.show()
    dialog.activateWindow()
    qtbot.waitActive(dialog)


def _type_date(qtbot: QtBot, dialog: FormDialog, key: str, text: str) -> None:
    line = dialog.widgets[key]
    assert isinstance(line, QLineEdit)
    line.setFocus()
    line.selectAll()
    qtbot.keyClicks(line, text)


def _pick(qtbot: QtBot, dialog: FormDialog, key: str, label: str) -> None:
    """Choose in a combo box by keyboard: focus it, then Down until the label shows."""
    combo = dialog.widgets[key]
    assert isinstance(combo, QComboBox)
    combo.setFocus()
    qtbot.keyClick(combo, Qt.Key.Key_Home)
    for _ in range(combo.count()):
        if combo.currentText() == label:
            return
        qtbot.keyClick(combo, Qt.Key.Key_Down)
    assert combo.currentText() == label


def _samtaler(
    database: Database, citizen: int
) -> list[tuple[dt.datetime, SamtaleAttendance | None, NoShowFollowUp | None, str]]:
    with database.reading() as session:
        rows = session.scalars(
            select(Meeting)
            .where(Meeting.citizen_id == citizen, Meeting.kind == MeetingKind.SAMTALE)
            .order_by(Meeting.starts_at)
        )
        return [(m.starts_at, m.attendance, m.follow_up, m.follow_up_note) for m in rows]


def test_the_section_shows_the_overdue_date_its_rule_and_that_it_is_foreloebig(file: CitizenFileWidget) -> None:
    assert file.tabs.currentIndex() == TAB_SAMTALER
    status = file.samtaler.status.text()
    assert "Samtale senest 12-08-2026" in status and "overskredet" in status
    assert "foreløbig" in status
    assert "Hver 6. uge" in status and "LAB §§ 31, stk. 3, og 32" in status and "Gruppe 2" in status
    assert "Sidste afholdte: 01-07-2026" in status
    rows = file.samtaler.samtaler.model
    assert rows.rowCount() == 1 and rows.row_at(0).state == "Afholdt"


def test_recording_a_held_samtale_from_the_keyboard_moves_the_date(
    qtbot: QtBot, file: CitizenFileWidget, database: Database, citizen: int
) -> None:
    tab = file.samtaler
    seen: list[FormDialog] = []

    def fill_and_save(dialog: FormDialog) -> int:
        seen.append(dialog)
        _show(qtbot, dialog)
        _type_date(qtbot, dialog, "date", "01-12-2026")
        _type_date(qtbot, dialog, "time", "09:30")
        _pick(qtbot, dialog, "attendance", "Afholdt")
        qtbot.keyClick(dialog.widgets["attendance"], Qt.Key.Key_Return)  # Enter saves the form
        return int(dialog.result())

    with patch.object(FormDialog, "exec", fill_and_save):
        qtbot.keyClick(tab.samtaler.buttons["new"], Qt.Key.Key_Space)
    assert seen and seen[0].result() == FormDialog.DialogCode.Accepted
    assert _samtaler(database, citizen)[-1] == (dt.datetime(2026, 12, 1, 9, 30), SamtaleAttendance.AFHOLDT, None, "")
    assert "Samtale senest 12-01-2027" in tab.status.text()
    assert "overskredet" not in tab.status.text()


def test_recording_an_udeblivelse_asks_what_followed_in_danish_and_saves_nothing_until_told(
    qtbot: QtBot, file: CitizenFileWidget, database: Database, citizen: int
) -> None:
    tab = file.samtaler
    planned = samtaler.add_samtale(database, citizen, SamtaleInput(dt.datetime(2026, 12, 3, 13, 0), None), today=TODAY)
    tab.reload()
    assert tab.select_samtale(planned)
    assert tab.samtaler.selected().state == "Ikke registreret (regnes som afholdt)"
    before = stored(database)
    messages: list[str] = []

    def fill(dialog: FormDialog) -> int:
        _show(qtbot, dialog)
        assert dialog.windowTitle() == "Udeblivelse"
        assert dialog.widgets["attendance"].currentText() == "Udeblevet"  # type: ignore[attr-defined]
        dialog.accept()  # nothing said about what followed: refused, stays open
        messages.append(dialog.error_text("follow_up"))
        assert stored(database) == before
        _pick(qtbot, dialog, "follow_up", "Partshøring om sanktion")
        dialog.widgets["follow_up_note"].setFocus()
        qtbot.keyClicks(dialog.widgets["follow_up_note"], "Brev sendt 04-12-2026")
        qtbot.keyClick(dialog.widgets["follow_up_note"], Qt.Key.Key_Return)
        return int(dialog.result())

    with patch.object(FormDialog, "exec", fill):
        qtbot.keyClick(tab.samtaler.buttons["missed"], Qt.Key.Key_Space)
    assert messages == ["Vælg, hvad der fulgte af udeblivelsen."]
    assert _samtaler(database, citizen)[-1] == (
        dt.datetime(2026, 12, 3, 13, 0),
        SamtaleAttendance.UDEBLEVET,
        NoShowFollowUp.PARTSHOERING,
        "Brev sendt 04-12-2026",
    )
    # An udeblivelse is no samtale: the date stays where 1 July put it.
    assert "Samtale senest 12-08-2026" in tab.status.text() and "Udeblivelser: 1" in tab.status.text()
    row = tab.samtaler.model.row_at(0)
    assert (row.state, row.followed) == ("Udeblevet", "Partshøring om sanktion: Brev sendt 04-12-2026")


def test_a_held_samtale_in_the_future_is_refused_next_to_its_field(
    qtbot: QtBot, file: CitizenFileWidget, database: Database
) -> None:
    before = stored(database)
    errors: list[str] = []

    def fill(dialog: FormDialog) -> int:
        _type_date(qtbot, dialog, "date", "10-12-2026")
        dialog.accept()
        errors.append(dialog.error_text("attendance"))
        return int(dialog.result())

    with patch.object(FormDialog, "exec", fill):
        file.samtaler.samtaler.buttons["new"].click()
    assert errors == ["En samtale 10-12-2026 kan ikke være afholdt endnu."]
    assert stored(database) == before


def test_the_overblik_line_samtale_senest_opens_the_samtaler_in_place(
    qtbot: QtBot, database: Database, citizen: int
) -> None:
    window = MainWindow(database, today=TODAY)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitUntil(lambda: any("Samtale senest 12-08-2026" in line for line in window.overview.lines()))
    tree = window.overview.tree
    line = None
    for i in range(tree.topLevelItemCount()):
        section = tree.topLevelItem(i)
        for j in range(section.childCount()):
            person = section.child(j)
            for k in range(person.childCount()):
                if person.child(k).text(0).startswith("Samtale senest"):
                    line = person.child(k)
    assert line is not None
    tree.setCurrentItem(line)
    tree.itemActivated.emit(line, 0)
    assert window.pages.currentIndex() == 1
    assert window.selected_citizen_id() == citizen
    assert window.file.tabs.currentIndex() == TAB_SAMTALER
    assert "Samtale senest 12-08-2026" in window.file.samtaler.status.text()
    # The caseload's Næste frist column names it too.
    row = window.model.row_at(window.model.row_of(citizen))
    assert row is not None and row.next_due is not None
    assert row.next_due.title.startswith("Samtale senest 12-08-2026")
