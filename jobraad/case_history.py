"""What the team reads about the citizen's past, as records rather than free text: the
forsørgelseshistorik as benefits by period (ydelse, fra, til) and the CV (educations and
jobs with their years); and two facts of the case itself: the jobcenter's case number and
the day the citizen saw the description for the team.

Each save is one transaction that replaces the citizen's list as a whole, or raises
`ValidationFailed` naming the row and field in Danish and saves nothing. Changes are logged
with `audit.record` by kind, never by content.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from db.enums import CvKind, PeriodBenefit
from db.models import BenefitPeriod, Citizen, CvEntry
from db.session import Database
from jobraad import audit
from jobraad import formatting as fmt
from jobraad.case_texts import apply_texts, text_problems
from jobraad.citizens import CitizenNotFound
from jobraad.errors import FieldProblem, ValidationFailed

__all__ = [
    "MAX_ROWS",
    "BenefitPeriodInput",
    "BenefitPeriodView",
    "CaseFacts",
    "CvEntryInput",
    "CvEntryView",
    "list_benefit_periods",
    "list_cv",
    "read_case_facts",
    "save_benefit_periods",
    "save_cv",
    "set_case_number",
    "set_description_seen",
]

MAX_ROWS = 200
MAX_NOTE = 500
MAX_CASE_NUMBER = 40
FIRST_YEAR = 1930


@dataclass(frozen=True)
class BenefitPeriodInput:
    benefit: PeriodBenefit
    start_date: dt.date
    end_date: dt.date | None = None  # None: still
    note: str = ""


@dataclass(frozen=True)
class BenefitPeriodView(BenefitPeriodInput):
    period_id: int = 0


@dataclass(frozen=True)
class CvEntryInput:
    kind: CvKind
    title: str
    place: str = ""
    start_year: int | None = None
    end_year: int | None = None  # None: still, or not known
    note: str = ""


@dataclass(frozen=True)
class CvEntryView(CvEntryInput):
    entry_id: int = 0


@dataclass(frozen=True)
class CaseFacts:
    case_number: str
    description_seen_on: dt.date | None


def _citizen(session: Session, citizen_id: int) -> Citizen:
    citizen = session.get(Citizen, citizen_id)
    if citizen is None:
        raise CitizenNotFound()
    return citizen


# --- benefits by period ----------------------------------------------------------------------


def list_benefit_periods(database: Database, citizen_id: int) -> list[BenefitPeriodView]:
    """The citizen's benefits by period, oldest first."""
    with database.reading() as session:
        _citizen(session, citizen_id)
        rows = session.scalars(
            select(BenefitPeriod)
            .where(BenefitPeriod.citizen_id == citizen_id)
            .order_by(BenefitPeriod.start_date, BenefitPeriod.id)
        )
        return [BenefitPeriodView(r.benefit, r.start_date, r.end_date, r.note, period_id=r.id) for r in rows]


def benefit_period_problems(rows: Sequence[BenefitPeriodInput], today: dt.date) -> list[FieldProblem]:
    problems: list[FieldProblem] = []
    if len(rows) > MAX_ROWS:
        problems.append(FieldProblem("perioder", f"Højst {MAX_ROWS} perioder."))
    for n, row in enumerate(rows, start=1):
        where = f"periode {n}"
        if row.start_date > today:
            problems.append(FieldProblem(where, f"Fra-datoen {fmt.date(row.start_date)} ligger i fremtiden."))
        if row.end_date is not None and row.end_date < row.start_date:
            problems.append(
                FieldProblem(
                    where,
                    f"Til-datoen {fmt.date(row.end_date)} ligger før fra-datoen {fmt.date(row.start_date)}.",
                )
            )
        if len(row.note) > MAX_NOTE:
            problems.append(FieldProblem(where, f"Bemærkningen må højst være {MAX_NOTE} tegn."))
    return problems


def save_benefit_periods(
    database: Database, citizen_id: int, rows: Sequence[BenefitPeriodInput], *, today: dt.date | None = None
) -> None:
    """Replace the citizen's benefits by period with `rows`, all or nothing."""
    save_history(database, citizen_id, periods=rows, today=today)


def _apply_periods(session: Session, citizen_id: int, rows: Sequence[BenefitPeriodInput]) -> None:
    session.execute(delete(BenefitPeriod).where(BenefitPeriod.citizen_id == citizen_id))
    for row in sorted(rows, key=lambda r: r.start_date):
        session.add(
            BenefitPeriod(
                citizen_id=citizen_id,
                benefit=row.benefit,
                start_date=row.start_date,
                end_date=row.end_date,
                note=row.note.strip(),
            )
        )
    audit.record(session, audit.Action.CHANGE, citizen_id, "forsørgelseshistorik")


# --- the CV ----------------------------------------------------------------------------------


def list_cv(database: Database, citizen_id: int) -> list[CvEntryView]:
    """The citizen's CV: educations first, then jobs, each oldest first (unknown years last)."""
    with database.reading() as session:
        _citizen(session, citizen_id)
        rows = session.scalars(select(CvEntry).where(CvEntry.citizen_id == citizen_id).order_by(CvEntry.id)).all()
        views = [CvEntryView(r.kind, r.title, r.place, r.start_year, r.end_year, r.note, entry_id=r.id) for r in rows]
    order = {CvKind.UDDANNELSE: 0, CvKind.JOB: 1}
    return sorted(views, key=lambda v: (order[v.kind], v.start_year is None, v.start_year or 0, v.entry_id))


def cv_problems(rows: Sequence[CvEntryInput], today: dt.date) -> list[FieldProblem]:
    problems: list[FieldProblem] = []
    if len(rows) > MAX_ROWS:
        problems.append(FieldProblem("cv", f"Højst {MAX_ROWS} linjer."))
    for n, row in enumerate(rows, start=1):
        where = f"linje {n}"
        if not row.title.strip():
            problems.append(FieldProblem(where, "Skriv uddannelsen eller jobbet."))
        if len(row.title) > 200 or len(row.place) > 200:
            problems.append(FieldProblem(where, "Titel og sted må højst være 200 tegn."))
        for label, year in (("Fra-året", row.start_year), ("Til-året", row.end_year)):
            if year is not None and not FIRST_YEAR <= year <= today.year:
                problems.append(FieldProblem(where, f"{label} skal ligge mellem {FIRST_YEAR} og {today.year}."))
        if row.start_year is not None and row.end_year is not None and row.end_year < row.start_year:
            problems.append(FieldProblem(where, "Til-året ligger før fra-året."))
        if len(row.note) > MAX_NOTE:
            problems.append(FieldProblem(where, f"Bemærkningen må højst være {MAX_NOTE} tegn."))
    return problems


def save_cv(database: Database, citizen_id: int, rows: Sequence[CvEntryInput], *, today: dt.date | None = None) -> None:
    """Replace the citizen's CV with `rows`, all or nothing."""
    save_history(database, citizen_id, cv=rows, today=today)


def _apply_cv(session: Session, citizen_id: int, rows: Sequence[CvEntryInput]) -> None:
    session.execute(delete(CvEntry).where(CvEntry.citizen_id == citizen_id))
    for row in rows:
        session.add(
            CvEntry(
                citizen_id=citizen_id,
                kind=row.kind,
                title=row.title.strip(),
                place=row.place.strip(),
                start_year=row.start_year,
                end_year=row.end_year,
                note=row.note.strip(),
            )
        )
    audit.record(session, audit.Action.CHANGE, citizen_id, "cv")


# --- the case number and the citizen's look at the description -----------------------------------


def read_case_facts(database: Database, citizen_id: int) -> CaseFacts:
    with database.reading() as session:
        citizen = _citizen(session, citizen_id)
        return CaseFacts(citizen.case_number, citizen.description_seen_on)


def _case_number_problems(case_number: str) -> list[FieldProblem]:
    text = case_number.strip()
    if len(text) > MAX_CASE_NUMBER or any(not ch.isprintable() for ch in text):
        return [FieldProblem("sagsnummer", f"Højst {MAX_CASE_NUMBER} tegn, uden linjeskift.")]
    return []


def _seen_problems(seen_on: dt.date | None, today: dt.date) -> list[FieldProblem]:
    if seen_on is not None and seen_on > today:
        return [FieldProblem("set af borgeren", f"Datoen {fmt.date(seen_on)} ligger i fremtiden.")]
    return []


def save_case_page(
    database: Database,
    citizen_id: int,
    *,
    texts: dict[str, str],
    case_number: str | None = None,
    seen: tuple[dt.date | None] | None = None,
    today: dt.date | None = None,
) -> None:
    """What the texts tab saves, all in one transaction or nothing: the case texts, the case
    number (None: unchanged) and the day the citizen saw the description (`seen`, a 1-tuple;
    None: unchanged)."""
    today = today or dt.date.today()
    problems = text_problems(texts)
    if case_number is not None:
        problems += _case_number_problems(case_number)
    if seen is not None:
        problems += _seen_problems(seen[0], today)
    if problems:
        heading = "Intet er gemt:"
        if not texts and (case_number is None) != (seen is None):  # one fact alone: name it
            heading = "Sagsnummeret er ikke gemt:" if case_number is not None else "Datoen er ikke gemt:"
        raise ValidationFailed(problems, heading)
    with database.transaction() as session:
        citizen = _citizen(session, citizen_id)
        if seen is not None and citizen.description_seen_on != seen[0]:
            citizen.description_seen_on = seen[0]
            audit.record(session, audit.Action.CHANGE, citizen_id, "borgeren har set beskrivelsen")
        if case_number is not None and citizen.case_number != case_number.strip():
            citizen.case_number = case_number.strip()
            audit.record(session, audit.Action.CHANGE, citizen_id, "sagsnummer")
        if texts:
            apply_texts(session, citizen, texts, today)


def save_history(
    database: Database,
    citizen_id: int,
    *,
    periods: Sequence[BenefitPeriodInput] | None = None,
    cv: Sequence[CvEntryInput] | None = None,
    today: dt.date | None = None,
) -> None:
    """Benefits by period and the CV (None: unchanged) in one transaction, or nothing."""
    today = today or dt.date.today()
    problems = benefit_period_problems(periods or (), today) + cv_problems(cv or (), today)
    if problems:
        heading = (
            "Forsørgelseshistorikken er ikke gemt:"
            if cv is None
            else "CV'et er ikke gemt:"
            if periods is None
            else "Intet er gemt:"
        )
        raise ValidationFailed(problems, heading)
    with database.transaction() as session:
        _citizen(session, citizen_id)
        if periods is not None:
            _apply_periods(session, citizen_id, periods)
        if cv is not None:
            _apply_cv(session, citizen_id, cv)


def set_case_number(database: Database, citizen_id: int, case_number: str) -> None:
    """The jobcenter's sagsnummer for the case ("" removes it)."""
    save_case_page(database, citizen_id, texts={}, case_number=case_number)


def set_description_seen(
    database: Database, citizen_id: int, seen_on: dt.date | None, *, today: dt.date | None = None
) -> None:
    """Record the day the citizen saw the description for the team (None: not yet)."""
    save_case_page(database, citizen_id, texts={}, seen=(seen_on,), today=today)
