"""Helpers for the handover tests: a case with a row in every table of a case, and a
comparable picture of a case without its ids."""

from __future__ import annotations

import datetime as dt
import hashlib
from typing import Any

from sqlalchemy import select

from db.enums import (
    AbsenceReason,
    ActivityKind,
    Aim,
    ContactKind,
    CvKind,
    DocumentSource,
    DocumentState,
    HealthNoteKind,
    JournalKind,
    MeetingKind,
    PeriodBenefit,
    PlacementKind,
    VisitationGroup,
)
from db.models import (
    Activity,
    Attachment,
    BenefitPeriod,
    CaseOutcome,
    CaseText,
    Citizen,
    Consent,
    CvEntry,
    Deadline,
    DocumentationItem,
    DocumentEvent,
    Forloeb,
    GoalProgress,
    HealthNote,
    HoursEntry,
    JournalNote,
    Meeting,
    PartnerContact,
    Placement,
    PlacementExtension,
    TeamWorkflow,
)
from db.session import Database
from jobraad import audit
from jobraad.handover import JOURNAL_HEADING, case_tables

CASE_CPR = "0702681234"
# A PDF of a few hundred kilobytes, so the attachment spans many pages of the file.
PDF_BYTES = b"%PDF-1.4\n" + bytes(range(256)) * 1200 + b"\n%%EOF\n"


def make_full_case(database: Database, cpr: str = CASE_CPR) -> int:
    """A citizen with at least one row in every table of a case (and some audit entries)."""
    day = dt.date(2026, 3, 2)
    with database.transaction() as s:
        c = Citizen(
            cpr=cpr,
            first_name="Hanne",
            last_name="Overdragsen",
            phone="12345678",
            language="arabisk",
            interpreter_needed=True,
            aim=Aim.FLEKSJOB,
            support_years_last10=9,
            case_number="S-2026-17",
            notes="Ønsker deltid.\nHar svært ved trapper.",
        )
        s.add(c)
        s.flush()
        f1 = Forloeb(citizen=c, group=VisitationGroup.GRUPPE_2, start_date=day - dt.timedelta(days=200), reason="Start")
        f2 = Forloeb(citizen=c, group=VisitationGroup.GRUPPE_3, start_date=day - dt.timedelta(days=40), reason="Skift")
        f1.end_date = f2.start_date
        s.add_all([f1, f2])
        s.add(GoalProgress(forloeb=f1, goal_key="beskaeftigelsesmaal", reached_on=day - dt.timedelta(days=150)))
        s.add(GoalProgress(forloeb=f2, goal_key="cv", reached_on=day - dt.timedelta(days=10), note="via workshop"))
        s.add(
            CaseOutcome(
                citizen=c,
                outcome="smaajob",
                closed_on=day - dt.timedelta(days=300),
                reopened_on=day - dt.timedelta(days=201),
            )
        )
        s.add(Activity(citizen=c, kind=ActivityKind.JOBDANSK, title="Jobdansk hold 3", start_date=day))
        p = Placement(
            citizen=c,
            kind=PlacementKind.VIRKSOMHEDSPRAKTIK,
            employer_name="Bageriet A/S",
            employer_cvr="12345678",
            start_date=day - dt.timedelta(days=60),
            planned_hours_per_week=7.5,
            skaanehensyn="Ingen tunge løft",
        )
        s.add(p)
        s.add(
            HoursEntry(
                placement=p,
                iso_year=2026,
                iso_week=5,
                planned_hours=7.5,
                attended_hours=6.25,
                absence_hours=1.25,
                absence_reason=AbsenceReason.SYGDOM,
                observation="Træt",
                follow_up=True,
            )
        )
        s.add(HoursEntry(placement=p, iso_year=2026, iso_week=6, planned_hours=7.5, attended_hours=7.5))
        s.add(
            PlacementExtension(
                placement=p,
                decided_on=day,
                extended_to=day + dt.timedelta(days=90),
                step="26_uger",
                reason="Progression",
            )
        )
        item = DocumentationItem(
            citizen=c,
            item_key="laegeattest",
            state=DocumentState.MODTAGET,
            source=DocumentSource.EGEN_LAEGE,
            requested_on=day,
            received_on=day,
        )
        s.add(item)
        s.add(
            DocumentEvent(
                item=item,
                at=dt.datetime(2026, 3, 2, 10, 15),
                from_state=DocumentState.MANGLER,
                to_state=DocumentState.MODTAGET,
                note="kom med posten",
            )
        )
        s.add(
            Attachment(
                citizen=c,
                item=item,
                filename="attest.pdf",
                mime_type="application/pdf",
                size=len(PDF_BYTES),
                sha256=hashlib.sha256(PDF_BYTES).hexdigest(),
                data=PDF_BYTES,
            )
        )
        s.add(
            Attachment(
                citizen=c,
                filename="brev.pdf",
                mime_type="application/pdf",
                size=9,
                sha256=hashlib.sha256(b"%PDF-1.4\n").hexdigest(),
                data=b"%PDF-1.4\n",
            )
        )
        s.add(
            Consent(
                citizen=c,
                source=DocumentSource.EGEN_LAEGE,
                information="Journal",
                source_name="Dr. Berg",
                purpose="Fleksjob",
                given_on=day,
            )
        )
        s.add(
            HealthNote(
                citizen=c,
                note_date=day,
                kind=HealthNoteKind.HELBREDSGENNEMGANG,
                conditions="Gigt",
                skaanehensyn="Ingen løft\nPauser",
            )
        )
        s.add(PartnerContact(citizen=c, kind=ContactKind.EGEN_LAEGE, name="Dr. Berg", phone="33333333"))
        s.add(
            JournalNote(
                citizen=c,
                written_at=dt.datetime(2026, 3, 1, 9, 0),
                kind=JournalKind.SAMTALE,
                text="Samtale om praktik.",
            )
        )
        meeting = Meeting(
            citizen=c,
            kind=MeetingKind.REHABILITERINGSTEAM,
            starts_at=dt.datetime(2026, 4, 9, 13, 0),
            location="Rådhuset",
            interpreter_booked=True,
            interpreter_language="arabisk",
        )
        s.add(meeting)
        s.add(
            TeamWorkflow(
                meeting=meeting,
                sent_on=dt.date(2026, 3, 20),
                recommended_on=dt.date(2026, 4, 9),
                recommendation="Fleksjob",
                decided_on=dt.date(2026, 4, 16),
                decision="Bevilget fleksjob",
            )
        )
        s.add(Deadline(citizen=c, due_on=day + dt.timedelta(days=7), title="Ring til lægen"))
        s.add(CaseText(citizen=c, section="vurdering", text="Borgeren har en varig nedsat arbejdsevne."))
        s.add(BenefitPeriod(citizen=c, benefit=PeriodBenefit.KONTANTHJAELP, start_date=dt.date(2017, 1, 1)))
        s.add(CvEntry(citizen=c, kind=CvKind.JOB, title="Bager", place="Brødhuset", start_year=1990, end_year=2010))
        s.flush()
        audit.record(s, audit.Action.CREATE, c.id, "")
        audit.record(s, audit.Action.CHANGE, c.id, "praktik")
        citizen_id = c.id
    audit.log_action(database, audit.Action.OPEN_FILE, citizen_id, "")
    return citizen_id


def case_snapshot(database: Database, citizen_id: int, *, skip_handover_note: bool = False) -> dict[str, list[Any]]:
    """Every row of the case, per table, without ids: a reference to another row of the case
    is replaced by that row's own picture, so two files' cases compare equal when lossless."""
    tables = case_tables()
    pictures: dict[str, dict[int, tuple[Any, ...]]] = {}
    result: dict[str, list[Any]] = {}
    with database.reading() as session:
        for table in tables:
            fks = {fk.parent.name: fk.column.table.name for fk in table.foreign_keys}
            rows = session.execute(select(table).order_by(table.c.id)).all()
            mine: dict[int, tuple[Any, ...]] = {}
            for row in rows:
                values = dict(row._mapping)
                row_id = values.pop("id")
                if table.name == "citizen":
                    if row_id != citizen_id:
                        continue
                elif not all(
                    values[col] in pictures[parent]
                    for col, parent in fks.items()
                    if parent in pictures and not table.c[col].nullable
                ):
                    continue
                if skip_handover_note and table.name == "journal_note" and values["text"].startswith(JOURNAL_HEADING):
                    continue
                picture = tuple(
                    (name, pictures[fks[name]].get(value) if name in fks and value is not None else value)
                    for name, value in sorted(values.items())
                )
                mine[row_id] = picture
            pictures[table.name] = mine
            result[table.name] = sorted(mine.values(), key=repr)
    return result
