"""Reading one citizen's file as plain data for the views (and logging the read)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace

from sqlalchemy.orm import Session, selectinload

from db.enums import Aim, BenefitType, JournalKind, Outcome, VisitationGroup
from db.models import Citizen, Forloeb
from db.session import Database
from jobraad import audit, cpr
from jobraad.caseload import due_items
from jobraad.citizens import CitizenNotFound, current_forloeb, open_outcome
from jobraad.documentation import pack_for
from jobraad.meeting_workflow import team_goals_of
from jobraad.retention import DueForDeletion, retention_of
from jobraad.support_years import SupportYears, support_years
from jobraad.visitation import DueItem, in_target_group_2024, weeks_in_forloeb


@dataclass(frozen=True)
class ForloebView:
    forloeb_id: int
    group: VisitationGroup
    start_date: dt.date
    end_date: dt.date | None
    reason: str
    goals_reached: dict[str, dt.date]


@dataclass(frozen=True)
class JournalView:
    note_id: int
    written_at: dt.datetime
    kind: JournalKind
    text: str


@dataclass(frozen=True)
class CitizenFile:
    citizen_id: int
    cpr: str
    first_name: str
    last_name: str
    age: int
    phone: str
    email: str
    address: str
    language: str
    interpreter_needed: bool
    benefit_type: BenefitType
    support_years_last10: int
    aim: Aim
    notes: str
    forloeb: tuple[ForloebView, ...]  # oldest first
    current: ForloebView | None
    weeks_in_forloeb: int | None
    closed_outcome: Outcome | None
    closed_on: dt.date | None
    due: tuple[DueItem, ...]
    journal: tuple[JournalView, ...]  # newest first
    plan_heading: str = "Forberedende del"  # the case's pack's word for it ("Samlet beskrivelse")
    # Years on public support among the last ten, from the benefit periods where there are any
    # (else the typed number), and whether that puts the citizen in the 2024 target group.
    support: SupportYears | None = None
    in_target_group: bool = False
    # A closed case's deletion date and retention period (jobraad.retention); None while open.
    retention: DueForDeletion | None = None

    @property
    def name(self) -> str:
        return f"{self.first_name} {self.last_name}"


def _forloeb_view(f: Forloeb) -> ForloebView:
    return ForloebView(f.id, f.group, f.start_date, f.end_date, f.reason, {g.goal_key: g.reached_on for g in f.goals})


def _with_team_goals(session: Session, citizen_id: int, view: ForloebView) -> ForloebView:
    """The current forløb with gruppe 3's forelagt/afgjort as its team meetings record them (the
    earlier day where a goal was also ticked by hand), as the caseload's deadlines count them."""
    reached = dict(view.goals_reached)
    for key, day in team_goals_of(session, citizen_id, view.start_date).items():
        if key not in reached or day < reached[key]:
            reached[key] = day
    return replace(view, goals_reached=reached)


def read_citizen_file(session: Session, citizen_id: int, today: dt.date) -> CitizenFile:
    citizen = session.get(
        Citizen,
        citizen_id,
        options=[
            selectinload(Citizen.forloeb).selectinload(Forloeb.goals),
            selectinload(Citizen.outcomes),
            selectinload(Citizen.journal),
        ],
    )
    if citizen is None:
        raise CitizenNotFound()
    current = current_forloeb(citizen)
    closing = open_outcome(citizen)
    due = due_items(session, today, [citizen_id]).get(citizen_id, ())
    age = cpr.age_on(citizen.cpr, today)
    support = support_years(session, citizen_id, today)
    return CitizenFile(
        citizen_id=citizen.id,
        cpr=citizen.cpr,
        first_name=citizen.first_name,
        last_name=citizen.last_name,
        age=age,
        phone=citizen.phone,
        email=citizen.email,
        address=citizen.address,
        language=citizen.language,
        interpreter_needed=citizen.interpreter_needed,
        benefit_type=citizen.benefit_type,
        support_years_last10=citizen.support_years_last10,
        aim=citizen.aim,
        notes=citizen.notes,
        forloeb=tuple(_forloeb_view(f) for f in citizen.forloeb),
        current=_with_team_goals(session, citizen_id, _forloeb_view(current)) if current else None,
        weeks_in_forloeb=weeks_in_forloeb(current.start_date, today) if current and not closing else None,
        closed_outcome=closing.outcome if closing else None,
        closed_on=closing.closed_on if closing else None,
        due=due,
        journal=tuple(
            JournalView(n.id, n.written_at, n.kind, n.text)
            for n in sorted(citizen.journal, key=lambda n: n.written_at, reverse=True)
        ),
        plan_heading=pack_for(citizen.rule_pack, today)[0].terms.plan_heading,
        support=support,
        in_target_group=support is not None and in_target_group_2024(age, support.years),
        retention=retention_of(session, citizen.id) if closing else None,
    )


def open_citizen_file(database: Database, citizen_id: int, today: dt.date | None = None) -> CitizenFile:
    """The citizen's file; the read is recorded in the audit log."""
    today = today or dt.date.today()
    with database.transaction() as session:
        data = read_citizen_file(session, citizen_id, today)
        audit.record(session, audit.Action.OPEN_FILE, citizen_id, "")
        return data
