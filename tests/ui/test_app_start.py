"""Starting the program: the passphrase window comes first, and the database layer is
imported behind it (issue 9: start time)."""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
import shiboken6
from PySide6.QtCore import QThreadPool
from PySide6.QtWidgets import QDialog
from pytestqt.qtbot import QtBot

from db.session import Database
from tests.conftest import PASSPHRASE
from ui import app
from ui.dialogs.passphrase import PassphraseDialog
from ui.main_window import MainWindow


def typed(answers: list[str]) -> Callable[[PassphraseDialog], int]:
    """A stand-in for `PassphraseDialog.exec`: the user types each answer and presses OK, in the
    window that stays up, until it closes; then Annuller."""

    def exec_(dialog: PassphraseDialog) -> int:
        dialog.show()
        for answer in answers:
            dialog.passphrase.setText(answer)
            dialog.accept()
            if dialog.result() == QDialog.DialogCode.Accepted:
                return QDialog.DialogCode.Accepted
        dialog.reject()
        return QDialog.DialogCode.Rejected

    return exec_


def test_warm_up_names_only_modules_that_exist() -> None:
    # A misspelt name would be skipped silently by the warm-up; catch it here.
    assert all(importlib.util.find_spec(name) is not None for name in app.WARM_UP_MODULES)


def test_the_passphrase_window_needs_no_database_layer() -> None:
    code = (
        "import sys, ui.main, ui.app\n"
        "before = 'sqlalchemy' in sys.modules\n"
        "ui.app.start_warm_up().join()\n"
        "print(before, all(m in sys.modules for m in ui.app.WARM_UP_MODULES), 'icu' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    # The warm-up has imported the database layer, and ICU for the first read's sort keys.
    assert out.stdout.split() == ["False", "True", "True"]


def test_unlock_asks_again_after_a_wrong_passphrase(
    monkeypatch: pytest.MonkeyPatch, database: Database, qtbot: object
) -> None:
    path = database.path
    database.close()
    errors: list[str] = []
    visible: list[bool] = []

    def show_error(dialog: PassphraseDialog, message: str) -> None:
        errors.append(message)
        visible.append(dialog.isVisible())

    monkeypatch.setattr(PassphraseDialog, "exec", typed(["forkert adgangskode", PASSPHRASE]))
    monkeypatch.setattr(PassphraseDialog, "show_error", show_error)
    monkeypatch.setattr("ui.lock.unlock_delay", lambda failures: 0)
    opened = app.unlock(Path(path))
    assert opened is not None
    try:
        assert len(errors) == 1 and "adgangskode" in errors[0].lower()
        assert visible == [True]  # the window stayed up for the next try
    finally:
        opened.close()


def test_the_window_built_while_the_key_is_derived_is_thrown_away_after_a_wrong_passphrase(
    monkeypatch: pytest.MonkeyPatch, database: Database, qtbot: QtBot
) -> None:
    path = database.path
    database.close()
    monkeypatch.setattr(PassphraseDialog, "exec", typed(["forkert adgangskode", PASSPHRASE]))
    start = app.StartWindow()
    built: list[MainWindow] = []

    def build(db: Database) -> None:
        start.build(db)
        assert start.window is not None
        built.append(start.window)

    opened = app.unlock(Path(path), meanwhile=build, discard=start.discard)
    assert opened is not None
    try:
        assert len(built) == 2  # one per attempt
        assert built[1] is start.window and start.window.database is opened
        assert not start.window.isVisible()
        qtbot.waitUntil(lambda: not shiboken6.isValid(built[0]))  # the first one is deleted
        window = start.show(opened)
        qtbot.addWidget(window)
        assert window is built[1] and window.isVisible()
        qtbot.waitUntil(lambda: window.model.rowCount() == 0 and not window.loading.isVisible())
    finally:
        QThreadPool.globalInstance().waitForDone()
        opened.close()


DAMAGED_START = """
import sys, threading, time, os
from pathlib import Path
from PySide6.QtWidgets import QDialog, QMessageBox
from ui import app, main_window
from ui.dialogs.passphrase import PassphraseDialog

def exec_(self):
    self.passphrase.setText(sys.argv[2])
    self.accept()
    return self.result()

PassphraseDialog.exec = exec_
shown = []

def answer_no(_parent, title, *_args, **_kwargs):
    shown.append(title)
    return QMessageBox.StandardButton.No

QMessageBox.critical = staticmethod(answer_no)
QMessageBox.warning = staticmethod(answer_no)
show = main_window.MainWindow.show
# A slow laptop: the check behind the window is done before the window is.
main_window.MainWindow.show = lambda self: (show(self), time.sleep(float(sys.argv[3])))
threading.Thread(target=lambda: (time.sleep(60), print("HUNG", shown, flush=True), os._exit(3)), daemon=True).start()
print(app.run_app(Path(sys.argv[1])), "|".join(shown))
"""


@pytest.mark.parametrize(("page", "slow_show"), [(-2, 0.3), (8, 0.0)])
def test_a_damaged_file_at_start_offers_a_restore_and_the_program_ends(
    database: Database, page: int, slow_show: float
) -> None:
    # page -2: damage near the end, found by the check behind the window after the window
    # took its time (the program once waited for ever there); page 8: the settings read
    # at start meets the damage first (it once ended with a raw SQLAlchemy error).
    from jobraad.demo import generate_demo

    generate_demo(database, citizens=20, seed=3)
    path = database.path
    database.close()
    data = bytearray(path.read_bytes())
    number = page if page > 0 else len(data) // 4096 + page + 1
    offset = (number - 1) * 4096 + 100
    data[offset : offset + 8] = bytes(8)
    path.write_bytes(bytes(data))
    out = subprocess.run(
        [sys.executable, "-c", DAMAGED_START, str(path), PASSPHRASE, str(slow_show)],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "QT_QPA_PLATFORM": "offscreen"},
    )
    assert out.returncode == 0, out.stdout + out.stderr[-2000:]
    assert out.stdout.split() == ["0", "Databasen", "er", "beskadiget"]  # that dialog, and only that one
    assert not path.with_name(path.name + ".lock").exists()  # the file was closed and let go


def test_the_new_file_dialog_and_the_command_line_refuse_a_short_passphrase_alike(
    qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from jobraad.cli import PASSPHRASE_ENV, main

    short = "æøå 123"  # seven characters
    dialog = PassphraseDialog(confirm=True)
    qtbot.addWidget(dialog)
    dialog.passphrase.setText(short)
    dialog.repeat.setText(short)
    dialog.accept()
    assert dialog.result() != QDialog.DialogCode.Accepted
    monkeypatch.setenv(PASSPHRASE_ENV, short)
    assert main(["init", "--db", str(tmp_path / "ny.jobraad")]) == 2
    assert capsys.readouterr().err == f"jobraad: {dialog.error.text()}\n"
    assert "mindst 8 tegn" in dialog.error.text()
    assert list(tmp_path.glob("ny.jobraad*")) == []


def test_a_file_found_damaged_at_start_is_restored_with_the_backups_own_passphrase(
    monkeypatch: pytest.MonkeyPatch, database: Database, tmp_path: Path, qtbot: QtBot
) -> None:
    # The backup was taken before the passphrase was changed: it opens with the old one,
    # which the start now asks for (it once tried the file's passphrase and failed).
    from PySide6.QtWidgets import QFileDialog, QMessageBox
    from sqlalchemy import func, select

    from db.models import Citizen
    from jobraad import backup
    from jobraad.demo import generate_demo

    new = "en helt anden lang sætning"
    generate_demo(database, citizens=20, seed=3)
    copy = backup.make_backup(database, tmp_path / "kopi fra i går.jobraad")
    database.change_passphrase(PASSPHRASE, new)
    path = database.path
    database.close()
    data = bytearray(path.read_bytes())
    data[4096 + 100 : 4096 + 108] = bytes(8)  # page 2: the file is found damaged as it is opened
    path.write_bytes(bytes(data))
    # The user types the file's passphrase to open it, and the backup's where that is asked.
    file_exec = typed([new])
    monkeypatch.setattr(
        PassphraseDialog,
        "exec",
        lambda self: QDialog.DialogCode.Accepted if "sikkerhedskopi" in self.windowTitle() else file_exec(self),
    )
    monkeypatch.setattr(
        PassphraseDialog, "value", lambda self: PASSPHRASE if "sikkerhedskopi" in self.windowTitle() else new
    )
    monkeypatch.setattr(QMessageBox, "critical", lambda *_args: QMessageBox.StandardButton.Yes)
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *_args: (str(copy), ""))
    opened = app.unlock(Path(path))
    assert opened is not None
    try:
        with opened.reading() as session:
            assert session.scalar(select(func.count()).select_from(Citizen)) == 20
    finally:
        opened.close()
