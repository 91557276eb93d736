"""Backups at start, deletion of closed cases, changing the passphrase — from the window."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from unittest.mock import patch

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox
from pytestqt.qtbot import QtBot
from sqlalchemy import func, select

import db.session
from db.enums import Outcome
from db.models import AuditEntry, Citizen
from db.session import Database, open_database
from jobraad import audit_anchor, backup, settings
from jobraad.citizens import CitizenInput, close_case, create_citizen
from jobraad.demo import generate_demo
from tests.conftest import PASSPHRASE
from tests.helpers import CheckCalls
from tests.ui.conftest import HeldReads, settle
from ui.forms import FormDialog
from ui.main_window import MainWindow


def test_backup_taken_at_start(qtbot: QtBot, database: Database) -> None:
    create_citizen(database, CitizenInput("A", "B", "0101621233"))
    w = MainWindow(database)
    qtbot.addWidget(w)
    w.start_background_work()
    folder = settings.backup_folder(database)
    qtbot.waitUntil(lambda: bool(backup.list_backups(folder, database.path)), timeout=15_000)
    assert w.upkeep.backups_scheduled()  # and a check every 15 minutes after that
    w.upkeep.stop()


def test_backup_at_start_waits_until_the_caseload_is_in_place(
    qtbot: QtBot, database: Database, held_reads: HeldReads
) -> None:
    """The backup decrypts and encrypts the whole file (two seconds at 10,000 citizens): run
    beside the start's read, the rows would take longer to show."""
    create_citizen(database, CitizenInput("A", "B", "0101621233"))
    w = MainWindow(database, load_in_background=True)
    qtbot.addWidget(w)
    w.show()
    w.start_background_work()
    assert database.wait_until_checked(timeout=15) is True
    folder = settings.backup_folder(database)
    settle()
    assert not backup.list_backups(folder, database.path)  # the caseload is still being read
    held_reads.run(0)
    qtbot.waitUntil(lambda: bool(backup.list_backups(folder, database.path)), timeout=15_000)
    assert w.upkeep.backups_scheduled()
    w.upkeep.stop()


def test_backup_at_start_is_taken_when_the_caseload_could_not_be_read(
    qtbot: QtBot, database: Database, held_reads: HeldReads
) -> None:
    create_citizen(database, CitizenInput("A", "B", "0101621233"))
    w = MainWindow(database, load_in_background=True)
    qtbot.addWidget(w)
    w.start_background_work()
    _fn, _done = held_reads.started[0]
    with patch.object(QMessageBox, "critical", return_value=QMessageBox.StandardButton.Ok):
        w.loader.failed.emit("Sagsstammen kunne ikke læses.")
    folder = settings.backup_folder(database)
    qtbot.waitUntil(lambda: bool(backup.list_backups(folder, database.path)), timeout=15_000)
    w.upkeep.stop()


def test_integrity_check_at_start_begins_once_the_caseload_is_read(
    qtbot: QtBot, database: Database, db_path: Path, held_reads: HeldReads, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The check decrypts every page of the file (a second of a core at 10,000 citizens): begun
    beside the start's reads, on a 2-core laptop the rows took longer to show."""
    create_citizen(database, CitizenInput("A", "B", "0101621233"))
    database.close()
    calls = CheckCalls(monkeypatch)
    monkeypatch.setattr(db.session, "CHECK_HELD_AT_MOST_S", 60.0)
    opened = open_database(db_path, PASSPHRASE, check_later=True, hold_check=True)  # as the program opens it
    try:
        w = MainWindow(opened, load_in_background=True, defer_reading=True)
        qtbot.addWidget(w)
        w.loader.read_in_background(first_rows_first=True)  # as `ui.app.StartWindow.show`
        w.show()
        w.start_background_work()
        held_reads.run(0)  # the rows shown first
        settle()
        qtbot.wait(300)  # ample for the check of this small file, had it begun
        assert calls.begun == [] and opened.wait_until_checked(timeout=0) is None
        assert w.model.rowCount() == 1
        held_reads.run(1)  # the rest: the caseload is read whole
        # Looked at, not waited for (a wait would begin it): the read began it.
        qtbot.waitUntil(lambda: opened.wait_until_checked(timeout=0) is True, timeout=15_000)
        assert calls.begun == ["quick_check"]
        w.upkeep.stop()
    finally:
        opened.close()


def test_closed_case_past_retention_deleted_after_confirmation(qtbot: QtBot, database: Database) -> None:
    keep = create_citizen(database, CitizenInput("Søren", "Ærø", "0101621233"))
    old = create_citizen(database, CitizenInput("Łucja", "Wąsik", "1505801234"))
    close_case(database, old, Outcome.FLEKSJOB, dt.date.today() - dt.timedelta(days=400))
    w = MainWindow(database)
    qtbot.addWidget(w)
    dialog = w.trust.retention_dialog()
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
        w.trust.change_passphrase()
    database.close()
    reopened = open_database(db_path, new)
    reopened.close()


# --- a damaged file found behind the window -----------------------------------------------------


def _damage(path: Path) -> None:
    """Overwrite a few bytes of a page near the end: the key still opens page 1, but a page fails."""
    data = bytearray(path.read_bytes())
    offset = (len(data) // 4096 - 2) * 4096 + 100
    data[offset : offset + 8] = bytes(8)
    path.write_bytes(bytes(data))


def _citizens_in(db_path: Path) -> int:
    """How many citizens the file holds, opened afresh (after a restore)."""
    restored = open_database(db_path, PASSPHRASE)
    try:
        with restored.reading() as session:
            return session.scalar(select(func.count()).select_from(Citizen)) or 0
    finally:
        restored.close()


def _damaged_window(qtbot: QtBot, database: Database, db_path: Path, tmp_path: Path) -> tuple[MainWindow, Path]:
    generate_demo(database, citizens=30, seed=3)
    copy = backup.make_backup(database, tmp_path / "god kopi.jobraad")
    database.close()
    _damage(db_path)
    opened = open_database(db_path, PASSPHRASE, check_later=True)  # as the program opens it
    w = MainWindow(opened)
    qtbot.addWidget(w)
    w.show()
    return w, copy


def test_damaged_file_found_behind_the_window_is_not_written_and_the_program_closes(
    qtbot: QtBot, database: Database, db_path: Path, tmp_path: Path
) -> None:
    w, _copy = _damaged_window(qtbot, database, db_path, tmp_path)
    before = db_path.read_bytes()
    shown: list[str] = []

    def critical(_parent: object, title: str, text: str, *_args: object) -> QMessageBox.StandardButton:
        shown.append(f"{title}: {text}")
        return QMessageBox.StandardButton.No

    with patch.object(QMessageBox, "critical", critical):
        w.start_background_work()
        qtbot.waitUntil(lambda: not w.isVisible(), timeout=15_000)
    assert len(shown) == 1 and "beskadiget" in shown[0] and "gendanne en sikkerhedskopi" in shown[0]
    assert not backup.list_backups(settings.backup_folder(w.database), db_path)  # no backup of a damaged file
    w.database.close()
    assert db_path.read_bytes() == before


def test_damaged_file_found_behind_the_window_can_be_restored_at_once(
    qtbot: QtBot, database: Database, db_path: Path, tmp_path: Path
) -> None:
    w, copy = _damaged_window(qtbot, database, db_path, tmp_path)
    told: list[str] = []
    with (
        patch.object(QMessageBox, "critical", return_value=QMessageBox.StandardButton.Yes),
        patch.object(QMessageBox, "question", side_effect=AssertionError("asked twice")),
        patch.object(QMessageBox, "information", side_effect=lambda _p, _t, text: told.append(text)),
        patch("ui.trust_actions.QFileDialog.getOpenFileName", return_value=(str(copy), "")),
        patch("ui.trust_actions.PassphraseDialog.exec", return_value=1),
        patch("ui.trust_actions.PassphraseDialog.value", return_value=PASSPHRASE),
    ):
        w.start_background_work()
        qtbot.waitUntil(lambda: not w.isVisible(), timeout=15_000)
    assert told and "gendannet" in told[0]
    assert _citizens_in(db_path) == 30


# --- the rest of the Sikkerhed menu --------------------------------------------------------------


def test_checking_the_log_from_the_menu(qtbot: QtBot, database: Database) -> None:
    create_citizen(database, CitizenInput("A", "B", "0101621233"))
    w = MainWindow(database)
    qtbot.addWidget(w)
    told: list[str] = []
    with patch.object(QMessageBox, "warning", side_effect=lambda _p, _t, text: told.append(text)):
        w.trust.verify_log()  # the fixture's file was never closed by the program: no anchor yet
    audit_anchor.write_anchor(database)
    with patch.object(QMessageBox, "information", side_effect=lambda _p, _t, text: told.append(text)):
        w.trust.verify_log()
    with database.transaction() as session:
        entry = session.scalars(select(AuditEntry).order_by(AuditEntry.id)).first()
        assert entry is not None
        entry.detail = "ændret bagefter"
        changed = entry.id
    with patch.object(QMessageBox, "warning", side_effect=lambda _p, _t, text: told.append(text)):
        w.trust.verify_log()
    assert told[0].endswith(audit_anchor.NO_ANCHOR)
    assert told[1].startswith("Logbogen er i orden:") and "holdt op mod ankerfilen sagsstamme.jobraad.anker" in told[1]
    assert told[2].startswith(f"Logbogen er brudt ved post {changed}:")


def test_a_backup_restored_from_the_menu_replaces_the_file_and_the_program_ends(
    qtbot: QtBot, database: Database, db_path: Path, tmp_path: Path
) -> None:
    create_citizen(database, CitizenInput("A", "B", "0101621233"))
    copy = backup.make_backup(database, tmp_path / "kopi.jobraad")
    create_citizen(database, CitizenInput("Kommer", "Efter", "1505801234"))  # not in the backup
    w = MainWindow(database)
    qtbot.addWidget(w)
    w.show()
    asked: list[str] = []
    told: list[str] = []

    def question(_parent: object, _title: str, text: str, *_args: object) -> QMessageBox.StandardButton:
        asked.append(text)
        return QMessageBox.StandardButton.Yes

    with (
        patch.object(QMessageBox, "question", question),
        patch.object(QMessageBox, "information", side_effect=lambda _p, _t, text: told.append(text)),
        patch("ui.trust_actions.QFileDialog.getOpenFileName", return_value=(str(copy), "")),
        patch("ui.trust_actions.PassphraseDialog.exec", return_value=1),
        patch("ui.trust_actions.PassphraseDialog.value", return_value=PASSPHRASE),
    ):
        w.trust.restore_backup()
    qtbot.waitUntil(lambda: not w.isVisible())
    assert len(asked) == 1 and "erstattes af sikkerhedskopien" in asked[0]
    assert told == ["Sikkerhedskopien er gendannet. Start jobraad igen."]
    assert _citizens_in(db_path) == 1
