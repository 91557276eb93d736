"""The main window on a small caseload: open, search, filter, select."""

from __future__ import annotations

import datetime as dt

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from db.enums import Aim, Outcome, VisitationGroup
from db.session import Database
from jobraad.citizens import CitizenInput, close_case, create_citizen
from tests.ui.conftest import HeldReads
from ui.main_window import MainWindow
from ui.models.caseload import CaseloadTableModel

TODAY = dt.date(2026, 11, 25)


@pytest.fixture
def caseload(database: Database) -> Database:
    create_citizen(
        database,
        CitizenInput(
            "Søren",
            "Ærø",
            "0101621233",
            phone="20 30 40 50",
            group=VisitationGroup.GRUPPE_1,
            forloeb_start=TODAY - dt.timedelta(weeks=14),
            support_years_last10=9,
        ),
    )
    create_citizen(
        database,
        CitizenInput(
            "Łucja",
            "Wąsik",
            "1505801234",
            notes="Ønsker rengøring",
            group=VisitationGroup.GRUPPE_3,
            aim=Aim.FLEKSJOB,
            forloeb_start=TODAY - dt.timedelta(weeks=2),
        ),
    )
    closed = create_citizen(database, CitizenInput("Nguyễn Thị", "Ánh", "0202701234"))
    close_case(database, closed, Outcome.SMAAJOB, TODAY - dt.timedelta(days=3))
    return database


@pytest.fixture
def window(qtbot: QtBot, caseload: Database) -> MainWindow:
    w = MainWindow(caseload, today=TODAY)
    qtbot.addWidget(w)
    w.show()
    return w


def _visible_names(w: MainWindow) -> list[str]:
    return [
        w.proxy.index(r, CaseloadTableModel.NAME).data(Qt.ItemDataRole.DisplayRole) for r in range(w.proxy.rowCount())
    ]


def test_opens_on_active_caseload(window: MainWindow) -> None:
    assert sorted(_visible_names(window)) == ["Søren Ærø", "Łucja Wąsik"]
    cpr_cells = {window.proxy.index(r, CaseloadTableModel.CPR).data() for r in range(2)}
    assert cpr_cells == {"010162-xxxx", "150580-xxxx"}  # masked in lists by default
    window.reveal_action.setChecked(True)
    cpr_cells = {window.proxy.index(r, CaseloadTableModel.CPR).data() for r in range(2)}
    assert cpr_cells == {"010162-1233", "150580-1234"}
    # Søren's forløb began 14 weeks ago: a group deadline of his has passed, none of Łucja's.
    assert [r.name for r in window.model.rows() if r.overdue_count(TODAY)] == ["Søren Ærø"]
    assert window.count_label.text() == "Viser 2 af 3 borgere · 2 aktive · 1 med overskredne frister"


def test_search_as_you_type_on_name_cpr_phone_notes(qtbot: QtBot, window: MainWindow) -> None:
    qtbot.keyClicks(window.search, "wasik")  # typed without the Polish letter
    assert _visible_names(window) == ["Łucja Wąsik"]
    window.search.clear()
    qtbot.keyClicks(window.search, "010162-1233")
    assert _visible_names(window) == ["Søren Ærø"]
    window.search.clear()
    qtbot.keyClicks(window.search, "20304050")
    assert _visible_names(window) == ["Søren Ærø"]
    window.search.clear()
    window.search.setText("rengøring")  # QTest cannot type non-ASCII keys
    assert _visible_names(window) == ["Łucja Wąsik"]
    window.search.clear()
    qtbot.keyClicks(window.search, "ingen sådan borger")
    assert _visible_names(window) == []


def test_filters(qtbot: QtBot, window: MainWindow) -> None:
    window.group_filter.setCurrentIndex(window.group_filter.findData(VisitationGroup.GRUPPE_3))
    assert _visible_names(window) == ["Łucja Wąsik"]
    window.clear_filters()
    window.status_filter.setCurrentIndex(window.status_filter.findData("closed"))
    assert _visible_names(window) == ["Nguyễn Thị Ánh"]
    assert window.proxy.index(0, CaseloadTableModel.GROUP).data() == "Lukket: Småjob"
    window.clear_filters()
    window.overdue_filter.setChecked(True)  # Søren's 13-week goals are a week overdue
    assert _visible_names(window) == ["Søren Ærø"]
    window.clear_filters()
    window.target_filter.setChecked(True)  # 64 years, 9 of 10 years on support
    assert _visible_names(window) == ["Søren Ærø"]


def test_sort_by_next_deadline(window: MainWindow) -> None:
    window.table.sortByColumn(CaseloadTableModel.NEXT_DEADLINE, Qt.SortOrder.AscendingOrder)
    assert _visible_names(window) == ["Søren Ærø", "Łucja Wąsik"]
    window.table.sortByColumn(CaseloadTableModel.NEXT_DEADLINE, Qt.SortOrder.DescendingOrder)
    assert _visible_names(window) == ["Łucja Wąsik", "Søren Ærø"]


def test_sort_order_holds_while_searching_and_filtering(window: MainWindow) -> None:
    window.status_filter.setCurrentIndex(window.status_filter.findData("all"))
    window.table.sortByColumn(CaseloadTableModel.NAME, Qt.SortOrder.DescendingOrder)  # by surname, Æ after W
    assert _visible_names(window) == ["Søren Ærø", "Łucja Wąsik", "Nguyễn Thị Ánh"]
    window.search.setText("s")  # Søren and Wąsik (searched as "wasik")
    assert _visible_names(window) == ["Søren Ærø", "Łucja Wąsik"]
    window.search.setText("sø")
    assert _visible_names(window) == ["Søren Ærø"]
    window.search.clear()
    window.table.sortByColumn(CaseloadTableModel.NAME, Qt.SortOrder.AscendingOrder)
    assert _visible_names(window) == ["Nguyễn Thị Ánh", "Łucja Wąsik", "Søren Ærø"]


def test_typing_a_search_keeps_the_selected_citizen_and_the_open_file(qtbot: QtBot, window: MainWindow) -> None:
    with qtbot.waitSignal(window.citizen_selected, timeout=2000):
        window.select_citizen(next(r.citizen_id for r in window.model.rows() if r.name == "Søren Ærø"))
    soren = window.file.citizen_id
    qtbot.keyClicks(window.search, "sør")
    assert window.selected_citizen_id() == soren  # still selected after each keystroke
    window.search.clear()
    qtbot.keyClicks(window.search, "wasik")  # Søren is no longer in the list ...
    assert window.selected_citizen_id() is None
    assert window.file.citizen_id == soren  # ... but his file stays open
    assert "Søren Ærø" in window.file.header.text()
    window.search.clear()
    assert window.selected_citizen_id() == soren  # and is selected again when shown


def test_select_shows_citizen_and_is_audited(qtbot: QtBot, window: MainWindow, caseload: Database) -> None:
    from sqlalchemy import select

    from db.models import AuditEntry

    window.search.setText("Ærø")
    with qtbot.waitSignal(window.citizen_selected, timeout=2000):
        window.table.selectRow(0)
    assert "Søren Ærø" in window.file.header.text()
    text = window.file.summary.toPlainText()
    assert "Gruppe 1" in text
    assert "13-ugers mål (gruppe 1)" in text
    assert "Overskredet" in text
    with caseload.reading() as session:
        actions = session.scalars(select(AuditEntry.action)).all()
    assert "laes_sag" in actions


def test_overdue_deadline_cell_is_coloured(window: MainWindow) -> None:
    window.search.setText("Ærø")
    index = window.proxy.index(0, CaseloadTableModel.NEXT_DEADLINE)
    # No samtale held since the forløb started 19-08-2026: the first is due 8 weeks on (jobraad.samtaler),
    # before the 13-week goals of 18-11-2026; both are overdue.
    assert index.data().startswith("14-10-2026  Samtale senest 14-10-2026")
    assert index.data(Qt.ItemDataRole.BackgroundRole) is not None


def test_model_passes_qtmodeltester(qtmodeltester, window: MainWindow) -> None:  # type: ignore[no-untyped-def]
    qtmodeltester.check(window.model)
    qtmodeltester.check(window.proxy)


def test_copied_cpr_is_cleared_from_the_clipboard(qtbot: QtBot, window: MainWindow) -> None:
    from PySide6.QtGui import QGuiApplication

    import ui.main_window as mw

    window.search.setText("Ærø")
    window.table.selectRow(0)
    mw_timeout = 50
    window._clipboard_timer.setInterval(mw_timeout)
    original = mw.CLIPBOARD_CLEAR_MS
    mw.CLIPBOARD_CLEAR_MS = mw_timeout
    try:
        window.copy_cpr()
        assert QGuiApplication.clipboard().text() == "010162-1233"
        qtbot.waitUntil(lambda: QGuiApplication.clipboard().text() == "", timeout=2000)
    finally:
        mw.CLIPBOARD_CLEAR_MS = original


def test_clipboard_not_cleared_if_user_copied_something_else(qtbot: QtBot, window: MainWindow) -> None:
    from PySide6.QtGui import QGuiApplication

    window.search.setText("Ærø")
    window.table.selectRow(0)
    window.copy_cpr()
    QGuiApplication.clipboard().setText("noget andet")
    window._clear_clipboard()
    assert QGuiApplication.clipboard().text() == "noget andet"


def test_lock_hides_content_and_keeps_unsaved_input(qtbot: QtBot, window: MainWindow) -> None:
    from unittest.mock import patch

    from ui.lock import LockDialog

    window.search.setText("Ærø")
    seen: dict[str, object] = {}

    def fake_exec(dialog: LockDialog) -> int:
        seen["hidden"] = window.stack.currentWidget() is window.locked_page
        seen["menu"] = window.menuBar().isEnabled()
        dialog.passphrase.setText("forkert")
        dialog.try_unlock()
        seen["error"] = dialog.error.text()
        dialog.passphrase.setText("korrekt hest batteri hæfteklamme")
        dialog.try_unlock()
        return int(dialog.result())

    with patch.object(LockDialog, "exec", fake_exec):
        window.lock()
    assert seen == {"hidden": True, "menu": False, "error": "Forkert adgangskode."}
    assert window.stack.currentWidget() is window.pages
    assert window.search.text() == "Ærø"  # nothing typed is lost


def test_idle_time_locks(qtbot: QtBot, window: MainWindow) -> None:
    from unittest.mock import patch

    with patch.object(MainWindow, "lock") as lock:
        window.idle.idle_timeout.disconnect()
        window.idle.idle_timeout.connect(window.lock)
        window.idle.minutes = 0.0001
        window.idle.check()
    assert lock.called


def test_pending_search_log_does_not_outlive_the_window(qtbot: QtBot, window: MainWindow) -> None:
    window.search.setText("Ærø")
    assert window._search_audit.isActive()
    window.close()
    assert not window._search_audit.isActive()


def test_reads_the_caseload_in_the_background_at_start(qtbot: QtBot, caseload: Database, held_reads: HeldReads) -> None:
    w = MainWindow(caseload, today=TODAY, load_in_background=True)
    qtbot.addWidget(w)
    w.show()
    w.pages.setCurrentIndex(1)
    # Until the read is done, the user is told, where the list will be and in the status line.
    assert w.count_label.text() == "Indlæser sagsstammen…"
    assert w.loading.isVisible() and not w.reading_label.isHidden() and w.table.isHidden()
    qtbot.keyClicks(w.search, "wasik")  # typing while it reads is kept
    with qtbot.waitSignal(w.caseload_reloaded, timeout=5000):
        held_reads.run(0)
    assert _visible_names(w) == ["Łucja Wąsik"]
    assert "Viser 1 af 3 borgere" in w.count_label.text()
    assert not w.loading.isVisible() and w.reading_label.isHidden() and not w.table.isHidden()


def test_the_window_fits_a_small_laptop_screen(window: MainWindow) -> None:
    """1366 × 768 is common on the caseworkers' laptops; leave room for frame and taskbar."""
    window.open_citizen(window.model.rows()[0].citizen_id, "documentation")  # the widest tab
    hint = window.minimumSizeHint()
    assert hint.width() <= 1280 and hint.height() <= 700


def test_a_reload_wins_over_an_older_background_read(qtbot: QtBot, caseload: Database, held_reads: HeldReads) -> None:
    w = MainWindow(caseload, today=TODAY, load_in_background=True)
    qtbot.addWidget(w)
    fn, on_done = held_reads.started[0]
    start_read = fn(lambda _done, _total: None)  # the read at start has read three citizens…
    create_citizen(caseload, CitizenInput("Ahmed", "Nielsen", "0303901231", forloeb_start=TODAY))
    w.reload()  # …when the user creates a fourth, and the list is read on the spot
    assert len(w.model.rows()) == 4
    on_done(start_read)  # the older read's result arrives now
    assert len(w.model.rows()) == 4  # and is not shown over the newer one


def test_the_list_read_again_after_a_save_stays_where_the_user_scrolled(
    qtbot: QtBot, database: Database, held_reads: HeldReads
) -> None:
    # The read behind the window may end while the user aims at another row: the row
    # under the pointer must not change under it (a click there opens a file, logged).
    from jobraad.demo import generate_demo

    generate_demo(database, citizens=120, seed=1)
    w = MainWindow(database)
    qtbot.addWidget(w)
    w.show()
    w.pages.setCurrentIndex(1)
    qtbot.waitExposed(w)
    w.select_citizen(w.proxy.row_at(2).citizen_id)
    bar = w.table.verticalScrollBar()
    bar.setValue(bar.maximum())
    before, row_under = bar.value(), w.table.rowAt(100)
    assert before > 0
    reads: list[int] = []
    w.caseload_reloaded.connect(reads.append)
    w.reload_in_background(quiet=True)
    w.reload_in_background(quiet=True)  # saves in quick succession: one read, not many
    w.reload_in_background(quiet=True)
    assert len(held_reads.started) == 1
    held_reads.run(0)
    assert len(reads) == 1 and len(held_reads.started) == 1 and not w.loading.isVisible()
    assert bar.value() == before and w.table.rowAt(100) == row_under
    assert w.selected_citizen_id() is not None  # still selected, though scrolled out of view


def test_a_reload_on_the_spot_wins_over_a_read_behind_the_window(
    qtbot: QtBot, database: Database, held_reads: HeldReads
) -> None:
    w = MainWindow(database)
    qtbot.addWidget(w)
    w.reload_in_background(quiet=True)
    fn, on_done = held_reads.started[0]
    empty = fn(lambda _done, _total: None)  # reads an empty caseload…
    create_citizen(database, CitizenInput("Ny", "Borger", "0101621233"))
    w.reload()  # …while this one, later, reads the new citizen
    assert len(w.model.rows()) == 1
    on_done(empty)  # the older read's result arrives, and is not shown
    assert len(w.model.rows()) == 1 and not w.loading.isVisible()
    w.reload_in_background(quiet=True)  # and reads behind the window still start after that
    assert w.loading.isVisibleTo(w) and len(held_reads.started) == 2
    held_reads.run(1)
    assert not w.loading.isVisibleTo(w)


def test_finished_background_reads_are_let_go(qtbot: QtBot, caseload: Database) -> None:
    # Each read behind the window (one after every save) was once kept in a list on the
    # window for as long as it was open.
    from ui import worker

    w = MainWindow(caseload, today=TODAY)
    qtbot.addWidget(w)
    for _ in range(5):
        with qtbot.waitSignal(w.caseload_reloaded, timeout=5000):
            w.reload_in_background(quiet=True)
    held = [
        name
        for name, value in vars(w).items()
        if isinstance(value, list | tuple | set | dict)
        and any(isinstance(item, worker.Task) for item in (value.values() if isinstance(value, dict) else value))
    ]
    assert held == []
    qtbot.waitUntil(lambda: worker.running_tasks() == 0)  # nor kept anywhere once delivered


def test_the_lock_holds_the_next_try_after_repeated_wrong_passphrases(
    qtbot: QtBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    from ui.lock import LockDialog

    monkeypatch.setattr("ui.lock.unlock_delay", lambda failures: 1.0 if failures >= 2 else 0.0)
    dialog = LockDialog(lambda typed: typed == "rigtig")
    qtbot.addWidget(dialog)
    dialog.passphrase.setText("forkert")
    dialog.try_unlock()
    assert dialog.error.text() == "Forkert adgangskode." and dialog.passphrase.isEnabled()
    dialog.passphrase.setText("forkert igen")
    dialog.try_unlock()
    assert dialog.error.text() == "Forkert adgangskode. Vent 1 sekund."
    assert dialog.passphrase.isEnabled() and not dialog.button.isEnabled()  # keys are kept
    qtbot.waitUntil(dialog.button.isEnabled, timeout=5000)
    dialog.passphrase.setText("rigtig")
    dialog.try_unlock()
    assert dialog.result() == dialog.DialogCode.Accepted


def _id_of(window: MainWindow, name: str) -> int:
    return next(r.citizen_id for r in window.model.rows() if r.name == name)


def test_opening_from_the_overblik_keeps_the_lists_filters(window: MainWindow) -> None:
    window.group_filter.setCurrentIndex(window.group_filter.findData(VisitationGroup.GRUPPE_3))
    window.overdue_filter.setChecked(False)
    window.search.setText("wasik")
    soeren, lucja = _id_of(window, "Søren Ærø"), _id_of(window, "Łucja Wąsik")
    window.overview.item_activated.emit(soeren, "")  # Søren is in gruppe 1: not in the list as filtered
    assert window.group_filter.currentData() == VisitationGroup.GRUPPE_3
    assert window.status_filter.currentData() == "active" and window.search.text() == "wasik"
    assert _visible_names(window) == ["Łucja Wąsik"]
    assert window.pages.currentIndex() == 1 and window.file.citizen_id == soeren
    assert window.selected_row() is None  # the one shown is not the one open
    assert window.statusBar().currentMessage().startswith("Borgeren vises ikke i listen med de valgte filtre")
    assert window.current_row() is not None and window.current_row().name == "Søren Ærø"  # Ctrl+Shift+P copies his
    window.overview.item_activated.emit(lucja, "")  # shown: selected in the list
    assert window.selected_citizen_id() == lucja == window.file.citizen_id
    assert window.group_filter.currentData() == VisitationGroup.GRUPPE_3 and window.search.text() == "wasik"
    window.clear_filters()  # the open citizen stays selected
    assert window.selected_citizen_id() == lucja
