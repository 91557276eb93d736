"""Starting the desktop program: first-start choice, passphrase, main window."""

from __future__ import annotations

import contextlib
import importlib
import logging
import shutil
import sys
import tempfile
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QLocale, QThreadPool, QTimer
from PySide6.QtWidgets import QApplication, QDialog, QMessageBox, QWidget

from db.errors import DatabaseDamagedError, UserFacingError, WrongPassphraseError
from jobraad.paths import default_db_path
from ui.dialogs.passphrase import PassphraseDialog
from ui.dialogs.welcome import FirstStepsDialog, NextStep, WelcomeChoice, WelcomeDialog
from ui.errors import install_error_handlers, tell_unexpected
from ui.file_dialogs import FileKind, open_file
from ui.language import install_danish

if TYPE_CHECKING:
    from db.session import Database
    from ui.main_window import MainWindow

log = logging.getLogger(__name__)

DEMO_CITIZENS = 40

#: Imported in the background while the first window waits for the user: the database
#: layer (SQLAlchemy, about a quarter of a second), what the main window reads at start,
#: and the main window itself (its tabs, the hours chart): about 0.1 s more that would
#: otherwise come between the passphrase and the window. Imports only: no Qt object is
#: made outside the GUI thread.
WARM_UP_MODULES = (
    "db.session",
    "jobraad.caseload",
    "jobraad.overview",
    "jobraad.citizen_file",
    "jobraad.audit",
    "jobraad.settings",
    "ui.main_window",
    "ui.trust_actions",
)


def start_warm_up() -> threading.Thread:
    """Import `WARM_UP_MODULES` in a thread, so the passphrase (or welcome) window shows
    at once and the main window needs no imports after it. An import that fails here
    fails again, with its message, where the program imports it for use."""

    def work() -> None:
        for name in WARM_UP_MODULES:
            with contextlib.suppress(Exception):
                importlib.import_module(name)
        with contextlib.suppress(Exception):
            from jobraad.warm_up import prepare_models, prepare_rule_packs, prepare_sorting

            prepare_models()  # need no database, so not after the passphrase
            prepare_rule_packs()
            prepare_sorting()

    thread = threading.Thread(target=work, name="jobraad-warm-up", daemon=True)
    thread.start()
    return thread


def make_app(argv: list[str] | None = None) -> QApplication:
    existing = QApplication.instance()
    if isinstance(existing, QApplication):
        return existing
    app = QApplication(argv if argv is not None else sys.argv[:1])
    app.setApplicationName("jobraad")
    app.setOrganizationName("jobraad")
    QLocale.setDefault(QLocale(QLocale.Language.Danish, QLocale.Country.Denmark))
    install_danish(app)  # Qt's own buttons and dialogs (Ja/Nej, Annuller, file dialogs) in Danish
    return app


def unlock(
    path: Path,
    parent: QWidget | None = None,
    *,
    meanwhile: Callable[[Database], None] | None = None,
    discard: Callable[[], None] | None = None,
) -> Database | None:
    """Ask for the passphrase until it opens the file, or the user gives up. The window
    stays up between tries: repeated wrong passphrases wait longer each time, counted down
    in the window, which keeps what is typed meanwhile; a damaged file offers a restore.

    `meanwhile(database)` builds (not shows) the main window while the key is derived;
    `discard()` throws that away when the passphrase turns out wrong."""
    from jobraad.store import open_caseload  # after the window is up

    opened: list[Database] = []
    damaged: list[str] = []
    trouble: list[Exception] = []

    def attempt(passphrase: str) -> bool:
        try:
            try:
                # The integrity check runs behind the main window once the caseload is read
                # (`CaseloadLoader`: beside the read it took the read's core); writes wait for it.
                opened.append(open_caseload(path, passphrase, check_later=True, hold_check=True, meanwhile=meanwhile))
            except BaseException:
                if discard is not None:
                    discard()
                raise
        except WrongPassphraseError as err:
            dialog.refused(err.message)
            return False
        except DatabaseDamagedError as err:
            damaged.append(err.message)
        except UserFacingError as err:
            QMessageBox.critical(dialog, "jobraad", err.message)
        except Exception as err:  # raised again below, out of the dialog's event loop
            trouble.append(err)
        return True

    dialog = PassphraseDialog(parent, file_label=str(path), attempt=attempt)
    dialog.exec()
    if trouble:
        raise trouble[0]
    if damaged:
        return _restore_damaged(path, damaged[0], parent)
    return opened[0] if opened else None


def _restore_damaged(path: Path, message: str, parent: QWidget | None) -> Database | None:
    """The file failed its integrity check as it was opened: offer to restore a backup,
    then open that."""
    from jobraad.store import open_caseload
    from ui.trust_actions import RESTORE_TITLE, ask_to_restore, restore_backup

    if not ask_to_restore(parent, message):
        return None
    passphrase = restore_backup(parent, path, path.parent, confirm=False)
    if passphrase is None:
        return None
    try:
        return open_caseload(path, passphrase)
    except UserFacingError as err:
        QMessageBox.critical(parent, RESTORE_TITLE, err.message)
        return None


def create_with_dialog(path: Path, parent: QWidget | None = None) -> Database | None:
    dialog = PassphraseDialog(parent, confirm=True, file_label=str(path))
    if dialog.exec() != QDialog.DialogCode.Accepted:
        return None
    from jobraad.store import create_caseload

    try:
        return create_caseload(path, dialog.value())
    except UserFacingError as err:
        QMessageBox.critical(parent, "jobraad", err.message)
        return None


class DemoSession:
    """A throwaway demo caseload in a temporary folder, removed when the program ends."""

    def __init__(self, citizens: int = DEMO_CITIZENS) -> None:
        import secrets

        from jobraad.demo import generate_demo
        from jobraad.store import create_caseload

        self.folder = Path(tempfile.mkdtemp(prefix="jobraad-demo-"))
        self.database = create_caseload(self.folder / "demo.jobraad", secrets.token_urlsafe(24))
        generate_demo(self.database, citizens=citizens, seed=1)
        from jobraad.settings import set_settings

        set_settings(
            self.database,
            {"caseworker_name": "Demo Jobrådgiver", "caseworker_email": "jobraadgiver@kk.example"},
        )

    def cleanup(self) -> None:
        self.database.close()
        shutil.rmtree(self.folder, ignore_errors=True)


#: The longest the start holds Python's cyclic collector (`hold_collector_until_started`),
#: whatever happens (the start takes about two seconds at 10,000 citizens; far longer on a
#: machine busy with other work).
COLLECTOR_HELD_AT_MOST_MS = 60_000


def hold_collector_until_started(window: MainWindow) -> None:
    """Hold the cyclic collector until the start is done: the caseload read whole and shown,
    and the Overblik in place (or the read failed, or the window closed; at the latest after
    `COLLECTOR_HELD_AT_MOST_MS`). See `jobraad.runtime`: its collections held the window
    up to 145 ms during the start; what the start made is frozen after it."""
    from jobraad import runtime

    runtime.hold_collector()

    def release(*_args: object) -> None:
        runtime.release_collector()

    window.caseload_in_place.connect(release)
    window.loader.failed.connect(release)
    window.destroyed.connect(release)
    QTimer.singleShot(COLLECTOR_HELD_AT_MOST_MS, release)  # not the window's: it may be gone


class StartWindow:
    """The main window at start: built while the passphrase is checked (`build`, passed to
    `unlock` as `meanwhile`), then shown once the file is open (`show`). `hold_collector`:
    Python's cyclic collector waits until the start is done (`hold_collector_until_started`;
    the program's start, not a test's window)."""

    def __init__(self, title: str = "", *, hold_collector: bool = False) -> None:
        self.title = title
        self.hold_collector = hold_collector
        self.window: MainWindow | None = None

    def build(self, database: Database) -> None:
        from ui.main_window import MainWindow

        self.discard()
        self.window = MainWindow(database, title_suffix=self.title, load_in_background=True, defer_reading=True)

    def discard(self) -> None:
        if self.window is not None:
            self.window.deleteLater()
            self.window = None

    def show(self, database: Database) -> MainWindow:
        """What follows the passphrase: the main window, shown at once; the caseload is read
        and the file checked behind it, and then the backup at start is taken."""
        if self.window is None or self.window.database is not database:
            self.build(database)
        assert self.window is not None
        window = self.window
        try:
            window.apply_settings()
        except UserFacingError:  # a damaged page: the check behind the window offers the restore
            log.info("settings could not be read at start; the idle lock keeps its default")
        if self.hold_collector:
            hold_collector_until_started(window)
        window.loader.read_in_background(first_rows_first=True)  # the rows first, then the rest
        window.show()
        window.start_background_work()
        return window


@dataclass
class Opened:
    """What the start opened: the database, the demo it belongs to (removed at the end), the
    window title's addition, a file to import once the window is up, and whether the
    caseworker's details were just asked (so the window does not ask again)."""

    database: Database
    demo: DemoSession | None = None
    title: str = ""
    import_from: Path | None = None
    caseworker_asked: bool = False


DEMO_TITLE = "demo-sagsstamme (opdigtede borgere)"


def open_demo() -> Opened:
    session = DemoSession()
    return Opened(session.database, demo=session, title=DEMO_TITLE)


def first_start(path: Path, start: StartWindow) -> Opened | None:
    """No database at `path` yet: the welcome window, until a choice has opened a file or the
    user closes it (None). A choice cancelled on the way (the passphrase of "Opret", the file
    of "Åbn en anden fil") returns to the welcome window."""
    welcome = WelcomeDialog(str(path))
    while welcome.exec() == QDialog.DialogCode.Accepted:
        if welcome.choice == WelcomeChoice.CREATE:
            database = create_with_dialog(path)
            if database is not None:
                return after_create(database)
        elif welcome.choice == WelcomeChoice.DEMO:
            return open_demo()
        elif welcome.choice == WelcomeChoice.OPEN_OTHER:
            chosen = open_file(None, FileKind.DATABASE, "Åbn database", "jobraad-database (*.jobraad);;Alle filer (*)")
            database = unlock(chosen, meanwhile=start.build, discard=start.discard) if chosen else None
            if database is not None:
                return Opened(database)
    return None


def after_create(database: Database) -> Opened:
    """A new database: the caseworker's details (for the dossiers and letters), then what goes
    in it first: an import (with the template to save), the demo, or nothing yet."""
    from jobraad.import_template import save_template
    from ui.dialogs.caseworker import caseworker_dialog

    try:
        caseworker_dialog(database).exec()  # "Senere" asks again at the next start
        steps = FirstStepsDialog(lambda target: save_template(database, target))
        steps.exec()
    except BaseException:
        database.close()
        raise
    if steps.choice == NextStep.DEMO:  # the new file stays, and opens next time
        database.close()
        return open_demo()
    return Opened(database, import_from=steps.import_path, caseworker_asked=True)


def run_app(db_path: Path | None = None, demo: bool = False) -> int:
    """The desktop program; its exit status (1 after an unexpected error before the
    event loop ran, which the user was told about in a message box)."""
    app = make_app()
    install_error_handlers()
    from jobraad.outputs import clean_leftovers  # light: platformdirs and the standard library

    clean_leftovers()  # plaintext a killed export left behind goes, even if no file is opened
    # Once the first window is up (the timer fires when its event loop runs), not before:
    # the import would slow the building of that window.
    QTimer.singleShot(0, start_warm_up)
    from ui.qt_warm_up import prepare_qt_classes

    prepare_qt_classes()  # from the event loop too, a few milliseconds a turn
    start = StartWindow(hold_collector=True)
    opened: Opened | None = None
    try:
        if demo:
            opened = open_demo()
        else:
            path = db_path or default_db_path()
            if path.exists():
                database = unlock(path, meanwhile=start.build, discard=start.discard)
                opened = Opened(database) if database is not None else None
            else:
                opened = first_start(path, start)
        if opened is None:
            return 0
        start.title = opened.title
        window = start.show(opened.database)  # kept alive until the loop ends
        if opened.import_from is not None:
            window.import_file(opened.import_from)
        if opened.demo is None and not opened.caseworker_asked:  # the demo has its own caseworker
            window.ask_for_caseworker()  # no name set yet
        return app.exec()
    except Exception as err:  # before the loop (in it, sys.excepthook reports)
        tell_unexpected(err)
        return 1
    finally:
        from jobraad import runtime

        runtime.release_collector()  # if the start was never done
        QThreadPool.globalInstance().waitForDone()  # no worker may outlive the database
        if opened is not None and opened.demo is not None:
            opened.demo.cleanup()
        elif opened is not None:
            opened.database.close()
