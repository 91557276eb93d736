"""Virksomhedsplaceringer (praktik, løntilskud, småjob), their hours week by week,
and the progression signals those hours give.

Every function that changes something is one transaction: it either saves all it
was given or raises `ValidationFailed` (Danish message per field) and saves
nothing. Every change is logged with `audit.record`, naming the kind of record,
never its content. Views returned to the UI are plain frozen dataclasses.

Rules chosen here (the seeds leave them open):

- The placement's period runs from `start_date` to `end_date` if it has ended,
  else to `planned_end`, else open. A placement is active on a day inside it.
- Praktik (virksomheds-, intern, gruppe- og snusepraktik) lasts `LEGAL_WEEKS`
  weeks for an aktivitetsparat citizen: a planned or actual end more than 13
  weeks after the start needs a reason (`extension_reason`). Løntilskud and
  småjob have no such limit here.
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
from itertools import starmap
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.enums import AbsenceReason, PlacementKind, VisitationGroup
from db.models import CaseOutcome, Citizen, HoursEntry, Placement, Setting
from db.session import Database
from jobraad import audit, bulk
from jobraad import formatting as fmt
from jobraad.citizens import _PHONE, CitizenNotFound
from jobraad.dates import iso_monday, monday_of
from jobraad.errors import FieldProblem, ValidationFailed
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
    signals,
)
from jobraad.settings import SPECS

# `jobraad.records` and `jobraad.health` are imported inside the functions that need
# them: records imports citizen_file, which imports caseload, and the caseload may well
# import this module for `signals_by_citizen`. A top-level import would make a cycle.

__all__ = [
    "LEGAL_WEEKS",
    "MAX_PLANNED_HOURS_PER_WEEK",
    "MAX_WEEK_HOURS",
    "OBSERVATION_MAX_CHARS",
    "PRAKTIK_KINDS",
    "HoursInput",
    "PlacementInput",
    "PlacementProgress",
    "PlacementView",
    "WeekRow",
    "add_placement",
    "citizen_progress",
    "default_skaanehensyn",
    "delete_placement",
    "delete_week",
    "list_placements",
    "placement_progress",
    "placement_weeks",
    "save_weeks",
    "signals_by_citizen",
    "update_placement",
    "week_rows",
]

# Virksomhedspraktik for aktivitetsparate: 13 weeks; each extension of up to 13 weeks needs a reason.
LEGAL_WEEKS = 13
PRAKTIK_KINDS = frozenset(
    {
        PlacementKind.VIRKSOMHEDSPRAKTIK,
        PlacementKind.INTERN_PRAKTIK,
        PlacementKind.GRUPPEPRAKTIK,
        PlacementKind.SNUSEPRAKTIK,
    }
)
MAX_PLANNED_HOURS_PER_WEEK = 60
MAX_WEEK_HOURS = 80
OBSERVATION_MAX_CHARS = 2000
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

    @property
    def period_end(self) -> dt.date | None:
        """The actual end if it has ended, else the planned end, else None (open)."""
        return self.end_date or self.planned_end

    def is_active(self, today: dt.date) -> bool:
        return _active_on(self.start_date, self.period_end, today)

    @property
    def length_text(self) -> str:
        """'13 uger (lovlig længde 13 uger)', '20 uger – forlænget ud over 13 uger: <reason>'."""
        praktik = self.kind in PRAKTIK_KINDS
        legal = f" (lovlig længde {LEGAL_WEEKS} uger)" if praktik else ""
        end = self.period_end
        if end is None:
            return f"ingen slutdato{legal}"
        weeks = _length_weeks(self.start_date, end)
        if praktik and weeks > LEGAL_WEEKS:
            reason = self.extension_reason.strip()
            why = f": {reason}" if reason else " uden begrundelse"
            return f"{_weeks_text(weeks)} – forlænget ud over {LEGAL_WEEKS} uger{why}"
        return f"{_weeks_text(weeks)}{legal}"


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


def _over_legal_length(start: dt.date, end: dt.date) -> bool:
    return end > start + dt.timedelta(weeks=LEGAL_WEEKS)


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


def _placement_problems(data: PlacementInput) -> list[FieldProblem]:
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

    if has_start and data.kind in PRAKTIK_KINDS and not data.extension_reason.strip():
        dated = [d for d in (data.planned_end, data.end_date) if isinstance(d, dt.date)]
        if dated and _over_legal_length(start, max(dated)):
            problems.append(
                FieldProblem("forlængelse", f"Forlængelse ud over {LEGAL_WEEKS} uger kræver en begrundelse.")
            )

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
    Changed dates may not leave registered hours outside the period (see `_hours_outside`)."""
    problems = _placement_problems(data)
    with database.transaction() as session:
        placement = _placement(session, placement_id)
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
        placement = _placement(session, placement_id)
        if not rows:
            return 0
        problems = _week_problems(rows, placement.start_date, _period_end(placement), today)
        if problems:
            raise ValidationFailed(problems, "Timerne er ikke gemt:")
        stored = {(e.iso_year, e.iso_week): e for e in placement.hours}
        for r in rows:
            entry = stored.get((r.iso_year, r.iso_week))
            if entry is None:
                entry = HoursEntry(iso_year=r.iso_year, iso_week=r.iso_week)
                placement.hours.append(entry)
            entry.planned_hours = float(r.planned)
            entry.attended_hours = float(r.attended)
            entry.absence_hours = float(r.absence)
            entry.absence_reason = r.absence_reason if r.absence > 0 else None
            entry.observation = r.observation.strip()
            entry.follow_up = bool(r.follow_up)
        session.flush()
        audit.record(session, audit.Action.CHANGE, placement.citizen_id, "timer")
        return len(rows)


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
    view: PlacementView, weeks: list[WeekHours], thresholds: Thresholds, group: VisitationGroup | None
) -> PlacementProgress:
    result = progression(weeks, thresholds)
    return PlacementProgress(
        placement=view,
        weeks=weeks,
        progression=result,
        signals=signals(result, weeks, thresholds, group),
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
    by_placement: dict[int, list[WeekHours]] = defaultdict(list)
    rows = session.execute(select(*_HOURS_COLUMNS).where(HoursEntry.placement_id.in_([p.id for p in placements])))
    for row in rows:
        by_placement[row[0]].append(_week_hours(row))
    out = []
    for p in placements:
        weeks = _clipped(by_placement.get(p.id, []), p.start_date, _period_end(p), today)
        out.append(_progress(_placement_view(p), weeks, thresholds, group))
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
    return result
