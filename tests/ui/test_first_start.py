"""The first start: with no caseworker name in the settings, the window asks once for the
caseworker's details after the file has opened; "Senere" leaves the program running and is
not asked again in the session; the demo is never asked."""

from __future__ import annotations

import datetime as dt
import sys
import threading
from collections.abc import Iterator
from pathlib import Path
from unittest.mock import patch

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QDialog, QDialogButtonBox, QLineEdit, QMessageBox, QPushButton
from pytestqt.qtbot import QtBot

from db.session import Database
from jobraad.settings import get_settings, set_settings
from tests.conftest import PASSPHRASE
from ui import app
from ui.dialogs import welcome
from ui.dialogs.caseworker import email_problem
from ui.dialogs.passphrase import PassphraseDialog
from ui.dialogs.settings_dialog import settings_dialog
from ui.dialogs.welcome import FirstStepsDialog, WelcomeChoice, WelcomeDialog
from ui.forms import FormDialog
from ui.main_window import MainWindow

TODAY = dt.date(2026, 3, 2)


@pytest.fixture
def window(qtbot: QtBot, database: Database) -> Iterator[MainWindow]:
    w = MainWindow(database, today=TODAY)
    w.show()
    qtbot.waitExposed(w)
    yield w
    with patch.object(QMessageBox, "question", return_value=QMessageBox.StandardButton.Discard):
        w.close()
    w.deleteLater()


def _asked(window: MainWindow) -> FormDialog:
    dialog = window.caseworker_dialog
    assert isinstance(dialog, FormDialog)
    return dialog


def _fill(qtbot: QtBot, dialog: FormDialog, values: dict[str, str]) -> None:
    for key, text in values.items():
        line = dialog.widgets[key]
        assert isinstance(line, QLineEdit)
        line.clear()
        qtbot.keyClicks(line, text)


def test_without_a_name_the_window_asks_for_the_caseworkers_details_and_saves_them(
    qtbot: QtBot, window: MainWindow, database: Database
) -> None:
    window.ask_for_caseworker()
    dialog = _asked(window)
    qtbot.waitExposed(dialog)
    assert dialog.isModal() and window.isVisible()
    assert dialog.widgets["jobcenter_name"].text() == "Jobcenter København"  # type: ignore[attr-defined]
    _fill(
        qtbot,
        dialog,
        {
            "caseworker_name": "Hanne Østergård",
            "jobcenter_name": "Jobcenter Amager",
            "caseworker_phone": "33 66 33 66",
            "caseworker_email": "hanne.kk.dk",
        },
    )
    qtbot.keyClick(dialog, Qt.Key.Key_Return)
    assert (
        dialog.error_text("caseworker_email")
        == "«hanne.kk.dk» er ikke en e-mailadresse. Skriv den hele, fx navn@kk.dk."
    )
    assert get_settings(database)["caseworker_name"] == ""  # nothing saved
    assert dialog.isVisible()

    _fill(qtbot, dialog, {"caseworker_email": "hanne@kk.dk"})
    qtbot.keyClick(dialog, Qt.Key.Key_Return)

    assert not dialog.isVisible()
    values = get_settings(database)
    assert (
        values["caseworker_name"],
        values["jobcenter_name"],
        values["caseworker_phone"],
        values["caseworker_email"],
    ) == ("Hanne Østergård", "Jobcenter Amager", "33 66 33 66", "hanne@kk.dk")


def test_the_name_is_needed_to_save(qtbot: QtBot, window: MainWindow, database: Database) -> None:
    window.ask_for_caseworker()
    dialog = _asked(window)
    qtbot.keyClick(dialog, Qt.Key.Key_Return)
    assert "skal udfyldes" in dialog.error_text("caseworker_name")
    assert dialog.isVisible()


def test_later_closes_the_question_keeps_the_program_and_does_not_ask_again(
    qtbot: QtBot, window: MainWindow, database: Database
) -> None:
    quitting: list[bool] = []
    app_instance = QApplication.instance()
    assert app_instance is not None
    app_instance.aboutToQuit.connect(lambda: quitting.append(True))
    window.ask_for_caseworker()
    dialog = _asked(window)
    qtbot.waitExposed(dialog)
    box = dialog.findChild(QDialogButtonBox)
    assert box is not None
    later = box.button(QDialogButtonBox.StandardButton.Cancel)
    assert later.text() == "&Senere"
    qtbot.mouseClick(later, Qt.MouseButton.LeftButton)

    assert dialog.result() == QDialog.DialogCode.Rejected and not dialog.isVisible()
    assert window.isVisible() and quitting == []
    assert get_settings(database)["caseworker_name"] == ""
    window.ask_for_caseworker()
    assert window.caseworker_dialog is dialog and not dialog.isVisible()  # not asked again


def test_with_a_name_nothing_is_asked(qtbot: QtBot, window: MainWindow, database: Database) -> None:
    set_settings(database, {"caseworker_name": "Hanne Østergård"})
    window.ask_for_caseworker()
    assert window.caseworker_dialog is None


@pytest.fixture
def start_without_window(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """`run_app` up to its event loop: the window it would show stands in as a recorder of
    whether it was told to ask; the loop returns at once."""
    asked: list[str] = []

    class Shown:
        def ask_for_caseworker(self) -> None:
            asked.append("asked")

    monkeypatch.setattr(app.StartWindow, "show", lambda _self, _db: Shown())
    monkeypatch.setattr(app, "start_warm_up", lambda: None)
    monkeypatch.setattr(QApplication, "exec", lambda _self: 0)
    # run_app installs the program's handlers for uncaught exceptions; the test's come back.
    monkeypatch.setattr(sys, "excepthook", sys.excepthook)
    monkeypatch.setattr(threading, "excepthook", threading.excepthook)
    return asked


def _welcome(monkeypatch: pytest.MonkeyPatch, choice: WelcomeChoice) -> None:
    def choose(self: WelcomeDialog) -> QDialog.DialogCode:
        self.choice = choice
        return QDialog.DialogCode.Accepted

    monkeypatch.setattr(WelcomeDialog, "exec", choose)


def _welcome_once(monkeypatch: pytest.MonkeyPatch, choice: WelcomeChoice) -> list[str]:
    """The welcome window answered with `choice`, then closed when it comes again; returns
    the record of each time it was shown."""
    shown: list[str] = []

    def welcome(self: WelcomeDialog) -> QDialog.DialogCode:
        shown.append("welcome")
        if len(shown) == 1:
            self.choice = choice
            return QDialog.DialogCode.Accepted
        return QDialog.DialogCode.Rejected  # the second time: the user closes it

    monkeypatch.setattr(WelcomeDialog, "exec", welcome)
    return shown


def _demo_is(monkeypatch: pytest.MonkeyPatch, database: Database) -> None:
    """The demo the program opens is `database` (made by the test), left open at the end."""

    class Demo:
        def __init__(self) -> None:
            self.database = database

        def cleanup(self) -> None:
            pass

    monkeypatch.setattr(app, "DemoSession", Demo)


def test_a_new_database_asks_once_it_is_open(
    qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, start_without_window: list[str]
) -> None:
    _welcome(monkeypatch, WelcomeChoice.CREATE)
    monkeypatch.setattr(PassphraseDialog, "exec", lambda _self: QDialog.DialogCode.Accepted)
    monkeypatch.setattr(PassphraseDialog, "value", lambda _self: PASSPHRASE)
    asked: list[str] = []
    monkeypatch.setattr(FormDialog, "exec", lambda self: asked.append(self.windowTitle()) or 0)
    monkeypatch.setattr(FirstStepsDialog, "exec", lambda self: asked.append(self.windowTitle()) or 0)
    assert app.run_app(tmp_path / "ny.jobraad") == 0
    # Right after the passphrase, before the window; so the window does not ask again.
    assert asked == ["Velkommen – dine oplysninger", "Kom i gang"]
    assert start_without_window == []


def test_the_demo_is_not_asked(
    qtbot: QtBot, database: Database, monkeypatch: pytest.MonkeyPatch, start_without_window: list[str]
) -> None:
    _demo_is(monkeypatch, database)
    assert app.run_app(demo=True) == 0
    assert start_without_window == []


def test_the_demo_has_a_caseworker_so_its_window_would_not_ask_either() -> None:
    session = app.DemoSession(citizens=1)
    try:
        assert get_settings(session.database)["caseworker_name"].strip()
    finally:
        session.cleanup()


@pytest.mark.parametrize(
    ("typed", "refused"),
    [("", False), ("hanne@kk.dk", False), (" h@x ", False), ("hanne.kk.dk", True), ("@kk.dk", True), ("a@b@c", True)],
)
def test_the_email_check_is_light(typed: str, refused: bool) -> None:
    assert (email_problem(typed) is not None) == refused


def test_settings_check_the_email_the_same_way(qtbot: QtBot, database: Database) -> None:
    dialog = settings_dialog(database)
    qtbot.addWidget(dialog)
    dialog.widgets["caseworker_email"].setText("hanne.kk.dk")  # type: ignore[attr-defined]
    dialog.accept()
    assert "ikke en e-mailadresse" in dialog.error_text("caseworker_email")
    assert get_settings(database)["caseworker_email"] == ""


def test_cancelling_the_new_databases_passphrase_returns_to_the_welcome_window(
    qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    shown = _welcome_once(monkeypatch, WelcomeChoice.CREATE)
    monkeypatch.setattr(PassphraseDialog, "exec", lambda _self: QDialog.DialogCode.Rejected)
    assert app.first_start(tmp_path / "ny.jobraad", app.StartWindow()) is None
    assert shown == ["welcome", "welcome"]
    assert not (tmp_path / "ny.jobraad").exists()


def test_the_saved_template_has_the_importers_columns_and_imports_once_filled_in(
    database: Database, tmp_path: Path
) -> None:
    from sqlalchemy import select

    from db.models import Citizen
    from jobraad.import_template import save_template
    from jobraad.importer import COLUMNS, import_citizens

    template = tmp_path / "borgere-skabelon.csv"
    save_template(database, template)
    text = template.read_text(encoding="utf-8-sig")
    assert text.rstrip("\r\n").split(";") == list(COLUMNS)
    with template.open("a", encoding="utf-8", newline="") as fh:
        fh.write("0101901234;Åse;Ørum;;;;;;;\r\n")  # filled in as a caseworker would
    assert import_citizens(database, template).created == 1
    with database.reading() as session:
        assert [(c.first_name, c.last_name) for c in session.scalars(select(Citizen))] == [("Åse", "Ørum")]


class StartRecorder:
    """Stands in for the window `run_app` shows: records what it is shown and told."""

    def __init__(self) -> None:
        self.shown: list[tuple[str, Path]] = []
        self.imported: list[Path] = []
        self.asked = 0

    def show(self, start: app.StartWindow, database: Database) -> StartRecorder:
        self.shown.append((start.title, database.path))
        return self

    def import_file(self, path: Path) -> None:
        self.imported.append(path)

    def ask_for_caseworker(self) -> None:
        self.asked += 1


@pytest.fixture
def recorder(monkeypatch: pytest.MonkeyPatch, start_without_window: list[str]) -> StartRecorder:
    shown = StartRecorder()
    monkeypatch.setattr(app.StartWindow, "show", lambda start, database: shown.show(start, database))
    return shown


def _first_steps_click(monkeypatch: pytest.MonkeyPatch, name: str) -> None:
    """ "Kom i gang" answered by a click on the button named `name`, as a user would."""

    def click(self: FirstStepsDialog) -> int:
        button = self.findChild(QPushButton, name)
        assert button is not None and button.isEnabled()
        button.click()
        return int(self.result())

    monkeypatch.setattr(FirstStepsDialog, "exec", click)


def _new_database(monkeypatch: pytest.MonkeyPatch) -> None:
    _welcome(monkeypatch, WelcomeChoice.CREATE)
    monkeypatch.setattr(PassphraseDialog, "exec", lambda _self: QDialog.DialogCode.Accepted)
    monkeypatch.setattr(PassphraseDialog, "value", lambda _self: PASSPHRASE)
    monkeypatch.setattr(FormDialog, "exec", lambda _self: 0)  # the caseworker's details: "Senere"


def test_kom_i_gang_import_hands_the_chosen_file_to_the_new_window(
    qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, recorder: StartRecorder
) -> None:
    chosen = tmp_path / "mine borgere.csv"
    chosen.write_text("cpr;fornavn;efternavn\r\n0101901234;Åse;Ørum\r\n", encoding="utf-8")
    _new_database(monkeypatch)
    monkeypatch.setattr(welcome, "open_file", lambda *_args: chosen)
    _first_steps_click(monkeypatch, "import")
    assert app.run_app(tmp_path / "ny.jobraad") == 0
    assert recorder.shown == [("", tmp_path / "ny.jobraad")]  # the new file, in the window
    assert recorder.imported == [chosen]  # which imports the chosen file once it is up
    assert recorder.asked == 0  # the details were asked already


def test_kom_i_gang_import_cancelled_in_the_file_dialog_stays_in_kom_i_gang(
    qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from ui.dialogs.welcome import NextStep

    monkeypatch.setattr(welcome, "open_file", lambda *_args: None)
    dialog = FirstStepsDialog(lambda _path: None)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.import_button.click()
    assert dialog.isVisible() and dialog.import_path is None and dialog.choice == NextStep.EMPTY


def test_kom_i_gang_demo_opens_the_demo_and_keeps_the_new_file_for_next_time(
    qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, recorder: StartRecorder, database: Database
) -> None:
    _demo_is(monkeypatch, database)
    _new_database(monkeypatch)
    _first_steps_click(monkeypatch, "demo")
    assert app.run_app(tmp_path / "ny.jobraad") == 0
    assert recorder.shown == [(app.DEMO_TITLE, database.path)]  # the demo, in the window
    assert (tmp_path / "ny.jobraad").exists()  # the new database stays, and opens next time
    assert recorder.imported == [] and recorder.asked == 0


def test_cancelling_open_another_file_returns_to_the_welcome_window(
    qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    shown = _welcome_once(monkeypatch, WelcomeChoice.OPEN_OTHER)
    monkeypatch.setattr(app, "open_file", lambda *_args: None)  # the file dialog cancelled
    assert app.first_start(tmp_path / "ny.jobraad", app.StartWindow()) is None
    assert shown == ["welcome", "welcome"]
    assert not (tmp_path / "ny.jobraad").exists()
