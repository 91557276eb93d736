"""The wait after repeated wrong passphrases (issue 19): the window stays up, counts the wait
down each second in Danish ("Vent 8 sekunder" … "Vent 1 sekund"), OK is disabled meanwhile and
what the user types is kept. The clock is the test's own; the countdown's timer is driven by
calling its `tick`, so nothing sleeps."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog
from pytestqt.qtbot import QtBot

from db.errors import WrongPassphraseError
from db.session import Database
from tests.conftest import PASSPHRASE
from ui import app
from ui.dialogs.passphrase import PassphraseDialog
from ui.lock import LockDialog, wait_text

WRONG = WrongPassphraseError().message


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def _one_second(dialog: PassphraseDialog | LockDialog, clock: Clock) -> None:
    """One second passes and the countdown's timer fires (its interval is what is left of the second)."""
    timer = dialog.back_off.timer
    assert timer.isActive()
    clock.now += timer.interval() / 1000
    dialog.back_off.tick()


@pytest.mark.parametrize(
    ("seconds", "text"), [(1, "Vent 1 sekund."), (2, "Vent 2 sekunder."), (30, "Vent 30 sekunder.")]
)
def test_the_wait_is_said_in_danish_singular_and_plural(seconds: int, text: str) -> None:
    assert wait_text(seconds) == text


def test_after_the_third_wrong_passphrase_the_window_stays_counts_down_and_keeps_what_is_typed(
    qtbot: QtBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("ui.lock.unlock_delay", lambda failures: 8.0 if failures >= 3 else 0.0)
    tried: list[str] = []

    def attempt(passphrase: str) -> bool:
        tried.append(passphrase)
        if passphrase == "rigtig sætning":
            return True
        dialog.refused(WRONG)
        return False

    dialog = PassphraseDialog(attempt=attempt)
    qtbot.addWidget(dialog)
    clock = Clock()
    dialog.back_off.clock = clock
    dialog.show()
    qtbot.waitExposed(dialog)
    for n in range(3):
        qtbot.keyClicks(dialog.passphrase, f"forkert {n}")
        qtbot.keyClick(dialog.passphrase, Qt.Key.Key_Return)
    assert tried == ["forkert 0", "forkert 1", "forkert 2"]
    assert dialog.isVisible()
    assert dialog.error.text() == f"{WRONG} Vent 8 sekunder."  # at once, not after the wait
    assert not dialog.ok_button.isEnabled()

    qtbot.keyClicks(dialog.passphrase, "rigtig")  # the wrong one was selected: typing replaces it
    qtbot.keyClick(dialog.passphrase, Qt.Key.Key_Return)  # Enter while it waits: nothing tried
    assert tried == ["forkert 0", "forkert 1", "forkert 2"] and dialog.isVisible()

    shown = [dialog.error.text()]
    for _ in range(7):
        _one_second(dialog, clock)
        shown.append(dialog.error.text())
    assert shown == [f"{WRONG} Vent {n} {'sekund' if n == 1 else 'sekunder'}." for n in range(8, 0, -1)]
    assert not dialog.ok_button.isEnabled()
    qtbot.keyClicks(dialog.passphrase, " sætning")
    _one_second(dialog, clock)

    assert dialog.ok_button.isEnabled() and dialog.error.text() == WRONG
    assert not dialog.back_off.timer.isActive()
    assert dialog.passphrase.text() == "rigtig sætning"  # every key typed during the wait
    qtbot.keyClick(dialog.passphrase, Qt.Key.Key_Return)
    assert tried[-1] == "rigtig sætning" and dialog.result() == QDialog.DialogCode.Accepted


def test_a_late_timer_still_counts_from_the_clock(qtbot: QtBot, monkeypatch: pytest.MonkeyPatch) -> None:
    # A busy machine fires the timer late: the countdown says what is left, not how often it ticked.
    monkeypatch.setattr("ui.lock.unlock_delay", lambda failures: 8.0)
    dialog = PassphraseDialog()
    qtbot.addWidget(dialog)
    clock = Clock()
    dialog.back_off.clock = clock
    dialog.refused(WRONG)
    clock.now += 5.4
    dialog.back_off.tick()
    assert dialog.error.text() == f"{WRONG} Vent 3 sekunder."
    assert dialog.back_off.timer.interval() == 600  # wakes when "2" is due
    clock.now += 3.0
    dialog.back_off.tick()
    assert dialog.error.text() == WRONG and dialog.ok_button.isEnabled()


def test_unlock_keeps_the_window_up_through_the_wait_and_opens_with_what_was_typed_meanwhile(
    qtbot: QtBot, monkeypatch: pytest.MonkeyPatch, database: Database
) -> None:
    path = database.path
    database.close()
    monkeypatch.setattr("ui.lock.unlock_delay", lambda failures: 2.0 if failures >= 3 else 0.0)
    seen: list[tuple[bool, str, bool]] = []

    def exec_(dialog: PassphraseDialog) -> int:
        clock = Clock()
        dialog.back_off.clock = clock
        dialog.show()
        for n in range(3):
            dialog.passphrase.setText(f"forkert adgangskode {n}")
            qtbot.keyClick(dialog.passphrase, Qt.Key.Key_Return)
        seen.append((dialog.isVisible(), dialog.error.text(), dialog.ok_button.isEnabled()))
        qtbot.keyClicks(dialog.passphrase, PASSPHRASE)
        _one_second(dialog, clock)
        seen.append((dialog.isVisible(), dialog.error.text(), dialog.ok_button.isEnabled()))
        _one_second(dialog, clock)
        qtbot.keyClick(dialog.passphrase, Qt.Key.Key_Return)
        return dialog.result()

    monkeypatch.setattr(PassphraseDialog, "exec", exec_)
    opened = app.unlock(Path(path))
    assert opened is not None
    opened.close()
    assert seen == [(True, f"{WRONG} Vent 2 sekunder.", False), (True, f"{WRONG} Vent 1 sekund.", False)]


def test_the_lock_screen_counts_down_the_same_way_and_keeps_what_is_typed(
    qtbot: QtBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("ui.lock.unlock_delay", lambda failures: 1.0)
    dialog = LockDialog(lambda typed: typed == "rigtig")
    qtbot.addWidget(dialog)
    clock = Clock()
    dialog.back_off.clock = clock
    dialog.passphrase.setText("forkert")
    dialog.try_unlock()
    assert dialog.error.text() == "Forkert adgangskode. Vent 1 sekund."
    assert not dialog.button.isEnabled()
    qtbot.keyClicks(dialog.passphrase, "rigtig")
    qtbot.keyClick(dialog.passphrase, Qt.Key.Key_Return)  # held
    assert dialog.result() != QDialog.DialogCode.Accepted
    _one_second(dialog, clock)
    assert dialog.button.isEnabled() and dialog.error.text() == "Forkert adgangskode."
    qtbot.keyClick(dialog.passphrase, Qt.Key.Key_Return)
    assert dialog.result() == QDialog.DialogCode.Accepted
