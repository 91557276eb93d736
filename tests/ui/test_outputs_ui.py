"""Saving from the window never writes over the open database (issue 14): whatever the save
dialog returns, the database (by any name) is refused with a calm Danish warning."""

from __future__ import annotations

import os
from pathlib import Path
from unittest.mock import MagicMock, patch

import pytest
from PySide6.QtWidgets import QFileDialog, QMessageBox
from pytestqt.qtbot import QtBot

from db.session import Database, open_database
from jobraad.citizens import CitizenInput, create_citizen
from tests.conftest import PASSPHRASE
from ui.forms import FormDialog
from ui.main_window import MainWindow
from ui.worker import running_tasks

REFUSED = "er selve databasen"


@pytest.fixture
def window(qtbot: QtBot, database: Database) -> MainWindow:
    create_citizen(database, CitizenInput("Şükrü", "Ağaoğlu", "0101621233"))
    w = MainWindow(database)
    qtbot.addWidget(w)
    return w


def _accept(dialog: FormDialog) -> int:
    dialog.accept()
    return int(dialog.result())


def _warned(warning: MagicMock) -> str:
    assert warning.called
    return str(warning.call_args.args[2])


def _still_whole(db_path: Path, before: bytes, database: Database) -> None:
    assert db_path.read_bytes() == before
    database.close()
    open_database(db_path, PASSPHRASE).close()


def test_audit_export_onto_the_database_is_refused(window: MainWindow, database: Database, db_path: Path) -> None:
    before = db_path.read_bytes()
    with (
        patch.object(FormDialog, "exec", _accept),
        patch.object(QFileDialog, "getSaveFileName", return_value=(str(db_path), "")),
        patch.object(QMessageBox, "warning") as warning,
    ):
        window.trust.export_log()
    assert REFUSED in _warned(warning)
    _still_whole(db_path, before, database)


def test_calendar_export_onto_the_database_is_refused(window: MainWindow, database: Database, db_path: Path) -> None:
    before = db_path.read_bytes()
    with (
        patch.object(FormDialog, "exec", lambda d: _accept(d)),
        patch.object(QFileDialog, "getSaveFileName", return_value=(str(db_path), "")),
        patch.object(QMessageBox, "warning") as warning,
    ):
        window.export_calendar()
    assert REFUSED in _warned(warning)
    _still_whole(db_path, before, database)


def test_team_export_onto_the_database_is_refused(
    qtbot: QtBot, window: MainWindow, database: Database, db_path: Path
) -> None:
    from ui.dialogs.team_export import export_dialog

    link = db_path.with_name("opgørelse.xlsx")  # the database under an export's name
    os.link(db_path, link)
    before = db_path.read_bytes()
    with (
        patch.object(FormDialog, "exec", lambda d: _accept(d)),
        patch.object(QFileDialog, "getSaveFileName", return_value=(str(link), "")),
        patch.object(QMessageBox, "warning") as warning,
        patch.object(QMessageBox, "information") as information,
    ):
        export_dialog(database, window)
        qtbot.waitUntil(lambda: warning.called or information.called, timeout=10_000)
    assert REFUSED in _warned(warning)
    assert not information.called
    _still_whole(db_path, before, database)


def test_merged_summary_onto_one_of_its_files_is_refused(window: MainWindow, tmp_path: Path) -> None:
    from jobraad.team.export import export_summary
    from ui.dialogs.team_export import merge_dialog

    a, b = tmp_path / "a.csv", tmp_path / "b.csv"
    export_summary(window.database, a)
    export_summary(window.database, b)
    saved = a.read_bytes()
    with (
        patch.object(QFileDialog, "getOpenFileNames", return_value=([str(a), str(b)], "")),
        patch.object(QFileDialog, "getSaveFileName", return_value=(str(a), "")),
        patch.object(QMessageBox, "warning") as warning,
        patch.object(QMessageBox, "information"),
    ):
        merge_dialog(window)
    assert "en af de filer, der læses fra" in _warned(warning)
    assert a.read_bytes() == saved


def test_dossier_saved_onto_the_database_is_refused(
    qtbot: QtBot, window: MainWindow, database: Database, db_path: Path
) -> None:
    from ui.dialogs.dossier_preview import DossierPreview

    before = db_path.read_bytes()
    preview = DossierPreview(b"%PDF-1.4 not much of a dossier", "sag.pdf", database, window)
    qtbot.addWidget(preview)
    with (
        patch.object(QFileDialog, "getSaveFileName", return_value=(str(db_path), "")),
        patch.object(QMessageBox, "warning") as warning,
    ):
        assert preview.save_as() is None
    assert REFUSED in _warned(warning)
    _still_whole(db_path, before, database)


def test_team_export_asks_before_replacing_a_file_whose_name_it_completed(
    qtbot: QtBot, window: MainWindow, database: Database, tmp_path: Path
) -> None:
    from ui.dialogs.team_export import export_dialog

    typed = tmp_path / "rapport"  # Qt asked about "rapport"; the export goes to "rapport.xlsx"
    existing = tmp_path / "rapport.xlsx"
    existing.write_bytes(b"last year's report")
    for answer in (QMessageBox.StandardButton.No, QMessageBox.StandardButton.Yes):
        with (
            patch.object(FormDialog, "exec", lambda d: _accept(d)),
            patch.object(QFileDialog, "getSaveFileName", return_value=(str(typed), "")),
            patch.object(QMessageBox, "question", return_value=answer) as question,
            patch.object(QMessageBox, "information") as information,
            patch.object(QMessageBox, "warning") as warning,
        ):
            started = running_tasks()
            export_dialog(database, window)
            exported = running_tasks() > started
            if exported:
                qtbot.waitUntil(lambda: information.called or warning.called, timeout=10_000)
        assert question.called and "rapport.xlsx findes allerede" in question.call_args.args[2]
        assert not warning.called
        if answer == QMessageBox.StandardButton.No:
            assert existing.read_bytes() == b"last year's report" and not exported
    assert existing.read_bytes().startswith(b"PK")  # replaced by the new workbook
