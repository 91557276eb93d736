"""The idle lock: no keyboard or mouse input for the set minutes locks the window, input keeps
it open. The filter that notices input is in place only until it has seen one input, and is
put back at the next check (`ui.lock.IdleWatcher`): events reach Python only while it is."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QLineEdit
from pytestqt.qtbot import QtBot

from ui.lock import IDLE_CHECK_MS, IdleWatcher


class Clock:
    def __init__(self) -> None:
        self.now = 1_000.0

    def __call__(self) -> float:
        return self.now


class CountingWatcher(IdleWatcher):
    """Counts the events that reach its filter (in Python)."""

    calls = 0

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        self.calls += 1
        return super().eventFilter(watched, event)


Made = tuple[CountingWatcher, QLineEdit, Clock, list[bool]]


@pytest.fixture
def make(qtbot: QtBot) -> Iterator[Callable[..., Made]]:
    """Makes a watcher with its own clock, a field to type in, and the record of its locks;
    every watcher made is stopped after the test."""
    made: list[CountingWatcher] = []

    def watcher_for(minutes: float = 10) -> Made:
        clock = Clock()
        watcher = CountingWatcher(minutes, clock=clock)
        made.append(watcher)
        locks: list[bool] = []
        watcher.idle_timeout.connect(lambda: locks.append(True))
        field = QLineEdit()
        qtbot.addWidget(field)
        field.show()
        qtbot.waitExposed(field)
        return watcher, field, clock, locks

    yield watcher_for
    for watcher in made:
        watcher.stop()


def test_no_input_for_the_set_minutes_locks_and_input_keeps_it_open(make: Callable[..., Made]) -> None:
    watcher, field, clock, locks = make(minutes=10)
    watcher.check()
    clock.now += 9 * 60
    QTest.keyClick(field, Qt.Key.Key_A)
    watcher.check()
    clock.now += 9 * 60  # 18 minutes since the start, 9 since the key
    watcher.check()
    assert locks == []
    clock.now += 60
    watcher.check()
    assert locks == [True]
    assert field.text() == "a"  # the filter only looks: the key reached the field
    clock.now += 60
    watcher.check()
    assert locks == [True]  # counted again from the lock


def test_a_mouse_click_is_input_too(make: Callable[..., Made]) -> None:
    watcher, field, clock, locks = make(minutes=1)
    watcher.check()
    clock.now += 50
    QTest.mouseClick(field, Qt.MouseButton.LeftButton)
    clock.now += 50
    watcher.check()
    assert locks == []
    clock.now += 10
    watcher.check()
    assert locks == [True]


def test_the_filter_is_gone_after_one_input_and_back_at_the_next_check(qtbot: QtBot, make: Callable[..., Made]) -> None:
    watcher, field, _clock, _locks = make()
    assert not watcher.watching  # at first not: the start's reads come before the first check
    QTest.keyClick(field, Qt.Key.Key_A)
    assert watcher.calls == 0
    watcher.check()
    assert watcher.watching
    QTest.keyClick(field, Qt.Key.Key_B)
    assert not watcher.watching
    seen = watcher.calls
    assert seen >= 1
    for key in (Qt.Key.Key_C, Qt.Key.Key_D, Qt.Key.Key_E):
        QTest.keyClick(field, key)
    field.repaint()
    qtbot.wait(20)  # timers, paints and the keys: none of them reached Python's filter
    assert watcher.calls == seen
    assert field.text() == "abcde"
    watcher.check()
    assert watcher.watching
    QTest.keyClick(field, Qt.Key.Key_F)
    assert watcher.calls > seen


def test_the_lock_may_come_early_by_at_most_one_check_never_late(make: Callable[..., Made]) -> None:
    """An input between a seen one and the next check is not seen: the idle time then counts
    from the seen one, which is less than one check interval earlier."""
    watcher, field, clock, locks = make(minutes=10)
    watcher.check()
    QTest.keyClick(field, Qt.Key.Key_A)  # seen
    last_seen = clock.now
    clock.now += IDLE_CHECK_MS / 1000 - 1
    QTest.keyClick(field, Qt.Key.Key_B)  # not seen: the filter is off until the check
    last_input = clock.now
    clock.now += 1
    watcher.check()
    clock.now = last_seen + 10 * 60 - 0.5
    watcher.check()
    assert locks == []
    clock.now = last_seen + 10 * 60
    watcher.check()
    assert locks == [True]
    assert 0 < last_input + 10 * 60 - clock.now < IDLE_CHECK_MS / 1000


def test_without_a_lock_time_nothing_is_watched(make: Callable[..., Made]) -> None:
    watcher, _field, clock, locks = make(minutes=0)
    watcher.check()
    assert not watcher.watching
    clock.now += 24 * 3600
    watcher.check()
    assert locks == []
    watcher.minutes = 5  # set in Indstillinger: watched from the next check
    watcher.check()
    assert watcher.watching
    watcher.stop()  # the window closing
    assert not watcher.watching
