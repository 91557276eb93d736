"""Virksomhedsplaceringer (praktik, løntilskud, småjob), their hours week by week,
and the progression signals those hours give.

Every function that changes something is one transaction: it either saves all it
was given or raises `ValidationFailed` (Danish message per field) and saves
nothing. Every change is logged with `audit.record`, naming the kind of record,
never its content. Views returned to the UI are plain frozen dataclasses.

Rules chosen here (the seeds leave them open):

- The placement's period runs from `start_date` to `end_date` if it has ended,
  else to `planned_end`, else open. A placement is active on a day inside it.
- How long a virksomhedspraktik may last (LAB § 61), the steps by which it is
  extended and which kinds count as virksomhedspraktik are data
  (`resources/rules/praktik.toml`, read by `jobraad.praktik_rules`). A praktik's
  allowed end is its base length from the start (by the rules in force on the
  start date) or the end of its latest recorded extension (`extend_placement`:
  one `PlacementExtension` row per step, with its reason). The placement form
  may not plan beyond the allowed end (an unchanged stored plan is kept, so an
  older placement can still be edited); an actual end beyond it is a fact and is
  stored, and the length text and `length_warning` then say so. The free-text
  `extension_reason` of older placements is kept and shown as such. Løntilskud
  and småjob have no such limit here.
- A new placement without skånehensyn gets the sundhedskoordinator's current
  ones (`health.current_skaanehensyn`), unless the caller says `prefill=False`.
- Hours: planned, attended and absence are each 0–80 a week, and attended plus
  absence at most 80. Absence may not exceed the planned hours (one cannot miss
  hours that were not planned); attended may exceed them (extra hours are
  progression, not an error). Absence needs a reason; with no absence the reason
  is not stored.
- Hours are stored for weeks that overlap the placement's period and begin no
  later than next week (next week's plan may be written ahead). A week that has
  not begun may hold planned hours and planned absence, not attended hours.
- Progression and signals use the stored weeks inside the period up to the
  current week; a planned-only week ahead is not yet evidence.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from dataclasses import replace as copied
from itertools import starmap
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.enums import AbsenceReason, Aim, PlacementKind, VisitationGroup
from db.models import CaseOutcome, Citizen, HoursEntry, Placement, PlacementExtension, Setting
from db.session import Database
from jobraad import audit, bulk
from jobraad import formatting as fmt
from jobraad.citizens import _PHONE, CitizenNotFound
from jobraad.dates import iso_monday, monday_of
from jobraad.errors import FieldProblem, ValidationFailed
from jobraad.praktik_rules import (
    PraktikPeriod,
    extension_problems,
    extension_step,
    load_rules,
    weeks_after,
)
from jobraad.progression import (
    ChartSeries,
    Progression,
    Signal,
    Thresholds,
    WeekHours,
    chart_series,
    clip_to_placement,
    combined,
    progression,
    progression_signals,
    signal_for_aim,
    signals,
)
from jobraad.settings import SPECS

# `jobraad.records` and `jobraad.health` are imported inside the functions that need
# them: records imports citizen_file, which imports caseload, and the caseload may well
# import this module for `signals_by_citizen`. A top-level import would make a cycle.

__all__ = [
    "EXTENSION_REASON_MAX_CHARS",
    "MAX_PLANNED_HOURS_PER_WEEK",
    "MAX_WEEK_HOURS",
    "OBSERVATION_MAX_CHARS",
    "ExtensionPreview",
    "ExtensionView",
    "HoursInput",
    "PlacementInput",
    "PlacementProgress",
    "PlacementView",
    "WeekRow",
    "WeeksUndo",
    "add_placement",
    "citizen_progress",
    "default_skaanehensyn",
    "delete_placement",
    "delete_week",
    "extend_placement",
    "extension_preview",
    "first_planned_end",
    "list_placements",
    "placement_progress",
    "placement_weeks",
    "save_weeks",
    "save_weeks_undoable",
    "signals_by_citizen",
    "undo_weeks",
    "update_placement",
    "week_rows",
]

MAX_PLANNED_HOURS_PER_WEEK = 60
MAX_WEEK_HOURS = 80
OBSERVATION_MAX_CHARS = 2000
EXTENSION_REASON_MAX_CHARS = 2000
_SHORT_TEXT = 200  # String(200) columns
_PHONE_MAX = 40
_MENTOR_KIND_MAX = 60
_CVR = re.compile(r"^\d{8}$")
_WEEK = dt.timedelta(weeks=1)

_PLACEMENT_MISSING = "Placeringen findes ikke (længere)."


# --- views and inputs ------------------------------------------------------------


def _weeks_text(n: int) -> str:
    return "1 uge" if n == 1 else f"{n} uger"


@dataclass(frozen=True)
class ExtensionView:
    """One recorded extension of a virksomhedspraktik: the step the rules gave it, and why."""

    decided_on: dt.date
    extended_to: dt.date
    step: str  # the step's id in the rules
    step_label: str  # "konkret vurdering"; the stored id when the rules no longer know it
    paragraph: str
    provisional: bool
    reason: str

    def text(self, start: dt.date) -> str:
        """'forlænget til 26 uger (konkret vurdering, 01-03-2026)'."""
        mark = ", foreløbig" if self.provisional else ""
        weeks = _length_weeks(start, self.extended_to)
        return f"forlænget til {_weeks_text(weeks)} ({self.step_label}, {fmt.date(self.decided_on)}{mark})"


@dataclass(frozen=True)
class ExtensionPreview:
    """What extending a praktik now would be: the step the rules give and its limits."""

    step: str
    step_label: str
    paragraph: str
    provisional: bool
    current_end: dt.date  # the allowed end now; the new end must lie after it
    latest_end: dt.date  # the latest end this step allows
    earliest_decision: dt.date | None  # a step decided "hen mod udgangen": not before this day

    @property
    def text(self) -> str:
        mark = " (foreløbig)" if self.provisional else ""
        return (
            f"{self.step_label} – {self.paragraph}{mark}: nu til {fmt.date(self.current_end)}, "
            f"højst til {fmt.date(self.latest_end)}"
        )


@dataclass(frozen=True)
class PlacementView:
    placement_id: int
    kind: PlacementKind
    employer_name: str
    employer_cvr: str
    contact_person: str
    contact_phone: str
    tasks: str
    start_date: dt.date
    planned_end: dt.date | None
    end_date: dt.date | None
    extension_reason: str
    planned_hours_per_week: float
    mentor_kind: str
    mentor_name: str
    skaanehensyn: tuple[str, ...]
    result: str
    extensions: tuple[ExtensionView, ...] = ()

    @property
    def period_end(self) -> dt.date | None:
        """The actual end if it has ended, else the planned end, else None (open)."""
        return self.end_date or self.planned_end

    def is_active(self, today: dt.date) -> bool:
        return _active_on(self.start_date, self.period_end, today)

    @property
    def section61(self) -> bool:
        """Whether the placement is a virksomhedspraktik with a length under LAB § 61 (per the rules)."""
        return load_rules().is_section61(self.kind)

    @property
    def allowed_end(self) -> dt.date | None:
        """The last day the praktik may run: its base length, or its latest extension. None if no limit."""
        if not self.section61:
            return None
        return _allowed_end(self.start_date, [e.extended_to for e in self.extensions])

    @property
    def allowed_text(self) -> str:
        """'13 uger' or '13 uger + forlænget til 26 uger (konkret vurdering, 01-03-2026) + …'."""
        period = _base_period(self.start_date)
        base = _weeks_text(period.base_weeks) + (", foreløbig" if period.provisional else "")
        return " + ".join([base, *(e.text(self.start_date) for e in self.extensions)])

    @property
    def length_warning(self) -> str | None:
        """A clear warning when the praktik runs past its allowed end; None when it does not."""
        allowed, end = self.allowed_end, self.period_end
        if allowed is None or end is None or end <= allowed:
            return None
        period = _base_period(self.start_date)
        weeks = _weeks_text(_length_weeks(self.start_date, end))
        what = "varede" if self.end_date is not None else "er planlagt til"
        text = (
            f"Praktikken {what} {weeks}, men må efter {period.paragraph} kun vare {self.allowed_text} "
            f"(til {fmt.date(allowed)}). Forlængelsen er ikke registreret: brug «Forlæng praktik…»."
        )
        legacy = self.extension_reason.strip()
        return f"{text} Tidligere begrundelse: {legacy}" if legacy else text

    @property
    def length_text(self) -> str:
        """'13 uger (lovlig længde 13 uger)'; '20 uger – 13 uger + forlænget til 26 uger (konkret
        vurdering, 01-03-2026)'; '20 uger – OBS: længere end tilladt (13 uger, til 01-06-2026) uden
        registreret forlængelse'."""
        end = self.period_end
        if not self.section61:
            return "ingen slutdato" if end is None else _weeks_text(_length_weeks(self.start_date, end))
        legal = f"lovlig længde {self.allowed_text}" if not self.extensions else self.allowed_text
        if end is None:
            return f"ingen slutdato ({legal})"
        weeks = _weeks_text(_length_weeks(self.start_date, end))
        allowed = self.allowed_end
        if allowed is not None and end > allowed:
            legacy = self.extension_reason.strip()
            why = f" (tidligere begrundelse: {legacy})" if legacy else ""
            return (
                f"{weeks} – OBS: længere end tilladt ({self.allowed_text}, til {fmt.date(allowed)}) "
                f"uden registreret forlængelse{why}"
            )
        return f"{weeks} – {legal}" if self.extensions else f"{weeks} ({legal})"


@dataclass
class PlacementInput:
    kind: PlacementKind
    employer_name: str
    start_date: dt.date
    planned_hours_per_week: float = 0
    employer_cvr: str = ""
    contact_person: str = ""
    contact_phone: str = ""
    tasks: str = ""
    planned_end: dt.date | None = None
    end_date: dt.date | None = None
    extension_reason: str = ""
    mentor_kind: str = ""
    mentor_name: str = ""
    skaanehensyn: list[str] = field(default_factory=list)
    result: str = ""


@dataclass(frozen=True)
class WeekRow:
    """One ISO week of a placement's hours grid; `stored` False means pre-filled."""

    iso_year: int
    iso_week: int
    monday: dt.date
    planned: float
    attended: float | None
    absence: float
    absence_reason: AbsenceReason | None
    observation: str
    follow_up: bool
    stored: bool

    @property
    def label(self) -> str:
        return f"uge {self.iso_week}, {self.iso_year}"


@dataclass
class HoursInput:
    iso_year: int
    iso_week: int
    planned: float
    attended: float
    absence: float = 0.0
    absence_reason: AbsenceReason | None = None
    observation: str = ""
    follow_up: bool = False


@dataclass(frozen=True)
class PlacementProgress:
    placement: PlacementView
    weeks: list[WeekHours]
    progression: Progression
    signals: list[Signal]
    series: ChartSeries


# --- shared helpers ------------------------------------------------------------------


def _citizen(session: Session, citizen_id: int) -> Citizen:
    citizen = session.get(Citizen, citizen_id)
    if citizen is None:
        raise CitizenNotFound()
    return citizen


def _placement(session: Session, placement_id: int) -> Placement:
    placement = session.get(Placement, placement_id)
    if placement is None:
        from jobraad.records import RecordNotFound

        raise RecordNotFound(_PLACEMENT_MISSING)
    return placement


def _split(items: Iterable[str]) -> list[str]:
    from jobraad.health import split_skaanehensyn

    return split_skaanehensyn(items)


def _too_long(problems: list[FieldProblem], field: str, value: str, limit: int) -> None:
    if len(value) > limit:
        problems.append(FieldProblem(field, f"Højst {fmt.number(limit, 0)} tegn (nu {fmt.number(len(value), 0)})."))


# --- dates and weeks -----------------------------------------------------------------


def _week_monday(iso_year: int, iso_week: int) -> dt.date | None:
    """The Monday of a week as typed or stored; None if there is no such week."""
    try:
        return iso_monday(iso_year, iso_week)
    except (TypeError, ValueError):
        return None


def _length_weeks(start: dt.date, end: dt.date) -> int:
    """Started weeks from start to end: Monday to Friday twelve weeks later is 13 weeks,
    and so is Monday to the Monday thirteen weeks later (the legal limit)."""
    return max(1, math.ceil((end - start).days / 7))


def _base_period(start: dt.date) -> PraktikPeriod:
    """The rule period a praktik's base length follows: the one in force on its start date."""
    return load_rules().period_on(start)


def _allowed_end(start: dt.date, extended_to: Iterable[dt.date]) -> dt.date:
    """A praktik's allowed end: its base length from the start, or its latest extension."""
    return max([weeks_after(start, _base_period(start).base_weeks), *extended_to])


def first_planned_end(start: dt.date) -> dt.date:
    """The planned end a new virksomhedspraktik starting on `start` gets: its base length (LAB § 61)."""
    return _allowed_end(start, [])


def _active_on(start: dt.date, end: dt.date | None, day: dt.date) -> bool:
    """Whether a placement with the period [start, end] (end None: open) runs on `day`."""
    return start <= day and (end is None or day <= end)


def _period_end(p: Placement) -> dt.date | None:
    return p.end_date or p.planned_end


def _overlaps(monday: dt.date, start: dt.date, end: dt.date | None) -> bool:
    return monday + dt.timedelta(days=6) >= start and (end is None or monday <= end)


def _period_text(start: dt.date, end: dt.date | None) -> str:
    return f"{fmt.date(start)} – {fmt.date(end)}" if end is not None else f"fra {fmt.date(start)}"


def _is_number(x: object) -> bool:
    return isinstance(x, int | float) and not isinstance(x, bool) and math.isfinite(x)


# --- placements ----------------------------------------------------------------------


def _planned_beyond_allowed(
    kind: PlacementKind, start: dt.date, planned: dt.date, stored: Placement | None
) -> list[FieldProblem]:
    """A praktik may not be planned past its allowed end; that takes an extension with its step and
    reason. A stored plan left unchanged is kept (placements from before extensions were recorded)."""
    if not load_rules().is_section61(kind):
        return []
    if stored is not None and stored.planned_end == planned:
        return []
    extended = [e.extended_to for e in stored.extensions] if stored is not None else []
    allowed = _allowed_end(start, extended)
    if planned <= allowed:
        return []
    period = _base_period(start)
    length = (
        _weeks_text(period.base_weeks)
        if not extended
        else f"til {fmt.date(allowed)} efter de registrerede forlængelser"
    )
    return [
        FieldProblem(
            "planlagt slut",
            f"En virksomhedspraktik må vare {length} ({period.paragraph}): senest {fmt.date(allowed)}. "
            "En længere periode registreres med «Forlæng praktik…» med trin og begrundelse.",
        )
    ]


def _placement_problems(data: PlacementInput, stored: Placement | None = None) -> list[FieldProblem]:
    problems: list[FieldProblem] = []
    if not isinstance(data.kind, PlacementKind):
        problems.append(FieldProblem("type", "Vælg en type placering."))
    employer = data.employer_name.strip()
    if not employer:
        problems.append(FieldProblem("arbejdsgiver", "Skriv arbejdsgiverens navn."))
    _too_long(problems, "arbejdsgiver", employer, _SHORT_TEXT)
    cvr = data.employer_cvr.replace(" ", "").strip()
    if cvr and not _CVR.match(cvr):
        problems.append(FieldProblem("cvr", f"«{data.employer_cvr.strip()}» er ikke et CVR-nummer (8 cifre)."))
    _too_long(problems, "kontaktperson", data.contact_person.strip(), _SHORT_TEXT)
    phone = data.contact_phone.strip()
    _too_long(problems, "telefon", phone, _PHONE_MAX)
    if phone and not _PHONE.match(phone):
        problems.append(FieldProblem("telefon", f"«{phone}» er ikke et telefonnummer."))
    _too_long(problems, "mentor", data.mentor_kind.strip(), _MENTOR_KIND_MAX)
    _too_long(problems, "mentorens navn", data.mentor_name.strip(), _SHORT_TEXT)

    start = data.start_date
    has_start = isinstance(start, dt.date) and not isinstance(start, dt.datetime)
    if not has_start:
        problems.append(FieldProblem("startdato", "Placeringen skal have en startdato."))
    ends = (("planlagt slut", data.planned_end, "Planlagt slut"), ("slutdato", data.end_date, "Slutdatoen"))
    for name, value, what in ends:
        if value is None:
            continue
        if not isinstance(value, dt.date) or isinstance(value, dt.datetime):
            problems.append(FieldProblem(name, "Datoen er ikke en dato."))
        elif has_start and value < start:
            problems.append(FieldProblem(name, f"{what} ligger før startdatoen ({fmt.date(start)})."))

    hours = data.planned_hours_per_week
    if not _is_number(hours) or not 0 <= hours <= MAX_PLANNED_HOURS_PER_WEEK:
        problems.append(
            FieldProblem("timer", f"Planlagte timer pr. uge skal være mellem 0 og {MAX_PLANNED_HOURS_PER_WEEK}.")
        )

    planned = data.planned_end
    if has_start and isinstance(data.kind, PlacementKind) and isinstance(planned, dt.date) and planned >= start:
        problems.extend(_planned_beyond_allowed(data.kind, start, planned, stored))

    from jobraad.health import SKAANEHENSYN_MAX_CHARS, SKAANEHENSYN_MAX_ITEMS

    items = _split(data.skaanehensyn)
    if len(items) > SKAANEHENSYN_MAX_ITEMS:
        problems.append(FieldProblem("skånehensyn", f"Højst {SKAANEHENSYN_MAX_ITEMS} skånehensyn (nu {len(items)})."))
    too_long = [str(n) for n, item in enumerate(items, start=1) if len(item) > SKAANEHENSYN_MAX_CHARS]
    if too_long:
        problems.append(
            FieldProblem(
                "skånehensyn",
                f"Højst {SKAANEHENSYN_MAX_CHARS} tegn pr. skånehensyn (for langt: nr. {', '.join(too_long)}).",
            )
        )
    return problems


def _apply_placement(p: Placement, data: PlacementInput, skaanehensyn: list[str]) -> None:
    p.kind = data.kind
    p.employer_name = data.employer_name.strip()
    p.employer_cvr = data.employer_cvr.replace(" ", "").strip()
    p.contact_person = data.contact_person.strip()
    p.contact_phone = data.contact_phone.strip()
    p.tasks = data.tasks.strip()
    p.start_date = data.start_date
    p.planned_end = data.planned_end
    p.end_date = data.end_date
    p.extension_reason = data.extension_reason.strip()
    p.planned_hours_per_week = float(data.planned_hours_per_week)
    p.mentor_kind = data.mentor_kind.strip()
    p.mentor_name = data.mentor_name.strip()
    p.skaanehensyn = "\n".join(skaanehensyn)
    p.result = data.result.strip()


def _placement_view(p: Placement) -> PlacementView:
    return PlacementView(
        placement_id=p.id,
        kind=p.kind,
        employer_name=p.employer_name,
        employer_cvr=p.employer_cvr,
        contact_person=p.contact_person,
        contact_phone=p.contact_phone,
        tasks=p.tasks,
        start_date=p.start_date,
        planned_end=p.planned_end,
        end_date=p.end_date,
        extension_reason=p.extension_reason,
        planned_hours_per_week=p.planned_hours_per_week,
        mentor_kind=p.mentor_kind,
        mentor_name=p.mentor_name,
        skaanehensyn=tuple(_split([p.skaanehensyn])),
        result=p.result,
        extensions=tuple(_extension_view(e) for e in sorted(p.extensions, key=lambda e: (e.extended_to, e.id))),
    )


def _extension_view(e: PlacementExtension) -> ExtensionView:
    step = load_rules().period_on(e.decided_on).step(e.step)
    return ExtensionView(
        decided_on=e.decided_on,
        extended_to=e.extended_to,
        step=e.step,
        step_label=step.label if step is not None else e.step,
        paragraph=step.paragraph if step is not None else "",
        provisional=step.provisional if step is not None else False,
        reason=e.reason,
    )


def _newest_first(rows: Iterable[Placement]) -> list[Placement]:
    return sorted(rows, key=lambda p: (p.start_date, p.id), reverse=True)


def list_placements(database: Database, citizen_id: int) -> list[PlacementView]:
    """Newest start first (the later entered first on the same day)."""
    with database.reading() as session:
        _citizen(session, citizen_id)
        rows = session.scalars(select(Placement).where(Placement.citizen_id == citizen_id))
        return [_placement_view(p) for p in _newest_first(rows)]


def default_skaanehensyn(database: Database, citizen_id: int) -> list[str]:
    """The skånehensyn a new placement's form starts with: the sundhedskoordinator's
    current ones (`health.current_skaanehensyn`)."""
    from jobraad.health import current_skaanehensyn

    return current_skaanehensyn(database, citizen_id)


def add_placement(database: Database, citizen_id: int, data: PlacementInput, *, prefill: bool = True) -> int:
    """Store a new placement. If `data.skaanehensyn` is empty and `prefill` is true,
    the placement gets the sundhedskoordinator's current skånehensyn (the newest
    health note that has any), so the employer sees what the doctor advised even when
    the form was left blank."""
    problems = _placement_problems(data)
    items = _split(data.skaanehensyn)
    if not problems and not items and prefill:
        items = default_skaanehensyn(database, citizen_id)  # raises CitizenNotFound too
    with database.transaction() as session:
        citizen = _citizen(session, citizen_id)
        if problems:
            raise ValidationFailed(problems, "Placeringen er ikke gemt:")
        placement = Placement()
        _apply_placement(placement, data, items)
        citizen.placements.append(placement)
        session.flush()
        audit.record(session, audit.Action.CHANGE, citizen_id, "placering")
        return placement.id


def _hours_outside(
    placement: Placement, data: PlacementInput, today: dt.date
) -> tuple[list[FieldProblem], list[HoursEntry]]:
    """Stored weeks that the new period would leave out: weeks ahead with only a plan
    are dropped with the change; weeks with hours, absence or notes refuse it."""
    start, end = data.start_date, data.end_date or data.planned_end
    before: list[str] = []
    after: list[str] = []
    drop: list[HoursEntry] = []
    this_monday = monday_of(today)
    for entry in placement.hours:
        monday = _week_monday(entry.iso_year, entry.iso_week)
        if monday is None or _overlaps(monday, start, end):
            continue
        plan_only = not (entry.attended_hours or entry.absence_hours or entry.observation or entry.follow_up)
        if monday > this_monday and plan_only:
            drop.append(entry)
            continue
        label = f"uge {entry.iso_week}, {entry.iso_year}"
        (before if monday < monday_of(start) else after).append(label)
    problems: list[FieldProblem] = []
    if before:
        problems.append(
            FieldProblem(
                "startdato",
                f"Der er registreret timer før den nye startdato ({'; '.join(before)}). Slet ugerne først.",
            )
        )
    if after:
        name = "slutdato" if data.end_date is not None else "planlagt slut"
        problems.append(
            FieldProblem(
                name, f"Der er registreret timer efter den nye slutdato ({'; '.join(after)}). Slet ugerne først."
            )
        )
    return problems, drop


def update_placement(database: Database, placement_id: int, data: PlacementInput) -> None:
    """Change a placement. Its skånehensyn are stored as given (empty stays empty).
    Changed dates may not leave registered hours outside the period (see `_hours_outside`),
    nor plan a praktik past its allowed end (see `_planned_beyond_allowed`)."""
    with database.transaction() as session:
        placement = _placement(session, placement_id)
        problems = _placement_problems(data, placement)
        drop: list[HoursEntry] = []
        if not problems:
            outside, drop = _hours_outside(placement, data, dt.date.today())
            problems.extend(outside)
        if problems:
            raise ValidationFailed(problems, "Ændringerne er ikke gemt:")
        for entry in drop:
            placement.hours.remove(entry)
        _apply_placement(placement, data, _split(data.skaanehensyn))
        audit.record(session, audit.Action.CHANGE, placement.citizen_id, "placering")


# --- extensions of a virksomhedspraktik (LAB § 61) ---------------------------------------------


def _is_date(value: object) -> bool:
    return isinstance(value, dt.date) and not isinstance(value, dt.datetime)


def _preview(placement: Placement, decided_on: dt.date) -> ExtensionPreview:
    rules = load_rules()
    start = placement.start_date
    allowed = _allowed_end(start, [e.extended_to for e in placement.extensions])
    step = extension_step(rules, start, allowed, decided_on)
    limits = []
    if step.to_weeks is not None:
        limits.append(weeks_after(start, step.to_weeks))
    if step.weeks_per_step is not None:
        limits.append(weeks_after(allowed, step.weeks_per_step))
    earliest = allowed - dt.timedelta(weeks=step.near_end_weeks) if step.near_end_weeks is not None else None
    return ExtensionPreview(
        step=step.id,
        step_label=step.label,
        paragraph=step.paragraph,
        provisional=step.provisional,
        current_end=allowed,
        latest_end=min(limits),
        earliest_decision=earliest,
    )


def _not_extendable(placement: Placement) -> FieldProblem | None:
    if load_rules().is_section61(placement.kind):
        return None
    from jobraad.vocab import PLACEMENT_LABELS

    return FieldProblem(
        "type",
        f"En placering af typen «{PLACEMENT_LABELS[placement.kind]}» forlænges ikke efter LAB § 61; "
        "ret slutdatoen i placeringen.",
    )


def extension_preview(database: Database, placement_id: int, decided_on: dt.date) -> ExtensionPreview:
    """The step an extension decided on `decided_on` would be, with its paragraph and limits.
    Raises `ValidationFailed` for a placement that is no virksomhedspraktik under § 61."""
    with database.reading() as session:
        placement = _placement(session, placement_id)
        problem = _not_extendable(placement)
        if problem is not None:
            raise ValidationFailed([problem], "Placeringen kan ikke forlænges:")
        return _preview(placement, decided_on)


def extend_placement(
    database: Database,
    placement_id: int,
    *,
    decided_on: dt.date,
    extended_to: dt.date,
    reason: str,
    today: dt.date | None = None,
) -> ExtensionView:
    """Record one extension of a virksomhedspraktik and move its planned end to `extended_to`, in one
    transaction with its audit entry. The step (konkret vurdering, helt særligt behov, ...) follows from
    the rules in force on `decided_on` and the praktik's allowed end so far. Refused, with nothing saved,
    without a reason, with a new end not after the allowed end, or past what the step allows."""
    today = today or dt.date.today()
    with database.transaction() as session:
        placement = _placement(session, placement_id)
        problems: list[FieldProblem] = []
        why = reason.strip() if isinstance(reason, str) else ""
        if not why:
            problems.append(
                FieldProblem("begrundelse", "Skriv begrundelsen for forlængelsen (den konkrete vurdering).")
            )
        _too_long(problems, "begrundelse", why, EXTENSION_REASON_MAX_CHARS)
        dates_ok = True
        for name, value in (("besluttet", decided_on), ("ny slutdato", extended_to)):
            if not _is_date(value):
                problems.append(FieldProblem(name, "Datoen er ikke en dato."))
                dates_ok = False
        not_praktik = _not_extendable(placement)
        if not_praktik is not None:
            problems.insert(0, not_praktik)
        elif dates_ok:
            start = placement.start_date
            if decided_on < start:
                problems.append(
                    FieldProblem("besluttet", f"Beslutningen ligger før praktikkens start ({fmt.date(start)}).")
                )
            elif decided_on > today:
                problems.append(FieldProblem("besluttet", "Beslutningsdatoen ligger efter i dag."))
            preview = _preview(placement, decided_on)
            step = load_rules().period_on(decided_on).step(preview.step)
            assert step is not None
            problems.extend(
                extension_problems(
                    load_rules(),
                    step,
                    start=start,
                    allowed_end=preview.current_end,
                    decided_on=decided_on,
                    extended_to=extended_to,
                )
            )
        if problems:
            raise ValidationFailed(problems, "Forlængelsen er ikke gemt:")
        row = PlacementExtension(decided_on=decided_on, extended_to=extended_to, step=preview.step, reason=why)
        placement.extensions.append(row)
        placement.planned_end = extended_to
        session.flush()
        audit.record(session, audit.Action.CHANGE, placement.citizen_id, "praktik forlænget")
        return _extension_view(row)


def delete_placement(database: Database, placement_id: int) -> None:
    """Delete a placement and every week of hours registered on it."""
    with database.transaction() as session:
        placement = _placement(session, placement_id)
        citizen_id = placement.citizen_id
        session.delete(placement)
        audit.record(session, audit.Action.CHANGE, citizen_id, "placering slettet")


# --- hours week by week --------------------------------------------------------------


def _row_from_entry(e: HoursEntry, monday: dt.date) -> WeekRow:
    return WeekRow(
        iso_year=e.iso_year,
        iso_week=e.iso_week,
        monday=monday,
        planned=e.planned_hours,
        attended=e.attended_hours,
        absence=e.absence_hours,
        absence_reason=e.absence_reason,
        observation=e.observation,
        follow_up=e.follow_up,
        stored=True,
    )


def week_rows(database: Database, placement_id: int, today: dt.date) -> list[WeekRow]:
    """The hours grid, oldest week first: every ISO week from the placement's start
    week to the week of its end or today, whichever comes first, and next week too
    while the placement runs into it. Stored weeks come as stored; the others are
    pre-filled with the previous week's planned hours (at first the placement's
    planned hours per week), attended None and `stored` False."""
    with database.reading() as session:
        placement = _placement(session, placement_id)
        start, end = placement.start_date, _period_end(placement)
        last = min(end, today) if end is not None else today
        mondays: list[dt.date] = []
        monday, last_monday = monday_of(start), monday_of(last)
        while monday <= last_monday:
            mondays.append(monday)
            monday += _WEEK
        next_monday = monday_of(today) + _WEEK
        if _overlaps(next_monday, start, end) and (not mondays or mondays[-1] < next_monday):
            mondays.append(next_monday)

        stored = {(e.iso_year, e.iso_week): e for e in placement.hours}
        rows: list[WeekRow] = []
        planned = placement.planned_hours_per_week
        for monday in mondays:
            iso = monday.isocalendar()
            entry = stored.get((iso.year, iso.week))
            if entry is not None:
                row = _row_from_entry(entry, monday)
                planned = entry.planned_hours
            else:
                row = WeekRow(iso.year, iso.week, monday, planned, None, 0.0, None, "", False, False)
            rows.append(row)
        return rows


def _week_problems(
    rows: Sequence[HoursInput], start: dt.date, end: dt.date | None, today: dt.date
) -> list[FieldProblem]:
    problems: list[FieldProblem] = []
    years = {r.iso_year for r in rows}
    seen: set[tuple[int, int]] = set()
    this_monday = monday_of(today)
    for r in rows:
        where = f"uge {r.iso_week}" if len(years) == 1 else f"uge {r.iso_week}, {r.iso_year}"

        def bad(message: str, where: str = where) -> None:
            problems.append(FieldProblem("timer", f"{where}: {message}"))

        monday = _week_monday(r.iso_year, r.iso_week)
        if monday is None:
            bad(f"Ugen findes ikke i {r.iso_year}.")
            continue
        if (r.iso_year, r.iso_week) in seen:
            bad("Ugen står mere end én gang.")
            continue
        seen.add((r.iso_year, r.iso_week))
        if not _overlaps(monday, start, end):
            bad(f"Ugen ligger uden for placeringens periode ({_period_text(start, end)}).")
        elif monday > this_monday + _WEEK:
            bad("Timer kan højst skrives en uge frem.")

        numbers_ok = True
        for value, what, negative in (
            (r.planned, "Planlagte timer", "negative"),
            (r.attended, "Fremmøde", "negativt"),
            (r.absence, "Fravær", "negativt"),
        ):
            if not _is_number(value):
                bad(f"{what} skal være et tal.")
                numbers_ok = False
            elif value < 0:
                bad(f"{what} kan ikke være {negative}.")
                numbers_ok = False
            elif value > MAX_WEEK_HOURS:
                bad(f"{what} kan højst være {MAX_WEEK_HOURS} timer om ugen.")
                numbers_ok = False
        if numbers_ok:
            if r.attended + r.absence > MAX_WEEK_HOURS:
                bad(f"Fremmøde og fravær kan tilsammen højst være {MAX_WEEK_HOURS} timer.")
            if r.absence > r.planned:
                bad(
                    f"Fravær ({fmt.hours(r.absence)} t) kan ikke være mere end de planlagte timer "
                    f"({fmt.hours(r.planned)} t)."
                )
            if r.attended > 0 and monday > this_monday:
                bad("Ugen er ikke begyndt; skriv kun planlagte timer.")
            if r.absence > 0 and r.absence_reason is None:
                bad("Angiv en årsag til fraværet.")
        if r.absence_reason is not None and not isinstance(r.absence_reason, AbsenceReason):
            bad("Ukendt årsag til fravær.")
        observation = r.observation.strip() if isinstance(r.observation, str) else ""
        if len(observation) > OBSERVATION_MAX_CHARS:
            limit, now = fmt.number(OBSERVATION_MAX_CHARS, 0), fmt.number(len(observation), 0)
            bad(f"Observationen må højst være {limit} tegn (nu {now}).")
    return problems


def save_weeks(
    database: Database, placement_id: int, rows: Sequence[HoursInput], *, today: dt.date | None = None
) -> int:
    """Store the weeks given, replacing what was stored for the same weeks, all in one
    transaction: one refused week means nothing is saved. Each problem names its week
    ("uge 12: Fremmøde kan ikke være negativt."). Returns the number of weeks saved."""
    today = today or dt.date.today()
    with database.transaction() as session:
        return len(_save_weeks(session, placement_id, rows, today))


def _stored_week(entry: HoursEntry) -> HoursInput:
    """A stored week as the input that would store it again."""
    return HoursInput(
        iso_year=entry.iso_year,
        iso_week=entry.iso_week,
        planned=entry.planned_hours,
        attended=entry.attended_hours,
        absence=entry.absence_hours,
        absence_reason=entry.absence_reason,
        observation=entry.observation,
        follow_up=entry.follow_up,
    )


def _write_week(entry: HoursEntry, r: HoursInput) -> None:
    """The one way a week's values are stored (a save, and the undo of one)."""
    entry.planned_hours = float(r.planned)
    entry.attended_hours = float(r.attended)
    entry.absence_hours = float(r.absence)
    entry.absence_reason = r.absence_reason if r.absence > 0 else None
    entry.observation = r.observation.strip()
    entry.follow_up = bool(r.follow_up)


def _save_weeks(
    session: Session, placement_id: int, rows: Sequence[HoursInput], today: dt.date
) -> dict[tuple[int, int], HoursInput | None]:
    """`save_weeks` in the caller's transaction. Returns, for each week saved, what was stored
    before (None: the week was not stored)."""
    placement = _placement(session, placement_id)
    if not rows:
        return {}
    problems = _week_problems(rows, placement.start_date, _period_end(placement), today)
    if problems:
        raise ValidationFailed(problems, "Timerne er ikke gemt:")
    stored = {(e.iso_year, e.iso_week): e for e in placement.hours}
    before: dict[tuple[int, int], HoursInput | None] = {}
    for r in rows:
        entry = stored.get((r.iso_year, r.iso_week))
        before[(r.iso_year, r.iso_week)] = None if entry is None else _stored_week(entry)
        if entry is None:
            entry = HoursEntry(iso_year=r.iso_year, iso_week=r.iso_week)
            placement.hours.append(entry)
        _write_week(entry, r)
    session.flush()
    audit.record(session, audit.Action.CHANGE, placement.citizen_id, "timer")
    return before


@dataclass(frozen=True)
class WeeksUndo:
    """What undoes one save of weeks (`save_weeks_undoable`): the weeks as that save stored
    them, and as they were before it (None: not stored)."""

    placement_id: int
    employer_name: str
    saved: tuple[HoursInput, ...]
    before: tuple[HoursInput | None, ...]

    @property
    def description(self) -> str:
        """What the save did, in Danish: "gemte timer for uge 12, 2026 (Genbrug Ærø)"."""
        weeks = sorted((r.iso_year, r.iso_week) for r in self.saved)
        years = sorted({y for y, _w in weeks})
        if len(years) == 1:
            numbers = fmt.listing([str(w) for _y, w in weeks])
            when = f"uge {numbers}, {years[0]}"
        else:
            when = fmt.listing([f"uge {w}, {y}" for y, w in weeks])
        return f"gemte timer for {when} ({self.employer_name})"


def save_weeks_undoable(
    database: Database, placement_id: int, rows: Sequence[HoursInput], *, today: dt.date | None = None
) -> WeeksUndo | None:
    """`save_weeks`, returning what undoes it (`undo_weeks`), or None when nothing was saved."""
    today = today or dt.date.today()
    with database.transaction() as session:
        before = _save_weeks(session, placement_id, rows, today)
        if not before:
            return None
        placement = _placement(session, placement_id)
        return WeeksUndo(
            placement_id,
            placement.employer_name,
            tuple(copied(r) for r in rows),
            tuple(before[(r.iso_year, r.iso_week)] for r in rows),
        )


def undo_weeks(database: Database, undo: WeeksUndo) -> None:
    """Put the weeks of one save back as they were before it, in one transaction: a week the save
    added is removed again. Refused, changing nothing, when the placement is gone or a week was
    changed again since (the undo would throw that change away)."""
    with database.transaction() as session:
        placement = _placement(session, undo.placement_id)
        stored = {(e.iso_year, e.iso_week): e for e in placement.hours}
        for r in undo.saved:
            entry = stored.get((r.iso_year, r.iso_week))
            if entry is None or _stored_week(entry) != _normalised(r):
                raise ValidationFailed(
                    [FieldProblem("uge", f"uge {r.iso_week}, {r.iso_year} er ændret siden.")],
                    "Kan ikke fortrydes – timerne er ændret igen efter den ændring:",
                )
        for r, was in zip(undo.saved, undo.before, strict=True):
            entry = stored[(r.iso_year, r.iso_week)]
            if was is None:
                placement.hours.remove(entry)
            else:
                _write_week(entry, was)
        session.flush()
        audit.record(session, audit.Action.CHANGE, placement.citizen_id, "timer fortrudt")


def _normalised(r: HoursInput) -> HoursInput:
    """`r` as it reads back once stored (`_write_week`)."""
    entry = HoursEntry(iso_year=r.iso_year, iso_week=r.iso_week)
    _write_week(entry, r)
    return _stored_week(entry)


def delete_week(database: Database, placement_id: int, iso_year: int, iso_week: int) -> None:
    """Remove one stored week; a week never stored changes nothing."""
    with database.transaction() as session:
        placement = _placement(session, placement_id)
        entry = next((e for e in placement.hours if (e.iso_year, e.iso_week) == (iso_year, iso_week)), None)
        if entry is None:
            return
        placement.hours.remove(entry)
        audit.record(session, audit.Action.CHANGE, placement.citizen_id, "timer slettet")


# --- progression ---------------------------------------------------------------------

_HOURS_COLUMNS = (
    HoursEntry.placement_id,
    HoursEntry.iso_year,
    HoursEntry.iso_week,
    HoursEntry.planned_hours,
    HoursEntry.attended_hours,
    HoursEntry.absence_hours,
    HoursEntry.absence_reason,
    HoursEntry.follow_up,
    HoursEntry.observation,
)


def _week_hours(row: Sequence[Any]) -> WeekHours:
    """The week of a row of `_HOURS_COLUMNS`."""
    return WeekHours(*row[1:])


def _weeks_laid_end_to_end(values: list[Any]) -> list[WeekHours]:
    """The weeks whose values (those of `_HOURS_COLUMNS` after the placement id) are laid
    end to end in `values`."""
    fields = [iter(values)] * (len(_HOURS_COLUMNS) - 1)
    return list(starmap(WeekHours, zip(*fields, strict=True)))


def _clipped(weeks: list[WeekHours], start: dt.date, end: dt.date | None, until: dt.date | None) -> list[WeekHours]:
    """The weeks inside the period, oldest first; with `until`, none that begins after its week."""
    if until is not None:
        end = min(end, until) if end is not None else until
    return clip_to_placement(weeks, start, end)


def placement_weeks(session: Session, placement_id: int, until: dt.date | None = None) -> list[WeekHours]:
    """The stored weeks of a placement as `WeekHours`, oldest first, inside its period.
    With `until` (today), weeks that have not begun are left out."""
    placement = _placement(session, placement_id)
    rows = session.execute(select(*_HOURS_COLUMNS).where(HoursEntry.placement_id == placement_id))
    weeks = [_week_hours(r) for r in rows]
    return _clipped(weeks, placement.start_date, _period_end(placement), until)


def _thresholds(session: Session) -> Thresholds:
    """The signal thresholds from the settings, read in the caller's session."""
    values = {key: spec.default for key, spec in SPECS.items()}
    for key, raw in bulk.rows(session, select(Setting.key, Setting.value)):
        if key in SPECS:
            values[key] = json.loads(raw)
    return Thresholds.from_settings(values)


def _progress(
    view: PlacementView,
    weeks: list[WeekHours],
    thresholds: Thresholds,
    group: VisitationGroup | None,
    aim: Aim,
) -> PlacementProgress:
    result = progression(weeks, thresholds)
    return PlacementProgress(
        placement=view,
        weeks=weeks,
        progression=result,
        # As the case's aim reads them, like the Overblik's (`signals_by_citizen`).
        signals=[signal_for_aim(s, aim) for s in signals(result, weeks, thresholds, group)],
        series=chart_series(weeks),
    )


def _citizen_placements_progress(
    session: Session, placements: list[Placement], today: dt.date
) -> list[PlacementProgress]:
    if not placements:
        return []
    thresholds = _thresholds(session)
    citizen_id = placements[0].citizen_id
    group = bulk.current_forloeb(session, [citizen_id]).group.get(citizen_id)
    aim = session.scalar(select(Citizen.aim).where(Citizen.id == citizen_id))
    assert aim is not None  # the placement's citizen exists (foreign key)
    by_placement: dict[int, list[WeekHours]] = defaultdict(list)
    rows = session.execute(select(*_HOURS_COLUMNS).where(HoursEntry.placement_id.in_([p.id for p in placements])))
    for row in rows:
        by_placement[row[0]].append(_week_hours(row))
    out = []
    for p in placements:
        weeks = _clipped(by_placement.get(p.id, []), p.start_date, _period_end(p), today)
        out.append(_progress(_placement_view(p), weeks, thresholds, group, aim))
    return out


def placement_progress(database: Database, placement_id: int, today: dt.date) -> PlacementProgress:
    """The progression of one placement up to today's week, its signals (thresholds
    from the settings, the citizen's current visitation group) and its chart series."""
    with database.reading() as session:
        placement = _placement(session, placement_id)
        return _citizen_placements_progress(session, [placement], today)[0]


def citizen_progress(database: Database, citizen_id: int, today: dt.date) -> list[PlacementProgress]:
    """`placement_progress` for each of the citizen's placements, newest start first."""
    with database.reading() as session:
        _citizen(session, citizen_id)
        rows = session.scalars(select(Placement).where(Placement.citizen_id == citizen_id))
        return _citizen_placements_progress(session, _newest_first(rows), today)


def signals_by_citizen(
    session: Session, today: dt.date, citizen_ids: Iterable[int] | None = None
) -> dict[int, list[Signal]]:
    """The progression signals per citizen with an open case, for the Overblik and the
    caseload: those of each placement active today, then those of the combined weeks
    of all the citizen's placements (when there are several and one is active) whose
    kind no active placement already gave. Citizens without signals are left out.

    Five set-based queries whatever the number of citizens; nothing per citizen."""
    ids = list(citizen_ids) if citizen_ids is not None else None
    thresholds = _thresholds(session)
    closed_stmt = select(CaseOutcome.citizen_id).where(CaseOutcome.reopened_on.is_(None))
    placement_stmt = select(
        Placement.id, Placement.citizen_id, Placement.start_date, Placement.planned_end, Placement.end_date
    )
    hours_stmt = select(*_HOURS_COLUMNS).join(Placement, Placement.id == HoursEntry.placement_id)
    if ids is not None:
        closed_stmt = closed_stmt.where(CaseOutcome.citizen_id.in_(ids))
        placement_stmt = placement_stmt.where(Placement.citizen_id.in_(ids))
        hours_stmt = hours_stmt.where(Placement.citizen_id.in_(ids))
    closed = {row[0] for row in bulk.rows(session, closed_stmt)}

    # Row by row into a few dicts, sets and lists, not an object per row: objects alive through
    # the whole read make Python's cyclic garbage collector walk them all again and again.
    periods: dict[int, tuple[dt.date, dt.date | None]] = {}
    by_citizen: dict[int, list[int]] = defaultdict(list)
    active: dict[int, None] = {}  # the citizens with a placement active today, in order (a set keeps none)
    for placement_id, citizen_id, start, planned_end, end_date in bulk.rows(session, placement_stmt):
        if citizen_id in closed:
            continue
        end = end_date or planned_end
        periods[placement_id] = (start, end)
        by_citizen[citizen_id].append(placement_id)
        if _active_on(start, end, today):
            active.setdefault(citizen_id)
    if not active:
        return {}

    # Only the weeks of citizens with a placement active today give signals. They are kept
    # as their rows' values laid end to end, one list per placement, and become `WeekHours`
    # one citizen at a time: with a hundred thousand objects alive at once, Python's cyclic
    # garbage collector would walk them all again and again (at 10,000 citizens it made the
    # Overblik half as slow again).
    wanted = {pid for citizen_id in active for pid in by_citizen[citizen_id]}
    values: dict[int, list[Any]] = defaultdict(list)
    for row in bulk.rows(session, hours_stmt):  # row by row: a hundred thousand rows held at once cost more
        if row[0] in wanted:
            values[row[0]].extend(row[1:])
    # For the whole caseload, every citizen's group: quicker to read than naming thousands.
    groups = bulk.current_forloeb(session, list(active) if ids is not None else None).group

    result: dict[int, list[Signal]] = {}
    for citizen_id in active:
        active_ids = [pid for pid in by_citizen[citizen_id] if _active_on(*periods[pid], today)]
        group = groups.get(citizen_id)
        weeks_of = {
            pid: _clipped(_weeks_laid_end_to_end(values.get(pid, [])), *periods[pid], today)
            for pid in by_citizen[citizen_id]
        }
        found: list[Signal] = []
        for pid in sorted(active_ids, key=lambda pid: periods[pid][0]):
            weeks = weeks_of[pid]
            if weeks:
                found.extend(progression_signals(weeks, thresholds, group))
        with_weeks = [w for w in weeks_of.values() if w]
        if len(with_weeks) > 1:
            weeks = combined(with_weeks)
            kinds = {s.kind for s in found}
            found.extend(s for s in progression_signals(weeks, thresholds, group) if s.kind not in kinds)
        if found:
            result[citizen_id] = found
    if result:  # a pointer to fleksjob only in a fleksjob case
        aims = dict(bulk.rows(session, select(Citizen.id, Citizen.aim).where(Citizen.id.in_(list(result)))))
        for citizen_id, found in result.items():
            found[:] = [signal_for_aim(s, aims[citizen_id]) for s in found]
    return result
