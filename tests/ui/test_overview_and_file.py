"""The Overblik and the citizen's file: click-through, journal, goals, copy as text."""

from __future__ import annotations

import datetime as dt
from unittest.mock import patch

import pytest
from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QGuiApplication, QHelpEvent
from PySide6.QtWidgets import QApplication, QMessageBox, QToolTip
from pytestqt.qtbot import QtBot

from db.enums import JournalKind, MeetingKind, SamtaleAttendance, VisitationGroup
from db.session import Database
from jobraad import records, samtaler
from jobraad.caseload import load_caseload
from jobraad.citizens import CitizenInput, create_citizen
from jobraad.overview import load_overview
from tests.ui.conftest import settle
from ui.citizen_file import TAB_FORLOEB, TAB_JOURNAL, TAB_MEETINGS, TAB_SUMMARY
from ui.forms import FormDialog
from ui.main_window import MainWindow

TODAY = dt.date.today()


@pytest.fixture
def people(database: Database) -> dict[str, int]:
    overdue = create_citizen(
        database,
        CitizenInput(
            "Søren", "Ærø", "0101621233", group=VisitationGroup.GRUPPE_1, forloeb_start=TODAY - dt.timedelta(weeks=14)
        ),
    )
    meeting = create_citizen(
        database,
        CitizenInput(
            "Łucja", "Wąsik", "1505801234", group=VisitationGroup.GRUPPE_4, forloeb_start=TODAY - dt.timedelta(weeks=2)
        ),
    )
    when = dt.datetime.combine(TODAY + dt.timedelta(days=7), dt.time(10, 0))
    records.add_meeting(database, meeting, records.MeetingInput(MeetingKind.SAMTALE, when, "Jobcenter Amager"))
    # A samtale held lately: the schedule's next one is weeks away, so the Overblik shows the group deadline.
    held = dt.datetime.combine(TODAY - dt.timedelta(days=3), dt.time(9, 0))
    samtaler.add_samtale(database, overdue, samtaler.SamtaleInput(held, SamtaleAttendance.AFHOLDT), today=TODAY)
    return {"overdue": overdue, "meeting": meeting}


@pytest.fixture
def window(qtbot: QtBot, database: Database, people: dict[str, int]) -> MainWindow:
    w = MainWindow(database, today=TODAY)
    qtbot.addWidget(w)
    w.show()
    return w


def test_overview_sections_and_counts(window: MainWindow) -> None:
    lines = window.overview.lines()
    overdue_header = next(line for line in lines if line.startswith("Overskredet"))
    assert "1 frist" in overdue_header
    assert any("Søren Ærø" in line for line in lines)
    next_week = next(i for i, line in enumerate(lines) if line.startswith("Næste uge"))
    assert any("Samtale kl. 10:00" in line for line in lines[next_week:])
    assert window.pages.currentIndex() == 0


def test_overview_click_through_opens_the_right_tab(qtbot: QtBot, window: MainWindow, people: dict[str, int]) -> None:
    tree = window.overview.tree
    overdue_section = tree.topLevelItem(0)
    person = overdue_section.child(0)
    deadline_line = person.child(0)
    tree.setCurrentItem(deadline_line)
    tree.itemActivated.emit(deadline_line, 0)
    assert window.pages.currentIndex() == 1
    assert window.selected_citizen_id() == people["overdue"]
    assert window.file.tabs.currentIndex() == TAB_FORLOEB

    meeting_section = tree.topLevelItem(2)
    line = meeting_section.child(0).child(0)
    tree.itemActivated.emit(line, 0)
    assert window.selected_citizen_id() == people["meeting"]
    assert window.file.tabs.currentIndex() == TAB_MEETINGS


def test_overview_lines_that_open_a_file_say_so_when_hovered(qtbot: QtBot, window: MainWindow) -> None:
    tree = window.overview.tree
    window.show()
    qtbot.waitExposed(window)
    section = tree.topLevelItem(0)
    line = section.child(0).child(0)
    signals = tree.topLevelItem(tree.topLevelItemCount() - 1)
    shown: list[str] = []
    with patch.object(QToolTip, "showText", side_effect=lambda _pos, text, *_a: shown.append(text)):
        for item in (section, line, signals):
            pos = tree.visualItemRect(item).center()
            event = QHelpEvent(QEvent.Type.ToolTip, pos, tree.viewport().mapToGlobal(pos))
            QApplication.sendEvent(tree.viewport(), event)
    # The line; not the section's heading; the signals' heading says what it is.
    assert shown == ["Åbn borgerens sag", "Progression i timer: tærskler kan ændres under indstillinger"]


def test_a_large_overview_is_filled_a_slice_at_a_time_and_ends_the_same(
    qtbot: QtBot, window: MainWindow, monkeypatch: pytest.MonkeyPatch
) -> None:
    from ui import overview_page

    whole = window.overview.lines()
    overview = load_overview(window.database, TODAY, window.model.rows())
    monkeypatch.setattr(overview_page, "FILL_SLICE", 1)  # as if each citizen were a thousand
    window.overview.show_overview(overview)
    # Being filled, and the sections shown stay until each new one is whole: no emptied Overblik.
    assert not window.overview.filled() and window.overview.lines() == whole
    window.overview.show_overview(overview)  # a newer reading replaces the one being filled
    qtbot.waitUntil(window.overview.filled)
    assert window.overview.lines() == whole


def test_journal_note_added_searched_and_copied(qtbot: QtBot, window: MainWindow, people: dict[str, int]) -> None:
    window.open_citizen(people["overdue"])
    f = window.file

    def fill_and_save(dialog: FormDialog) -> int:
        dialog.widgets["text"].setPlainText("Samtale om praktik hos Netto. Borger vil gerne prøve flere timer.")  # type: ignore[attr-defined]
        dialog.accept()
        return int(dialog.result())

    with patch.object(FormDialog, "exec", fill_and_save):
        f.add_journal_note()
    assert f.tabs.currentIndex() == TAB_JOURNAL
    notes = records.list_journal(window.database, people["overdue"])
    assert [n.kind for n in notes] == [JournalKind.SAMTALE]
    journal = f.journal.notes
    assert journal.model.rowCount() == 1

    f.journal.search.setText("netto")
    assert journal.model.rowCount() == 1
    f.journal.search.setText("fleksjob")
    assert journal.model.rowCount() == 0
    assert not journal.buttons["copy"].isEnabled()  # nothing to copy
    f.journal.search.clear()

    journal.view.selectRow(0)
    qtbot.mouseClick(journal.buttons["copy"], Qt.MouseButton.LeftButton)
    copied = QGuiApplication.clipboard().text()
    assert "Samtale om praktik hos Netto" in copied
    assert "0101621233" not in copied and "010162-1233" not in copied


def test_goal_reached_closes_the_deadline(qtbot: QtBot, window: MainWindow, people: dict[str, int]) -> None:
    window.open_citizen(people["overdue"])
    f = window.file
    goals = f.forloeb.goals.model
    assert goals.rowCount() == 5  # gruppe 1: four 13-week goals and the job goal
    for row in range(4):
        f.forloeb.goals.view.selectRow(row)
        with patch.object(FormDialog, "exec", lambda d: (d.accept(), int(d.result()))[1]):
            qtbot.mouseClick(f.forloeb.goals.buttons["edit"], Qt.MouseButton.LeftButton)
    assert all(goals.row_at(r)[2] == TODAY for r in range(4))
    # The list is read again behind the window; the rows stay shown meanwhile.
    assert window.table.isVisibleTo(window) and not window.reading_label.isVisibleTo(window)

    def overdue() -> int:
        return window.model.row_at(window.model.row_of(people["overdue"])).overdue_count(TODAY)  # type: ignore[arg-type]

    qtbot.waitUntil(lambda: overdue() == 0)
    assert not window.loading.isVisibleTo(window)


def test_delete_asks_first(qtbot: QtBot, window: MainWindow, people: dict[str, int]) -> None:
    window.open_citizen(people["meeting"], "meetings")
    meetings = window.file.meetings.meetings
    meetings.view.selectRow(0)
    with patch.object(QMessageBox, "question", return_value=QMessageBox.StandardButton.No):
        qtbot.mouseClick(meetings.buttons["delete"], Qt.MouseButton.LeftButton)
    assert len(records.list_meetings(window.database, people["meeting"])) == 1
    with patch.object(QMessageBox, "question", return_value=QMessageBox.StandardButton.Yes):
        qtbot.mouseClick(meetings.buttons["delete"], Qt.MouseButton.LeftButton)
    assert records.list_meetings(window.database, people["meeting"]) == []


def test_tabs_load_when_shown_and_never_show_the_previous_citizen(
    qtbot: QtBot, window: MainWindow, people: dict[str, int]
) -> None:
    f = window.file
    window.open_citizen(people["meeting"], "meetings")
    assert f.meetings.meetings.model.rowCount() == 1
    f.tabs.setCurrentIndex(TAB_SUMMARY)
    window.open_citizen(people["overdue"])  # has only the samtale held 3 days ago; Møder is not in front
    calls: list[int] = []
    real = records.list_meetings
    with patch.object(records, "list_meetings", side_effect=lambda db, cid: calls.append(cid) or real(db, cid)):
        assert calls == []  # not read while the tab is behind
        f.tabs.setCurrentIndex(TAB_MEETINGS)
        assert calls == [people["overdue"]]
        shown = [
            f.meetings.meetings.model.row_at(r).starts_at.date() for r in range(f.meetings.meetings.model.rowCount())
        ]
        assert shown == [TODAY - dt.timedelta(days=3)]  # not the first citizen's meeting
        f.tabs.setCurrentIndex(TAB_SUMMARY)
        f.tabs.setCurrentIndex(TAB_MEETINGS)
        assert calls == [people["overdue"]]  # read once per opening


def test_praktik_signal_in_the_overview_opens_the_praktik_tab(qtbot: QtBot, database: Database) -> None:
    from db.enums import PlacementKind
    from jobraad import placements
    from ui.citizen_file import TAB_PLACEMENTS

    cid = create_citizen(
        database,
        CitizenInput("Ole", "Sørensen", "0303701234", group=VisitationGroup.GRUPPE_2, forloeb_start=TODAY),
    )
    monday = TODAY - dt.timedelta(days=TODAY.weekday())
    start = monday - dt.timedelta(weeks=5)
    pid = placements.add_placement(
        database,
        cid,
        placements.PlacementInput(PlacementKind.VIRKSOMHEDSPRAKTIK, "Netto Valby", start, planned_hours_per_week=20),
    )
    weeks = []
    for i, hours in enumerate((4, 6, 8, 10, 12)):
        year, week, _ = (start + dt.timedelta(weeks=i)).isocalendar()
        weeks.append(placements.HoursInput(year, week, planned=20, attended=hours))
    placements.save_weeks(database, pid, weeks, today=TODAY)
    w = MainWindow(database, today=TODAY)
    qtbot.addWidget(w)
    lines = w.overview.lines()
    header = next(i for i, line in enumerate(lines) if line.startswith("Signaler fra praktik"))
    assert any("Timerne stiger" in line and "gruppe 2 → 1" in line for line in lines[header:])
    top = w.overview.tree.topLevelItem(3)
    w.overview.tree.itemActivated.emit(top.child(0).child(0), 0)
    assert w.selected_citizen_id() == cid
    assert w.file.tabs.currentIndex() == TAB_PLACEMENTS


def test_overview_read_again_while_hidden_is_filled_when_shown(
    qtbot: QtBot, window: MainWindow, database: Database
) -> None:
    window.pages.setCurrentIndex(1)  # working in the caseload list
    before = window.overview.lines()
    create_citizen(
        database,
        CitizenInput(
            "Amir", "Haddad", "0202921237", group=VisitationGroup.GRUPPE_1, forloeb_start=TODAY - dt.timedelta(weeks=14)
        ),
    )
    window.reload()
    assert window.overview.lines() == before  # not filled while nobody sees it
    assert len(window.model.rows()) == 3  # the list itself is up to date
    window.pages.setCurrentIndex(0)
    assert any("Amir Haddad" in line for line in window.overview.lines())
    assert "3 aktive sager" in window.overview.heading.text()


def test_an_overview_deleted_while_it_is_filled_stops_filling(
    qtbot: QtBot, database: Database, people: dict[str, int], monkeypatch: pytest.MonkeyPatch
) -> None:
    import shiboken6

    from ui import overview_page

    monkeypatch.setattr(overview_page, "FILL_SLICE", 1)
    page = overview_page.OverviewPage()
    page.show()
    page.show_overview(load_overview(database, TODAY, load_caseload(database, TODAY)))
    assert not page.filled()
    shiboken6.delete(page)
    settle()  # a turn that touched the deleted tree would raise here (pytest-qt reports it)


def test_a_hidden_overview_waits_to_be_filled_until_it_is_shown(
    qtbot: QtBot, window: MainWindow, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Filling what nobody sees would take turns of the event loop from typing in the list.
    from ui import overview_page

    whole = window.overview.lines()
    monkeypatch.setattr(overview_page, "FILL_SLICE", 1)
    window.overview.show_overview(load_overview(window.database, TODAY, window.model.rows()))
    window.pages.setCurrentIndex(1)
    settle()
    assert not window.overview.filled()
    window.pages.setCurrentIndex(0)
    qtbot.waitUntil(window.overview.filled)
    assert window.overview.lines() == whole


def test_the_texts_tab_heads_the_description_as_the_cases_pack_names_it(qtbot: QtBot, database: Database) -> None:
    from db.enums import Aim
    from jobraad import documentation
    from ui.citizen_file import TAB_CASE_TEXT, CitizenFileWidget

    team = create_citizen(database, CitizenInput("A", "B", "0202701234", aim=Aim.FLEKSJOB))
    reform = create_citizen(database, CitizenInput("C", "D", "0303701234", aim=Aim.FLEKSJOB))
    documentation.set_rule_pack(database, team, "bek47_2026", "Begyndt i foråret 2026")
    documentation.set_rule_pack(database, reform, "l1750_2026", "Begyndt efter 1. juli 2026")
    widget = CitizenFileWidget(database, TODAY)
    qtbot.addWidget(widget)
    widget.tabs.setCurrentIndex(TAB_CASE_TEXT)
    # The tab holds more than the description (the citizen's remarks, the jobcenter's own
    # parts), so it is "Tekster"; the description's heading inside it is the pack's word.
    widget.show_citizen(reform)
    assert widget.tabs.tabText(TAB_CASE_TEXT) == "Tekster"
    assert widget.case_text.sections.item(0).text() == "Samlet beskrivelse"
    widget.show_citizen(team)
    assert widget.case_text.sections.item(0).text() == "Forberedende del"
