"""The case records in the window: the forsørgelseshistorik and the CV typed as rows (the
Forsørgelse og CV tab), and the Tekster tab with its three parts, the case number and the day
the citizen saw the description."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from unittest.mock import patch

import pytest
from PySide6.QtCore import QPoint, QRect, Qt
from PySide6.QtWidgets import QApplication, QComboBox, QMessageBox, QWidget
from pytestqt.qtbot import QtBot

from db.enums import Aim, CvKind, DocumentState, PeriodBenefit, VisitationGroup
from db.session import Database
from jobraad import case_history, case_texts, documentation
from jobraad.case_history import BenefitPeriodInput, CaseFacts
from jobraad.citizens import CitizenInput, create_citizen
from tests.ui.conftest import pretend_screen
from ui.citizen_file import TAB_CASE_TEXT, TAB_HISTORY, CitizenFileWidget
from ui.file_tabs.history import HistoryTab, RowsEditor
from ui.main_window import MainWindow
from ui.models.edit_rows import EditRowsModel

TODAY = dt.date(2026, 3, 2)
Answer = QMessageBox.StandardButton


@pytest.fixture
def people(database: Database) -> dict[str, int]:
    first = create_citizen(
        database,
        CitizenInput(
            "Åse", "Bønnelykke", "0101621233", aim=Aim.FLEKSJOB, group=VisitationGroup.GRUPPE_3, forloeb_start=TODAY
        ),
    )
    other = create_citizen(database, CitizenInput("Łucja", "Wąsik", "1505801234", forloeb_start=TODAY))
    documentation.set_rule_pack(database, first, "bek47_2026", "Sagen begyndte i foråret 2026", today=TODAY)
    return {"first": first, "other": other}


@pytest.fixture
def file(qtbot: QtBot, database: Database, people: dict[str, int]) -> Iterator[CitizenFileWidget]:
    widget = CitizenFileWidget(database, TODAY)
    qtbot.addWidget(widget)
    widget.resize(900, 640)
    widget.show()
    widget.activateWindow()
    qtbot.waitActive(widget)
    widget.show_citizen(people["first"])
    yield widget


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


def _type_row(qtbot: QtBot, cells: list[str]) -> None:
    """Type the cells of a new row from the open editor on, Tab between them."""
    for i, text in enumerate(cells):
        if i:
            _key(qtbot, Qt.Key.Key_Tab)
        _type(qtbot, text)


def _choose(qtbot: QtBot, editor: RowsEditor, row: int, label: str) -> None:
    """Choose in the row's first column (a combo box), as with F2 and the list."""
    view = editor.view
    view.setFocus()
    view.setCurrentIndex(editor.model.index(row, 0))
    _key(qtbot, Qt.Key.Key_F2)
    combo = _focus()
    assert isinstance(combo, QComboBox)
    combo.setCurrentIndex(combo.findText(label))
    _key(qtbot, Qt.Key.Key_Tab)


def _history(qtbot: QtBot, file: CitizenFileWidget) -> HistoryTab:
    sections = file.tabs.list
    pos = sections.visualItemRect(sections.item(TAB_HISTORY)).center()
    qtbot.mouseClick(sections.viewport(), Qt.MouseButton.LeftButton, pos=pos)
    assert file.tabs.currentIndex() == TAB_HISTORY
    return file.history


def _save(qtbot: QtBot) -> None:
    _key(qtbot, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)


# --- the forsørgelseshistorik and the CV ---------------------------------------------------------------


def test_periods_and_cv_lines_typed_as_rows_are_saved_with_ctrl_s(
    qtbot: QtBot, file: CitizenFileWidget, database: Database, people: dict[str, int]
) -> None:
    tab = _history(qtbot, file)
    qtbot.mouseClick(tab.periods.add_button, Qt.MouseButton.LeftButton)
    _type_row(qtbot, ["01-02-2015", "31-12-2019", "Efter fyring"])
    _choose(qtbot, tab.periods, 0, "Sygedagpenge")
    qtbot.mouseClick(tab.periods.add_button, Qt.MouseButton.LeftButton)
    _type_row(qtbot, ["1-1-2020"])  # Til left empty: still on kontanthjælp
    qtbot.mouseClick(tab.cv.add_button, Qt.MouseButton.LeftButton)
    _type_row(qtbot, ["Kok", "Restaurant Kronborg", "2001", "2010"])
    qtbot.mouseClick(tab.cv.add_button, Qt.MouseButton.LeftButton)
    _type_row(qtbot, ["Kokkeuddannelse", "Hotel- og Restaurantskolen", "1998", "2001"])
    _choose(qtbot, tab.cv, 1, "Uddannelse")
    assert tab.dirty and case_history.list_benefit_periods(database, people["first"]) == []

    _save(qtbot)

    periods = case_history.list_benefit_periods(database, people["first"])
    assert [(p.benefit, p.start_date, p.end_date, p.note) for p in periods] == [
        (PeriodBenefit.SYGEDAGPENGE, dt.date(2015, 2, 1), dt.date(2019, 12, 31), "Efter fyring"),
        (PeriodBenefit.KONTANTHJAELP, dt.date(2020, 1, 1), None, ""),
    ]
    cv = case_history.list_cv(database, people["first"])
    assert [(e.kind, e.title, e.place, e.start_year, e.end_year) for e in cv] == [
        (CvKind.UDDANNELSE, "Kokkeuddannelse", "Hotel- og Restaurantskolen", 1998, 2001),
        (CvKind.JOB, "Kok", "Restaurant Kronborg", 2001, 2010),
    ]
    assert not tab.dirty
    # Shown as stored: dates as dd-mm-åååå, an open end as "nu".
    model = tab.periods.model
    assert model.index(1, 1).data() == "01-01-2020" and model.index(1, 2).data() == "nu"
    assert model.index(0, 0).data() == "Sygedagpenge"


def test_a_removed_row_is_gone_once_saved(
    qtbot: QtBot, file: CitizenFileWidget, database: Database, people: dict[str, int]
) -> None:
    case_history.save_benefit_periods(
        database,
        people["first"],
        [
            BenefitPeriodInput(PeriodBenefit.LOEN, dt.date(2010, 1, 1), dt.date(2014, 12, 31)),
            BenefitPeriodInput(PeriodBenefit.KONTANTHJAELP, dt.date(2015, 1, 1)),
        ],
        today=TODAY,
    )
    tab = _history(qtbot, file)
    tab.periods.view.setCurrentIndex(tab.periods.model.index(0, 1))
    qtbot.mouseClick(tab.periods.remove_button, Qt.MouseButton.LeftButton)
    assert tab.dirty and len(case_history.list_benefit_periods(database, people["first"])) == 2
    qtbot.mouseClick(tab.save_button, Qt.MouseButton.LeftButton)
    assert [p.benefit for p in case_history.list_benefit_periods(database, people["first"])] == [
        PeriodBenefit.KONTANTHJAELP
    ]


def test_a_refused_row_is_named_and_nothing_of_either_list_is_saved(
    qtbot: QtBot, file: CitizenFileWidget, database: Database, people: dict[str, int]
) -> None:
    stored = [BenefitPeriodInput(PeriodBenefit.LOEN, dt.date(2010, 1, 1), dt.date(2014, 12, 31))]
    case_history.save_benefit_periods(database, people["first"], stored, today=TODAY)
    tab = _history(qtbot, file)
    qtbot.mouseClick(tab.cv.add_button, Qt.MouseButton.LeftButton)
    _type_row(qtbot, ["Lagerarbejder", "Dagrofa", "2015", "2019"])  # a good CV line
    qtbot.mouseClick(tab.periods.add_button, Qt.MouseButton.LeftButton)
    _type_row(qtbot, ["01-06-2016", "01-06-2015"])  # ends before it starts

    _save(qtbot)

    assert case_history.list_cv(database, people["first"]) == []  # the good list waits for the bad one
    assert [p.start_date for p in case_history.list_benefit_periods(database, people["first"])] == [dt.date(2010, 1, 1)]
    message = tab.periods.problem_text()
    assert "Forsørgelseshistorikken er ikke gemt" in message
    assert "periode 2: Til-datoen 01-06-2015 ligger før fra-datoen 01-06-2016." in message
    assert tab.cv.problem_text() == ""
    assert "Intet er gemt" in tab.status.text()
    assert tab.periods.model.problem_rows() == [1]
    # What was typed is still there, to be corrected.
    assert tab.periods.model.rows()[1][1:3] == ["01-06-2016", "01-06-2015"]
    assert tab.cv.model.rows()[0][1] == "Lagerarbejder"
    assert tab.dirty

    # Corrected, the row loses its mark and both lists are saved.
    tab.periods.model.setData(tab.periods.model.index(1, 2), "01-06-2017")
    assert tab.periods.model.problem_rows() == []
    _save(qtbot)
    assert len(case_history.list_benefit_periods(database, people["first"])) == 2
    assert [e.title for e in case_history.list_cv(database, people["first"])] == ["Lagerarbejder"]


def test_a_date_or_year_that_cannot_be_read_is_named_by_row_and_field(
    qtbot: QtBot, file: CitizenFileWidget, database: Database, people: dict[str, int]
) -> None:
    tab = _history(qtbot, file)
    qtbot.mouseClick(tab.periods.add_button, Qt.MouseButton.LeftButton)
    _type_row(qtbot, ["31-02-2020"])
    qtbot.mouseClick(tab.cv.add_button, Qt.MouseButton.LeftButton)
    _type_row(qtbot, ["Rengøring", "ISS", "20l5"])
    qtbot.mouseClick(tab.cv.add_button, Qt.MouseButton.LeftButton)
    _type_row(qtbot, ["", "Netto"])  # no title

    qtbot.mouseClick(tab.save_button, Qt.MouseButton.LeftButton)

    assert "periode 1: Fra: «31-02-2020» findes ikke i kalenderen." in tab.periods.problem_text()
    cv_message = tab.cv.problem_text()
    assert "linje 1: Fra år: «20l5» er ikke et årstal." in cv_message
    assert "linje 2: Skriv uddannelsen eller jobbet." in cv_message
    assert tab.cv.model.problem_rows() == [0, 1]
    assert case_history.list_benefit_periods(database, people["first"]) == []
    assert case_history.list_cv(database, people["first"]) == []


class Questions:
    """Stands in for QMessageBox.question: records what was asked, gives the set answer."""

    def __init__(self, answer: QMessageBox.StandardButton) -> None:
        self.answer = answer
        self.asked: list[str] = []

    def __call__(self, _parent: QWidget, _title: str, text: str, *_args: object) -> QMessageBox.StandardButton:
        self.asked.append(text)
        return self.answer


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


def _click_citizen(qtbot: QtBot, window: MainWindow, citizen_id: int) -> None:
    row = window.model.row_of(citizen_id)
    assert row is not None
    index = window.proxy.mapFromSource(window.model.index(row, 0))
    qtbot.mouseClick(window.table.viewport(), Qt.MouseButton.LeftButton, pos=window.table.visualRect(index).center())


UNSAVED_PERIODS = "Der er ændringer i forsørgelseshistorikken, som ikke er gemt. Vil du gemme?"


def test_switching_citizen_with_rows_not_saved_asks_first(
    qtbot: QtBot, window: MainWindow, database: Database, people: dict[str, int]
) -> None:
    window.open_citizen(people["first"], "history")
    tab = window.file.history
    assert window.file.tabs.currentIndex() == TAB_HISTORY
    qtbot.mouseClick(tab.periods.add_button, Qt.MouseButton.LeftButton)
    _type_row(qtbot, ["01-03-2021"])  # still in the cell's editor

    stay = Questions(Answer.Cancel)
    with patch.object(QMessageBox, "question", stay):
        _click_citizen(qtbot, window, people["other"])
    assert stay.asked == [UNSAVED_PERIODS]
    assert window.file.citizen_id == people["first"]
    assert tab.periods.model.rows()[0][1] == "01-03-2021"  # kept as typed

    save = Questions(Answer.Save)
    with patch.object(QMessageBox, "question", save):
        _click_citizen(qtbot, window, people["other"])
    assert save.asked == [UNSAVED_PERIODS]
    assert window.file.citizen_id == people["other"]
    assert [p.start_date for p in case_history.list_benefit_periods(database, people["first"])] == [dt.date(2021, 3, 1)]


def test_the_row_model_passes_qtmodeltester(qtmodeltester, qtbot: QtBot) -> None:  # type: ignore[no-untyped-def]
    from ui.file_tabs.history import PERIOD_COLUMNS

    model = EditRowsModel(PERIOD_COLUMNS)
    model.set_rows([[PeriodBenefit.LOEN, "01-01-2010", "", "a"], [PeriodBenefit.KONTANTHJAELP, "01-01-2011", "", ""]])
    model.mark_problems({1: "Til-datoen ligger før fra-datoen."})
    qtmodeltester.check(model)


# --- the Tekster tab -----------------------------------------------------------------------------------


def _select_section(file: CitizenFileWidget, title: str) -> None:
    sections = file.case_text.sections
    row = next(i for i in range(sections.count()) if title in sections.item(i).text())
    sections.setCurrentRow(row)


def test_the_texts_tab_keeps_the_jobcentres_parts_apart_and_says_what_counts_as_written(
    qtbot: QtBot, file: CitizenFileWidget, database: Database, people: dict[str, int]
) -> None:
    file.tabs.setCurrentIndex(TAB_CASE_TEXT)
    tab = file.case_text
    lines = [tab.sections.item(i).text() for i in range(tab.sections.count())]
    headings = [
        i for i in range(tab.sections.count()) if not tab.sections.item(i).flags() & Qt.ItemFlag.ItemIsSelectable
    ]
    assert [lines[i] for i in headings] == ["Forberedende del", "Borgerens del", "Jobcentrets egne dele"]
    # The description's eight sections under the first heading, the assessment under the last.
    assert headings == [0, 9, 11]
    assert lines[12] == "○ Jobcentrets vurdering (kræves)"
    assert lines[10] == "○ Borgerens bemærkninger"

    # The arrow keys pass over a heading to the section beyond it.
    _select_section(file, "Erfaringer fra indsatser")
    tab.sections.setFocus()
    _key(qtbot, Qt.Key.Key_Down)
    assert tab.sections.currentItem().text() == "○ Borgerens bemærkninger"
    _key(qtbot, Qt.Key.Key_Up)
    assert "Erfaringer fra indsatser" in tab.sections.currentItem().text()

    _select_section(file, "Jobcentrets vurdering")
    assert "ikke en del af «Forberedende del»" in tab.part_label.text()
    assert "regelpakken kræver afsnittet" in tab.written.text()
    qtbot.mouseClick(tab.editor.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(10, 10))
    _type(qtbot, "Arbejdsevnen er varigt nedsat.")
    assert tab.written.text() == "✔ Tæller som skrevet i tjeklisten, når teksten er gemt."
    _save(qtbot)

    assert tab.written.text() == "✔ Skrevet – tæller som skrevet i tjeklisten."
    assert tab.sections.currentItem().text() == "✔ Jobcentrets vurdering"
    checklist = documentation.load_checklist(database, people["first"], TODAY)
    assert checklist.entry("jc_vurdering").state == DocumentState.MODTAGET  # derived from the text
    texts = {t.section: t.text for t in case_texts.list_case_texts(database, people["first"])}
    assert texts["vurdering"] == "Arbejdsevnen er varigt nedsat."


def test_the_case_number_and_the_day_the_citizen_saw_the_description_are_saved(
    qtbot: QtBot, file: CitizenFileWidget, database: Database, people: dict[str, int]
) -> None:
    file.tabs.setCurrentIndex(TAB_CASE_TEXT)
    tab = file.case_text
    qtbot.mouseClick(tab.case_number, Qt.MouseButton.LeftButton)
    _type(qtbot, "JC-2026-0417")
    qtbot.mouseClick(tab.seen_today, Qt.MouseButton.LeftButton)
    assert tab.seen_on.text() == "02-03-2026"
    assert tab.dirty and "Sagsnummeret og datoen er ændret" in tab.status.text()

    qtbot.mouseClick(tab.save_button, Qt.MouseButton.LeftButton)

    assert case_history.read_case_facts(database, people["first"]) == CaseFacts("JC-2026-0417", TODAY)
    assert not tab.dirty


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("31-02-2026", "Intet er gemt. Borgeren har set beskrivelsen: «31-02-2026» findes ikke i kalenderen."),
        ("03-03-2026", "Datoen 03-03-2026 ligger i fremtiden."),
    ],
)
def test_a_seen_date_that_is_refused_saves_nothing(
    qtbot: QtBot, file: CitizenFileWidget, database: Database, people: dict[str, int], typed: str, message: str
) -> None:
    file.tabs.setCurrentIndex(TAB_CASE_TEXT)
    tab = file.case_text
    tab.case_number.setText("JC-1")
    qtbot.mouseClick(tab.seen_on, Qt.MouseButton.LeftButton)
    _type(qtbot, typed)
    _save(qtbot)
    assert message in tab.facts_error_text()
    assert case_history.read_case_facts(database, people["first"]) == CaseFacts("", None)
    assert tab.dirty and tab.seen_on.text() == typed and tab.case_number.text() == "JC-1"


@pytest.mark.parametrize("screen", [(1366, 768), (1920, 1080)])
def test_every_column_of_both_tables_is_in_view_on_a_laptop_screen(
    qtbot: QtBot,
    window: MainWindow,
    people: dict[str, int],
    screen: tuple[int, int],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # The screen of that size: the window keeps itself inside the screen it is shown on.
    pretend_screen(monkeypatch, QRect(0, 0, *screen))
    window.resize(screen[0] - 16, screen[1] - 48)  # as `fit_to_screen` leaves room for the frame
    window.open_citizen(people["first"], "history")
    qtbot.waitUntil(lambda: window.file.history.periods.view.viewport().width() > 0)
    for editor in (window.file.history.periods, window.file.history.cv):
        view = editor.view
        header = view.horizontalHeader()
        last = header.count() - 1
        # The last column (Bemærkning) stretches: it starts inside the view with room to type.
        assert header.sectionViewportPosition(last) + 120 <= view.viewport().width()
        assert editor.add_button.isVisible() and editor.add_button.visibleRegion().boundingRect().width() > 0
    assert window.file.history.save_button.visibleRegion().boundingRect().width() > 0


def test_tab_moves_between_cells_and_leaves_the_table_at_either_end(
    qtbot: QtBot, file: CitizenFileWidget, database: Database, people: dict[str, int]
) -> None:
    """Rows are typed cell by cell with Tab, as in a spreadsheet; past the last cell Tab goes on
    to the next control, and Shift+Tab before the first back to the one before: no trap."""
    tab = _history(qtbot, file)
    qtbot.mouseClick(tab.periods.add_button, Qt.MouseButton.LeftButton)
    _key(qtbot, Qt.Key.Key_Escape)  # the new row's first cell is left empty
    view = tab.periods.view
    assert _focus() is view
    view.setCurrentIndex(tab.periods.model.index(0, tab.periods.model.columnCount() - 1))
    _key(qtbot, Qt.Key.Key_Tab)
    assert _focus() is not view and not view.isAncestorOf(_focus())
    view.setFocus()
    view.setCurrentIndex(tab.periods.model.index(0, 0))
    _key(qtbot, Qt.Key.Key_Backtab, Qt.KeyboardModifier.ShiftModifier)
    assert _focus() is not view and not view.isAncestorOf(_focus())
    view.setFocus()
    view.setCurrentIndex(tab.periods.model.index(0, 1))
    _key(qtbot, Qt.Key.Key_Tab)
    assert _focus() is view and view.currentIndex().column() == 2  # inside the row, the next cell


def test_tab_in_the_last_cells_editor_keeps_the_text_and_leaves_the_table(
    qtbot: QtBot, file: CitizenFileWidget, database: Database, people: dict[str, int]
) -> None:
    tab = _history(qtbot, file)
    qtbot.mouseClick(tab.periods.add_button, Qt.MouseButton.LeftButton)
    _type_row(qtbot, ["01-02-2015", "31-12-2019", "Efter fyring"])  # the note is the last cell
    _key(qtbot, Qt.Key.Key_Tab)
    view = tab.periods.view
    assert _focus() is not view and not view.isAncestorOf(_focus())  # not round to the first cell
    model = tab.periods.model
    assert model.rowCount() == 1
    assert model.data(model.index(0, model.columnCount() - 1)) == "Efter fyring"
