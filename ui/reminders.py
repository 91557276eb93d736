"""Reminders on the desktop (`jobraad.reminders`): at start and each morning while the program
runs, what is due today or overdue, as one notification from an icon in the system tray.

A click on the notification opens its first item (the most overdue) in its place in the
citizen's file; the tray icon's menu lists the items, each opening its own. The next morning
is one single-shot timer, set again after each morning's reminders (nothing polls).

Where the desktop has no system tray (or it shows no messages), the window's status line
says so once, calmly; the Overblik shows the same items."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import TYPE_CHECKING

import shiboken6
from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtGui import QIcon, QPixmap
from PySide6.QtWidgets import QMenu, QSystemTrayIcon

from jobraad import reminders
from jobraad.reminders import Notification, Reminder
from jobraad.resources import resource
from ui.worker import Progress, start_task

if TYPE_CHECKING:
    from db.session import Database

NO_TRAY = (
    "Påmindelser kan ikke vises på dette skrivebord (det har intet meddelelsesområde). "
    "Frister og påmindelser står i Overblikket."
)
SHOWN_MS = 20_000
MENU_ITEMS = 10


def tray_available() -> bool:
    """Whether notifications can be shown from a tray icon here."""
    return QSystemTrayIcon.isSystemTrayAvailable() and QSystemTrayIcon.supportsMessages()


def _icon() -> QIcon:
    pixmap = QPixmap()
    pixmap.loadFromData(resource("icons", "jobraad.png").read_bytes())
    return QIcon(pixmap)


class DesktopReminders(QObject):
    """Signals: item_opened(citizen_id, target) when the notification or a menu item is clicked
    (`target`: where in the citizen's file, `overview.opens`), overview_requested() from the menu."""

    item_opened = Signal(int, str)
    overview_requested = Signal()

    def __init__(
        self,
        database: Database,
        say: Callable[[str], None],
        parent: QObject | None = None,
        *,
        clock: Callable[[], dt.datetime] = dt.datetime.now,
    ) -> None:
        """`say`: shows a message in the window's status line."""
        super().__init__(parent)
        self.database = database
        self.say = say
        self.clock = clock
        self.tray: QSystemTrayIcon | None = None
        self._menu: QMenu | None = None
        self.shown: list[Reminder] = []  # the items of the last notification
        self.notification: Notification | None = None
        self._told_no_tray = False
        self.morning = QTimer(self)
        self.morning.setSingleShot(True)
        self.morning.timeout.connect(self._morning_came)

    # --- switching on and off ------------------------------------------------------------------

    def start(self) -> None:
        """At start: the reminders now, and the next morning's, if they are switched on."""
        if self._switched_on():
            self.remind_now()
            self._schedule()

    def apply_settings(self) -> None:
        """After Indstillinger: switched off, the timer and the tray icon go; switched on, the
        next morning is planned (nothing is shown at once)."""
        if not self._switched_on():
            self.stop()
        elif not self.morning.isActive():
            self._schedule()

    def stop(self) -> None:
        self.morning.stop()
        if self.tray is not None:
            self.tray.hide()
            self.tray.deleteLater()
            self.tray = None
        if self._menu is not None:
            self._menu.deleteLater()
            self._menu = None

    def _switched_on(self) -> bool:
        try:
            return reminders.reminders_on(self.database)
        except Exception:  # a damaged or closed file: the window reports that elsewhere
            return False

    def _schedule(self) -> None:
        now = self.clock()
        wait = reminders.next_morning(now) - now
        self.morning.start(max(1000, int(wait.total_seconds() * 1000)))

    def _morning_came(self) -> None:
        if self._switched_on():
            self.remind_now()
            self._schedule()

    # --- the notification ----------------------------------------------------------------------

    def remind_now(self) -> None:
        """Read what is due (behind the window) and show it, if anything is."""
        if not tray_available():
            if not self._told_no_tray:
                self._told_no_tray = True
                self.say(NO_TRAY)
            return
        today = self.clock().date()

        def work(_progress: Progress) -> list[Reminder]:
            return reminders.due_reminders(self.database, today)

        start_task(work, lambda found: self._show(found, today), lambda _message, _bug: None)

    def _show(self, found: object, today: dt.date) -> None:
        if not shiboken6.isValid(self):
            return
        assert isinstance(found, list)
        note = reminders.notification(found, today)
        if note is None:
            return
        self.shown, self.notification = found, note
        tray = self._tray()
        self._fill_menu(tray, today)
        tray.show()
        tray.showMessage(note.title, note.message, QSystemTrayIcon.MessageIcon.Information, SHOWN_MS)

    def _tray(self) -> QSystemTrayIcon:
        if self.tray is None:
            tray = QSystemTrayIcon(_icon(), self)
            tray.setToolTip("jobraad")
            tray.messageClicked.connect(self.open_first)
            self._menu = QMenu()  # kept here: the tray icon does not own its menu
            tray.setContextMenu(self._menu)
            self.tray = tray
        return self.tray

    def _fill_menu(self, tray: QSystemTrayIcon, today: dt.date) -> None:
        menu = tray.contextMenu()
        menu.clear()
        for item in self.shown[:MENU_ITEMS]:
            action = menu.addAction(item.text(today))
            action.triggered.connect(lambda _=False, r=item: self.item_opened.emit(r.citizen_id, r.target))
        if len(self.shown) > MENU_ITEMS:
            menu.addAction(f"… og {len(self.shown) - MENU_ITEMS} mere").setEnabled(False)
        menu.addSeparator()
        menu.addAction("Vis Overblikket").triggered.connect(lambda _=False: self.overview_requested.emit())

    def open_first(self) -> None:
        """The notification was clicked: its first item in its place."""
        if self.notification is not None:
            first = self.notification.first
            self.item_opened.emit(first.citizen_id, first.target)
