"""The hours trend of a team summary: progression's weeks (sickness and empty weeks left out,
placements' weeks summed, only inside the placement), first weeks against last."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from db.enums import AbsenceReason, PlacementKind
from db.models import HoursEntry, Placement
from db.session import Database
from tests.jobraad.team.caseloads import Person, add, exact


def test_hours_progression(database: Database) -> None:
    praktik = [(PlacementKind.VIRKSOMHEDSPRAKTIK, dt.date(2025, 1, 6), None)]
    sick = AbsenceReason.SYGDOM

    def weeks(*attended: float) -> list[tuple[int, int, float, float, AbsenceReason | None]]:
        return [(2025, 2 + i, 10.0, a, None) for i, a in enumerate(attended)]

    add(
        database,
        Person(placements=praktik, hours=weeks(5, 5, 6, 8, 10, 12)),  # rising
        Person(placements=praktik, hours=weeks(10, 10, 10, 10)),  # flat
        Person(placements=praktik, hours=weeks(12, 10, 8, 6)),  # falling
        # a sickness week with nothing attended is left out: 8, 8 -> flat
        Person(placements=praktik, hours=[(2025, 2, 10, 8, None), (2025, 3, 10, 0, sick), (2025, 4, 10, 8, None)]),
        Person(placements=praktik, hours=weeks(7)),  # one week: no trend
        Person(placements=praktik, hours=[(2024, 40, 10, 2, None), (2024, 41, 10, 20, None)]),  # before the period
    )
    t = exact(database).table("timer")
    assert {r.key: r.count.value for r in t.rows} == {"stigende": 1, "uaendret": 2, "faldende": 1}
    assert t.total.count.value == 4


def test_hours_of_placements_in_the_same_weeks_are_summed_and_only_inside_the_placement(database: Database) -> None:
    praktik, loentilskud = PlacementKind.VIRKSOMHEDSPRAKTIK, PlacementKind.LOENTILSKUD
    both = [(praktik, dt.date(2025, 1, 6), None), (loentilskud, dt.date(2025, 1, 6), None)]
    later = [(praktik, dt.date(2025, 3, 3), None)]  # week 10
    ids = add(
        database,
        # 6, 6, 6, 6 in the first placement and 0, 0, 4, 4 in the second: 6, 6, 10, 10 -> rising (one after
        # the other they would be falling)
        Person(placements=both, hours=[(2025, 2 + i, 10.0, 6.0, None) for i in range(4)]),
        # hours before the placement began (weeks 6–9) are left out: 8, 8 -> flat, not rising
        Person(placements=later, hours=[(2025, w, 10.0, a, None) for w, a in [(6, 1), (7, 1), (10, 8), (11, 8)]]),
        # week 53 of 2025 is no week, and is left out: 8, 8 -> flat
        Person(
            placements=[(praktik, dt.date(2025, 11, 3), None)],
            hours=[(2025, 46, 10, 8, None), (2025, 47, 10, 8, None), (2025, 53, 10, 30, None)],
        ),
    )
    with database.transaction() as session:
        second = session.scalars(select(Placement).where(Placement.citizen_id == ids[0]).order_by(Placement.id)).all()[
            1
        ]
        second.hours = [
            HoursEntry(iso_year=2025, iso_week=2 + i, planned_hours=10.0, attended_hours=a)
            for i, a in enumerate([0, 0, 4, 4])
        ]
    t = exact(database).table("timer")
    assert {r.key: r.count.value for r in t.rows} == {"stigende": 1, "uaendret": 2, "faldende": 0}
