"""Backups at start, deletion of closed cases, changing the passphrase — from the window."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from unittest.mock import patch

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox
from pytestqt.qtbot import QtBot
from sqlalchemy import func, select

from db.enums import Outcome
from db.models import Citizen
from db.session import Database, open_database
from jobraad import backup
from jobraad.citizens import CitizenInput, close_case, create_citizen
from tests.conftest import PASSPHRASE
from ui import trust_actions
from ui.forms import FormDialog
from ui.main_window import MainWindow


def test_backup_taken_at_start(qtbot: QtBot, database: Database) -> None:
    create_citizen(database, CitizenInput("A", "B", "0101621233"))
    w = MainWindow(database)
    qtbot.addWidget(w)
    w.start_background_work()
    folder = backup.backup_folder(database)
    qtbot.waitUntil(lambda: bool(backup.list_backups(folder, database.path)), timeout=15_000)
    w._backup_timer.stop()


def test_closed_case_past_retention_deleted_after_confirmation(qtbot: QtBot, database: Database) -> None:
    keep = create_citizen(database, CitizenInput("Søren", "Ærø", "0101621233"))
    old = create_citizen(database, CitizenInput("Łucja", "Wąsik", "1505801234"))
    close_case(database, old, Outcome.FLEKSJOB, dt.date.today() - dt.timedelta(days=400))
    w = MainWindow(database)
    qtbot.addWidget(w)
    dialog = trust_actions.RetentionDialog(w)
    qtbot.addWidget(dialog)
    assert dialog.list.count() == 1 and "Wąsik" in dialog.list.item(0).text()
    dialog.list.item(0).setCheckState(Qt.CheckState.Checked)
    with patch.object(QMessageBox, "warning", return_value=QMessageBox.StandardButton.Cancel):
        dialog.delete_checked()
    with database.reading() as session:
        assert session.scalar(select(func.count()).select_from(Citizen)) == 2
    with patch.object(QMessageBox, "warning", return_value=QMessageBox.StandardButton.Yes):
        dialog.delete_checked()
        qtbot.waitUntil(lambda: dialog.result() == 1, timeout=15_000)
    with database.reading() as session:
        assert session.scalars(select(Citizen.id)).all() == [keep]


def test_change_passphrase_from_the_menu(qtbot: QtBot, database: Database, db_path: Path) -> None:
    w = MainWindow(database)
    qtbot.addWidget(w)
    new = "en helt ny og lang sætning"

    def fill(dialog: FormDialog) -> int:
        dialog.widgets["old"].setText(PASSPHRASE)  # type: ignore[attr-defined]
        dialog.widgets["new"].setText(new)  # type: ignore[attr-defined]
        dialog.widgets["repeat"].setText(new + "x")  # type: ignore[attr-defined]
        dialog.accept()
        assert "ikke ens" in dialog.error_text("repeat")
        dialog.widgets["repeat"].setText(new)  # type: ignore[attr-defined]
        dialog.accept()
        return int(dialog.result())

    with patch.object(FormDialog, "exec", fill):
        trust_actions.change_passphrase_dialog(w)
    database.close()
    reopened = open_database(db_path, new)
    reopened.close()
