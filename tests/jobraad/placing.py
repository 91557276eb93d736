"""What the placement tests share: a fixed week, a citizen, a virksomhedspraktik and its hours."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import select

from db.enums import PlacementKind, VisitationGroup
from db.models import HoursEntry
from db.session import Database
from jobraad.citizens import CitizenInput, create_citizen
from jobraad.placements import HoursInput, PlacementInput

D = dt.date
K = PlacementKind
# A fixed Wednesday in ISO week 12 of 2026; every week used below lies in 2026.
TODAY = D(2026, 3, 18)
MONDAY = D(2026, 3, 16)
CPR = "010170-1234"


def monday(weeks_from_now: int) -> dt.date:
    return MONDAY + dt.timedelta(weeks=weeks_from_now)


def week(weeks_from_now: int) -> tuple[int, int]:
    iso = monday(weeks_from_now).isocalendar()
    return iso.year, iso.week


def new_citizen(
    database: Database,
    cpr: str = CPR,
    group: VisitationGroup = VisitationGroup.GRUPPE_2,
    first: str = "Søren",
) -> int:
    return create_citizen(
        database,
        CitizenInput(first_name=first, last_name="Ærø", cpr=cpr, group=group, forloeb_start=D(2026, 1, 5)),
    )


def praktik(**changes: Any) -> PlacementInput:
    """A virksomhedspraktik that started five weeks ago and is planned for 13 weeks."""
    values: dict[str, Any] = {
        "kind": K.VIRKSOMHEDSPRAKTIK,
        "employer_name": "Bageriet Brød & Co",
        "start_date": monday(-5),
        "planned_hours_per_week": 10.0,
    }
    values.update(changes)
    start = values["start_date"]
    if "planned_end" not in values:
        values["planned_end"] = start + dt.timedelta(weeks=13) if isinstance(start, dt.date) else None
    return PlacementInput(**values)


def hours(weeks_from_now: int, attended: float, planned: float = 10.0, **changes: Any) -> HoursInput:
    year, number = week(weeks_from_now)
    return HoursInput(year, number, planned, attended, **changes)


def hours_stored(database: Database, placement_id: int) -> dict[tuple[int, int], tuple[Any, ...]]:
    with database.reading() as session:
        rows = session.scalars(select(HoursEntry).where(HoursEntry.placement_id == placement_id))
        return {
            (h.iso_year, h.iso_week): (
                h.planned_hours,
                h.attended_hours,
                h.absence_hours,
                h.absence_reason,
                h.observation,
                h.follow_up,
            )
            for h in rows
        }
