"""Goals as data: an indsats (its period, its helårspladser targets and its goals),
each goal a rule over the caseload, read from TOML.

The shipped goals are `resources/goals/*.toml` (seed 000's Integrationshandleplan
2024–26 for CBA). The user may replace them: a goals file saved with
`save_goals()` is kept in the database (Setting "goals_toml") and overrides the
shipped one; `reset_goals()` returns to it. No goal is a literal in the code: the
code knows only the small closed vocabulary of rule kinds and populations below.

A goals file is checked completely when it is read. Anything unexpected (an
unknown key, a missing or wrong value, a key that belongs to another rule kind, a
duplicate id) refuses the whole file with `GoalsError`, whose Danish message
names the file and the line of every problem.

The schema (every other key is refused):

    format = 1
    [indsats]        id, name, period_from (date), period_to (date);
                     optional description (""), population ("all")
    [[helaarspladser]]  year (int), target (number >= 0)          (any number of them)
    [[goals]]        id, label, rule; optional target_percent (0-100; left out: no target),
                     population (default: the indsats'), and per rule:
        had_activity                  activities and/or placements (lists), window ("in_period")
        exited_to                     outcomes (list); optional placements (list), window ("in_period")
        gruppe3_decided_within_weeks  deadline (the key of a gruppe 3 deadline in
                                      resources/rules/seed001_groups.toml, e.g. "23_uger";
                                      its weeks come from there, never from the goals file)

Goal periods: the shipped folder may hold several goals files, one per period (their periods
must not overlap). The file used is the one whose period contains the day the figures are
counted to (the export's last day, or today); after the last period, the last file is used and
the figures are shown without targets (`expired`, `expired_text`).

Rules, populations and windows (what they count) are described in `jobraad.team.population` and
`jobraad.team.goal_evaluation`.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import itertools
import json
import re
import tomllib
from collections.abc import Iterable
from dataclasses import dataclass, replace
from enum import StrEnum
from importlib.resources.abc import Traversable
from typing import Any, TypeVar

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.enums import ActivityKind, Outcome, PlacementKind, VisitationGroup
from db.models import Setting
from db.session import Database
from jobraad import formatting as fmt
from jobraad.errors import UserFacingError
from jobraad.resources import resource
from jobraad.seed_rules import DeadlineRule, groups_data, target_group_2024

__all__ = [
    "FORMAT_VERSION",
    "SETTING_KEY",
    "Goal",
    "GoalSet",
    "GoalsError",
    "HelaarspladsTarget",
    "Population",
    "RuleKind",
    "Window",
    "default_goals",
    "default_goals_text",
    "expired",
    "expired_text",
    "goals_for",
    "goals_text",
    "load_goals",
    "parse_goals",
    "reset_goals",
    "save_goals",
    "shipped_goal_sets",
    "uses_default_goals",
    "without_targets",
]

FORMAT_VERSION = 1
SETTING_KEY = "goals_toml"
RESOURCE_FOLDER = "goals"
MAX_GOALS_BYTES = 256 * 1024
MAX_GOALS = 30
MAX_LABEL = 200
USER_SOURCE = "dine mål (gemt i databasen)"

_ID = re.compile(r"^[a-z0-9][a-z0-9_]{0,59}$")


class RuleKind(StrEnum):
    HAD_ACTIVITY = "had_activity"
    EXITED_TO = "exited_to"
    GRUPPE3_DECIDED_WITHIN_WEEKS = "gruppe3_decided_within_weeks"


class Population(StrEnum):
    ALL = "all"
    TARGET_GROUP_2024 = "target_group_2024"


class Window(StrEnum):
    IN_PERIOD = "in_period"
    STARTED_IN_PERIOD = "started_in_period"


POPULATION_LABELS: dict[Population, str] = {
    Population.ALL: "alle borgere",
    Population.TARGET_GROUP_2024: f"{target_group_2024().label} ({target_group_2024().description})",
}

_RULE_KEYS: dict[RuleKind, tuple[frozenset[str], frozenset[str]]] = {
    # (required, optional) keys besides id, label, rule, target_percent, population
    RuleKind.HAD_ACTIVITY: (frozenset(), frozenset({"activities", "placements", "window"})),
    RuleKind.EXITED_TO: (frozenset({"outcomes"}), frozenset({"placements", "window"})),
    RuleKind.GRUPPE3_DECIDED_WITHIN_WEEKS: (frozenset({"deadline"}), frozenset()),
}
_COMMON_GOAL_KEYS = frozenset({"id", "label", "rule", "target_percent", "population"})
_TOP_KEYS = frozenset({"format", "indsats", "helaarspladser", "goals"})
_INDSATS_REQUIRED = frozenset({"id", "name", "period_from", "period_to"})
_INDSATS_OPTIONAL = frozenset({"description", "population"})


@dataclass(frozen=True)
class Goal:
    """One goal: a share of citizens (or gruppe 3 forløb) that a rule counts."""

    id: str
    label: str
    rule: RuleKind
    target: float | None  # a share 0–1; None: reported without met / not met
    population: Population | None  # None: the indsats' population
    activities: frozenset[ActivityKind] = frozenset()
    placements: frozenset[PlacementKind] = frozenset()
    outcomes: frozenset[Outcome] = frozenset()
    window: Window = Window.IN_PERIOD
    deadline: str | None = None  # gruppe3_decided_within_weeks: the key of the gruppe 3 deadline
    weeks: int | None = None  # ... and its weeks, from the seed 001 rules


@dataclass(frozen=True)
class HelaarspladsTarget:
    year: int
    target: float


@dataclass(frozen=True)
class GoalSet:
    """An indsats and its goals, as read from one goals file."""

    id: str
    name: str
    description: str
    period_from: dt.date
    period_to: dt.date
    population: Population
    helaarspladser: tuple[HelaarspladsTarget, ...]
    goals: tuple[Goal, ...]
    source: str  # the file name, or USER_SOURCE
    text: str  # the TOML text it was read from

    @property
    def hash(self) -> str:
        """Identifies what the goals count: two sets with the same hash give summaries that
        can be merged. Labels, name, description and comments are left out, so fixing a typo
        in a label does not stop a merge."""
        return _semantic_hash(self)

    def goal(self, goal_id: str) -> Goal:
        for goal in self.goals:
            if goal.id == goal_id:
                return goal
        raise KeyError(goal_id)

    def helaarspladser_target(self, start: dt.date, end: dt.date) -> float | None:
        """The helårspladser target for [start, end]: each year's target in proportion to
        the share of that year inside the period. None when a year of the period has no target."""
        if end < start:
            return None
        by_year = {t.year: t.target for t in self.helaarspladser}
        total = 0.0
        for year in range(start.year, end.year + 1):
            if year not in by_year:
                return None
            first = max(start, dt.date(year, 1, 1))
            last = min(end, dt.date(year, 12, 31))
            days_in_year = (dt.date(year + 1, 1, 1) - dt.date(year, 1, 1)).days
            total += by_year[year] * ((last - first).days + 1) / days_in_year
        return total


def _semantic_hash(goals: GoalSet) -> str:
    data = {
        "format": FORMAT_VERSION,
        "id": goals.id,
        "period": [goals.period_from.isoformat(), goals.period_to.isoformat()],
        "population": goals.population.value,
        "helaarspladser": sorted([t.year, t.target] for t in goals.helaarspladser),
        "goals": [
            {
                "id": g.id,
                "rule": g.rule.value,
                "target": g.target,
                "population": g.population.value if g.population else None,
                "activities": sorted(k.value for k in g.activities),
                "placements": sorted(k.value for k in g.placements),
                "outcomes": sorted(k.value for k in g.outcomes),
                "window": g.window.value,
                "deadline": g.deadline,
                "weeks": g.weeks,
            }
            for g in goals.goals
        ],
    }
    raw = json.dumps(data, sort_keys=True, ensure_ascii=True, separators=(",", ":"))
    return hashlib.sha256(raw.encode("ascii")).hexdigest()[:16]


class GoalsError(UserFacingError):
    """A goals file could not be read or is not valid; nothing of it was used.

    `problems` is a list of (line or None, Danish message); `line` is the first line.
    """

    def __init__(self, source: str, problems: list[tuple[int | None, str]]) -> None:
        self.source = source
        self.problems = problems
        self.line = next((line for line, _ in problems if line is not None), None)
        parts = []
        for line, problem in problems:
            where = f"Målfilen ({source}), linje {line}" if line is not None else f"Målfilen ({source})"
            parts.append(f"{where}: {problem}")
        listed = "\n".join(f"  • {p}" for p in parts)
        super().__init__(parts[0] if len(parts) == 1 else f"Målfilen kan ikke bruges:\n{listed}")


# --- where things are in the text ---------------------------------------------------------------

_HEADER = re.compile(r"^\s*(\[\[?)\s*([A-Za-z0-9_.\" -]+?)\s*\]\]?\s*(?:#.*)?$")
_ASSIGN = re.compile(r"^\s*[\"']?([A-Za-z0-9_-]+)[\"']?\s*=")


class _Lines:
    """Line numbers of table headers and keys (tomllib gives none). Lines that begin inside
    a multi-line string are skipped, so a header written in a description is no header."""

    def __init__(self, text: str) -> None:
        self.keys: dict[tuple[str, int, str], int] = {}  # (table, index, key) -> line
        self.headers: dict[tuple[str, int], int] = {}  # (table, index) -> line
        table, index = "", 0
        counts: dict[str, int] = {}
        state: str | None = None
        for number, line in enumerate(text.split("\n"), start=1):
            begins_outside = state is None
            state = _string_state(line, state)
            if not begins_outside:
                continue
            header = _HEADER.match(line)
            if header:
                table = header.group(2).strip().strip('"')
                if header.group(1) == "[[":
                    index = counts.get(table, 0)
                    counts[table] = index + 1
                else:
                    index = 0
                self.headers.setdefault((table, index), number)
                continue
            assign = _ASSIGN.match(line)
            if assign:
                self.keys.setdefault((table, index, assign.group(1)), number)

    def find(self, table: str, index: int = 0, key: str | None = None) -> int | None:
        if key is not None:
            found = self.keys.get((table, index, key))
            if found is not None:
                return found
        found = self.headers.get((table, index))
        if found is not None:
            return found
        return self.keys.get(("", 0, table))  # written inline: `goals = [...]`


def _string_state(line: str, state: str | None) -> str | None:
    """Whether the end of `line` is inside a multi-line string (and which quote)."""
    i, n = 0, len(line)
    while i < n:
        if state is not None:
            if state == '"""' and line[i] == "\\":
                i += 2
                continue
            if line.startswith(state, i):
                i += 3
                while i < n and line[i] == state[0]:
                    i += 1
                state = None
                continue
            i += 1
            continue
        char = line[i]
        if char == "#":
            break
        if line.startswith('"""', i) or line.startswith("'''", i):
            state = line[i : i + 3]
            i += 3
            continue
        if char in "\"'":
            end = i + 1
            while end < n and line[end] != char:
                end += 2 if char == '"' and line[end] == "\\" else 1
            i = end + 1
            continue
        i += 1
    return state


# --- checking -----------------------------------------------------------------------------------

E = TypeVar("E", bound=StrEnum)


class _Checker:
    def __init__(self, text: str, source: str) -> None:
        self.lines = _Lines(text)
        self.source = source
        self.problems: list[tuple[int | None, str]] = []

    def fail(self, line: int | None, problem: str) -> None:
        self.problems.append((line, problem))

    def unknown_keys(self, data: dict[str, Any], allowed: Iterable[str], table: str, index: int) -> None:
        allowed_set = set(allowed)
        for key in data:
            if key not in allowed_set:
                self.fail(
                    self.lines.find(table, index, key),
                    f"ukendt nøgle «{key}»; tilladt her: {', '.join(sorted(allowed_set))}.",
                )

    def text(self, data: dict[str, Any], key: str, table: str, index: int, *, required: bool = True) -> str:
        value = data.get(key)
        line = self.lines.find(table, index, key)
        if value is None:
            if required:
                self.fail(self.lines.find(table, index), f"«{key}» mangler.")
            return ""
        if not isinstance(value, str):
            self.fail(line, f"«{key}» skal være en tekst i anførselstegn.")
            return ""
        if required and not value.strip():
            self.fail(line, f"«{key}» må ikke være tom.")
        if len(value) > (2000 if key == "description" else MAX_LABEL):
            self.fail(line, f"«{key}» er for lang.")
        if any(ord(c) < 32 and c not in "\n\t" for c in value):
            self.fail(line, f"«{key}» indeholder kontroltegn.")
        return value.strip()

    def ident(self, data: dict[str, Any], table: str, index: int) -> str:
        value = self.text(data, "id", table, index)
        if value and not _ID.match(value):
            self.fail(
                self.lines.find(table, index, "id"),
                f"id «{value}» må kun indeholde små bogstaver a-z, cifre og _ (højst 60 tegn).",
            )
        return value

    def date(self, data: dict[str, Any], key: str, table: str, index: int) -> dt.date | None:
        value = data.get(key)
        if value is None:
            self.fail(self.lines.find(table, index), f"«{key}» mangler.")
            return None
        if isinstance(value, dt.datetime) or not isinstance(value, dt.date):
            self.fail(self.lines.find(table, index, key), f"«{key}» skal være en dato skrevet som åååå-mm-dd.")
            return None
        return value

    def number(
        self, data: dict[str, Any], key: str, table: str, index: int, low: float, high: float, *, integer: bool = False
    ) -> float | None:
        value = data.get(key)
        line = self.lines.find(table, index, key)
        if value is None:
            self.fail(self.lines.find(table, index), f"«{key}» mangler.")
            return None
        ok_type = isinstance(value, int) if integer else isinstance(value, int | float)
        if isinstance(value, bool) or not ok_type:
            kind = "et heltal" if integer else "et tal"
            self.fail(line, f"«{key}» skal være {kind}.")
            return None
        if not low <= value <= high:
            self.fail(
                line, f"«{key}» skal ligge mellem {fmt.decimal(low)} og {fmt.decimal(high)}, ikke {fmt.decimal(value)}."
            )
            return None
        return float(value)

    def choice(self, value: Any, enum: type[E], key: str, line: int | None) -> E | None:
        allowed = ", ".join(m.value for m in enum)
        if not isinstance(value, str):
            self.fail(line, f"«{key}» skal være en tekst; tilladt: {allowed}.")
            return None
        try:
            return enum(value)
        except ValueError:
            self.fail(line, f"ukendt værdi «{value}» i «{key}»; tilladt: {allowed}.")
            return None

    def choices(self, data: dict[str, Any], key: str, enum: type[E], table: str, index: int) -> frozenset[E]:
        value = data.get(key)
        if value is None:
            return frozenset()
        line = self.lines.find(table, index, key)
        if not isinstance(value, list) or not value:
            self.fail(line, f'«{key}» skal være en liste med mindst én værdi, fx ["{next(iter(enum)).value}"].')
            return frozenset()
        found: list[E] = []
        for item in value:
            member = self.choice(item, enum, key, line)
            if member is not None:
                if member in found:
                    self.fail(line, f"«{member.value}» står to gange i «{key}».")
                found.append(member)
        return frozenset(found)

    def goal_set(self, raw: dict[str, Any], text: str) -> GoalSet:
        self.unknown_keys(raw, _TOP_KEYS, "", 0)
        fmt = raw.get("format")
        if fmt is None:
            self.fail(1, f"«format = {FORMAT_VERSION}» mangler øverst i filen.")
        elif isinstance(fmt, bool) or fmt != FORMAT_VERSION:
            self.fail(
                self.lines.find("", 0, "format"),
                f"formatet «{fmt}» kendes ikke af denne udgave af jobraad (kun {FORMAT_VERSION}).",
            )

        indsats = raw.get("indsats")
        if not isinstance(indsats, dict):
            self.fail(self.lines.find("indsats") or 1, "afsnittet [indsats] mangler (eller er ikke en tabel).")
            indsats = {}
        self.unknown_keys(indsats, _INDSATS_REQUIRED | _INDSATS_OPTIONAL, "indsats", 0)
        set_id = self.ident(indsats, "indsats", 0)
        name = self.text(indsats, "name", "indsats", 0)
        description = self.text(indsats, "description", "indsats", 0, required=False)
        period_from = self.date(indsats, "period_from", "indsats", 0)
        period_to = self.date(indsats, "period_to", "indsats", 0)
        if period_from and period_to and period_to < period_from:
            self.fail(self.lines.find("indsats", 0, "period_to"), "«period_to» ligger før «period_from».")
        population = Population.ALL
        if "population" in indsats:
            population = (
                self.choice(
                    indsats["population"], Population, "population", self.lines.find("indsats", 0, "population")
                )
                or Population.ALL
            )

        targets = self.helaarspladser(raw.get("helaarspladser", []))
        goals = self.goals(raw.get("goals"))
        if self.problems:
            raise GoalsError(self.source, sorted(self.problems, key=lambda p: (p[0] is None, p[0] or 0)))
        assert period_from is not None and period_to is not None
        return GoalSet(
            id=set_id,
            name=name,
            description=description,
            period_from=period_from,
            period_to=period_to,
            population=population,
            helaarspladser=targets,
            goals=goals,
            source=self.source,
            text=text,
        )

    def helaarspladser(self, value: Any) -> tuple[HelaarspladsTarget, ...]:
        if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
            self.fail(self.lines.find("helaarspladser"), "«helaarspladser» skal skrives som [[helaarspladser]]-afsnit.")
            return ()
        out: list[HelaarspladsTarget] = []
        for i, entry in enumerate(value):
            self.unknown_keys(entry, {"year", "target"}, "helaarspladser", i)
            year = self.number(entry, "year", "helaarspladser", i, 1900, 2200, integer=True)
            target = self.number(entry, "target", "helaarspladser", i, 0, 1_000_000)
            if year is None or target is None:
                continue
            if any(t.year == int(year) for t in out):
                self.fail(self.lines.find("helaarspladser", i, "year"), f"året {int(year)} står to gange.")
                continue
            out.append(HelaarspladsTarget(int(year), target))
        return tuple(sorted(out, key=lambda t: t.year))

    def goals(self, value: Any) -> tuple[Goal, ...]:
        if value is None:
            self.fail(None, "filen har ingen mål ([[goals]]-afsnit).")
            return ()
        if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
            self.fail(self.lines.find("goals"), "«goals» skal skrives som [[goals]]-afsnit.")
            return ()
        if len(value) > MAX_GOALS:
            self.fail(self.lines.find("goals", MAX_GOALS), f"højst {MAX_GOALS} mål i én fil.")
        out: list[Goal] = []
        seen: set[str] = set()
        for i, entry in enumerate(value[:MAX_GOALS]):
            goal = self.goal(entry, i)
            if goal is None:
                continue
            if goal.id in seen:
                self.fail(self.lines.find("goals", i, "id"), f"mål-id «{goal.id}» står to gange.")
                continue
            seen.add(goal.id)
            out.append(goal)
        return tuple(out)

    def goal(self, entry: dict[str, Any], i: int) -> Goal | None:
        t = "goals"
        before = len(self.problems)
        goal_id = self.ident(entry, t, i)
        label = self.text(entry, "label", t, i)
        rule: RuleKind | None = None
        if "rule" not in entry:
            self.fail(self.lines.find(t, i), "«rule» mangler.")
        else:
            rule = self.choice(entry["rule"], RuleKind, "rule", self.lines.find(t, i, "rule"))
        if rule is None:
            self.unknown_keys(entry, _COMMON_GOAL_KEYS.union(*(r | o for r, o in _RULE_KEYS.values())), t, i)
            return None
        required, optional = _RULE_KEYS[rule]
        for key in entry:
            if key in _COMMON_GOAL_KEYS or key in required or key in optional:
                continue
            if key == "weeks" and rule is RuleKind.GRUPPE3_DECIDED_WITHIN_WEEKS:
                keys = " eller ".join(f'deadline = "{r.key}"' for r in _gruppe3_deadlines())
                self.fail(
                    self.lines.find(t, i, key),
                    "«weeks» bruges ikke længere: ugerne står i reglerne for visitationsgrupperne (seed 001). "
                    f"Skriv i stedet {keys} (fristens nøgle).",
                )
                continue
            if any(key in r | o for r, o in _RULE_KEYS.values()):
                self.fail(self.lines.find(t, i, key), f"nøglen «{key}» hører ikke til reglen «{rule.value}».")
            else:
                allowed = ", ".join(sorted(_COMMON_GOAL_KEYS | required | optional))
                self.fail(self.lines.find(t, i, key), f"ukendt nøgle «{key}»; tilladt her: {allowed}.")
        for key in sorted(required):
            if key not in entry:
                self.fail(self.lines.find(t, i), f"«{key}» mangler (reglen «{rule.value}» kræver den).")
        target = None
        if "target_percent" in entry:
            pct = self.number(entry, "target_percent", t, i, 0, 100)
            target = None if pct is None else pct / 100
        population = None
        if "population" in entry:
            population = self.choice(entry["population"], Population, "population", self.lines.find(t, i, "population"))
        window = Window.IN_PERIOD
        if "window" in entry:
            window = self.choice(entry["window"], Window, "window", self.lines.find(t, i, "window")) or window
        activities = self.choices(entry, "activities", ActivityKind, t, i)
        placements = self.choices(entry, "placements", PlacementKind, t, i)
        outcomes = self.choices(entry, "outcomes", Outcome, t, i)
        deadline = weeks = None
        if rule is RuleKind.GRUPPE3_DECIDED_WITHIN_WEEKS and "deadline" in entry:
            deadline, weeks = self.gruppe3_deadline(entry["deadline"], self.lines.find(t, i, "deadline"))
        if rule is RuleKind.HAD_ACTIVITY and "activities" not in entry and "placements" not in entry:
            self.fail(self.lines.find(t, i), "reglen «had_activity» skal have «activities» eller «placements».")
        if len(self.problems) > before:
            return None
        return Goal(
            id=goal_id,
            label=label,
            rule=rule,
            target=target,
            population=population,
            activities=activities,
            placements=placements,
            outcomes=outcomes,
            window=window,
            deadline=deadline,
            weeks=weeks,
        )

    def gruppe3_deadline(self, value: Any, line: int | None) -> tuple[str | None, int | None]:
        """The key and weeks of the gruppe 3 deadline (seed 001) a goal refers to."""
        rules = _gruppe3_deadlines()
        allowed = ", ".join(r.key for r in rules) or "(ingen)"
        rule = next((r for r in rules if r.key == value), None) if isinstance(value, str) else None
        if rule is None:
            self.fail(line, f"«deadline» skal være en frist for gruppe 3 i reglerne (seed 001); tilladt: {allowed}.")
            return None, None
        return rule.key, rule.weeks


def _gruppe3_deadlines() -> tuple[DeadlineRule, ...]:
    return groups_data().groups[VisitationGroup.GRUPPE_3].deadlines


_POSITION = re.compile(r"\s*\((?:at line (\d+), column \d+|at end of document)\)\s*$")


def parse_goals(text: str, source: str) -> GoalSet:
    """Check the text of a goals file and build the goal set; `source` names it in messages."""
    if len(text.encode("utf-8", "surrogatepass")) > MAX_GOALS_BYTES:
        raise GoalsError(source, [(None, f"filen er for stor (højst {MAX_GOALS_BYTES // 1024} kB).")])
    if "\x00" in text:
        raise GoalsError(source, [(None, "filen er ikke en tekstfil.")])
    text = text.removeprefix("\ufeff")
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        message = str(exc)
        match = _POSITION.search(message)
        detail = message[: match.start()] if match else message
        line = getattr(exc, "lineno", None)
        if not isinstance(line, int):
            line = int(match.group(1)) if match and match.group(1) else max(1, len(text.splitlines()))
        raise GoalsError(source, [(line, f"filen er ikke gyldig TOML ({detail}).")]) from None
    except (ValueError, RecursionError):
        raise GoalsError(source, [(None, "filen er ikke gyldig TOML (et tal eller en liste er for stor).")]) from None
    return _Checker(text, source).goal_set(raw, text)


# --- shipped and user goals ---------------------------------------------------------------------


def goals_folder() -> Traversable:
    """The folder of the shipped goals files (a test may point it elsewhere)."""
    return resource(RESOURCE_FOLDER)


@functools.lru_cache(maxsize=16)
def _parse_shipped(text: str, name: str) -> GoalSet:
    return parse_goals(text, name)


def shipped_goal_sets() -> tuple[GoalSet, ...]:
    """Every shipped goals file, by period. Periods that overlap refuse the folder."""
    folder = goals_folder()
    sets = sorted(
        (
            _parse_shipped(entry.read_text(encoding="utf-8"), entry.name)
            for entry in folder.iterdir()
            if entry.name.endswith(".toml") and entry.is_file()
        ),
        key=lambda g: (g.period_from, g.period_to),
    )
    if not sets:
        raise GoalsError(RESOURCE_FOLDER, [(None, "ingen målfiler fundet.")])
    for before, after in itertools.pairwise(sets):
        if after.period_from <= before.period_to:
            raise GoalsError(
                after.source, [(None, f"perioden overlapper målfilen {before.source}; hver periode må have én fil.")]
            )
    return tuple(sets)


def goals_for(day: dt.date, sets: Iterable[GoalSet] | None = None) -> GoalSet:
    """The goals whose period contains `day`; after the last period, the last goals (they
    have `expired`); before the first, the first."""
    ordered = sorted(sets if sets is not None else shipped_goal_sets(), key=lambda g: g.period_from)
    for goals in ordered:
        if goals.period_from <= day <= goals.period_to:
            return goals
    ended = [g for g in ordered if g.period_to < day]
    return ended[-1] if ended else ordered[0]


def default_goals(day: dt.date | None = None) -> GoalSet:
    """The shipped goals for `day` (default today)."""
    return goals_for(day or dt.date.today())


def default_goals_text(day: dt.date | None = None) -> str:
    """The text of the shipped goals file for `day` (shown in the editor as the starting point)."""
    return default_goals(day).text


def expired(goals: GoalSet, day: dt.date) -> bool:
    """Whether the goals' period ended before `day`: then there are no targets for it."""
    return day > goals.period_to


def expired_text(name: str, period_from: dt.date, period_to: dt.date) -> str:
    """What a team lead reads when the goals' period has ended."""
    return (
        f"Målperioden {period_from.year}–{period_to.year} ({name}) er udløbet {fmt.date(period_to)}; "
        "tallene er vist uden mål. Læg den nye periodes mål ind under »Mål for indsatsen«."
    )


def without_targets(goals: GoalSet) -> GoalSet:
    """The goals with no target: figures reported without met / not met."""
    return replace(goals, goals=tuple(replace(g, target=None) for g in goals.goals), helaarspladser=())


def _stored_text(session: Session) -> str | None:
    raw = session.scalar(select(Setting.value).where(Setting.key == SETTING_KEY))
    if raw is None:
        return None
    value = json.loads(raw)
    return value if isinstance(value, str) and value.strip() else None


def load_goals_in(session: Session, day: dt.date | None = None) -> GoalSet:
    """`load_goals` in the caller's session."""
    text = _stored_text(session)
    if text is None:
        return default_goals(day)
    return _parse_shipped(text, USER_SOURCE)


def load_goals(database: Database, day: dt.date | None = None) -> GoalSet:
    """The user's goals if saved, else the shipped ones for `day` (default today). Raises
    `GoalsError` if the saved file no longer passes the checks (then the user must correct it)."""
    with database.reading() as session:
        return load_goals_in(session, day)


def goals_text(database: Database) -> str:
    """The text to edit: the user's saved goals file, or the shipped one for today."""
    with database.reading() as session:
        text = _stored_text(session)
    return text if text is not None else default_goals_text()


def uses_default_goals(database: Database) -> bool:
    with database.reading() as session:
        return _stored_text(session) is None


def save_goals(database: Database, text: str) -> GoalSet:
    """Check `text` and keep it as the user's goals. A bad file raises `GoalsError`
    (naming the lines) and changes nothing."""
    goals = parse_goals(text, USER_SOURCE)
    with database.transaction() as session:
        row = session.get(Setting, SETTING_KEY)
        value = json.dumps(text.removeprefix("\ufeff"))
        if row is None:
            session.add(Setting(key=SETTING_KEY, value=value))
        else:
            row.value = value
    return goals


def reset_goals(database: Database) -> None:
    """Forget the user's goals file: the shipped goals apply again."""
    with database.transaction() as session:
        row = session.get(Setting, SETTING_KEY)
        if row is not None:
            session.delete(row)
