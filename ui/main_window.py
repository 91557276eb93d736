"""The main window: the caseload list with search and filters, and the selected
citizen beside it."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

import shiboken6
from PySide6.QtCore import QEvent, QItemSelection, QObject, QSignalBlocker, QSize, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QCloseEvent, QGuiApplication, QKeyEvent, QKeySequence, QShowEvent
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMainWindow,
    QMenu,
    QMessageBox,
    QProgressBar,
    QScrollArea,
    QSplitter,
    QStackedWidget,
    QStyle,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from db.enums import Aim, VisitationGroup
from db.errors import UserFacingError
from jobraad import __version__, audit
from jobraad import formatting as fmt
from jobraad.caseload import CaseloadRow
from jobraad.overview import Overview
from jobraad.settings import SPECS, get_setting
from jobraad.vocab import AIM_LABELS, GROUP_LABELS
from ui import palette
from ui.caseload_loader import CaseloadLoader
from ui.caseload_view import CaseloadView
from ui.citizen_file import CitizenFileWidget
from ui.demo_launch import start_demo
from ui.dialogs.citizen import new_citizen_dialog
from ui.dialogs.handover import add_handover_actions
from ui.file_dialogs import FileKind, open_file
from ui.focus import FOCUS_FRAME_STYLE
from ui.help import add_help_action
from ui.lock import IdleWatcher, LockDialog, cover_open_dialogs
from ui.models.caseload import CaseloadFilterProxy, CaseloadTableModel, target_group_icon
from ui.overview_page import OverviewPage
from ui.reminders import DesktopReminders
from ui.screen import fit_to_screen, keep_on_screen
from ui.shortcuts import local_shortcut
from ui.trust_actions import TrustActions
from ui.upkeep import Upkeep
from ui.worker import Progress, run_with_progress

if TYPE_CHECKING:
    from db.session import Database

CLIPBOARD_CLEAR_MS = 30_000


class _NoHeightForWidthLayout(QVBoxLayout):
    """A scroll area asks the height its widget prefers at the width it has (word-wrapped
    labels make it ask), and scrolls below that; this layout says nothing about it, so the
    file scrolls only when shorter than its minimum."""

    def hasHeightForWidth(self) -> bool:
        return False


class _FilePane(QScrollArea):
    """The citizen file beside the list. It scrolls when the window is smaller than the file
    would like, so the file never makes the window taller than the screen. Ctrl+Tab that the
    file leaves unused stops here: inside the file it is about the file's sections, never
    the window's pages."""

    def __init__(self, file: QWidget) -> None:
        super().__init__()
        self.setObjectName("filePane")
        self.setFrameShape(QScrollArea.Shape.NoFrame)
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # Tab goes on into the file
        self.setWidgetResizable(True)
        holder = QWidget()
        layout = _NoHeightForWidthLayout(holder)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(file)
        self.setWidget(holder)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)

    def minimumSizeHint(self) -> QSize:
        """As wide as the file needs (the list beside it gives way, not the file), with room for
        the scroll bar; as short as a few lines."""
        bar = self.style().pixelMetric(QStyle.PixelMetric.PM_ScrollBarExtent, None, self)
        widget = self.widget()
        width = widget.minimumSizeHint().width() if widget is not None else 0
        return QSize(width + bar, 120)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if (
            event.key() in (Qt.Key.Key_Tab, Qt.Key.Key_Backtab)
            and event.modifiers() & Qt.KeyboardModifier.ControlModifier
        ):
            event.accept()
            return
        super().keyPressEvent(event)


class MainWindow(QMainWindow):
    """Signals: citizen_selected(citizen_id), caseload_reloaded(count); caseload_in_place when a
    whole read is shown and the Overblik filled with it (a hidden Overblik: when it is shown)."""

    citizen_selected = Signal(int)
    caseload_reloaded = Signal(int)
    caseload_in_place = Signal()

    def __init__(
        self,
        database: Database,
        *,
        today: dt.date | None = None,
        title_suffix: str = "",
        load_in_background: bool = False,
        defer_reading: bool = False,
    ) -> None:
        """`load_in_background`: show the window at once and read the caseload in a worker
        thread (the program does this at start); otherwise it is read before returning.
        `defer_reading` (with `load_in_background`): the window is built while the file
        is still being opened; it reads nothing until `reload_in_background()`."""
        super().__init__()
        self.database = database
        self.today = today or dt.date.today()
        self.setWindowTitle(f"jobraad — {title_suffix or database.path.name}")
        # 1880 × 1000, or less on a smaller screen (the window fits 1366 × 768 with a taskbar).
        fit_to_screen(self, 1880, 1000)
        self._kept_on_screen = False  # `showEvent`

        self.model = CaseloadTableModel(self)
        self.proxy = CaseloadFilterProxy(self)
        self.proxy.today = self.today
        self.proxy.setSourceModel(self.model)

        self._build_filters()
        self._build_table()
        self.file = CitizenFileWidget(database, self.today)
        # After a save: the list and the Overblik are read again behind the window (at
        # 10,000 citizens a reload on the GUI thread froze it for 1.5 s after every save).
        self.file.changed.connect(lambda _cid: self.reload_in_background(quiet=True))
        splitter = QSplitter(Qt.Orientation.Horizontal)
        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(8, 8, 0, 8)
        left_layout.addWidget(self.search)
        left_layout.addLayout(self._filter_bar)
        left_layout.addWidget(self.table)
        self.reading_label = QLabel("Indlæser sagsstammen…")
        self.reading_label.setObjectName("readingLabel")
        self.reading_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.reading_label.setStyleSheet(palette.muted_style() + " font-size: 15px;")
        self.reading_label.hide()
        left_layout.addWidget(self.reading_label, 1)
        splitter.addWidget(left)
        self.caseload_pane = left
        # The file scrolls rather than making the window taller than a laptop's screen.
        self.file_pane = _FilePane(self.file)
        splitter.addWidget(self.file_pane)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 2)
        # The file gets up to 900 pixels, the list the rest but at least 600: on a larger
        # screen the list shows every column (see `CaseloadView`).
        list_width = max(600, self.width() - 900)
        splitter.setSizes([list_width, self.width() - list_width])
        self.overview = OverviewPage()
        self.overview.item_activated.connect(self.open_citizen)
        self.overview.import_requested.connect(self.choose_import_file)
        self.overview.new_citizen_requested.connect(self.new_citizen)
        self.overview.demo_requested.connect(lambda: start_demo(self))
        self.pages = QTabWidget()
        self.pages.setObjectName("pages")
        self.pages.setDocumentMode(True)
        self.pages.addTab(self.overview, "Overblik")
        self.pages.addTab(splitter, "Sagsstamme")
        self._overview_due: Overview | None = None  # read, not yet put in the Overblik
        self.pages.currentChanged.connect(self._page_changed)
        self.locked_page = QLabel("jobraad er låst.")
        self.locked_page.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.locked_page.setStyleSheet(palette.muted_style() + " font-size: 18px;")
        self.stack = QStackedWidget()
        self.stack.addWidget(self.pages)
        self.stack.addWidget(self.locked_page)
        self.setCentralWidget(self.stack)
        self.locked = False
        self.lock_dialog: LockDialog | None = None
        # Until the settings are read (`apply_settings`): the setting's default.
        self.idle = IdleWatcher(float(SPECS["idle_lock_minutes"].default), self)
        self.idle.idle_timeout.connect(self.lock)
        app = QGuiApplication.instance()
        if isinstance(app, QGuiApplication):
            app.applicationStateChanged.connect(self._application_state_changed)
        self._clipboard_timer = QTimer(self)
        self._clipboard_timer.setSingleShot(True)
        self._clipboard_timer.timeout.connect(self._clear_clipboard)
        self._copied_cpr = ""
        self.trust = TrustActions(
            self, database, self.today, selected=self.current_row, reload=self.reload, quit_program=self.force_quit
        )
        self.upkeep = Upkeep(database, self)
        self.upkeep.damaged.connect(self.trust.file_damaged)
        self.overview.deletion_requested.connect(self.trust.delete_closed_cases)
        self.upkeep.backed_up.connect(
            lambda path: self.statusBar().showMessage(f"Automatisk sikkerhedskopi gemt ({path.parent}).", 6000)
        )
        self.upkeep.backup_failed.connect(
            lambda message: self.statusBar().showMessage(f"Sikkerhedskopi mislykkedes: {message}", 15000)
        )
        self.reminders = DesktopReminders(database, lambda text: self.statusBar().showMessage(text, 15000), self)
        self.reminders.item_opened.connect(self._open_reminder)
        self.reminders.overview_requested.connect(self._show_overview_in_front)
        self._build_menus()
        self._caseworker_asked = False  # `ask_for_caseworker`: once a session
        self.caseworker_dialog: QDialog | None = None
        self.count_label = QLabel()
        self.statusBar().addPermanentWidget(self.count_label)

        # Search is logged once the user pauses typing, not on every keystroke.
        self._search_audit = QTimer(self)
        self._search_audit.setSingleShot(True)
        self._search_audit.setInterval(1500)
        self._search_audit.timeout.connect(self._log_search)

        self._reading = False  # the list is replaced by "Indlæser sagsstammen…"
        self._totals = (0, 0, 0)  # citizens, active, with a deadline overdue: set at each reload
        self.loading = QProgressBar()
        self.loading.setRange(0, 0)  # busy
        self.loading.setMaximumWidth(160)
        self.loading.hide()
        self.statusBar().addWidget(self.loading)
        self._in_place_when_filled = False  # `_overview_filled`
        self.overview.filling_done.connect(self._overview_filled)
        self.loader = CaseloadLoader(database, self.today, self)
        self.caseload_in_place.connect(self.loader.caseload_in_place)
        self._shown_in_place = False  # the caseload was in place once (`start_background_work`)
        self._reminders_waiting = False
        self.caseload_in_place.connect(self._first_in_place)
        self.loader.loaded.connect(self._show_caseload)
        self.loader.reading_started.connect(lambda quiet: self._set_reading(True, quiet=quiet))
        self.loader.failed.connect(self._reading_failed)
        if load_in_background and defer_reading:
            self.loader.expect_reading()
        elif load_in_background:
            self.reload_in_background()
        else:
            self.reload()
        # Typing a name or a CPR number where the list or the Overblik has the keyboard searches.
        for typed_in in (self.table, self.overview.tree):
            typed_in.installEventFilter(self)
        self.setStyleSheet(FOCUS_FRAME_STYLE)
        self.overview.tree.setFocus()

    # --- building -------------------------------------------------------------------------------

    def _build_filters(self) -> None:
        bar = QHBoxLayout()
        self.search = QLineEdit()
        self.search.setObjectName("search")
        self.search.setPlaceholderText("Søg på navn, CPR, telefon eller noter  (Ctrl+F)")
        self.search.setClearButtonEnabled(True)
        self.search.textChanged.connect(self._search_changed)
        self.search.returnPressed.connect(self.open_search_match)
        local_shortcut("Down", self.search, self.enter_list).setWhatsThis("Fra søgefeltet ned i listen")

        self.group_filter = QComboBox()
        self.group_filter.setObjectName("groupFilter")
        self.group_filter.setToolTip("Vis kun én visitationsgruppe")
        self.group_filter.addItem("Alle grupper", None)
        for group in VisitationGroup:
            self.group_filter.addItem(GROUP_LABELS[group], group)
        self.group_filter.currentIndexChanged.connect(self._filters_changed)
        bar.addWidget(self.group_filter, 1)

        self.aim_filter = QComboBox()
        self.aim_filter.setObjectName("aimFilter")
        self.aim_filter.setToolTip("Vis kun ét sigte")
        self.aim_filter.addItem("Alle sigter", None)
        for aim in Aim:
            self.aim_filter.addItem(AIM_LABELS[aim], aim)
        self.aim_filter.currentIndexChanged.connect(self._filters_changed)
        bar.addWidget(self.aim_filter, 1)

        self.status_filter = QComboBox()
        self.status_filter.setObjectName("statusFilter")
        for label, key in (("Aktive sager", "active"), ("Lukkede sager", "closed"), ("Alle sager", "all")):
            self.status_filter.addItem(label, key)
        self.status_filter.currentIndexChanged.connect(self._filters_changed)
        bar.addWidget(self.status_filter, 1)

        self.overdue_filter = QCheckBox("Kun &overskredne")
        self.overdue_filter.setObjectName("overdueFilter")
        self.overdue_filter.toggled.connect(self._filters_changed)
        self.target_filter = QCheckBox("&Målgruppe 2024")
        self.target_filter.setObjectName("targetFilter")
        self.target_filter.setToolTip("55–64 år og på offentlig forsørgelse mindst 8 af de seneste 10 år")
        self.target_filter.setIcon(target_group_icon())  # the mark beside their names in the list
        self.target_filter.toggled.connect(self._filters_changed)
        bar.addStretch(1)
        # The check boxes on a row of their own, so the window fits a 1366-pixel screen.
        checks = QHBoxLayout()
        checks.addWidget(self.overdue_filter)
        checks.addWidget(self.target_filter)
        checks.addStretch(1)
        self._filter_bar = QVBoxLayout()
        self._filter_bar.addLayout(bar)
        self._filter_bar.addLayout(checks)

    def _build_table(self) -> None:
        table = CaseloadView()
        table.setModel(self.proxy)
        table.setSortingEnabled(True)
        table.sortByColumn(CaseloadTableModel.NAME, Qt.SortOrder.AscendingOrder)
        table.selectionModel().selectionChanged.connect(self._selection_changed)
        self.table = table

    def _build_menus(self) -> None:
        file_menu = self.menuBar().addMenu("&Filer")
        new_action = QAction("&Ny borger…", self)
        new_action.setShortcut(QKeySequence("Ctrl+N"))
        new_action.triggered.connect(self.new_citizen)
        file_menu.addAction(new_action)
        self.import_action = QAction("&Importér borgere…", self)
        self.import_action.setShortcut(QKeySequence("Ctrl+I"))
        self.import_action.setStatusTip("Importér borgere fra en CSV- eller XLSX-fil")
        self.import_action.triggered.connect(self.choose_import_file)
        file_menu.addAction(self.import_action)
        ics_action = QAction("Eksportér &kalender (.ics)…", self)
        ics_action.setShortcut(QKeySequence("Ctrl+Shift+K"))
        ics_action.setStatusTip("Alle frister og møder som en kalenderfil, Outlook kan åbne")
        ics_action.triggered.connect(self.export_calendar)
        file_menu.addAction(ics_action)
        file_menu.addSeparator()
        for text, shortcut, slot in (
            ("Opgørelse til &teamleder…", "Ctrl+Shift+E", self.export_team_summary),
            ("Saml opgørelser fra &flere…", "", self.merge_team_summaries),
            ("&Mål for indsatsen…", "", self.edit_goals),
        ):
            action = QAction(text, self)
            if shortcut:
                action.setShortcut(QKeySequence(shortcut))
            action.triggered.connect(slot)
            file_menu.addAction(action)
        file_menu.addSeparator()
        settings_action = QAction("&Indstillinger…", self)
        settings_action.setShortcut(QKeySequence("Ctrl+,"))
        settings_action.triggered.connect(self.edit_settings)
        file_menu.addAction(settings_action)
        lock_action = QAction("&Lås nu", self)
        lock_action.setShortcut(QKeySequence("Ctrl+L"))
        lock_action.setStatusTip("Skjul sagerne, til adgangskoden skrives igen")
        lock_action.triggered.connect(self.lock)
        file_menu.addAction(lock_action)
        file_menu.addSeparator()
        quit_action = QAction("&Afslut", self)
        quit_action.setShortcut(QKeySequence("Ctrl+Q"))
        quit_action.triggered.connect(self.close)
        file_menu.addAction(quit_action)

        citizen_menu = self.menuBar().addMenu("&Borger")
        for text, shortcut, slot in (
            ("&Redigér stamdata…", "Ctrl+E", self.file.edit_stamdata),
            ("Skift &gruppe…", "Ctrl+G", self.file.change_group),
            ("&Luk eller genåbn sag…", "Ctrl+Shift+L", self.file.close_or_reopen),
            ("Nyt &journalnotat…", "Ctrl+J", self.file.add_journal_note),
            ("Registrér &timer i praktik", "Ctrl+T", self.file.log_hours),
            ("&Kopiér CPR-nr.", "Ctrl+Shift+P", self.copy_cpr),
            ("&Dossier til rehabiliteringsteamet…", "Ctrl+D", self.file.make_dossier),
            ("Min &plan (PDF)…", "Ctrl+Shift+D", self.file.make_plan),
        ):
            action = QAction(text, self)
            action.setShortcut(QKeySequence(shortcut))
            action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
            action.triggered.connect(slot)
            citizen_menu.addAction(action)
        add_handover_actions(self, file_menu, citizen_menu)  # Overdrag / Modtag sag (ui/dialogs/handover.py)

        security = self.menuBar().addMenu("&Sikkerhed")
        security_actions: tuple[tuple[str, Callable[[], None]], ...] = (
            ("Tag &sikkerhedskopi nu", self.trust.backup_now),
            ("&Gendan sikkerhedskopi…", self.trust.restore_backup),
            ("Skift &adgangskode…", self.trust.change_passphrase),
            ("&Lukkede sager til sletning…", self.trust.delete_closed_cases),
            ("&Eksportér log…", self.trust.export_log),
            ("&Kontrollér loggen", self.trust.verify_log),
        )
        for text, run in security_actions:
            action = QAction(text, self)
            action.triggered.connect(run)
            security.addAction(action)

        view_menu = self.menuBar().addMenu("&Vis")
        for text, shortcut, index in (("&Overblik", "Ctrl+1", 0), ("S&agsstamme", "Ctrl+2", 1)):
            action = QAction(text, self)
            action.setShortcut(QKeySequence(shortcut))
            action.triggered.connect(lambda _=False, i=index: self.pages.setCurrentIndex(i))
            view_menu.addAction(action)
        focus = QAction("Vis kun &sagen", self)
        focus.setCheckable(True)
        focus.setShortcut(QKeySequence("F11"))
        focus.setStatusTip("Skjul sagsstammen, så borgerens sag får hele vinduet")
        focus.toggled.connect(lambda on: self.caseload_pane.setVisible(not on))
        view_menu.addAction(focus)
        self.focus_action = focus
        reveal = QAction("Vis &hele CPR-numre i listen", self)
        reveal.setCheckable(True)
        reveal.setShortcut(QKeySequence("Ctrl+Shift+V"))
        reveal.setStatusTip("CPR-numre vises som DDMMÅÅ-xxxx, til du slår dette til")
        reveal.toggled.connect(self.set_reveal_cpr)
        view_menu.addAction(reveal)
        self.reveal_action = reveal
        find = QAction("&Søg", self)
        find.setShortcut(QKeySequence("Ctrl+F"))
        find.triggered.connect(self.focus_search)
        view_menu.addAction(find)
        self._add_notes_search(view_menu)
        refresh = QAction("&Opdatér", self)
        refresh.setShortcut(QKeySequence("F5"))
        refresh.triggered.connect(self.reload)
        view_menu.addAction(refresh)
        clear = QAction("&Nulstil filtre", self)
        clear.setShortcut(QKeySequence("Ctrl+Shift+R"))
        clear.triggered.connect(self.clear_filters)
        view_menu.addAction(clear)

        help_menu = self.menuBar().addMenu("&Hjælp")
        about = QAction("&Om jobraad", self)
        about.triggered.connect(self._about)
        help_menu.addAction(about)
        add_help_action(self, help_menu)  # F1: the guide and the shortcuts (ui/help.py)

    # --- behaviour ------------------------------------------------------------------------------

    def reload(self) -> None:
        """Read the caseload and the Overblik again, on the spot."""
        self.loader.read_now()

    def reload_in_background(self, *, quiet: bool = False) -> None:
        """Read the caseload and the Overblik in a worker thread; the window stays usable and
        shows that it is reading (`quiet`: in the status line only; see `CaseloadLoader`)."""
        self.loader.read_in_background(quiet=quiet)

    def _reading_failed(self, message: str) -> None:
        self._set_reading(False)
        self.upkeep.release_backup()  # the caseload will not be in place: the backup need not wait
        self.count_label.setText("Sagsstammen kunne ikke indlæses.")
        if message:  # none for a damaged file: the integrity check tells the user
            QMessageBox.critical(self, "jobraad", message)

    def _set_reading(self, reading: bool, *, quiet: bool = False) -> None:
        """While the caseload is read: say so in the list's place and in the status line
        (`quiet`: in the status line only, the rows shown stay)."""
        self._reading = reading and not quiet
        self.loading.setVisible(reading)
        self.reading_label.setVisible(self._reading)
        self.table.setVisible(not self._reading)
        self._update_count()

    def _show_caseload(self, rows: list[CaseloadRow], overview: Overview, keep_scroll: bool = False) -> None:
        """`keep_scroll`: the list stays where the user has scrolled it (a reload behind
        the window, which may come while the user is aiming at a row)."""
        selected = self.selected_citizen_id()
        scrolled = self.table.verticalScrollBar().value()
        self.model.set_rows(rows, self.today)
        # The status line's totals, as the Overblik counted them (in the worker that read it):
        # a count over 10,000 rows here took the window 5-10 ms at every reload.
        self._totals = (overview.active + overview.closed, overview.active, overview.overdue_citizens)
        self._set_reading(False)
        self._overview_due = overview
        self._fill_overview()
        if selected is not None:
            self.select_citizen(selected, scroll=not keep_scroll)
        if keep_scroll:
            self.table.verticalScrollBar().setValue(scrolled)
        self.caseload_reloaded.emit(len(rows))
        if not self.loader.reading:  # not the first rows at start: the rest follows
            self._in_place_when_filled = True
            self._overview_filled()

    def _overview_filled(self) -> None:
        """`caseload_in_place`, once the Overblik is filled (or not in front: filled when shown)."""
        if self._in_place_when_filled and (self.overview.filled() or self.pages.currentWidget() is not self.overview):
            self._in_place_when_filled = False
            self.caseload_in_place.emit()

    def _page_changed(self, _index: int) -> None:
        self.file.commit_typed_input(leaving=True)  # the file left behind keeps what was typed, as unsaved
        self._fill_overview()
        # The keyboard goes to the page's list (Qt would give it to the page's first field, or to
        # the file, where Ctrl+Tab moves between the file's sections instead of the pages).
        if self.pages.currentWidget() is self.overview:
            self.overview.tree.setFocus(Qt.FocusReason.TabFocusReason)
        else:
            (self.table if self.proxy.rowCount() else self.search).setFocus(Qt.FocusReason.TabFocusReason)

    def _fill_overview(self) -> None:
        """Fill the Overblik when it is in front; else when it comes to the front. (After
        each save in the file the caseload is read again; at 10,000 citizens filling the
        Overblik's tree takes about a quarter of a second that nobody would see.)"""
        if self._overview_due is not None and self.pages.currentWidget() is self.overview:
            overview, self._overview_due = self._overview_due, None
            self.overview.show_overview(overview)

    def _update_count(self) -> None:
        """The status line. The totals change only on reload (`_show_caseload`), not per keystroke."""
        if self._reading:
            self.count_label.setText("Indlæser sagsstammen…")
            return
        total, active, overdue = self._totals
        shown = self.proxy.rowCount()
        self.count_label.setText(
            f"Viser {shown} af {total} borgere · {active} aktive · {overdue} med overskredne frister"
        )

    def _search_changed(self, text: str) -> None:
        selected = self.selected_citizen_id()
        self.proxy.set_search(text)
        self._keep_selection(selected)
        self._update_count()
        if text.strip():
            self._search_audit.start()

    def _log_search(self) -> None:
        audit.log_action(self.database, audit.Action.SEARCH, None, "sagsstamme")

    def _filters_changed(self) -> None:
        selected = self.selected_citizen_id()
        self.proxy.set_filters(
            group=self.group_filter.currentData(),
            aim=self.aim_filter.currentData(),
            status=self.status_filter.currentData(),
            overdue_only=self.overdue_filter.isChecked(),
            target_group_only=self.target_filter.isChecked(),
        )
        self._keep_selection(selected)
        self._update_count()

    def _keep_selection(self, citizen_id: int | None) -> None:
        """After the list was filtered: select the open citizen (or the one selected) again
        if shown. The open file stays open either way, so typing a search never throws
        away unsaved work."""
        keep = self.file.citizen_id if self.file.citizen_id is not None else citizen_id
        if keep is not None:
            self._reselect(keep)

    def clear_filters(self) -> None:
        for combo in (self.group_filter, self.aim_filter, self.status_filter):
            combo.setCurrentIndex(0)
        self.overdue_filter.setChecked(False)
        self.target_filter.setChecked(False)
        self.search.clear()

    def selected_row(self) -> CaseloadRow | None:
        indexes = self.table.selectionModel().selectedRows()
        if not indexes:
            return None
        return self.proxy.row_at(indexes[0].row())

    def current_row(self) -> CaseloadRow | None:
        """The citizen whose file is open (who may be hidden by the list's filters), else the
        one selected in the list."""
        if self.file.citizen_id is not None:
            source_row = self.model.row_of(self.file.citizen_id)
            if source_row is not None:
                return self.model.row_at(source_row)
        return self.selected_row()

    def selected_citizen_id(self) -> int | None:
        row = self.selected_row()
        return row.citizen_id if row else None

    def select_citizen(self, citizen_id: int, *, scroll: bool = True) -> bool:
        source_row = self.model.row_of(citizen_id)
        if source_row is None:
            return False
        index = self.proxy.mapFromSource(self.model.index(source_row, 0))
        if not index.isValid():
            return False
        self.table.selectRow(index.row())
        if scroll:
            self.table.scrollTo(index)
        return True

    def _selection_changed(self, _selected: QItemSelection, _deselected: QItemSelection) -> None:
        citizen_id = self.selected_citizen_id()
        if citizen_id is None:
            self.file.clear()
            return
        if citizen_id != self.file.citizen_id:
            if self.file.citizen_id is not None and not self.file.can_leave():
                self._reselect(self.file.citizen_id)
                return
            self.file.show_citizen(citizen_id)
            self.citizen_selected.emit(citizen_id)

    def _reselect(self, citizen_id: int) -> None:
        blocker = QSignalBlocker(self.table.selectionModel())
        self.select_citizen(citizen_id)
        del blocker

    def open_citizen(self, citizen_id: int, target: str = "") -> None:
        """Go to the caseload with the file open at `target`, and the citizen selected in the
        list if the list's filters and search show the citizen; they are kept either way."""
        if self.file.citizen_id not in (None, citizen_id) and not self.file.can_leave():
            return
        self.pages.setCurrentIndex(1)
        if not self.select_citizen(citizen_id):
            blocker = QSignalBlocker(self.table.selectionModel())
            self.table.clearSelection()  # no other citizen seems to be the one open
            del blocker
            self.statusBar().showMessage(
                "Borgeren vises ikke i listen med de valgte filtre og søgning (Ctrl+Shift+R nulstiller dem).", 10000
            )
        self.file.show_citizen(citizen_id, target)

    def open_search_match(self) -> None:
        """Enter in the search box: the match selected in the list, or the only one, is opened
        (its file beside the list) and the keyboard goes to the list."""
        shown = self.proxy.rowCount()
        if not self.table.selectionModel().selectedRows():
            if shown != 1:
                self.statusBar().showMessage(
                    "Ingen borgere passer til søgningen."
                    if shown == 0
                    else f"{shown} borgere passer til søgningen. Vælg en med ↓ og piletasterne.",
                    8000,
                )
                return
            self.table.selectRow(0)
        if self.table.selectionModel().selectedRows():  # not kept back by unsaved work in the open file
            self.table.setFocus(Qt.FocusReason.OtherFocusReason)

    def enter_list(self) -> None:
        """↓ in the search box: the keyboard goes to the list, at the citizen selected there
        or else the first one."""
        if not self.proxy.rowCount():
            return
        if not self.table.selectionModel().selectedRows():
            self.table.selectRow(0)
        self.table.setFocus(Qt.FocusReason.OtherFocusReason)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """A letter or digit typed in the list or the Overblik starts a search with it."""
        if event.type() == QEvent.Type.KeyPress and isinstance(event, QKeyEvent):
            text = event.text()
            modifiers = event.modifiers() & ~Qt.KeyboardModifier.ShiftModifier & ~Qt.KeyboardModifier.KeypadModifier
            if text and text.isprintable() and not text.isspace() and modifiers == Qt.KeyboardModifier.NoModifier:
                self.pages.setCurrentIndex(1)
                self.search.setFocus(Qt.FocusReason.ShortcutFocusReason)
                self.search.setText(text)
                return True
        return super().eventFilter(watched, event)

    def _add_notes_search(self, menu: QMenu) -> None:
        """Vis → Søg i alle notater (ui.dialogs.caseload_search): one window, kept between uses."""
        from ui.dialogs.caseload_search import SHORTCUT, TITLE

        action = QAction(f"{TITLE}…", self)
        action.setShortcut(QKeySequence(SHORTCUT))
        action.setStatusTip("Søg i journalnotater og sagstekster hos alle borgere; et fund åbner notatet i sagen")
        action.triggered.connect(self.search_all_notes)
        menu.addAction(action)
        self.notes_search_action = action
        self.notes_search: QDialog | None = None

    def search_all_notes(self) -> None:
        from ui.dialogs.caseload_search import CaseloadSearchDialog

        if self.notes_search is None:
            dialog = CaseloadSearchDialog(self.database, self)
            dialog.hit_opened.connect(self._open_hit)
            self.notes_search = dialog
        assert isinstance(self.notes_search, CaseloadSearchDialog)
        self.notes_search.start()

    def _open_hit(self, citizen_id: int, target: str) -> None:
        """A hit of Søg i alle notater: the note in its place, and the keyboard on it (the
        search window stays open beside, Ctrl+Shift+J goes back to it)."""
        self.open_citizen(citizen_id, target)
        self.activateWindow()

    def _open_reminder(self, citizen_id: int, target: str) -> None:
        """A desktop reminder clicked: the window in front, the item in its place; a locked
        window only comes to the front (nothing is opened behind the lock)."""
        self._to_front()
        if not self.locked:
            self.open_citizen(citizen_id, target)

    def _show_overview_in_front(self) -> None:
        self._to_front()
        self.pages.setCurrentIndex(0)

    def _to_front(self) -> None:
        if self.isMinimized():
            self.showNormal()
        self.raise_()
        self.activateWindow()

    def focus_search(self) -> None:
        self.pages.setCurrentIndex(1)
        self.focus_action.setChecked(False)
        self.search.setFocus()
        self.search.selectAll()

    def new_citizen(self) -> None:
        dialog = new_citizen_dialog(self.database, self)
        if dialog.exec() == dialog.DialogCode.Accepted and isinstance(dialog.result_value, int):
            self.reload()
            self.open_citizen(dialog.result_value)
            self.statusBar().showMessage("Borgeren er oprettet.", 5000)

    def export_calendar(self) -> None:
        from ui.dialogs.calendar_export import export_calendar

        written = export_calendar(self.database, self, self.today)
        if written is not None:
            count, path = written
            self.statusBar().showMessage(f"{count} frister og møder er gemt i {path.name}.", 8000)

    def choose_import_file(self) -> None:
        path = open_file(self, FileKind.IMPORT, "Importér borgere", "Regneark (*.csv *.xlsx *.txt);;Alle filer (*)")
        if path is not None:
            self.import_file(path)

    def import_file(self, path: Path) -> None:
        from jobraad.importer import import_citizens

        def work(progress: Progress) -> object:
            return import_citizens(self.database, path, progress=progress)

        def done(result: object) -> None:
            self.reload()
            created = getattr(result, "created", 0)
            self.statusBar().showMessage(f"{created} borgere er importeret fra {path.name}.", 8000)
            QMessageBox.information(self, "Import", f"{created} borgere er importeret fra {path.name}.")

        def failed(message: str, is_bug: bool) -> None:
            box = QMessageBox.critical if is_bug else QMessageBox.warning
            box(self, "Import", message)

        run_with_progress(self, f"Importerer {path.name}…", work, done, failed)

    # --- privacy: CPR in lists, clipboard, lock -----------------------------------------------------

    def set_reveal_cpr(self, reveal: bool) -> None:
        self.model.set_reveal_cpr(reveal)

    def copy_cpr(self) -> None:
        """Copy the open (or selected) citizen's CPR; the clipboard is cleared again after 30 seconds."""
        row = self.current_row()
        if row is None:
            return
        text = fmt.cpr(row.cpr)
        QGuiApplication.clipboard().setText(text)
        self._copied_cpr = text
        self._clipboard_timer.start(CLIPBOARD_CLEAR_MS)
        self.statusBar().showMessage("CPR-nummeret er kopieret og fjernes fra udklipsholderen om 30 sekunder.", 8000)

    def _clear_clipboard(self) -> None:
        clipboard = QGuiApplication.clipboard()
        if self._copied_cpr and clipboard.text() == self._copied_cpr:
            clipboard.clear()
        self._copied_cpr = ""

    def _application_state_changed(self, state: Qt.ApplicationState) -> None:
        if state == Qt.ApplicationState.ApplicationSuspended:
            QTimer.singleShot(0, self.lock)

    def lock(self) -> None:
        """Hide everything until the passphrase is given again. Nothing is closed."""
        if self.locked:
            return
        self.locked = True
        self._clear_clipboard()
        # What is typed in an open cell is kept as an unsaved change, and the keyboard
        # comes back to where it was after unlocking.
        self.file.commit_typed_input(leaving=True)
        focus = self.focusWidget()
        self.stack.setCurrentWidget(self.locked_page)
        self.menuBar().setEnabled(False)
        dialog = LockDialog(self.database.check_passphrase, self)
        covers = cover_open_dialogs(exclude=dialog)
        self.lock_dialog = dialog
        dialog.exec()
        for cover in covers:
            cover.deleteLater()
        self.lock_dialog = None
        self.menuBar().setEnabled(True)
        self.stack.setCurrentWidget(self.pages)
        if focus is not None and shiboken6.isValid(focus) and focus.isVisible():
            focus.setFocus()
        self.locked = False
        self.idle.touch()

    def export_team_summary(self) -> None:
        from ui.dialogs.team_export import export_dialog

        export_dialog(self.database, self)  # ui.worker keeps the task until it is done

    def merge_team_summaries(self) -> None:
        from ui.dialogs.team_export import merge_dialog

        merge_dialog(self)

    def edit_goals(self) -> None:
        from ui.dialogs.team_export import GoalsEditor

        if GoalsEditor(self.database, self).exec() == QDialog.DialogCode.Accepted:
            self.statusBar().showMessage("Målene er gemt.", 5000)

    def edit_settings(self) -> None:
        from ui.dialogs.settings_dialog import settings_dialog

        dialog = settings_dialog(self.database, self)
        if dialog.exec() == dialog.DialogCode.Accepted:
            self.apply_settings()
            self.reload()
            self.statusBar().showMessage("Indstillingerne er gemt.", 5000)

    def ask_for_caseworker(self) -> None:
        """After the file has opened at start: when no caseworker name is set, ask for the
        caseworker's details, once in this session ("Senere" waits for the next start). The
        dialog does not hold up the window: it is window-modal and the event loop runs on."""
        if self._caseworker_asked:
            return
        self._caseworker_asked = True
        try:
            if str(get_setting(self.database, "caseworker_name")).strip():
                return
        except UserFacingError:  # a damaged file: the check behind the window offers the restore
            return
        from ui.dialogs.caseworker import caseworker_dialog

        dialog = caseworker_dialog(self.database, self)
        dialog.accepted.connect(lambda: self.statusBar().showMessage("Dine oplysninger er gemt.", 5000))
        self.caseworker_dialog = dialog
        dialog.open()

    def apply_settings(self) -> None:
        """What the window itself takes from the settings: the idle time before it locks."""
        self.idle.minutes = float(get_setting(self.database, "idle_lock_minutes"))
        self.reminders.apply_settings()

    def start_background_work(self) -> None:
        """At start, once the file has passed its integrity check (which may still run behind
        the window) and the caseload is in place: prune the audit log, take a backup; then a
        backup check every 15 minutes. A file that failed the check is offered a restore
        instead, at once. The desktop reminders once the caseload is in place."""
        # The backup and the reminders are not run beside the start's own read, which would
        # then take longer to show the rows (the backup of a 10,000-citizen file is two
        # seconds of a core; the reminders read every due item once more).
        self.upkeep.start(hold_backup=not self._shown_in_place)
        if self._shown_in_place:
            self.reminders.start()
        else:
            self._reminders_waiting = True

    def _first_in_place(self) -> None:
        self._shown_in_place = True
        self.upkeep.release_backup()
        if self._reminders_waiting:
            self._reminders_waiting = False
            self.reminders.start()

    def force_quit(self) -> None:
        """Close without asking (after a restore the open file is gone)."""
        self._force_quit = True
        self.close()
        app = QGuiApplication.instance()
        if app is not None:
            # From the event loop: a quit() before the loop has started is lost, and the
            # program would wait with no window.
            QTimer.singleShot(0, app.quit)

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if not self._kept_on_screen:
            # Once the window manager has framed the window, its real frame is known: the
            # window is made to fit inside the screen with it.
            self._kept_on_screen = True
            for delay in (0, 500):
                QTimer.singleShot(delay, self, lambda: keep_on_screen(self))

    def closeEvent(self, event: QCloseEvent) -> None:
        if not getattr(self, "_force_quit", False) and self.file.citizen_id is not None and not self.file.can_leave():
            event.ignore()
            return
        # Nothing may touch the database after the window is gone (it is closed next),
        # and no read still running may be shown in it.
        self.loader.cancel()
        self._search_audit.stop()
        self.idle.stop()
        self.upkeep.stop()
        self.reminders.stop()
        super().closeEvent(event)

    def _about(self) -> None:
        QMessageBox.about(
            self,
            "Om jobraad",
            f"<b>jobraad {__version__}</b><br>Jobrådgiverens arbejdsredskab.<br><br>Database: {self.database.path}",
        )
