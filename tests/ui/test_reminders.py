"""Desktop reminders in the window: at start one notification from the tray icon (initials
and kinds only), a click on it opens the most overdue item in its place, the tray's menu
lists every item; the next morning is one timer; without a tray the status line says so
once; switched off in Indstillinger, nothing is shown and no timer runs."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest
from PySide6.QtWidgets import QCheckBox, QSystemTrayIcon
from pytestqt.qtbot import QtBot

from db.enums import MeetingKind, SamtaleAttendance, VisitationGroup
from db.session import Database
from jobraad import records
from jobraad.citizens import CitizenInput, create_citizen
from jobraad.samtaler import SamtaleInput, add_samtale
from jobraad.settings import get_settings, set_settings
from tests.ui.conftest import HeldReads, settle
from ui import reminders as ui_reminders
from ui.citizen_file import TAB_MEETINGS
from ui.dialogs.settings_dialog import settings_dialog
from ui.main_window import MainWindow
from ui.reminders import NO_TRAY, DesktopReminders

TODAY = dt.date(2026, 3, 2)
START = dt.date(2026, 1, 5)
EARLY = dt.datetime.combine(TODAY, dt.time(7, 0))


@pytest.fixture
def people(database: Database) -> dict[str, int]:
    soeren = create_citizen(
        database, CitizenInput("Søren", "Ærø", "0101621233", group=VisitationGroup.GRUPPE_4, forloeb_start=START)
    )
    late = records.add_deadline(
        database, soeren, records.DeadlineInput(TODAY - dt.timedelta(days=3), "Ring til psykiateren")
    )
    records.add_deadline(database, soeren, records.DeadlineInput(TODAY - dt.timedelta(days=1), "Send referat"))
    # a samtale held last week, so no samtale is due: the samtale item is tested in test_samtaler
    add_samtale(
        database,
        soeren,
        SamtaleInput(dt.datetime.combine(TODAY - dt.timedelta(days=5), dt.time(10, 0)), SamtaleAttendance.AFHOLDT),
        today=TODAY,
    )
    meeting = records.add_meeting(
        database,
        soeren,
        records.MeetingInput(MeetingKind.SUNDHEDSKOORDINATOR, dt.datetime.combine(TODAY, dt.time(13, 0)), "Hospital"),
    )
    return {"soeren": soeren, "late": late, "meeting": meeting}


class Shown:
    """Stands in for QSystemTrayIcon.showMessage: what the desktop would have shown."""

    def __init__(self) -> None:
        self.messages: list[tuple[str, str]] = []

    def __call__(self, title: str, message: str, *_args: object) -> None:  # set on the class: no self
        self.messages.append((title, message))


@pytest.fixture
def tray(monkeypatch: pytest.MonkeyPatch) -> Shown:
    """A desktop with a system tray (the test platform has none)."""
    shown = Shown()
    monkeypatch.setattr(ui_reminders, "tray_available", lambda: True)
    monkeypatch.setattr(QSystemTrayIcon, "showMessage", shown)
    monkeypatch.setattr(QSystemTrayIcon, "show", lambda _self: None)
    return shown


@pytest.fixture
def window(qtbot: QtBot, database: Database, people: dict[str, int]) -> Iterator[MainWindow]:
    w = MainWindow(database, today=TODAY)
    w.reminders.clock = lambda: EARLY
    w.show()
    w.activateWindow()
    qtbot.waitUntil(w.isActiveWindow)
    yield w
    w.close()
    w.deleteLater()


@pytest.mark.qt_log_ignore("This plugin does not support raise")
def test_at_start_one_notification_and_a_click_opens_the_most_overdue_item(
    qtbot: QtBot, window: MainWindow, people: dict[str, int], tray: Shown, monkeypatch: pytest.MonkeyPatch
) -> None:
    # the window's other start-up work (backup, log pruning) is tested in test_trust_ui
    monkeypatch.setattr(window.upkeep, "start", lambda **_: None)
    window.start_background_work()
    qtbot.waitUntil(lambda: len(tray.messages) == 1)
    title, message = tray.messages[0]
    assert title == "jobraad: 2 overskredne og 1 i dag"
    assert message.splitlines() == [
        "Påmindelse – S.Æ., overskredet 3 dage (27-02-2026)",
        "Påmindelse – S.Æ., overskredet 1 dag (01-03-2026)",
        "Møde – S.Æ., i dag",
    ]
    for secret in ("Søren", "Ærø", "0101621233", "010162", "psykiater", "Sundhedskoordinator", "Hospital"):
        assert secret.casefold() not in f"{title}\n{message}".casefold()

    assert window.reminders.tray is not None
    window.reminders.tray.messageClicked.emit()
    file = window.file
    qtbot.waitUntil(lambda: file.citizen_id == people["soeren"])
    assert window.pages.currentIndex() == 1
    assert file.tabs.currentIndex() == TAB_MEETINGS
    deadline = file.meetings.deadlines.selected()
    assert deadline is not None and deadline.deadline_id == people["late"]


@pytest.mark.qt_log_ignore("This plugin does not support raise")
def test_the_tray_menu_lists_each_item_and_opens_it(
    qtbot: QtBot, window: MainWindow, people: dict[str, int], tray: Shown
) -> None:
    window.reminders.start()
    qtbot.waitUntil(lambda: len(tray.messages) == 1)
    assert window.reminders.tray is not None
    menu = window.reminders.tray.contextMenu()
    texts = [a.text() for a in menu.actions() if not a.isSeparator()]
    assert texts[-1] == "Vis Overblikket" and texts[2] == "Møde – S.Æ., i dag"
    menu.actions()[2].trigger()
    qtbot.waitUntil(lambda: window.file.citizen_id == people["soeren"])
    meeting = window.file.meetings.meetings.selected()
    assert meeting is not None and meeting.meeting_id == people["meeting"]
    menu.actions()[-1].trigger()
    assert window.pages.currentIndex() == 0


def test_the_next_morning_is_one_timer_set_again_each_morning(
    qtbot: QtBot, database: Database, people: dict[str, int], tray: Shown
) -> None:
    now = [EARLY]
    reminders = DesktopReminders(database, lambda _text: None, clock=lambda: now[0])
    reminders.start()
    qtbot.waitUntil(lambda: len(tray.messages) == 1)
    assert reminders.morning.isSingleShot() and reminders.morning.isActive()
    assert abs(reminders.morning.remainingTime() - 60 * 60 * 1000) < 5000  # 07:00 → 08:00
    now[0] = dt.datetime.combine(TODAY, dt.time(8, 0))
    reminders.morning.timeout.emit()  # the morning came
    qtbot.waitUntil(lambda: len(tray.messages) == 2)
    assert abs(reminders.morning.remainingTime() - 24 * 60 * 60 * 1000) < 5000  # tomorrow 08:00
    reminders.stop()
    assert not reminders.morning.isActive() and reminders.tray is None


def test_without_a_tray_the_status_line_says_so_once(
    qtbot: QtBot, database: Database, people: dict[str, int], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(ui_reminders, "tray_available", lambda: False)
    said: list[str] = []
    reminders = DesktopReminders(database, said.append, clock=lambda: EARLY)
    reminders.start()
    reminders.morning.timeout.emit()
    assert said == [NO_TRAY]
    assert reminders.tray is None
    reminders.stop()


def test_in_the_window_without_a_tray_the_status_line_tells(qtbot: QtBot, window: MainWindow) -> None:
    # the test platform has no system tray: the real check answers
    window.reminders.start()
    assert window.statusBar().currentMessage() == NO_TRAY


def test_switched_off_in_settings_nothing_is_shown_and_no_timer_runs(
    qtbot: QtBot, database: Database, people: dict[str, int], tray: Shown
) -> None:
    reminders = DesktopReminders(database, lambda _text: None, clock=lambda: EARLY)
    reminders.start()
    qtbot.waitUntil(lambda: len(tray.messages) == 1)

    dialog = settings_dialog(database)
    qtbot.addWidget(dialog)
    box = dialog.widgets["desktop_reminders"]  # type: ignore[attr-defined]
    assert isinstance(box, QCheckBox) and box.isChecked()
    box.setChecked(False)
    dialog.accept()
    assert get_settings(database)["desktop_reminders"] is False
    reminders.apply_settings()
    assert not reminders.morning.isActive() and reminders.tray is None

    reminders.start()  # the next start
    reminders.morning.timeout.emit()
    assert len(tray.messages) == 1 and not reminders.morning.isActive()

    set_settings(database, {"desktop_reminders": True})
    reminders.apply_settings()
    assert reminders.morning.isActive() and len(tray.messages) == 1  # from the next morning
    reminders.stop()


@pytest.mark.qt_log_ignore("This plugin does not support raise")
def test_at_start_the_reminders_wait_until_the_caseload_is_in_place(
    qtbot: QtBot,
    database: Database,
    people: dict[str, int],
    tray: Shown,
    held_reads: HeldReads,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Their read of every due item would otherwise run beside the start's own read, and the
    rows would take longer to show."""
    reads: list[object] = []
    real_start_task = ui_reminders.start_task
    monkeypatch.setattr(ui_reminders, "start_task", lambda *args: (reads.append(args), real_start_task(*args)))
    w = MainWindow(database, today=TODAY, load_in_background=True)
    qtbot.addWidget(w)
    w.reminders.clock = lambda: EARLY
    monkeypatch.setattr(w.upkeep, "start", lambda **_: None)
    w.show()
    w.start_background_work()
    settle()
    assert reads == [] and tray.messages == []  # the caseload is still being read
    held_reads.run(0)
    qtbot.waitUntil(lambda: len(tray.messages) == 1)
    assert len(reads) == 1 and tray.messages[0][0] == "jobraad: 2 overskredne og 1 i dag"
