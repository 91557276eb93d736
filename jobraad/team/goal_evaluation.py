"""The goals of an indsats (`jobraad.goals`) measured on a caseload, and the gruppe 3 decisions.

- had_activity: an activity (with a start date) or a placement of the listed kinds that
  ran on some day of the period ("in_period") or started in it ("started_in_period").
- exited_to: a closing in the period with one of the outcomes, or a listed placement kind
  (småjob) under the same window. Reopened closings still count.
- gruppe3_decided_within_weeks: each gruppe 3 forløb whose deadline (the seed 001 deadline
  the goal names: start + its weeks) falls in the period (up to the export day) is judged
  once; it counts as met when decided on or before the deadline. Decided = forelagt the
  rehabiliteringsteam AND afgjort, as the deadline's own rule says (`visitation.
  deadline_closed_on`: both goals of the forløb, on the later day; the decision alone for a
  case not forelagt the team, `visitation.goes_without_team`), or a rehabiliteringsteam
  meeting's afgørelse (`TeamWorkflow.decided_on`) inside the forløb. A forløb that ended, or whose case was closed,
  before its deadline without a decision is not judged.
- Median weeks to a decision: gruppe 3 forløb decided in the period, from forløb start.
"""

from __future__ import annotations

import datetime as dt
import statistics
from collections import defaultdict
from typing import NamedTuple

from sqlalchemy import Connection, or_, select

from db.enums import MeetingKind, VisitationGroup
from db.models import Activity, GoalProgress, Meeting, TeamWorkflow
from jobraad import bulk
from jobraad.goals import POPULATION_LABELS, Goal, GoalSet, Population, RuleKind, Window
from jobraad.team.model import Count, GoalResult, Median
from jobraad.team.population import Caseload, active_on
from jobraad.visitation import GROUP_DEADLINES, DeadlineRule, deadline_closed_on, goes_without_team

__all__ = ["Gruppe3Forloeb", "decision_median", "evaluate_goals", "gruppe3_forloeb", "gruppe3_rule"]


class Gruppe3Forloeb(NamedTuple):
    """A gruppe 3 forløb of a citizen in the summary, and the day it was decided (if it was)."""

    citizen_id: int
    start: dt.date
    end: dt.date | None
    decided: dt.date | None


def gruppe3_rule(goals: GoalSet) -> DeadlineRule | None:
    """The gruppe 3 deadline (seed 001) that says when a forløb is decided: the one the goals'
    gruppe 3 goal names, else the group's first."""
    rules = GROUP_DEADLINES[VisitationGroup.GRUPPE_3]
    named = [g.deadline for g in goals.goals if g.rule is RuleKind.GRUPPE3_DECIDED_WITHIN_WEEKS]
    for rule in rules:
        if rule.key in named:
            return rule
    return rules[0] if rules else None


def gruppe3_forloeb(conn: Connection, caseload: Caseload, rule: DeadlineRule | None) -> list[Gruppe3Forloeb]:
    """The gruppe 3 forløb of the people, each citizen's in order, with their decisions (two
    queries): decided as `rule` closes (see the module's docstring)."""
    keys = sorted(rule.closed_by | (rule.closed_by_without_team or frozenset())) if rule is not None else []
    reached_goals: dict[int, dict[str, dt.date]] = defaultdict(dict)
    for fid, key, reached in bulk.rows(
        conn,
        select(GoalProgress.forloeb_id, GoalProgress.goal_key, GoalProgress.reached_on).where(
            GoalProgress.goal_key.in_(keys)
        ),
    ):
        reached_goals[fid][key] = reached
    meetings: dict[int, list[dt.date]] = defaultdict(list)
    for cid, decided_on in bulk.rows(
        conn,
        select(Meeting.citizen_id, TeamWorkflow.decided_on)
        .join(TeamWorkflow, TeamWorkflow.meeting_id == Meeting.id)
        .where(Meeting.kind == MeetingKind.REHABILITERINGSTEAM, TeamWorkflow.decided_on.is_not(None)),
    ):
        if decided_on is not None:
            meetings[cid].append(decided_on)

    def decision(cid: int, fid: int, start: dt.date, end: dt.date | None) -> dt.date | None:
        days = [d for d in meetings.get(cid, ()) if d >= start and (end is None or d <= end)]
        reached = reached_goals.get(fid)
        if rule is not None and reached:
            person = caseload.people[cid]
            g = deadline_closed_on(
                rule,
                reached,
                without_team=goes_without_team(
                    person.aim, person.pension_without_team, pack_has_team=person.pack_has_team
                ),
            )
            if g is not None and g >= start:
                days.append(g)
        return min(days) if days else None

    return [
        Gruppe3Forloeb(cid, start, end, decision(cid, fid, start, end))
        for cid, own in caseload.forloeb.items()
        if cid in caseload.people
        for fid, group, start, end in own
        if group is VisitationGroup.GRUPPE_3
    ]


def evaluate_goals(
    conn: Connection, goals: GoalSet, caseload: Caseload, gruppe3: list[Gruppe3Forloeb]
) -> list[GoalResult]:
    """The result of each goal."""
    results: list[GoalResult] = []
    for goal in goals.goals:
        population = goal.population or goals.population
        who = caseload.members(population)
        if goal.rule is RuleKind.GRUPPE3_DECIDED_WITHIN_WEEKS:
            num, den = _decided_within_weeks(goal, who, caseload, gruppe3)
            results.append(_goal_result(goal, num, den, population))
        else:
            reached = _reached_ids(conn, goal, caseload)
            results.append(_goal_result(goal, len(who & reached), len(who), population))
    return results


def _decided_within_weeks(
    goal: Goal, who: set[int], caseload: Caseload, gruppe3: list[Gruppe3Forloeb]
) -> tuple[int, int]:
    """(met, judged) of the forløb whose deadline falls in the period."""
    assert goal.weeks is not None
    num = den = 0
    for cid, start, end, decided in gruppe3:
        if cid not in who:
            continue
        deadline = start + dt.timedelta(days=7 * goal.weeks)
        if not caseload.period.start <= deadline <= caseload.cutoff:
            continue
        in_time = decided is not None and decided <= deadline
        if not in_time:
            ended_before = end is not None and end < deadline
            if ended_before or not active_on(caseload.people[cid].spans, deadline):
                continue
        den += 1
        num += in_time
    return num, den


def _runs(start: dt.date, end: dt.date | None, period_start: dt.date, cutoff: dt.date, window: Window) -> bool:
    if window is Window.STARTED_IN_PERIOD:
        return period_start <= start <= cutoff
    return start <= cutoff and (end is None or end >= period_start)


def _reached_ids(conn: Connection, goal: Goal, caseload: Caseload) -> set[int]:
    """The citizens a had_activity or exited_to goal counts as reached (whoever they are): by a
    placement of the listed kinds in the window, else by an activity (one query) or a closing."""
    start, cutoff = caseload.period.start, caseload.cutoff
    reached: set[int] = set()
    if goal.placements:
        reached.update(
            cid
            for _, cid, kind, p_start, p_end in caseload.placements
            if kind in goal.placements and _runs(p_start, p_end, start, cutoff, goal.window)
        )
    if goal.rule is RuleKind.HAD_ACTIVITY:
        if goal.activities:
            stmt = (
                select(Activity.citizen_id)
                .distinct()
                .where(
                    Activity.kind.in_(sorted(goal.activities)),
                    Activity.start_date.is_not(None),
                    Activity.start_date <= cutoff,
                )
            )
            if goal.window is Window.STARTED_IN_PERIOD:
                stmt = stmt.where(Activity.start_date >= start)
            else:
                stmt = stmt.where(or_(Activity.end_date.is_(None), Activity.end_date >= start))
            reached.update(conn.scalars(stmt))
    else:
        reached.update(
            cid
            for cid, rows in caseload.closings.items()
            if any(start <= closed_on <= cutoff and outcome in goal.outcomes for closed_on, _, outcome in rows)
        )
    return reached


def _goal_result(goal: Goal, num: int, den: int, population: Population) -> GoalResult:
    return GoalResult(
        goal_id=goal.id,
        label=goal.label,
        rule=goal.rule.value,
        target=goal.target,
        numerator=Count.of(num),
        denominator=Count.of(den),
        population=f"gruppe 3-forløb med frist ({goal.weeks} uger fra forløbets start) i perioden"
        if goal.rule is RuleKind.GRUPPE3_DECIDED_WITHIN_WEEKS
        else POPULATION_LABELS[population],
    )


def decision_median(gruppe3: list[Gruppe3Forloeb], base: set[int], caseload: Caseload) -> Median:
    """The median weeks from start to decision of the forløb of `base` decided in the period."""
    weeks_list = [
        (decided - start).days / 7
        for cid, start, _, decided in gruppe3
        if cid in base and decided is not None and caseload.period.start <= decided <= caseload.cutoff
    ]
    return Median(statistics.median(weeks_list) if weeks_list else None, Count.of(len(weeks_list)))
