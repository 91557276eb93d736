"""The citizen's consents to obtain information (retssikkerhedsloven § 11 a, stk. 1): each
recorded with what it covers (which information, from whom, for which case) and how long
it holds, checked when it is recorded, withdrawn with a date.

What a consent must say, which wordings make it a general consent that
retssikkerhedsvejledningen pkt. 117 does not accept, how a consent without an end date
holds, and the suggestions a new consent starts from are data: `resources/rules/consent.toml`
(`consent_rules`). This module holds the mechanism.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.enums import DocumentSource
from db.models import Citizen, Consent
from db.session import Database
from jobraad import audit
from jobraad import formatting as fmt
from jobraad.case_pack import record_pack
from jobraad.citizens import CitizenNotFound
from jobraad.errors import FieldProblem, ValidationFailed
from jobraad.rule_files import Table, parse_rule_file, read_rule_file

__all__ = [
    "FIELD_EXPIRES_ON",
    "FIELD_GIVEN_ON",
    "FIELD_INFORMATION",
    "FIELD_PURPOSE",
    "FIELD_SOURCE_NAME",
    "FIELD_WITHDRAWN_ON",
    "INFORMATION_MAX",
    "PURPOSE_MAX",
    "SOURCE_NAME_MAX",
    "STATUS_LABELS",
    "ConsentInput",
    "ConsentRules",
    "ConsentStatus",
    "ConsentView",
    "add_consent",
    "consent_covers",
    "consent_problems",
    "consent_rules",
    "covering_consent",
    "parse_consent_rules",
    "read_consents",
    "record_consent",
    "suggested_consent",
    "validity_text",
    "withdraw_consent",
]

RULES_FILE = "consent.toml"
# The columns' limits: `Consent.source_name` is String(200); the two texts are Text, kept
# to what a person writes on a consent form.
SOURCE_NAME_MAX = 200
INFORMATION_MAX = 1000
PURPOSE_MAX = 1000

# The names a refusal gives each field (the dialog shows the message next to it).
FIELD_INFORMATION = "oplysninger"
FIELD_SOURCE_NAME = "fra hvem"
FIELD_PURPOSE = "sag"
FIELD_GIVEN_ON = "givet"
FIELD_EXPIRES_ON = "gyldig til"
FIELD_WITHDRAWN_ON = "tilbagekaldt"


# --- the rules, from resources/rules/consent.toml -----------------------------------------------


class Match(StrEnum):
    WHOLE = "hele"  # the field is only this wording
    CONTAINS = "indeholder"  # the wording stands in the field as whole words


@dataclass(frozen=True)
class GeneralWording:
    """A wording that makes a consent general (pkt. 117)."""

    phrase: str
    match: Match
    source: str
    provisional: bool


@dataclass(frozen=True)
class Suggestion:
    """What the consent dialog suggests for a consent covering one source."""

    information: str
    source_name: str  # when the citizen has no registered contact of the kind; "" = none
    source: str
    provisional: bool


@dataclass(frozen=True)
class ConsentRules:
    reference: str  # the citation shown with every consent
    basis: str  # the rule in running text: "retssikkerhedslovens § 11 a, stk. 1"
    requirement: str  # what a consent must say (pkt. 117), one or two sentences
    without_expiry: str  # how a consent without an end date holds
    validity_provisional: bool
    unfinished: str  # the mark of a suggestion not yet made concrete
    purpose_template: str  # "{sag} – sag hos jobcentret"
    general: tuple[GeneralWording, ...]
    suggestions: dict[DocumentSource, Suggestion]

    def general_wording(self, text: str) -> str | None:
        """The general wording `text` is or contains (as written in the rules), or None."""
        words = _words(text)
        for g in self.general:
            phrase = _words(g.phrase)
            if (g.match is Match.WHOLE and words == phrase) or (
                g.match is Match.CONTAINS and f" {phrase} " in f" {words} "
            ):
                return g.phrase
        return None


def _words(text: str) -> str:
    """`text` as lower-case words separated by one space (punctuation and case ignored)."""
    return " ".join(re.split(r"[\W_]+", text.casefold())).strip()


_TOP = ("citation", "validity", "suggestions", "general", "suggestion")


def parse_consent_rules(text: str, file: str = RULES_FILE) -> ConsentRules:
    """Check the text of the consent rules file and build the rules, or raise `RuleFileError`."""
    return _consent_rules(parse_rule_file(text, file, required=_TOP))


def _consent_rules(top: Table) -> ConsentRules:
    citation = top.table("citation", required=("reference", "basis", "requirement"))
    validity = top.table("validity", required=("without_expiry",))
    suggestions = top.table("suggestions", required=("unfinished", "purpose"))
    if "{sag}" not in suggestions.text("purpose"):
        suggestions.fail("«purpose» skal indeholde {sag}.")
    general = [
        GeneralWording(g.text("phrase"), g.choice("match", Match), g.source, g.provisional)
        for g in top.entries("general", required=("phrase", "match"))
    ]
    by_source: dict[DocumentSource, Suggestion] = {}
    for s in top.entries("suggestion", required=("consent_for", "information", "source_name")):
        source = s.choice("consent_for", DocumentSource)
        if source in by_source:
            s.fail(f"kilden «{source.value}» står to gange.")
        by_source[source] = Suggestion(
            s.text("information"), s.text("source_name", allow_empty=True), s.source, s.provisional
        )
    return ConsentRules(
        reference=citation.text("reference"),
        basis=citation.text("basis"),
        requirement=citation.text("requirement"),
        without_expiry=validity.text("without_expiry"),
        validity_provisional=validity.provisional,
        unfinished=suggestions.text("unfinished"),
        purpose_template=suggestions.text("purpose"),
        general=tuple(general),
        suggestions=by_source,
    )


@functools.cache
def consent_rules() -> ConsentRules:
    """The shipped consent rules (`resources/rules/consent.toml`)."""
    return _consent_rules(read_rule_file(RULES_FILE, required=_TOP))


# --- what is stored, as read ----------------------------------------------------------------------


class ConsentStatus(StrEnum):
    GYLDIG = "gyldig"
    UDLOEBET = "udloebet"
    TILBAGEKALDT = "tilbagekaldt"
    IKKE_BEGYNDT = "ikke_begyndt"


STATUS_LABELS: dict[ConsentStatus, str] = {
    ConsentStatus.GYLDIG: "Gyldig",
    ConsentStatus.UDLOEBET: "Udløbet",
    ConsentStatus.TILBAGEKALDT: "Tilbagekaldt",
    ConsentStatus.IKKE_BEGYNDT: "Ikke gyldig endnu",
}


@dataclass(frozen=True)
class ConsentView:
    consent_id: int
    source: DocumentSource
    information: str  # which information
    source_name: str  # from whom
    purpose: str  # for which case
    given_on: dt.date
    expires_on: dt.date | None  # valid to and including this day; None: until withdrawn or the case ends
    withdrawn_on: dt.date | None  # not valid from this day on

    def status(self, day: dt.date) -> ConsentStatus:
        if self.withdrawn_on is not None and self.withdrawn_on <= day:
            return ConsentStatus.TILBAGEKALDT
        if self.expires_on is not None and self.expires_on < day:
            return ConsentStatus.UDLOEBET
        if day < self.given_on:
            return ConsentStatus.IKKE_BEGYNDT
        return ConsentStatus.GYLDIG

    def valid_on(self, day: dt.date) -> bool:
        """Given on or before `day`, not expired and not withdrawn on it."""
        return self.status(day) is ConsentStatus.GYLDIG


def validity_text(consent: ConsentView, day: dt.date) -> str:
    """How long the consent holds, as of `day`, as a phrase that follows "Samtykket er":
    'gyldigt til og med 31-12-2026', 'gyldigt til sagen er afsluttet, eller borgeren tilbagekalder
    det', 'udløbet 31-12-2025', 'tilbagekaldt 01-03-2026'."""
    status = consent.status(day)
    if status is ConsentStatus.TILBAGEKALDT:
        return f"tilbagekaldt {fmt.date(consent.withdrawn_on)}"
    if status is ConsentStatus.UDLOEBET:
        return f"udløbet {fmt.date(consent.expires_on)}"
    until = (
        f"til og med {fmt.date(consent.expires_on)}"
        if consent.expires_on is not None
        else consent_rules().without_expiry
    )
    if status is ConsentStatus.IKKE_BEGYNDT:
        return f"gyldigt fra {fmt.date(consent.given_on)} {until}"
    return f"gyldigt {until}"


def read_consents(session: Session, citizen_id: int) -> list[ConsentView]:
    """The citizen's consents, oldest first."""
    rows = session.scalars(
        select(Consent).where(Consent.citizen_id == citizen_id).order_by(Consent.given_on, Consent.id)
    )
    return [
        ConsentView(c.id, c.source, c.information, c.source_name, c.purpose, c.given_on, c.expires_on, c.withdrawn_on)
        for c in rows
    ]


def covering_consent(consents: Iterable[ConsentView], source: DocumentSource, day: dt.date) -> ConsentView | None:
    """The newest consent that lets the jobcenter ask `source` on `day`, or None: the one
    rule for whether a consent covers a request (`consent_covers` asks it too)."""
    return next((c for c in reversed(tuple(consents)) if c.source == source and c.valid_on(day)), None)


def consent_covers(consents: Iterable[ConsentView], source: DocumentSource, day: dt.date) -> bool:
    return covering_consent(consents, source, day) is not None


# --- recording and withdrawing -------------------------------------------------------------------


@dataclass(frozen=True)
class ConsentInput:
    """A consent as the caseworker records it."""

    information: str
    source_name: str
    purpose: str
    given_on: dt.date | None
    expires_on: dt.date | None = None


def consent_problems(data: ConsentInput, today: dt.date) -> list[FieldProblem]:
    """What is wrong with `data` as a consent under § 11 a, stk. 1 (empty when nothing)."""
    rules = consent_rules()
    problems: list[FieldProblem] = []
    for name, value, limit, empty in (
        (
            FIELD_INFORMATION,
            data.information,
            INFORMATION_MAX,
            "Skriv hvilke oplysninger samtykket dækker (fx lægeattest LÆ 265 og journaloplysninger om ryggen).",
        ),
        (
            FIELD_SOURCE_NAME,
            data.source_name,
            SOURCE_NAME_MAX,
            "Skriv hvem oplysningerne indhentes fra (fx lægens, hospitalets eller enhedens navn).",
        ),
        (FIELD_PURPOSE, data.purpose, PURPOSE_MAX, "Skriv hvilken sag oplysningerne skal bruges til."),
    ):
        text = value.strip()
        if not text:
            problems.append(FieldProblem(name, empty))
        elif len(text) > limit:
            problems.append(FieldProblem(name, f"Teksten er for lang (højst {limit} tegn, her {len(text)})."))
        elif rules.unfinished in text:
            problems.append(
                FieldProblem(
                    name, f"Forslaget er ikke gjort færdigt: skriv det konkrete i stedet for »{rules.unfinished}«."
                )
            )
        elif (wording := rules.general_wording(text)) is not None:
            problems.append(
                FieldProblem(
                    name,
                    f"»{wording}« gør samtykket generelt, og det kan jobcentret ikke nøjes med. "
                    f"{rules.requirement} ({rules.reference})",
                )
            )
    if data.given_on is None:
        problems.append(FieldProblem(FIELD_GIVEN_ON, "Skriv den dag, borgeren gav samtykket."))
    elif data.given_on > today:
        problems.append(FieldProblem(FIELD_GIVEN_ON, "Datoen ligger i fremtiden."))
    elif data.expires_on is not None and data.expires_on <= data.given_on:
        problems.append(FieldProblem(FIELD_EXPIRES_ON, "Gyldig til skal ligge efter den dag, samtykket blev givet."))
    return problems


def record_consent(
    session: Session, citizen_id: int, source: DocumentSource, data: ConsentInput, today: dt.date
) -> int:
    """Store a consent in the caller's transaction and log it; refuses (`ValidationFailed`,
    nothing stored) what `consent_problems` finds."""
    problems = consent_problems(data, today)
    if problems:
        raise ValidationFailed(problems, "Samtykket er ikke gemt:")
    citizen = session.get(Citizen, citizen_id)
    if citizen is None:
        raise CitizenNotFound()
    assert data.given_on is not None  # checked above
    record_pack(session, citizen, min(data.given_on, today))  # a consent is a documentation step
    consent = Consent(
        citizen_id=citizen_id,
        source=source,
        information=data.information.strip(),
        source_name=data.source_name.strip(),
        purpose=data.purpose.strip(),
        given_on=data.given_on,
        expires_on=data.expires_on,
    )
    session.add(consent)
    session.flush()
    audit.record(session, audit.Action.CHANGE, citizen_id, "samtykke")
    return consent.id


def add_consent(
    database: Database, citizen_id: int, source: DocumentSource, data: ConsentInput, today: dt.date | None = None
) -> int:
    """Record a consent covering `source` (see `record_consent`); its id."""
    with database.transaction() as session:
        return record_consent(session, citizen_id, source, data, today or dt.date.today())


def withdraw_consent(database: Database, consent_id: int, on: dt.date | None, today: dt.date | None = None) -> None:
    """The citizen withdrew the consent on `on`: from that day it covers nothing (no effect
    before it). Refuses a date before the consent was given or in the future, and a
    consent already withdrawn."""
    today = today or dt.date.today()
    with database.transaction() as session:
        consent = session.get(Consent, consent_id)
        if consent is None:
            raise ValidationFailed([FieldProblem("samtykke", "Samtykket findes ikke.")], "Intet er ændret:")
        problem = None
        if consent.withdrawn_on is not None:
            problem = f"Samtykket er allerede tilbagekaldt {fmt.date(consent.withdrawn_on)}."
        elif on is None:
            problem = "Skriv den dag, borgeren tilbagekaldte samtykket."
        elif on < consent.given_on:
            problem = "Datoen ligger før samtykket blev givet."
        elif on > today:
            problem = "Datoen ligger i fremtiden."
        if problem is not None:
            raise ValidationFailed([FieldProblem(FIELD_WITHDRAWN_ON, problem)], "Samtykket er ikke tilbagekaldt:")
        consent.withdrawn_on = on
        audit.record(session, audit.Action.CHANGE, consent.citizen_id, "samtykke trukket tilbage")


# --- suggestions --------------------------------------------------------------------------------


def suggested_consent(source: DocumentSource, case: str, contact_name: str, today: dt.date) -> ConsentInput:
    """What the consent dialog starts from for a consent covering `source`: the information
    the rules suggest (with the marks of what is to be made concrete), `contact_name` (the
    citizen's registered contact of that kind, '' if none) or the rules' default, the case
    `case` ("afklaring af ret til fleksjob") in the rules' purpose wording, given today.
    The caseworker confirms or edits it: nothing is recorded from a suggestion alone."""
    rules = consent_rules()
    suggestion = rules.suggestions.get(source)
    purpose = rules.purpose_template.format(sag=case)
    return ConsentInput(
        information=suggestion.information if suggestion else "",
        source_name=contact_name or (suggestion.source_name if suggestion else ""),
        purpose=purpose[:1].upper() + purpose[1:],
        given_on=today,
    )
