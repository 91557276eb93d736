"""Handing a case over in the window: the code shown once, the case closed, its data deleted
only after a confirmation; and receiving it in a colleague's window (ui/dialogs/handover.py)."""

from __future__ import annotations

import datetime as dt
import os
import re
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtWidgets import QMessageBox
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from db.enums import Outcome
from db.models import Citizen
from db.session import Database, open_database
from jobraad import handover
from tests.conftest import PASSPHRASE
from tests.jobraad.handing import case_snapshot, make_full_case
from ui.dialogs.handover import handover_dialog, receive_dialog
from ui.main_window import MainWindow

TODAY = dt.date(2026, 3, 2)


@pytest.fixture
def colleague(tmp_path: Path, template_db: Path) -> Iterator[Database]:
    path = tmp_path / "kollega.jobraad"
    shutil.copyfile(template_db, path)
    os.chmod(path, 0o600)
    db = open_database(path, PASSPHRASE)
    yield db
    db.close()


def _window(qtbot: QtBot, database: Database) -> MainWindow:
    w = MainWindow(database, today=TODAY)
    qtbot.addWidget(w)
    w.show()
    return w


def test_hand_over_and_receive_in_the_window(
    qtbot: QtBot, database: Database, colleague: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    citizen_id = make_full_case(database)
    before = case_snapshot(database, citizen_id)
    sender = _window(qtbot, database)
    # the menu entries are there, with their help text
    actions = {a.objectName(): a for a in sender.findChildren(type(sender.menuBar().actions()[0]))}
    assert actions["handoverAction"].toolTip() and actions["receiveAction"].toolTip()

    assert handover_dialog(sender) is None  # no citizen open: nothing to hand over
    sender.file.show_citizen(citizen_id)
    dialog = handover_dialog(sender)
    assert dialog is not None
    qtbot.addWidget(dialog)
    dialog.show()
    assert any("Hanne Overdragsen" in label.text() for label in dialog.findChildren(type(dialog.code_label)))
    assert not dialog.delete_button.isVisible()  # nothing to delete before the case is handed over
    dest = tmp_path / "sag.overdragelse"
    dialog.path_edit.setText(str(dest))
    dialog.send_button.click()
    qtbot.waitUntil(lambda: dialog.code_label.isVisible(), timeout=10_000)

    code = dialog.code_label.text()
    assert re.fullmatch(r"([2-9A-HJ-NP-Z]{4}-){5}[2-9A-HJ-NP-Z]{4}", code)
    assert "Koden vises kun nu" in dialog.done_label.text()
    assert dest.exists()
    with database.reading() as s:
        citizen = s.get(Citizen, citizen_id)
        assert citizen is not None and citizen.outcomes[-1].outcome == Outcome.OVERDRAGET
    assert "Overdraget til kollega" in sender.file.header.text()  # the open file shows the closing

    # Deleting asks first; "Annullér" keeps everything.
    asked: list[str] = []

    def answer(button: QMessageBox.StandardButton):  # type: ignore[no-untyped-def]
        def ask(_parent: object, _title: str, text: str, *_args: object) -> QMessageBox.StandardButton:
            asked.append(text)
            return button

        return ask

    monkeypatch.setattr(QMessageBox, "warning", answer(QMessageBox.StandardButton.Cancel))
    dialog.delete_button.click()
    assert asked and "Hanne Overdragsen" in asked[0] and "kan ikke fortrydes" in asked[0]
    with database.reading() as s:
        assert s.get(Citizen, citizen_id) is not None

    monkeypatch.setattr(QMessageBox, "warning", answer(QMessageBox.StandardButton.Yes))
    dialog.delete_button.click()
    qtbot.waitUntil(lambda: dialog.deleted, timeout=10_000)
    assert "slettet" in dialog.done_label.text()
    with database.reading() as s:
        assert s.scalars(select(Citizen)).first() is None
    assert sender.file.citizen_id is None  # the deleted case is no longer shown
    dialog.close()

    # The colleague: a wrong code is refused in the dialog, in Danish, and adds nothing.
    receiver = _window(qtbot, colleague)
    receiving = receive_dialog(receiver)
    qtbot.addWidget(receiving)
    receiving.show()
    receiving.path_edit.setText(str(dest))
    receiving.code_edit.setText(handover.new_code())
    receiving.receive_button.click()
    qtbot.waitUntil(lambda: receiving.error.isVisible(), timeout=10_000)
    assert "kan ikke åbnes med denne kode" in receiving.error.text()
    with colleague.reading() as s:
        assert s.scalars(select(Citizen)).first() is None

    receiving.code_edit.setText(code.lower().replace("-", " "))
    receiving.receive_button.click()
    qtbot.waitUntil(lambda: receiving.result_info is not None, timeout=10_000)
    assert receiving.result_info is not None
    new_id = receiving.result_info.citizen_id
    assert receiver.file.citizen_id == new_id  # the received case is opened
    assert case_snapshot(colleague, new_id, skip_handover_note=True) == before
