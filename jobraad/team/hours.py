"""The hours trend of each citizen in a team summary, from their weeks in virksomhedsplacering.

Which weeks count, and how the weeks of several placements add up, are
`jobraad.progression`'s rules (the same as the citizen's file and the dossier): the
weeks of each placement inside it (`clip_to_placement`), summed per ISO week over the
placements (`combined`), keeping the weeks that count for progression
(`WeekHours.counts_for_progression`: no sickness weeks, no empty weeks). Of those inside
the period, with n >= 2 weeks, the summary compares the mean of the last k = min(4, n // 2)
weeks with the first k: "stigende" when up by at least `NEW_HIGH_MARGIN` hours,
"faldende" when down by as much, else "uaendret".
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from itertools import groupby
from operator import itemgetter
from typing import Any

from sqlalchemy import Connection, String, select, type_coerce

from db.enums import AbsenceReason
from db.models import HoursEntry
from jobraad import bulk
from jobraad.dates import iso_monday
from jobraad.progression import NEW_HIGH_MARGIN, RECENT_WEEKS, WeekHours, clip_to_placement, combined
from jobraad.team.model import EPS
from jobraad.team.population import PlacementRow

__all__ = ["hours_trends"]


def hours_trends(
    conn: Connection, placements: Iterable[PlacementRow], who: set[int], start: dt.date, cutoff: dt.date
) -> dict[int, str]:
    """The hours trend of each citizen of `who` that has one, from the ISO weeks from the week
    of `start` to the week of `cutoff`: one query for the whole caseload."""
    placed = {pid: (cid, p_start, p_end) for pid, cid, _, p_start, p_end in placements if cid in who}
    if not placed:
        return {}
    week_key = HoursEntry.iso_year * 100 + HoursEntry.iso_week  # sorts as the weeks do
    entries = (
        select(
            HoursEntry.placement_id,
            HoursEntry.iso_year,
            HoursEntry.iso_week,
            HoursEntry.planned_hours,
            HoursEntry.attended_hours,
            # The stored text, not SQLAlchemy's Enum conversion of every row (a third of the
            # read): `_REASONS` turns the few distinct ones into the enum once each.
            type_coerce(HoursEntry.absence_reason, String()),
        )
        .where(week_key >= _week_key(start), week_key <= _week_key(cutoff))
        .order_by(HoursEntry.placement_id, HoursEntry.iso_year, HoursEntry.iso_week)  # the order of an index
    )
    # A citizen is counted as soon as all their placements are read, and their lists of weeks let
    # go: the caseload's lists are never all held at once, nor kept long enough for the garbage
    # collector to go through them again and again.
    unread = Counter(cid for cid, _, _ in placed.values())
    known: dict[tuple[Any, ...], WeekHours | None] = {}
    series_of: dict[int, list[list[WeekHours]]] = defaultdict(list)
    trends: dict[int, str] = {}

    def settle(cid: int) -> None:
        trend = _trend([w.attended for w in combined(series_of.pop(cid)) if w.counts_for_progression])
        if trend is not None:
            trends[cid] = trend

    for pid, rows in groupby(bulk.rows(conn, entries), key=itemgetter(0)):
        if pid in placed:
            cid, p_start, p_end = placed[pid]
            series_of[cid].append(clip_to_placement(_weeks(rows, known), p_start, p_end))
            unread[cid] -= 1
            if not unread[cid]:
                settle(cid)
    for cid in list(series_of):
        settle(cid)  # a placement of theirs has no weeks in the period
    return trends


def _weeks(rows: Iterable[Any], known: dict[tuple[Any, ...], WeekHours | None]) -> list[WeekHours]:
    """The weeks of (placement id, ISO year, ISO week, planned, attended, absence reason) rows.

    Equal weeks are one object (in `known`): a `WeekHours` is an immutable value, and a
    caseload holds the same few thousand (week, hours, reason) many times over (10,000 demo
    citizens: 9,200 in 98,700 entries), so each is made once."""
    weeks = []
    for row in rows:
        values = row[1:]
        try:
            week = known[values]
        except KeyError:
            week = known[values] = _week(*values)
        if week is not None:
            weeks.append(week)
    return weeks


_REASONS: dict[str | None, AbsenceReason | None] = {None: None, **{r.value: r for r in AbsenceReason}}


def _week(iso_year: int, iso_week: int, planned: float, attended: float, reason: str | None) -> WeekHours | None:
    try:
        iso_monday(iso_year, iso_week)
    except ValueError:
        return None  # no such week (week 53 of a year that has 52): nothing to count
    return WeekHours(iso_year, iso_week, planned, attended, absence_reason=_REASONS[reason])


def _week_key(day: dt.date) -> int:
    iso = day.isocalendar()
    return iso.year * 100 + iso.week


def _trend(hours: Sequence[float]) -> str | None:
    """'stigende' / 'uaendret' / 'faldende' from the attended hours of the weeks that count
    (in week order), or None with fewer than two."""
    if len(hours) < 2:
        return None
    k = min(RECENT_WEEKS, len(hours) // 2)
    first = sum(hours[:k]) / k
    last = sum(hours[-k:]) / k
    if last >= first + NEW_HIGH_MARGIN - EPS:
        return "stigende"
    if last <= first - NEW_HIGH_MARGIN + EPS:
        return "faldende"
    return "uaendret"
