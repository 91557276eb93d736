"""Every table model under ui/ passes pytest-qt's model tester, with the rows a real
caseload gives them (a demo caseload: every kind of record, closed cases, empty cells)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from db.enums import VisitationGroup
from db.session import Database
from jobraad import health, placements, records
from jobraad.caseload import CaseloadRow, load_caseload
from jobraad.demo import generate_demo
from ui.file_tabs.base import FileTab
from ui.file_tabs.documentation import DocumentationTab
from ui.file_tabs.forloeb import ForloebTab
from ui.file_tabs.health import HealthTab
from ui.file_tabs.journal import JournalTab
from ui.file_tabs.meetings import MeetingsTab
from ui.file_tabs.placements import PlacementsTab
from ui.models.caseload import CaseloadFilterProxy, CaseloadTableModel
from ui.models.records import RecordTableModel

TODAY = dt.date(2026, 11, 25)


@pytest.fixture
def caseload(database: Database) -> list[CaseloadRow]:
    generate_demo(database, citizens=25, seed=1, today=TODAY)
    return load_caseload(database, TODAY)


def _with(caseload: list[CaseloadRow], has: Callable[[int], list[Any]]) -> int:
    """A citizen of the demo caseload with more than one record of a kind."""
    return next(row.citizen_id for row in caseload if len(has(row.citizen_id)) > 1)


def test_caseload_model_and_its_proxy(qtmodeltester: Any, caseload: list[CaseloadRow]) -> None:
    assert any(not row.active for row in caseload) and any(row.next_due for row in caseload)
    model = CaseloadTableModel()
    model.set_rows(caseload, TODAY)
    qtmodeltester.check(model)
    proxy = CaseloadFilterProxy()
    proxy.today = TODAY
    proxy.setSourceModel(model)
    qtmodeltester.check(proxy)
    proxy.sort(CaseloadTableModel.NEXT_DEADLINE, Qt.SortOrder.DescendingOrder)
    proxy.set_filters(status="all", group=VisitationGroup.GRUPPE_3)
    proxy.set_search("a")
    assert 0 < proxy.rowCount() < len(caseload)
    qtmodeltester.check(proxy)
    model.set_reveal_cpr(True)
    qtmodeltester.check(model)


def test_caseload_proxy_sorts_with_the_models_keys(caseload: list[CaseloadRow]) -> None:
    model = CaseloadTableModel()
    model.set_rows(caseload, TODAY)
    proxy = CaseloadFilterProxy()
    proxy.setSourceModel(model)
    proxy.set_filters(status="all")
    proxy.sort(CaseloadTableModel.AGE, Qt.SortOrder.DescendingOrder)
    ages = [proxy.row_at(i).age for i in range(proxy.rowCount())]
    assert len(ages) == len(caseload) and ages == sorted(ages, reverse=True)


def _shown(qtbot: QtBot, tab: FileTab, citizen_id: int) -> None:
    qtbot.addWidget(tab)
    tab.show_citizen(citizen_id)


def test_record_lists_of_the_file(
    qtmodeltester: Any, qtbot: QtBot, database: Database, caseload: list[CaseloadRow]
) -> None:
    meetings = MeetingsTab(database, TODAY)
    _shown(qtbot, meetings, _with(caseload, lambda c: records.list_meetings(database, c)))
    journal = JournalTab(database, TODAY)
    _shown(qtbot, journal, _with(caseload, lambda c: records.list_journal(database, c)))
    notes = HealthTab(database, TODAY)
    _shown(qtbot, notes, _with(caseload, lambda c: health.list_health_notes(database, c)))
    documentation = DocumentationTab(database, TODAY)
    _shown(qtbot, documentation, _with(caseload, lambda c: documentation_consents(database, c)))
    models: tuple[RecordTableModel[Any], ...] = (
        meetings.meetings.model,
        journal.notes.model,
        notes.notes.model,
        notes.contacts.model,
        documentation.consents.model,
    )
    for model in models:
        assert model.rowCount() > 0
        qtmodeltester.check(model)


def documentation_consents(database: Database, citizen_id: int) -> list[Any]:
    from jobraad.documentation import load_checklist

    return list(load_checklist(database, citizen_id, TODAY).consents)


def test_goals_and_visitation_history(qtmodeltester: Any, qtbot: QtBot, database: Database) -> None:
    from jobraad.citizen_file import open_citizen_file
    from jobraad.citizens import CitizenInput, change_group, create_citizen

    cid = create_citizen(
        database,
        CitizenInput("Amir", "Haddad", "0202921237", group=VisitationGroup.GRUPPE_2, forloeb_start=dt.date(2026, 1, 5)),
    )
    change_group(database, cid, VisitationGroup.GRUPPE_1, dt.date(2026, 6, 1), "Timerne steg i praktikken")
    records.set_goal_reached(database, cid, "cv", dt.date(2026, 7, 1))
    tab = ForloebTab(database, TODAY)
    qtbot.addWidget(tab)
    tab.show_file(cid, open_citizen_file(database, cid, TODAY))
    assert tab.goals.model.rowCount() > 1 and tab.history_model.rowCount() == 2
    qtmodeltester.check(tab.goals.model)
    qtmodeltester.check(tab.history_model)


def test_placements_and_the_week_grid(
    qtmodeltester: Any, qtbot: QtBot, database: Database, caseload: list[CaseloadRow]
) -> None:
    citizen_id, placement_id = next(
        (row.citizen_id, p.placement_id)
        for row in caseload
        for p in placements.list_placements(database, row.citizen_id)
        if any(w.stored for w in placements.week_rows(database, p.placement_id, TODAY))
    )
    tab = PlacementsTab(database, TODAY)
    _shown(qtbot, tab, citizen_id)
    model = tab.placement_model
    row = next(i for i in range(model.rowCount()) if model.row_at(i).placement_id == placement_id)
    tab.placement_view.selectRow(row)
    assert any(tab.grid_model.row_at(i).stored for i in range(tab.grid_model.rowCount()))
    qtmodeltester.check(model)
    qtmodeltester.check(tab.grid_model)
