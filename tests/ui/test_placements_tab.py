"""Virksomhedspraktik in the file: keyboard entry in the week grid, saving, the chart."""

from __future__ import annotations

import datetime as dt

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from db.enums import PlacementKind, VisitationGroup
from db.session import Database
from jobraad import placements
from jobraad.citizens import CitizenInput, create_citizen
from ui.file_tabs.placements import PlacementsTab
from ui.models.week_grid import WeekGridModel

TODAY = dt.date(2026, 11, 25)  # a Wednesday, ISO week 48


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
    t.activateWindow()  # keys and focus reach it as they reach a user's window
    qtbot.waitUntil(t.isActiveWindow)
    t.show_citizen(cid)
    return t


def test_grid_offers_weeks_from_start_to_next_week_prefilled(tab: PlacementsTab) -> None:
    model = tab.grid_model
    weeks = [model.row_at(i).iso_week for i in range(model.rowCount())]
    assert weeks == [45, 46, 47, 48, 49]
    assert [model.row_at(i).planned for i in range(model.rowCount())] == [8, 8, 8, 8, 8]
    assert all(model.row_at(i).attended is None for i in range(model.rowCount()))
    assert tab.grid.currentIndex().row() == 0 and tab.grid.currentIndex().column() == WeekGridModel.ATTENDED


def test_typing_hours_with_enter_stores_each_week_and_goes_on_to_the_next(qtbot: QtBot, tab: PlacementsTab) -> None:
    grid = tab.grid
    grid.setFocus()
    p = tab.selected_placement()
    assert p is not None
    for n, hours in enumerate(("6", "7,5", "9"), start=1):
        for char in hours:  # the first key opens the editor; the rest go to it, as when typing
            qtbot.keyClick(QApplication.focusWidget() or grid, char)
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Return)
        qtbot.waitUntil(lambda: QApplication.focusWidget() is grid)  # the cell's editor has closed
        stored = [r for r in placements.week_rows(tab.database, p.placement_id, TODAY) if r.stored]
        assert len(stored) == n  # Enter stored the week
        assert grid.currentIndex().row() == n and grid.currentIndex().column() == WeekGridModel.ATTENDED
    assert not tab.grid_model.dirty and not tab.save_button.isEnabled()
    assert tab.placement_view.model().rowCount() == 1
    rows = placements.week_rows(tab.database, p.placement_id, TODAY)
    assert [(r.iso_week, r.attended, r.stored) for r in rows[:3]] == [(45, 6.0, True), (46, 7.5, True), (47, 9.0, True)]
    assert tab.chart.points_shown == 3
    assert "Fremmøde:" in tab.summary.text()


def test_typed_hours_are_saved_with_ctrl_s_and_focus_stays_in_the_grid(qtbot: QtBot, tab: PlacementsTab) -> None:
    grid = tab.grid
    grid.setFocus()
    qtbot.keyClick(grid, "8")
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Down)  # the editor closes, its value kept as unsaved
    qtbot.waitUntil(lambda: tab.grid_model.dirty)
    grid.setFocus()
    qtbot.keyClick(grid, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    assert not tab.grid_model.dirty
    p = tab.selected_placement()
    assert p is not None
    assert placements.week_rows(tab.database, p.placement_id, TODAY)[0].attended == 8.0
    assert QApplication.focusWidget() is grid


def test_enter_on_a_value_that_is_not_a_number_stores_nothing_and_says_why(qtbot: QtBot, tab: PlacementsTab) -> None:
    grid = tab.grid
    grid.setFocus()
    qtbot.keyClick(grid, "7")
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Down)  # a week typed, not yet saved
    qtbot.waitUntil(lambda: tab.grid_model.dirty)
    grid.setFocus()
    for char in "seks":
        qtbot.keyClick(QApplication.focusWidget() or grid, char)
    row = grid.currentIndex().row()
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: "«seks» er ikke et tal" in tab.message.text())
    assert tab.message.isVisible() and grid.currentIndex().row() == row
    p = tab.selected_placement()
    assert p is not None
    assert not [r for r in placements.week_rows(tab.database, p.placement_id, TODAY) if r.stored]
    assert tab.grid_model.dirty  # the week typed before is still there, unsaved


def test_tab_in_a_cell_editor_goes_to_the_next_cell_and_tab_on_a_cell_leaves_the_grid(
    qtbot: QtBot, tab: PlacementsTab
) -> None:
    grid = tab.grid
    grid.setFocus()
    start = grid.currentIndex()
    qtbot.keyClick(grid, "5")  # opens the editor
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
    assert grid.currentIndex().column() == start.column() + 1
    assert grid.currentIndex().row() == start.row()
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: QApplication.focusWidget() is grid)
    qtbot.keyClick(grid, Qt.Key.Key_Tab)
    assert QApplication.focusWidget() is not grid and not grid.isAncestorOf(QApplication.focusWidget())


def test_bad_number_is_refused_with_a_message(qtbot: QtBot, tab: PlacementsTab) -> None:
    model = tab.grid_model
    assert not model.setData(model.index(0, WeekGridModel.ATTENDED), "seks")
    assert "ikke et tal" in tab.message.text()
    assert not model.dirty


def test_absence_without_reason_is_refused_on_save_and_nothing_saved(tab: PlacementsTab) -> None:
    model = tab.grid_model
    model.setData(model.index(0, WeekGridModel.ATTENDED), "4")
    model.setData(model.index(1, WeekGridModel.ATTENDED), "2")
    model.setData(model.index(1, WeekGridModel.ABSENCE), "6")
    assert not tab.save_weeks()
    assert "uge 46" in tab.message.text()
    p = tab.selected_placement()
    assert p is not None
    assert not any(r.stored for r in placements.week_rows(tab.database, p.placement_id, TODAY))
    model.setData(model.index(1, WeekGridModel.REASON), "Sygdom")
    assert tab.save_weeks()
    stored = [r for r in placements.week_rows(tab.database, p.placement_id, TODAY) if r.stored]
    assert [(r.iso_week, r.attended, r.absence) for r in stored] == [(45, 4.0, 0.0), (46, 2.0, 6.0)]


def test_forlaeng_praktik_through_the_dialog_records_the_step(
    qtbot: QtBot, tab: PlacementsTab, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Ctrl+Shift+F opens the dialog with the step the rules give; a missing reason is refused with
    nothing saved; with a reason the extension is stored and listed in the tab."""
    from sqlalchemy import select

    from db.models import Placement, PlacementExtension
    from ui.dialogs.extend_placement import ExtendPlacementDialog

    opened: list[ExtendPlacementDialog] = []

    def run(dialog: ExtendPlacementDialog) -> bool:  # the dialog is driven, never exec()'d
        opened.append(dialog)
        return False

    monkeypatch.setattr(tab, "run_dialog", run)
    assert tab.placement_list.buttons["extend"].isEnabled()
    tab.placement_view.setFocus()
    qtbot.keyClick(
        tab.placement_view, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier
    )
    qtbot.waitUntil(lambda: len(opened) == 1)
    dialog = opened[0]
    qtbot.addWidget(dialog)
    assert "konkret vurdering" in dialog.step_label.text() and "LAB § 61, stk. 2, 1. pkt." in dialog.step_label.text()

    end = dialog.widgets["extended_to"]
    qtbot.keyClicks(end, "30-04-2027")
    dialog.accept()  # no reason
    assert dialog.error_text("reason") == "Begrundelse skal udfyldes."
    with tab.database.reading() as session:
        assert session.scalars(select(PlacementExtension)).all() == []

    qtbot.keyClicks(dialog.widgets["reason"], "Borgeren skal afprøve flere timer")
    dialog.accept()
    assert dialog.result() == ExtendPlacementDialog.DialogCode.Accepted
    with tab.database.reading() as session:
        [row] = session.scalars(select(PlacementExtension)).all()
        assert (row.extended_to, row.step, row.reason, row.decided_on) == (
            dt.date(2027, 4, 30),
            "konkret_vurdering",
            "Borgeren skal afprøve flere timer",
            TODAY,
        )
        placement = session.scalars(select(Placement)).one()
        assert placement.planned_end == dt.date(2027, 4, 30)
    tab.reload()
    text = tab.extensions_label.text()
    assert "25-11-2026" in text and "konkret vurdering" in text and "Borgeren skal afprøve flere timer" in text


def test_a_new_end_past_26_weeks_is_refused_in_the_dialog(tab: PlacementsTab, qtbot: QtBot) -> None:
    from ui.dialogs.extend_placement import ExtendPlacementDialog

    p = tab.selected_placement()
    assert p is not None
    preview = placements.extension_preview(tab.database, p.placement_id, TODAY)
    dialog = ExtendPlacementDialog(tab.database, p, preview, TODAY, tab)
    qtbot.addWidget(dialog)
    qtbot.keyClicks(dialog.widgets["extended_to"], "10-05-2027")  # 26 weeks from 02-11-2026 end 03-05-2027
    qtbot.keyClicks(dialog.widgets["reason"], "Afklaring")
    dialog.accept()

    assert dialog.result() != ExtendPlacementDialog.DialogCode.Accepted
    assert "højst forlænges til 26 uger i alt (til 03-05-2027)" in dialog.error_text("extended_to")
    assert placements.list_placements(tab.database, tab.citizen_id or 0)[0].extensions == ()
