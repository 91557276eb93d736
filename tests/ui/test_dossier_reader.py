"""Who the dossier is for: made for the team at once (Ctrl+D asks nothing), and "Modtager" in
the preview makes it again for another reader, named in the suggested file name."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any, BinaryIO

import pytest
from pytestqt.qtbot import QtBot

import jobraad.dossier
from db.session import Database
from jobraad.citizens import CitizenInput, create_citizen
from jobraad.dossier import DossierOptions, reader_choices
from ui.citizen_file import CitizenFileWidget
from ui.dialogs.dossier_preview import DossierPreview

TODAY = dt.date(2026, 3, 2)


class Made:
    """What `build_dossier` was asked for."""

    def __init__(self) -> None:
        self.options: list[DossierOptions] = []


@pytest.fixture
def made(monkeypatch: pytest.MonkeyPatch) -> Made:
    made = Made()

    def build(_db: Database, _cid: int, out: BinaryIO, *, options: DossierOptions, **_kw: Any) -> None:
        made.options.append(options)
        out.write(b"%PDF-1.4")

    monkeypatch.setattr(jobraad.dossier, "build_dossier", build)
    monkeypatch.setattr(DossierPreview, "exec", lambda self: self.show() or 0)  # shown, not waited for
    return made


@pytest.fixture
def file(qtbot: QtBot, database: Database) -> Iterator[CitizenFileWidget]:
    citizen = create_citizen(database, CitizenInput("Åse", "Bønnelykke", "0101621233", forloeb_start=TODAY))
    widget = CitizenFileWidget(database, TODAY)
    qtbot.addWidget(widget)
    widget.show_citizen(citizen)
    yield widget


def _preview(qtbot: QtBot, file: CitizenFileWidget) -> DossierPreview:
    qtbot.waitUntil(lambda: isinstance(getattr(file, "last_preview", None), DossierPreview))
    preview: DossierPreview = file.last_preview
    qtbot.addWidget(preview)
    return preview


def test_the_dossier_is_made_for_the_team_without_asking(qtbot: QtBot, file: CitizenFileWidget, made: Made) -> None:
    file.make_dossier()
    preview = _preview(qtbot, file)
    assert [o.reader for o in made.options] == ["team"]
    assert preview.suggested_name == "Sag ÅB 2026-03-02.pdf"
    assert preview.reader() == "team"


def test_modtager_lists_every_reader_with_the_team_first_and_chosen(
    qtbot: QtBot, file: CitizenFileWidget, made: Made
) -> None:
    file.make_dossier()
    choice = _preview(qtbot, file).reader_choice
    assert choice.isVisible()
    assert [(choice.itemData(i), choice.itemText(i)) for i in range(choice.count())] == reader_choices()
    assert choice.currentIndex() == 0 and choice.currentData() == "team"


def test_another_modtager_makes_the_dossier_again_for_them_and_names_them(
    qtbot: QtBot, file: CitizenFileWidget, made: Made
) -> None:
    file.make_dossier()
    preview = _preview(qtbot, file)
    choice = preview.reader_choice
    choice.setCurrentIndex(choice.findData("virksomhed"))
    qtbot.waitUntil(lambda: preview.suggested_name == "Sag virksomhed ÅB 2026-03-02.pdf")
    assert [o.reader for o in made.options] == ["team", "virksomhed"]
    assert preview.reader() == "virksomhed" and choice.isEnabled() and preview.print_button.isEnabled()
