"""The citizen's file by keyboard on a laptop screen (issue 19): the sections as a list with
Ctrl+Tab between them, and a week of praktik hours logged from the caseload in a few keys."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from unittest.mock import patch

import pytest
from PySide6.QtCore import QRect, Qt
from PySide6.QtWidgets import QApplication, QMessageBox, QWidget
from pytestqt.qtbot import QtBot

from db.enums import PlacementKind, VisitationGroup
from db.session import Database
from jobraad import placements
from jobraad.citizens import CitizenInput, create_citizen
from tests.ui.conftest import heading_fits
from ui.citizen_file import (
    TAB_DOCUMENTATION,
    TAB_JOURNAL,
    TAB_MEETINGS,
    TAB_PLACEMENTS,
    TAB_SAMTALER,
    TAB_SUMMARY,
)
from ui.main_window import MainWindow
from ui.models.week_grid import WeekGridModel

TODAY = dt.date(2026, 11, 25)  # a Wednesday, ISO week 48
LAPTOP = (1366 - 16, 768 - 48)  # the window on a 1366x768 screen, as `fit_to_screen` leaves room for the frame


@pytest.fixture
def people(database: Database) -> dict[str, int]:
    citizen = create_citizen(
        database,
        CitizenInput(
            "Şükrü", "Ağaoğlu", "0101621233", group=VisitationGroup.GRUPPE_2, forloeb_start=dt.date(2026, 6, 1)
        ),
    )
    placement = placements.add_placement(
        database,
        citizen,
        placements.PlacementInput(
            kind=PlacementKind.VIRKSOMHEDSPRAKTIK,
            employer_name="Føtex Amager",
            start_date=dt.date(2026, 9, 7),  # week 37: 11 weeks before this week
            planned_end=dt.date(2026, 12, 4),
            planned_hours_per_week=8,
        ),
    )
    return {"citizen": citizen, "placement": placement}


@pytest.fixture
def window(qtbot: QtBot, database: Database, people: dict[str, int]) -> Iterator[MainWindow]:
    w = MainWindow(database, today=TODAY)
    w.resize(*LAPTOP)
    w.show()
    w.activateWindow()
    qtbot.waitUntil(w.isActiveWindow)
    yield w
    with patch.object(QMessageBox, "question", return_value=QMessageBox.StandardButton.Discard):
        w.close()
    w.deleteLater()


class Keys:
    """Sends each key to the widget with focus, as the keyboard does, and counts them."""

    def __init__(self, qtbot: QtBot) -> None:
        self.qtbot = qtbot
        self.count = 0

    def press(self, key: Qt.Key | str, modifier: Qt.KeyboardModifier = Qt.KeyboardModifier.NoModifier) -> None:
        focus = QApplication.focusWidget()
        assert focus is not None
        self.qtbot.keyClick(focus, key, modifier)
        self.count += 1

    def type(self, text: str) -> None:
        for char in text:
            self.press(char)


def _in_caseload_with(window: MainWindow, citizen_id: int) -> None:
    window.pages.setCurrentIndex(1)
    assert window.select_citizen(citizen_id)
    window.table.setFocus()
    assert window.file.citizen_id == citizen_id


def _stored(database: Database, placement_id: int, iso_week: int) -> float | None:
    rows = placements.week_rows(database, placement_id, TODAY)
    return next((r.attended for r in rows if r.iso_week == iso_week and r.stored), None)


def _fully_visible_rows(window: MainWindow) -> int:
    grid = window.file.placements.grid
    area = grid.viewport().rect()
    model = window.file.placements.grid_model
    return sum(area.contains(grid.visualRect(model.index(r, WeekGridModel.ATTENDED))) for r in range(model.rowCount()))


def _in_view(widget: QWidget, rect: QRect) -> bool:
    return widget.rect().contains(rect)


# --- logging a week of hours ------------------------------------------------------------------------


def test_a_week_of_hours_from_the_caseload_takes_four_keys(
    qtbot: QtBot, window: MainWindow, database: Database, people: dict[str, int]
) -> None:
    _in_caseload_with(window, people["citizen"])
    keys = Keys(qtbot)
    keys.press(Qt.Key.Key_T, Qt.KeyboardModifier.ControlModifier)  # Borger > Registrér timer i praktik
    keys.type("12")
    keys.press(Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: _stored(database, people["placement"], 48) == 12.0)
    assert keys.count == 4  # the goal: at most 5 inputs, no mouse
    tab = window.file.placements
    grid = tab.grid
    assert window.file.tabs.currentIndex() == TAB_PLACEMENTS
    assert not tab.grid_model.dirty
    # On to next week's cell, in view and ready for the next week's hours.
    current = grid.currentIndex()
    assert tab.grid_model.row_at(current.row()).iso_week == 49 and current.column() == WeekGridModel.ATTENDED
    assert QApplication.focusWidget() is grid
    assert grid.viewport().rect().contains(grid.visualRect(current))


def test_ctrl_t_puts_this_weeks_attended_cell_in_view_with_eight_weeks_shown_on_a_laptop(
    qtbot: QtBot, window: MainWindow, people: dict[str, int]
) -> None:
    _in_caseload_with(window, people["citizen"])
    qtbot.keyClick(window.table, Qt.Key.Key_T, Qt.KeyboardModifier.ControlModifier)
    tab = window.file.placements
    grid = tab.grid
    current = grid.currentIndex()
    assert tab.grid_model.row_at(current.row()).iso_week == 48 and current.column() == WeekGridModel.ATTENDED
    assert QApplication.focusWidget() is grid
    assert grid.viewport().rect().contains(grid.visualRect(current))
    assert tab.grid_model.rowCount() == 13  # weeks 37 to 49
    assert _fully_visible_rows(window) >= 8
    assert window.frameGeometry().height() <= 768


def test_the_week_grids_headings_are_whole_on_a_laptop(
    qtbot: QtBot, window: MainWindow, people: dict[str, int]
) -> None:
    """The heading "Arbejdsgivers observation" was cut at both ends at 1366x768 ("bejdsgivers observati")."""
    _in_caseload_with(window, people["citizen"])
    qtbot.keyClick(window.table, Qt.Key.Key_T, Qt.KeyboardModifier.ControlModifier)
    grid = window.file.placements.grid
    model = grid.model()
    for column in range(model.columnCount()):
        assert heading_fits(grid, column), model.headerData(column, Qt.Orientation.Horizontal)
    tip = model.headerData(WeekGridModel.OBSERVATION, Qt.Orientation.Horizontal, Qt.ItemDataRole.ToolTipRole)
    assert tip == "Arbejdsgivers observation"  # the whole heading, on the pointer


def test_ctrl_t_from_the_overblik_brings_the_file_to_the_front(
    qtbot: QtBot, window: MainWindow, people: dict[str, int]
) -> None:
    _in_caseload_with(window, people["citizen"])
    window.pages.setCurrentIndex(0)
    window.overview.tree.setFocus()
    qtbot.keyClick(window.overview.tree, Qt.Key.Key_T, Qt.KeyboardModifier.ControlModifier)
    assert window.pages.currentIndex() == 1
    assert QApplication.focusWidget() is window.file.placements.grid


def test_ctrl_t_without_a_placement_offers_a_new_one(qtbot: QtBot, window: MainWindow, database: Database) -> None:
    other = create_citizen(
        database, CitizenInput("Łucja", "Wąsik", "1505801234", group=VisitationGroup.GRUPPE_3, forloeb_start=TODAY)
    )
    window.reload_in_background()
    qtbot.waitUntil(lambda: window.select_citizen(other))
    window.table.setFocus()
    qtbot.keyClick(window.table, Qt.Key.Key_T, Qt.KeyboardModifier.ControlModifier)
    assert window.file.tabs.currentIndex() == TAB_PLACEMENTS
    assert QApplication.focusWidget() is window.file.placements.placement_list.buttons["new"]


def test_tab_leaves_the_placements_table_for_the_week_grid(
    qtbot: QtBot, window: MainWindow, people: dict[str, int]
) -> None:
    window.open_citizen(people["citizen"], "placements")
    tab = window.file.placements
    tab.placement_view.setFocus()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is tab.placement_view)
    seen = []
    for _ in range(12):
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
        seen.append(QApplication.focusWidget())
        if seen[-1] is tab.grid:
            break
    assert tab.grid in seen


# --- sections -----------------------------------------------------------------------------------------


def test_every_section_name_is_in_view_without_scrolling_on_a_laptop(
    qtbot: QtBot, window: MainWindow, people: dict[str, int]
) -> None:
    window.open_citizen(people["citizen"])
    sections = window.file.tabs.list
    assert sections.count() == 12
    assert all(_in_view(sections.viewport(), sections.visualItemRect(sections.item(i))) for i in range(12))
    assert not sections.verticalScrollBar().isVisible()
    assert [sections.item(i).text() for i in (TAB_JOURNAL, TAB_MEETINGS, TAB_SAMTALER)] == [
        "Journal",
        "Møder",
        "Samtaler",
    ]


def test_ctrl_tab_and_ctrl_page_keys_move_between_sections_from_inside_the_file(
    qtbot: QtBot, window: MainWindow, people: dict[str, int]
) -> None:
    window.open_citizen(people["citizen"], "placements")
    file = window.file
    file.placements.grid.setFocus()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is file.placements.grid)
    keys = Keys(qtbot)
    keys.press(Qt.Key.Key_Tab, Qt.KeyboardModifier.ControlModifier)
    assert file.tabs.currentIndex() == TAB_DOCUMENTATION
    keys.press(Qt.Key.Key_Backtab, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    assert file.tabs.currentIndex() == TAB_PLACEMENTS
    keys.press(Qt.Key.Key_PageDown, Qt.KeyboardModifier.ControlModifier)
    assert file.tabs.currentIndex() == TAB_DOCUMENTATION
    keys.press(Qt.Key.Key_PageUp, Qt.KeyboardModifier.ControlModifier)
    keys.press(Qt.Key.Key_PageUp, Qt.KeyboardModifier.ControlModifier)
    assert file.tabs.currentIndex() == TAB_PLACEMENTS - 1
    file.tabs.setCurrentIndex(TAB_SAMTALER)
    keys.press(Qt.Key.Key_Tab, Qt.KeyboardModifier.ControlModifier)  # round the end, as tabs do
    assert file.tabs.currentIndex() == TAB_SUMMARY
    assert window.pages.currentIndex() == 1  # the window's pages stayed: the file's sections moved


def test_the_section_list_shows_a_section_as_its_tab_did(
    qtbot: QtBot, window: MainWindow, people: dict[str, int]
) -> None:
    window.open_citizen(people["citizen"])
    file = window.file
    sections = file.tabs.list
    sections.setFocus()
    sections.setCurrentRow(TAB_SUMMARY)
    qtbot.keyClick(sections, Qt.Key.Key_End)
    assert file.tabs.currentIndex() == TAB_SAMTALER
    assert file.tabs.currentWidget() is file.samtaler and file.samtaler.isVisible()


def test_the_week_grid_shows_eight_weeks_on_a_large_screen_too(
    qtbot: QtBot, window: MainWindow, people: dict[str, int]
) -> None:
    window.resize(1920 - 16, 1080 - 48)
    _in_caseload_with(window, people["citizen"])
    qtbot.keyClick(window.table, Qt.Key.Key_T, Qt.KeyboardModifier.ControlModifier)
    grid = window.file.placements.grid
    assert grid.viewport().rect().contains(grid.visualRect(grid.currentIndex()))
    assert _fully_visible_rows(window) >= 8
