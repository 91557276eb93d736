"""Overblik → the item itself (issue 19): one Enter on a line opens the citizen's file with
the line's item selected, in view and focused in its section: the goal a group deadline
misses (Forløb), the meeting or reminder (Møder), the overdue request (Dokumentation)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractItemView, QApplication, QLabel, QTreeWidgetItem
from pytestqt.qtbot import QtBot

from db.enums import Aim, DocumentSource, DocumentState, MeetingKind, VisitationGroup
from db.session import Database
from jobraad import consents, records
from jobraad import documentation as doc
from jobraad.citizens import CitizenInput, create_citizen
from jobraad.overview import parse_target
from jobraad.visitation import GROUP_GOALS
from tests.helpers import consent_input
from ui.citizen_file import TAB_DOCUMENTATION, TAB_FORLOEB, TAB_MEETINGS
from ui.main_window import MainWindow

TODAY = dt.date(2026, 3, 2)  # inside the BEK 47/2026 pack's period
START = dt.date(2026, 1, 5)


@pytest.fixture
def people(database: Database) -> dict[str, int]:
    late_papers = create_citizen(
        database,
        CitizenInput(
            "Søren", "Ærø", "0101621233", aim=Aim.FLEKSJOB, group=VisitationGroup.GRUPPE_3, forloeb_start=START
        ),
    )
    consents.add_consent(database, late_papers, DocumentSource.EGEN_LAEGE, consent_input(START), TODAY)
    doc.set_state(
        database,
        late_papers,
        "lae265",
        "",
        DocumentState.ANMODET,
        on=TODAY - dt.timedelta(days=40),
        requested_from="Læge Hansen",
        today=TODAY,
    )
    late_goals = create_citizen(
        database,
        CitizenInput(
            "Łucja", "Wąsik", "1505801234", group=VisitationGroup.GRUPPE_1, forloeb_start=TODAY - dt.timedelta(weeks=14)
        ),
    )
    meets = create_citizen(
        database,
        CitizenInput("Aisha", "Nielsen", "0303901231", group=VisitationGroup.GRUPPE_4, forloeb_start=TODAY),
    )
    # Two of each, so the one selected is the line's and not just the first.
    for hour in (9, 13):
        when = dt.datetime.combine(TODAY + dt.timedelta(days=8), dt.time(hour, 0))
        records.add_meeting(database, meets, records.MeetingInput(MeetingKind.SAMTALE, when, "Jobcenter Amager"))
    for days, title in ((9, "Ring til arbejdsgiveren"), (3, "Send referat til borgeren")):
        records.add_deadline(database, meets, records.DeadlineInput(TODAY + dt.timedelta(days=days), title))
    return {"late_papers": late_papers, "late_goals": late_goals, "meets": meets}


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
            found += [person.child(k) for k in range(person.childCount()) if person.child(k).text(0).startswith(starts)]
    assert len(found) == 1, [f.text(0) for f in found]
    return found[0]


def _open_with_enter(qtbot: QtBot, window: MainWindow, line: QTreeWidgetItem) -> None:
    """The line made current in the Overblik, then one key: Enter."""
    tree = window.overview.tree
    tree.setFocus()
    tree.setCurrentItem(line)
    qtbot.keyClick(tree, Qt.Key.Key_Return)
    assert window.pages.currentIndex() == 1


def _shown_and_focused(view: QAbstractItemView) -> None:
    assert QApplication.focusWidget() is view
    index = view.currentIndex()
    assert index.isValid() and view.viewport().rect().intersects(view.visualRect(index))


def test_an_overdue_request_opens_its_checklist_item(qtbot: QtBot, window: MainWindow, people: dict[str, int]) -> None:
    line = _line(window, "Svar mangler: Lægeattest")
    _open_with_enter(qtbot, window, line)
    file = window.file
    assert file.citizen_id == people["late_papers"]
    assert file.tabs.currentIndex() == TAB_DOCUMENTATION
    entry = file.documentation.selected_entry()
    assert entry is not None and entry.item.id == "lae265" and entry.state is DocumentState.ANMODET
    _shown_and_focused(file.documentation.tree)


def test_a_group_deadline_opens_the_first_goal_it_misses(
    qtbot: QtBot, window: MainWindow, people: dict[str, int]
) -> None:
    line = _line(window, "13-ugers")
    _open_with_enter(qtbot, window, line)
    file = window.file
    assert file.citizen_id == people["late_goals"]
    assert file.tabs.currentIndex() == TAB_FORLOEB
    selected = file.forloeb.goals.selected()
    assert selected is not None
    key, _label, reached = selected
    assert reached is None
    goal = next(g for g in GROUP_GOALS[VisitationGroup.GRUPPE_1] if g.key == key)
    missing = line.text(0).split("mangler ", 1)[1]
    assert missing.startswith(goal.short or goal.label)  # the first goal the line names
    _shown_and_focused(file.forloeb.goals.view)


def test_a_meeting_line_opens_that_meeting(qtbot: QtBot, window: MainWindow, people: dict[str, int]) -> None:
    line = _line(window, "Samtale kl. 13:00")
    _open_with_enter(qtbot, window, line)
    file = window.file
    assert file.citizen_id == people["meets"]
    assert file.tabs.currentIndex() == TAB_MEETINGS
    meeting = file.meetings.meetings.selected()
    assert meeting is not None and meeting.starts_at.time() == dt.time(13, 0)
    _shown_and_focused(file.meetings.meetings.view)


def test_a_reminder_line_opens_that_reminder(qtbot: QtBot, window: MainWindow, people: dict[str, int]) -> None:
    line = _line(window, "Ring til arbejdsgiveren")
    _open_with_enter(qtbot, window, line)
    file = window.file
    assert file.tabs.currentIndex() == TAB_MEETINGS
    deadline = file.meetings.deadlines.selected()
    assert deadline is not None and deadline.title == "Ring til arbejdsgiveren"
    _shown_and_focused(file.meetings.deadlines.view)


def test_target_strings_name_section_and_item() -> None:
    assert parse_target("forloeb:goal:job") == ("forloeb", "goal:job")
    assert parse_target("meetings:12") == ("meetings", "12")
    assert parse_target("documentation") == ("documentation", "")


def test_the_goals_are_headed_with_the_citizens_group_not_the_seed(
    qtbot: QtBot, window: MainWindow, people: dict[str, int]
) -> None:
    window.open_citizen(people["late_goals"], "forloeb")
    texts = [label.text() for label in window.file.forloeb.findChildren(QLabel) if label.isVisible()]
    assert "<b>Mål for gruppe 1</b>" in texts
    assert not [t for t in texts if "seed" in t.lower()]
