"""The forløb of a demo citizen: the current one, started so that its deadline is
overdue, due this week, soon or later; the group changes that led to it, with their
reasons; and the goals reached in each."""

from __future__ import annotations

import datetime as dt

from db.enums import Outcome, PlacementKind, VisitationGroup
from db.models import Forloeb, GoalProgress
from jobraad import formatting as fmt
from jobraad.dates import monday_of
from jobraad.demo.builder import FLEKS, G1, G2, G3, G4, Builder, Case, clamp, in_weeks
from jobraad.demo.placements import hours_in_week
from jobraad.visitation import GROUP_DEADLINES, GROUP_GOALS

# The group deadlines (weeks from the start of the forløb) that start dates are spread
# around, so that some fall due this week, some soon and some are overdue. Gruppe 4 has
# no fixed deadline; 26 weeks is when a re-visitation is usually due.
_DEADLINE_WEEKS: dict[VisitationGroup, tuple[int, ...]] = {
    G1: (13, 52),
    G2: (13, 26),
    G3: (23,),
    G4: (26,),
    FLEKS: (26,),
}
# Goals reached some weeks into a forløb, as (earliest, latest) week.
_GOAL_WEEKS: dict[str, tuple[int, int]] = {
    "cv": (0, 4),
    "beskaeftigelsesmaal": (1, 8),
    "virksomhedskontakt": (2, 12),
    "hverdagsmestring": (3, 12),
    "motivation": (1, 10),
    "mentormaal": (6, 20),
    "revisitation": (20, 30),
}
_PREVIOUS_GROUPS: dict[VisitationGroup, tuple[VisitationGroup, ...]] = {
    G1: (G2, G2, G4),
    G2: (G4, G1),
    G3: (G1, G2, G2, G4),
    G4: (G2, G1),
    FLEKS: (G3,),
}


def current_forloeb(b: Builder, case: Case) -> list[Forloeb]:
    """The current forløb, started so that its deadline is overdue, due this week, soon or later."""
    weeks = b.pick(_DEADLINE_WEEKS[case.group])
    horizon = case.horizon
    when = b.weighted({"overdue": 15, "this_week": 15, "soon": 25, "later": 45})
    if when == "overdue":
        deadline = horizon - dt.timedelta(days=b.rng.randint(3, 42))
    elif when == "this_week":
        # From today to Friday (to Sunday at the weekend), so it is not yet overdue.
        monday = monday_of(horizon)
        deadline = b.day_between(horizon, monday + dt.timedelta(days=4 if horizon.weekday() < 5 else 6))
    elif when == "soon":
        deadline = horizon + dt.timedelta(days=b.rng.randint(7, 28))
    else:
        deadline = horizon + dt.timedelta(days=b.rng.randint(29, (weeks - 2) * 7))
    start = deadline - in_weeks(weeks)
    case.forloeb_start = start
    case.weeks_in = (horizon - start).days // 7
    case.when = when
    case.deadline_weeks = weeks
    return [Forloeb(group=case.group, start_date=start, end_date=None, reason="")]


def earlier_forloeb(b: Builder, case: Case, current: Forloeb) -> list[Forloeb]:
    """Earlier, ended forløb: the group changes that led to the current one."""
    story = case.story
    reason = ""
    previous: VisitationGroup | None = None
    if story and story.placement.start_date < case.forloeb_start - in_weeks(2):
        employer = story.placement.employer_name
        at_change = hours_in_week(story.placement, case.forloeb_start)
        if case.group is G1 and story.trend == "rise" and at_change >= story.first_hours + 2:
            previous = G2
            reason = (
                f"Progression i timetal i praktik hos {employer}: fra {fmt.decimal(story.first_hours)} "
                f"til {fmt.decimal(at_change)} timer om ugen."
            )
        elif case.group is G3 and story.trend == "stall":
            previous = b.pick((G1, G2))
            reason = (
                f"Stabilt lavt timetal i praktik hos {employer} (ca. {fmt.decimal(story.mean_hours)} timer om "
                "ugen) trods støtte; afklaring til fleksjob."
            )
        elif case.group is G3 and story.trend == "fall":
            previous = b.pick((G1, G2))
            reason = (
                f"Faldende timetal i praktik hos {employer} ({fmt.decimal(story.first_hours)} → "
                f"{fmt.decimal(story.last_hours)} timer) pga. helbred; afklaring til særlig ordning."
            )
    if previous is None and (case.group is FLEKS or b.chance(0.3)):
        previous = b.pick(_PREVIOUS_GROUPS[case.group])
        reason = b.pick(b.texts["reason_to"][case.group.value])
    if previous is None:
        current.reason = b.pick(b.texts["first_visitation"])
        return []
    current.reason = reason
    prev_start = case.forloeb_start - in_weeks(b.rng.randint(10, 40))
    earlier = [
        Forloeb(
            group=previous,
            start_date=prev_start,
            end_date=case.forloeb_start,
            reason=b.pick(b.texts["first_visitation"]),
        )
    ]
    # A few citizens have moved twice.
    if b.chance(0.25):
        before = b.pick([g for g in _PREVIOUS_GROUPS[previous] if g is not case.group] or [G4])
        first_start = prev_start - in_weeks(b.rng.randint(10, 30))
        earlier[0].reason = b.pick(b.texts["reason_to"][previous.value])
        earlier.insert(
            0,
            Forloeb(
                group=before,
                start_date=first_start,
                end_date=prev_start,
                reason=b.pick(b.texts["first_visitation"]),
            ),
        )
    return earlier


def goals(b: Builder, case: Case, forloeb: list[Forloeb]) -> None:
    for f in forloeb:
        end = f.end_date or case.horizon
        current = f.end_date is None
        reached: dict[str, dt.date] = {}
        for key in (goal.key for goal in GROUP_GOALS[f.group]):
            p = _goal_chance(case, f.group, key) if current else 0.85
            if key in _GOAL_WEEKS:
                lo, hi = _GOAL_WEEKS[key]
                day = f.start_date + in_weeks(b.rng.randint(lo, hi)) + dt.timedelta(b.rng.randint(0, 4))
                if day <= end and b.chance(p):
                    reached[key] = day
            elif current and (day_or_none := _event_goal(b, case, key, f.start_date)) is not None:
                reached[key] = day_or_none
        f.goals = [
            GoalProgress(
                goal_key=key,
                reached_on=clamp(day, f.start_date, end),
                note=b.pick(b.texts["goal_notes"].get(key, [""])),
            )
            for key, day in reached.items()
        ]


def _goal_chance(case: Case, group: VisitationGroup, key: str) -> float:
    """How likely a goal of the current forløb is reached. The deadline the start date
    was chosen for stays open (its goals are missing) when it is due now or soon;
    other deadlines already passed were mostly met."""
    weeks = [rule.weeks for rule in GROUP_DEADLINES[group] if key in rule.closed_by]
    if not weeks:
        return 0.85
    if weeks[0] == case.deadline_weeks:
        return 0.85 if case.when == "later" else 0.45
    passed = case.forloeb_start + in_weeks(weeks[0]) < case.horizon
    return 0.95 if passed else 0.85


def _event_goal(b: Builder, case: Case, key: str, start: dt.date) -> dt.date | None:
    """When a goal that follows from an event of the case (a placement, a decision) was reached."""
    outcome = case.closed_outcome
    kinds = [p.kind for p in case.placements]
    if key == "virksomhedsplacering_plan" and case.placements:
        return max(start + in_weeks(1), min(p.start_date for p in case.placements) - in_weeks(2))
    if key == "job":
        if outcome in (Outcome.ORDINAERT_JOB, Outcome.SMAAJOB):
            return case.horizon
        smaajob = [p.start_date for p in case.placements if p.kind is PlacementKind.SMAAJOB]
        return smaajob[0] if smaajob else None
    if key == "snusepraktik":
        if PlacementKind.SNUSEPRAKTIK in kinds:
            return min(p.start_date for p in case.placements) + in_weeks(1)
        # A taster week arranged outside the placements on file.
        day = start + in_weeks(b.rng.randint(2, 12))
        return day if day <= case.horizon and b.chance(_goal_chance(case, G2, key)) else None
    if key == "virksomhedsplacering" and PlacementKind.VIRKSOMHEDSPRAKTIK in kinds:
        return min(p.start_date for p in case.placements)
    if key == "rehab_forelagt":
        return case.rehab_meeting if case.rehab_decided else None
    if key == "rehab_afgjort":
        return case.rehab_decided
    if key == "i_fleksjob" and outcome is Outcome.FLEKSJOB:
        return case.horizon
    return None
