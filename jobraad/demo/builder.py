"""What every part of the demo shares: the random source and its picks, the facts of
the case being built, and small date and number helpers."""

from __future__ import annotations

import datetime as dt
import random
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, TypeVar

from db.enums import Aim, ContactKind, Outcome, VisitationGroup
from db.models import Citizen, HealthNote, PartnerContact, Placement
from jobraad import formatting as fmt

if TYPE_CHECKING:
    from jobraad.demo.life import Life

T = TypeVar("T")

G1 = VisitationGroup.GRUPPE_1
G2 = VisitationGroup.GRUPPE_2
G3 = VisitationGroup.GRUPPE_3
G4 = VisitationGroup.GRUPPE_4
FLEKS = VisitationGroup.FLEKSJOBVISITERET

# First two digits of Danish mobile numbers.
_PHONE_PREFIXES = (*range(20, 32), 40, 41, 42, 50, 51, 52, 53, 60, 61, 71, 81, 91, 93)
_ASCII_FOLD = str.maketrans({"æ": "ae", "ø": "oe", "å": "aa", "ł": "l", "ı": "i", "đ": "d", "ß": "ss"})


# --- small helpers -------------------------------------------------------------------


def in_weeks(n: float) -> dt.timedelta:
    return dt.timedelta(weeks=n)


def years_before(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


def workday(day: dt.date, forward: bool = True) -> dt.date:
    step = dt.timedelta(days=1 if forward else -1)
    while day.weekday() >= 5:
        day += step
    return day


def half_hours(x: float) -> float:
    """Hours as whole or half hours, never negative."""
    return max(0.0, round(x * 2) / 2)


def fold_ascii(text: str) -> str:
    text = text.lower().translate(_ASCII_FOLD)
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return "".join(c for c in text if c.isalnum())


def clamp(day: dt.date, low: dt.date, high: dt.date) -> dt.date:
    return max(low, min(day, high))


def fleks_visitation(case: Case) -> tuple[dt.date, dt.date]:
    """A fleksjobvisiteret case: the day its documentation was complete, and the day (two days
    later, on a weekday) it was visitated to fleksjob. Before the current forløb began, some of
    it long before (a job search since), so the demo shows the packs of earlier years."""
    high = min(case.forloeb_start, case.horizon) - in_weeks((0, 0, 30, 60, 90)[case.index % 5])
    day = high + dt.timedelta(days=2)
    day += dt.timedelta(days=max(0, 7 - day.weekday()) if day.weekday() >= 5 else 0)
    return high, day


# --- the case being built ------------------------------------------------------------


@dataclass
class PlacementStory:
    """What the other parts of a case need to know about a citizen's main placement."""

    placement: Placement
    trend: str
    weeks: int
    first_hours: float
    last_hours: float
    mean_hours: float


@dataclass
class Case:
    """Facts about one citizen that the parts of the case share while it is built."""

    index: int
    old: bool
    age: int
    group: VisitationGroup
    aim: Aim
    closed_outcome: Outcome | None
    horizon: dt.date  # today, or the day the case was closed
    district: dict[str, Any]
    language: str
    interpreter: bool
    forloeb_start: dt.date = dt.date.min
    weeks_in: int = 0
    when: str = "later"  # where the forløb's deadline falls: overdue, this_week, soon, later
    deadline_weeks: int = 0  # which of the group's deadlines `when` is about
    story: PlacementStory | None = None
    placements: list[Placement] = field(default_factory=list)
    health: HealthNote | None = None
    contacts: dict[ContactKind, PartnerContact] = field(default_factory=dict)
    rehab_meeting: dt.date | None = None
    rehab_decided: dt.date | None = None
    doc_seed: int = 0  # the documentation is built after the flush, from its own random stream
    citizen: Citizen | None = None
    male: bool = False
    born: dt.date = dt.date.min
    origin: str = "dansk"  # a key of [origins] in demo_names.toml
    profile: str = ""  # the health profile: a key of [profiles] in demo_texts.toml
    life: Life | None = None  # school, jobs, benefits by period, family (jobraad.demo.life)
    text_seed: int = 0  # the case texts are written from their own random stream


class Builder:
    """The state of one demo run: its random source, the texts, today, the CPR numbers
    taken and the cases built so far. Builds ORM objects; nothing touches the database."""

    def __init__(self, rng: random.Random, data: dict[str, Any], today: dt.date, used: set[str]) -> None:
        self.rng = rng
        self.data = data
        self.texts: dict[str, Any] = data["texts"]
        self.writing: dict[str, Any] = data["writing"]  # resources/demo_texts.toml
        self.today = today
        self.used = used
        self.cases: list[Case] = []
        self.case_numbers: set[str] = set()
        self.origin_keys = list(data["origins"])
        self.origin_weights = [data["origins"][k]["weight"] for k in self.origin_keys]

    # -- random picks ------------------------------------------------------------------

    def pick(self, seq: Sequence[T]) -> T:
        return seq[self.rng.randrange(len(seq))]

    def weighted(self, weights: Mapping[T, float]) -> T:
        return self.rng.choices(list(weights), weights=list(weights.values()))[0]

    def chance(self, p: float) -> bool:
        return self.rng.random() < p

    def day_between(self, low: dt.date, high: dt.date) -> dt.date:
        if high <= low:
            return low
        return low + dt.timedelta(days=self.rng.randint(0, (high - low).days))

    def at(self, day: dt.date) -> dt.datetime:
        """A time in office hours on that day."""
        slot = self.rng.randint(0, 13)  # 08:30 .. 15:00 by half hours
        return dt.datetime.combine(day, dt.time(8 + (slot + 1) // 2, 30 if slot % 2 == 0 else 0))

    def phone(self) -> str:
        digits = f"{self.pick(_PHONE_PREFIXES)}{self.rng.randrange(1_000_000):06d}"
        return " ".join(digits[i : i + 2] for i in range(0, 8, 2))

    def danish_name(self) -> str:
        dansk = self.data["origins"]["dansk"]
        first = self.pick(dansk["male"] if self.chance(0.5) else dansk["female"])
        return f"{first} {self.pick(dansk['surnames'])}"

    # -- texts that fit the case -------------------------------------------------------

    def fill(self, template: str, case: Case) -> str:
        story = case.story
        values = {
            "employer": story.placement.employer_name if story else "",
            "hours": fmt.decimal(story.last_hours) if story else "",
            "language": case.language,
            "coordinator": case.health.coordinator if case.health else "",
            "district": case.district["name"],
        }
        return template.format(**values)

    def usable(self, texts: Sequence[str | dict[str, Any]], case: Case) -> list[str]:
        """The texts that fit this case: a table's `needs` must all hold."""
        story = case.story
        facts = {
            "gruppe_3": case.group is G3,
            "tolk": case.interpreter,
            "praktik": story is not None,
            "stigende": story is not None and story.trend == "rise",
            "sof": ContactKind.SOF in case.contacts,
            "sundhedskoordinator": case.health is not None,
        }
        ok = []
        for entry in texts:
            if isinstance(entry, str):
                ok.append(entry)
            elif all(facts[need] for need in entry["needs"]):
                ok.append(entry["text"])
        return ok
