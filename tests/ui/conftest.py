"""Fixtures for the window tests: reads behind the window that the test starts, and the event
loop run until it has nothing left to do (instead of waiting a number of milliseconds)."""

from __future__ import annotations

import gc
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from PySide6.QtCore import QCoreApplication, QEventLoop, QRect, QSettings, Qt
from PySide6.QtWidgets import QTableView

import ui.caseload_loader
import ui.screen


@pytest.fixture(autouse=True)
def _user_settings(tmp_path_factory: pytest.TempPathFactory) -> None:
    """The program's Qt settings (the folders the file dialogs remember) go to a fresh folder
    in every test, never the user's own settings file."""
    folder = tmp_path_factory.mktemp("settings")
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(folder))


@pytest.fixture
def program_heap() -> Iterator[None]:
    """Python's collector as the running program has it, for tests that time the window.

    The test process keeps the objects of every test before it (about 1.5 million by the
    middle of the suite), and a full collection walks them all: 100 ms and more, landing
    wherever the collector decides. The program freezes what its start made
    (`jobraad.runtime.release_collector`), so its full collections walk only what was made
    since; here the same is done with what the earlier tests left."""
    gc.collect()
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()


class HeldReads:
    """Stands in for the caseload loader's `start_task`: keeps each read's work until the test
    runs it with `run(i)`, so "the read began after…" and "the result arrived after…" are
    decided by the test, not by the thread pool's timing."""

    def __init__(self) -> None:
        self.started: list[tuple[Callable[[Any], Any], Callable[[Any], None]]] = []

    def __call__(self, fn: Callable[[Any], Any], on_done: Callable[[Any], None], _on_error: object) -> None:
        self.started.append((fn, on_done))

    def run(self, index: int) -> None:
        fn, on_done = self.started[index]
        on_done(fn(lambda _done, _total: None))


@pytest.fixture
def held_reads(monkeypatch: pytest.MonkeyPatch) -> HeldReads:
    held = HeldReads()
    monkeypatch.setattr(ui.caseload_loader, "start_task", held)
    return held


def settle(turns: int = 50) -> None:
    """Run the event loop until nothing posted or timed for now is left (a few turns more than
    any slice of work the window schedules): to show that something did NOT happen."""
    for _ in range(turns):
        QCoreApplication.sendPostedEvents()
        QCoreApplication.processEvents(QEventLoop.ProcessEventsFlag.AllEvents)


def pretend_screen(monkeypatch: pytest.MonkeyPatch, room: QRect) -> None:
    """Windows see `room` as the available area of their screen (the test machine's own
    screen stands in for a laptop's or a large one): a window keeps itself inside it."""
    monkeypatch.setattr(ui.screen, "available_geometry", lambda near=None: QRect(room))


def heading_fits(view: QTableView, column: int) -> bool:
    """The column's heading is drawn whole: its text and the header's margins fit the section."""
    header = view.horizontalHeader()
    model = view.model()
    text = str(model.headerData(column, Qt.Orientation.Horizontal, Qt.ItemDataRole.DisplayRole))
    return header.fontMetrics().horizontalAdvance(text) + 8 <= header.sectionSize(column)
