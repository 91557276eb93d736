"""The file dialogs open where the user last went for the same kind of file, not always in
the home folder; each kind keeps its own folder, and only the folder is kept."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from unittest.mock import patch

import pytest
from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QFileDialog, QMessageBox
from pytestqt.qtbot import QtBot

from db.session import Database
from ui.dialogs.dossier_preview import DossierPreview
from ui.file_dialogs import FileKind, last_folder
from ui.main_window import MainWindow
from ui.places import documents_folder


@pytest.fixture
def window(qtbot: QtBot, database: Database) -> Iterator[MainWindow]:
    w = MainWindow(database)
    qtbot.addWidget(w)
    yield w
    with patch.object(QMessageBox, "question", return_value=QMessageBox.StandardButton.Discard):
        w.close()


def _import_dialog_folder(window: MainWindow, answer: str) -> Path:
    """Open Importér borgere, answer with `answer` (a file, or "" for Annuller); the folder the
    dialog opened in."""
    with (
        patch.object(QFileDialog, "getOpenFileName", return_value=(answer, "")) as dialog,
        patch.object(MainWindow, "import_file") as imported,
    ):
        window.choose_import_file()
    if answer:
        imported.assert_called_once_with(Path(answer))
    return Path(dialog.call_args.args[2])


def test_the_import_dialog_opens_where_the_last_import_came_from(window: MainWindow, tmp_path: Path) -> None:
    imports = tmp_path / "Import fra fagsystem"
    imports.mkdir()
    assert _import_dialog_folder(window, "") == Path.home()  # nothing chosen yet
    assert _import_dialog_folder(window, "") == Path.home()  # Annuller remembers nothing
    _import_dialog_folder(window, str(imports / "borgere marts.csv"))
    assert _import_dialog_folder(window, "") == imports
    # Kept in the user's settings: only the folder, not the file's name.
    stored = QSettings(QSettings.Format.IniFormat, QSettings.Scope.UserScope, "jobraad", "jobraad")
    assert [stored.value(key) for key in stored.allKeys()] == [str(imports)]


def test_each_kind_of_file_keeps_its_own_folder(
    qtbot: QtBot, window: MainWindow, database: Database, tmp_path: Path
) -> None:
    imports, dossiers = tmp_path / "import", tmp_path / "team"
    imports.mkdir()
    dossiers.mkdir()
    _import_dialog_folder(window, str(imports / "borgere.csv"))
    preview = DossierPreview(b"%PDF-1.4\n", "Sag SÆ 2026-03-02.pdf", database)
    qtbot.addWidget(preview)
    with patch.object(QFileDialog, "getSaveFileName", return_value=("", "")) as asked:
        preview.save_as()
    # The dossier is first offered in the documents folder, not in the import folder.
    assert Path(asked.call_args.args[2]) == documents_folder() / "Sag SÆ 2026-03-02.pdf"
    with patch.object(QFileDialog, "getSaveFileName", return_value=(str(dossiers / "sag.pdf"), "")):
        preview.save_as()
    with patch.object(QFileDialog, "getSaveFileName", return_value=("", "")) as asked:
        preview.save_as()
    assert Path(asked.call_args.args[2]) == dossiers / "Sag SÆ 2026-03-02.pdf"  # the suggested name, the last folder
    assert _import_dialog_folder(window, "") == imports


def test_a_folder_that_is_gone_is_not_offered(window: MainWindow, tmp_path: Path) -> None:
    gone = tmp_path / "usb-stik"
    gone.mkdir()
    _import_dialog_folder(window, str(gone / "borgere.csv"))
    gone.rmdir()
    assert _import_dialog_folder(window, "") == Path.home()
    assert last_folder(FileKind.IMPORT, default=tmp_path) == tmp_path
