"""Retention in the window: the deletion date in the closed case's summary, the Overblik's line
that opens the list to delete from, and what the list says about backups."""

from __future__ import annotations

import datetime as dt
from unittest.mock import patch

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QLabel, QLineEdit
from pytestqt.qtbot import QtBot

from db.enums import Outcome
from db.session import Database
from jobraad.citizen_file import open_citizen_file
from jobraad.citizens import CitizenInput, close_case, create_citizen
from jobraad.overview import load_overview
from jobraad.settings import get_setting
from ui.dialogs.settings_dialog import settings_dialog
from ui.file_tabs.summary import summary_html
from ui.main_window import MainWindow
from ui.overview_page import OverviewPage
from ui.trust_actions import RetentionDialog


def _closed(database: Database, cpr: str, outcome: Outcome, on: dt.date) -> int:
    cid = create_citizen(database, CitizenInput("Łucja", f"Wąsik{cpr[-1]}", cpr))
    close_case(database, cid, outcome, on)
    return cid


def test_the_closed_case_shows_its_deletion_date_and_that_the_period_is_provisional(database: Database) -> None:
    cid = _closed(database, "1505801234", Outcome.FLYTTET, dt.date(2025, 1, 31))
    html = summary_html(open_citizen_file(database, cid, dt.date(2025, 3, 1)), dt.date(2025, 3, 1))
    assert "<b>Kan slettes fra</b> 01-05-2025" in html
    assert "Opbevares i 3 måneder (foreløbig: den nye kommune får sagen" in html
    html = summary_html(open_citizen_file(database, cid, dt.date(2025, 6, 1)), dt.date(2025, 6, 1))
    assert "<b>Kan slettes, siden</b> 01-05-2025" in html


def test_the_overblik_prompts_for_cases_due_for_deletion(qtbot: QtBot, database: Database) -> None:
    _closed(database, "1505801234", Outcome.FLYTTET, dt.date(2025, 1, 31))  # from 01-05-2025
    _closed(database, "0101621233", Outcome.UDDANNELSE, dt.date(2025, 1, 31))  # from 01-02-2026
    page = OverviewPage()
    qtbot.addWidget(page)
    page.show()
    page.show_overview(load_overview(database, dt.date(2025, 4, 30)))
    assert not page.deletion_prompt.isVisible()
    page.show_overview(load_overview(database, dt.date(2025, 5, 1)))
    qtbot.waitUntil(page.deletion_prompt.isVisible)
    assert page.deletion_prompt.text() == "1 lukket sag har passeret opbevaringsperioden – gennemse og slet…"
    page.show_overview(load_overview(database, dt.date(2026, 2, 1)))
    assert page.deletion_prompt.text() == "2 lukkede sager har passeret opbevaringsperioden – gennemse og slet…"
    with qtbot.waitSignal(page.deletion_requested, timeout=2000):
        qtbot.mouseClick(page.deletion_prompt, Qt.MouseButton.LeftButton)


def test_the_overblik_line_opens_the_list_to_delete_from(qtbot: QtBot, database: Database) -> None:
    _closed(database, "1505801234", Outcome.FLYTTET, dt.date.today() - dt.timedelta(days=200))
    window = MainWindow(database)
    qtbot.addWidget(window)
    window.overview.show_overview(load_overview(database, window.today))
    opened: list[RetentionDialog] = []

    def shown(dialog: RetentionDialog) -> int:
        opened.append(dialog)
        return int(QDialog.DialogCode.Rejected)

    with patch.object(RetentionDialog, "exec", shown):
        window.overview.deletion_prompt.click()
    assert len(opened) == 1
    dialog = opened[0]
    assert dialog.list.count() == 1 and "Wąsik4" in dialog.list.item(0).text()
    assert "(Flyttet), kan slettes fra" in dialog.list.item(0).text()
    texts = " ".join(label.text() for label in dialog.findChildren(QLabel))
    assert "i højst 28 dage" in texts and "foreløbig" in texts


def test_the_settings_dialog_keeps_retention_by_outcome_or_the_caseworkers_period(
    qtbot: QtBot, database: Database
) -> None:
    dialog = settings_dialog(database)
    qtbot.addWidget(dialog)
    field = dialog.widgets["retention_months"]
    assert isinstance(field, QLineEdit) and field.text() == "0"  # 0 = by the case's outcome
    dialog.accept()
    assert get_setting(database, "retention_months") == 0
    cid = _closed(database, "1505801234", Outcome.FLYTTET, dt.date(2025, 1, 31))
    dialog = settings_dialog(database)
    qtbot.addWidget(dialog)
    dialog.widgets["retention_months"].setText("12")  # type: ignore[attr-defined]
    dialog.accept()
    retention = open_citizen_file(database, cid, dt.date(2025, 3, 1)).retention
    assert retention is not None and retention.delete_from == dt.date(2026, 2, 1)
    assert retention.period.describe() == "12 måneder (din indstilling)"
