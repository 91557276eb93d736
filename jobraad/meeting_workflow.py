"""The meeting and decision workflow of a case, as its rule pack names it (the rehabiliteringsteam,
or under lov 1750/2025 the sundhedsfaglig rådgivning that replaces it), and the interpreter per
meeting.

For a meeting of the team kind (`MeetingKind.REHABILITERINGSTEAM`): the date the case must be sent
(the team's own deadline before the meeting, `resources/rules/team_meeting.toml`, per pack), the
day it was sent, the team's indstilling (date and content) and the afgørelse (date and content),
kept in `TeamWorkflow` (migration 0005). Gruppe 3's goals "forelagt" and "afgjort" (seed 001) are
read from these records (`add_team_goals`): forelagt on the meeting's day once the team has given
its indstilling or the case is decided, afgjort on the day of the afgørelse.

Due items (`meeting_due_items`, one query for the whole caseload): "Send sagen senest …" for a
coming team meeting whose case is not sent, and "Bestil tolk" for a coming meeting that needs an
interpreter and has none booked. Both open the meeting in the Møder section.

Every write is one transaction: it saves all it was given or raises `ValidationFailed` (Danish,
per field) and saves nothing. The audit log names the kind of record, never its content.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Iterable, Mapping, MutableMapping
from dataclasses import dataclass
from types import MappingProxyType

from sqlalchemy import Select, and_, or_, select
from sqlalchemy.orm import Session

from db.enums import MeetingKind, VisitationGroup
from db.models import Citizen, Meeting, TeamWorkflow
from db.session import Database
from jobraad import audit, bulk
from jobraad import formatting as fmt
from jobraad.documentation import pack_for
from jobraad.errors import FieldProblem, UserFacingError, ValidationFailed
from jobraad.rule_files import read_rule_file
from jobraad.rulepacks import RulePack
from jobraad.visitation import GROUP_DEADLINES, DueItem, DueKind, DueTarget

__all__ = [
    "TEAM_KIND",
    "InterpreterRule",
    "SendBy",
    "WorkflowInput",
    "WorkflowView",
    "add_team_goals",
    "existing_workflow_problems",
    "interpreter_rule",
    "meeting_due_items",
    "pack_of_case",
    "read_workflow",
    "save_workflow",
    "send_by_label",
    "send_by_rule",
    "status_text",
    "team_goal_keys",
    "team_goals_of",
    "view_of",
    "workflow_problems",
]

#: The kind of meeting the workflow belongs to (the team's, or what replaces it under the pack).
TEAM_KIND = MeetingKind.REHABILITERINGSTEAM
_FILE = "team_meeting.toml"
_TEXT_MAX = 20_000
_MISSING = "Mødet findes ikke (længere)."


# --- the rules (resources/rules/team_meeting.toml) -------------------------------------------------


@dataclass(frozen=True)
class SendBy:
    """By when a case under `pack` must be sent before its meeting, and to whom."""

    pack: str
    days_before_meeting: int
    to: str  # "rehabiliteringsteamet", "sundhedskoordinatoren"
    source: str
    provisional: bool

    def date_for(self, meeting_day: dt.date) -> dt.date:
        return meeting_day - dt.timedelta(days=self.days_before_meeting)


@dataclass(frozen=True)
class InterpreterRule:
    """When "Bestil tolk" falls due before a meeting that needs an interpreter."""

    days_before_meeting: int
    source: str
    provisional: bool


@dataclass(frozen=True)
class _Rules:
    send_by: Mapping[str, SendBy]
    interpreter: InterpreterRule


@functools.cache
def _rules() -> _Rules:
    top = read_rule_file(_FILE, required=("send_by", "interpreter"))
    found: dict[str, SendBy] = {}
    for entry in top.entries("send_by", required=("pack", "days_before_meeting", "to")):
        pack = entry.text("pack")
        if pack in found:
            entry.fail(f"pakken «{pack}» står der to gange.")
        found[pack] = SendBy(
            pack, entry.integer("days_before_meeting", 0, 365), entry.text("to"), entry.source, entry.provisional
        )
    interpreters = top.entries("interpreter", required=("days_before_meeting",))
    if len(interpreters) != 1:
        interpreters[-1].fail("der skal være præcis ét [[interpreter]]-afsnit.")
    one = interpreters[0]
    return _Rules(
        MappingProxyType(found),
        InterpreterRule(one.integer("days_before_meeting", 0, 365), one.source, one.provisional),
    )


def send_by_rule(pack: RulePack) -> SendBy | None:
    """The send-by deadline of cases under `pack` (or under a pack it replaces), None if the file
    has none for it."""
    rules = _rules().send_by
    for pack_id in (pack.id, *pack.replaces):
        if pack_id in rules:
            return rules[pack_id]
    return None


def interpreter_rule() -> InterpreterRule:
    return _rules().interpreter


def pack_of_case(rule_pack: str, today: dt.date) -> RulePack:
    """The pack a case follows: the one it recorded, or today's before its assessment started."""
    return pack_for(rule_pack, today)[0]


# --- views, inputs and validation ---------------------------------------------------------------


@dataclass(frozen=True)
class WorkflowView:
    """A team meeting's workflow for the Møder section, with the words of the case's pack."""

    meeting_id: int
    meeting_day: dt.date
    meeting_label: str  # the pack's word for the meeting ("Møde i rehabiliteringsteamet", …)
    to: str  # who the case goes to
    send_by: dt.date | None
    send_by_provisional: bool
    send_by_source: str
    sent_on: dt.date | None
    recommended_on: dt.date | None
    recommendation: str
    decided_on: dt.date | None
    decision: str


@dataclass
class WorkflowInput:
    sent_on: dt.date | None = None
    recommended_on: dt.date | None = None
    recommendation: str = ""
    decided_on: dt.date | None = None
    decision: str = ""


def workflow_problems(data: WorkflowInput, meeting_day: dt.date, today: dt.date) -> list[FieldProblem]:
    """What is wrong with `data` for a meeting on `meeting_day`, each named by its field: "sendt",
    "indstilling", "indhold", "afgjort", "afgørelse". Also used when a meeting with a workflow moves."""
    problems: list[FieldProblem] = []
    day = fmt.date(meeting_day)
    if data.sent_on is not None:
        if data.sent_on > meeting_day:
            problems.append(
                FieldProblem(
                    "sendt", f"Sagen skal sendes før mødet; {fmt.date(data.sent_on)} er efter mødet den {day}."
                )
            )
        elif data.sent_on > today:
            problems.append(FieldProblem("sendt", "Datoen for afsendelsen ligger i fremtiden."))
    recommendation = data.recommendation.strip()
    if data.recommended_on is not None:
        if data.recommended_on < meeting_day:
            problems.append(FieldProblem("indstilling", f"Indstillingen kan ikke ligge før mødet den {day}."))
        elif data.recommended_on > today:
            problems.append(FieldProblem("indstilling", "Indstillingens dato ligger i fremtiden."))
        if not recommendation:
            problems.append(FieldProblem("indhold", "Skriv, hvad teamet indstiller."))
    elif recommendation:
        problems.append(FieldProblem("indstilling", "Skriv datoen for indstillingen."))
    if len(recommendation) > _TEXT_MAX:
        problems.append(FieldProblem("indhold", f"Højst {fmt.number(_TEXT_MAX, 0)} tegn."))
    decision = data.decision.strip()
    if data.decided_on is not None:
        if data.recommended_on is not None and data.decided_on < data.recommended_on:
            problems.append(
                FieldProblem(
                    "afgjort", f"Afgørelsen kan ikke ligge før indstillingen den {fmt.date(data.recommended_on)}."
                )
            )
        elif data.decided_on < meeting_day:
            problems.append(FieldProblem("afgjort", f"Afgørelsen kan ikke ligge før mødet den {day}."))
        elif data.decided_on > today:
            problems.append(FieldProblem("afgjort", "Afgørelsesdatoen ligger i fremtiden."))
    elif decision:
        problems.append(FieldProblem("afgjort", "Skriv datoen for afgørelsen."))
    if len(decision) > _TEXT_MAX:
        problems.append(FieldProblem("afgørelse", f"Højst {fmt.number(_TEXT_MAX, 0)} tegn."))
    return problems


def _input_of(w: TeamWorkflow) -> WorkflowInput:
    return WorkflowInput(w.sent_on, w.recommended_on, w.recommendation, w.decided_on, w.decision)


def existing_workflow_problems(
    meeting: Meeting, kind: MeetingKind, starts_at: dt.datetime, today: dt.date
) -> list[FieldProblem]:
    """What a change of a meeting's kind or time would break in its recorded workflow (named by the
    meeting's own fields, "type" and "dato")."""
    w = meeting.workflow
    if w is None:
        return []
    if kind is not TEAM_KIND:
        return [FieldProblem("type", "Mødet har en indstilling eller afgørelse; kun et teammøde kan have det.")]
    if workflow_problems(_input_of(w), starts_at.date(), max(today, starts_at.date())):
        return [
            FieldProblem("dato", "Mødets indstilling, afgørelse eller afsendelse ville ligge i forkert rækkefølge.")
        ]
    return []


def view_of(meeting: Meeting, rule_pack: str, today: dt.date) -> WorkflowView:
    """A meeting's workflow under the case's pack (`rule_pack` as the citizen recorded it)."""
    pack = pack_of_case(rule_pack, today)
    rule = send_by_rule(pack)
    day = meeting.starts_at.date()
    w = meeting.workflow
    return WorkflowView(
        meeting_id=meeting.id,
        meeting_day=day,
        meeting_label=pack.terms.meeting,
        to=rule.to if rule else (pack.terms.team or "sundhedskoordinatoren"),
        send_by=rule.date_for(day) if rule else None,
        send_by_provisional=rule.provisional if rule else False,
        send_by_source=rule.source if rule else "",
        sent_on=w.sent_on if w else None,
        recommended_on=w.recommended_on if w else None,
        recommendation=w.recommendation if w else "",
        decided_on=w.decided_on if w else None,
        decision=w.decision if w else "",
    )


def _meeting(session: Session, meeting_id: int) -> Meeting:
    meeting = session.get(Meeting, meeting_id)
    if meeting is None:
        raise UserFacingError(_MISSING)
    return meeting


def read_workflow(database: Database, meeting_id: int, today: dt.date | None = None) -> WorkflowView:
    """A team meeting's workflow (empty dates when nothing is recorded yet)."""
    today = today or dt.date.today()
    with database.reading() as session:
        meeting = _meeting(session, meeting_id)
        return view_of(meeting, meeting.citizen.rule_pack, today)


def save_workflow(
    database: Database, meeting_id: int, data: WorkflowInput, today: dt.date | None = None
) -> WorkflowView:
    """Record the sending, the indstilling and the afgørelse of a team meeting, all or nothing."""
    today = today or dt.date.today()
    with database.transaction() as session:
        meeting = _meeting(session, meeting_id)
        if meeting.kind is not TEAM_KIND:
            raise ValidationFailed(
                [FieldProblem("afgjort", "Kun et møde i teamet har en indstilling og en afgørelse.")],
                "Indstilling og afgørelse er ikke gemt:",
            )
        problems = workflow_problems(data, meeting.starts_at.date(), today)
        if problems:
            raise ValidationFailed(problems, "Indstilling og afgørelse er ikke gemt:")
        w = meeting.workflow
        if w is None:
            w = meeting.workflow = TeamWorkflow()
        w.sent_on = data.sent_on
        w.recommended_on = data.recommended_on
        w.recommendation = data.recommendation.strip()
        w.decided_on = data.decided_on
        w.decision = data.decision.strip()
        session.flush()
        audit.record(session, audit.Action.CHANGE, meeting.citizen_id, "møde: indstilling og afgørelse")
        return view_of(meeting, meeting.citizen.rule_pack, today)


# --- gruppe 3: forelagt og afgjort, from the records ----------------------------------------------


@functools.cache
def team_goal_keys() -> tuple[frozenset[str], frozenset[str]]:
    """(forelagt, afgjort): gruppe 3's goals (seed 001) a team meeting's records reach. Afgjort are
    those that close the deadline of a case not forelagt the team; forelagt the rest."""
    forelagt: set[str] = set()
    afgjort: set[str] = set()
    for rule in GROUP_DEADLINES.get(VisitationGroup.GRUPPE_3, ()):
        decided = rule.closed_by_without_team or frozenset()
        afgjort |= decided
        forelagt |= rule.closed_by - decided
    return frozenset(forelagt), frozenset(afgjort)


def _reach(goals: MutableMapping[str, dt.date], keys: Iterable[str], day: dt.date) -> None:
    for key in keys:
        if key not in goals or day < goals[key]:
            goals[key] = day


def _goal_days(meeting_day: dt.date, recommended_on: dt.date | None, decided_on: dt.date | None) -> dict[str, dt.date]:
    forelagt, afgjort = team_goal_keys()
    reached: dict[str, dt.date] = {}
    _reach(reached, forelagt, meeting_day)  # treated by the team: an indstilling or a decision is recorded
    if decided_on is not None:
        _reach(reached, afgjort, decided_on)
    return reached


def _decided_stmt() -> Select[int, dt.datetime, dt.date | None, dt.date | None]:
    return (
        select(Meeting.citizen_id, Meeting.starts_at, TeamWorkflow.recommended_on, TeamWorkflow.decided_on)
        .join(TeamWorkflow, TeamWorkflow.meeting_id == Meeting.id)
        .where(
            Meeting.kind == TEAM_KIND,
            or_(TeamWorkflow.recommended_on.is_not(None), TeamWorkflow.decided_on.is_not(None)),
        )
    )


def add_team_goals(
    session: Session,
    goals: MutableMapping[int, dict[str, dt.date]],
    current: bulk.CurrentForloeb,
    ids: list[int] | None,
) -> None:
    """Add to `goals` (forløb id → goal key → day, as the caseload reads GoalProgress) gruppe 3's
    goals forelagt and afgjort as each current forløb's team meetings record them: meetings on or
    after the forløb's start. The earlier day wins where a goal was also ticked by hand. One query."""
    stmt = _decided_stmt()
    if ids is not None:
        stmt = stmt.where(Meeting.citizen_id.in_(ids))
    for citizen_id, starts_at, recommended_on, decided_on in bulk.rows(session, stmt):
        forloeb_id = current.forloeb_id.get(citizen_id)
        start = current.start.get(citizen_id)
        day = starts_at.date()
        if forloeb_id is None or start is None or day < start:
            continue
        reached = goals.setdefault(forloeb_id, {})
        for key, on in _goal_days(day, recommended_on, decided_on).items():
            _reach(reached, (key,), on)


def team_goals_of(session: Session, citizen_id: int, since: dt.date) -> dict[str, dt.date]:
    """The goals one citizen's team meetings on or after `since` reach (see `add_team_goals`)."""
    reached: dict[str, dt.date] = {}
    stmt = _decided_stmt().where(Meeting.citizen_id == citizen_id)
    for _cid, starts_at, recommended_on, decided_on in bulk.rows(session, stmt):
        if starts_at.date() >= since:
            for key, on in _goal_days(starts_at.date(), recommended_on, decided_on).items():
                _reach(reached, (key,), on)
    return reached


# --- due items: "Send sagen senest …" and "Bestil tolk" -----------------------------------------


def meeting_due_items(
    session: Session, today: dt.date, ids: list[int] | None, closed: Mapping[int, object]
) -> list[DueItem]:
    """The coming meetings' due items of the caseload (or of `ids`), for active cases: one query."""
    stmt = (
        select(
            Meeting.id,
            Meeting.citizen_id,
            Meeting.kind,
            Meeting.starts_at,
            Meeting.interpreter_language,
            Meeting.interpreter_booked,
            TeamWorkflow.sent_on,
            TeamWorkflow.decided_on,
            Citizen.rule_pack,
        )
        .join(Citizen, Citizen.id == Meeting.citizen_id)
        .outerjoin(TeamWorkflow, TeamWorkflow.meeting_id == Meeting.id)
        .where(
            Meeting.starts_at >= dt.datetime.combine(today, dt.time.min),
            or_(
                and_(Meeting.interpreter_language != "", Meeting.interpreter_booked.is_(False)),
                and_(Meeting.kind == TEAM_KIND, TeamWorkflow.sent_on.is_(None), TeamWorkflow.decided_on.is_(None)),
            ),
        )
    )
    if ids is not None:
        stmt = stmt.where(Meeting.citizen_id.in_(ids))
    packs: dict[str, tuple[RulePack, SendBy | None]] = {}
    tolk = interpreter_rule()
    items: list[DueItem] = []
    for meeting_id, citizen_id, kind, starts_at, language, booked, sent_on, decided_on, rule_pack in bulk.rows(
        session, stmt
    ):
        if citizen_id in closed:
            continue
        day = starts_at.date()
        ref = str(meeting_id)
        if language and not booked:
            title = f"Bestil tolk ({language}) til mødet {fmt.date(day)} kl. {fmt.time(starts_at)}"
            if tolk.provisional:
                title += " · frist foreløbig"
            due = day - dt.timedelta(days=tolk.days_before_meeting)
            items.append(DueItem(due, title, DueKind.TOLK, DueTarget.MEETINGS, citizen_id, ref))
        if MeetingKind(kind) is TEAM_KIND and sent_on is None and decided_on is None:
            if rule_pack not in packs:
                pack = pack_of_case(rule_pack, today)
                packs[rule_pack] = (pack, send_by_rule(pack))
            _pack, rule = packs[rule_pack]
            if rule is None:
                continue
            send_by = rule.date_for(day)
            title = f"Send sagen senest {fmt.date(send_by)} til {rule.to} (mødet {fmt.date(day)})"
            if rule.provisional:
                title += " · frist foreløbig"
            items.append(DueItem(send_by, title, DueKind.SEND_SAGEN, DueTarget.MEETINGS, citizen_id, ref))
    return items


def send_by_label(view: WorkflowView) -> str:
    """The send-by line for the window: "Send sagen senest 20-11-2026 til rehabiliteringsteamet
    (frist foreløbig)"; "" when the pack has no deadline."""
    if view.send_by is None:
        return ""
    text = f"Send sagen senest {fmt.date(view.send_by)} til {view.to}"
    return text + (" (frist foreløbig)" if view.send_by_provisional else "")


def status_text(view: WorkflowView) -> str:
    """Where the workflow stands, in a few words for the meeting's row."""
    if view.decided_on is not None:
        return f"Afgjort {fmt.date(view.decided_on)}"
    if view.recommended_on is not None:
        return f"Indstilling {fmt.date(view.recommended_on)}"
    if view.sent_on is not None:
        return f"Sendt {fmt.date(view.sent_on)}"
    if view.send_by is not None:
        return f"Send senest {fmt.date(view.send_by)}"  # the dialog and the Overblik say whether it is foreløbig
    return ""
