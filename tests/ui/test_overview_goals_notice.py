"""The Overblik says when the period of the goals in use has ended."""

from __future__ import annotations

import datetime as dt

from pytestqt.qtbot import QtBot

from db.session import Database
from jobraad.overview import load_overview
from ui.overview_page import OverviewPage


def test_the_overblik_shows_that_the_goal_period_has_ended(qtbot: QtBot, database: Database) -> None:
    page = OverviewPage()
    qtbot.addWidget(page)
    page.show()

    page.show_overview(load_overview(database, dt.date(2026, 12, 4)))
    assert not page.goals_notice.isVisible()

    page.show_overview(load_overview(database, dt.date(2027, 1, 15)))
    qtbot.waitUntil(page.goals_notice.isVisible)
    assert page.goals_notice.text() == (
        "Målperioden 2024–2026 (Integrationshandleplan 2024–26, CBA) er udløbet 31-12-2026; "
        "tallene er vist uden mål. Læg den nye periodes mål ind under »Mål for indsatsen«."
    )
