"""Team-lead export from the window: the file is written anonymously; bad goals are refused."""

from __future__ import annotations

from pathlib import Path
from unittest.mock import patch

import openpyxl
from PySide6.QtWidgets import QCheckBox, QFileDialog, QLabel, QMessageBox
from pytestqt.qtbot import QtBot

from db.session import Database
from jobraad import goals
from jobraad.citizens import CitizenInput, create_citizen
from ui.dialogs.team_export import GoalsEditor, export_dialog
from ui.forms import FormDialog


def test_export_writes_an_anonymous_xlsx(qtbot: QtBot, database: Database, tmp_path: Path) -> None:
    create_citizen(database, CitizenInput("Łucja", "Wąsik", "1505801234"))
    target = tmp_path / "opgørelse.xlsx"
    asked: list[str] = []

    def accept(d: FormDialog) -> int:
        asked.extend(w.text() for w in d.findChildren(QLabel) + d.findChildren(QCheckBox))
        d.accept()
        return int(d.result())

    with (
        patch.object(FormDialog, "exec", accept),
        patch.object(QFileDialog, "getSaveFileName", return_value=(str(target), "")),
        patch.object(QMessageBox, "information") as info,
    ):
        export_dialog(database, None)  # type: ignore[arg-type]
        qtbot.waitUntil(lambda: info.called, timeout=10_000)
    assert target.exists()
    book = openpyxl.load_workbook(target)
    text = " ".join(str(c.value) for ws in book.worksheets for row in ws.iter_rows() for c in row if c.value)
    assert "Wąsik" not in text and "1505801234" not in text and "150580-1234" not in text
    assert book.sheetnames == ["Opsummering", "Data", "Metadata"]
    # Rows per citizen are no longer offered: they would give away what the tables hide.
    assert "&Fra" in asked and not [t for t in asked if "pr. borger" in t or "pseudonym" in t.lower()]


def test_goals_editor_refuses_a_broken_file_with_its_line(qtbot: QtBot, database: Database) -> None:
    editor = GoalsEditor(database)
    qtbot.addWidget(editor)
    before = goals.goals_text(database)
    editor.editor.setPlainText(before + "\nukendt_nøgle = 1\n")
    editor.accept()
    assert "linje" in editor.error.text().lower()
    assert goals.goals_text(database) == before
