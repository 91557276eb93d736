"""Undoing the last change, without any window: the stored rows are as before the change, in
one transaction, and an undo that would throw a later change away is refused."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import func, select

from db.enums import AbsenceReason, Aim, DocumentState, PlacementKind, VisitationGroup
from db.models import AuditEntry, Consent, DocumentationItem, HoursEntry
from db.session import Database
from jobraad import documentation, placements
from jobraad.citizens import CitizenInput, create_citizen
from tests.helpers import consent_input

TODAY = dt.date(2026, 3, 2)


def _citizen(database: Database) -> int:
    return create_citizen(
        database,
        CitizenInput(
            "Łucja",
            "Wąsik",
            "1505801234",
            aim=Aim.FLEKSJOB,
            group=VisitationGroup.GRUPPE_3,
            forloeb_start=dt.date(2026, 1, 5),
        ),
    )


def _count(database: Database, model: type) -> int:
    with database.reading() as session:
        return int(session.scalar(select(func.count()).select_from(model)) or 0)


def test_undoing_a_received_consent_item_removes_the_consent_it_recorded(database: Database) -> None:
    cid = _citizen(database)
    change = documentation.set_state(
        database,
        cid,
        "samtykke_egen_laege",
        "",
        DocumentState.MODTAGET,
        on=TODAY,
        consent=consent_input(TODAY),
        today=TODAY,
    )
    assert _count(database, Consent) == 1
    documentation.undo_state(database, change)
    assert _count(database, Consent) == 0
    assert _count(database, DocumentationItem) == 0
    checklist = documentation.load_checklist(database, cid, TODAY)
    assert checklist.entry("samtykke_egen_laege").state == DocumentState.MANGLER


def test_an_undo_is_logged_without_names(database: Database) -> None:
    cid = _citizen(database)
    change = documentation.set_state(
        database, cid, "hospital_journal", "", DocumentState.IKKE_RELEVANT, reason="Ingen", today=TODAY
    )
    documentation.undo_state(database, change)
    with database.reading() as session:
        details = session.scalars(select(AuditEntry.detail)).all()
    assert "dokumentation fortrudt" in details
    assert not any("Wąsik" in d for d in details)


def test_undoing_a_save_of_several_weeks_restores_each(database: Database) -> None:
    cid = _citizen(database)
    pid = placements.add_placement(
        database,
        cid,
        placements.PlacementInput(
            kind=PlacementKind.VIRKSOMHEDSPRAKTIK,
            employer_name="Føtex Amager",
            start_date=dt.date(2026, 1, 5),
            planned_end=dt.date(2026, 3, 27),
            planned_hours_per_week=8,
        ),
    )
    placements.save_weeks(database, pid, [placements.HoursInput(2026, 2, 8, 5, observation="God uge")], today=TODAY)
    undo = placements.save_weeks_undoable(
        database,
        pid,
        [
            placements.HoursInput(2026, 2, 8, 6),
            placements.HoursInput(2026, 3, 8, 7, absence=1, absence_reason=AbsenceReason.SYGDOM),
        ],
        today=TODAY,
    )
    assert undo is not None and undo.description == "gemte timer for uge 2 og 3, 2026 (Føtex Amager)"
    placements.undo_weeks(database, undo)
    with database.reading() as session:
        rows = session.execute(select(HoursEntry.iso_week, HoursEntry.attended_hours, HoursEntry.observation)).all()
    assert [tuple(r) for r in rows] == [(2, 5.0, "God uge")]
    assert placements.save_weeks_undoable(database, pid, [], today=TODAY) is None
