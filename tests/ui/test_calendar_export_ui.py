"""The window's calendar export: initials unless the caseworker asks for names, a reminder
only when chosen, read back from the file the window wrote."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from unittest.mock import patch

import pytest
from icalendar import Calendar, Event
from PySide6.QtWidgets import QCheckBox, QComboBox, QFileDialog, QMessageBox
from pytestqt.qtbot import QtBot

from db.enums import MeetingKind, VisitationGroup
from db.session import Database
from jobraad import records
from jobraad.citizens import CitizenInput, create_citizen
from jobraad.records import DeadlineInput, MeetingInput
from ui.forms import FormDialog
from ui.main_window import MainWindow


@pytest.fixture
def window(qtbot: QtBot, database: Database) -> MainWindow:
    citizen = create_citizen(  # gruppe 4: no group deadlines, so the two records below are the calendar
        database,
        CitizenInput("Şükrü", "Ağaoğlu", "0101621233", group=VisitationGroup.GRUPPE_4, forloeb_start=dt.date.today()),
    )
    soon = dt.date.today() + dt.timedelta(days=3)
    records.add_deadline(database, citizen, DeadlineInput(soon, "Rykke egen læge for LÆ 265"))
    records.add_meeting(
        database, citizen, MeetingInput(MeetingKind.SUNDHEDSKOORDINATOR, dt.datetime.combine(soon, dt.time(10)))
    )
    w = MainWindow(database)
    qtbot.addWidget(w)
    return w


def _export(window: MainWindow, path: Path, *, initials: bool | None = None, reminder: int = 0) -> list[Event]:
    """Run the window's export, ticking the form as a user would (None: leave the default)."""

    def fill_in(dialog: FormDialog) -> int:
        box = dialog.widgets["initials"]
        assert isinstance(box, QCheckBox)
        assert box.isChecked()  # initials are the default
        if initials is not None:
            box.setChecked(initials)
        combo = dialog.widgets["reminder"]
        assert isinstance(combo, QComboBox)
        combo.setCurrentIndex(reminder)
        dialog.accept()
        return int(dialog.result())

    with (
        patch.object(FormDialog, "exec", fill_in),
        patch.object(QFileDialog, "getSaveFileName", return_value=(str(path), "")),
        patch.object(QMessageBox, "warning") as warning,
    ):
        window.export_calendar()
    assert not warning.called
    return list(Calendar.from_ical(path.read_bytes()).walk("VEVENT"))


def test_the_window_exports_initials_by_default_and_no_reminder(window: MainWindow, tmp_path: Path) -> None:
    found = _export(window, tmp_path / "k.ics")

    assert sorted(str(e["SUMMARY"]) for e in found) == ["Møde – Ş.A.", "Påmindelse – Ş.A."]
    text = (tmp_path / "k.ics").read_bytes().decode("utf-8")
    for secret in ("Şükrü", "Ağaoğlu", "LÆ", "læge", "undhedskoordinator", "VALARM"):
        assert secret not in text
    assert "2 frister og møder er gemt i k.ics." in window.statusBar().currentMessage()


def test_the_window_exports_names_and_a_reminder_when_asked(window: MainWindow, tmp_path: Path) -> None:
    found = _export(window, tmp_path / "k.ics", initials=False, reminder=2)  # "1 time før"

    assert sorted(str(e["SUMMARY"]) for e in found) == ["Møde – Şükrü Ağaoğlu", "Påmindelse – Şükrü Ağaoğlu"]
    for event in found:
        [alarm] = event.walk("VALARM")
        # an hour before the meeting; an hour before the working day (08:00) of the all-day reminder
        meeting = isinstance(event.decoded("DTSTART"), dt.datetime)
        assert alarm.decoded("TRIGGER") == (-dt.timedelta(hours=1) if meeting else dt.timedelta(hours=7))
        assert str(alarm["DESCRIPTION"]) in ("Møde", "Påmindelse")
