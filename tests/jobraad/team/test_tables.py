"""The breakdown tables of a team summary: groups, aims, ages, and gruppe 3's documentation readiness."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from db.enums import Aim, DocumentState
from db.models import Citizen, DocumentationItem
from db.session import Database
from jobraad.demo import generate_demo
from jobraad.documentation import readiness_by_citizen
from jobraad.goals import Population
from jobraad.team import tables
from jobraad.team.build import build_summary
from jobraad.team.model import calendar_year
from jobraad.team.population import read_caseload
from tests.jobraad.team.caseloads import G1, G2, G3, Person, add, exact, full_year


def test_groups_aims_and_ages(database: Database) -> None:
    add(
        database,
        Person(forloeb=[(G2, dt.date(2024, 6, 1), dt.date(2025, 5, 1)), (G1, dt.date(2025, 5, 1), None)]),
        Person(forloeb=full_year(G3), aim=Aim.FLEKSJOB, born=dt.date(1962, 1, 2)),
        Person(born=dt.date(1990, 5, 5)),
        Person(born=dt.date(2000, 5, 5)),
        Person(born=dt.date(1959, 12, 31)),  # 65 on 1 January 2025
    )
    s = exact(database)
    groups = s.table("gruppe")
    assert groups.row("gruppe_1").count.value == 4 and groups.row("gruppe_2").count.value == 0
    assert groups.row("gruppe_3").count.value == 1
    assert s.table("sigte").row("fleksjob").count.value == 1 and s.table("sigte").row("job").count.value == 4
    ages = {r.key: r.count.value for r in s.table("alder").rows}
    assert ages == {"under_30": 1, "30_44": 1, "45_54": 1, "55_59": 0, "60_64": 1, "65_plus": 1}


def test_documentation_readiness_of_gruppe_3(database: Database) -> None:
    add(database, *[Person(forloeb=full_year(G3), aim=Aim.FLEKSJOB) for _ in range(3)], Person())
    t = build_summary(database, calendar_year(2026), as_of=dt.date(2026, 11, 25), anonymous=False).table(
        "dokumentation"
    )
    assert t.total.count.value == 3
    assert t.row("mangler").count.value == 3 and t.row("klar").count.value == 0


def test_documentation_readiness_is_the_checklists(database: Database) -> None:
    """The summary's readiness is the checklist's (`documentation.readiness_by_citizen`),
    employer statements and overdue requests that are no checklist entry included."""
    generate_demo(database, citizens=80, seed=5)
    today = dt.date.today()
    with database.transaction() as session:  # more requests overdue and items received, of every kind of item
        items = session.scalars(select(DocumentationItem).where(DocumentationItem.citizen_id % 3 == 0)).all()
        for i, item in enumerate(items):
            if i % 4 == 0:
                item.state, item.expected_by = DocumentState.ANMODET, today - dt.timedelta(days=1 + i % 5)
            elif i % 4 == 1:
                item.state = DocumentState.MODTAGET
        # Cases whose aim has no checklist (every demo case in gruppe 3 has one).
        for citizen in session.scalars(select(Citizen).where(Citizen.id % 5 == 0)):
            citizen.aim = Aim.JOB
        # Overdue requests that are no entry of the checklist: an item the pack does not know, and (where
        # there are statement placements) an employer statement that names no placement.
        late = today - dt.timedelta(days=3)
        stored = set(session.execute(select(DocumentationItem.citizen_id, DocumentationItem.item_key)))
        for cid in session.scalars(select(Citizen.id).where(Citizen.id % 3 == 1)):
            for key in ("ukendt_punkt", "praktik_udtalelse"):
                if (cid, key) not in stored:
                    session.add(
                        DocumentationItem(
                            citizen_id=cid, item_key=key, instance="", state=DocumentState.ANMODET, expected_by=late
                        )
                    )
    s = build_summary(database, anonymous=False)
    period = calendar_year(today.year)
    with database.reading() as session:
        caseload = read_caseload(session.connection(), period, today)
        base_ids = sorted(caseload.members(Population.ALL))
        states, overdue = tables.readiness_states(session, today, caseload, base_ids)
        expected = readiness_by_citizen(session, today, list(states))
    assert len(states) >= 10 and len(set(states.values())) == 3
    for cid, state in states.items():
        r = expected[cid]
        assert state == ("klar" if r.ready else "ingen_krav" if r.required == 0 else "mangler"), cid
    shown = {r.key: r.count.value for r in s.table("dokumentation").rows}
    assert shown == {key: sum(1 for v in states.values() if v == key) for key, _ in tables.READINESS_ROWS}
    assert s.overdue_requests.value == overdue == sum(1 for cid in states if expected[cid].overdue) > 0
