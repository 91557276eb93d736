"""The main window by keyboard: the search box opens a match, ↓ goes into the list, Ctrl+D makes
the dossier, Tab leaves the list, Ctrl+Tab moves between the Overblik and the Sagsstamme, and
the list shows where the keyboard is. Each key goes to the widget that has focus, as a user's."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QApplication, QWidget
from pytestqt.qtbot import QtBot

from db.enums import VisitationGroup
from db.session import Database
from jobraad.citizens import CitizenInput, create_citizen
from ui.citizen_file import CitizenFileWidget
from ui.main_window import MainWindow

TODAY = dt.date(2026, 11, 25)
NoModifier = Qt.KeyboardModifier.NoModifier
Ctrl = Qt.KeyboardModifier.ControlModifier
CtrlShift = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier


@pytest.fixture
def people(database: Database) -> dict[str, int]:
    return {
        "soeren": create_citizen(
            database,
            CitizenInput("Søren", "Ærø", "0101621233", group=VisitationGroup.GRUPPE_1, forloeb_start=TODAY),
        ),
        "lucja": create_citizen(
            database,
            CitizenInput("Łucja", "Wąsik", "1505801234", group=VisitationGroup.GRUPPE_3, forloeb_start=TODAY),
        ),
    }


@pytest.fixture
def dossiers(monkeypatch: pytest.MonkeyPatch) -> list[int | None]:
    """The citizens whose dossier was asked for (Ctrl+D calls the file's `make_dossier`)."""
    asked: list[int | None] = []
    monkeypatch.setattr(CitizenFileWidget, "make_dossier", lambda file: asked.append(file.citizen_id))
    return asked


@pytest.fixture
def window(
    qtbot: QtBot, database: Database, people: dict[str, int], dossiers: list[int | None]
) -> Iterator[MainWindow]:
    w = MainWindow(database, today=TODAY)
    qtbot.addWidget(w)
    with qtbot.waitActive(w):
        w.show()
        w.activateWindow()
    yield w


def _focus() -> QWidget:
    widget = QApplication.focusWidget()
    assert widget is not None
    return widget


class Inputs:
    """Sends keys as a user does, to the widget with focus, and counts the actions: a key
    (with its modifiers), or a word typed."""

    def __init__(self, qtbot: QtBot) -> None:
        self.qtbot = qtbot
        self.count = 0

    def key(self, key: Qt.Key, modifiers: Qt.KeyboardModifier = NoModifier) -> None:
        self.qtbot.keyClick(_focus(), key, modifiers)
        self.count += 1

    def type(self, text: str) -> None:
        for char in text:  # each key where the focus is now (the first may move it)
            self.qtbot.keyClicks(_focus(), char)
        self.count += 1


def test_a_known_cpr_to_the_dossier_in_three_inputs(
    qtbot: QtBot, window: MainWindow, people: dict[str, int], dossiers: list[int | None]
) -> None:
    assert window.pages.currentWidget() is window.overview and _focus() is window.overview.tree  # as at start
    inputs = Inputs(qtbot)
    inputs.type("1505801234")  # typed on the Overblik: it goes to the search
    assert window.search.hasFocus() and window.search.text() == "1505801234"
    inputs.key(Qt.Key.Key_Return)
    assert window.file.citizen_id == people["lucja"]
    assert window.selected_citizen_id() == people["lucja"] and _focus() is window.table
    inputs.key(Qt.Key.Key_D, Ctrl)
    assert dossiers == [people["lucja"]]
    assert inputs.count == 3


def test_ctrl_d_works_with_the_keyboard_still_in_the_search_box(
    qtbot: QtBot, window: MainWindow, people: dict[str, int], dossiers: list[int | None]
) -> None:
    window.focus_search()
    qtbot.keyClicks(window.search, "wasik")
    qtbot.keyClick(window.search, Qt.Key.Key_Down)  # into the list: the only match opens
    window.search.setFocus()
    qtbot.keyClick(window.search, Qt.Key.Key_D, Ctrl)
    assert dossiers == [people["lucja"]]


def test_enter_with_several_matches_and_none_selected_opens_nothing(qtbot: QtBot, window: MainWindow) -> None:
    window.focus_search()
    qtbot.keyClicks(window.search, "0")  # both CPR numbers
    qtbot.keyClick(window.search, Qt.Key.Key_Return)
    assert window.file.citizen_id is None and _focus() is window.search
    assert window.statusBar().currentMessage() == "2 borgere passer til søgningen. Vælg en med ↓ og piletasterne."


def test_down_in_the_search_box_goes_to_the_first_match(qtbot: QtBot, window: MainWindow) -> None:
    window.focus_search()
    qtbot.keyClicks(window.search, "0")
    qtbot.keyClick(window.search, Qt.Key.Key_Down)
    assert _focus() is window.table
    first = window.proxy.row_at(0).citizen_id
    assert window.selected_citizen_id() == first and window.file.citizen_id == first
    qtbot.keyClick(window.table, Qt.Key.Key_Down)  # the arrows go on in the list
    second = window.proxy.row_at(1).citizen_id
    assert window.selected_citizen_id() == second and window.file.citizen_id == second


def test_enter_opens_the_selected_match(qtbot: QtBot, window: MainWindow, people: dict[str, int]) -> None:
    window.open_citizen(people["soeren"])
    window.focus_search()
    qtbot.keyClicks(window.search, "0")  # both match; the open citizen stays selected
    qtbot.keyClick(window.search, Qt.Key.Key_Return)
    assert window.file.citizen_id == people["soeren"] and _focus() is window.table


def test_tab_and_shift_tab_leave_the_caseload(qtbot: QtBot, window: MainWindow, people: dict[str, int]) -> None:
    window.open_citizen(people["soeren"])
    window.table.setFocus()
    current = window.table.currentIndex()
    qtbot.keyClick(window.table, Qt.Key.Key_Tab)
    assert _focus() is not window.table and window.file.isAncestorOf(_focus())  # on to the open file
    assert window.table.currentIndex() == current
    window.table.setFocus()
    qtbot.keyClick(window.table, Qt.Key.Key_Backtab, Qt.KeyboardModifier.ShiftModifier)
    assert _focus() is window.target_filter  # back to the filters above the list


def test_ctrl_tab_switches_between_overblik_and_sagsstamme(
    qtbot: QtBot, window: MainWindow, people: dict[str, int]
) -> None:
    window.open_citizen(people["soeren"])
    window.table.setFocus()
    qtbot.keyClick(_focus(), Qt.Key.Key_Tab, Ctrl)
    assert window.pages.currentWidget() is window.overview and _focus() is window.overview.tree
    qtbot.keyClick(_focus(), Qt.Key.Key_Tab, Ctrl)
    assert window.pages.currentIndex() == 1 and _focus() is window.table
    qtbot.keyClick(_focus(), Qt.Key.Key_Backtab, CtrlShift)
    assert window.pages.currentWidget() is window.overview and _focus() is window.overview.tree
    qtbot.keyClick(_focus(), Qt.Key.Key_Backtab, CtrlShift)
    assert window.pages.currentIndex() == 1 and _focus() is window.table
    window.focus_search()
    qtbot.keyClick(_focus(), Qt.Key.Key_Tab, Ctrl)  # from the search box too
    assert window.pages.currentWidget() is window.overview


def test_ctrl_tab_inside_the_file_never_switches_the_pages(
    qtbot: QtBot, window: MainWindow, people: dict[str, int]
) -> None:
    window.open_citizen(people["soeren"])
    window.file.edit_button.setFocus()
    qtbot.keyClick(_focus(), Qt.Key.Key_Tab, Ctrl)
    qtbot.keyClick(_focus(), Qt.Key.Key_Backtab, CtrlShift)
    assert window.pages.currentIndex() == 1 and window.file.isAncestorOf(_focus())


def test_the_list_with_the_keyboard_is_framed_in_the_highlight_colour(
    qtbot: QtBot, window: MainWindow, people: dict[str, int]
) -> None:
    window.open_citizen(people["soeren"])
    table = window.table
    highlight = table.palette().color(QPalette.ColorGroup.Active, QPalette.ColorRole.Highlight)
    edge = QPoint(0, table.height() // 2)
    table.setFocus()
    assert table.grab().toImage().pixelColor(edge) == highlight
    framed = table.viewport().geometry()
    window.search.setFocus()
    assert table.grab().toImage().pixelColor(edge) != highlight
    assert table.viewport().geometry() == framed  # the frame is as wide without focus: nothing moves


def test_typing_in_the_list_searches(qtbot: QtBot, window: MainWindow, people: dict[str, int]) -> None:
    window.open_citizen(people["soeren"])
    window.table.setFocus()
    for char in "wasik":
        qtbot.keyClicks(_focus(), char)
    assert window.search.text() == "wasik" and window.search.hasFocus()
    assert [window.proxy.row_at(r).citizen_id for r in range(window.proxy.rowCount())] == [people["lucja"]]
