"""The Møder section with the interpreter and the team's workflow (issue 20, items 4 and 6): the
Overblik's "Send sagen senest …" and "Bestil tolk" open the meeting in place; the indstilling and
the afgørelse are recorded from the keyboard, and a date out of order is refused where it is."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from unittest.mock import patch

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QLabel, QLineEdit, QPlainTextEdit, QTreeWidgetItem
from pytestqt.qtbot import QtBot

from db.enums import Aim, MeetingKind, VisitationGroup
from db.session import Database
from jobraad import meeting_workflow, records
from jobraad.citizen_file import open_citizen_file
from jobraad.citizens import CitizenInput, create_citizen
from ui.citizen_file import TAB_MEETINGS
from ui.forms import FormDialog
from ui.main_window import MainWindow

TODAY = dt.date(2026, 3, 2)  # inside the BEK 47/2026 pack's period: the case goes to the team
START = dt.date(2025, 9, 1)
HELD = dt.date(2026, 2, 23)
COMING = dt.date(2026, 3, 20)


@pytest.fixture
def people(database: Database) -> dict[str, int]:
    cid = create_citizen(
        database,
        CitizenInput(
            "Şükrü",
            "Ağaoğlu",
            "0101621233",
            language="arabisk",
            interpreter_needed=True,
            aim=Aim.FLEKSJOB,
            group=VisitationGroup.GRUPPE_3,
            forloeb_start=START,
        ),
    )
    held = records.add_meeting(
        database,
        cid,
        records.MeetingInput(
            MeetingKind.REHABILITERINGSTEAM,
            dt.datetime.combine(HELD, dt.time(10)),
            "Rådhuset",
            interpreter_language="arabisk",
            interpreter_booked=True,
        ),
    )
    coming = records.add_meeting(
        database, cid, records.MeetingInput(MeetingKind.REHABILITERINGSTEAM, dt.datetime.combine(COMING, dt.time(9)))
    )
    return {"citizen": cid, "held": held, "coming": coming}


@pytest.fixture
def window(qtbot: QtBot, database: Database, people: dict[str, int]) -> Iterator[MainWindow]:
    w = MainWindow(database, today=TODAY)
    w.show()
    w.activateWindow()
    qtbot.waitUntil(w.isActiveWindow)
    yield w
    w.close()
    w.deleteLater()


def _line(window: MainWindow, starts: str) -> QTreeWidgetItem:
    tree = window.overview.tree
    found = []
    for i in range(tree.topLevelItemCount()):
        section = tree.topLevelItem(i)
        for j in range(section.childCount()):
            person = section.child(j)
            found += [person.child(k) for k in range(person.childCount()) if starts in person.child(k).text(0)]
    assert len(found) == 1, [f.text(0) for f in found]
    return found[0]


@pytest.mark.parametrize(
    "starts",
    [
        "Send sagen senest 06-03-2026 til rehabiliteringsteamet (mødet 20-03-2026) · frist foreløbig",
        "Bestil tolk (arabisk) til mødet 20-03-2026 kl. 09:00",
    ],
)
def test_an_overblik_line_opens_the_meeting_it_is_about(
    qtbot: QtBot, window: MainWindow, people: dict[str, int], starts: str
) -> None:
    tree = window.overview.tree
    tree.setFocus()
    tree.setCurrentItem(_line(window, starts))
    qtbot.keyClick(tree, Qt.Key.Key_Return)

    file = window.file
    assert file.citizen_id == people["citizen"]
    assert file.tabs.currentIndex() == TAB_MEETINGS
    meeting = file.meetings.meetings.selected()
    assert meeting is not None and meeting.meeting_id == people["coming"]
    assert meeting.interpreter_text == "arabisk – ikke bestilt"
    assert QApplication.focusWidget() is file.meetings.meetings.view


def _open_meetings(qtbot: QtBot, window: MainWindow, people: dict[str, int], meeting: str) -> None:
    window.open_citizen(people["citizen"], f"meetings:{people[meeting]}")
    qtbot.waitUntil(
        lambda: (m := window.file.meetings.meetings.selected()) is not None and m.meeting_id == people[meeting]
    )


def _fill(dialog: FormDialog, **values: str) -> None:
    for key, text in values.items():
        widget = dialog.widgets[key]
        if isinstance(widget, QPlainTextEdit):
            widget.setPlainText(text)
        else:
            assert isinstance(widget, QLineEdit)
            widget.setText(text)


def test_indstilling_and_afgoerelse_by_keyboard_refused_out_of_order_then_saved(
    qtbot: QtBot, window: MainWindow, database: Database, people: dict[str, int]
) -> None:
    _open_meetings(qtbot, window, people, "held")
    tab = window.file.meetings
    assert tab.meetings.buttons["workflow"].isEnabled()
    seen: dict[str, str] = {}

    def fill_in(dialog: FormDialog) -> int:
        seen["intro"] = dialog.findChildren(QLabel)[0].text()  # the first label: the intro
        _fill(dialog, recommended_on="25-02-2026", recommendation="Fleksjob", decided_on="24-02-2026")
        dialog.accept()
        seen["refused"] = dialog.error_text("decided_on")
        assert meeting_workflow.read_workflow(database, people["held"], TODAY).recommended_on is None  # nothing saved
        _fill(dialog, sent_on="09-02-2026", decided_on="27-02-2026", decision="Bevilget fleksjob")
        dialog.accept()
        return int(dialog.result())

    with patch.object(FormDialog, "exec", fill_in):
        tab.meetings.view.setFocus()
        qtbot.keyClick(tab.meetings.view, Qt.Key.Key_I, Qt.KeyboardModifier.AltModifier)

    assert seen["refused"] == "Afgørelsen kan ikke ligge før indstillingen den 25-02-2026."
    assert "Møde i rehabiliteringsteamet 23-02-2026 kl. 10:00." in seen["intro"]
    assert "Send sagen senest 09-02-2026 til rehabiliteringsteamet (frist foreløbig)" in seen["intro"]
    saved = meeting_workflow.read_workflow(database, people["held"], TODAY)
    assert (saved.sent_on, saved.recommended_on, saved.recommendation, saved.decided_on, saved.decision) == (
        dt.date(2026, 2, 9),
        dt.date(2026, 2, 25),
        "Fleksjob",
        dt.date(2026, 2, 27),
        "Bevilget fleksjob",
    )
    # The row says where the workflow stands, and gruppe 3's forelagt and afgjort are reached.
    qtbot.waitUntil(lambda: tab.meetings.model.row_at(0).workflow == "Afgjort 27-02-2026")
    current = open_citizen_file(database, people["citizen"], TODAY).current
    assert current is not None
    assert (current.goals_reached["rehab_forelagt"], current.goals_reached["rehab_afgjort"]) == (
        HELD,
        dt.date(2026, 2, 27),
    )


def test_the_workflow_button_is_only_for_a_team_meeting(
    qtbot: QtBot, window: MainWindow, database: Database, people: dict[str, int]
) -> None:
    samtale = records.add_meeting(
        database,
        people["citizen"],
        records.MeetingInput(MeetingKind.SAMTALE, dt.datetime.combine(TODAY, dt.time(13)), interpreter_language=""),
    )
    people = {**people, "samtale": samtale}
    _open_meetings(qtbot, window, people, "samtale")
    tab = window.file.meetings
    assert not tab.meetings.buttons["workflow"].isEnabled()
    assert tab.meetings.buttons["workflow"].toolTip()
    assert tab.select_meeting(people["held"])
    assert tab.meetings.buttons["workflow"].isEnabled()
