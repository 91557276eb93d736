"""The rules the seeds set, read from dated data: the visitation groups' goals and deadlines
(seed 001, `resources/rules/seed001_groups.toml`) and the 2024 target group (seed 000,
`resources/rules/seed000_target_group.toml`). Python holds the mechanism
(`jobraad.visitation`), the files hold the values, each entry with its source and status.

A file is checked completely when it is read: an unknown key, a missing field or a wrong
type refuses the whole file with `RulesFileError`, whose Danish message names the file and
the entry of every problem.

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
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from types import MappingProxyType
from typing import Any

from db.enums import Aim, VisitationGroup
from jobraad.errors import UserFacingError
from jobraad.resources import resource

__all__ = [
    "GROUPS_FILE",
    "STATUSES",
    "TARGET_GROUP_FILE",
    "CitizenFlag",
    "DeadlineRule",
    "GroupGoal",
    "GroupRules",
    "GroupsData",
    "RulesFileError",
    "TargetGroup",
    "WithoutTeam",
    "groups_data",
    "parse_groups",
    "parse_target_groups",
    "target_group_2024",
]

RULES_FOLDER = "rules"
GROUPS_FILE = "seed001_groups.toml"
TARGET_GROUP_FILE = "seed000_target_group.toml"
FORMAT_VERSION = 1
STATUSES = ("bekræftet", "foreløbig")
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


class RulesFileError(UserFacingError):
    """A rules file could not be read or is not valid; nothing of it was used."""

    def __init__(self, file: str, problems: list[str]) -> None:
        self.file = file
        self.problems = problems
        if len(problems) == 1:
            message = f"Regelfilen {file}: {problems[0]}"
        else:
            listed = "\n".join(f"  • {p}" for p in problems)
            message = f"Regelfilen {file} kan ikke bruges:\n{listed}"
        super().__init__(message)


# --- checking -----------------------------------------------------------------------------------


class _Check:
    """Collects the problems of one file; each value is read with the place it came from."""

    def __init__(self) -> None:
        self.problems: list[str] = []

    def fail(self, where: str, problem: str) -> None:
        self.problems.append(f"{where}: {problem}" if where else problem)

    def table(self, data: dict[str, Any], where: str, required: set[str], optional: set[str]) -> None:
        for key in data:
            if key not in required and key not in optional:
                allowed = ", ".join(sorted(required | optional))
                self.fail(where, f"ukendt nøgle «{key}»; tilladt her: {allowed}.")
        for key in sorted(required):
            if key not in data:
                self.fail(where, f"«{key}» mangler.")

    def text(self, data: dict[str, Any], key: str, where: str) -> str:
        value = data.get(key, "")
        if not isinstance(value, str):
            self.fail(where, f"«{key}» skal være en tekst i anførselstegn.")
            return ""
        if key in data and not value.strip():
            self.fail(where, f"«{key}» må ikke være tom.")
        return value.strip()

    def status(self, data: dict[str, Any], where: str) -> str:
        value = self.text(data, "status", where)
        if value and value not in STATUSES:
            self.fail(where, f"«status» skal være {' eller '.join(STATUSES)}, ikke «{value}».")
        return value

    def integer(self, data: dict[str, Any], key: str, where: str, low: int, high: int) -> int:
        value = data.get(key)
        if value is None:
            return 0
        if isinstance(value, bool) or not isinstance(value, int):
            self.fail(where, f"«{key}» skal være et heltal.")
            return 0
        if not low <= value <= high:
            self.fail(where, f"«{key}» skal ligge mellem {low} og {high}, ikke {value}.")
            return 0
        return value

    def date(self, data: dict[str, Any], key: str, where: str) -> dt.date | None:
        value = data.get(key)
        if value is None:
            return None
        if isinstance(value, dt.datetime) or not isinstance(value, dt.date):
            self.fail(where, f"«{key}» skal være en dato skrevet som åååå-mm-dd.")
            return None
        return value

    def period(self, data: dict[str, Any], where: str) -> tuple[dt.date, dt.date | None]:
        start = self.date(data, "valid_from", where)
        end = self.date(data, "valid_to", where)
        if start is not None and end is not None and end < start:
            self.fail(where, "«valid_to» ligger før «valid_from».")
        return start or dt.date.min, end

    def keys(self, data: dict[str, Any], key: str, where: str, known: set[str]) -> frozenset[str]:
        value = data.get(key)
        if value is None:
            return frozenset()
        if not isinstance(value, list) or not value or not all(isinstance(v, str) for v in value):
            self.fail(where, f"«{key}» skal være en liste med mindst én tekst.")
            return frozenset()
        for item in value:
            if item not in known:
                self.fail(where, f"«{item}» i «{key}» er ikke et mål i gruppen.")
        if len(set(value)) != len(value):
            self.fail(where, f"et mål står to gange i «{key}».")
        return frozenset(value)

    def entries(self, raw: dict[str, Any], key: str, where: str) -> list[dict[str, Any]]:
        value = raw.get(key, [])
        if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
            self.fail(where, f"«{key}» skal skrives som [[{key}]]-afsnit.")
            return []
        return value

    def top(self, raw: dict[str, Any], allowed: set[str]) -> None:
        self.table(raw, "", {"format"}, allowed)
        version = raw.get("format")
        if "format" in raw and (isinstance(version, bool) or version != FORMAT_VERSION):
            self.fail("", f"formatet «{version}» kendes ikke af denne udgave af jobraad (kun {FORMAT_VERSION}).")


def _read(text: str, file: str) -> dict[str, Any]:
    try:
        return tomllib.loads(text.removeprefix("\ufeff"))
    except tomllib.TOMLDecodeError as exc:
        raise RulesFileError(file, [f"filen er ikke gyldig TOML ({exc})."]) from None


_SOURCED = {"source", "status"}


def parse_groups(text: str, file: str = GROUPS_FILE) -> GroupsData:
    """Check the text of a seed 001 groups file and build its rules."""
    raw = _read(text, file)
    c = _Check()
    c.top(raw, {"groups", "without_team"})
    groups: dict[VisitationGroup, GroupRules] = {}
    for i, entry in enumerate(c.entries(raw, "groups", "")):
        where = f"[[groups]] nr. {i + 1}"
        c.table(entry, where, {"group", "valid_from", *_SOURCED}, {"valid_to", "goals", "deadlines"})
        try:
            group = VisitationGroup(str(entry.get("group")))
        except ValueError:
            allowed = ", ".join(g.value for g in VisitationGroup)
            c.fail(where, f"ukendt gruppe «{entry.get('group')}»; tilladt: {allowed}.")
            continue
        where = f"gruppen «{group.value}»"
        if group in groups:
            c.fail(where, "gruppen står to gange.")
            continue
        valid_from, valid_to = c.period(entry, where)
        goals: list[GroupGoal] = []
        for j, g in enumerate(c.entries(entry, "goals", where)):
            at = f"{where}, mål nr. {j + 1}"
            c.table(g, at, {"key", "label", "short", *_SOURCED}, set())
            goal = GroupGoal(
                key=c.text(g, "key", at),
                label=c.text(g, "label", at),
                short=c.text(g, "short", at),
                source=c.text(g, "source", at),
                status=c.status(g, at),
            )
            if any(goal.key == other.key for other in goals):
                c.fail(at, f"målet «{goal.key}» står to gange.")
            goals.append(goal)
        known = {g.key for g in goals}
        deadlines: list[DeadlineRule] = []
        for j, d in enumerate(c.entries(entry, "deadlines", where)):
            at = f"{where}, frist nr. {j + 1}"
            c.table(
                d,
                at,
                {"key", "label", "weeks", "closed_by", *_SOURCED},
                {"if_missed", "quote", "closed_by_without_team"},
            )
            without = c.keys(d, "closed_by_without_team", at, known) if "closed_by_without_team" in d else None
            rule = DeadlineRule(
                key=c.text(d, "key", at),
                label=c.text(d, "label", at),
                weeks=c.integer(d, "weeks", at, 1, 260),
                closed_by=c.keys(d, "closed_by", at, known),
                if_missed=c.text(d, "if_missed", at),
                closed_by_without_team=without,
                source=c.text(d, "source", at),
                status=c.status(d, at),
                quote=c.text(d, "quote", at),
            )
            if any(rule.key == other.key for other in deadlines):
                c.fail(at, f"fristen «{rule.key}» står to gange.")
            deadlines.append(rule)
        groups[group] = GroupRules(
            group,
            valid_from,
            valid_to,
            tuple(goals),
            tuple(deadlines),
            c.text(entry, "source", where),
            c.status(entry, where),
        )
    missing = [g.value for g in VisitationGroup if g not in groups]
    if missing:
        c.fail("", f"gruppen mangler: {', '.join(missing)}.")

    without_team: list[WithoutTeam] = []
    for i, entry in enumerate(c.entries(raw, "without_team", "")):
        where = f"[[without_team]] nr. {i + 1}"
        c.table(entry, where, {"key", "label", *_SOURCED}, {"aim", "citizen_flag"})
        aim: Aim | None = None
        flag: CitizenFlag | None = None
        if ("aim" in entry) == ("citizen_flag" in entry):
            c.fail(where, "skriv enten «aim» eller «citizen_flag» (præcis én af dem).")
        elif "aim" in entry:
            try:
                aim = Aim(entry["aim"])
            except ValueError:
                c.fail(where, f"ukendt sigte «{entry['aim']}»; tilladt: {', '.join(a.value for a in Aim)}.")
        else:
            try:
                flag = CitizenFlag(entry["citizen_flag"])
            except ValueError:
                allowed = ", ".join(f.value for f in CitizenFlag)
                c.fail(where, f"ukendt felt «{entry['citizen_flag']}»; tilladt: {allowed}.")
        without_team.append(
            WithoutTeam(
                c.text(entry, "key", where),
                c.text(entry, "label", where),
                aim,
                flag,
                c.text(entry, "source", where),
                c.status(entry, where),
            )
        )
    if c.problems:
        raise RulesFileError(file, c.problems)
    return GroupsData(MappingProxyType(groups), tuple(without_team))


def parse_target_groups(text: str, file: str = TARGET_GROUP_FILE) -> dict[str, TargetGroup]:
    """Check the text of a target group file and build its target groups, by key."""
    raw = _read(text, file)
    c = _Check()
    c.top(raw, {"target_groups"})
    found: dict[str, TargetGroup] = {}
    numbers = ("age_min", "age_max", "support_years_min", "support_years_window")
    for i, entry in enumerate(c.entries(raw, "target_groups", "")):
        where = f"[[target_groups]] nr. {i + 1}"
        c.table(entry, where, {"key", "label", "valid_from", *numbers, *_SOURCED}, {"valid_to"})
        valid_from, valid_to = c.period(entry, where)
        age_min, age_max, years_min, window = (c.integer(entry, k, where, 0, 130) for k in numbers)
        if age_max < age_min:
            c.fail(where, "«age_max» er mindre end «age_min».")
        if years_min > window:
            c.fail(where, "«support_years_min» er større end «support_years_window».")
        group = TargetGroup(
            c.text(entry, "key", where),
            c.text(entry, "label", where),
            age_min,
            age_max,
            years_min,
            window,
            valid_from,
            valid_to,
            c.text(entry, "source", where),
            c.status(entry, where),
        )
        if group.key in found:
            c.fail(where, f"«{group.key}» står to gange.")
        found[group.key] = group
    if TARGET_GROUP_2024 not in found:
        c.fail("", f"målgruppen «{TARGET_GROUP_2024}» mangler.")
    if c.problems:
        raise RulesFileError(file, c.problems)
    return found


@functools.cache
def groups_data() -> GroupsData:
    """The shipped seed 001 rules (read once)."""
    return parse_groups(resource(RULES_FOLDER, GROUPS_FILE).read_text(encoding="utf-8"))


@functools.cache
def target_group_2024() -> TargetGroup:
    """Seed 000's target group of 2024 (read once)."""
    text = resource(RULES_FOLDER, TARGET_GROUP_FILE).read_text(encoding="utf-8")
    return parse_target_groups(text)[TARGET_GROUP_2024]
