"""Unexpected errors in the desktop program: a Danish message box, the traceback in the log
file without personal data; and a passphrase that is not text is refused in the dialog."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt, QThreadPool
from PySide6.QtWidgets import QDialog, QMessageBox, QPushButton
from pytestqt.qtbot import QtBot
from sqlalchemy import event

from db.session import Database
from jobraad import logs
from jobraad.citizens import CitizenInput, create_citizen
from tests.conftest import assert_no_personal_data
from ui import app as app_module
from ui.dialogs.passphrase import PassphraseDialog
from ui.errors import install_error_handlers
from ui.worker import Task

CPR = "0101901234"
NAME = ("Gunhild", "Testesen")
PHONE = "12 34 56 78"
EMAIL = "gunhild@example.dk"
UNEXPECTED = "Der opstod en uventet fejl. Intet er ændret."


def _writes_fail(database: Database) -> None:
    """From now on every citizen INSERT fails with a SQLite error the program does not expect
    (a constraint raised by a temporary trigger; a read-only file or a full disk would be told
    apart and refused in Danish): the INSERT fails with the row's values as its parameters."""
    event.listen(
        database.engine,
        "begin",
        lambda conn: conn.exec_driver_sql(
            "CREATE TEMP TRIGGER IF NOT EXISTS uventet BEFORE INSERT ON citizen "
            "BEGIN SELECT RAISE(ABORT, 'uventet fejl'); END"
        ),
    )


def _create_gunhild(database: Database) -> int:
    return create_citizen(database, CitizenInput(NAME[0], NAME[1], "010190-1234", phone=PHONE, email=EMAIL))


def _assert_logged_without_personal_data(log_dir: Path) -> None:
    log = (log_dir / "jobraad.log").read_text(encoding="utf-8")
    assert "Traceback (most recent call last)" in log
    assert "uventet fejl" in log and "INSERT INTO citizen" in log
    assert_no_personal_data(log, CPR, *NAME, PHONE, EMAIL)


def _assert_danish_message(message: str, log_dir: Path) -> None:
    assert message == (
        f"{UNEXPECTED}\nDetaljerne står i logfilen {log_dir / 'jobraad.log'}. Send den gerne til jeres it-support."
    )


@pytest.fixture
def boxes(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, str]]:
    """The critical message boxes shown (title, text); none is really opened."""
    shown: list[tuple[str, str]] = []

    def critical(_parent: Any, title: str, text: str, *_args: Any, **_kwargs: Any) -> QMessageBox.StandardButton:
        shown.append((title, text))
        return QMessageBox.StandardButton.Ok

    monkeypatch.setattr(QMessageBox, "critical", staticmethod(critical))
    return shown


@pytest.fixture
def error_handlers(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """The program's handlers for uncaught exceptions, as `run_app` installs them; the
    test's own are put back afterwards."""
    monkeypatch.setattr(sys, "excepthook", sys.excepthook)
    monkeypatch.setattr(threading, "excepthook", threading.excepthook)
    install_error_handlers()
    yield


def test_a_worker_task_that_fails_unexpectedly_reports_in_danish_and_logs_no_personal_data(
    qtbot: QtBot, database: Database, log_dir: Path, capfd: pytest.CaptureFixture[str]
) -> None:
    _writes_fail(database)
    task = Task(lambda _progress: _create_gunhild(database))
    with qtbot.waitSignal(task.signals.failed, timeout=20_000) as failed:
        QThreadPool.globalInstance().start(task)

    message, is_bug = failed.args
    assert is_bug
    _assert_danish_message(message, log_dir)
    _assert_logged_without_personal_data(log_dir)
    out, err = capfd.readouterr()
    assert "Traceback" not in err
    assert_no_personal_data(out + err, CPR, *NAME, PHONE, EMAIL)


@pytest.mark.qt_no_exception_capture
@pytest.mark.usefixtures("error_handlers")
def test_an_error_in_a_qt_slot_shows_a_danish_message_box_and_logs_no_personal_data(
    qtbot: QtBot,
    database: Database,
    log_dir: Path,
    boxes: list[tuple[str, str]],
    capfd: pytest.CaptureFixture[str],
) -> None:
    _writes_fail(database)
    button = QPushButton("Gem")
    qtbot.addWidget(button)
    button.clicked.connect(lambda: _create_gunhild(database))

    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)

    qtbot.waitUntil(lambda: len(boxes) == 1)
    title, message = boxes[0]
    assert title == "jobraad"
    _assert_danish_message(message, log_dir)
    _assert_logged_without_personal_data(log_dir)
    out, err = capfd.readouterr()
    assert "Traceback" not in err
    assert_no_personal_data(out + err, CPR, *NAME, PHONE, EMAIL)


@pytest.mark.usefixtures("error_handlers")
def test_an_error_that_ends_a_plain_thread_shows_a_danish_message_box(
    qtbot: QtBot, database: Database, log_dir: Path, boxes: list[tuple[str, str]], capfd: pytest.CaptureFixture[str]
) -> None:
    _writes_fail(database)
    thread = threading.Thread(target=_create_gunhild, args=(database,), name="jobraad-test")
    thread.start()
    thread.join()

    qtbot.waitUntil(lambda: len(boxes) == 1)  # shown by the GUI thread
    _assert_danish_message(boxes[0][1], log_dir)
    _assert_logged_without_personal_data(log_dir)
    assert "Traceback" not in capfd.readouterr().err


@pytest.mark.usefixtures("error_handlers")
def test_an_unexpected_error_before_the_main_window_ends_the_program_with_status_1(
    qtbot: QtBot, tmp_path: Path, log_dir: Path, boxes: list[tuple[str, str]], monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken_welcome(_self: Any) -> int:
        raise RuntimeError(f"a bug that names CPR {CPR[:6]}-{CPR[6:]}")

    monkeypatch.setattr(app_module.WelcomeDialog, "exec", broken_welcome)
    monkeypatch.setattr(app_module, "start_warm_up", lambda: None)

    assert app_module.run_app(tmp_path / "findes-ikke.jobraad") == 1

    assert len(boxes) == 1
    _assert_danish_message(boxes[0][1], log_dir)
    log = (log_dir / "jobraad.log").read_text(encoding="utf-8")
    assert "RuntimeError: a bug that names CPR <CPR>" in log
    assert_no_personal_data(log, CPR)


def test_before_there_is_a_window_the_message_goes_to_stderr_without_a_traceback(tmp_path: Path, log_dir: Path) -> None:
    code = (
        f"from ui.errors import install_error_handlers\ninstall_error_handlers()\nraise RuntimeError('borger {CPR}')\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, logs.LOG_DIR_ENV: str(log_dir)},
    )
    assert result.returncode == 1
    _assert_danish_message(result.stderr.removeprefix("jobraad: ").removesuffix("\n"), log_dir)
    assert "Traceback" not in result.stderr
    log = (log_dir / "jobraad.log").read_text(encoding="utf-8")
    assert "RuntimeError: borger <CPR>" in log
    assert_no_personal_data(log, CPR)


@pytest.mark.parametrize("confirm", [False, True], ids=["unlock", "new-file"])
def test_the_passphrase_dialog_refuses_text_that_is_not_utf8(
    qtbot: QtBot, monkeypatch: pytest.MonkeyPatch, confirm: bool
) -> None:
    dialog = PassphraseDialog(confirm=confirm)
    qtbot.addWidget(dialog)
    # PySide6 drops a lone surrogate on its way into a QLineEdit (and out of one), so
    # the field is made to answer with one, as text decoded with surrogateescape would.
    not_text = "korrekt hest \udce6\udcf8\udce5"
    monkeypatch.setattr(dialog.passphrase, "text", lambda: not_text)
    monkeypatch.setattr(dialog.repeat, "text", lambda: not_text)

    dialog.accept()

    assert dialog.result() != QDialog.DialogCode.Accepted
    assert dialog.error.text() == "Adgangskoden indeholder et tegn, der ikke kan bruges. Skriv den igen."
