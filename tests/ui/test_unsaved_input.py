"""What is typed into an open editor counts: Ctrl+S saves it, Enter, a tab or a citizen
change and the lock keep it as an unsaved change, and quitting asks about it."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from unittest.mock import patch

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QApplication, QMessageBox, QWidget
from pytestqt.qtbot import QtBot

from db.enums import PlacementKind, VisitationGroup
from db.session import Database
from jobraad import case_texts, placements
from jobraad.citizens import CitizenInput, create_citizen
from tests.conftest import PASSPHRASE
from ui.citizen_file import TAB_CASE_TEXT, TAB_JOURNAL, TAB_PLACEMENTS
from ui.lock import LockDialog
from ui.main_window import MainWindow
from ui.models.week_grid import WeekGridModel

TODAY = dt.date(2026, 11, 25)  # a Wednesday, ISO week 48
THIS_WEEK = 48

Answer = QMessageBox.StandardButton


@pytest.fixture
def people(database: Database) -> dict[str, int]:
    with_placement = create_citizen(
        database,
        CitizenInput(
            "Şükrü", "Ağaoğlu", "0101621233", group=VisitationGroup.GRUPPE_2, forloeb_start=dt.date(2026, 6, 1)
        ),
    )
    placement = placements.add_placement(
        database,
        with_placement,
        placements.PlacementInput(
            kind=PlacementKind.VIRKSOMHEDSPRAKTIK,
            employer_name="Føtex Amager",
            start_date=dt.date(2026, 11, 2),  # week 45
            planned_end=dt.date(2027, 1, 29),
            planned_hours_per_week=8,
        ),
    )
    other = create_citizen(
        database,
        CitizenInput("Łucja", "Wąsik", "1505801234", group=VisitationGroup.GRUPPE_3, forloeb_start=TODAY),
    )
    return {"citizen": with_placement, "placement": placement, "other": other}


@pytest.fixture
def window(qtbot: QtBot, database: Database, people: dict[str, int]) -> Iterator[MainWindow]:
    w = MainWindow(database, today=TODAY)
    w.show()
    w.activateWindow()
    qtbot.waitActive(w)
    yield w
    with patch.object(QMessageBox, "question", return_value=Answer.Discard):  # a test that failed midway
        w.close()
    w.deleteLater()


HOURS_UNSAVED = "Der er timer i praktik, som ikke er gemt. Vil du gemme?"
TEXT_UNSAVED = "Der er ændringer under fanen Tekster, som ikke er gemt. Vil du gemme?"


class Questions:
    """Stands in for QMessageBox.question: records what was asked, gives the set answer."""

    def __init__(self, answer: QMessageBox.StandardButton) -> None:
        self.answer = answer
        self.asked: list[str] = []

    def __call__(self, _parent: QWidget, _title: str, text: str, *_args: object) -> QMessageBox.StandardButton:
        self.asked.append(text)
        return self.answer


def _focus() -> QWidget:
    widget = QApplication.focusWidget()
    assert widget is not None
    return widget


def _type(qtbot: QtBot, text: str) -> None:
    """As a user types: each key to the widget with focus (the first opens the cell's editor)."""
    for char in text:
        qtbot.keyClicks(_focus(), char)


def _key(qtbot: QtBot, key: Qt.Key, modifier: Qt.KeyboardModifier = Qt.KeyboardModifier.NoModifier) -> None:
    qtbot.keyClick(_focus(), key, modifier)


def _open_this_weeks_cell(qtbot: QtBot, window: MainWindow, citizen_id: int) -> None:
    window.open_citizen(citizen_id, "placements")
    tab = window.file.placements
    row = next(i for i in range(tab.grid_model.rowCount()) if tab.grid_model.row_at(i).iso_week == THIS_WEEK)
    tab.grid.setCurrentIndex(tab.grid_model.index(row, WeekGridModel.ATTENDED))
    tab.grid.setFocus()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is tab.grid)


def _type_hours(qtbot: QtBot, window: MainWindow, citizen_id: int, hours: str = "12") -> None:
    _open_this_weeks_cell(qtbot, window, citizen_id)
    _type(qtbot, hours)
    grid = window.file.placements.grid
    assert grid.indexWidget(grid.currentIndex()) is _focus()  # typing went into the cell's editor
    assert not window.file.placements.grid_model.dirty  # not in the model yet: the editor is open


def _click_tab(qtbot: QtBot, window: MainWindow, index: int) -> None:
    sections = window.file.tabs.list
    pos = sections.visualItemRect(sections.item(index)).center()
    qtbot.mouseClick(sections.viewport(), Qt.MouseButton.LeftButton, pos=pos)
    assert window.file.tabs.currentIndex() == index


def _click_citizen(qtbot: QtBot, window: MainWindow, citizen_id: int) -> None:
    row = window.model.row_of(citizen_id)
    assert row is not None
    index = window.proxy.mapFromSource(window.model.index(row, 0))
    qtbot.mouseClick(window.table.viewport(), Qt.MouseButton.LeftButton, pos=window.table.visualRect(index).center())


def _in_grid(window: MainWindow) -> float | None:
    model = window.file.placements.grid_model
    return next(model.row_at(i).attended for i in range(model.rowCount()) if model.row_at(i).iso_week == THIS_WEEK)


def _stored(database: Database, placement_id: int) -> float | None:
    row = next(r for r in placements.week_rows(database, placement_id, TODAY) if r.iso_week == THIS_WEEK)
    return row.attended if row.stored else None


# --- the week grid ------------------------------------------------------------------------------------


def test_ctrl_s_saves_the_hours_in_the_open_cell(
    qtbot: QtBot, window: MainWindow, database: Database, people: dict[str, int]
) -> None:
    _type_hours(qtbot, window, people["citizen"])
    with qtbot.waitSignal(window.caseload_reloaded):  # the caseload is read again behind the window
        _key(qtbot, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    assert _stored(database, people["placement"]) == 12.0
    assert not window.file.placements.grid_model.dirty
    assert not window.file.placements.save_button.isEnabled()
    assert _in_grid(window) == 12.0
    assert QApplication.focusWidget() is window.file.placements.grid  # ready for the next week


@pytest.mark.parametrize(
    ("answer", "stays_open", "stored"),
    [(Answer.Cancel, True, None), (Answer.Save, False, 12.0), (Answer.Discard, False, None)],
    ids=["annuller", "gem", "forkast"],
)
def test_ctrl_q_asks_about_the_hours_in_the_open_cell(
    qtbot: QtBot,
    window: MainWindow,
    database: Database,
    people: dict[str, int],
    answer: QMessageBox.StandardButton,
    stays_open: bool,
    stored: float | None,
) -> None:
    _type_hours(qtbot, window, people["citizen"])
    questions = Questions(answer)
    with patch.object(QMessageBox, "question", questions):
        _key(qtbot, Qt.Key.Key_Q, Qt.KeyboardModifier.ControlModifier)
    assert questions.asked == [HOURS_UNSAVED]
    assert window.isVisible() == stays_open
    assert _stored(database, people["placement"]) == stored
    if stays_open:
        assert _in_grid(window) == 12.0
        assert window.file.placements.grid_model.dirty


def test_closing_the_window_asks_about_the_hours_in_the_open_cell(
    qtbot: QtBot, window: MainWindow, people: dict[str, int]
) -> None:
    _type_hours(qtbot, window, people["citizen"])
    questions = Questions(Answer.Cancel)
    with patch.object(QMessageBox, "question", questions):
        window.close()  # the window's close button
    assert questions.asked == [HOURS_UNSAVED]
    assert window.isVisible()


def test_hours_the_model_refuses_stop_the_save_and_stay_in_the_cell(
    qtbot: QtBot, window: MainWindow, database: Database, people: dict[str, int]
) -> None:
    _type_hours(qtbot, window, people["citizen"], "seks")
    tab = window.file.placements
    _key(qtbot, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    assert "«seks» er ikke et tal" in tab.message.text()
    editor = tab.grid.indexWidget(tab.grid.currentIndex())
    assert editor is not None and editor.text() == "seks"  # type: ignore[attr-defined]
    questions = Questions(Answer.Discard)
    with patch.object(QMessageBox, "question", questions):
        _key(qtbot, Qt.Key.Key_Q, Qt.KeyboardModifier.ControlModifier)
    assert window.isVisible()  # what is typed is neither a number nor thrown away unseen
    assert _stored(database, people["placement"]) is None


def test_enter_stores_the_hours_and_goes_to_the_next_week(
    qtbot: QtBot, window: MainWindow, database: Database, people: dict[str, int]
) -> None:
    _type_hours(qtbot, window, people["citizen"])
    grid = window.file.placements.grid
    row = grid.currentIndex().row()
    _key(qtbot, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: _stored(database, people["placement"]) == 12.0)  # Qt commits on Enter from the event loop
    assert not window.file.placements.grid_model.dirty
    assert (grid.currentIndex().row(), grid.currentIndex().column()) == (row + 1, WeekGridModel.ATTENDED)
    assert QApplication.focusWidget() is grid


def test_switching_the_files_tab_keeps_the_hours_as_unsaved(
    qtbot: QtBot, window: MainWindow, database: Database, people: dict[str, int]
) -> None:
    _type_hours(qtbot, window, people["citizen"])
    _click_tab(qtbot, window, TAB_JOURNAL)
    assert window.file.placements.grid_model.dirty
    # Something else in the file is saved meanwhile; the unsaved hours are still there after.
    from ui.forms import FormDialog

    def write_note(dialog: FormDialog) -> int:
        dialog.widgets["text"].setPlainText("Samtale om praktikken.")  # type: ignore[attr-defined]
        dialog.accept()
        return int(dialog.result())

    with patch.object(FormDialog, "exec", write_note):
        qtbot.mouseClick(window.file.journal.notes.buttons["new"], Qt.MouseButton.LeftButton)
    assert window.file.journal.notes.model.rowCount() == 1
    _click_tab(qtbot, window, TAB_PLACEMENTS)
    assert window.file.placements.grid_model.dirty and _in_grid(window) == 12.0
    assert _stored(database, people["placement"]) is None


def test_switching_the_page_keeps_the_hours_as_unsaved(
    qtbot: QtBot, window: MainWindow, people: dict[str, int]
) -> None:
    _type_hours(qtbot, window, people["citizen"])
    _key(qtbot, Qt.Key.Key_1, Qt.KeyboardModifier.ControlModifier)  # Vis > Overblik
    assert window.pages.currentIndex() == 0
    assert window.file.placements.grid_model.dirty and _in_grid(window) == 12.0


def test_switching_citizen_asks_about_the_hours_in_the_open_cell(
    qtbot: QtBot, window: MainWindow, database: Database, people: dict[str, int]
) -> None:
    _type_hours(qtbot, window, people["citizen"])
    questions = Questions(Answer.Cancel)
    with patch.object(QMessageBox, "question", questions):
        _click_citizen(qtbot, window, people["other"])
    assert questions.asked == [HOURS_UNSAVED]
    assert window.file.citizen_id == people["citizen"]
    assert window.selected_citizen_id() == people["citizen"]
    assert _in_grid(window) == 12.0
    with patch.object(QMessageBox, "question", Questions(Answer.Save)):
        _click_citizen(qtbot, window, people["other"])
    assert window.file.citizen_id == people["other"]
    assert _stored(database, people["placement"]) == 12.0


def test_choosing_another_placement_asks_about_the_hours_typed_for_this_one(
    qtbot: QtBot, window: MainWindow, database: Database, people: dict[str, int]
) -> None:
    earlier = placements.add_placement(
        database,
        people["citizen"],
        placements.PlacementInput(
            kind=PlacementKind.VIRKSOMHEDSPRAKTIK,
            employer_name="Netto Valby",
            start_date=dt.date(2026, 8, 3),
            planned_end=dt.date(2026, 10, 30),
            planned_hours_per_week=6,
        ),
    )
    _type_hours(qtbot, window, people["citizen"])
    tab = window.file.placements
    view, model = tab.placement_view, tab.placement_model
    row = next(i for i in range(model.rowCount()) if model.row_at(i).placement_id == earlier)

    def click_earlier() -> None:
        pos = view.visualRect(model.index(row, 0)).center()
        qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=pos)

    questions = Questions(Answer.Cancel)
    with patch.object(QMessageBox, "question", questions):
        click_earlier()
    assert questions.asked == [HOURS_UNSAVED]
    chosen = tab.selected_placement()
    assert chosen is not None and chosen.placement_id == people["placement"]
    assert tab.grid_model.dirty and _in_grid(window) == 12.0
    with patch.object(QMessageBox, "question", Questions(Answer.Save)):
        click_earlier()
    chosen = tab.selected_placement()
    assert chosen is not None and chosen.placement_id == earlier
    assert _stored(database, people["placement"]) == 12.0  # with the placement they were typed for
    assert not any(r.stored for r in placements.week_rows(database, earlier, TODAY))


def test_editing_the_placement_keeps_the_hours_typed(
    qtbot: QtBot, window: MainWindow, database: Database, people: dict[str, int]
) -> None:
    from ui.forms import FormDialog

    _type_hours(qtbot, window, people["citizen"])
    tab = window.file.placements
    with patch.object(FormDialog, "exec", return_value=FormDialog.DialogCode.Accepted):  # saved unchanged
        qtbot.mouseClick(tab.placement_list.buttons["edit"], Qt.MouseButton.LeftButton)
    assert tab.grid_model.dirty and _in_grid(window) == 12.0
    _key(qtbot, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    assert _stored(database, people["placement"]) == 12.0


def _unlock_at_once(seen: dict[str, object]) -> object:
    def fake_exec(dialog: LockDialog) -> int:
        seen["hidden"] = True
        dialog.passphrase.setText(PASSPHRASE)
        dialog.try_unlock()
        return int(dialog.result())

    return fake_exec


def test_lock_keeps_the_hours_in_the_open_cell_as_unsaved(
    qtbot: QtBot, window: MainWindow, database: Database, people: dict[str, int]
) -> None:
    _type_hours(qtbot, window, people["citizen"])
    seen: dict[str, object] = {}
    with patch.object(LockDialog, "exec", _unlock_at_once(seen)):
        _key(qtbot, Qt.Key.Key_L, Qt.KeyboardModifier.ControlModifier)
    assert seen == {"hidden": True}
    assert window.file.placements.grid_model.dirty and _in_grid(window) == 12.0
    assert QApplication.focusWidget() is window.file.placements.grid  # the keyboard is back where it was
    assert _stored(database, people["placement"]) is None
    questions = Questions(Answer.Cancel)
    with patch.object(QMessageBox, "question", questions):
        _key(qtbot, Qt.Key.Key_Q, Qt.KeyboardModifier.ControlModifier)
    assert questions.asked == [HOURS_UNSAVED]


def test_idle_lock_keeps_the_hours_in_the_open_cell(qtbot: QtBot, window: MainWindow, people: dict[str, int]) -> None:
    _type_hours(qtbot, window, people["citizen"])
    with patch.object(LockDialog, "exec", _unlock_at_once({})):
        window.idle.idle_timeout.emit()
    assert window.file.placements.grid_model.dirty and _in_grid(window) == 12.0


# --- the forberedende del ---------------------------------------------------------------------------


def test_ctrl_q_asks_about_text_typed_in_the_forberedende_del(
    qtbot: QtBot, window: MainWindow, database: Database, people: dict[str, int]
) -> None:
    window.open_citizen(people["other"])
    window.file.tabs.setCurrentIndex(TAB_CASE_TEXT)
    editor = window.file.case_text.editor
    qtbot.mouseClick(editor.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(10, 10))
    qtbot.waitUntil(lambda: QApplication.focusWidget() is editor)
    _type(qtbot, "Uddannet kok")
    questions = Questions(Answer.Save)
    with patch.object(QMessageBox, "question", questions):
        _key(qtbot, Qt.Key.Key_Q, Qt.KeyboardModifier.ControlModifier)
    assert questions.asked == [TEXT_UNSAVED]
    assert not window.isVisible()
    texts = case_texts.list_case_texts(database, people["other"])
    assert "Uddannet kok" in [t.text for t in texts]


def test_quitting_with_hours_and_text_unsaved_asks_once_about_both(
    qtbot: QtBot, window: MainWindow, people: dict[str, int]
) -> None:
    """One question for all that is unsaved: staying keeps both (with one question each,
    Forkast on the first and Annuller on the second dropped the hours)."""
    _type_hours(qtbot, window, people["citizen"])
    window.file.tabs.setCurrentIndex(TAB_CASE_TEXT)
    editor = window.file.case_text.editor
    qtbot.mouseClick(editor.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(10, 10))
    qtbot.waitUntil(lambda: QApplication.focusWidget() is editor)
    _type(qtbot, "Uddannet kok")
    questions = Questions(Answer.Cancel)
    with patch.object(QMessageBox, "question", questions):
        _key(qtbot, Qt.Key.Key_Q, Qt.KeyboardModifier.ControlModifier)
    assert questions.asked == [
        "Der er timer i praktik og ændringer under fanen Tekster, som ikke er gemt. Vil du gemme?"
    ]
    assert window.isVisible()
    assert _in_grid(window) == 12 and window.file.placements.grid_model.dirty and window.file.case_text.dirty
