"""A demo citizen's meetings (conversations, 3-partssamtaler, the sundhedskoordinator,
the rehabiliteringsteam), journal notes and deadlines."""

from __future__ import annotations

import datetime as dt

from db.enums import JournalKind, MeetingKind, NoShowFollowUp, SamtaleAttendance
from db.models import Deadline, JournalNote, Meeting, TeamWorkflow
from jobraad.demo.builder import G3, Builder, Case, in_weeks, workday
from jobraad.vocab import AIM_LABELS


def rehab(b: Builder, case: Case) -> None:
    """Where a gruppe 3 case stands with the rehabiliteringsteam."""
    if case.group is not G3:
        return
    closed = case.closed_outcome is not None
    r = b.rng.random()
    if case.index == 0:
        # The first citizen (gruppe 3, never closed) always shows a meeting being prepared.
        case.rehab_meeting = workday(b.today + dt.timedelta(days=b.rng.randint(3, 14)))
    elif closed or (case.weeks_in >= 16 and r < 0.35):
        latest = case.horizon - dt.timedelta(days=7)
        low = min(case.forloeb_start + in_weeks(8), latest - dt.timedelta(days=7))
        meeting = workday(b.day_between(low, latest), forward=False)
        case.rehab_meeting = meeting
        case.rehab_decided = min(case.horizon, meeting + dt.timedelta(days=b.rng.randint(0, 10)))
    elif (case.weeks_in >= 16 and r < 0.75) or (case.weeks_in >= 10 and r < 0.3):
        case.rehab_meeting = workday(b.today + dt.timedelta(days=b.rng.randint(1, 14)))


def meetings(b: Builder, case: Case) -> list[Meeting]:
    rng = b.rng
    places = b.texts["meetings"]
    start, horizon = case.forloeb_start, case.horizon
    open_case = case.closed_outcome is None
    rows = []
    for _ in range(rng.randint(1, 3)):
        day = workday(b.day_between(max(start, horizon - in_weeks(16)), horizon - dt.timedelta(days=1)), False)
        rows.append(
            Meeting(
                kind=MeetingKind.SAMTALE,
                starts_at=b.at(day),
                location=b.pick(places["jobcenter"]),
                note=b.pick(places["samtale_notes"]),
            )
        )
    _record_attendance(b, case, rows)
    if open_case and b.chance(0.7):
        day = workday(b.today + dt.timedelta(days=rng.randint(0, 20)))
        rows.append(
            Meeting(
                kind=MeetingKind.SAMTALE,
                starts_at=b.at(day),
                location=b.pick(places["jobcenter"]),
                note="Tolk bestilt" if case.interpreter else b.pick(places["samtale_notes"]),
            )
        )
    story = case.story
    if story and story.weeks >= 4:
        p = story.placement
        day = workday(p.start_date + in_weeks(rng.randint(3, min(6, story.weeks - 1))))
        if day <= horizon:
            rows.append(
                Meeting(
                    kind=MeetingKind.TREPARTSSAMTALE,
                    starts_at=b.at(day),
                    location=p.employer_name,
                    note="Opfølgning på timer og opgaver",
                )
            )
        if open_case and b.chance(0.3):
            day = workday(b.today + dt.timedelta(days=rng.randint(1, 14)))
            rows.append(
                Meeting(
                    kind=MeetingKind.TREPARTSSAMTALE,
                    starts_at=b.at(day),
                    location=p.employer_name,
                    note="Drøftelse af flere timer",
                )
            )
    if case.health is not None and case.health.note_date <= horizon:
        rows.append(
            Meeting(
                kind=MeetingKind.SUNDHEDSKOORDINATOR,
                starts_at=b.at(case.health.note_date),
                location=case.health.coordinator,
                note="Helbredsgennemgang",
            )
        )
    elif case.group is G3 and open_case and b.chance(0.4):
        day = workday(b.today + dt.timedelta(days=rng.randint(2, 14)))
        rows.append(Meeting(kind=MeetingKind.SUNDHEDSKOORDINATOR, starts_at=b.at(day), note="Helbredsgennemgang"))
    if case.rehab_meeting is not None:
        decided = case.rehab_decided
        rows.append(
            Meeting(
                kind=MeetingKind.REHABILITERINGSTEAM,
                starts_at=b.at(case.rehab_meeting),
                location=places["rehab"],
                note=f"Indstilling: {AIM_LABELS[case.aim].lower()}" if decided else "Sagen forelægges",
                workflow=_workflow(case.rehab_meeting, decided, AIM_LABELS[case.aim].lower()),
            )
        )
    if case.interpreter:
        # Interpreters are booked for the meetings held and the samtaler ahead; the coming team
        # meeting still needs one ("Bestil tolk" in the Overblik).
        for m in rows:
            m.interpreter_language = case.language
            m.interpreter_booked = m.starts_at.date() < b.today or m.kind is not MeetingKind.REHABILITERINGSTEAM
    return rows


def _record_attendance(b: Builder, case: Case, samtaler: list[Meeting]) -> None:
    """The past samtaler recorded as held. The second citizen (gruppe 1, never closed) shows an
    overdue samtale: the last held 10 weeks ago, and the later ones missed (udeblevet), the last
    with a partshøring. Draws nothing, so the demo's other rows stay as they were."""
    past = sorted((m for m in samtaler if m.starts_at.date() < b.today), key=lambda m: m.starts_at)
    for m in past:
        m.attendance = SamtaleAttendance.AFHOLDT
    if case.index != 1 or case.closed_outcome is not None or not past:
        return
    first, *missed = past
    first.starts_at = dt.datetime.combine(workday(b.today - in_weeks(10), False), first.starts_at.time())
    for m in missed:
        m.attendance = SamtaleAttendance.UDEBLEVET
        m.follow_up = NoShowFollowUp.NY_INDKALDELSE
    if missed:
        missed[-1].follow_up = NoShowFollowUp.PARTSHOERING
        missed[-1].follow_up_note = "Partshøringsbrev sendt om udeblivelsen"


def _workflow(day: dt.date, decided: dt.date | None, aim: str) -> TeamWorkflow | None:
    """A decided team meeting's workflow: sent two weeks before, the team's indstilling on the day,
    the afgørelse when it came. None before the meeting (the Overblik shows "Send sagen senest")."""
    if decided is None:
        return None
    return TeamWorkflow(
        sent_on=day - dt.timedelta(days=14),
        recommended_on=day if day <= decided else None,
        recommendation=f"Teamet indstiller til {aim}." if day <= decided else "",
        decided_on=decided,
        decision=f"Bevilget: {aim}.",
    )


def journal(b: Builder, case: Case) -> list[JournalNote]:
    templates = b.texts["journal"]
    kinds = {
        JournalKind.SAMTALE: 35,
        JournalKind.TELEFON: 20,
        JournalKind.MAIL: 15,
        JournalKind.NOTAT: 20,
        JournalKind.TREPARTSSAMTALE: 10 if case.story or case.health else 0,
    }
    rows = []
    days = sorted(b.day_between(case.forloeb_start - in_weeks(6), case.horizon) for _ in range(b.rng.randint(2, 6)))
    for day in days:
        kind = b.weighted(kinds)
        options = b.usable(templates[kind.value], case) or b.usable(templates["notat"], case)
        rows.append(JournalNote(written_at=b.at(workday(day, False)), kind=kind, text=b.fill(b.pick(options), case)))
    return rows


def deadlines(b: Builder, case: Case) -> list[Deadline]:
    rng = b.rng
    closed = case.closed_outcome is not None
    titles = b.texts["deadlines"]["titles"]
    rows = []
    for title in rng.sample(titles, rng.choices((0, 1, 2), weights=(35, 45, 20))[0]):
        if closed:
            due = case.horizon - dt.timedelta(days=rng.randint(5, 40))
            done: dt.date | None = due - dt.timedelta(days=rng.randint(0, 3))
        else:
            due = b.today + dt.timedelta(days=rng.randint(-21, 21))
            done = None
            if due < b.today and b.chance(0.4):
                done = due - dt.timedelta(days=rng.randint(0, 2))
        rows.append(Deadline(due_on=workday(due), title=title, done_on=done))
    return rows
