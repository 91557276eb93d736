"""The rules the seeds set, read from dated data: the visitation groups' goals and deadlines
(seed 001, `resources/rules/seed001_groups.toml`) and the 2024 target group (seed 000,
`resources/rules/seed000_target_group.toml`). Python holds the mechanism
(`jobraad.visitation`), the files hold the values, each entry with its source and status.

A file is checked completely when it is read (`jobraad.rule_files`): an unknown key, a missing
field or a wrong type refuses the whole file with `RuleFileError`, whose Danish message names
the file and the entry.

seed001_groups.toml (every other key is refused):

    format = 1
    [[groups]]            group (a VisitationGroup value), valid_from (date), source, status;
                          optional valid_to (date)
    [[groups.goals]]      key, label, short, source, status
    [[groups.deadlines]]  key, label, weeks (int 1-260), closed_by (goal keys of the group),
                          source, status; optional if_missed, quote, closed_by_without_team
                          (goal keys; used instead of closed_by for a case not forelagt the team)
    [[without_team]]      key, label, source, status, and one of aim (an Aim value) or
                          citizen_flag ("pension_without_team")

seed000_target_group.toml:

    format = 1
    [[target_groups]]     key, label, age_min, age_max, support_years_min, support_years_window
                          (ints), valid_from (date), source, status; optional valid_to (date)

status is "bekræftet" or "foreløbig".
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from types import MappingProxyType

from db.enums import Aim, VisitationGroup
from jobraad.rule_files import Table, parse_rule_file, read_rule_file

__all__ = [
    "GROUPS_FILE",
    "TARGET_GROUP_FILE",
    "CitizenFlag",
    "DeadlineRule",
    "GroupGoal",
    "GroupRules",
    "GroupsData",
    "TargetGroup",
    "WithoutTeam",
    "groups_data",
    "parse_groups",
    "parse_target_groups",
    "target_group_2024",
]

GROUPS_FILE = "seed001_groups.toml"
TARGET_GROUP_FILE = "seed000_target_group.toml"
TARGET_GROUP_2024 = "target_group_2024"


class CitizenFlag(StrEnum):
    """The fields of a citizen a `[[without_team]]` entry may name."""

    PENSION_WITHOUT_TEAM = "pension_without_team"


@dataclass(frozen=True)
class GroupGoal:
    """A goal of a visitation group; `key` is stored in `GoalProgress.goal_key`. `short` is
    the form used in a deadline's title."""

    key: str
    label: str
    short: str = field(default="", compare=False)
    source: str = field(default="", compare=False, repr=False)
    status: str = field(default="bekræftet", compare=False, repr=False)


@dataclass(frozen=True)
class DeadlineRule:
    """A deadline `weeks` after the forløb starts, closed when ALL goals in `closed_by` are
    reached (for a case not forelagt the rehabiliteringsteam: those in `closed_by_without_team`,
    when given). `if_missed` says what to do when it is not."""

    key: str
    label: str
    weeks: int
    closed_by: frozenset[str]
    if_missed: str = ""
    closed_by_without_team: frozenset[str] | None = None
    source: str = field(default="", compare=False, repr=False)
    status: str = field(default="bekræftet", compare=False, repr=False)
    quote: str = field(default="", compare=False, repr=False)

    def closing_goals(self, without_team: bool) -> frozenset[str]:
        """The goals that close the deadline for a case that is (not) forelagt the team."""
        if without_team and self.closed_by_without_team is not None:
            return self.closed_by_without_team
        return self.closed_by


@dataclass(frozen=True)
class GroupRules:
    group: VisitationGroup
    valid_from: dt.date
    valid_to: dt.date | None
    goals: tuple[GroupGoal, ...]
    deadlines: tuple[DeadlineRule, ...]
    source: str
    status: str

    def applies_to(self, forloeb_start: dt.date) -> bool:
        """Whether the deadlines hold for a forløb that started on `forloeb_start`."""
        return self.valid_from <= forloeb_start and (self.valid_to is None or forloeb_start <= self.valid_to)


@dataclass(frozen=True)
class WithoutTeam:
    """Cases not forelagt the rehabiliteringsteam: by the citizen's aim, or a field of the citizen."""

    key: str
    label: str
    aim: Aim | None
    citizen_flag: CitizenFlag | None
    source: str
    status: str


@dataclass(frozen=True)
class GroupsData:
    groups: Mapping[VisitationGroup, GroupRules]
    without_team: tuple[WithoutTeam, ...]

    @property
    def without_team_aims(self) -> frozenset[Aim]:
        return frozenset(w.aim for w in self.without_team if w.aim is not None)

    @property
    def without_team_flags(self) -> frozenset[CitizenFlag]:
        return frozenset(w.citizen_flag for w in self.without_team if w.citizen_flag is not None)

    def goes_without_team(self, aim: Aim | None, pension_without_team: bool) -> bool:
        """Whether a citizen's case is decided without being forelagt the rehabiliteringsteam."""
        if aim is not None and aim in self.without_team_aims:
            return True
        return pension_without_team and CitizenFlag.PENSION_WITHOUT_TEAM in self.without_team_flags


@dataclass(frozen=True)
class TargetGroup:
    key: str
    label: str
    age_min: int
    age_max: int
    support_years_min: int
    support_years_window: int
    valid_from: dt.date
    valid_to: dt.date | None
    source: str
    status: str

    def contains(self, age: int, support_years: int) -> bool:
        return self.age_min <= age <= self.age_max and support_years >= self.support_years_min

    @property
    def description(self) -> str:
        """«55–64 år, forsørget 8 af de seneste 10 år»."""
        return (
            f"{self.age_min}–{self.age_max} år, forsørget {self.support_years_min} "
            f"af de seneste {self.support_years_window} år"
        )


# --- checking -----------------------------------------------------------------------------------


def _closing_goals(entry: Table, key: str, known: set[str]) -> frozenset[str]:
    """The goal keys a deadline names in `key`: goals of the group, each once."""
    keys = entry.texts(key)
    for item in keys:
        if item not in known:
            entry.fail(f"«{item}» i «{key}» er ikke et mål i gruppen.")
    if len(set(keys)) != len(keys):
        entry.fail(f"et mål står to gange i «{key}».")
    return frozenset(keys)


def _period(entry: Table) -> tuple[dt.date, dt.date | None]:
    start = entry.date("valid_from")
    end = entry.date("valid_to") if entry.has("valid_to") else None
    if end is not None and end < start:
        entry.fail("«valid_to» ligger før «valid_from».")
    return start, end


def parse_groups(text: str, file: str = GROUPS_FILE) -> GroupsData:
    """Check the text of a seed 001 groups file and build its rules."""
    return _groups(parse_rule_file(text, file, required=(), optional=("groups", "without_team")))


def _groups(top: Table) -> GroupsData:
    groups: dict[VisitationGroup, GroupRules] = {}
    for entry in top.entries(
        "groups", required=("group", "valid_from"), optional=("valid_to", "goals", "deadlines"), at_least_one=False
    ):
        group = entry.choice("group", VisitationGroup)
        entry.named(f"[[groups]] «{group.value}»")
        if group in groups:
            entry.fail("gruppen står to gange.")
        valid_from, valid_to = _period(entry)
        goals: list[GroupGoal] = []
        for g in entry.entries("goals", required=("key", "label", "short"), at_least_one=False):
            goal = GroupGoal(g.text("key"), g.text("label"), g.text("short"), g.source, g.status)
            if any(goal.key == other.key for other in goals):
                g.fail(f"målet «{goal.key}» står to gange.")
            goals.append(goal)
        known = {g.key for g in goals}
        deadlines: list[DeadlineRule] = []
        for d in entry.entries(
            "deadlines",
            required=("key", "label", "weeks", "closed_by"),
            optional=("if_missed", "quote", "closed_by_without_team"),
            at_least_one=False,
        ):
            rule = DeadlineRule(
                key=d.text("key"),
                label=d.text("label"),
                weeks=d.integer("weeks", 1, 260),
                closed_by=_closing_goals(d, "closed_by", known),
                if_missed=d.text("if_missed") if d.has("if_missed") else "",
                closed_by_without_team=(
                    _closing_goals(d, "closed_by_without_team", known) if d.has("closed_by_without_team") else None
                ),
                source=d.source,
                status=d.status,
                quote=d.text("quote") if d.has("quote") else "",
            )
            if any(rule.key == other.key for other in deadlines):
                d.fail(f"fristen «{rule.key}» står to gange.")
            deadlines.append(rule)
        groups[group] = GroupRules(
            group, valid_from, valid_to, tuple(goals), tuple(deadlines), entry.source, entry.status
        )
    missing = [g.value for g in VisitationGroup if g not in groups]
    if missing:
        top.fail(f"gruppen mangler: {', '.join(missing)}.")

    without_team: list[WithoutTeam] = []
    for entry in top.entries(
        "without_team", required=("key", "label"), optional=("aim", "citizen_flag"), at_least_one=False
    ):
        if entry.has("aim") == entry.has("citizen_flag"):
            entry.fail("skriv enten «aim» eller «citizen_flag» (præcis én af dem).")
        without_team.append(
            WithoutTeam(
                entry.text("key"),
                entry.text("label"),
                entry.choice("aim", Aim) if entry.has("aim") else None,
                entry.choice("citizen_flag", CitizenFlag) if entry.has("citizen_flag") else None,
                entry.source,
                entry.status,
            )
        )
    return GroupsData(MappingProxyType(groups), tuple(without_team))


def parse_target_groups(text: str, file: str = TARGET_GROUP_FILE) -> dict[str, TargetGroup]:
    """Check the text of a target group file and build its target groups, by key."""
    return _target_groups(parse_rule_file(text, file, required=(), optional=("target_groups",)))


def _target_groups(top: Table) -> dict[str, TargetGroup]:
    found: dict[str, TargetGroup] = {}
    numbers = ("age_min", "age_max", "support_years_min", "support_years_window")
    for entry in top.entries(
        "target_groups", required=("key", "label", "valid_from", *numbers), optional=("valid_to",), at_least_one=False
    ):
        valid_from, valid_to = _period(entry)
        age_min, age_max, years_min, window = (entry.integer(k, 0, 130) for k in numbers)
        if age_max < age_min:
            entry.fail("«age_max» er mindre end «age_min».")
        if years_min > window:
            entry.fail("«support_years_min» er større end «support_years_window».")
        group = TargetGroup(
            entry.text("key"),
            entry.text("label"),
            age_min,
            age_max,
            years_min,
            window,
            valid_from,
            valid_to,
            entry.source,
            entry.status,
        )
        if group.key in found:
            entry.fail(f"«{group.key}» står to gange.")
        found[group.key] = group
    if TARGET_GROUP_2024 not in found:
        top.fail(f"målgruppen «{TARGET_GROUP_2024}» mangler.")
    return found


@functools.cache
def groups_data() -> GroupsData:
    """The shipped seed 001 rules (read once)."""
    return _groups(read_rule_file(GROUPS_FILE, required=(), optional=("groups", "without_team")))


@functools.cache
def target_group_2024() -> TargetGroup:
    """Seed 000's target group of 2024 (read once)."""
    return _target_groups(read_rule_file(TARGET_GROUP_FILE, required=(), optional=("target_groups",)))[
        TARGET_GROUP_2024
    ]
