"""Fortryd (Ctrl+Z) in the week grid and the checklist: the last saved change is undone through
the services, the stored rows are as before it, and the tab says in Danish what was undone."""

from __future__ import annotations

import datetime as dt
from unittest.mock import patch

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QApplication, QMessageBox
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from db.enums import Aim, DocumentSource, DocumentState, PlacementKind, VisitationGroup
from db.models import Citizen, DocumentationItem, DocumentEvent, HoursEntry
from db.session import Database
from jobraad import consents, documentation, placements
from jobraad.citizens import CitizenInput, create_citizen
from tests.helpers import consent_input
from tests.ui.test_documentation_tab import _accepting
from ui.file_tabs.documentation import DocumentationTab
from ui.file_tabs.placements import PlacementsTab
from ui.forms import FormDialog
from ui.help import shortcut_lines
from ui.models.week_grid import WeekGridModel

TODAY = dt.date(2026, 11, 25)  # a Wednesday, ISO week 48


def _stored_hours(database: Database) -> list[tuple[int, float, float]]:
    with database.reading() as session:
        rows = session.execute(
            select(HoursEntry.iso_week, HoursEntry.planned_hours, HoursEntry.attended_hours).order_by(
                HoursEntry.iso_week
            )
        )
        return [tuple(r) for r in rows]  # type: ignore[misc]


@pytest.fixture
def tab(qtbot: QtBot, database: Database) -> PlacementsTab:
    cid = create_citizen(
        database,
        CitizenInput(
            "Şükrü", "Ağaoğlu", "0101621233", group=VisitationGroup.GRUPPE_2, forloeb_start=dt.date(2026, 6, 1)
        ),
    )
    placements.add_placement(
        database,
        cid,
        placements.PlacementInput(
            kind=PlacementKind.VIRKSOMHEDSPRAKTIK,
            employer_name="Føtex Amager",
            start_date=dt.date(2026, 11, 2),  # week 45
            planned_end=dt.date(2027, 1, 29),
            planned_hours_per_week=8,
        ),
    )
    t = PlacementsTab(database, TODAY)
    qtbot.addWidget(t)
    t.show()
    t.activateWindow()
    qtbot.waitUntil(t.isActiveWindow)
    t.show_citizen(cid)
    return t


def _type_and_enter(qtbot: QtBot, tab: PlacementsTab, text: str) -> None:
    for char in text:
        qtbot.keyClick(QApplication.focusWidget() or tab.grid, char)
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: QApplication.focusWidget() is tab.grid)


def test_ctrl_z_undoes_the_last_saved_week_and_the_database_is_as_before(qtbot: QtBot, tab: PlacementsTab) -> None:
    tab.grid.setFocus()
    _type_and_enter(qtbot, tab, "6")  # uge 45 stored
    _type_and_enter(qtbot, tab, "7")  # uge 46 stored
    assert _stored_hours(tab.database) == [(45, 8.0, 6.0), (46, 8.0, 7.0)]
    assert tab.undo_action.isEnabled() and tab.undo_action.toolTip().endswith("(Ctrl+Z)")
    assert tab.undo_action.whatsThis()

    qtbot.keyClick(tab.grid, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)

    # The week the last save added is gone again; the one before stays.
    assert _stored_hours(tab.database) == [(45, 8.0, 6.0)]
    assert tab.undo_note.isVisible()
    assert tab.undo_note.text() == (
        "Fortrudt: gemte timer for uge 46, 2026 (Føtex Amager). Ugerne er gemt, som de var før."
    )
    assert tab.grid_model.row_at(1).attended is None  # the grid shows what is stored
    assert not tab.undo_action.isEnabled()  # the last change only


def test_undo_puts_a_changed_week_back_to_its_earlier_hours(qtbot: QtBot, tab: PlacementsTab) -> None:
    tab.grid.setFocus()
    _type_and_enter(qtbot, tab, "6")
    tab._go_to_cell(0, WeekGridModel.ATTENDED)
    tab.grid.setFocus()
    _type_and_enter(qtbot, tab, "3")  # a slip: uge 45 now 3
    assert _stored_hours(tab.database) == [(45, 8.0, 3.0)]

    tab.undo_button.click()

    assert _stored_hours(tab.database) == [(45, 8.0, 6.0)]
    assert "uge 45, 2026" in tab.undo_note.text()


def test_hours_typed_and_not_saved_are_dropped_first(qtbot: QtBot, tab: PlacementsTab) -> None:
    tab.grid_model.setData(tab.grid_model.index(0, WeekGridModel.ATTENDED), "5")
    assert tab.grid_model.dirty and tab.undo_action.isEnabled()
    tab.undo_action.trigger()
    assert not tab.grid_model.dirty
    assert tab.undo_note.text() == "Fortrudt: timer, der var skrevet og ikke gemt."
    assert _stored_hours(tab.database) == []


def test_an_undo_of_weeks_changed_again_since_is_refused(database: Database, tab: PlacementsTab) -> None:
    p = tab.selected_placement()
    assert p is not None
    row = placements.HoursInput(2026, 45, planned=8, attended=6)
    undo = placements.save_weeks_undoable(database, p.placement_id, [row], today=TODAY)
    assert undo is not None
    placements.save_weeks(database, p.placement_id, [placements.HoursInput(2026, 45, 8, 4)], today=TODAY)
    with pytest.raises(placements.ValidationFailed, match="Kan ikke fortrydes") as refused:
        placements.undo_weeks(database, undo)
    assert "uge 45, 2026 er ændret siden" in refused.value.message
    assert _stored_hours(database) == [(45, 8.0, 4.0)]  # nothing changed


# --- the checklist --------------------------------------------------------------------------------


TODAY_DOC = dt.date(2026, 3, 2)


@pytest.fixture
def doc_tab(qtbot: QtBot, database: Database) -> DocumentationTab:
    cid = create_citizen(
        database,
        CitizenInput(
            "Łucja",
            "Wąsik",
            "1505801234",
            aim=Aim.FLEKSJOB,
            group=VisitationGroup.GRUPPE_3,
            forloeb_start=dt.date(2026, 1, 5),
        ),
    )
    t = DocumentationTab(database, TODAY_DOC)
    qtbot.addWidget(t)
    t.show()
    t.show_citizen(cid)
    return t


def _item(database: Database, key: str) -> tuple[DocumentState, str, str, int] | None:
    """The stored row of a checklist item: state, from whom, reason, and its history lines."""
    with database.reading() as session:
        row = session.scalars(select(DocumentationItem).where(DocumentationItem.item_key == key)).one_or_none()
        if row is None:
            return None
        events = session.scalars(select(DocumentEvent.id).where(DocumentEvent.item_id == row.id)).all()
        return row.state, row.requested_from, row.not_relevant_reason, len(events)


def _pack(database: Database) -> str:
    with database.reading() as session:
        return str(session.scalars(select(Citizen.rule_pack)).one())


def test_ctrl_z_in_the_checklist_undoes_the_last_state_change(qtbot: QtBot, doc_tab: DocumentationTab) -> None:
    database = doc_tab.database
    assert doc_tab.select_entry("hospital_journal")
    assert _pack(database) == ""  # no documentation step yet
    with patch.object(FormDialog, "exec", _accepting({"reason": "Ingen hospitalsforløb"})):
        doc_tab.mark_not_relevant()
    assert _item(database, "hospital_journal") == (DocumentState.IKKE_RELEVANT, "", "Ingen hospitalsforløb", 1)
    assert _pack(database) != ""  # the first step records the case's pack
    assert doc_tab.undo_action.isEnabled() and doc_tab.undo_action.toolTip().endswith("(Ctrl+Z)")

    doc_tab.tree.setFocus()
    qtbot.keyClick(doc_tab.tree, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)

    # The change made the item's row and history line and recorded the pack: all gone again.
    assert _item(database, "hospital_journal") is None
    assert _pack(database) == ""
    title = doc_tab.selected_entry().title  # type: ignore[union-attr]
    assert doc_tab.undo_note.text() == (f"Fortrudt: «{title}» markeret som «ikke relevant». Punktet er igen «mangler».")
    assert doc_tab.selected_entry().state == DocumentState.MANGLER  # type: ignore[union-attr]
    assert not doc_tab.undo_action.isEnabled()


def test_undo_puts_a_reset_item_back_with_its_dates_and_names(qtbot: QtBot, doc_tab: DocumentationTab) -> None:
    database = doc_tab.database
    cid = doc_tab.citizen_id
    assert cid is not None
    consents.add_consent(database, cid, DocumentSource.EGEN_LAEGE, consent_input(dt.date(2026, 2, 20)), TODAY_DOC)
    documentation.set_state(
        database,
        cid,
        "lae265",
        "",
        DocumentState.ANMODET,
        on=dt.date(2026, 2, 23),
        requested_from="Læge Hansen",
        today=TODAY_DOC,
    )
    doc_tab.reload()
    assert doc_tab.select_entry("lae265")
    with patch.object(QMessageBox, "question", return_value=QMessageBox.StandardButton.Yes):
        doc_tab.reset_item()  # a slip: the request is forgotten
    assert _item(database, "lae265") == (DocumentState.MANGLER, "", "", 2)

    doc_tab.undo_action.trigger()

    assert _item(database, "lae265") == (DocumentState.ANMODET, "Læge Hansen", "", 1)
    entry = doc_tab.selected_entry()
    assert entry is not None and entry.requested_on == dt.date(2026, 2, 23)
    assert "Punktet er igen «anmodet»" in doc_tab.undo_note.text()


def test_an_undo_of_an_item_changed_again_since_is_refused(database: Database, doc_tab: DocumentationTab) -> None:
    cid = doc_tab.citizen_id
    assert cid is not None
    first = documentation.set_state(
        database, cid, "hospital_journal", "", DocumentState.IKKE_RELEVANT, reason="Ingen", today=TODAY_DOC
    )
    documentation.set_state(database, cid, "hospital_journal", "", DocumentState.MANGLER, today=TODAY_DOC)
    with pytest.raises(documentation.ValidationFailed, match="Kan ikke fortrydes") as refused:
        documentation.undo_state(database, first)
    assert "er ændret igen efter den ændring" in refused.value.message
    assert _item(database, "hospital_journal") == (DocumentState.MANGLER, "", "", 2)


def test_undo_is_in_the_help_as_fortryd(qtbot: QtBot, doc_tab: DocumentationTab) -> None:
    lines = shortcut_lines(doc_tab)
    keys = QKeySequence(QKeySequence.StandardKey.Undo).toString(QKeySequence.SequenceFormat.NativeText)
    assert any(line.keys == keys and line.what == "Fortryd" for line in lines)
