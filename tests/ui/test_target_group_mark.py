"""The 2024 target group marked on the caseload row (a mark beside the name, its tooltip naming
the criteria, the years and where they come from) and in the case's Stamdata."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import Qt
from PySide6.QtGui import QIcon
from pytestqt.qtbot import QtBot

from db.enums import PeriodBenefit
from db.session import Database
from jobraad.case_history import BenefitPeriodInput, save_benefit_periods
from jobraad.caseload import load_caseload
from jobraad.citizen_file import open_citizen_file
from jobraad.citizens import CitizenInput, create_citizen
from ui.file_tabs.stamdata import StamdataTab
from ui.models.caseload import CaseloadTableModel

TODAY = dt.date(2026, 12, 1)


def _two(database: Database) -> tuple[int, int]:
    member = create_citizen(database, CitizenInput("Anna", "Holm", "0101681234"))
    save_benefit_periods(
        database, member, [BenefitPeriodInput(PeriodBenefit.KONTANTHJAELP, dt.date(2016, 1, 1))], today=TODAY
    )
    other = create_citizen(database, CitizenInput("Bo", "Lund", "0101901237", support_years_last10=9))
    return member, other


def test_a_target_group_row_has_a_mark_and_says_why(qtbot: QtBot, database: Database) -> None:
    member, other = _two(database)
    model = CaseloadTableModel()
    model.set_rows(load_caseload(database, TODAY), TODAY)
    rows = {model.row_at(i).citizen_id: i for i in range(model.rowCount())}
    marked = model.index(rows[member], CaseloadTableModel.NAME)
    icon = marked.data(Qt.ItemDataRole.DecorationRole)
    assert isinstance(icon, QIcon) and not icon.isNull()
    assert marked.data(Qt.ItemDataRole.ToolTipRole) == (
        "Målgruppen 2024 (55–64 år, forsørget 8 af de seneste 10 år): 58 år, "
        "10 af de seneste 10 år (talt fra forsørgelseshistorikken; foreløbig)"
    )
    # 36 years old: not in the target group, whatever was typed; no mark, no tooltip.
    plain = model.index(rows[other], CaseloadTableModel.NAME)
    assert plain.data(Qt.ItemDataRole.DecorationRole) is None
    assert plain.data(Qt.ItemDataRole.ToolTipRole) is None
    assert plain.data(Qt.ItemDataRole.DisplayRole) == "Bo Lund"  # the name itself is unchanged


def test_stamdata_names_the_target_group_and_where_the_years_come_from(qtbot: QtBot, database: Database) -> None:
    member, other = _two(database)
    tab = StamdataTab()
    qtbot.addWidget(tab)
    tab.show_file(open_citizen_file(database, member, TODAY))
    text = " ".join(tab.toPlainText().split())
    assert "Forsørgelse 10 af de seneste 10 år (talt fra forsørgelseshistorikken; foreløbig)" in text
    assert "Målgruppe 2024 Ja (55–64 år, forsørget 8 af de seneste 10 år)" in text
    tab.show_file(open_citizen_file(database, other, TODAY))
    text = " ".join(tab.toPlainText().split())
    assert "9 af de seneste 10 år (indtastet; ingen perioder i forsørgelseshistorikken)" in text
    assert "Målgruppe 2024 Nej" in text
