"""The citizen's own plan from the window: Borger → "Min plan (PDF)…" (Ctrl+Shift+D) makes it in
a worker and shows it in the preview to print or save; the preview says the headings'
translation is foreløbig; the help lists the shortcut; the audit log records the print."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Iterator
from pathlib import Path

import pytest
from pypdf import PdfReader
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from db.enums import VisitationGroup
from db.session import Database
from jobraad import audit
from jobraad.citizens import CitizenInput, create_citizen
from jobraad.settings import set_settings
from tests.helpers import audit_log
from ui.dialogs import dossier_preview
from ui.dialogs.dossier_preview import DossierPreview
from ui.help import shortcut_lines
from ui.main_window import MainWindow

TODAY = dt.date(2026, 3, 2)
CPR = "0101621233"


@pytest.fixture
def citizen(database: Database) -> int:
    set_settings(database, {"caseworker_name": "Mette Holm", "caseworker_phone": "33 66 33 66"})
    return create_citizen(
        database,
        CitizenInput("Søren", "Ærø", CPR, language="engelsk", group=VisitationGroup.GRUPPE_2, forloeb_start=TODAY),
    )


@pytest.fixture
def window(qtbot: QtBot, database: Database, citizen: int, monkeypatch: pytest.MonkeyPatch) -> Iterator[MainWindow]:
    monkeypatch.setattr(DossierPreview, "exec", lambda self: self.show() or 0)  # shown, not waited for
    w = MainWindow(database, today=TODAY)
    qtbot.addWidget(w)
    with qtbot.waitActive(w):
        w.show()
        w.activateWindow()
    w.open_citizen(citizen)
    qtbot.waitUntil(lambda: w.file.citizen_id == citizen)
    yield w


def _plan_action(window: MainWindow):  # type: ignore[no-untyped-def]
    menus = {m.title(): m for m in window.menuBar().findChildren(type(window.menuBar().addMenu("x")))}
    return next(a for a in menus["&Borger"].actions() if a.text() == "Min &plan (PDF)…")


def test_ctrl_shift_d_shows_the_plan_in_the_preview_and_logs_it(
    qtbot: QtBot, window: MainWindow, database: Database, citizen: int
) -> None:
    assert _plan_action(window).shortcut() == QKeySequence("Ctrl+Shift+D")
    before = len(audit_log(database))
    focus = QApplication.focusWidget() or window
    qtbot.keyClick(focus, "D", QKeySequence("Ctrl+Shift+D")[0].keyboardModifiers())
    qtbot.waitUntil(lambda: isinstance(getattr(window.file, "last_preview", None), DossierPreview), timeout=30_000)
    preview: DossierPreview = window.file.last_preview
    qtbot.addWidget(preview)
    assert preview.windowTitle() == "Min plan"
    assert preview.suggested_name == "Min plan SÆ 2026-03-02.pdf"
    assert "foreløbig" in preview.info.text() and "engelsk" in preview.info.text()
    text = " ".join(" ".join(p.extract_text() for p in PdfReader(io.BytesIO(preview.data)).pages).split())
    assert "My plan Min plan" in text and "Søren Ærø" in text and "Mette Holm" in text
    assert "010162" not in text
    assert (audit.Action.PRINT, citizen, "min plan") in audit_log(database)[before:]


def test_the_plan_is_saved_where_the_caseworker_chooses(
    qtbot: QtBot, window: MainWindow, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _plan_action(window).trigger()
    qtbot.waitUntil(lambda: isinstance(getattr(window.file, "last_preview", None), DossierPreview), timeout=30_000)
    preview: DossierPreview = window.file.last_preview
    qtbot.addWidget(preview)
    target = tmp_path / "plan.pdf"
    monkeypatch.setattr(dossier_preview, "save_file", lambda *_a, **_k: target)
    assert preview.save_as() == target
    assert target.read_bytes() == preview.data


def test_the_help_lists_the_plans_shortcut(window: MainWindow) -> None:
    native = QKeySequence("Ctrl+Shift+D").toString(QKeySequence.SequenceFormat.NativeText)
    assert (native, "Min plan (PDF)", "Borger") in [
        (line.keys, line.what, line.where) for line in shortcut_lines(window)
    ]
