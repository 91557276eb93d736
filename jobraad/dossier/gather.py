"""Reading one citizen's case for the dossier: everything it shows, as plain data.

The attachments to append are read here as bytes (in one query, and not through
`attachments.read_attachment`, which would log each as a view: the dossier is logged
once, as a printout). Making sense of them (pages, sizes) is `appendices`' work.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select

from db.enums import DocumentState, MeetingKind
from db.models import Attachment
from db.session import Database
from jobraad.case_history import BenefitPeriodView, CvEntryView, list_benefit_periods, list_cv, read_case_facts
from jobraad.case_texts import list_case_texts
from jobraad.citizen_file import CitizenFile, read_citizen_file
from jobraad.documentation import Checklist, Readiness, read_checklist
from jobraad.dossier.readers import Reader, document_part
from jobraad.health import ContactView, HealthNoteView, current_skaanehensyn, list_contacts, list_health_notes
from jobraad.placements import PlacementProgress, citizen_progress
from jobraad.records import ActivityView, MeetingView, list_activities, list_meetings
from jobraad.settings import get_settings

__all__ = ["AppendixFile", "CaseData", "gather"]


@dataclass(frozen=True)
class AppendixFile:
    """A file attached to a received checklist item: appended to the dossier as a bilag."""

    number: int
    title: str  # the checklist item's title (and which file, if it has several)
    filename: str
    received_on: dt.date | None
    attachment_id: int
    mime_type: str
    data: bytes

    @property
    def label(self) -> str:
        return f"Bilag {self.number}: {self.title}"


@dataclass
class CaseData:
    today: dt.date
    file: CitizenFile
    checklist: Checklist
    readiness: Readiness
    texts: dict[str, str]
    placements: list[PlacementProgress]  # oldest first
    activities: list[ActivityView]
    health_notes: list[HealthNoteView]
    skaanehensyn: list[str]
    contacts: list[ContactView]
    meeting_date: dt.date | None
    meeting: MeetingView | None
    caseworker: str
    caseworker_phone: str
    caseworker_email: str
    jobcenter: str
    stable_weeks: int
    case_number: str
    description_seen_on: dt.date | None
    benefit_periods: list[BenefitPeriodView]  # oldest first
    cv: list[CvEntryView]  # educations, then jobs
    reader: Reader
    include_appendices: bool  # asked for, and the reader gets bilag
    appendix_files: list[AppendixFile]
    loose_files: list[tuple[str, dt.datetime]]  # attachments not tied to a checklist item


def gather(
    database: Database,
    citizen_id: int,
    today: dt.date,
    meeting_date: dt.date | None,
    include_appendices: bool,
    reader: Reader,
) -> CaseData:
    """The case of `citizen_id` as the dossier shows it on `today` to `reader`. `meeting_date`
    None: the citizen's next rehabiliteringsteam meeting, if any. Only the files the reader
    gets are read (`readers.document_part`)."""
    include_appendices = include_appendices and reader.gets("appendices")
    with database.reading() as session:
        file = read_citizen_file(session, citizen_id, today)
        checklist = read_checklist(session, citizen_id, today)
        received = [
            (entry, ref)
            for entry in checklist.entries
            if entry.state == DocumentState.MODTAGET and reader.gets(document_part(entry.item))
            for ref in entry.attachments
        ]
        blobs: dict[int, bytes] = {}
        if include_appendices and received:
            ids = [ref.attachment_id for _, ref in received]
            blobs = dict(session.execute(select(Attachment.id, Attachment.data).where(Attachment.id.in_(ids))).all())
        loose = [
            (name, added)
            for name, added in session.execute(
                select(Attachment.filename, Attachment.added_at)
                .where(Attachment.citizen_id == citizen_id, Attachment.item_id.is_(None))
                .order_by(Attachment.added_at, Attachment.id)
            )
        ]
    texts = {t.section: t.text for t in list_case_texts(database, citizen_id)}
    placements = sorted(citizen_progress(database, citizen_id, today), key=lambda p: p.placement.start_date)
    meetings = [m for m in list_meetings(database, citizen_id) if m.kind == MeetingKind.REHABILITERINGSTEAM]
    if meeting_date is not None:
        meeting = next((m for m in meetings if m.starts_at.date() == meeting_date), None)
    else:
        meeting = next((m for m in meetings if m.starts_at.date() >= today), None)
        meeting_date = meeting.starts_at.date() if meeting else None
    settings = get_settings(database)
    facts = read_case_facts(database, citizen_id)

    appendix_files: list[AppendixFile] = []
    for entry, ref in received:
        if ref.attachment_id not in blobs:
            continue
        title = entry.title
        if len(entry.attachments) > 1:  # several files for one document: tell them apart
            title += f" – fil {entry.attachments.index(ref) + 1} af {len(entry.attachments)}"
        appendix_files.append(
            AppendixFile(
                number=len(appendix_files) + 1,
                title=title,
                filename=ref.filename,
                received_on=entry.received_on,
                attachment_id=ref.attachment_id,
                mime_type=ref.mime_type,
                data=blobs[ref.attachment_id],
            )
        )

    return CaseData(
        today=today,
        file=file,
        checklist=checklist,
        readiness=checklist.readiness,
        texts=texts,
        placements=placements,
        activities=list_activities(database, citizen_id),
        health_notes=list_health_notes(database, citizen_id),
        skaanehensyn=current_skaanehensyn(database, citizen_id),
        contacts=list_contacts(database, citizen_id),
        meeting_date=meeting_date,
        meeting=meeting,
        caseworker=str(settings.get("caseworker_name") or "").strip(),
        caseworker_phone=str(settings.get("caseworker_phone") or "").strip(),
        caseworker_email=str(settings.get("caseworker_email") or "").strip(),
        jobcenter=str(settings.get("jobcenter_name") or "").strip(),
        stable_weeks=int(settings.get("stable_level_weeks") or 4),
        case_number=facts.case_number,
        description_seen_on=facts.description_seen_on,
        benefit_periods=list_benefit_periods(database, citizen_id),
        cv=list_cv(database, citizen_id),
        reader=reader,
        include_appendices=include_appendices,
        appendix_files=appendix_files,
        loose_files=loose,
    )
