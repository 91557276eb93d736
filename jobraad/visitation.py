"""The visitation groups' goals and deadlines (seed 001), the 2024 target group
(seed 000), and the week arithmetic the caseworker's overview is built on. The values
are data (`jobraad.seed_rules`, resources/rules/); this module is the mechanism.

Deadlines count from the start date of the current forløb: N weeks from start S
falls on S + 7·N days. A deadline is closed when every goal it names has been
reached, whenever that happened (for a case not forelagt the rehabiliteringsteam, the
goals the rule names for that case); an open deadline is something to act on.

Pure functions on plain data (the rules files are read once, at import): no Qt, no
database session.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from types import MappingProxyType

from db.enums import Aim, VisitationGroup
from jobraad.dates import monday_of
from jobraad.seed_rules import CitizenFlag, DeadlineRule, GroupGoal, groups_data, target_group_2024

__all__ = [
    "GROUP_DEADLINES",
    "GROUP_GOALS",
    "ClosedDeadline",
    "DeadlineRule",
    "DueItem",
    "DueKind",
    "DueTarget",
    "GroupGoal",
    "Urgency",
    "closed_deadlines",
    "deadline_closed_on",
    "deadline_date",
    "decision_goals",
    "goal_label",
    "goes_without_team",
    "group_deadlines",
    "in_target_group_2024",
    "missing_goals",
    "pension_without_team_counts",
    "target_group_text",
    "urgency",
    "weeks_in_forloeb",
    "without_team_aims",
]


_GROUPS = groups_data()

#: The goals of each visitation group (seed 001, resources/rules/seed001_groups.toml).
GROUP_GOALS: Mapping[VisitationGroup, tuple[GroupGoal, ...]] = MappingProxyType(
    {group: rules.goals for group, rules in _GROUPS.groups.items()}
)

#: The deadlines of each visitation group (seed 001, resources/rules/seed001_groups.toml).
GROUP_DEADLINES: Mapping[VisitationGroup, tuple[DeadlineRule, ...]] = MappingProxyType(
    {group: rules.deadlines for group, rules in _GROUPS.groups.items()}
)


def goes_without_team(aim: Aim | None, pension_without_team: bool, *, pack_has_team: bool = True) -> bool:
    """Whether a citizen's case is decided without being forelagt the rehabiliteringsteam
    (revalidering; an oplagt førtidspension; any case under a pack with no team, such as lov
    1750's samlet beskrivelse): then the decision alone closes gruppe 3's deadline."""
    return not pack_has_team or _GROUPS.goes_without_team(aim, pension_without_team)


def decision_goals() -> frozenset[str]:
    """The goals that record a decision on the case: those that close a deadline of a case
    not forelagt the team (seed 001's gruppe 3: "afgørelse truffet")."""
    return frozenset().union(
        *(
            rule.closed_by_without_team
            for rules in GROUP_DEADLINES.values()
            for rule in rules
            if rule.closed_by_without_team is not None
        )
    )


def without_team_aims() -> frozenset[Aim]:
    """The aims whose cases are not forelagt the team (for a query that picks them out)."""
    return _GROUPS.without_team_aims


def pension_without_team_counts() -> bool:
    """Whether `Citizen.pension_without_team` takes a case past the team."""
    return CitizenFlag.PENSION_WITHOUT_TEAM in _GROUPS.without_team_flags


class DueKind(StrEnum):
    """What a `DueItem` is. The values are the words the caseworker sees."""

    GRUPPE = "gruppe"  # a deadline of the visitation group (seed 001)
    MOEDE = "møde"
    PAAMINDELSE = "påmindelse"  # the caseworker's own reminder
    DOKUMENTATION = "dokumentation"  # a documentation request whose answer is overdue
    SAMTALE = "samtale"  # the next samtale of the case's schedule (jobraad.samtaler)
    TOLK = "tolk"  # a coming meeting needs an interpreter and none is booked
    SEND_SAGEN = "send sagen"  # a coming team meeting: the case is to be sent by the team's deadline


class DueTarget(StrEnum):
    """The part of the citizen's file a `DueItem` opens (ui.citizen_file.TARGET_TABS)."""

    FORLOEB = "forloeb"
    MEETINGS = "meetings"
    DEADLINES = "deadlines"
    DOCUMENTATION = "documentation"
    SAMTALER = "samtaler"


@dataclass(frozen=True, slots=True)
class DueItem:
    """Something due on a date, for the overview of what to do this week. The caseload
    makes tens of thousands at a time, so the constructor checks nothing: `kind` and
    `target` are enums, which mypy holds every caller to."""

    due_on: dt.date
    title: str
    kind: DueKind
    target: DueTarget
    citizen_id: int | None = None
    # The record the item comes from, where it has one the item does not name otherwise
    # (a documentation request's or a meeting's id, a group deadline's first missing goal):
    # a stable key for the calendar's UIDs, and what the Overblik opens (`overview.opens`).
    ref: str = ""


@dataclass(frozen=True)
class ClosedDeadline:
    """A deadline whose goals are all reached; `closed_on` is the day the last one was."""

    rule: DeadlineRule
    due_on: dt.date
    closed_on: dt.date

    @property
    def on_time(self) -> bool:
        return self.closed_on <= self.due_on


class Urgency(StrEnum):
    OVERDUE = "overdue"
    THIS_WEEK = "this_week"
    NEXT_WEEK = "next_week"
    LATER = "later"


def deadline_date(forloeb_start: dt.date, weeks: int) -> dt.date:
    """The day `weeks` weeks after the forløb started."""
    return forloeb_start + dt.timedelta(days=7 * weeks)


def goal_label(group: VisitationGroup, key: str) -> str:
    """The Danish label of a goal of `group`; the key itself if the group has no such goal."""
    for goal in GROUP_GOALS[group]:
        if goal.key == key:
            return goal.label
    return key


def missing_goals(
    group: VisitationGroup, rule: DeadlineRule, goals_reached: Mapping[str, dt.date], *, without_team: bool = False
) -> tuple[GroupGoal, ...]:
    """The goals of `rule` not yet reached, in the order the group lists them."""
    needed = rule.closing_goals(without_team)
    return tuple(g for g in GROUP_GOALS[group] if g.key in needed and g.key not in goals_reached)


def _danish_list(items: list[str]) -> str:
    if len(items) <= 1:
        return "".join(items)
    return f"{', '.join(items[:-1])} og {items[-1]}"


def _title(rule: DeadlineRule, missing: tuple[GroupGoal, ...]) -> str:
    names = [g.short or g.label for g in missing]
    title = f"{rule.label}: mangler {_danish_list(names)}"
    if rule.if_missed:
        title += f" – ellers {rule.if_missed[0].lower()}{rule.if_missed[1:]}"
    return title


def group_deadlines(
    group: VisitationGroup,
    forloeb_start: dt.date,
    goals_reached: Mapping[str, dt.date],
    *,
    without_team: bool = False,
    citizen_id: int | None = None,
) -> list[DueItem]:
    """The open deadlines of a forløb in `group` that started on `forloeb_start`.

    `goals_reached` maps goal keys to the day each was reached. A deadline is
    open until all its goals are reached (`without_team`: the case is not forelagt
    the rehabiliteringsteam, see `goes_without_team`); its title names the goals
    still missing. A forløb started outside the period of the group's rules has none.
    Sorted by date.
    """
    items: list[DueItem] = []
    if not _GROUPS.groups[group].applies_to(forloeb_start):
        return items
    for rule in GROUP_DEADLINES[group]:
        missing = missing_goals(group, rule, goals_reached, without_team=without_team)
        if not missing:
            continue
        items.append(
            DueItem(
                due_on=deadline_date(forloeb_start, rule.weeks),
                title=_title(rule, missing),
                kind=DueKind.GRUPPE,
                target=DueTarget.FORLOEB,
                citizen_id=citizen_id,
                ref=missing[0].key,
            )
        )
    items.sort(key=lambda item: (item.due_on, item.title))
    return items


def deadline_closed_on(
    rule: DeadlineRule, goals_reached: Mapping[str, dt.date], *, without_team: bool = False
) -> dt.date | None:
    """The day `rule` was closed: when the last of its goals was reached; None while one is missing.
    Gruppe 3's deadline thus needs both forelagt and afgjort, unless the case is not forelagt
    the team (`goes_without_team`): then the decision alone."""
    needed = rule.closing_goals(without_team)
    if not needed or not all(key in goals_reached for key in needed):
        return None
    return max(goals_reached[key] for key in needed)


def closed_deadlines(
    group: VisitationGroup,
    forloeb_start: dt.date,
    goals_reached: Mapping[str, dt.date],
    *,
    without_team: bool = False,
) -> list[ClosedDeadline]:
    """The deadlines of the forløb that all their goals have closed, sorted by due date;
    closed on the day the last of them was reached."""
    closed: list[ClosedDeadline] = []
    if not _GROUPS.groups[group].applies_to(forloeb_start):
        return closed
    for rule in GROUP_DEADLINES[group]:
        closed_on = deadline_closed_on(rule, goals_reached, without_team=without_team)
        if closed_on is not None:
            closed.append(ClosedDeadline(rule, deadline_date(forloeb_start, rule.weeks), closed_on))
    closed.sort(key=lambda c: (c.due_on, c.rule.key))
    return closed


def urgency(due_on: dt.date, today: dt.date) -> Urgency:
    """How pressing a date is, by ISO weeks: before today is overdue; otherwise
    this week, next week or later."""
    if due_on < today:
        return Urgency.OVERDUE
    next_monday, week_after = _next_weeks(today)
    if due_on < next_monday:
        return Urgency.THIS_WEEK
    if due_on < week_after:
        return Urgency.NEXT_WEEK
    return Urgency.LATER


@functools.lru_cache(maxsize=8)
def _next_weeks(today: dt.date) -> tuple[dt.date, dt.date]:
    """The Mondays of next week and the week after. Remembered: the Overblik asks for every
    due item of the caseload with the same `today`, and working them out is most of the time."""
    next_monday = monday_of(today) + dt.timedelta(days=7)
    return next_monday, next_monday + dt.timedelta(days=7)


def weeks_in_forloeb(forloeb_start: dt.date, today: dt.date) -> int:
    """Full weeks since the forløb started: 0 in its first week and before it starts."""
    return max(0, (today - forloeb_start).days // 7)


def in_target_group_2024(age: int, support_years_last10: int) -> bool:
    """Seed 000's target group of 2024 (resources/rules/seed000_target_group.toml): the age
    and the years on public support (ledighed) among the last ones it counts."""
    target = target_group_2024()
    if not 0 <= support_years_last10 <= target.support_years_window:
        raise ValueError(f"support_years_last10 must be 0–{target.support_years_window}, not {support_years_last10}")
    return target.contains(age, support_years_last10)


def target_group_text(member: bool) -> str:
    """Whether a citizen is in seed 000's 2024 target group, for the case and the caseload's
    tooltip: "Ja (55–64 år, forsørget 8 af de seneste 10 år)"."""
    criteria = target_group_2024().description
    return f"Ja ({criteria})" if member else f"Nej (målgruppen er {criteria})"
