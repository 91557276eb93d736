"""The documentation of the demo's cases: checklist rows for most items of each case's
rule pack, their history, the consents, the PDFs of received documents (or why one is kept on
paper), and the case texts the pack's written items are derived from (`writing`).

Built after the citizens are stored (an employer statement names its placement by id),
each case from its own random stream, so a case's documentation does not depend on
the cases after it.

Readiness is the program's (`jobraad.documentation.readiness_by_citizen`), from content: a case
is ready only when every required text is written, every received outside document attached
or on paper, the consents cover the requests and the LÆ 265 is fresh. Cases presented to the
team, fleksjobvisiterede and some with a meeting near are complete in that sense. Most cases
whose meeting is near lack one or two honest things (`_GAPS`): a section not yet written, the
jobcenter's assessment not yet written, a received LÆ 265 not yet attached, an answer still
awaited, a LÆ 265 that will be too old at the meeting.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import random
from dataclasses import dataclass, field
from typing import Any

from db.enums import ContactKind, DocumentSource, DocumentState, MeetingKind
from db.models import Meeting, TeamWorkflow
from jobraad.consents import suggested_consent
from jobraad.demo.attachments import pdf_attachment
from jobraad.demo.builder import FLEKS, G3, Builder, Case, clamp, fleks_visitation, in_weeks
from jobraad.demo.writing import DocFact, write_texts
from jobraad.document_requests import consent_case
from jobraad.documentation import STATEMENT_PLACEMENTS, answer_due
from jobraad.rulepacks import RuleItem, builtin_packs, default_pack_for, documented_aims
from jobraad.text_sections import DESCRIPTION, sections_of
from jobraad.vocab import SOURCE_LABELS

# Documentation: sources whose consent is asked for only when a case turns out to need them
# (and how often it does); the others a case needs are asked for together, early on.
_OCCASIONAL_SOURCES: dict[DocumentSource, float] = {DocumentSource.SPECIALLAEGE: 0.4, DocumentSource.HOSPITAL: 0.3}
# How often a request is still unanswered (and so, in time, overdue), by source.
_SLOW_SOURCES: dict[DocumentSource, float] = {DocumentSource.SPECIALLAEGE: 0.3, DocumentSource.HOSPITAL: 0.25}
_SLOW_DEFAULT = 0.1
# Goals that record the case being forelagt a team (seed 001's gruppe 3): untrue under a pack without one.
_TEAM_GOALS = frozenset({"rehab_forelagt"})
# A request overdue by more than this many days has been chased and answered.
_CHASED_AFTER_DAYS = 45
# The PDF of a received document: item id -> (title, file name); others take the item's title and id.
_PDF_ITEMS: dict[str, tuple[str, str]] = {
    "lae265": ("LÆ 265 - lægeattest (demo)", "LAE265"),
    "statusattest_lae125": ("LÆ 125 - statusattest (demo)", "LAE125"),
    "speciallaegeerklaering": ("Statusattest fra speciallæge (demo)", "Speciallaege"),
    "hospital_journal": ("Epikrise og journaloplysninger (demo)", "Epikrise"),
    "sundhedskoordinator": ("Sundhedskoordinatorens udtalelse (demo)", "Sundhedskoordinator"),
    "sof_oplysninger": ("Oplysninger fra Socialforvaltningen (demo)", "SOF"),
    "suf_oplysninger": ("Oplysninger fra Sundheds- og Omsorgsforvaltningen (demo)", "SUF"),
    "praktik_udtalelse": ("Udtalelse fra praktikstedet (demo)", "Praktikudtalelse"),
}
# Of the received documents the pack wants filed: how many are kept on paper in a finished case,
# and, in a case still in progress, how many are attached and kept on paper (the rest are not yet).
_ON_PAPER_FINISHED = 0.1
_ATTACHED_IN_PROGRESS = 0.7
_ON_PAPER_IN_PROGRESS = 0.05
# What a case whose meeting is near, and that is not complete, still lacks (one, sometimes two).
_GAPS: dict[str, float] = {
    "afsnit": 30,  # one or two sections of the description not yet written
    "jobcenter": 20,  # the jobcenter's assessment or proposal not yet written
    "ikke_vedhaeftet": 20,  # a received document (most often the LÆ 265) not yet attached
    "afventer": 20,  # an answer still awaited
    "lae265_gammel": 10,  # the LÆ 265 will be too old at the meeting
}
# The sections a case most often has yet to write, and how often.
_LATE_SECTIONS: dict[str, float] = {
    "helbred_arbejde": 25,
    "indsatser": 20,
    "egne_oensker": 15,
    "forsoergelse": 10,
    "ressourcer_netvaerk": 10,
    "udfordringer": 10,
    "helbred": 5,
    "uddannelse_cv": 5,
}
_DESCRIPTION_KEYS = tuple(s.key for s in sections_of(DESCRIPTION))


@dataclass
class _DocStage:
    """How far the documentation of a case has come."""

    level: float  # 0 just begun .. 1 as far as it gets before a meeting is near
    complete: bool  # every required item is received or set aside with a reason
    settled: bool  # decided or closed: nothing is awaited any more
    low: dt.date  # the documentation began
    high: dt.date  # the last day anything was done
    ready_by: dt.date | None  # a week before a coming rehabiliteringsteam meeting
    gaps: frozenset[str] = frozenset()  # what a case near its meeting still lacks (`_GAPS`)

    @property
    def finishing(self) -> bool:
        """Complete, or all but its gaps: everything else is in place."""
        return self.complete or bool(self.gaps)


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
    on_paper_reason: str = ""
    attach: bool = False  # its PDF is stored as an attachment


@dataclass
class Tables:
    """Documentation rows as values for bulk inserts; items get their ids here."""

    next_id: int
    items: list[dict[str, Any]] = field(default_factory=list)
    events: list[dict[str, Any]] = field(default_factory=list)
    consents: list[dict[str, Any]] = field(default_factory=list)
    attachments: list[dict[str, Any]] = field(default_factory=list)
    case_texts: list[dict[str, Any]] = field(default_factory=list)


def _source_name(source: DocumentSource) -> str:
    """The source's label inside a sentence: 'egen læge', but 'SOF'."""
    label = SOURCE_LABELS[source]
    return label if label[:3].isupper() else label[0].lower() + label[1:]


class _Checklist:
    """The stored documentation of one case: rows for most items of its rule pack.

    Consents come first: an item asking for health information is requested only on or
    after the day the consent covering its source was given, as the program demands.
    """

    def __init__(self, builder: Builder, case: Case, tables: Tables) -> None:
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
        self.consent_rng = random.Random(self.citizen_id)
        self.consent_rows: list[dict[str, Any]] = []
        self.profile: dict[str, Any] = builder.writing["profiles"][case.profile]
        self.sections: dict[str, dt.date] = {}  # the case texts written: section -> the day
        self.unwritten: set[str] = set()  # sections a case near its meeting has yet to write
        self.held = False  # the answer a case near its meeting still awaits has been chosen

    def build(self) -> None:
        case, b = self.case, self.b
        if case.aim not in documented_aims() or not self.citizen_id:
            return
        stage = _doc_stage(b, case)
        if case.aim not in default_pack_for(stage.low).aims:
            # Lov nr. 1750 ended ressourceforløb and revalidering for new citizens: a case with
            # such an aim now is one that began before, and goes on under the pack it began with.
            last = max((p for p in builtin_packs() if case.aim in p.aims), key=lambda p: p.valid_from)
            assert last.valid_to is not None  # a pack that ended: the aim is in an open one otherwise
            low = b.day_between(max(last.valid_from, last.valid_to - in_weeks(40)), last.valid_to)
            stage = dataclasses.replace(stage, low=low, level=max(stage.level, 0.2))
        self.stage = stage
        # The case records the pack in force when its documentation began, as the program does.
        pack = default_pack_for(stage.low)
        items = pack.items_for(case.aim)
        if not items:
            return
        if case.citizen is not None:
            case.citizen.rule_pack, case.citizen.rule_pack_since = pack.id, stage.low
        self.pack = pack
        if not pack.terms.team and case.citizen is not None:
            # No team under this pack: the case's meeting is the jobcenter's own (terms.meeting),
            # and nothing was forelagt a team.
            for meeting in case.citizen.meetings:
                if meeting.kind is MeetingKind.REHABILITERINGSTEAM:
                    meeting.location = b.pick(b.texts["meetings"]["jobcenter"])
            for forloeb in case.citizen.forloeb:
                forloeb.goals = [g for g in forloeb.goals if g.goal_key not in _TEAM_GOALS]
        if case.group is FLEKS and case.citizen is not None:
            # Visitated to fleksjob at a team meeting right after the documentation was complete.
            day = fleks_visitation(case)[1]
            case.citizen.meetings.append(
                Meeting(
                    kind=MeetingKind.REHABILITERINGSTEAM,
                    starts_at=dt.datetime.combine(day, dt.time(10)),
                    location=b.texts["meetings"]["rehab"] if pack.terms.team else b.texts["meetings"]["jobcenter"][0],
                    note="Indstilling: fleksjob" if pack.terms.team else "Afgørelse: fleksjob",
                    workflow=TeamWorkflow(
                        sent_on=day - dt.timedelta(days=14),
                        recommended_on=day if pack.terms.team else None,
                        recommendation="Teamet indstiller til fleksjob." if pack.terms.team else "",
                        decided_on=day,
                        decision="Visiteret til fleksjob.",
                    ),
                )
            )
        self.must_arrive = stage.finishing or stage.settled
        self.gaps = set(stage.gaps)
        if "afsnit" in self.gaps:
            late = b.weighted(_LATE_SECTIONS)
            self.unwritten = {late, b.weighted(_LATE_SECTIONS)} if b.chance(0.35) else {late}
        if "jobcenter" in self.gaps:
            self.unwritten |= {"vurdering", "indstilling"} if b.chance(0.5) else {b.pick(("vurdering", "indstilling"))}
        self.wanted = self.wanted_sources()
        # The citizen is asked for the consents at one of the first conversations.
        self.consent_talk = clamp(stage.low + dt.timedelta(days=b.rng.randint(3, 21)), stage.low, stage.high)
        self.signed = stage.finishing or b.chance(min(0.97, 0.55 + 0.45 * stage.level))
        for item in [i for i in items if i.consent_for] + [i for i in items if not i.consent_for]:
            if item.consent_for is not None:
                self.consent(item, item.consent_for)
            elif item.texts:
                self.text(item)
            elif item.per_placement:
                self.statements(item)
            elif item.health:
                self.health(item)
            else:
                self.written(item)
        self.name_consents()
        self.store()
        self.write()

    def name_consents(self) -> None:
        """Each consent names whom the information comes from: the doctor or unit the requests
        went to, or (nothing asked yet) one picked from the consents' own stream."""
        main = self.b.rng
        self.b.rng = self.consent_rng
        try:
            for row in self.consent_rows:
                row["source_name"] = self.sender(row["source"])
        finally:
            self.b.rng = main

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
                name = b.pick(self.profile["specialists"])
            elif source is DocumentSource.HOSPITAL:
                name = b.pick(self.profile["hospitals"])
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
        """Requested on `on` (at the latest `high`); received if it has arrived by `high`. A
        health request goes with a consent that covers it (renewed when it ran out)."""
        self._request(doc, on, high, sender, arrives)
        if doc.item.health and doc.requested_on is not None:
            self.renew_consent(doc.item.source, doc.requested_on)
            if doc.state == DocumentState.ANMODET:  # still open: covered today too
                self.renew_consent(doc.item.source, max(doc.requested_on, min(self.b.today, high)))

    def _request(self, doc: _Doc, on: dt.date, high: dt.date, sender: str, arrives: dt.date | None) -> None:
        rng, stage = self.b.rng, self.stage
        on = min(on, high)
        days = doc.item.answer_days
        doc.state, doc.requested_on, doc.requested_from = DocumentState.ANMODET, on, sender
        doc.expected_by = answer_due(doc.item, on)
        if "afventer" in self.gaps and not self.held and doc.item.required and doc.item.id != self.pack.lae265_item:
            # The answer this case still awaits: asked for (again) a few weeks ago.
            self.held = True
            doc.requested_on = on = min(high, max(on, high - dt.timedelta(days=days + rng.randint(-7, 10))))
            doc.expected_by = answer_due(doc.item, on)
            return
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
        doc.noted_on = self.b.day_between(stage.low, min(stage.low + in_weeks(3), stage.high))

    def note(self, doc: _Doc, text: str) -> None:
        """Still missing, with a note on why."""
        stage = self.stage
        doc.note = text
        doc.noted_on = self.b.day_between(max(stage.low, stage.high - in_weeks(4)), stage.high)

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
            if stage.finishing:
                day = min(day, stage.high)
        if self.signed and day <= stage.high:
            doc = self.new(item)
            if b.chance(0.5):  # sent by Digital Post, signed and returned
                doc.requested_on = max(stage.low, day - dt.timedelta(days=b.rng.randint(1, 7)))
                doc.expected_by = answer_due(item, doc.requested_on)
            doc.requested_from = self.sender(DocumentSource.BORGER)
            self.receive(doc, day)
            self.consents[source] = day
            # Scope as retssikkerhedsloven § 11 a, stk. 1 asks: which information, from whom (named
            # in `name_consents`), for which case; some forms carry an end date. Drawn from the
            # consents' own stream, so the case's other draws stay as they were.
            rng = self.consent_rng
            # Health information as the citizen's health profile has it; SOF, SUF, the coordinator: general.
            own = self.profile.get(f"consent_{source.value}")
            information = rng.choice(own or self.texts["consent_information"][source.value])
            if self.case.life is not None:
                information = information.format(debut_aar=self.case.life.onset)
            row = {
                "citizen_id": self.citizen_id,
                "source": source,
                "information": information,
                "source_name": "",
                "purpose": suggested_consent(source, consent_case(self.case.aim), "", day).purpose,
                "given_on": day,
                "expires_on": day + dt.timedelta(days=365) if rng.random() < 0.5 else None,
                "withdrawn_on": None,
            }
            self.consent_rows.append(row)
            self.tables.consents.append(row)
        elif not stage.settled and b.chance(0.6):
            doc = self.new(item)
            doc.state = DocumentState.ANMODET
            doc.requested_on = b.day_between(max(min(day, stage.high), stage.high - in_weeks(6)), stage.high)
            doc.requested_from = self.sender(DocumentSource.BORGER)
            doc.expected_by = answer_due(item, doc.requested_on)
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
        if item.id == self.pack.lae265_item:
            meeting = stage.ready_by or stage.high
            if "lae265_gammel" in self.gaps and self.old_lae265(item, given, meeting):
                return
            # Asked for late enough to be current at the meeting, as the pack requires.
            fresh = meeting - dt.timedelta(days=self.pack.lae265_max_age.value - item.answer_days - 14)
            on = min(max(on, fresh), stage.high)
        arrives = None
        health = case.health
        if source is DocumentSource.SUNDHEDSKOORDINATOR and health is not None and health.note_date >= given:
            # The advice follows the coordinator's health review.
            on = max(given, health.note_date - dt.timedelta(days=b.rng.randint(7, 14)))
            arrives = health.note_date + dt.timedelta(days=b.rng.randint(0, 7))
        if self.must_arrive or (on <= stage.high and b.chance(0.45 + 0.55 * stage.level)):
            self.request(self.new(item), on, stage.high, self.sender(source), arrives)

    def renew_consent(self, source: DocumentSource, on: dt.date) -> None:
        """A request made after the source's consent ran out goes with a new consent, signed a
        few days before (as a caseworker must get one): the demo never asks without one."""
        rows = [r for r in self.consent_rows if r["source"] is source]
        if not rows or any(r["expires_on"] is None or r["expires_on"] >= on for r in rows):
            return
        renewed = dict(rows[-1])
        renewed["given_on"] = max(rows[-1]["expires_on"] + dt.timedelta(days=1), on - dt.timedelta(days=3))
        renewed["expires_on"] = renewed["given_on"] + dt.timedelta(days=365)
        self.consent_rows.append(renewed)
        self.tables.consents.append(renewed)

    def old_lae265(self, item: RuleItem, given: dt.date, ready_by: dt.date) -> bool:
        """A LÆ 265 received so long before the meeting (a week after `ready_by`) that it will be
        too old there; False, and the case lacks an attachment instead, when the case began too
        recently for that."""
        b = self.b
        received = ready_by + in_weeks(1) - dt.timedelta(days=self.pack.lae265_max_age.value + b.rng.randint(10, 60))
        on = received - dt.timedelta(days=b.rng.randint(10, 25))
        if on < given:
            self.gaps.discard("lae265_gammel")
            self.gaps.add("ikke_vedhaeftet")
            return False
        doc = self.new(item)
        self.request(doc, on, self.stage.high, self.sender(item.source), received)
        doc.note = b.pick(self.b.writing["lists"]["lae265_old"])
        return True

    def statements(self, item: RuleItem) -> None:
        """One statement per placement the employer can describe; set aside when there is none."""
        b, stage, case = self.b, self.stage, self.case
        places = [p for p in case.placements if p.kind in STATEMENT_PLACEMENTS]
        if not places:
            if stage.finishing or b.chance(0.4 + 0.6 * stage.level):
                self.set_aside(self.new(item), self.reason(item.source))
            return
        for p in places:
            weeks = len(p.hours)
            on = p.start_date + in_weeks(max(1, weeks - 2)) + dt.timedelta(days=b.rng.randint(0, 3))
            on = clamp(on, p.start_date, case.horizon)
            if self.must_arrive or (weeks >= 6 and b.chance(0.85)):
                self.request(self.new(item, f"placement-{p.id}"), on, case.horizon, p.employer_name)
            elif weeks >= 4 and b.chance(0.3):
                self.note(self.new(item, f"placement-{p.id}"), b.pick(self.texts["not_yet_statement"]))

    def written(self, item: RuleItem) -> None:
        """Written by the jobcenter (the forberedende del, the assessments) or by the citizen."""
        b, stage = self.b, self.stage
        level, section = stage.level, item.section
        if stage.finishing:
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
            first = stage.low + in_weeks(1) if section == "forberedende_del" else top - in_weeks(6)
            day = clamp(b.day_between(first, top), stage.low, top)
            doc = self.new(item)
            if by_citizen:
                doc.requested_on = max(stage.low, day - dt.timedelta(days=b.rng.randint(7, 14)))
                doc.requested_from = self.sender(item.source)
                doc.expected_by = answer_due(item, doc.requested_on)
            self.receive(doc, day)
        elif not item.required and (stage.finishing or level > 0.5) and b.chance(0.4):
            self.set_aside(self.new(item), self.reason(item.source))
        elif by_citizen and not stage.settled and level > 0.2 and b.chance(0.4):
            doc = self.new(item)
            doc.state = DocumentState.ANMODET
            doc.requested_on = b.day_between(max(stage.low, stage.high - in_weeks(4)), stage.high)
            doc.requested_from = self.sender(item.source)
            doc.expected_by = answer_due(item, doc.requested_on)

    def text(self, item: RuleItem) -> None:
        """An item written as case texts: in place when its texts are written (derived, never
        ticked, so no row is stored). The forberedende del grows through the forløb; the
        jobcenter's assessment and proposal come last."""
        b, stage = self.b, self.stage
        if stage.finishing:
            write = True
        else:
            share = 0.1 + 0.85 * stage.level if item.section == "forberedende_del" else 0.6 * stage.level
            write = b.chance(share if item.required else 0.8 * share)
        if not write:
            return
        top = min(stage.ready_by or stage.high, stage.high)
        first = stage.low + in_weeks(1) if item.section == "forberedende_del" else top - in_weeks(6)
        for key in item.texts:
            if key not in self.sections and key not in self.unwritten:
                self.sections[key] = clamp(b.day_between(first, top), stage.low, top)

    def write(self) -> None:
        """The case texts, the day the citizen saw the description, and the citizen's remarks and
        the questions for the team that may come with them."""
        b, stage, case = self.b, self.stage, self.case
        top = min(stage.ready_by or stage.high, stage.high)
        # The health sections are brought up to date when the health documents come in, and
        # the proposal follows the assessment.
        arrived = [d.received_on for d in self.docs if d.item.health and d.received_on and d.received_on <= top]
        if case.health is not None and case.health.note_date <= top:
            arrived.append(case.health.note_date)
        for key in ("helbred", "helbred_arbejde"):
            if key in self.sections and arrived and self.sections[key] < max(arrived):
                self.sections[key] = min(top, max(arrived) + dt.timedelta(days=b.rng.randint(0, 7)))
        activities = case.citizen.activities if case.citizen is not None else []
        started = [p.start_date for p in case.placements if p.start_date <= top]
        started += [a.start_date for a in activities if a.start_date is not None and a.start_date <= top]
        if "indsatser" in self.sections and started and self.sections["indsatser"] < max(started) + in_weeks(4):
            self.sections["indsatser"] = min(top, max(started) + in_weeks(b.rng.randint(4, 8)))
        # The assessment is written on the documentation as it stands, the proposal after it.
        received = [d.received_on for d in self.docs if d.received_on is not None and d.received_on <= top]
        if "vurdering" in self.sections and received and self.sections["vurdering"] < max(received):
            self.sections["vurdering"] = min(top, max(received) + dt.timedelta(days=b.rng.randint(0, 5)))
        if "vurdering" in self.sections and "indstilling" in self.sections:
            self.sections["indstilling"] = max(self.sections["indstilling"], self.sections["vurdering"])
        described = [self.sections[k] for k in _DESCRIPTION_KEYS if k in self.sections]
        if len(described) == len(_DESCRIPTION_KEYS):
            share = 1.0 if stage.complete else 0.5 if "jobcenter" in self.gaps else 0.85 if self.gaps else 0.6
        else:
            share = 0.3 if len(described) >= 5 and not self.gaps else 0.0
        seen = b.day_between(max(described), top) if described and b.chance(share) else None
        if seen is not None:
            if case.citizen is not None:
                case.citizen.description_seen_on = seen
            if b.chance(0.55):
                self.sections["borgerens_bemaerkninger"] = b.day_between(seen, top)
        if self.pack.terms.team and "vurdering" in self.sections and (stage.complete or b.chance(0.8)):
            self.sections["spoergsmaal_team"] = self.sections["vurdering"]
        if not self.sections or case.life is None:
            return
        docs = [
            DocFact(d.item.id, d.instance, d.requested_on, d.expected_by, d.received_on, d.requested_from)
            for d in self.docs
            if d.state is not DocumentState.IKKE_RELEVANT
        ]
        for key, text in write_texts(b, case, self.pack, docs, self.sections).items():
            if text:
                self.tables.case_texts.append(
                    {
                        "citizen_id": self.citizen_id,
                        "section": key,
                        "text": text,
                        "updated_at": b.at(self.sections[key]),
                    }
                )

    # -- rows --------------------------------------------------------------------------------

    def store(self) -> None:
        b, tables, citizen_id = self.b, self.tables, self.citizen_id
        filed = [d for d in self.docs if d.state is DocumentState.MODTAGET and self.pack.needs_file(d.item)]
        unfiled: _Doc | None = None
        if "ikke_vedhaeftet" in self.gaps and filed:
            # The document this case has yet to attach: the LÆ 265 when it has come.
            unfiled = next((d for d in filed if d.item.id == self.pack.lae265_item), filed[0])
        for doc in filed:
            if doc is unfiled:
                continue
            r = b.rng.random()
            if self.stage.finishing:
                attach, paper = r >= _ON_PAPER_FINISHED, r < _ON_PAPER_FINISHED
            else:
                attach, paper = r < _ATTACHED_IN_PROGRESS, r >= 1 - _ON_PAPER_IN_PROGRESS
            if paper:
                doc.on_paper_reason = b.pick(b.writing["lists"]["on_paper"])
            doc.attach = attach
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
                    "on_paper_reason": doc.on_paper_reason,
                }
            )
            self.events(doc, item_id)
            if doc.attach:
                title, name = _PDF_ITEMS.get(doc.item.id, (f"{doc.item.title} (demo)", doc.item.id))
                attachment = pdf_attachment(b, title, name, doc.received_on, doc.requested_from)
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
        if doc.on_paper_reason and doc.received_on is not None:
            # As `jobraad.documentation.set_on_paper` records it.
            day = doc.received_on + dt.timedelta(days=b.rng.randint(0, 3))
            steps.append((day, doc.state, doc.state, f"På papir: {doc.on_paper_reason}"))
        previous: dt.datetime | None = None
        for day, before, after, note in steps:
            at = b.at(day)
            if previous is not None and at <= previous:  # the same day: after the step before it
                at = previous + dt.timedelta(minutes=30)
            previous = at
            self.tables.events.append(
                {"item_id": item_id, "at": at, "from_state": before, "to_state": after, "note": note}
            )


def documentation(b: Builder, first_id: int) -> Tables:
    """The checklist rows of every case whose aim its rule pack has items for.

    Each case draws from its own random stream (seeded while the case was built),
    so its documentation does not depend on the cases after it.
    """
    tables = Tables(next_id=first_id)
    main = b.rng
    try:
        for case in b.cases:
            b.rng = random.Random(case.doc_seed)
            _Checklist(b, case, tables).build()
    finally:
        b.rng = main
    return tables


def _doc_stage(b: Builder, case: Case) -> _DocStage:
    """How far the documentation of a case has come, and the days it was gathered in."""
    start, horizon = case.forloeb_start, case.horizon
    closed = case.closed_outcome is not None
    if case.group is G3 and case.rehab_decided is not None and case.rehab_meeting is not None:
        # Presented to the rehabiliteringsteam: everything required was there.
        high = min(case.rehab_meeting - dt.timedelta(days=2), horizon)
        return _DocStage(1.0, True, True, min(start, high - in_weeks(6)), high, None)
    if case.group is G3:
        level = min(1.0, max(0.1, case.weeks_in / 18))
        ready_by = None
        gaps: frozenset[str] = frozenset()
        if case.rehab_meeting is not None:  # a meeting in the coming two weeks
            level = max(level, 0.8)
            ready_by = case.rehab_meeting - in_weeks(1)
            # The first citizen always shows a meeting still being prepared, with a request to chase.
            complete = case.index != 0 and b.chance(0.25)
            if not complete and case.index != 0:
                first = b.weighted(_GAPS)
                gaps = frozenset({first, b.weighted(_GAPS)} if b.chance(0.3) else {first})
        else:
            complete = level >= 1 and b.chance(0.12)
        return _DocStage(level, complete, closed, start, horizon, ready_by, gaps)
    if case.group is FLEKS:
        high = fleks_visitation(case)[0]
        return _DocStage(1.0, True, True, high - in_weeks(b.rng.randint(10, 20)), high, None)
    # Others with such an aim: the first steps.
    return _DocStage(b.rng.uniform(0.0, 0.35), False, closed, start, horizon, None)
