"""The Overblik page: signals by level (good news apart, not flagged), the group chips that
filter it, and the empty Overblik's ways to begin, wired in the main window."""

from __future__ import annotations

import datetime as dt
from unittest.mock import patch

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from db.enums import VisitationGroup
from db.session import Database
from jobraad.demo import generate_demo
from jobraad.overview import Overview, load_overview
from jobraad.vocab import GROUP_LABELS
from ui.main_window import MainWindow
from ui.overview_page import OverviewPage

TODAY = dt.date(2026, 12, 5)  # fixed: the demo's signal counts below are those of this day


@pytest.fixture
def demo(database: Database) -> Overview:
    generate_demo(database, citizens=40, seed=1, today=TODAY)
    return load_overview(database, TODAY)


@pytest.fixture
def page(qtbot: QtBot, demo: Overview) -> OverviewPage:
    p = OverviewPage()
    qtbot.addWidget(p)
    p.show()
    p.show_overview(demo)
    qtbot.waitUntil(p.filled)
    return p


def _part(lines: list[str], title: str) -> list[str]:
    """The lines under the top-level heading that starts with `title`."""
    start = next(i for i, line in enumerate(lines) if line.startswith(title))
    end = next((i for i in range(start + 1, len(lines)) if not lines[i].startswith(" ")), len(lines))
    return lines[start + 1 : end]


def _groups(lines: list[str]) -> list[str]:
    """The group of each citizen's line ("Navn   ·   Gruppe 1   ·   dokumentation …")."""
    people = [line for line in lines if line.startswith("  ") and not line.startswith("    ")]
    return [line.split("   ·   ")[1] for line in people if "   ·   " in line]


def test_signals_needing_attention_stand_apart_from_good_news(page: OverviewPage, demo: Overview) -> None:
    lines = page.lines()
    attention = _part(lines, "Signaler fra praktik")
    good = _part(lines, "Gode nyheder fra praktik")
    assert any(line.startswith("Signaler fra praktik — 5 borgere kræver opmærksomhed") for line in lines)
    flagged = [line.strip() for line in attention if line.startswith("    ")]
    assert flagged and all(line.startswith(("⚑ Alvorligt:", "⚑ Opmærksom:")) for line in flagged)
    assert not any("Timerne stiger" in line for line in attention)
    news = [line.strip() for line in good if line.startswith("    ")]
    assert news and all(line.startswith("▲ God nyhed: Timerne stiger") for line in news)
    assert not any("⚑" in line for line in good)


def test_a_chip_filters_the_overview_to_its_group_and_alle_brings_everyone_back(
    qtbot: QtBot, page: OverviewPage, demo: Overview
) -> None:
    whole = page.lines()
    chip = page.chips[VisitationGroup.GRUPPE_1]
    assert chip.text() == f"{demo.group_counts[VisitationGroup.GRUPPE_1]} {GROUP_LABELS[VisitationGroup.GRUPPE_1]}"
    assert page.all_chip.isChecked()
    qtbot.mouseClick(chip, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(page.filled)
    assert chip.isChecked() and chip.text().startswith("✓ ") and not page.all_chip.isChecked()
    assert set(_groups(page.lines())) == {GROUP_LABELS[VisitationGroup.GRUPPE_1]}
    assert len(page.lines()) < len(whole)

    # Enter on a chip with focus adds its group.
    other = page.chips[VisitationGroup.GRUPPE_3]
    other.setFocus()
    qtbot.keyClick(other, Qt.Key.Key_Return)
    qtbot.waitUntil(page.filled)
    assert other.isChecked()
    assert set(_groups(page.lines())) == {
        GROUP_LABELS[VisitationGroup.GRUPPE_1],
        GROUP_LABELS[VisitationGroup.GRUPPE_3],
    }

    # Enter again takes it away; "Alle" clears every chip.
    qtbot.keyClick(other, Qt.Key.Key_Enter)
    assert not other.isChecked()
    qtbot.mouseClick(page.all_chip, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(page.filled)
    assert page.all_chip.isChecked() and not any(c.isChecked() for c in page.chips.values())
    assert page.lines() == whole


def test_the_filter_holds_when_the_overview_is_read_again(qtbot: QtBot, page: OverviewPage, demo: Overview) -> None:
    qtbot.mouseClick(page.chips[VisitationGroup.GRUPPE_2], Qt.MouseButton.LeftButton)
    page.show_overview(demo)
    qtbot.waitUntil(page.filled)
    assert page.chips[VisitationGroup.GRUPPE_2].isChecked()
    assert set(_groups(page.lines())) == {GROUP_LABELS[VisitationGroup.GRUPPE_2]}


def test_an_empty_overview_says_what_to_do_next(qtbot: QtBot, database: Database) -> None:
    window = MainWindow(database, today=TODAY)
    qtbot.addWidget(window)
    window.show()
    page = window.overview
    assert page.empty.isVisible() and not page.tree.isVisible()
    assert not page.all_chip.isVisible()
    window.activateWindow()
    window.overview.tree.setFocus()  # as the window does after reading: it reaches the first button
    qtbot.waitUntil(page.empty.import_button.hasFocus)
    texts = [b.text() for b in (page.empty.import_button, page.empty.new_button, page.empty.demo_button)]
    assert texts == ["&Importér borgere… (Ctrl+I)", "&Ny borger… (Ctrl+N)", "Prøv &demoen"]

    with patch.object(MainWindow, "new_citizen") as new_citizen:
        window2 = MainWindow(database, today=TODAY)  # the slots patched before they are connected
        qtbot.addWidget(window2)
        window2.show()
        qtbot.mouseClick(window2.overview.empty.new_button, Qt.MouseButton.LeftButton)
        assert new_citizen.call_count == 1
    with patch.object(MainWindow, "choose_import_file") as choose:
        window3 = MainWindow(database, today=TODAY)
        qtbot.addWidget(window3)
        window3.show()
        window3.overview.empty.import_button.setFocus()
        qtbot.keyClick(window3.overview.empty.import_button, Qt.Key.Key_Space)
        assert choose.call_count == 1
    with patch("ui.demo_launch.QProcess.startDetached", return_value=(True, 4242)) as started:
        qtbot.mouseClick(page.empty.demo_button, Qt.MouseButton.LeftButton)
    [(_program, arguments), _] = started.call_args
    assert arguments[-1] == "--demo"


def test_a_caseload_gets_the_overview_not_the_empty_page(qtbot: QtBot, database: Database) -> None:
    generate_demo(database, citizens=3, seed=2, today=TODAY)
    window = MainWindow(database, today=TODAY)
    qtbot.addWidget(window)
    window.show()
    assert window.overview.tree.isVisible() and not window.overview.empty.isVisible()


def test_a_palette_change_while_open_recolours_the_overview(
    qtbot: QtBot, page: OverviewPage, qapp: QApplication
) -> None:
    from PySide6.QtGui import QBrush

    from jobraad.visitation import Urgency
    from tests.ui.conftest import settle
    from tests.ui.test_palette_contrast import DARK, _palette
    from ui import palette

    before = qapp.palette()
    try:
        qapp.setPalette(_palette(DARK))
        settle()
        qtbot.waitUntil(page.filled)
        section = page.tree.topLevelItem(0)
        assert section is not None
        background = section.background(0)
        assert isinstance(background, QBrush)
        assert background.color() == palette.deadline_background(Urgency.OVERDUE)
        assert palette.is_dark() and background.color().lightness() < 100
    finally:
        qapp.setPalette(before)
