"""Psychiatry and alcohol or drug treatment are their own kinds of contact (and sources of
information), not filed under hospital or SOF: stored as such, asked and consented to apart,
and named as such in the dossier."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from db.enums import Aim, ContactKind, DocumentSource
from db.models import PartnerContact
from db.session import Database
from jobraad import consents, health
from jobraad.citizens import CitizenInput, create_citizen
from jobraad.consents import covering_consent
from jobraad.document_requests import LETTER_RECIPIENTS, consent_draft, request_contact
from jobraad.health import ContactInput
from jobraad.letters import RECIPIENT_KINDS
from jobraad.vocab import CONTACT_LABELS, SOURCE_LABELS, parse_label
from tests.helpers import consent_input
from tests.jobraad.test_dossier import add_case, flat, make, page_texts

TODAY = dt.date(2026, 3, 2)


@pytest.fixture
def citizen(database: Database) -> int:
    return add_case(database, "Anh", "Nguyen", "0101621233", weeks=2, received=0, meeting=False)


def _add_all(database: Database, citizen: int) -> None:
    health.add_contact(database, citizen, ContactInput(ContactKind.HOSPITAL, "Hvidovre Hospital"))
    health.add_contact(database, citizen, ContactInput(ContactKind.SOF, "Socialcenter Amager"))
    health.add_contact(database, citizen, ContactInput(ContactKind.SUF, "Forebyggelsescenter Nørrebro"))
    health.add_contact(database, citizen, ContactInput(ContactKind.PSYKIATRI, "Distriktspsykiatrien Amager"))
    health.add_contact(database, citizen, ContactInput(ContactKind.MISBRUGSBEHANDLING, "Rusmiddelcenter Kbh"))


def test_each_kind_is_stored_as_its_own_and_listed_by_its_own_name(database: Database, citizen: int) -> None:
    _add_all(database, citizen)
    with database.reading() as session:
        stored = dict(
            session.execute(
                select(PartnerContact.name, PartnerContact.kind).where(PartnerContact.citizen_id == citizen)
            ).all()
        )
    assert stored["Distriktspsykiatrien Amager"] is ContactKind.PSYKIATRI
    assert stored["Rusmiddelcenter Kbh"] is ContactKind.MISBRUGSBEHANDLING
    assert stored["Forebyggelsescenter Nørrebro"] is ContactKind.SUF
    shown = [(CONTACT_LABELS[c.kind], c.name) for c in health.list_contacts(database, citizen)]
    assert ("Psykiatri", "Distriktspsykiatrien Amager") in shown
    assert ("Misbrugsbehandling", "Rusmiddelcenter Kbh") in shown
    assert ("SUF", "Forebyggelsescenter Nørrebro") in shown
    # Typed in an import or a search as the user writes it.
    assert parse_label(ContactKind, CONTACT_LABELS, "psykiatri") is ContactKind.PSYKIATRI
    assert parse_label(ContactKind, CONTACT_LABELS, "Misbrugsbehandling") is ContactKind.MISBRUGSBEHANDLING


def test_a_request_to_psychiatry_or_addiction_treatment_goes_to_that_contact(database: Database, citizen: int) -> None:
    _add_all(database, citizen)
    to = {s: request_contact(database, citizen, s) for s in DocumentSource}
    assert to[DocumentSource.PSYKIATRI] is not None and to[DocumentSource.PSYKIATRI].name == (
        "Distriktspsykiatrien Amager"
    )
    assert to[DocumentSource.MISBRUGSBEHANDLING] is not None
    assert to[DocumentSource.MISBRUGSBEHANDLING].name == "Rusmiddelcenter Kbh"
    assert to[DocumentSource.HOSPITAL] is not None and to[DocumentSource.HOSPITAL].name == "Hvidovre Hospital"
    assert to[DocumentSource.SOF] is not None and to[DocumentSource.SOF].name == "Socialcenter Amager"
    assert to[DocumentSource.SUF] is not None and to[DocumentSource.SUF].name == "Forebyggelsescenter Nørrebro"
    # A letter names the partner by its own name.
    assert RECIPIENT_KINDS["psykiatri"] == "psykiatrien"
    assert RECIPIENT_KINDS["misbrugsbehandling"] == "misbrugsbehandlingen"
    assert LETTER_RECIPIENTS[DocumentSource.PSYKIATRI].contact is ContactKind.PSYKIATRI


def test_a_consent_for_psychiatry_is_its_own_and_does_not_cover_the_hospital(database: Database) -> None:
    citizen = create_citizen(database, CitizenInput("Łucja", "Wąsik", "1505801234", aim=Aim.FLEKSJOB))
    _add_all(database, citizen)
    draft = consent_draft(database, citizen, DocumentSource.PSYKIATRI, Aim.FLEKSJOB, TODAY)
    assert draft.source_name == "Distriktspsykiatrien Amager"
    assert "psykiatrien" in draft.information
    given = consent_input(
        TODAY,
        information="Epikriser fra psykiatrien om forløbet 2024-2025",
        source_name=draft.source_name,
    )
    consents.add_consent(database, citizen, DocumentSource.PSYKIATRI, given, TODAY)
    with database.reading() as session:
        stored = consents.read_consents(session, citizen)
    assert [(c.source, c.source_name) for c in stored] == [(DocumentSource.PSYKIATRI, "Distriktspsykiatrien Amager")]
    assert covering_consent(stored, DocumentSource.PSYKIATRI, TODAY) is not None
    assert covering_consent(stored, DocumentSource.HOSPITAL, TODAY) is None
    assert covering_consent(stored, DocumentSource.SOF, TODAY) is None


def test_the_dossier_names_psychiatry_and_addiction_treatment(database: Database, citizen: int) -> None:
    _add_all(database, citizen)
    data, _info = make(database, citizen)
    text = flat(" ".join(page_texts(data)))
    assert "Psykiatri Distriktspsykiatrien Amager" in text or "Psykiatri: Distriktspsykiatrien Amager" in text
    assert "Misbrugsbehandling" in text and "Rusmiddelcenter Kbh" in text
    # Among the treaters, beside the hospital.
    treaters = text[text.index("Behandlere:") :][:300]
    assert "Psykiatri: Distriktspsykiatrien Amager" in treaters
    assert "Misbrugsbehandling: Rusmiddelcenter Kbh" in treaters
    assert "Hospital: Hvidovre Hospital" in treaters


def test_every_kind_and_source_has_a_danish_label() -> None:
    assert set(CONTACT_LABELS) == set(ContactKind)
    assert set(SOURCE_LABELS) == set(DocumentSource)
