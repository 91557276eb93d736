"""Søg i alle notater: typed and Enter finds every citizen's notes, a hit opens the journal
note selected (or the case text's section) in the citizen's file, a too short search is
told calmly, and the menu's shortcut opens the window."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from db.enums import JournalKind, VisitationGroup
from db.models import AuditEntry
from db.session import Database
from jobraad import audit, records
from jobraad.case_texts import save_case_texts
from jobraad.citizens import CitizenInput, create_citizen
from jobraad.search import AUDIT_DETAIL, search_notes
from ui.citizen_file import TAB_CASE_TEXT, TAB_JOURNAL
from ui.dialogs.caseload_search import CaseloadSearchDialog, result_text
from ui.main_window import MainWindow

TODAY = dt.date(2026, 3, 2)


@pytest.fixture
def people(database: Database) -> dict[str, int]:
    def citizen(first: str, last: str, cpr: str) -> int:
        return create_citizen(
            database,
            CitizenInput(first, last, cpr, group=VisitationGroup.GRUPPE_2, forloeb_start=dt.date(2026, 1, 5)),
        )

    soeren, anna = citizen("Søren", "Ærø", "0101621233"), citizen("Anna", "Østergård", "0303901231")
    ids = {"soeren": soeren, "anna": anna}
    for day, text in ((3, "Første samtale, intet om praktik."), (10, "Aftalt ØKONOMISK rådgivning."), (17, "Kørsel.")):
        ids[f"note{day}"] = records.add_journal_note(
            database, soeren, records.JournalInput(JournalKind.NOTAT, text, dt.datetime(2026, 2, day, 9, 0))
        )
    save_case_texts(database, anna, {"udfordringer": "Behov for økonomisk vejledning og hjælp til bolig."})
    return ids


@pytest.fixture
def window(qtbot: QtBot, database: Database, people: dict[str, int]) -> Iterator[MainWindow]:
    w = MainWindow(database, today=TODAY)
    w.show()
    w.activateWindow()
    qtbot.waitUntil(w.isActiveWindow)
    yield w
    if w.notes_search is not None:
        w.notes_search.close()
    w.close()
    w.deleteLater()


def _search(qtbot: QtBot, dialog: CaseloadSearchDialog, text: str) -> None:
    dialog.query.setFocus()
    dialog.query.clear()
    qtbot.keyClicks(dialog.query, text)
    qtbot.keyClick(dialog.query, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: dialog.search_button.isEnabled() and dialog.status.text() != "Søger…")


def test_the_shortcut_opens_the_window_and_a_hit_opens_the_journal_note_selected(
    qtbot: QtBot, window: MainWindow, people: dict[str, int]
) -> None:
    assert window.notes_search_action.shortcut().toString() == "Ctrl+Shift+J"
    assert window.notes_search_action.statusTip()
    window.notes_search_action.trigger()
    dialog = window.notes_search
    assert isinstance(dialog, CaseloadSearchDialog)
    qtbot.waitUntil(dialog.isVisible)
    _search(qtbot, dialog, "økonomisk")
    shown = [
        (dialog.model.data(dialog.model.index(r, 0)), dialog.model.data(dialog.model.index(r, 2))) for r in range(2)
    ]
    assert dialog.model.rowCount() == 2
    assert sorted(shown) == [
        ("Anna Østergård", "Sagstekst: Beskæftigelsesmæssige og sociale udfordringer"),
        ("Søren Ærø", "Journalnotat: Notat"),
    ]
    assert dialog.status.text().startswith("2 fund hos 2 borgere.")
    row = next(r for r in range(2) if dialog.model.row_at(r).citizen_id == people["soeren"])
    assert "ØKONOMISK" in dialog.model.data(dialog.model.index(row, 3))
    dialog.table.selectRow(row)
    dialog.table.setFocus()
    qtbot.keyClick(dialog.table, Qt.Key.Key_Return)

    file = window.file
    qtbot.waitUntil(lambda: file.citizen_id == people["soeren"])
    assert file.tabs.currentIndex() == TAB_JOURNAL
    note = file.journal.notes.selected()
    assert note is not None and note.note_id == people["note10"]
    assert "ØKONOMISK rådgivning" in file.journal.note_text.toPlainText()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is file.journal.notes.view)


def test_a_case_text_hit_opens_its_section_with_the_open_button(
    qtbot: QtBot, window: MainWindow, people: dict[str, int]
) -> None:
    window.search_all_notes()
    dialog = window.notes_search
    assert isinstance(dialog, CaseloadSearchDialog)
    _search(qtbot, dialog, "BOLIG")
    assert dialog.model.rowCount() == 1
    assert dialog.open_button.isEnabled()  # the first hit is selected
    qtbot.mouseClick(dialog.open_button, Qt.MouseButton.LeftButton)
    file = window.file
    qtbot.waitUntil(lambda: file.citizen_id == people["anna"])
    assert file.tabs.currentIndex() == TAB_CASE_TEXT
    assert file.case_text.editor.toPlainText().startswith("Behov for økonomisk vejledning")
    assert "udfordringer" in file.case_text.title.text()


def test_a_hit_hidden_by_the_journals_own_search_is_shown_all_the_same(
    qtbot: QtBot, window: MainWindow, people: dict[str, int]
) -> None:
    window.open_citizen(people["soeren"], "journal")
    qtbot.keyClicks(window.file.journal.search, "kørsel")
    window.open_citizen(people["soeren"], f"journal:{people['note3']}")
    note = window.file.journal.notes.selected()
    assert note is not None and note.note_id == people["note3"]
    assert window.file.journal.search.text() == ""


def test_too_short_a_search_is_told_and_nothing_is_shown(
    qtbot: QtBot, database: Database, people: dict[str, int]
) -> None:
    dialog = CaseloadSearchDialog(database)
    qtbot.addWidget(dialog)
    dialog.show()
    _search(qtbot, dialog, "ø")
    assert dialog.status.text() == "Skriv mindst 2 tegn at søge efter."
    assert dialog.model.rowCount() == 0
    assert not dialog.open_button.isEnabled()
    _search(qtbot, dialog, "cykel")
    assert dialog.status.text() == "Ingen notater eller tekster indeholder det, du søgte efter."


def test_the_search_from_the_window_is_logged_without_its_words(
    qtbot: QtBot, database: Database, people: dict[str, int]
) -> None:
    dialog = CaseloadSearchDialog(database)
    qtbot.addWidget(dialog)
    dialog.show()
    _search(qtbot, dialog, "rådgivning")
    with database.reading() as session:
        details = session.scalars(select(AuditEntry.detail).where(AuditEntry.action == audit.Action.SEARCH)).all()
    assert details == [f"{AUDIT_DETAIL} (1 fund)", AUDIT_DETAIL]


def test_the_status_says_when_only_the_newest_are_shown(database: Database, people: dict[str, int]) -> None:
    result = search_notes(database, "notat", limit=2)
    assert result_text(result) == "3 fund hos 1 borger. Viser de 2 nyeste – søg mere præcist for at se resten."
