"""Building a team summary from the caseload: who is counted (`population`), the goals
(`goal_evaluation`), the hours trends (`hours`) and the breakdowns (`tables`), in a fixed number of queries whatever the
size of the caseload.

The target of helårspladser for the period is each year's target in proportion to the
part of the year inside the period (`GoalSet.helaarspladser_target`).

The goals are the user's saved ones, else the shipped file whose period contains the last
day counted (`goals.goals_for`). When that day lies after the goals' period, the figures are
counted as the goals say but shown without targets, and the summary says the goal period has
ended (`Summary.notes`).
"""

from __future__ import annotations

import datetime as dt
import uuid

from sqlalchemy.orm import Session

from db.session import Database
from jobraad.audit import chain_head
from jobraad.goals import POPULATION_LABELS, GoalSet, expired, load_goals_in, without_targets
from jobraad.team.goal_evaluation import decision_median, evaluate_goals, gruppe3_forloeb, gruppe3_rule
from jobraad.team.hours import hours_trends
from jobraad.team.model import HELAARSPLADS_DAYS, Amount, Count, Meta, Period, Summary, calendar_year
from jobraad.team.population import read_caseload
from jobraad.team.suppression import suppress
from jobraad.team.tables import breakdown_tables, exits, readiness_states

__all__ = ["build", "build_summary"]


def build_summary(
    database: Database,
    period: Period | None = None,
    *,
    as_of: dt.date | None = None,
    goals: GoalSet | None = None,
    anonymous: bool = True,
) -> Summary:
    """The summary of `period` (default: the current calendar year) against the user's goals,
    the shipped goals for the period, or `goals`. Anonymous (`suppress`ed) unless
    `anonymous=False`, which gives the exact figures for the caseworker's own screen; the
    writers suppress in any case. A summary has no rows per citizen (`jobraad.team.suppression`)."""
    return build(database, period, as_of=as_of, goals=goals, anonymous=anonymous)[0]


def build(
    database: Database,
    period: Period | None,
    *,
    as_of: dt.date | None,
    goals: GoalSet | None,
    anonymous: bool,
) -> tuple[Summary, list[int]]:
    """`build_summary`, and the ids of the citizens in it (for the audit log of an export)."""
    as_of = as_of or dt.date.today()
    period = period or calendar_year(as_of.year)
    with database.reading() as session:
        goal_set = goals or load_goals_in(session, min(period.end, as_of))
        summary, ids = _summary_in(session, goal_set, period, as_of)
    return (suppress(summary) if anonymous else summary), ids


def _summary_in(session: Session, goals: GoalSet, period: Period, as_of: dt.date) -> tuple[Summary, list[int]]:
    """The exact (not yet suppressed) summary, and the ids of the citizens in it."""
    cutoff = min(period.end, as_of)
    counted = without_targets(goals) if expired(goals, cutoff) else goals
    # Core rows straight from the connection (in the session's transaction): no ORM layer per row.
    conn = session.connection()
    caseload = read_caseload(conn, period, cutoff)
    base = caseload.members(goals.population)
    base_ids = sorted(base)

    gruppe3 = gruppe3_forloeb(conn, caseload, gruppe3_rule(goals))
    goal_results = evaluate_goals(conn, counted, caseload, gruppe3)
    decision = decision_median(gruppe3, base, caseload)
    exited = exits(caseload, base)
    trends = hours_trends(conn, caseload.placements, base, period.start, cutoff)
    ready_states, overdue = readiness_states(session, as_of, caseload, base_ids)
    helaarspladser = sum(caseload.people[cid].days for cid in base) / HELAARSPLADS_DAYS

    summary = Summary(
        meta=_meta(goals, period, as_of, chain_head(session).text()),
        population=Count.of(len(base)),
        target_group=Count.of(sum(1 for cid in base if caseload.people[cid].target_group)),
        helaarspladser=Amount(helaarspladser, helaarspladser),
        helaarspladser_target=counted.helaarspladser_target(period.start, period.end),
        goals=tuple(goal_results),
        tables=breakdown_tables(caseload, base, exited, trends, ready_states),
        decision=decision,
        overdue_requests=Count.of(overdue),
    )
    return summary, base_ids


def _meta(goals: GoalSet, period: Period, as_of: dt.date, audit_head: str) -> Meta:
    return Meta(
        period=period,
        as_of=as_of,
        goal_set_id=goals.id,
        goal_set_name=goals.name,
        goal_set_hash=goals.hash,
        indsats_period=Period(goals.period_from, goals.period_to),
        population=POPULATION_LABELS[goals.population],
        caseworkers=1,
        summary_ids=(uuid.uuid4().hex,),
        created=dt.datetime.now().replace(microsecond=0),
        audit_head=audit_head,
    )
