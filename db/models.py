"""The jobraad domain as SQLAlchemy 2.x typed models.

One citizen (borger) owns everything else; deleting a citizen deletes all of
it (retention). The audit log is the exception: it refers to a citizen by id
only, so it survives the deletion it records.
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from typing import Any

from sqlalchemy import (
    Boolean,
    Date,
    DateTime,
    Enum,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from db.enums import (
    AbsenceReason,
    ActivityKind,
    Aim,
    BenefitType,
    ContactKind,
    CvKind,
    DocumentSource,
    DocumentState,
    HealthNoteKind,
    JournalKind,
    MeetingKind,
    NoShowFollowUp,
    Outcome,
    PeriodBenefit,
    PlacementKind,
    SamtaleAttendance,
    VisitationGroup,
)

# Stable constraint names, so Alembic batch migrations can find them again.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def _enum(cls: type[StrEnum]) -> Enum:
    """Store an enum by its value as plain text, portable to PostgreSQL."""
    return Enum(
        cls,
        native_enum=False,
        create_constraint=False,
        length=32,
        values_callable=lambda e: [m.value for m in e],
        validate_strings=True,
    )


def _now() -> dt.datetime:
    return dt.datetime.now().replace(microsecond=0)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


_CASCADE: dict[str, Any] = {"cascade": "all, delete-orphan", "passive_deletes": True}


class Citizen(Base):
    """A borger on the caseworker's caseload."""

    __tablename__ = "citizen"

    id: Mapped[int] = mapped_column(primary_key=True)
    cpr: Mapped[str] = mapped_column(String(10), unique=True)  # ten digits, no dash
    first_name: Mapped[str] = mapped_column(String(100))
    last_name: Mapped[str] = mapped_column(String(100))
    phone: Mapped[str] = mapped_column(String(40), default="")
    email: Mapped[str] = mapped_column(String(200), default="")
    address: Mapped[str] = mapped_column(Text, default="")
    language: Mapped[str] = mapped_column(String(60), default="")
    interpreter_needed: Mapped[bool] = mapped_column(Boolean, default=False)
    benefit_type: Mapped[BenefitType] = mapped_column(_enum(BenefitType), default=BenefitType.KONTANTHJAELP)
    # Years on public support (offentlig forsørgelse) among the last ten; decides the
    # 2024 target group (seed 000: "ledighed de seneste 8 ud af 10 år").
    support_years_last10: Mapped[int] = mapped_column(Integer, default=0)
    aim: Mapped[Aim] = mapped_column(_enum(Aim), default=Aim.JOB)
    # The rule pack the case follows, recorded when its assessment starts (see
    # jobraad.rulepacks); "" = none recorded yet. Changed only explicitly, with a reason.
    rule_pack: Mapped[str] = mapped_column(String(60), default="")
    rule_pack_since: Mapped[dt.date | None] = mapped_column(Date, default=None)
    # A førtidspension case the kommune decides without the rehabiliteringsteam because it is
    # obvious ("åbenbart formålsløst"; pensionsloven § 18, stk. 2, BEK 2408/2021 § 1, stk. 3).
    pension_without_team: Mapped[bool] = mapped_column(Boolean, default=False)
    # The jobcenter's case number (sagsnummer) for the dossier and letters; "" when not given.
    case_number: Mapped[str] = mapped_column(String(40), default="")
    # The day the citizen saw (read or had read to them) the description for the team.
    description_seen_on: Mapped[dt.date | None] = mapped_column(Date, default=None)
    notes: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=_now)
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime, default=_now, onupdate=_now)

    forloeb: Mapped[list[Forloeb]] = relationship(back_populates="citizen", order_by="Forloeb.start_date", **_CASCADE)
    outcomes: Mapped[list[CaseOutcome]] = relationship(
        back_populates="citizen", order_by="CaseOutcome.closed_on", **_CASCADE
    )
    activities: Mapped[list[Activity]] = relationship(back_populates="citizen", **_CASCADE)
    placements: Mapped[list[Placement]] = relationship(back_populates="citizen", **_CASCADE)
    documents: Mapped[list[DocumentationItem]] = relationship(back_populates="citizen", **_CASCADE)
    consents: Mapped[list[Consent]] = relationship(back_populates="citizen", **_CASCADE)
    attachments: Mapped[list[Attachment]] = relationship(back_populates="citizen", **_CASCADE)
    health_notes: Mapped[list[HealthNote]] = relationship(back_populates="citizen", **_CASCADE)
    contacts: Mapped[list[PartnerContact]] = relationship(back_populates="citizen", **_CASCADE)
    journal: Mapped[list[JournalNote]] = relationship(back_populates="citizen", **_CASCADE)
    meetings: Mapped[list[Meeting]] = relationship(back_populates="citizen", **_CASCADE)
    deadlines: Mapped[list[Deadline]] = relationship(back_populates="citizen", **_CASCADE)
    texts: Mapped[list[CaseText]] = relationship(back_populates="citizen", **_CASCADE)
    benefit_periods: Mapped[list[BenefitPeriod]] = relationship(back_populates="citizen", **_CASCADE)
    cv_entries: Mapped[list[CvEntry]] = relationship(back_populates="citizen", **_CASCADE)

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()


class Forloeb(Base):
    """One period in a visitation group. Changing group ends the current forløb and
    starts a new one: the deadlines of seed 001 count from `start_date`."""

    __tablename__ = "forloeb"

    id: Mapped[int] = mapped_column(primary_key=True)
    citizen_id: Mapped[int] = mapped_column(ForeignKey("citizen.id", ondelete="CASCADE"), index=True)
    group: Mapped[VisitationGroup] = mapped_column(_enum(VisitationGroup))
    start_date: Mapped[dt.date] = mapped_column(Date)
    end_date: Mapped[dt.date | None] = mapped_column(Date, default=None)
    # Why the citizen was visiteret to this group (the group change's reason).
    reason: Mapped[str] = mapped_column(Text, default="")

    citizen: Mapped[Citizen] = relationship(back_populates="forloeb")
    goals: Mapped[list[GoalProgress]] = relationship(back_populates="forloeb", **_CASCADE)


class GoalProgress(Base):
    """A goal of the group (seed 001) reached, e.g. 'cv' in gruppe 1."""

    __tablename__ = "goal_progress"
    __table_args__ = (UniqueConstraint("forloeb_id", "goal_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    forloeb_id: Mapped[int] = mapped_column(ForeignKey("forloeb.id", ondelete="CASCADE"), index=True)
    goal_key: Mapped[str] = mapped_column(String(60))
    reached_on: Mapped[dt.date] = mapped_column(Date)
    note: Mapped[str] = mapped_column(Text, default="")

    forloeb: Mapped[Forloeb] = relationship(back_populates="goals")


class CaseOutcome(Base):
    """A closing of the case. The case is closed while its newest outcome has no
    `reopened_on`; earlier rows are the history of closings and reopenings."""

    __tablename__ = "case_outcome"

    id: Mapped[int] = mapped_column(primary_key=True)
    citizen_id: Mapped[int] = mapped_column(ForeignKey("citizen.id", ondelete="CASCADE"), index=True)
    outcome: Mapped[Outcome] = mapped_column(_enum(Outcome))
    closed_on: Mapped[dt.date] = mapped_column(Date)
    note: Mapped[str] = mapped_column(Text, default="")
    reopened_on: Mapped[dt.date | None] = mapped_column(Date, default=None)

    citizen: Mapped[Citizen] = relationship(back_populates="outcomes")


class Activity(Base):
    """An indsats or tilbud: opkvalificering, workshop, mentor, SUF/SOF offer."""

    __tablename__ = "activity"

    id: Mapped[int] = mapped_column(primary_key=True)
    citizen_id: Mapped[int] = mapped_column(ForeignKey("citizen.id", ondelete="CASCADE"), index=True)
    kind: Mapped[ActivityKind] = mapped_column(_enum(ActivityKind))
    title: Mapped[str] = mapped_column(String(200), default="")
    provider: Mapped[str] = mapped_column(String(200), default="")
    start_date: Mapped[dt.date | None] = mapped_column(Date, default=None)
    end_date: Mapped[dt.date | None] = mapped_column(Date, default=None)
    result: Mapped[str] = mapped_column(Text, default="")

    citizen: Mapped[Citizen] = relationship(back_populates="activities")


class Placement(Base):
    """A virksomhedsplacering: praktik, løntilskud, småjob."""

    __tablename__ = "placement"

    id: Mapped[int] = mapped_column(primary_key=True)
    citizen_id: Mapped[int] = mapped_column(ForeignKey("citizen.id", ondelete="CASCADE"), index=True)
    kind: Mapped[PlacementKind] = mapped_column(_enum(PlacementKind))
    employer_name: Mapped[str] = mapped_column(String(200))
    employer_cvr: Mapped[str] = mapped_column(String(8), default="")
    contact_person: Mapped[str] = mapped_column(String(200), default="")
    contact_phone: Mapped[str] = mapped_column(String(40), default="")
    tasks: Mapped[str] = mapped_column(Text, default="")
    start_date: Mapped[dt.date] = mapped_column(Date)
    planned_end: Mapped[dt.date | None] = mapped_column(Date, default=None)
    # When the placement actually ended (None while it runs).
    end_date: Mapped[dt.date | None] = mapped_column(Date, default=None)
    extension_reason: Mapped[str] = mapped_column(Text, default="")
    planned_hours_per_week: Mapped[float] = mapped_column(Float, default=0.0)
    mentor_kind: Mapped[str] = mapped_column(String(60), default="")
    mentor_name: Mapped[str] = mapped_column(String(200), default="")
    skaanehensyn: Mapped[str] = mapped_column(Text, default="")
    result: Mapped[str] = mapped_column(Text, default="")

    citizen: Mapped[Citizen] = relationship(back_populates="placements")
    hours: Mapped[list[HoursEntry]] = relationship(
        back_populates="placement", order_by="(HoursEntry.iso_year, HoursEntry.iso_week)", **_CASCADE
    )
    extensions: Mapped[list[PlacementExtension]] = relationship(
        back_populates="placement", order_by="PlacementExtension.extended_to", **_CASCADE
    )


class PlacementExtension(Base):
    """One extension of a virksomhedspraktik beyond its period (LAB § 61: to 26 weeks after
    a concrete assessment, then 13 weeks at a time for a "helt særligt behov"), with its reason."""

    __tablename__ = "placement_extension"

    id: Mapped[int] = mapped_column(primary_key=True)
    placement_id: Mapped[int] = mapped_column(ForeignKey("placement.id", ondelete="CASCADE"), index=True)
    decided_on: Mapped[dt.date] = mapped_column(Date)
    extended_to: Mapped[dt.date] = mapped_column(Date)
    step: Mapped[str] = mapped_column(String(40))  # the rule's step, as the rule data names it
    reason: Mapped[str] = mapped_column(Text)

    placement: Mapped[Placement] = relationship(back_populates="extensions")


class HoursEntry(Base):
    """Hours in one ISO week of a placement."""

    __tablename__ = "hours_entry"
    __table_args__ = (UniqueConstraint("placement_id", "iso_year", "iso_week"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    placement_id: Mapped[int] = mapped_column(ForeignKey("placement.id", ondelete="CASCADE"), index=True)
    iso_year: Mapped[int] = mapped_column(Integer)
    iso_week: Mapped[int] = mapped_column(Integer)
    planned_hours: Mapped[float] = mapped_column(Float, default=0.0)
    attended_hours: Mapped[float] = mapped_column(Float, default=0.0)
    absence_hours: Mapped[float] = mapped_column(Float, default=0.0)
    absence_reason: Mapped[AbsenceReason | None] = mapped_column(_enum(AbsenceReason), default=None)
    observation: Mapped[str] = mapped_column(Text, default="")
    follow_up: Mapped[bool] = mapped_column(Boolean, default=False)

    placement: Mapped[Placement] = relationship(back_populates="hours")


class DocumentationItem(Base):
    """One item of the documentation checklist (rule pack item) for a citizen."""

    __tablename__ = "documentation_item"
    __table_args__ = (UniqueConstraint("citizen_id", "item_key", "instance"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    citizen_id: Mapped[int] = mapped_column(ForeignKey("citizen.id", ondelete="CASCADE"), index=True)
    item_key: Mapped[str] = mapped_column(String(80))
    # Items that repeat (an employer statement per placement) have an instance label.
    instance: Mapped[str] = mapped_column(String(80), default="")
    state: Mapped[DocumentState] = mapped_column(_enum(DocumentState), default=DocumentState.MANGLER)
    source: Mapped[DocumentSource | None] = mapped_column(_enum(DocumentSource), default=None)
    requested_on: Mapped[dt.date | None] = mapped_column(Date, default=None)
    requested_from: Mapped[str] = mapped_column(String(200), default="")
    expected_by: Mapped[dt.date | None] = mapped_column(Date, default=None)
    received_on: Mapped[dt.date | None] = mapped_column(Date, default=None)
    not_relevant_reason: Mapped[str] = mapped_column(Text, default="")
    # Received, and kept on paper rather than attached as a file: why (readiness accepts it).
    on_paper_reason: Mapped[str] = mapped_column(Text, default="")
    note: Mapped[str] = mapped_column(Text, default="")

    citizen: Mapped[Citizen] = relationship(back_populates="documents")
    events: Mapped[list[DocumentEvent]] = relationship(back_populates="item", order_by="DocumentEvent.at", **_CASCADE)
    attachments: Mapped[list[Attachment]] = relationship(back_populates="item")


class DocumentEvent(Base):
    """The history of a documentation item's state changes."""

    __tablename__ = "document_event"

    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("documentation_item.id", ondelete="CASCADE"), index=True)
    at: Mapped[dt.datetime] = mapped_column(DateTime, default=_now)
    from_state: Mapped[DocumentState | None] = mapped_column(_enum(DocumentState), default=None)
    to_state: Mapped[DocumentState] = mapped_column(_enum(DocumentState))
    note: Mapped[str] = mapped_column(Text, default="")

    item: Mapped[DocumentationItem] = relationship(back_populates="events")


class Consent(Base):
    """The citizen's written consent to obtain information from one source."""

    __tablename__ = "consent"

    id: Mapped[int] = mapped_column(primary_key=True)
    citizen_id: Mapped[int] = mapped_column(ForeignKey("citizen.id", ondelete="CASCADE"), index=True)
    source: Mapped[DocumentSource] = mapped_column(_enum(DocumentSource))
    # Retssikkerhedsloven § 11 a, stk. 1 and its vejledning (VEJ 9330/2019 pkt. 117): a consent
    # names which information, from whom, and for which case.
    information: Mapped[str] = mapped_column(Text, default="")  # which information
    source_name: Mapped[str] = mapped_column(String(200), default="")  # from whom: doctor, unit
    purpose: Mapped[str] = mapped_column(Text, default="")  # for which case or purpose
    given_on: Mapped[dt.date] = mapped_column(Date)
    expires_on: Mapped[dt.date | None] = mapped_column(Date, default=None)
    withdrawn_on: Mapped[dt.date | None] = mapped_column(Date, default=None)

    citizen: Mapped[Citizen] = relationship(back_populates="consents")


class Attachment(Base):
    """A scanned certificate, PDF or image, stored inside the encrypted database."""

    __tablename__ = "attachment"

    id: Mapped[int] = mapped_column(primary_key=True)
    citizen_id: Mapped[int] = mapped_column(ForeignKey("citizen.id", ondelete="CASCADE"), index=True)
    item_id: Mapped[int | None] = mapped_column(
        ForeignKey("documentation_item.id", ondelete="SET NULL"), index=True, default=None
    )
    filename: Mapped[str] = mapped_column(String(255))
    mime_type: Mapped[str] = mapped_column(String(100))
    size: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    data: Mapped[bytes] = mapped_column(LargeBinary, deferred=True)
    added_at: Mapped[dt.datetime] = mapped_column(DateTime, default=_now)

    citizen: Mapped[Citizen] = relationship(back_populates="attachments")
    item: Mapped[DocumentationItem | None] = relationship(back_populates="attachments")


class HealthNote(Base):
    """The sundhedskoordinator's note: health review, 3-partssamtale, advice."""

    __tablename__ = "health_note"

    id: Mapped[int] = mapped_column(primary_key=True)
    citizen_id: Mapped[int] = mapped_column(ForeignKey("citizen.id", ondelete="CASCADE"), index=True)
    note_date: Mapped[dt.date] = mapped_column(Date)
    kind: Mapped[HealthNoteKind] = mapped_column(_enum(HealthNoteKind))
    coordinator: Mapped[str] = mapped_column(String(200), default="")
    conditions: Mapped[str] = mapped_column(Text, default="")
    functional_limits: Mapped[str] = mapped_column(Text, default="")
    skaanehensyn: Mapped[str] = mapped_column(Text, default="")  # one per line
    recommendations: Mapped[str] = mapped_column(Text, default="")

    citizen: Mapped[Citizen] = relationship(back_populates="health_notes")


class PartnerContact(Base):
    """The citizen's GP, SOF or SUF contact, used by requests and the dossier."""

    __tablename__ = "partner_contact"

    id: Mapped[int] = mapped_column(primary_key=True)
    citizen_id: Mapped[int] = mapped_column(ForeignKey("citizen.id", ondelete="CASCADE"), index=True)
    kind: Mapped[ContactKind] = mapped_column(_enum(ContactKind))
    name: Mapped[str] = mapped_column(String(200))
    unit: Mapped[str] = mapped_column(String(200), default="")
    phone: Mapped[str] = mapped_column(String(40), default="")
    secure_mail: Mapped[str] = mapped_column(String(200), default="")

    citizen: Mapped[Citizen] = relationship(back_populates="contacts")


class JournalNote(Base):
    """A dated journal note."""

    __tablename__ = "journal_note"

    id: Mapped[int] = mapped_column(primary_key=True)
    citizen_id: Mapped[int] = mapped_column(ForeignKey("citizen.id", ondelete="CASCADE"), index=True)
    written_at: Mapped[dt.datetime] = mapped_column(DateTime, default=_now)
    kind: Mapped[JournalKind] = mapped_column(_enum(JournalKind), default=JournalKind.NOTAT)
    text: Mapped[str] = mapped_column(Text)

    citizen: Mapped[Citizen] = relationship(back_populates="journal")


class Meeting(Base):
    """A samtale or a rehabiliteringsteam meeting."""

    __tablename__ = "meeting"

    id: Mapped[int] = mapped_column(primary_key=True)
    citizen_id: Mapped[int] = mapped_column(ForeignKey("citizen.id", ondelete="CASCADE"), index=True)
    kind: Mapped[MeetingKind] = mapped_column(_enum(MeetingKind))
    starts_at: Mapped[dt.datetime] = mapped_column(DateTime, index=True)
    location: Mapped[str] = mapped_column(String(200), default="")
    # A samtale's fremmøde (migration 0004): held or udeblevet; None while planned or not recorded.
    # After an udeblivelse, what followed (a small vocabulary) and in words.
    attendance: Mapped[SamtaleAttendance | None] = mapped_column(_enum(SamtaleAttendance), default=None)
    follow_up: Mapped[NoShowFollowUp | None] = mapped_column(_enum(NoShowFollowUp), default=None)
    follow_up_note: Mapped[str] = mapped_column(Text, default="")
    note: Mapped[str] = mapped_column(Text, default="")
    # The language an interpreter is needed for ("" when none is), and whether one is booked.
    interpreter_language: Mapped[str] = mapped_column(String(60), default="")
    interpreter_booked: Mapped[bool] = mapped_column(Boolean, default=False)

    citizen: Mapped[Citizen] = relationship(back_populates="meetings")
    # A rehabiliteringsteam meeting's workflow (migration 0005): sent, indstilling, afgørelse.
    workflow: Mapped[TeamWorkflow | None] = relationship(
        back_populates="meeting", cascade="all, delete-orphan", uselist=False
    )


class TeamWorkflow(Base):
    """The meeting and decision workflow of one rehabiliteringsteam meeting (or the meeting that
    replaces it under the case's rule pack): the day the case was sent to the team, the team's
    indstilling with its date and content, and the afgørelse with its date."""

    __tablename__ = "team_workflow"

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meeting.id", ondelete="CASCADE"), unique=True, index=True)
    sent_on: Mapped[dt.date | None] = mapped_column(Date, default=None)
    recommended_on: Mapped[dt.date | None] = mapped_column(Date, default=None)
    recommendation: Mapped[str] = mapped_column(Text, default="")
    decided_on: Mapped[dt.date | None] = mapped_column(Date, default=None)
    decision: Mapped[str] = mapped_column(Text, default="")

    meeting: Mapped[Meeting] = relationship(back_populates="workflow")


class Deadline(Base):
    """A reminder the caseworker set by hand. Deadlines that follow from the rules
    (seed 001 group deadlines, documentation) are computed, not stored."""

    __tablename__ = "deadline"

    id: Mapped[int] = mapped_column(primary_key=True)
    citizen_id: Mapped[int] = mapped_column(ForeignKey("citizen.id", ondelete="CASCADE"), index=True)
    due_on: Mapped[dt.date] = mapped_column(Date, index=True)
    title: Mapped[str] = mapped_column(String(200))
    done_on: Mapped[dt.date | None] = mapped_column(Date, default=None)

    citizen: Mapped[Citizen] = relationship(back_populates="deadlines")


class CaseText(Base):
    """Free text the caseworker writes for the dossier: a section of the
    forberedende del, the assessment, the proposed recommendation."""

    __tablename__ = "case_text"
    __table_args__ = (UniqueConstraint("citizen_id", "section"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    citizen_id: Mapped[int] = mapped_column(ForeignKey("citizen.id", ondelete="CASCADE"), index=True)
    section: Mapped[str] = mapped_column(String(60))
    text: Mapped[str] = mapped_column(Text, default="")
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime, default=_now, onupdate=_now)

    citizen: Mapped[Citizen] = relationship(back_populates="texts")


class BenefitPeriod(Base):
    """One period of the citizen's forsørgelseshistorik: what they lived on, from when to when."""

    __tablename__ = "benefit_period"

    id: Mapped[int] = mapped_column(primary_key=True)
    citizen_id: Mapped[int] = mapped_column(ForeignKey("citizen.id", ondelete="CASCADE"), index=True)
    benefit: Mapped[PeriodBenefit] = mapped_column(_enum(PeriodBenefit))
    start_date: Mapped[dt.date] = mapped_column(Date)
    end_date: Mapped[dt.date | None] = mapped_column(Date, default=None)  # None: still
    note: Mapped[str] = mapped_column(Text, default="")

    citizen: Mapped[Citizen] = relationship(back_populates="benefit_periods")


class CvEntry(Base):
    """A line of the citizen's CV: an education or a job, with its years."""

    __tablename__ = "cv_entry"

    id: Mapped[int] = mapped_column(primary_key=True)
    citizen_id: Mapped[int] = mapped_column(ForeignKey("citizen.id", ondelete="CASCADE"), index=True)
    kind: Mapped[CvKind] = mapped_column(_enum(CvKind))
    title: Mapped[str] = mapped_column(String(200))
    place: Mapped[str] = mapped_column(String(200), default="")
    start_year: Mapped[int | None] = mapped_column(Integer, default=None)
    end_year: Mapped[int | None] = mapped_column(Integer, default=None)  # None: still, or not known
    note: Mapped[str] = mapped_column(Text, default="")

    citizen: Mapped[Citizen] = relationship(back_populates="cv_entries")


class Setting(Base):
    """A user setting (thresholds, retention, caseworker name) as JSON text."""

    __tablename__ = "setting"

    key: Mapped[str] = mapped_column(String(80), primary_key=True)
    value: Mapped[str] = mapped_column(Text)


class DeletedCitizen(Base):
    """A citizen deleted under retention, remembered only until no backup in the backup folder
    that was taken before the deletion still holds them (`jobraad.retention.purge_backups`).

    No name and no CPR: `cpr_hash` is the CPR's SHA-256 with a fixed prefix, enough to find the
    citizen in an older backup (whose row ids may differ after a restore). A CPR has few enough
    values for the hash to be reversed, so it is personal data all the same and lives only in
    this encrypted file, and only as long as a backup may hold the citizen.
    """

    __tablename__ = "deleted_citizen"

    id: Mapped[int] = mapped_column(primary_key=True)
    cpr_hash: Mapped[str] = mapped_column(String(64), index=True)
    deleted_at: Mapped[dt.datetime] = mapped_column(DateTime)


class AuditEntry(Base):
    """One use of the data: what was done, to which citizen, never the content.

    `citizen_id` is no foreign key on purpose: the entry outlives the citizen.
    Entries are chained: `hash` covers the entry and the previous entry's hash.
    """

    __tablename__ = "audit_entry"
    __table_args__ = (Index("ix_audit_entry_citizen", "citizen_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[dt.datetime] = mapped_column(DateTime, default=_now)
    action: Mapped[str] = mapped_column(String(40))
    citizen_id: Mapped[int | None] = mapped_column(Integer, default=None)
    detail: Mapped[str] = mapped_column(Text, default="")
    prev_hash: Mapped[str] = mapped_column(String(64), default="")
    hash: Mapped[str] = mapped_column(String(64), default="")
