"""The visitation groups' goals and deadlines (seed 001), the 2024 target group
(seed 000), and the week arithmetic the caseworker's overview is built on.

Deadlines count from the start date of the current forløb: N weeks from start S
falls on S + 7·N days. A deadline is closed when every goal it names has been
reached, whenever that happened; an open deadline is something to act on.

Pure functions on plain data: no Qt, no database session.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from types import MappingProxyType

from db.enums import VisitationGroup
from jobraad.dates import monday_of

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
    "deadline_date",
    "goal_label",
    "group_deadlines",
    "in_target_group_2024",
    "missing_goals",
    "urgency",
    "weeks_in_forloeb",
]


@dataclass(frozen=True)
class GroupGoal:
    """A goal of a visitation group; `key` is stored in `GoalProgress.goal_key`."""

    key: str
    label: str


@dataclass(frozen=True)
class DeadlineRule:
    """A deadline `weeks` after the forløb starts, closed when ALL goals in
    `closed_by` are reached. `if_missed` says what to do when it is not."""

    key: str
    label: str
    weeks: int
    closed_by: frozenset[str]
    if_missed: str = ""


def _goals(*pairs: tuple[str, str]) -> tuple[GroupGoal, ...]:
    return tuple(GroupGoal(key, label) for key, label in pairs)


GROUP_GOALS: Mapping[VisitationGroup, tuple[GroupGoal, ...]] = MappingProxyType(
    {
        VisitationGroup.GRUPPE_1: _goals(
            ("cv", "Et CV"),
            ("beskaeftigelsesmaal", "Et konkret og realistisk beskæftigelsesmål"),
            ("virksomhedsplacering_plan", "En virksomhedsplacering eller en plan for en"),
            ("virksomhedskontakt", "Erfaring med at kontakte virksomheder"),
            ("job", "I job, også få timer om ugen"),
        ),
        VisitationGroup.GRUPPE_2: _goals(
            ("hverdagsmestring", "Progression i hverdagsmestring"),
            ("motivation", "Progression i motivation"),
            ("beskaeftigelsesmaal", "Et konkret og realistisk beskæftigelsesmål"),
            ("snusepraktik", "Erfaring med snusepraktik"),
            ("virksomhedsplacering", "I virksomhedsplacering, evt. få timer"),
        ),
        VisitationGroup.GRUPPE_3: _goals(
            ("rehab_forelagt", "Forelagt rehabiliteringsteamet"),
            ("rehab_afgjort", "Afgørelse truffet"),
        ),
        VisitationGroup.GRUPPE_4: _goals(
            ("mentormaal", "Mentormål aftalt"),
            ("revisitation", "Revisiteret"),
        ),
        VisitationGroup.FLEKSJOBVISITERET: _goals(
            ("i_fleksjob", "Ansat i fleksjob"),
        ),
    }
)

# Short forms for deadline titles, where the full labels would be too long.
_SHORT_LABELS: Mapping[str, str] = MappingProxyType(
    {
        "cv": "CV",
        "beskaeftigelsesmaal": "beskæftigelsesmål",
        "virksomhedsplacering_plan": "virksomhedsplacering/plan",
        "virksomhedskontakt": "virksomhedskontakt",
        "job": "job",
        "hverdagsmestring": "hverdagsmestring",
        "motivation": "motivation",
        "snusepraktik": "snusepraktik",
        "virksomhedsplacering": "virksomhedsplacering",
        "rehab_forelagt": "forelæggelse for rehabiliteringsteamet",
        "rehab_afgjort": "afgørelse",
        "mentormaal": "mentormål",
        "revisitation": "revisitation",
        "i_fleksjob": "fleksjob",
    }
)

GROUP_DEADLINES: Mapping[VisitationGroup, tuple[DeadlineRule, ...]] = MappingProxyType(
    {
        VisitationGroup.GRUPPE_1: (
            DeadlineRule(
                "13_uger",
                "13-ugers mål (gruppe 1)",
                13,
                frozenset({"cv", "beskaeftigelsesmaal", "virksomhedsplacering_plan", "virksomhedskontakt"}),
            ),
            DeadlineRule(
                "52_uger",
                "52-ugers mål (gruppe 1)",
                52,
                frozenset({"job"}),
                if_missed="Revurdér gruppe",
            ),
        ),
        VisitationGroup.GRUPPE_2: (
            DeadlineRule(
                "13_uger",
                "13-ugers mål (gruppe 2)",
                13,
                frozenset({"hverdagsmestring", "motivation", "beskaeftigelsesmaal", "snusepraktik"}),
            ),
            DeadlineRule("26_uger", "26-ugers mål (gruppe 2)", 26, frozenset({"virksomhedsplacering"})),
        ),
        # Revalidering does not go to the rehabiliteringsteam, so the decision
        # alone closes the deadline; being forelagt is a step, not a condition.
        VisitationGroup.GRUPPE_3: (
            DeadlineRule("23_uger", "23-ugers mål (gruppe 3)", 23, frozenset({"rehab_afgjort"})),
        ),
        # Seed 001 sets no fixed deadline for the mentor group.
        VisitationGroup.GRUPPE_4: (),
        VisitationGroup.FLEKSJOBVISITERET: (
            DeadlineRule("26_uger", "26-ugers mål (ledig fleksjobvisiteret)", 26, frozenset({"i_fleksjob"})),
        ),
    }
)


class DueKind(StrEnum):
    """What a `DueItem` is. The values are the words the caseworker sees."""

    GRUPPE = "gruppe"  # a deadline of the visitation group (seed 001)
    MOEDE = "møde"
    PAAMINDELSE = "påmindelse"  # the caseworker's own reminder
    DOKUMENTATION = "dokumentation"  # a documentation request whose answer is overdue


class DueTarget(StrEnum):
    """The part of the citizen's file a `DueItem` opens (ui.citizen_file.TARGET_TABS)."""

    FORLOEB = "forloeb"
    MEETINGS = "meetings"
    DEADLINES = "deadlines"
    DOCUMENTATION = "documentation"


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
    group: VisitationGroup, rule: DeadlineRule, goals_reached: Mapping[str, dt.date]
) -> tuple[GroupGoal, ...]:
    """The goals of `rule` not yet reached, in the order the group lists them."""
    return tuple(g for g in GROUP_GOALS[group] if g.key in rule.closed_by and g.key not in goals_reached)


def _danish_list(items: list[str]) -> str:
    if len(items) <= 1:
        return "".join(items)
    return f"{', '.join(items[:-1])} og {items[-1]}"


def _title(rule: DeadlineRule, missing: tuple[GroupGoal, ...]) -> str:
    names = [_SHORT_LABELS.get(g.key, g.label) for g in missing]
    title = f"{rule.label}: mangler {_danish_list(names)}"
    if rule.if_missed:
        title += f" – ellers {rule.if_missed[0].lower()}{rule.if_missed[1:]}"
    return title


def group_deadlines(
    group: VisitationGroup,
    forloeb_start: dt.date,
    goals_reached: Mapping[str, dt.date],
    *,
    citizen_id: int | None = None,
) -> list[DueItem]:
    """The open deadlines of a forløb in `group` that started on `forloeb_start`.

    `goals_reached` maps goal keys to the day each was reached. A deadline is
    open until all its goals are reached; its title names the goals still
    missing. Sorted by date.
    """
    items: list[DueItem] = []
    for rule in GROUP_DEADLINES[group]:
        missing = missing_goals(group, rule, goals_reached)
        if not missing:
            continue
        items.append(
            DueItem(
                due_on=deadline_date(forloeb_start, rule.weeks),
                title=_title(rule, missing),
                kind=DueKind.GRUPPE,
                target=DueTarget.FORLOEB,
                citizen_id=citizen_id,
            )
        )
    items.sort(key=lambda item: (item.due_on, item.title))
    return items


def closed_deadlines(
    group: VisitationGroup, forloeb_start: dt.date, goals_reached: Mapping[str, dt.date]
) -> list[ClosedDeadline]:
    """The deadlines of the forløb that all their goals have closed, sorted by due date."""
    closed: list[ClosedDeadline] = []
    for rule in GROUP_DEADLINES[group]:
        if not all(key in goals_reached for key in rule.closed_by):
            continue
        closed.append(
            ClosedDeadline(
                rule=rule,
                due_on=deadline_date(forloeb_start, rule.weeks),
                closed_on=max(goals_reached[key] for key in rule.closed_by),
            )
        )
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
    """Seed 000's target group: aged 55–64 and on public support (ledighed) in at
    least 8 of the last 10 years."""
    if not 0 <= support_years_last10 <= 10:
        raise ValueError(f"support_years_last10 must be 0–10, not {support_years_last10}")
    return 55 <= age <= 64 and support_years_last10 >= 8
