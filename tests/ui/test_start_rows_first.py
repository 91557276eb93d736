"""At start the window shows the rows and the Overblik's deadlines first, and the documentation
readiness and the signals when they are read (issue 19: Enter → caseload visible)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from db.session import Database
from jobraad.caseload import load_caseload
from jobraad.citizens import CitizenInput, create_citizen
from jobraad.overview import load_overview
from tests.ui.conftest import HeldReads, settle
from ui.main_window import MainWindow
from ui.models.caseload import READINESS_PENDING, READINESS_PENDING_TIP, CaseloadTableModel
from ui.overview_page import OverviewPage

TODAY = dt.date.today()  # the demo's dates are counted from today


@pytest.fixture
def demo(database: Database) -> Database:
    from jobraad.demo import generate_demo

    generate_demo(database, citizens=40, seed=1)
    return database


def _start(qtbot: QtBot, database: Database) -> MainWindow:
    """The main window as the program starts it (`ui.app.StartWindow`)."""
    w = MainWindow(database, today=TODAY, load_in_background=True, defer_reading=True)
    qtbot.addWidget(w)
    w.loader.read_in_background(first_rows_first=True)
    w.show()
    return w


def _readiness_column(w: MainWindow) -> dict[str, str]:
    column = CaseloadTableModel.READINESS
    return {
        w.proxy.row_at(r).name: w.proxy.index(r, column).data(Qt.ItemDataRole.DisplayRole)
        for r in range(w.proxy.rowCount())
    }


def _filled_lines(qtbot: QtBot, page: OverviewPage) -> list[str]:
    qtbot.waitUntil(page.filled)
    return page.lines()


def test_the_rows_come_first_and_their_readiness_and_signals_follow(
    qtbot: QtBot, demo: Database, held_reads: HeldReads
) -> None:
    complete_rows = load_caseload(demo, TODAY)
    expected = OverviewPage()
    qtbot.addWidget(expected)
    expected.show()
    expected.show_overview(load_overview(demo, TODAY, complete_rows))
    expected_lines = _filled_lines(qtbot, expected)
    assert any(line.startswith("Signaler fra praktik — ") and not line.endswith("0") for line in expected_lines)
    assert any("dokumentation" in line for line in expected_lines)

    w = _start(qtbot, demo)
    shown: list[int] = []
    w.caseload_reloaded.connect(shown.append)
    held_reads.run(0)  # the rows and the deadlines

    assert shown == [len(complete_rows)]
    w.pages.setCurrentIndex(1)
    first = _readiness_column(w)
    assert set(first.values()) == {READINESS_PENDING}  # not yet known: not "no checklist"
    index = w.proxy.index(0, CaseloadTableModel.READINESS)
    assert index.data(Qt.ItemDataRole.ToolTipRole) == READINESS_PENDING_TIP
    assert w.loading.isVisible() and not w.table.isHidden()  # the list shown, the status line still reading
    w.pages.setCurrentIndex(0)
    lines = _filled_lines(qtbot, w.overview)
    assert "Signaler fra praktik — læses …" in lines
    assert not any("dokumentation" in line for line in lines)
    # The deadlines are all there already, in their final order.
    deadline_part = expected_lines[: next(i for i, t in enumerate(expected_lines) if t.startswith("Signaler"))]
    assert [line.split("   ·   dokumentation")[0] for line in deadline_part] == lines[: len(deadline_part)]

    held_reads.run(1)  # the readiness and the signals

    assert shown == [len(complete_rows)] * 2
    assert _filled_lines(qtbot, w.overview) == expected_lines
    assert _readiness_column(w) == {
        r.name: (r.readiness.label if r.readiness else "") for r in complete_rows if r.active
    }
    assert not w.loading.isVisible()


def test_a_citizen_saved_while_the_rest_is_read_is_in_the_list_after_it(
    qtbot: QtBot, demo: Database, held_reads: HeldReads
) -> None:
    w = _start(qtbot, demo)
    held_reads.run(0)
    create_citizen(demo, CitizenInput("Ahmed", "Nielsen", "0303901231", forloeb_start=TODAY))
    w.reload_in_background(quiet=True)  # as after a save
    assert len(held_reads.started) == 2  # no read of its own while the rest is read…
    held_reads.run(1)
    assert len(held_reads.started) == 3  # …but one right after it, as after any save during a read
    held_reads.run(2)
    names = [r.name for r in w.model.rows()]
    assert "Ahmed Nielsen" in names
    assert not any(r.readiness_pending for r in w.model.rows())


def test_the_citizen_selected_among_the_first_rows_stays_selected(
    qtbot: QtBot, demo: Database, held_reads: HeldReads
) -> None:
    w = _start(qtbot, demo)
    held_reads.run(0)
    w.pages.setCurrentIndex(1)
    chosen = w.proxy.row_at(5).citizen_id
    w.select_citizen(chosen)
    held_reads.run(1)
    assert w.selected_citizen_id() == chosen


def test_the_first_overblik_holds_a_screenful_of_each_section_and_the_whole_follows(
    qtbot: QtBot, demo: Database, held_reads: HeldReads, monkeypatch: pytest.MonkeyPatch
) -> None:
    # At 10,000 citizens the whole Overblik is 12,000 lines: filled twice at start, it kept
    # the window busy while the rest was read. The first holds what the screen shows.
    import ui.overview_page

    monkeypatch.setattr(ui.overview_page, "FILL_SLICE", 3)
    w = _start(qtbot, demo)
    held_reads.run(0)
    tree = w.overview.tree
    qtbot.waitUntil(w.overview.filled)
    first = [tree.topLevelItem(i).childCount() for i in range(3)]
    assert 0 < max(first) <= 3
    held_reads.run(1)
    qtbot.waitUntil(w.overview.filled)
    whole = [tree.topLevelItem(i).childCount() for i in range(3)]
    assert max(whole) > 3 and all(a <= b for a, b in zip(first, whole, strict=True))


@pytest.fixture
def collector(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[bool]]:
    """Python's collector as the start holds it; `gc.freeze` noted (whether the collector was
    running then), not done: this test's process keeps the other tests' objects."""
    import gc

    from jobraad import runtime

    frozen: list[bool] = []
    monkeypatch.setattr(gc, "freeze", lambda: frozen.append(gc.isenabled()))
    try:
        yield frozen
    finally:
        runtime.release_collector()
        gc.enable()


def test_the_collector_waits_until_the_start_is_done_and_then_runs_again(
    qtbot: QtBot, demo: Database, held_reads: HeldReads, collector: list[bool], monkeypatch: pytest.MonkeyPatch
) -> None:
    # Its collections during the start held the window up to 145 ms at 10,000 citizens.
    import gc

    import ui.overview_page
    from ui.app import hold_collector_until_started

    monkeypatch.setattr(ui.overview_page, "FILL_SLICE", 3)  # the whole Overblik takes turns
    w = MainWindow(demo, today=TODAY, load_in_background=True, defer_reading=True)
    qtbot.addWidget(w)
    hold_collector_until_started(w)
    w.loader.read_in_background(first_rows_first=True)
    w.show()
    assert not gc.isenabled()
    held_reads.run(0)  # the first rows
    qtbot.waitUntil(w.overview.filled)
    assert not gc.isenabled()
    held_reads.run(1)  # the rest: the whole Overblik follows, a slice a turn
    assert not w.overview.filled() and not gc.isenabled()
    qtbot.waitUntil(w.overview.filled)
    assert gc.isenabled()
    assert collector == [False]  # what the start made frozen first, then collected again


def test_the_collector_runs_again_when_the_window_closes_before_the_start_is_done(
    qtbot: QtBot, demo: Database, held_reads: HeldReads, collector: list[bool]
) -> None:
    import gc

    from ui.app import hold_collector_until_started

    w = MainWindow(demo, today=TODAY, load_in_background=True, defer_reading=True)
    hold_collector_until_started(w)
    w.loader.read_in_background(first_rows_first=True)
    assert not gc.isenabled()
    w.deleteLater()
    qtbot.waitUntil(gc.isenabled)
    assert len(collector) == 1


def test_printing_is_prepared_once_the_whole_overblik_is_in_place(
    qtbot: QtBot, demo: Database, held_reads: HeldReads, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Its imports compete with the window for Python: not while a large Overblik is filled.
    import ui.caseload_loader
    import ui.overview_page

    monkeypatch.setattr(ui.overview_page, "FILL_SLICE", 3)
    monkeypatch.setattr(ui.caseload_loader, "WARM_UP_PRINTING_MS", 0)
    w = _start(qtbot, demo)
    filled_then: list[bool] = []
    monkeypatch.setattr(ui.caseload_loader, "_warm_up_printing", lambda: filled_then.append(w.overview.filled()))
    held_reads.run(0)
    held_reads.run(1)
    qtbot.waitUntil(lambda: bool(filled_then))
    settle()
    assert filled_then == [True]
