"""The demo caseload: an invented but believable Copenhagen caseload.

Used for the first start ("prøv med en demo-sagsstamme"), screenshots, tests and
benchmarks. Everything comes from one `random.Random(seed)` and a fixed `today`, so
two runs with the same arguments store the same data, timestamps included. Names,
streets, workplaces and texts are data in `resources/demo_names.toml`.

The story of each citizen hangs together: the visitation group decides the aim, the
goals, the kind of placement and how its hours move (rising hours explain a move from
gruppe 2 to gruppe 1; flat low hours are the evidence behind gruppe 3), and gruppe 3
citizens get the documentation, consents and rehabiliteringsteam meetings of a case on
its way to fleksjob or førtidspension.

The documentation uses the items of the rule pack the citizen's checklist follows (the
default pack for the start of the current forløb), so the checklist in the program shows
the demo's progress: consents before any request for health information, the
forberedende del written as the forløb goes on, certificates requested with the pack's
answer times (some overdue), an employer statement per placement. Cases presented to the
rehabiliteringsteam and fleksjobvisiterede are complete; so are some of those whose
meeting is near. Gruppe 4 citizens on their way to a ressourceforløb have the first steps.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import io
import random
import tomllib
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVar

from sqlalchemy import func, insert, select

from db.enums import (
    AbsenceReason,
    ActivityKind,
    Aim,
    BenefitType,
    ContactKind,
    DocumentSource,
    DocumentState,
    HealthNoteKind,
    JournalKind,
    MeetingKind,
    Outcome,
    PlacementKind,
    VisitationGroup,
)
from db.models import (
    Activity,
    Attachment,
    CaseOutcome,
    Citizen,
    Consent,
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
)
from db.session import Database
from jobraad import formatting as fmt
from jobraad.documentation import STATEMENT_PLACEMENTS, pack_for
from jobraad.resources import resource
from jobraad.rulepacks import RuleItem
from jobraad.visitation import GROUP_DEADLINES, GROUP_GOALS
from jobraad.vocab import AIM_LABELS, SOURCE_LABELS

T = TypeVar("T")

G1 = VisitationGroup.GRUPPE_1
G2 = VisitationGroup.GRUPPE_2
G3 = VisitationGroup.GRUPPE_3
G4 = VisitationGroup.GRUPPE_4
FLEKS = VisitationGroup.FLEKSJOBVISITERET

# Documentation: sources whose consent is asked for only when a case turns out to need them
# (and how often it does); the others a case needs are asked for together, early on.
_OCCASIONAL_SOURCES: dict[DocumentSource, float] = {DocumentSource.SPECIALLAEGE: 0.4, DocumentSource.HOSPITAL: 0.3}
# How often a request is still unanswered (and so, in time, overdue), by source.
_SLOW_SOURCES: dict[DocumentSource, float] = {DocumentSource.SPECIALLAEGE: 0.3, DocumentSource.HOSPITAL: 0.25}
_SLOW_DEFAULT = 0.1
# A request overdue by more than this many days has been chased and answered.
_CHASED_AFTER_DAYS = 45
# Received documents that sometimes come with a PDF: item id -> (share, title, file name).
_PDF_ITEMS: dict[str, tuple[float, str, str]] = {
    "lae265": (0.35, "LÆ 265 - lægeattest (demo)", "LAE265"),
    "speciallaegeerklaering": (0.5, "Speciallægeerklæring (demo)", "Speciallaegeerklaering"),
    "praktik_udtalelse": (0.2, "Udtalelse fra praktikstedet (demo)", "Praktikudtalelse"),
}


# Share of citizens aged 55–64 (the rest are 25–54), and share of closed cases.
OLD_SHARE = 0.45
CLOSED_SHARE = 0.10

# The group deadlines (weeks from the start of the forløb) that start dates are spread
# around, so that some fall due this week, some soon and some are overdue. Gruppe 4 has
# no fixed deadline; 26 weeks is when a re-visitation is usually due.
_DEADLINE_WEEKS: dict[VisitationGroup, tuple[int, ...]] = {
    G1: (13, 52),
    G2: (13, 26),
    G3: (23,),
    G4: (26,),
    FLEKS: (26,),
}
# The first five citizens cover every group, whatever the seed.
_FIRST_GROUPS = (G3, G1, G2, G4, FLEKS)
_GROUP_WEIGHTS_OLD = {G1: 15, G2: 16, G3: 42, G4: 12, FLEKS: 15}
_GROUP_WEIGHTS_YOUNG = {G1: 30, G2: 25, G3: 20, G4: 15, FLEKS: 10}
# Goals reached some weeks into a forløb, as (earliest, latest) week.
_GOAL_WEEKS: dict[str, tuple[int, int]] = {
    "cv": (0, 4),
    "beskaeftigelsesmaal": (1, 8),
    "virksomhedskontakt": (2, 12),
    "hverdagsmestring": (3, 12),
    "motivation": (1, 10),
    "mentormaal": (6, 20),
    "revisitation": (20, 30),
}
_PREVIOUS_GROUPS: dict[VisitationGroup, tuple[VisitationGroup, ...]] = {
    G1: (G2, G2, G4),
    G2: (G4, G1),
    G3: (G1, G2, G2, G4),
    G4: (G2, G1),
    FLEKS: (G3,),
}
# First two digits of Danish mobile numbers.
_PHONE_PREFIXES = (*range(20, 32), 40, 41, 42, 50, 51, 52, 53, 60, 61, 71, 81, 91, 93)
_ASCII_FOLD = str.maketrans({"æ": "ae", "ø": "oe", "å": "aa", "ł": "l", "ı": "i", "đ": "d", "ß": "ss"})


@functools.cache
def demo_data() -> dict[str, Any]:
    """The name lists, streets, workplaces and texts of `resources/demo_names.toml`."""
    text = resource("demo_names.toml").read_text(encoding="utf-8")
    return tomllib.loads(text)


def generate_demo(database: Database, citizens: int = 40, seed: int = 1, today: dt.date | None = None) -> int:
    """Add `citizens` invented citizens with their whole case history, in one transaction.

    Deterministic for a seed and `today` (default: the real date). CPR numbers already
    in the database are avoided, so a demo can be added to a file twice. Returns the
    number of citizens created.
    """
    if citizens < 0:
        raise ValueError("citizens must be zero or more")
    today = today or dt.date.today()
    with database.transaction() as session:
        used = set(session.scalars(select(Citizen.cpr)))
        builder = _Builder(random.Random(seed), demo_data(), today, used)
        rows = builder.build(citizens)
        session.add_all(rows)
        # The checklist names an employer statement by the placement's id, so the
        # placements are stored first. The documentation rows are many and simple:
        # they go in as bulk inserts with ids of their own.
        session.flush()
        first_id = (session.scalar(select(func.max(DocumentationItem.id))) or 0) + 1
        tables = builder.documentation(first_id)
        for model, values in (
            (DocumentationItem, tables.items),
            (DocumentEvent, tables.events),
            (Consent, tables.consents),
            (Attachment, tables.attachments),
        ):
            if values:
                session.execute(insert(model), values)
    return len(rows)


# --- small helpers -------------------------------------------------------------------


def _monday(day: dt.date) -> dt.date:
    return day - dt.timedelta(days=day.weekday())


def _weeks(n: float) -> dt.timedelta:
    return dt.timedelta(weeks=n)


def _years_before(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


def _workday(day: dt.date, forward: bool = True) -> dt.date:
    step = dt.timedelta(days=1 if forward else -1)
    while day.weekday() >= 5:
        day += step
    return day


def _half(x: float) -> float:
    """Hours as whole or half hours, never negative."""
    return max(0.0, round(x * 2) / 2)


def _num(x: float) -> str:
    """A number the Danish way: 7,5."""
    return f"{x:g}".replace(".", ",")


def _fold_ascii(text: str) -> str:
    text = text.lower().translate(_ASCII_FOLD)
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return "".join(c for c in text if c.isalnum())


def _feminine(surname: str) -> str:
    """Polish surnames in -ski/-cki/-dzki take -ska/-cka/-dzka for women."""
    return surname[:-1] + "a" if surname.endswith(("ski", "cki", "dzki")) else surname


def _clamp(day: dt.date, low: dt.date, high: dt.date) -> dt.date:
    return max(low, min(day, high))


@dataclass
class _PlacementStory:
    """What the other parts of a case need to know about a citizen's main placement."""

    placement: Placement
    trend: str
    weeks: int
    first_hours: float
    last_hours: float
    mean_hours: float


@dataclass
class _Case:
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
    story: _PlacementStory | None = None
    placements: list[Placement] = field(default_factory=list)
    health: HealthNote | None = None
    contacts: dict[ContactKind, PartnerContact] = field(default_factory=dict)
    rehab_meeting: dt.date | None = None
    rehab_decided: dt.date | None = None
    doc_seed: int = 0  # the documentation is built after the flush, from its own random stream
    citizen: Citizen | None = None


# --- documentation ---------------------------------------------------------------------


@dataclass
class _DocStage:
    """How far the documentation of a case has come."""

    level: float  # 0 just begun .. 1 as far as it gets before a meeting is near
    complete: bool  # every required item is received or set aside with a reason
    settled: bool  # decided or closed: nothing is awaited any more
    low: dt.date  # the documentation began
    high: dt.date  # the last day anything was done
    ready_by: dt.date | None  # a week before a coming rehabiliteringsteam meeting


@dataclass
class _Doc:
    """One stored checklist item while it is built."""

    item: RuleItem
    instance: str = ""
    state: DocumentState = DocumentState.MANGLER
    requested_on: dt.date | None = None
    requested_from: str = ""
    expected_by: dt.date | None = None
    received_on: dt.date | None = None
    not_relevant_reason: str = ""
    note: str = ""
    noted_on: dt.date | None = None  # set aside, or the note written, on this day


@dataclass
class _Tables:
    """Documentation rows as values for bulk inserts; items get their ids here."""

    next_id: int
    items: list[dict[str, Any]] = field(default_factory=list)
    events: list[dict[str, Any]] = field(default_factory=list)
    consents: list[dict[str, Any]] = field(default_factory=list)
    attachments: list[dict[str, Any]] = field(default_factory=list)


def _source_name(source: DocumentSource) -> str:
    """The source's label inside a sentence: 'egen læge', but 'SOF'."""
    label = SOURCE_LABELS[source]
    return label if label[:3].isupper() else label[0].lower() + label[1:]


class _Checklist:
    """The stored documentation of one case: rows for most items of its rule pack.

    Consents come first: an item asking for health information is requested only on or
    after the day the consent covering its source was given, as the program demands.
    """

    def __init__(self, builder: _Builder, case: _Case, tables: _Tables) -> None:
        self.b = builder
        self.case = case
        self.tables = tables
        self.texts: dict[str, Any] = builder.texts["documentation"]
        self.docs: list[_Doc] = []
        self.consents: dict[DocumentSource, dt.date] = {}  # source -> the day consent was given
        self.senders: dict[DocumentSource, str] = {}
        self.citizen_id = case.citizen.id if case.citizen is not None else 0
        # The first citizen, whose meeting is being prepared, also shows a request to chase.
        self.show_overdue = case.index == 0

    def build(self) -> None:
        case, b = self.case, self.b
        pack, _ = pack_for("", case.forloeb_start, b.today)
        items = pack.items_for(case.aim)
        if not items or not self.citizen_id:
            return
        self.stage = stage = b.doc_stage(case)
        self.must_arrive = stage.complete or stage.settled
        self.wanted = self.wanted_sources()
        # The citizen is asked for the consents at one of the first conversations.
        self.consent_talk = _clamp(stage.low + dt.timedelta(days=b.rng.randint(3, 21)), stage.low, stage.high)
        self.signed = stage.complete or b.chance(min(0.97, 0.55 + 0.45 * stage.level))
        for item in [i for i in items if i.consent_for] + [i for i in items if not i.consent_for]:
            if item.consent_for is not None:
                self.consent(item, item.consent_for)
            elif item.per_placement:
                self.statements(item)
            elif item.health:
                self.health(item)
            else:
                self.written(item)
        self.store()

    # -- what the case needs ---------------------------------------------------------------

    def wanted_sources(self) -> set[DocumentSource]:
        """The sources this case needs information from (membership only: no order)."""
        wanted = {
            DocumentSource.EGEN_LAEGE,
            DocumentSource.SUNDHEDSKOORDINATOR,
            DocumentSource.JOBCENTER,
            DocumentSource.BORGER,
            DocumentSource.VIRKSOMHED,
        }
        if ContactKind.SOF in self.case.contacts:
            wanted.add(DocumentSource.SOF)
        if ContactKind.SUF in self.case.contacts:
            wanted.add(DocumentSource.SUF)
        for source, share in _OCCASIONAL_SOURCES.items():
            if self.b.chance(share):
                wanted.add(source)
        return wanted

    def sender(self, source: DocumentSource) -> str:
        """Who is asked for information from a source (the same one throughout a case)."""
        if source not in self.senders:
            case, b, texts = self.case, self.b, self.texts
            contact = {
                DocumentSource.EGEN_LAEGE: ContactKind.EGEN_LAEGE,
                DocumentSource.SOF: ContactKind.SOF,
                DocumentSource.SUF: ContactKind.SUF,
            }.get(source)
            if contact is not None and contact in case.contacts:
                name = case.contacts[contact].unit
            elif source is DocumentSource.SUNDHEDSKOORDINATOR and case.health is not None:
                name = case.health.coordinator
            elif source is DocumentSource.SUNDHEDSKOORDINATOR:
                health = b.texts["health"]
                name = f"{b.pick(health['coordinators'])}, {health['coordinator_unit']}"
            elif source is DocumentSource.SPECIALLAEGE:
                name = b.pick(texts["specialists"])
            elif source is DocumentSource.HOSPITAL:
                name = b.pick(texts["hospitals"])
            elif source is DocumentSource.BORGER:
                name = texts["citizen"]
            else:
                name = SOURCE_LABELS[source]
            self.senders[source] = name
        return self.senders[source]

    # -- states ----------------------------------------------------------------------------

    def new(self, item: RuleItem, instance: str = "") -> _Doc:
        doc = _Doc(item, instance)
        self.docs.append(doc)
        return doc

    def request(self, doc: _Doc, on: dt.date, high: dt.date, sender: str, arrives: dt.date | None = None) -> None:
        """Requested on `on` (at the latest `high`); received if it has arrived by `high`."""
        rng, stage = self.b.rng, self.stage
        on = min(on, high)
        days = doc.item.answer_days
        doc.state, doc.requested_on, doc.requested_from = DocumentState.ANMODET, on, sender
        doc.expected_by = on + dt.timedelta(days=days)
        if arrives is None:
            arrives = on + dt.timedelta(days=rng.randint(days // 2, max(1, days * 2)))
        if stage.ready_by is not None and (self.must_arrive or rng.random() < 0.8):
            arrives = min(arrives, stage.ready_by)  # chased before the meeting
        arrives = max(arrives, on)
        stuck = rng.random() < _SLOW_SOURCES.get(doc.item.source, _SLOW_DEFAULT)
        # Long overdue requests were chased and answered; those still awaited are recent.
        if self.must_arrive or (high - doc.expected_by).days > _CHASED_AFTER_DAYS:
            arrives, stuck = min(arrives, high), False
        elif self.show_overdue and doc.expected_by < self.b.today:
            stuck, self.show_overdue = True, False
        if arrives <= high and not stuck:
            doc.state, doc.received_on = DocumentState.MODTAGET, arrives

    def receive(self, doc: _Doc, on: dt.date) -> None:
        doc.state, doc.received_on = DocumentState.MODTAGET, on

    def set_aside(self, doc: _Doc, reason: str) -> None:
        stage = self.stage
        doc.state, doc.not_relevant_reason = DocumentState.IKKE_RELEVANT, reason
        doc.noted_on = self.b.day_between(stage.low, min(stage.low + _weeks(3), stage.high))

    def note(self, doc: _Doc, text: str) -> None:
        """Still missing, with a note on why."""
        stage = self.stage
        doc.note = text
        doc.noted_on = self.b.day_between(max(stage.low, stage.high - _weeks(4)), stage.high)

    def reason(self, source: DocumentSource, *, consent: bool = False) -> str:
        table: dict[str, list[str]] = self.texts["not_relevant"]
        if consent:
            return self.b.pick(table["consent"]).format(source=_source_name(source))
        return self.b.pick(table.get(source.value, table["other"]))

    # -- the kinds of items ----------------------------------------------------------------

    def consent(self, item: RuleItem, source: DocumentSource) -> None:
        b, stage = self.b, self.stage
        if source not in self.wanted:
            if item.required or b.chance(0.6):
                self.set_aside(self.new(item), self.reason(source, consent=True))
            return
        day = self.consent_talk
        if source in _OCCASIONAL_SOURCES:  # asked when the case turned out to need it
            day += dt.timedelta(days=b.rng.randint(7, 42))
            if stage.complete:
                day = min(day, stage.high)
        if self.signed and day <= stage.high:
            doc = self.new(item)
            if b.chance(0.5):  # sent by Digital Post, signed and returned
                doc.requested_on = max(stage.low, day - dt.timedelta(days=b.rng.randint(1, 7)))
                doc.expected_by = doc.requested_on + dt.timedelta(days=item.answer_days)
            doc.requested_from = self.sender(DocumentSource.BORGER)
            self.receive(doc, day)
            self.consents[source] = day
            aim = AIM_LABELS[self.case.aim].lower()
            self.tables.consents.append(
                {
                    "citizen_id": self.citizen_id,
                    "source": source,
                    "scope": self.texts["consent_scope"].format(aim=aim),
                    "given_on": day,
                    "expires_on": day + dt.timedelta(days=365),
                    "withdrawn_on": None,
                }
            )
        elif not stage.settled and b.chance(0.6):
            doc = self.new(item)
            doc.state = DocumentState.ANMODET
            doc.requested_on = b.day_between(max(min(day, stage.high), stage.high - _weeks(6)), stage.high)
            doc.requested_from = self.sender(DocumentSource.BORGER)
            doc.expected_by = doc.requested_on + dt.timedelta(days=item.answer_days)
        elif b.chance(0.3):
            self.note(self.new(item), b.pick(self.texts["not_yet"]))

    def health(self, item: RuleItem) -> None:
        b, stage, case = self.b, self.stage, self.case
        source = item.source
        needed = source in self.wanted and (
            item.required or source in _OCCASIONAL_SOURCES or b.chance(0.3)  # an extra certificate
        )
        if not needed:
            if item.required or b.chance(0.45):
                self.set_aside(self.new(item), self.reason(source))
            elif b.chance(0.15):
                self.note(self.new(item), b.pick(self.texts["not_yet_health"]))
            return
        given = self.consents.get(source)
        if given is None:  # may not be asked for yet
            if b.chance(0.3):
                self.note(self.new(item), b.pick(self.texts["waiting_for_consent"]))
            return
        on = given + dt.timedelta(days=b.rng.randint(0, 14))
        arrives = None
        health = case.health
        if source is DocumentSource.SUNDHEDSKOORDINATOR and health is not None and health.note_date >= given:
            # The advice follows the coordinator's health review.
            on = max(given, health.note_date - dt.timedelta(days=b.rng.randint(7, 14)))
            arrives = health.note_date + dt.timedelta(days=b.rng.randint(0, 7))
        if self.must_arrive or (on <= stage.high and b.chance(0.45 + 0.55 * stage.level)):
            self.request(self.new(item), on, stage.high, self.sender(source), arrives)

    def statements(self, item: RuleItem) -> None:
        """One statement per placement the employer can describe; set aside when there is none."""
        b, stage, case = self.b, self.stage, self.case
        places = [p for p in case.placements if p.kind in STATEMENT_PLACEMENTS]
        if not places:
            if stage.complete or b.chance(0.4 + 0.6 * stage.level):
                self.set_aside(self.new(item), self.reason(item.source))
            return
        for p in places:
            weeks = len(p.hours)
            on = p.start_date + _weeks(max(1, weeks - 2)) + dt.timedelta(days=b.rng.randint(0, 3))
            on = _clamp(on, p.start_date, case.horizon)
            if self.must_arrive or (weeks >= 6 and b.chance(0.85)):
                self.request(self.new(item, f"placement-{p.id}"), on, case.horizon, p.employer_name)
            elif weeks >= 4 and b.chance(0.3):
                self.note(self.new(item, f"placement-{p.id}"), b.pick(self.texts["not_yet_statement"]))

    def written(self, item: RuleItem) -> None:
        """Written by the jobcenter (the forberedende del, the assessments) or by the citizen."""
        b, stage = self.b, self.stage
        level, section = stage.level, item.section
        if stage.complete:
            share = 1.0 if item.required else 0.8
        elif section == "forberedende_del":
            share = 0.1 + 0.85 * level
        elif section == "indsatser":
            share = 0.85 if level >= 0.75 else 0.15 * level
        elif section == "afklaring":
            share = 0.6 if stage.ready_by else (0.3 if level >= 0.9 else 0.0)
        else:
            share = 0.6 * level
        if not item.required and not stage.complete:
            share *= 0.8
        top = min(stage.ready_by or stage.high, stage.high)
        by_citizen = item.source is not DocumentSource.JOBCENTER
        if b.chance(share):
            # The forberedende del grows through the forløb; the assessments come last.
            first = stage.low + _weeks(1) if section == "forberedende_del" else top - _weeks(6)
            day = _clamp(b.day_between(first, top), stage.low, top)
            doc = self.new(item)
            if by_citizen:
                doc.requested_on = max(stage.low, day - dt.timedelta(days=b.rng.randint(7, 14)))
                doc.requested_from = self.sender(item.source)
                doc.expected_by = doc.requested_on + dt.timedelta(days=item.answer_days)
            self.receive(doc, day)
        elif not item.required and (stage.complete or level > 0.5) and b.chance(0.4):
            self.set_aside(self.new(item), self.reason(item.source))
        elif by_citizen and not stage.settled and level > 0.2 and b.chance(0.4):
            doc = self.new(item)
            doc.state = DocumentState.ANMODET
            doc.requested_on = b.day_between(max(stage.low, stage.high - _weeks(4)), stage.high)
            doc.requested_from = self.sender(item.source)
            doc.expected_by = doc.requested_on + dt.timedelta(days=item.answer_days)

    # -- rows --------------------------------------------------------------------------------

    def store(self) -> None:
        b, tables, citizen_id = self.b, self.tables, self.citizen_id
        for doc in self.docs:
            item_id = tables.next_id
            tables.next_id += 1
            tables.items.append(
                {
                    "id": item_id,
                    "citizen_id": citizen_id,
                    "item_key": doc.item.id,
                    "instance": doc.instance,
                    "state": doc.state,
                    "source": doc.item.source,
                    "requested_on": doc.requested_on,
                    "requested_from": doc.requested_from,
                    "expected_by": doc.expected_by,
                    "received_on": doc.received_on,
                    "not_relevant_reason": doc.not_relevant_reason,
                    "note": doc.note,
                }
            )
            self.events(doc, item_id)
            pdf = _PDF_ITEMS.get(doc.item.id)
            if pdf is not None and doc.state is DocumentState.MODTAGET and b.chance(pdf[0]):
                attachment = b.pdf_attachment(doc, pdf[1], pdf[2])
                attachment.update(citizen_id=citizen_id, item_id=item_id)
                tables.attachments.append(attachment)

    def events(self, doc: _Doc, item_id: int) -> None:
        """The item's history, as the program records it, oldest first."""
        b = self.b
        steps: list[tuple[dt.date, DocumentState | None, DocumentState, str]] = []
        if doc.requested_on is not None:
            note = f"Anmodet hos {doc.requested_from}" if doc.requested_from else ""
            steps.append((doc.requested_on, DocumentState.MANGLER, DocumentState.ANMODET, note))
        if doc.state is DocumentState.MODTAGET and doc.received_on is not None:
            before: DocumentState | None = DocumentState.ANMODET if doc.requested_on else DocumentState.MANGLER
            steps.append((doc.received_on, before, DocumentState.MODTAGET, ""))
        if doc.noted_on is not None:
            before = None if doc.state is DocumentState.MANGLER else DocumentState.MANGLER
            steps.append((doc.noted_on, before, doc.state, doc.not_relevant_reason or doc.note))
        previous: dt.datetime | None = None
        for day, before, after, note in steps:
            at = b.at(day)
            if previous is not None and at <= previous:  # the same day: after the step before it
                at = previous + dt.timedelta(minutes=30)
            previous = at
            self.tables.events.append(
                {"item_id": item_id, "at": at, "from_state": before, "to_state": after, "note": note}
            )


class _Builder:
    """Builds citizens as ORM objects; nothing touches the database here."""

    def __init__(self, rng: random.Random, data: dict[str, Any], today: dt.date, used: set[str]) -> None:
        self.rng = rng
        self.data = data
        self.texts: dict[str, Any] = data["texts"]
        self.today = today
        self.used = used
        self.cases: list[_Case] = []
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

    def fill(self, template: str, case: _Case) -> str:
        story = case.story
        values = {
            "employer": story.placement.employer_name if story else "",
            "hours": _num(story.last_hours) if story else "",
            "language": case.language,
            "coordinator": case.health.coordinator if case.health else "",
            "district": case.district["name"],
        }
        return template.format(**values)

    def usable(self, texts: Sequence[str | dict[str, Any]], case: _Case) -> list[str]:
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

    # -- the caseload ------------------------------------------------------------------

    def build(self, count: int) -> list[Citizen]:
        n_old = round(count * OLD_SHARE)
        old_flags = [True] * n_old + [False] * (count - n_old)
        self.rng.shuffle(old_flags)
        closable = list(range(len(_FIRST_GROUPS), count))
        n_closed = min(len(closable), round(count * CLOSED_SHARE))
        closed = set(self.rng.sample(closable, n_closed))
        return [self.citizen(i, old_flags[i], i in closed) for i in range(count)]

    def citizen(self, index: int, old: bool, closed: bool) -> Citizen:
        rng = self.rng
        examples = self.data["examples"]
        if index < len(examples):
            ex = examples[index]
            origin_key, male = ex["origin"], ex["gender"] == "m"
            first, last = ex["first_name"], ex["last_name"]
        else:
            origin_key = rng.choices(self.origin_keys, weights=self.origin_weights)[0]
            male = self.chance(0.5)
            first, last = self.name(origin_key, male)
        origin = self.data["origins"][origin_key]

        if old:
            age = rng.randint(55, 64)
        else:
            age = rng.choices(range(25, 55), weights=[10 + a - 25 for a in range(25, 55)])[0]
        born = self.birth_date(age)
        cpr = self.cpr(born, male)

        language, interpreter = origin["language"], False
        if language != "dansk":
            if age < 40 and self.chance(0.5):
                language = "dansk"
            else:
                p = origin["interpreter"] + (0.2 if old else 0.0) - (0.15 if age < 40 else 0.0)
                interpreter = self.chance(p)

        group = (
            _FIRST_GROUPS[index]
            if index < len(_FIRST_GROUPS)
            else self.weighted(_GROUP_WEIGHTS_OLD if old else _GROUP_WEIGHTS_YOUNG)
        )
        aim = self.aim(group, age)
        outcome = self.outcome(group, aim, age) if closed else None
        horizon = self.today - dt.timedelta(days=rng.randint(7, 120)) if closed else self.today
        case = _Case(
            index=index,
            old=old,
            age=age,
            group=group,
            aim=aim,
            closed_outcome=outcome,
            horizon=horizon,
            district=self.pick(self.data["districts"]),
            language=language,
            interpreter=interpreter,
        )

        citizen = Citizen(
            cpr=cpr,
            first_name=first,
            last_name=last,
            phone=self.phone(),
            email=self.email(first, last, age, interpreter),
            address=self.address(case.district),
            language=language,
            interpreter_needed=interpreter,
            benefit_type=self.benefit(group, age),
            support_years_last10=self.support_years(old),
            aim=aim,
        )
        forloeb = self.forloeb(case)
        citizen.health_notes = self.health_notes(case)
        citizen.contacts = self.contacts(case)
        citizen.placements = self.placements(case)
        forloeb.extend(self.history(case, forloeb[-1]))
        forloeb.sort(key=lambda f: f.start_date)
        citizen.forloeb = forloeb
        self.rehab(case)
        citizen.activities = self.activities(case)
        case.doc_seed = rng.getrandbits(64)
        case.citizen = citizen
        self.cases.append(case)
        self.goals(case, forloeb)
        citizen.meetings = self.meetings(case)
        citizen.journal = self.journal(case)
        citizen.deadlines = self.deadlines(case)
        if outcome is not None:
            citizen.outcomes = [
                CaseOutcome(outcome=outcome, closed_on=horizon, note=self.pick(self.texts["outcomes"][outcome]))
            ]
        citizen.notes = self.notes(case)
        citizen.created_at = dt.datetime.combine(forloeb[0].start_date, dt.time(9, 0))
        citizen.updated_at = dt.datetime.combine(horizon, dt.time(15, 30))
        return citizen

    # -- who the citizen is ------------------------------------------------------------

    def name(self, origin_key: str, male: bool) -> tuple[str, str]:
        origin = self.data["origins"][origin_key]
        first = self.pick(origin["male"] if male else origin["female"])
        last = self.pick(origin["surnames"])
        if "middle_male" in origin:
            first = f"{self.pick(origin['middle_male'] if male else origin['middle_female'])} {first}"
        if origin.get("feminine_surnames") and not male:
            last = _feminine(last)
        return first, last

    def birth_date(self, age: int) -> dt.date:
        latest = _years_before(self.today, age)
        earliest = _years_before(self.today, age + 1) + dt.timedelta(days=1)
        return self.day_between(earliest, latest)

    def cpr(self, born: dt.date, male: bool) -> str:
        """A CPR number whose 7th digit gives the right century (no modulus 11)."""
        yy = born.year % 100
        if born.year < 2000:
            sevenths = "0123" + ("49" if yy >= 37 else "")
        elif born.year <= 2036:
            sevenths = "456789"
        else:
            sevenths = "5678"
        last_digits = "13579" if male else "02468"
        for _ in range(10_000):
            cpr = f"{born:%d%m}{yy:02d}{self.pick(sevenths)}{self.rng.randrange(100):02d}{self.pick(last_digits)}"
            if cpr not in self.used:
                self.used.add(cpr)
                return cpr
        raise RuntimeError(f"no free CPR number for {born}")

    def email(self, first: str, last: str, age: int, interpreter: bool) -> str:
        p = 0.25 if interpreter else (0.8 if age < 45 else 0.55)
        if not self.chance(p):
            return ""
        local = f"{_fold_ascii(first.split()[-1])}.{_fold_ascii(last)}"
        if self.chance(0.5):
            local += str(self.rng.randint(1, 99))
        return f"{local}@{self.pick(('example.com', 'example.net', 'example.org'))}"

    def address(self, district: dict[str, Any]) -> str:
        street = self.pick(district["streets"])
        number = f"{self.rng.randint(1, 160)}{self.pick(('', '', '', '', 'A', 'B'))}"
        where = f"{street} {number}"
        if self.chance(0.9):
            floor = self.pick(("st.", "1.", "2.", "3.", "4.", "5."))
            where += f", {floor} {self.pick(('th.', 'tv.', 'mf.'))}"
        return f"{where}, {district['postnummer']} {district['by']}"

    def support_years(self, old: bool) -> int:
        if old:
            return self.rng.randint(8, 10) if self.chance(0.72) else self.rng.randint(3, 7)
        return self.rng.choices(range(11), weights=[2, 3, 4, 5, 6, 6, 6, 5, 4, 3, 2])[0]

    def benefit(self, group: VisitationGroup, age: int) -> BenefitType:
        if group is FLEKS:
            return BenefitType.LEDIGHEDSYDELSE
        if age < 30 and self.chance(0.5):
            return BenefitType.UDDANNELSESHJAELP
        return self.weighted(
            {
                BenefitType.KONTANTHJAELP: 90,
                BenefitType.JOBAFKLARING: 4 if group is G3 else 0,
                BenefitType.SYGEDAGPENGE: 3,
                BenefitType.SELVFORSOERGET: 3,
            }
        )

    def aim(self, group: VisitationGroup, age: int) -> Aim:
        young = age < 35
        if group is G1:
            return Aim.UDDANNELSE if young and self.chance(0.25) else Aim.JOB
        if group is G2:
            return Aim.UDDANNELSE if young and self.chance(0.3) else Aim.JOB
        if group is G3:
            if age >= 55:
                return self.weighted({Aim.FLEKSJOB: 40, Aim.FOERTIDSPENSION: 40, Aim.RESSOURCEFORLOEB: 20})
            return self.weighted(
                {Aim.FLEKSJOB: 40, Aim.RESSOURCEFORLOEB: 40, Aim.FOERTIDSPENSION: 10, Aim.REVALIDERING: 10}
            )
        if group is G4:
            return self.weighted({Aim.JOB: 50, Aim.RESSOURCEFORLOEB: 30, Aim.UDDANNELSE: 20 if young else 0})
        return Aim.FLEKSJOB

    def outcome(self, group: VisitationGroup, aim: Aim, age: int) -> Outcome:
        if group is G3:
            return {
                Aim.FLEKSJOB: Outcome.FLEKSJOB,
                Aim.FOERTIDSPENSION: Outcome.FOERTIDSPENSION,
                Aim.RESSOURCEFORLOEB: Outcome.RESSOURCEFORLOEB,
            }.get(aim, Outcome.UDDANNELSE)
        if group is G1:
            return self.weighted(
                {Outcome.ORDINAERT_JOB: 45, Outcome.SMAAJOB: 45, Outcome.UDDANNELSE: 10 if age < 35 else 0}
            )
        if group is G2:
            return self.weighted({Outcome.SMAAJOB: 40, Outcome.ANDEN_FORSOERGELSE: 30, Outcome.FLYTTET: 30})
        if group is G4:
            return self.weighted(
                {Outcome.RESSOURCEFORLOEB: 35, Outcome.ANDEN_FORSOERGELSE: 30, Outcome.FLYTTET: 25, Outcome.ANDET: 10}
            )
        return self.weighted({Outcome.FLEKSJOB: 85, Outcome.FLYTTET: 15})

    def notes(self, case: _Case) -> str:
        options = self.usable(self.texts["citizen_notes"], case)
        lines = self.rng.sample(options, self.rng.choice((0, 1, 1, 2)))
        if case.interpreter:
            lines.insert(0, self.fill(self.texts["interpreter_note"], case))
        return "\n".join(lines)

    # -- visitation --------------------------------------------------------------------

    def forloeb(self, case: _Case) -> list[Forloeb]:
        """The current forløb, started so that its deadline is overdue, due this week, soon or later."""
        weeks = self.pick(_DEADLINE_WEEKS[case.group])
        horizon = case.horizon
        when = self.weighted({"overdue": 15, "this_week": 15, "soon": 25, "later": 45})
        if when == "overdue":
            deadline = horizon - dt.timedelta(days=self.rng.randint(3, 42))
        elif when == "this_week":
            # From today to Friday (to Sunday at the weekend), so it is not yet overdue.
            monday = _monday(horizon)
            deadline = self.day_between(horizon, monday + dt.timedelta(days=4 if horizon.weekday() < 5 else 6))
        elif when == "soon":
            deadline = horizon + dt.timedelta(days=self.rng.randint(7, 28))
        else:
            deadline = horizon + dt.timedelta(days=self.rng.randint(29, (weeks - 2) * 7))
        start = deadline - _weeks(weeks)
        case.forloeb_start = start
        case.weeks_in = (horizon - start).days // 7
        case.when = when
        case.deadline_weeks = weeks
        return [Forloeb(group=case.group, start_date=start, end_date=None, reason="")]

    def history(self, case: _Case, current: Forloeb) -> list[Forloeb]:
        """Earlier, ended forløb: the group changes that led to the current one."""
        story = case.story
        reason = ""
        previous: VisitationGroup | None = None
        if story and story.placement.start_date < case.forloeb_start - _weeks(2):
            employer = story.placement.employer_name
            at_change = self.hours_in_week(story.placement, case.forloeb_start)
            if case.group is G1 and story.trend == "rise" and at_change >= story.first_hours + 2:
                previous = G2
                reason = (
                    f"Progression i timetal i praktik hos {employer}: fra {_num(story.first_hours)} "
                    f"til {_num(at_change)} timer om ugen."
                )
            elif case.group is G3 and story.trend == "stall":
                previous = self.pick((G1, G2))
                reason = (
                    f"Stabilt lavt timetal i praktik hos {employer} (ca. {_num(story.mean_hours)} timer om "
                    "ugen) trods støtte; afklaring til fleksjob."
                )
            elif case.group is G3 and story.trend == "fall":
                previous = self.pick((G1, G2))
                reason = (
                    f"Faldende timetal i praktik hos {employer} ({_num(story.first_hours)} → "
                    f"{_num(story.last_hours)} timer) pga. helbred; afklaring til særlig ordning."
                )
        if previous is None and (case.group is FLEKS or self.chance(0.3)):
            previous = self.pick(_PREVIOUS_GROUPS[case.group])
            reason = self.pick(self.texts["reason_to"][case.group.value])
        if previous is None:
            current.reason = self.pick(self.texts["first_visitation"])
            return []
        current.reason = reason
        prev_start = case.forloeb_start - _weeks(self.rng.randint(10, 40))
        earlier = [
            Forloeb(
                group=previous,
                start_date=prev_start,
                end_date=case.forloeb_start,
                reason=self.pick(self.texts["first_visitation"]),
            )
        ]
        # A few citizens have moved twice.
        if self.chance(0.25):
            before = self.pick([g for g in _PREVIOUS_GROUPS[previous] if g is not case.group] or [G4])
            first_start = prev_start - _weeks(self.rng.randint(10, 30))
            earlier[0].reason = self.pick(self.texts["reason_to"][previous.value])
            earlier.insert(
                0,
                Forloeb(
                    group=before,
                    start_date=first_start,
                    end_date=prev_start,
                    reason=self.pick(self.texts["first_visitation"]),
                ),
            )
        return earlier

    def goals(self, case: _Case, forloeb: list[Forloeb]) -> None:
        for f in forloeb:
            end = f.end_date or case.horizon
            current = f.end_date is None
            reached: dict[str, dt.date] = {}
            for key in (goal.key for goal in GROUP_GOALS[f.group]):
                p = self.goal_chance(case, f.group, key) if current else 0.85
                if key in _GOAL_WEEKS:
                    lo, hi = _GOAL_WEEKS[key]
                    day = f.start_date + _weeks(self.rng.randint(lo, hi)) + dt.timedelta(self.rng.randint(0, 4))
                    if day <= end and self.chance(p):
                        reached[key] = day
                elif current and (day_or_none := self.event_goal(case, key, f.start_date)) is not None:
                    reached[key] = day_or_none
            f.goals = [
                GoalProgress(
                    goal_key=key,
                    reached_on=_clamp(day, f.start_date, end),
                    note=self.pick(self.texts["goal_notes"].get(key, [""])),
                )
                for key, day in reached.items()
            ]

    @staticmethod
    def goal_chance(case: _Case, group: VisitationGroup, key: str) -> float:
        """How likely a goal of the current forløb is reached. The deadline the start date
        was chosen for stays open (its goals are missing) when it is due now or soon;
        other deadlines already passed were mostly met."""
        weeks = [rule.weeks for rule in GROUP_DEADLINES[group] if key in rule.closed_by]
        if not weeks:
            return 0.85
        if weeks[0] == case.deadline_weeks:
            return 0.85 if case.when == "later" else 0.45
        passed = case.forloeb_start + _weeks(weeks[0]) < case.horizon
        return 0.95 if passed else 0.85

    def event_goal(self, case: _Case, key: str, start: dt.date) -> dt.date | None:
        """When a goal that follows from an event of the case (a placement, a decision) was reached."""
        outcome = case.closed_outcome
        kinds = [p.kind for p in case.placements]
        if key == "virksomhedsplacering_plan" and case.placements:
            return max(start + _weeks(1), min(p.start_date for p in case.placements) - _weeks(2))
        if key == "job":
            if outcome in (Outcome.ORDINAERT_JOB, Outcome.SMAAJOB):
                return case.horizon
            smaajob = [p.start_date for p in case.placements if p.kind is PlacementKind.SMAAJOB]
            return smaajob[0] if smaajob else None
        if key == "snusepraktik":
            if PlacementKind.SNUSEPRAKTIK in kinds:
                return min(p.start_date for p in case.placements) + _weeks(1)
            # A taster week arranged outside the placements on file.
            day = start + _weeks(self.rng.randint(2, 12))
            return day if day <= case.horizon and self.chance(self.goal_chance(case, G2, key)) else None
        if key == "virksomhedsplacering" and PlacementKind.VIRKSOMHEDSPRAKTIK in kinds:
            return min(p.start_date for p in case.placements)
        if key == "rehab_forelagt":
            return case.rehab_meeting if case.rehab_decided else None
        if key == "rehab_afgjort":
            return case.rehab_decided
        if key == "i_fleksjob" and outcome is Outcome.FLEKSJOB:
            return case.horizon
        return None

    # -- placements and hours -----------------------------------------------------------

    def placements(self, case: _Case) -> list[Placement]:
        group = case.group
        p_has = {G1: 0.85, G2: 0.6, G3: 0.7, G4: 0.15, FLEKS: 0.4}[group]
        if not self.chance(p_has):
            return []
        if group is G1:
            kind = self.weighted(
                {PlacementKind.VIRKSOMHEDSPRAKTIK: 60, PlacementKind.LOENTILSKUD: 25, PlacementKind.SMAAJOB: 15}
            )
            trend = self.weighted({"rise": 60, "stall": 25, "fall": 15})
            weeks = self.rng.randint(6, 30)
        elif group is G2:
            kind = self.weighted(
                {PlacementKind.SNUSEPRAKTIK: 50, PlacementKind.GRUPPEPRAKTIK: 25, PlacementKind.INTERN_PRAKTIK: 25}
            )
            trend = self.weighted({"rise": 50, "stall": 40, "fall": 10})
            weeks = self.rng.randint(2, 10)
        elif group is G3:
            kind = self.weighted({PlacementKind.VIRKSOMHEDSPRAKTIK: 85, PlacementKind.INTERN_PRAKTIK: 15})
            trend = self.weighted({"stall": 50, "fall": 30, "rise": 20})
            weeks = self.rng.randint(8, 30)
        elif group is G4:
            kind, trend, weeks = PlacementKind.INTERN_PRAKTIK, "stall", self.rng.randint(3, 12)
        else:
            kind = self.weighted({PlacementKind.VIRKSOMHEDSPRAKTIK: 75, PlacementKind.SMAAJOB: 25})
            trend, weeks = "stall", self.rng.randint(4, 20)
        if kind in (PlacementKind.LOENTILSKUD, PlacementKind.SMAAJOB):
            trend = "steady"
        placements = [self.placement(case, kind, trend, weeks, main=True)]
        case.placements = placements
        # Some have an earlier placement that ended.
        if group in (G1, G3, FLEKS) and self.chance(0.3):
            end = placements[0].start_date - _weeks(self.rng.randint(2, 12))
            length = self.rng.randint(4, 13)
            earlier = self.placement(
                case, PlacementKind.VIRKSOMHEDSPRAKTIK, self.pick(("stall", "fall", "rise")), length, end=end
            )
            earlier.result = self.pick(self.texts["placement_results"]["ended"])
            placements.insert(0, earlier)
        return placements

    def placement(
        self,
        case: _Case,
        kind: PlacementKind,
        trend: str,
        weeks: int,
        *,
        main: bool = False,
        end: dt.date | None = None,
    ) -> Placement:
        rng = self.rng
        if end is None:
            # Hours are logged up to last week; for some, this week is logged too.
            last_monday = _monday(case.horizon)
            if case.closed_outcome is None and not self.chance(0.3):
                last_monday -= _weeks(1)
        else:
            last_monday = _monday(end)
        first_monday = last_monday - _weeks(weeks - 1)
        start = first_monday + dt.timedelta(days=rng.choice((0, 0, 0, 1, 2)))

        if kind in (PlacementKind.INTERN_PRAKTIK, PlacementKind.GRUPPEPRAKTIK):
            employer, sector = self.pick(self.data["internal_placements"]["names"]), "intern"
        else:
            taken = {p.employer_name for p in case.placements}
            choices = [e for e in self.data["employers"] if e["name"] not in taken]
            emp = self.pick(choices)
            employer, sector = emp["name"], emp["sector"]

        series = self.hours_series(trend, weeks, kind)
        hours = []
        for i, (planned, attended, absence, reason) in enumerate(series):
            iso = (first_monday + _weeks(i)).isocalendar()
            recent = i >= weeks - 3 and end is None
            observation, follow_up = "", False
            if reason is not None:
                if self.chance(0.6):
                    observation = self.pick(self.texts["observations"]["absence"])
                follow_up = recent and self.chance(0.4)
            elif self.chance(0.25):
                observation = self.pick(self.texts["observations"][trend if trend != "steady" else "rise"])
                follow_up = recent and trend == "fall" and self.chance(0.5)
            hours.append(
                HoursEntry(
                    iso_year=iso.year,
                    iso_week=iso.week,
                    planned_hours=planned,
                    attended_hours=attended,
                    absence_hours=absence,
                    absence_reason=reason,
                    observation=observation,
                    follow_up=follow_up,
                )
            )

        if kind is PlacementKind.SNUSEPRAKTIK:
            planned_end: dt.date | None = start + _weeks(max(weeks, rng.randint(2, 4)))
        elif kind is PlacementKind.LOENTILSKUD:
            planned_end = start + _weeks(26)
        elif kind is PlacementKind.SMAAJOB:
            planned_end = None
        else:
            planned_end = start + _weeks(13)
        extension = ""
        if planned_end is not None and weeks > 13 and kind is not PlacementKind.LOENTILSKUD:
            planned_end = start + _weeks(weeks + rng.randint(2, 8))
            extension = self.pick(self.texts["extension_reasons"])
        if end is not None or case.closed_outcome is not None:
            planned_end = min(last_monday + dt.timedelta(days=4), end or case.horizon)

        mentor_kind = mentor_name = ""
        if kind is not PlacementKind.SNUSEPRAKTIK and self.chance(0.4):
            mentor_kind, mentor_name = self.pick(self.texts["mentor_kinds"]), self.danish_name()
        skaane = ""
        if case.health is not None:
            skaane = case.health.skaanehensyn
        elif case.old or case.group is G3:
            skaane = "\n".join(rng.sample(self.texts["health"]["skaanehensyn"], rng.randint(1, 3)))

        placement = Placement(
            kind=kind,
            employer_name=employer,
            contact_person=f"{self.danish_name()} ({self.pick(self.texts['contact_roles']).lower()})",
            contact_phone=self.phone(),
            tasks=self.pick(self.data["tasks"][sector]),
            start_date=start,
            planned_end=planned_end,
            extension_reason=extension,
            planned_hours_per_week=series[-1][0],
            mentor_kind=mentor_kind,
            mentor_name=mentor_name,
            skaanehensyn=skaane,
            hours=hours,
        )
        if main:
            worked = [a for _, a, _, r in series if r is None] or [0.0]
            case.story = _PlacementStory(
                placement=placement,
                trend=trend,
                weeks=weeks,
                first_hours=worked[0],
                last_hours=worked[-1],
                mean_hours=_half(sum(worked) / len(worked)),
            )
        return placement

    def hours_series(
        self, trend: str, weeks: int, kind: PlacementKind
    ) -> list[tuple[float, float, float, AbsenceReason | None]]:
        """(planned, attended, absence, absence reason) per week: rising, stalling, falling or steady."""
        rng = self.rng
        if trend == "rise":
            low = rng.uniform(3, 6)
            high = rng.uniform(8, 10) if kind is PlacementKind.SNUSEPRAKTIK else rng.uniform(12, 20)
            ramp = max(1.0, 0.8 * (weeks - 1))
            planned_by_week = [round(low + (high - low) * min(1.0, i / ramp)) for i in range(weeks)]
        elif trend == "stall":
            level = rng.uniform(5, 8)
            planned_by_week = [round(level)] * weeks
            if weeks >= 8 and self.chance(0.5):  # a try at more hours that did not hold
                trial = rng.randint(weeks // 3, weeks // 2)
                for i in range(trial, min(weeks, trial + 3)):
                    planned_by_week[i] = round(level) + 3
        elif trend == "fall":
            high = rng.uniform(10, 15)
            cut = int(weeks * 2 / 3)
            planned_by_week = [round(high) if i < cut else 6 for i in range(weeks)]
        else:  # steady: løntilskud or småjob with agreed hours
            level = rng.choice((25, 30, 32)) if kind is PlacementKind.LOENTILSKUD else rng.choice((8, 10, 12))
            planned_by_week = [level] * weeks

        p_absent = {"rise": 0.06, "stall": 0.1, "fall": 0.18, "steady": 0.05}[trend]
        series: list[tuple[float, float, float, AbsenceReason | None]] = []
        for i, planned_int in enumerate(planned_by_week):
            planned = float(planned_int)
            if trend == "stall":
                attended = _half(min(planned, level + rng.gauss(0, 0.7)))
            elif trend == "fall":
                share = i / max(1, weeks - 1)
                attended = _half(min(planned, high - (high - 4.5) * share + rng.gauss(0, 0.8)))
            else:
                attended = _half(planned - abs(rng.gauss(0, 0.6)))
            reason = None
            if i > 0 and rng.random() < p_absent:
                reason = AbsenceReason.SYGDOM if rng.random() < 0.75 else AbsenceReason.ANDET
                attended = 0.0 if rng.random() < 0.5 else _half(planned * rng.uniform(0.3, 0.7))
            attended = max(0.0, min(attended, planned))
            absence = planned - attended if reason is not None else 0.0
            series.append((planned, attended, absence, reason))
        return series

    @staticmethod
    def hours_in_week(placement: Placement, day: dt.date) -> float:
        """The hours worked in the week of `day` (the plan, if the citizen was away that week)."""
        iso = day.isocalendar()
        for entry in placement.hours:
            if (entry.iso_year, entry.iso_week) == (iso.year, iso.week):
                return entry.planned_hours if entry.absence_reason else entry.attended_hours
        return 0.0

    # -- activities ----------------------------------------------------------------------

    def activities(self, case: _Case) -> list[Activity]:
        kinds = {
            G1: [
                ActivityKind.WORKSHOP_CV,
                ActivityKind.AMU,
                ActivityKind.MENTOR_FASTHOLDELSE,
                ActivityKind.WORKSHOP_ARBEJDSPLADSKULTUR,
            ],
            G2: [
                ActivityKind.WORKSHOP_ARBEJDSPLADSKULTUR,
                ActivityKind.INTERN_INDSATS,
                ActivityKind.MENTOR_HELHEDSORIENTERET,
                ActivityKind.SUNDHEDSTILBUD_SUF,
            ],
            G3: [
                ActivityKind.SUNDHEDSTILBUD_SUF,
                ActivityKind.SOCIALT_TILBUD_SOF,
                ActivityKind.FORBEREDENDE_PLAN,
                ActivityKind.MENTOR_HELHEDSORIENTERET,
                ActivityKind.INTERN_INDSATS,
            ],
            G4: [
                ActivityKind.MENTOR_HELHEDSORIENTERET,
                ActivityKind.SOCIALT_TILBUD_SOF,
                ActivityKind.SUNDHEDSTILBUD_SUF,
            ],
            FLEKS: [ActivityKind.MENTOR_FASTHOLDELSE, ActivityKind.WORKSHOP_CV],
        }[case.group]
        if case.language != "dansk" or case.interpreter:
            kinds = [*kinds, ActivityKind.JOBDANSK, ActivityKind.FVU, ActivityKind.MENTOR_SPROG]
        chosen = self.rng.sample(kinds, min(len(kinds), self.rng.randint(1, 3)))
        if case.group is G4 and ActivityKind.MENTOR_HELHEDSORIENTERET not in chosen:
            chosen.insert(0, ActivityKind.MENTOR_HELHEDSORIENTERET)
        durations = {
            ActivityKind.WORKSHOP_CV: (0, 1),
            ActivityKind.WORKSHOP_ARBEJDSPLADSKULTUR: (0, 1),
            ActivityKind.AMU: (1, 3),
            ActivityKind.JOBDANSK: (8, 14),
            ActivityKind.FVU: (10, 20),
            ActivityKind.INTERN_INDSATS: (4, 8),
            ActivityKind.SUNDHEDSTILBUD_SUF: (6, 12),
            ActivityKind.FORBEREDENDE_PLAN: (4, 10),
        }
        rows = []
        for kind in chosen:
            info = self.texts["activities"][kind.value]
            start = _workday(self.day_between(case.forloeb_start - _weeks(8), case.horizon - _weeks(1)))
            lo, hi = durations.get(kind, (20, 40))  # mentors and SOF: long
            end: dt.date | None = start + _weeks(self.rng.randint(lo, hi)) + dt.timedelta(days=2)
            results = self.texts["activity_results"]
            if end is not None and end <= case.horizon:
                result = self.pick(results["stopped"] if self.chance(0.15) else results["done"])
            else:
                result = self.pick(results["ongoing"])
                if case.closed_outcome is not None:
                    end, result = case.horizon, self.pick(results["done"])
                elif kind.value.startswith("mentor") and self.chance(0.5):
                    end = None  # open-ended
            rows.append(
                Activity(
                    kind=kind,
                    title=self.pick(info["titles"]),
                    provider=self.pick(info["providers"]),
                    start_date=start,
                    end_date=end,
                    result=result,
                )
            )
        return rows

    # -- health, partners, documentation ---------------------------------------------------

    def health_notes(self, case: _Case) -> list[HealthNote]:
        group = case.group
        wanted = (
            (group is G3 and self.chance(0.85))
            or group is FLEKS
            or (case.old and self.chance(0.4))
            or (group is G4 and self.chance(0.3))
        )
        if not wanted:
            return []
        h = self.texts["health"]
        rng = self.rng
        coordinator = f"{self.pick(h['coordinators'])}, {h['coordinator_unit']}"
        day = _workday(self.day_between(case.forloeb_start + _weeks(1), case.forloeb_start + _weeks(8)))
        if day > case.horizon:
            day = _workday(case.forloeb_start - _weeks(rng.randint(2, 10)), forward=False)
        recommendations = rng.sample(h["recommendations"], 2)
        note = HealthNote(
            note_date=day,
            kind=HealthNoteKind.HELBREDSGENNEMGANG,
            coordinator=coordinator,
            conditions="\n".join(rng.sample(h["conditions"], rng.randint(1, 3))),
            functional_limits="\n".join(rng.sample(h["functional_limits"], rng.randint(1, 3))),
            skaanehensyn="\n".join(rng.sample(h["skaanehensyn"], rng.randint(2, 4))),
            recommendations="\n".join(recommendations),
        )
        case.health = note
        notes = [note]
        later = day + _weeks(rng.randint(3, 8))
        if group is G3 and later <= case.horizon and self.chance(0.4):
            notes.append(
                HealthNote(
                    note_date=_workday(later),
                    kind=HealthNoteKind.TREPARTSSAMTALE,
                    coordinator=coordinator,
                    conditions=note.conditions,
                    functional_limits=self.pick(h["functional_limits"]),
                    skaanehensyn=note.skaanehensyn,
                    recommendations=self.pick(h["recommendations"]),
                )
            )
        return notes

    def contacts(self, case: _Case) -> list[PartnerContact]:
        c = self.texts["contacts"]
        district = case.district
        wanted = {
            ContactKind.EGEN_LAEGE: case.group in (G3, G4, FLEKS) or self.chance(0.5),
            ContactKind.SOF: case.group is G4 or (case.group is G3 and self.chance(0.4)),
            ContactKind.SUF: (case.group is G3 and self.chance(0.4)) or self.chance(0.1),
        }
        rows = []
        for kind, yes in wanted.items():
            if not yes:
                continue
            if kind is ContactKind.EGEN_LAEGE:
                street = self.pick(district["streets"])
                name, unit = self.pick(c["doctors"]), f"{c['gp_prefix']} {street}"
                mail = f"laegehuset.{_fold_ascii(street)}@sikkermail.example"
            else:
                units = c["sof_units"] if kind is ContactKind.SOF else c["suf_units"]
                name, unit = self.pick(c["caseworkers"]), self.fill(self.pick(units), case)
                mail = f"{kind.value}.{_fold_ascii(district['name'])}@kk.example"
            contact = PartnerContact(kind=kind, name=name, unit=unit, phone=self.phone(), secure_mail=mail)
            case.contacts[kind] = contact
            rows.append(contact)
        return rows

    def rehab(self, case: _Case) -> None:
        """Where a gruppe 3 case stands with the rehabiliteringsteam."""
        if case.group is not G3:
            return
        closed = case.closed_outcome is not None
        r = self.rng.random()
        if case.index == 0:
            # The first citizen (gruppe 3, never closed) always shows a meeting being prepared.
            case.rehab_meeting = _workday(self.today + dt.timedelta(days=self.rng.randint(3, 14)))
        elif closed or (case.weeks_in >= 16 and r < 0.35):
            latest = case.horizon - dt.timedelta(days=7)
            low = min(case.forloeb_start + _weeks(8), latest - dt.timedelta(days=7))
            meeting = _workday(self.day_between(low, latest), forward=False)
            case.rehab_meeting = meeting
            case.rehab_decided = min(case.horizon, meeting + dt.timedelta(days=self.rng.randint(0, 10)))
        elif (case.weeks_in >= 16 and r < 0.75) or (case.weeks_in >= 10 and r < 0.3):
            case.rehab_meeting = _workday(self.today + dt.timedelta(days=self.rng.randint(1, 14)))

    # -- documentation (built after the flush, when placements have ids) ---------------------

    def documentation(self, first_id: int) -> _Tables:
        """The checklist rows of every case whose aim its rule pack has items for.

        Each case draws from its own random stream (seeded while the case was built),
        so its documentation does not depend on the cases after it.
        """
        tables = _Tables(next_id=first_id)
        main = self.rng
        try:
            for case in self.cases:
                self.rng = random.Random(case.doc_seed)
                _Checklist(self, case, tables).build()
        finally:
            self.rng = main
        return tables

    def doc_stage(self, case: _Case) -> _DocStage:
        """How far the documentation of a case has come, and the days it was gathered in."""
        start, horizon = case.forloeb_start, case.horizon
        closed = case.closed_outcome is not None
        if case.group is G3 and case.rehab_decided is not None and case.rehab_meeting is not None:
            # Presented to the rehabiliteringsteam: everything required was there.
            high = min(case.rehab_meeting - dt.timedelta(days=2), horizon)
            return _DocStage(1.0, True, True, min(start, high - _weeks(6)), high, None)
        if case.group is G3:
            level = min(1.0, max(0.1, case.weeks_in / 18))
            ready_by = None
            if case.rehab_meeting is not None:  # a meeting in the coming two weeks
                level = max(level, 0.8)
                ready_by = case.rehab_meeting - _weeks(1)
                # The first citizen always shows a meeting still being prepared.
                complete = case.index != 0 and self.chance(0.25)
            else:
                complete = level >= 1 and self.chance(0.12)
            return _DocStage(level, complete, closed, start, horizon, ready_by)
        if case.group is FLEKS:
            # Visitated to fleksjob: the documentation was complete before this forløb began.
            high = min(start, horizon)
            return _DocStage(1.0, True, True, high - _weeks(self.rng.randint(10, 20)), high, None)
        # Others with such an aim (gruppe 4 on its way to a ressourceforløb): the first steps.
        return _DocStage(self.rng.uniform(0.0, 0.35), False, closed, start, horizon, None)

    def pdf_attachment(self, row: _Doc, title: str, name: str) -> dict[str, Any]:
        """A one-page PDF, the same bytes on every run (ReportLab's invariant mode)."""
        from reportlab.lib.pagesizes import A4
        from reportlab.pdfgen.canvas import Canvas

        assert row.received_on is not None
        buffer = io.BytesIO()
        pdf = Canvas(buffer, pagesize=A4, invariant=True)
        pdf.setTitle(title)
        pdf.setFont("Helvetica-Bold", 14)
        pdf.drawString(72, 770, title)
        pdf.setFont("Helvetica", 11)
        pdf.drawString(72, 745, f"Modtaget {fmt.date(row.received_on)} fra {row.requested_from}")
        pdf.drawString(72, 725, self.texts["attachment_text"])
        pdf.showPage()
        pdf.save()
        data = buffer.getvalue()
        return {
            "filename": f"{name}_{row.received_on:%Y-%m-%d}.pdf",
            "mime_type": "application/pdf",
            "size": len(data),
            "sha256": hashlib.sha256(data).hexdigest(),
            "data": data,
            "added_at": self.at(row.received_on),
        }

    # -- meetings, journal, deadlines -----------------------------------------------------

    def meetings(self, case: _Case) -> list[Meeting]:
        rng = self.rng
        places = self.texts["meetings"]
        start, horizon = case.forloeb_start, case.horizon
        open_case = case.closed_outcome is None
        rows = []
        for _ in range(rng.randint(1, 3)):
            day = _workday(self.day_between(max(start, horizon - _weeks(16)), horizon - dt.timedelta(days=1)), False)
            rows.append(
                Meeting(
                    kind=MeetingKind.SAMTALE,
                    starts_at=self.at(day),
                    location=self.pick(places["jobcenter"]),
                    note=self.pick(places["samtale_notes"]),
                )
            )
        if open_case and self.chance(0.7):
            day = _workday(self.today + dt.timedelta(days=rng.randint(0, 20)))
            rows.append(
                Meeting(
                    kind=MeetingKind.SAMTALE,
                    starts_at=self.at(day),
                    location=self.pick(places["jobcenter"]),
                    note="Tolk bestilt" if case.interpreter else self.pick(places["samtale_notes"]),
                )
            )
        story = case.story
        if story and story.weeks >= 4:
            p = story.placement
            day = _workday(p.start_date + _weeks(rng.randint(3, min(6, story.weeks - 1))))
            if day <= horizon:
                rows.append(
                    Meeting(
                        kind=MeetingKind.TREPARTSSAMTALE,
                        starts_at=self.at(day),
                        location=p.employer_name,
                        note="Opfølgning på timer og opgaver",
                    )
                )
            if open_case and self.chance(0.3):
                day = _workday(self.today + dt.timedelta(days=rng.randint(1, 14)))
                rows.append(
                    Meeting(
                        kind=MeetingKind.TREPARTSSAMTALE,
                        starts_at=self.at(day),
                        location=p.employer_name,
                        note="Drøftelse af flere timer",
                    )
                )
        if case.health is not None and case.health.note_date <= horizon:
            rows.append(
                Meeting(
                    kind=MeetingKind.SUNDHEDSKOORDINATOR,
                    starts_at=self.at(case.health.note_date),
                    location=case.health.coordinator,
                    note="Helbredsgennemgang",
                )
            )
        elif case.group is G3 and open_case and self.chance(0.4):
            day = _workday(self.today + dt.timedelta(days=rng.randint(2, 14)))
            rows.append(
                Meeting(kind=MeetingKind.SUNDHEDSKOORDINATOR, starts_at=self.at(day), note="Helbredsgennemgang")
            )
        if case.rehab_meeting is not None:
            decided = case.rehab_decided
            rows.append(
                Meeting(
                    kind=MeetingKind.REHABILITERINGSTEAM,
                    starts_at=self.at(case.rehab_meeting),
                    location=places["rehab"],
                    note=f"Indstilling: {AIM_LABELS[case.aim].lower()}" if decided else "Sagen forelægges",
                    decided_on=decided,
                )
            )
        return rows

    def journal(self, case: _Case) -> list[JournalNote]:
        templates = self.texts["journal"]
        kinds = {
            JournalKind.SAMTALE: 35,
            JournalKind.TELEFON: 20,
            JournalKind.MAIL: 15,
            JournalKind.NOTAT: 20,
            JournalKind.TREPARTSSAMTALE: 10 if case.story or case.health else 0,
        }
        rows = []
        days = sorted(
            self.day_between(case.forloeb_start - _weeks(6), case.horizon) for _ in range(self.rng.randint(2, 6))
        )
        for day in days:
            kind = self.weighted(kinds)
            options = self.usable(templates[kind.value], case) or self.usable(templates["notat"], case)
            rows.append(
                JournalNote(
                    written_at=self.at(_workday(day, False)), kind=kind, text=self.fill(self.pick(options), case)
                )
            )
        return rows

    def deadlines(self, case: _Case) -> list[Deadline]:
        rng = self.rng
        closed = case.closed_outcome is not None
        titles = self.texts["deadlines"]["titles"]
        rows = []
        for title in rng.sample(titles, rng.choices((0, 1, 2), weights=(35, 45, 20))[0]):
            if closed:
                due = case.horizon - dt.timedelta(days=rng.randint(5, 40))
                done: dt.date | None = due - dt.timedelta(days=rng.randint(0, 3))
            else:
                due = self.today + dt.timedelta(days=rng.randint(-21, 21))
                done = None
                if due < self.today and self.chance(0.4):
                    done = due - dt.timedelta(days=rng.randint(0, 2))
            rows.append(Deadline(due_on=_workday(due), title=title, done_on=done))
        return rows
