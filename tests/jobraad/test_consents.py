"""Consents under retssikkerhedsloven § 11 a, stk. 1, without any window: recorded with which
information, from whom, for which case and how long; refused (nothing saved) when a part is
missing, general (retssikkerhedsvejledningen pkt. 117) or an unfinished suggestion; withdrawn
with a date; covering a health item only while valid on the day."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest
from sqlalchemy import select

from db.enums import Aim, ContactKind, DocumentSource, DocumentState, VisitationGroup
from db.models import Consent
from db.session import Database
from jobraad import consents, health
from jobraad import documentation as doc
from jobraad.citizens import CitizenInput, create_citizen
from jobraad.consents import ConsentInput, ConsentStatus, ConsentView, parse_consent_rules
from jobraad.document_requests import consent_draft
from jobraad.errors import ValidationFailed
from jobraad.resources import resource
from jobraad.rule_files import RuleFileError
from tests.helpers import audit_log, consent_input, fields, refused, stored

TODAY = dt.date(2026, 3, 2)
START = dt.date(2026, 1, 5)


@pytest.fixture
def citizen(database: Database) -> int:
    return create_citizen(
        database,
        CitizenInput(
            "Anh", "Nguyễn", "0101621233", aim=Aim.FLEKSJOB, group=VisitationGroup.GRUPPE_3, forloeb_start=START
        ),
    )


def _stored_consents(database: Database) -> list[tuple[object, ...]]:
    with database.reading() as session:
        return [
            (c.source, c.information, c.source_name, c.purpose, c.given_on, c.expires_on, c.withdrawn_on)
            for c in session.scalars(select(Consent).order_by(Consent.id))
        ]


# --- recording ------------------------------------------------------------------------------------


def test_a_consent_is_stored_with_what_it_covers_and_until_when(database: Database, citizen: int) -> None:
    data = consent_input(TODAY - dt.timedelta(days=2), dt.date(2026, 12, 31))
    consents.add_consent(database, citizen, DocumentSource.EGEN_LAEGE, data, TODAY)
    assert _stored_consents(database) == [
        (
            DocumentSource.EGEN_LAEGE,
            "Lægeattest LÆ 265 og journaloplysninger om ryggen",
            "Lægerne på Amagerbrogade",
            "Afklaring af ret til fleksjob – sag hos jobcentret",
            TODAY - dt.timedelta(days=2),
            dt.date(2026, 12, 31),
            None,
        )
    ]
    shown = doc.load_checklist(database, citizen, TODAY).consents[0]
    assert consents.validity_text(shown, TODAY) == "gyldigt til og med 31-12-2026"
    assert audit_log(database)[-1] == ("aendring", citizen, "samtykke")


@pytest.mark.parametrize(
    ("change", "field", "words"),
    [
        ({"information": "  "}, "oplysninger", "hvilke oplysninger"),
        ({"source_name": ""}, "fra hvem", "hvem oplysningerne indhentes fra"),
        ({"purpose": "\n"}, "sag", "hvilken sag"),
        ({"given_on": None}, "givet", "den dag, borgeren gav samtykket"),
        ({"given_on": TODAY + dt.timedelta(days=1)}, "givet", "fremtiden"),
        ({"expires_on": TODAY - dt.timedelta(days=10)}, "gyldig til", "efter den dag"),
        ({"source_name": "L" * 201}, "fra hvem", "højst 200 tegn"),
        ({"information": "x" * 1001}, "oplysninger", "højst 1000 tegn"),
    ],
)
def test_a_missing_or_wrong_part_is_refused_by_name_and_nothing_saved(
    database: Database, citizen: int, change: dict[str, object], field: str, words: str
) -> None:
    data = dataclasses.replace(consent_input(TODAY - dt.timedelta(days=10)), **change)  # type: ignore[arg-type]
    err = refused(database, lambda: consents.add_consent(database, citizen, DocumentSource.EGEN_LAEGE, data, TODAY))
    assert fields(err) == [field]
    assert words in (err.for_field(field) or "")
    assert err.message.startswith("Samtykket er ikke gemt:")


@pytest.mark.parametrize(
    ("field", "text", "wording"),
    [
        ("information", "alle oplysninger", "alle oplysninger"),
        ("information", "ALT", "alt"),
        ("information", "Alle oplysninger fra lægen.", "alle oplysninger"),
        ("information", "Kopi af hele journalen", "hele journalen"),
        ("source_name", "Alle læger og hospitaler", "alle læger"),
        ("purpose", "Til brug for alle sager i kommunen", "alle sager"),
    ],
)
def test_a_general_consent_is_refused_with_pkt_117(
    database: Database, citizen: int, field: str, text: str, wording: str
) -> None:
    data = dataclasses.replace(consent_input(TODAY), **{field: text})  # type: ignore[arg-type]
    err = refused(database, lambda: consents.add_consent(database, citizen, DocumentSource.EGEN_LAEGE, data, TODAY))
    message = err.for_field({"information": "oplysninger", "source_name": "fra hvem", "purpose": "sag"}[field]) or ""
    assert f"»{wording}« gør samtykket generelt" in message
    assert "retssikkerhedsloven § 11 a, stk. 1; retssikkerhedsvejledningen pkt. 117" in message
    assert "hvilke typer oplysninger der indhentes, hvem de indhentes fra, og hvilken sag" in message


def test_a_concrete_consent_using_such_words_inside_other_words_is_kept(database: Database, citizen: int) -> None:
    data = dataclasses.replace(consent_input(TODAY), information="Journaloplysninger om alternativ smertebehandling")
    consents.add_consent(database, citizen, DocumentSource.EGEN_LAEGE, data, TODAY)
    assert _stored_consents(database)[0][1] == "Journaloplysninger om alternativ smertebehandling"


def test_a_suggestion_left_unfinished_is_refused(database: Database, citizen: int) -> None:
    health.add_contact(
        database, citizen, health.ContactInput(ContactKind.EGEN_LAEGE, "Lægerne på Amagerbrogade", "Dr. Holm")
    )
    draft = consent_draft(database, citizen, DocumentSource.EGEN_LAEGE, Aim.FLEKSJOB, TODAY)
    assert draft == ConsentInput(
        information="Lægeattest LÆ 265 og journaloplysninger om …",
        source_name="Lægerne på Amagerbrogade, Dr. Holm",  # the citizen's registered GP
        purpose="Afklaring af ret til fleksjob – sag hos jobcentret",
        given_on=TODAY,
    )
    err = refused(database, lambda: consents.add_consent(database, citizen, DocumentSource.EGEN_LAEGE, draft, TODAY))
    assert fields(err) == ["oplysninger"] and "»…«" in (err.for_field("oplysninger") or "")
    # Without a registered contact of the kind, the caseworker names the source.
    assert consent_draft(database, citizen, DocumentSource.SOF, Aim.REVALIDERING, TODAY).source_name == ""
    assert consent_draft(database, citizen, DocumentSource.SOF, Aim.REVALIDERING, TODAY).purpose == (
        "Afklaring af revalidering – sag hos jobcentret"
    )


# --- validity and withdrawal ----------------------------------------------------------------------


def test_a_consent_covers_only_while_valid_on_the_day() -> None:
    c = ConsentView(1, DocumentSource.EGEN_LAEGE, "LÆ 265", "Lægehuset", "Fleksjob", TODAY, dt.date(2026, 6, 30), None)
    assert c.status(TODAY - dt.timedelta(days=1)) is ConsentStatus.IKKE_BEGYNDT
    assert c.valid_on(TODAY) and c.valid_on(dt.date(2026, 6, 30))  # to and including the end date
    assert c.status(dt.date(2026, 7, 1)) is ConsentStatus.UDLOEBET
    assert consents.validity_text(c, dt.date(2026, 7, 1)) == "udløbet 30-06-2026"
    withdrawn = dataclasses.replace(c, withdrawn_on=dt.date(2026, 4, 1))
    assert withdrawn.valid_on(dt.date(2026, 3, 31)) and not withdrawn.valid_on(dt.date(2026, 4, 1))
    assert withdrawn.status(dt.date(2026, 8, 1)) is ConsentStatus.TILBAGEKALDT
    open_ended = dataclasses.replace(c, expires_on=None)
    assert open_ended.valid_on(dt.date(2030, 1, 1))
    assert consents.validity_text(open_ended, TODAY) == (
        "gyldigt til sagen er afsluttet, eller borgeren tilbagekalder det"
    )


def test_withdrawal_with_a_date_and_its_refusals(database: Database, citizen: int) -> None:
    cid = consents.add_consent(
        database, citizen, DocumentSource.SOF, consent_input(TODAY - dt.timedelta(days=30)), TODAY
    )
    for on, words in ((TODAY - dt.timedelta(days=31), "før samtykket"), (TODAY + dt.timedelta(days=1), "fremtiden")):
        err = refused(database, lambda on=on: consents.withdraw_consent(database, cid, on, TODAY))  # type: ignore[misc]
        assert words in (err.for_field("tilbagekaldt") or "")
    consents.withdraw_consent(database, cid, TODAY - dt.timedelta(days=1), TODAY)
    assert _stored_consents(database)[0][-1] == TODAY - dt.timedelta(days=1)
    err = refused(database, lambda: consents.withdraw_consent(database, cid, TODAY, TODAY))
    assert "allerede tilbagekaldt 01-03-2026" in (err.for_field("tilbagekaldt") or "")
    shown = doc.load_checklist(database, citizen, TODAY).consents
    assert not consents.consent_covers(shown, DocumentSource.SOF, TODAY)
    assert consents.consent_covers(shown, DocumentSource.SOF, TODAY - dt.timedelta(days=2))


def test_the_log_says_a_consent_was_recorded_and_withdrawn_but_not_what_it_covers(
    database: Database, citizen: int
) -> None:
    before = len(audit_log(database))
    cid = consents.add_consent(database, citizen, DocumentSource.HOSPITAL, consent_input(START), TODAY)
    consents.withdraw_consent(database, cid, TODAY, TODAY)
    assert audit_log(database)[before:] == [
        ("aendring", citizen, "regelpakke fastlagt: bek1708_2024"),  # given 05-01-2026: the case's first step
        ("aendring", citizen, "samtykke"),
        ("aendring", citizen, "samtykke trukket tilbage"),
    ]


# --- the consent checklist item -------------------------------------------------------------------


def test_ticking_a_consent_item_needs_its_scope_and_records_it(database: Database, citizen: int) -> None:
    before = stored(database)
    with pytest.raises(ValidationFailed) as info:
        doc.set_state(database, citizen, "samtykke_egen_laege", "", DocumentState.MODTAGET, on=TODAY, today=TODAY)
    assert "hvilke oplysninger, fra hvem og til hvilken sag" in (info.value.for_field("samtykke") or "")
    assert stored(database) == before  # no consent with the item's title as its scope
    general = dataclasses.replace(consent_input(TODAY), information="Alle oplysninger")
    with pytest.raises(ValidationFailed) as info:
        doc.set_state(
            database, citizen, "samtykke_egen_laege", "", DocumentState.MODTAGET, on=TODAY, consent=general, today=TODAY
        )
    assert "pkt. 117" in (info.value.for_field("oplysninger") or "")
    assert stored(database) == before
    doc.set_state(
        database,
        citizen,
        "samtykke_egen_laege",
        "",
        DocumentState.MODTAGET,
        on=TODAY,
        consent=consent_input(TODAY, dt.date(2027, 3, 1)),
        today=TODAY,
    )
    checklist = doc.load_checklist(database, citizen, TODAY)
    assert checklist.entry("samtykke_egen_laege").state == DocumentState.MODTAGET
    [c] = checklist.consents
    assert (c.source, c.information, c.source_name, c.expires_on) == (
        DocumentSource.EGEN_LAEGE,
        "Lægeattest LÆ 265 og journaloplysninger om ryggen",
        "Lægerne på Amagerbrogade",
        dt.date(2027, 3, 1),
    )


def test_health_information_needs_a_consent_valid_on_the_day_it_was_asked_for(database: Database, citizen: int) -> None:
    expired = consent_input(START, TODAY - dt.timedelta(days=5))
    consents.add_consent(database, citizen, DocumentSource.EGEN_LAEGE, expired, TODAY)
    before = stored(database)
    # Received today, not asked for while the consent held: refused.
    with pytest.raises(ValidationFailed) as info:
        doc.set_state(database, citizen, "lae265", "", DocumentState.MODTAGET, on=TODAY, today=TODAY)
    assert "ikke et gyldigt samtykke" in (info.value.for_field("samtykke") or "")
    assert stored(database) == before
    # Asked for while it held: the answer may arrive after it expired.
    asked = TODAY - dt.timedelta(days=20)
    doc.set_state(database, citizen, "lae265", "", DocumentState.ANMODET, on=asked, requested_from="Læge", today=TODAY)
    doc.set_state(database, citizen, "lae265", "", DocumentState.MODTAGET, on=TODAY, today=TODAY)
    assert doc.load_checklist(database, citizen, TODAY).entry("lae265").state == DocumentState.MODTAGET


# --- the rules file -------------------------------------------------------------------------------


def _rules_text() -> str:
    return resource("rules", "consent.toml").read_text(encoding="utf-8")


def test_the_shipped_rules_cite_section_11_a_and_pkt_117() -> None:
    rules = consents.consent_rules()
    assert rules.reference == "retssikkerhedsloven § 11 a, stk. 1; retssikkerhedsvejledningen pkt. 117"
    assert {"alle oplysninger", "alt"} <= {g.phrase for g in rules.general}
    assert all("pkt. 117" in g.source for g in rules.general)
    assert rules.validity_provisional  # no fixed expiry seen as a legal requirement


@pytest.mark.parametrize(
    ("old", "new", "words"),
    [
        ('status = "bekræftet"', 'status = "måske"', "[citation]: ukendt værdi «måske» for «status»"),
        ('phrase = "alt"\n', 'phrase = "alt"\ncolour = "rød"\n', "[[general]] nr. 1: ukendt nøgle «colour»"),
        ('without_expiry = "til sagen', 'without_expiry = 3 # "til sagen', "«without_expiry» skal være en tekst"),
        ('phrase = "alt"\nmatch = "hele"', 'phrase = "alt"\nmatch = "ligner"', "ukendt værdi «ligner» for «match»"),
        ('consent_for = "egen_laege"', 'consent_for = "naboen"', "ukendt værdi «naboen» for «consent_for»"),
    ],
)
def test_a_wrong_rules_file_is_refused_whole_naming_the_file(old: str, new: str, words: str) -> None:
    text = _rules_text()
    assert old in text
    with pytest.raises(RuleFileError) as info:
        parse_consent_rules(text.replace(old, new, 1))
    assert info.value.message.startswith("Regelfilen consent.toml, ") and words in info.value.message


def test_a_rules_entry_without_a_source_is_refused() -> None:
    text = _rules_text()
    start = text.index("[[general]]")
    end = text.index("status", start)
    source_line = text[text.index("source", start) : end]
    with pytest.raises(RuleFileError, match=r"^Regelfilen consent.toml, \[\[general\]\] nr. 1: «source» mangler"):
        parse_consent_rules(text[:start] + text[start:end].replace(source_line, "") + text[end:])
