"""Who the dossier is for: asked before it is made (Enter: the team), passed to the builder,
and named in the suggested file name for any other reader."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from typing import Any, BinaryIO

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QRadioButton
from pytestqt.qtbot import QtBot

import jobraad.dossier
import ui.dialogs.dossier_preview
from db.session import Database
from jobraad.citizens import CitizenInput, create_citizen
from jobraad.dossier import DossierOptions, reader_choices
from ui.citizen_file import CitizenFileWidget
from ui.dialogs.dossier_reader import ReaderDialog

TODAY = dt.date(2026, 3, 2)


class Made:
    """What `build_dossier` was asked for, and the name the preview was given."""

    def __init__(self) -> None:
        self.options: list[DossierOptions] = []
        self.names: list[str] = []


@pytest.fixture
def made(monkeypatch: pytest.MonkeyPatch) -> Made:
    made = Made()

    def build(_db: Database, _cid: int, out: BinaryIO, *, options: DossierOptions, **_kw: Any) -> None:
        made.options.append(options)
        out.write(b"%PDF-1.4")

    class Preview:
        def __init__(self, _data: bytes, name: str, *_args: Any) -> None:
            made.names.append(name)

        def exec(self) -> int:
            return 0

    monkeypatch.setattr(jobraad.dossier, "build_dossier", build)
    monkeypatch.setattr(ui.dialogs.dossier_preview, "DossierPreview", Preview)
    return made


@pytest.fixture
def file(qtbot: QtBot, database: Database) -> Iterator[CitizenFileWidget]:
    citizen = create_citizen(database, CitizenInput("Åse", "Bønnelykke", "0101621233", forloeb_start=TODAY))
    widget = CitizenFileWidget(database, TODAY)
    qtbot.addWidget(widget)
    widget.show_citizen(citizen)
    yield widget


def _answer(qtbot: QtBot, monkeypatch: pytest.MonkeyPatch, act: Callable[[ReaderDialog], None]) -> None:
    """The reader dialog is shown and `act` is what the user does in it."""

    def exec_(self: ReaderDialog) -> int:
        self.show()
        qtbot.waitExposed(self)
        act(self)
        return int(self.result())

    monkeypatch.setattr(ReaderDialog, "exec", exec_)


def test_enter_makes_the_dossier_for_the_team(
    qtbot: QtBot, monkeypatch: pytest.MonkeyPatch, file: CitizenFileWidget, made: Made
) -> None:
    _answer(qtbot, monkeypatch, lambda d: qtbot.keyClick(d, Qt.Key.Key_Return))
    file.make_dossier()
    qtbot.waitUntil(lambda: len(made.names) == 1)
    assert [o.reader for o in made.options] == ["team"]
    assert made.names == ["Sag ÅB 2026-03-02.pdf"]


def test_another_reader_is_passed_on_and_named_in_the_file_name(
    qtbot: QtBot, monkeypatch: pytest.MonkeyPatch, file: CitizenFileWidget, made: Made
) -> None:
    def choose_employer(d: ReaderDialog) -> None:
        button = d.findChild(QRadioButton, "reader_virksomhed")
        assert button is not None
        qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
        qtbot.keyClick(d, Qt.Key.Key_Return)

    _answer(qtbot, monkeypatch, choose_employer)
    file.make_dossier()
    qtbot.waitUntil(lambda: len(made.names) == 1)
    assert [o.reader for o in made.options] == ["virksomhed"]
    assert made.names == ["Sag virksomhed ÅB 2026-03-02.pdf"]


def test_escape_makes_nothing(
    qtbot: QtBot, monkeypatch: pytest.MonkeyPatch, file: CitizenFileWidget, made: Made
) -> None:
    _answer(qtbot, monkeypatch, lambda d: qtbot.keyClick(d, Qt.Key.Key_Escape))
    file.make_dossier()
    assert made.options == [] and made.names == []


def test_the_dialog_lists_every_reader_with_the_team_first_and_chosen(qtbot: QtBot) -> None:
    dialog = ReaderDialog(reader_choices())
    qtbot.addWidget(dialog)
    buttons = dialog.findChildren(QRadioButton)
    assert [b.text() for b in buttons] == [label for _key, label in reader_choices()]
    assert buttons[0].objectName() == "reader_team" and buttons[0].isChecked()
    assert dialog.reader() == "team"
    assert dialog.result() == QDialog.DialogCode.Rejected
