"""Hand-made caseloads for the team summary tests: a citizen as a test writes it, and the
summary of a caseload as the caseworker sees it (exact, not suppressed)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from db.enums import AbsenceReason, ActivityKind, Aim, MeetingKind, Outcome, PlacementKind, VisitationGroup
from db.models import (
    Activity,
    CaseOutcome,
    Citizen,
    Forloeb,
    GoalProgress,
    HoursEntry,
    Meeting,
    Placement,
    TeamWorkflow,
)
from db.session import Database
from jobraad.team.build import build_summary
from jobraad.team.model import Period, Summary, calendar_year

Y2025 = calendar_year(2025)
AFTER_2025 = dt.date(2026, 3, 1)  # exports made after the period ended
G1, G2, G3 = VisitationGroup.GRUPPE_1, VisitationGroup.GRUPPE_2, VisitationGroup.GRUPPE_3
PLACEMENT_GOAL = "placering_opkvalificering_plan"
EXIT_GOAL = "job_fleksjob_pension"
G3_GOAL = "gruppe3_afgjort_23_uger"


@dataclass
class Person:
    """A citizen as a test writes it; only what the summary reads."""

    born: dt.date = dt.date(1970, 6, 15)
    forloeb: list[tuple[VisitationGroup, dt.date, dt.date | None]] = field(
        default_factory=lambda: [(G1, dt.date(2024, 6, 1), None)]
    )
    closings: list[tuple[Outcome, dt.date, dt.date | None]] = field(default_factory=list)
    activities: list[tuple[ActivityKind, dt.date | None, dt.date | None]] = field(default_factory=list)
    placements: list[tuple[PlacementKind, dt.date, dt.date | None]] = field(default_factory=list)
    hours: list[tuple[int, int, float, float, AbsenceReason | None]] = field(default_factory=list)  # first placement
    decisions: list[dt.date] = field(default_factory=list)  # rehabiliteringsteam meetings' afgørelse
    decided_goal: dt.date | None = None  # "rehab_afgjort" on the last forløb
    forelagt_goal: dt.date | None = None  # "rehab_forelagt" on the last forløb
    support_years: int = 3
    aim: Aim = Aim.JOB
    pension_without_team: bool = False


_serial = iter(range(1, 10_000))


def _cpr_for(born: dt.date) -> str:
    century_digit = "0" if born.year < 2000 else "4"
    return f"{born:%d%m%y}{century_digit}{next(_serial) % 1000:03d}"


def add(database: Database, *people: Person) -> list[int]:
    ids = []
    with database.transaction() as session:
        for p in people:
            c = Citizen(
                cpr=_cpr_for(p.born),
                first_name="Test",
                last_name="Borger",
                support_years_last10=p.support_years,
                aim=p.aim,
                pension_without_team=p.pension_without_team,
            )
            c.forloeb = [Forloeb(group=g, start_date=s, end_date=e) for g, s, e in p.forloeb]
            c.outcomes = [CaseOutcome(outcome=o, closed_on=d, reopened_on=r) for o, d, r in p.closings]
            c.activities = [Activity(kind=k, start_date=s, end_date=e) for k, s, e in p.activities]
            c.placements = [
                Placement(kind=k, employer_name="Arbejdsplads", start_date=s, end_date=e) for k, s, e in p.placements
            ]
            if p.hours:
                c.placements[0].hours = [
                    HoursEntry(iso_year=y, iso_week=w, planned_hours=pl, attended_hours=a, absence_reason=r)
                    for y, w, pl, a, r in p.hours
                ]
            c.meetings = [
                Meeting(
                    kind=MeetingKind.REHABILITERINGSTEAM,
                    starts_at=dt.datetime.combine(d, dt.time(10)),
                    workflow=TeamWorkflow(decided_on=d),
                )
                for d in p.decisions
            ]
            reached = {"rehab_afgjort": p.decided_goal, "rehab_forelagt": p.forelagt_goal}
            c.forloeb[-1].goals = [GoalProgress(goal_key=k, reached_on=d) for k, d in reached.items() if d is not None]
            session.add(c)
            session.flush()
            ids.append(c.id)
    return ids


def exact(database: Database, period: Period = Y2025, as_of: dt.date = AFTER_2025, **kw: object) -> Summary:
    return build_summary(database, period, as_of=as_of, anonymous=False, **kw)  # type: ignore[arg-type]


def full_year(group: VisitationGroup = G1) -> list[tuple[VisitationGroup, dt.date, dt.date | None]]:
    return [(group, dt.date(2024, 6, 1), None)]
