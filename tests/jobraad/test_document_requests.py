"""Requests for a checklist item's documentation, without any window: what an item
allows, which consent covers a request, whom it goes to, and the request letter written
and marked in one transaction."""

from __future__ import annotations

import datetime as dt
import errno
import os
from pathlib import Path

import pytest
from pypdf import PdfReader

from db.enums import Aim, ContactKind, DocumentSource, DocumentState, VisitationGroup
from db.errors import StorageError
from db.models import Citizen
from db.session import Database
from jobraad import attachments, consents, documentation, health, settings
from jobraad.audit import audit_rows
from jobraad.citizens import CitizenInput, create_citizen
from jobraad.consents import ConsentView, consent_covers, covering_consent
from jobraad.document_requests import (
    LETTER_RECIPIENTS,
    ItemAction,
    allowed_actions,
    case_purpose,
    request_contact,
)
from jobraad.letters import (
    RECIPIENT_KINDS,
    LetterDraft,
    LetterRefused,
    draft_request_letter,
    make_request_letter,
)
from tests.helpers import consent_input

TODAY = dt.date(2026, 3, 2)
CPR = "1505801234"
PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x02\x00\x00\x00\x90wS\xde"
    b"\x00\x00\x00\x0cIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00\x00\x00\x00IEND\xaeB`\x82"
)


@pytest.fixture
def citizen(database: Database) -> int:
    return create_citizen(
        database,
        CitizenInput(
            "Łucja",
            "Wąsik",
            CPR,
            aim=Aim.FOERTIDSPENSION,
            group=VisitationGroup.GRUPPE_3,
            forloeb_start=dt.date(2026, 1, 5),
        ),
    )


def _entry(database: Database, citizen_id: int, item_id: str) -> documentation.ChecklistEntry:
    return documentation.load_checklist(database, citizen_id, TODAY).entry(item_id)


def _printed(database: Database) -> int:
    with database.reading() as session:
        rows = audit_rows(session, CPR)
    return sum(1 for _at, label, detail, _who in rows if (label, detail) == ("Udskrift", "anmodningsbrev"))


# --- what an item allows ------------------------------------------------------------------------


def test_actions_follow_the_items_state_attachments_and_source(database: Database, citizen: int) -> None:
    basic = {ItemAction.REQUEST, ItemAction.RECEIVE, ItemAction.SET_ASIDE, ItemAction.ATTACH}
    # Written as text by the jobcenter: written (with a file, if one goes with it), never ticked.
    assert allowed_actions(_entry(database, citizen, "fd_uddannelse_cv")) == {ItemAction.WRITE, ItemAction.ATTACH}
    assert allowed_actions(_entry(database, citizen, "indsatser_afproevet")) == basic  # no letter to anyone
    assert allowed_actions(_entry(database, citizen, "lae265")) == basic | {ItemAction.LETTER}
    record = documentation.ensure_item(database, citizen, "lae265")
    attachments.add_attachment_bytes(database, citizen, "lae265.png", PNG, record)
    consents.add_consent(database, citizen, DocumentSource.EGEN_LAEGE, consent_input(TODAY), TODAY)
    documentation.set_state(database, citizen, "lae265", "", DocumentState.MODTAGET, on=TODAY, today=TODAY)
    assert allowed_actions(_entry(database, citizen, "lae265")) == basic | {
        ItemAction.LETTER,
        ItemAction.RESET,
        ItemAction.VIEW_ATTACHMENT,
        ItemAction.REMOVE_ATTACHMENT,
    }


def test_every_letter_recipient_is_named_in_the_letter() -> None:
    assert set(RECIPIENT_KINDS) == {source.value for source in LETTER_RECIPIENTS}


# --- consents -----------------------------------------------------------------------------------


def _consent(
    consent_id: int, given: dt.date, *, expires: dt.date | None = None, withdrawn: dt.date | None = None
) -> ConsentView:
    return ConsentView(
        consent_id, DocumentSource.EGEN_LAEGE, "LÆ 265", "Lægehuset", "Fleksjob", given, expires, withdrawn
    )


def test_the_newest_valid_consent_covers_a_request() -> None:
    old = _consent(1, dt.date(2025, 6, 1))
    newer = _consent(2, dt.date(2026, 1, 10), expires=dt.date(2026, 2, 28))
    withdrawn = _consent(3, dt.date(2026, 2, 1), withdrawn=dt.date(2026, 2, 20))
    consents = (old, newer, withdrawn)
    assert covering_consent(consents, DocumentSource.EGEN_LAEGE, dt.date(2026, 2, 15)) == withdrawn
    assert covering_consent(consents, DocumentSource.EGEN_LAEGE, dt.date(2026, 2, 25)) == newer
    assert covering_consent(consents, DocumentSource.EGEN_LAEGE, TODAY) == old
    assert covering_consent(consents, DocumentSource.SOF, TODAY) is None
    assert covering_consent(consents, DocumentSource.EGEN_LAEGE, dt.date(2025, 5, 31)) is None
    assert consent_covers(consents, DocumentSource.EGEN_LAEGE, TODAY)
    assert not consent_covers(consents, DocumentSource.EGEN_LAEGE, dt.date(2025, 5, 31))


# --- whom a request goes to, and what for -------------------------------------------------------


def test_a_request_goes_to_the_registered_contact(database: Database, citizen: int) -> None:
    assert request_contact(database, citizen, DocumentSource.EGEN_LAEGE) is None
    health.add_contact(database, citizen, health.ContactInput(ContactKind.EGEN_LAEGE, "Lægerne på Amagerbrogade"))
    health.add_contact(database, citizen, health.ContactInput(ContactKind.SOF, "Socialcenter Nørrebro"))
    contact = request_contact(database, citizen, DocumentSource.EGEN_LAEGE)
    assert contact is not None and contact.name == "Lægerne på Amagerbrogade"
    assert request_contact(database, citizen, DocumentSource.JOBCENTER) is None


def test_the_purpose_of_a_request_follows_the_aim() -> None:
    assert case_purpose(Aim.FLEKSJOB) == "afklaring af ret til fleksjob"
    assert case_purpose(Aim.JOB) is None


# --- the request letter -------------------------------------------------------------------------


@pytest.fixture
def ready(database: Database, citizen: int) -> int:
    """A GP registered, a consent covering the GP, the caseworker's name set."""
    consents.add_consent(database, citizen, DocumentSource.EGEN_LAEGE, consent_input(dt.date(2026, 2, 20)), TODAY)
    health.add_contact(database, citizen, health.ContactInput(ContactKind.EGEN_LAEGE, "Lægerne på Amagerbrogade"))
    settings.set_settings(database, {"caseworker_name": "Søren Ærø"})
    return citizen


def test_draft_is_filled_from_the_case(database: Database, ready: int) -> None:
    assert draft_request_letter(database, ready, "lae265", today=TODAY) == LetterDraft(
        recipient_name="Lægerne på Amagerbrogade",
        recipient_unit="",
        recipient_secure_mail="",
        what="Lægeattest LÆ 265 fra egen læge",
        purpose="afklaring af ret til førtidspension",
        answer_by=TODAY + dt.timedelta(days=30),  # the agreed answer time for LÆ 261/265
        caseworker="Søren Ærø",
        mark_requested=True,
    )


def test_no_draft_for_a_health_request_without_consent(database: Database, citizen: int) -> None:
    with pytest.raises(LetterRefused, match="Registrér samtykket først"):
        draft_request_letter(database, citizen, "lae265", today=TODAY)


def test_letter_and_request_are_stored_together(database: Database, ready: int, tmp_path: Path) -> None:
    path = tmp_path / "brev.pdf"
    draft = draft_request_letter(database, ready, "lae265", today=TODAY)
    make_request_letter(database, ready, "lae265", "", draft, path, today=TODAY)
    text = PdfReader(path).pages[0].extract_text()
    assert "Łucja Wąsik" in text and "20-02-2026" in " ".join(text.split())  # the consent it rests on
    entry = _entry(database, ready, "lae265")
    assert (entry.state, entry.requested_on, entry.expected_by) == (DocumentState.ANMODET, TODAY, draft.answer_by)
    assert [e.note for e in entry.events] == ["Anmodningsbrev lavet"]
    assert _printed(database) == 1


def test_a_failed_write_rolls_the_request_back(
    database: Database, ready: int, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def disk_full(*_args: object) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    draft = draft_request_letter(database, ready, "lae265", today=TODAY)
    monkeypatch.setattr(os, "replace", disk_full)
    folder = tmp_path / "breve"
    folder.mkdir()
    with pytest.raises(StorageError):
        make_request_letter(database, ready, "lae265", "", draft, folder / "brev.pdf", today=TODAY)
    entry = _entry(database, ready, "lae265")
    assert (entry.state, entry.events) == (DocumentState.MANGLER, ())
    assert _printed(database) == 0
    assert list(folder.iterdir()) == []


def test_a_letter_does_not_move_an_item_already_received(database: Database, ready: int, tmp_path: Path) -> None:
    documentation.set_state(database, ready, "lae265", "", DocumentState.MODTAGET, on=TODAY, today=TODAY)
    draft = draft_request_letter(database, ready, "lae265", today=TODAY)
    assert not draft.mark_requested
    make_request_letter(
        database, ready, "lae265", "", _with(draft, mark_requested=True), tmp_path / "brev.pdf", today=TODAY
    )
    assert _entry(database, ready, "lae265").state == DocumentState.MODTAGET
    assert (tmp_path / "brev.pdf").exists()


def test_no_letter_without_a_covering_consent(database: Database, ready: int, tmp_path: Path) -> None:
    draft = draft_request_letter(database, ready, "lae265", today=TODAY)
    consent = documentation.load_checklist(database, ready, TODAY).consents[0]
    consents.withdraw_consent(database, consent.consent_id, TODAY, TODAY)
    with pytest.raises(LetterRefused):
        make_request_letter(database, ready, "lae265", "", draft, tmp_path / "brev.pdf", today=TODAY)
    assert _entry(database, ready, "lae265").state == DocumentState.MANGLER
    assert list(tmp_path.glob("*.pdf")) == []


def _with(draft: LetterDraft, **changes: object) -> LetterDraft:
    import dataclasses

    return dataclasses.replace(draft, **changes)  # type: ignore[arg-type]


# --- deadlines on working days ----------------------------------------------------------------------------------


def test_a_letter_whose_answer_time_ends_on_juledag_asks_for_the_next_working_day(
    database: Database, ready: int, tmp_path: Path
) -> None:
    days = _entry(database, ready, "lae265").item.answer_days
    letter_day = dt.date(2026, 12, 25) - dt.timedelta(days=days)
    assert letter_day + dt.timedelta(days=days) == dt.date(2026, 12, 25)  # juledag; 2. juledag; a Sunday
    draft = draft_request_letter(database, ready, "lae265", today=letter_day)
    assert draft.answer_by == dt.date(2026, 12, 28)
    path = tmp_path / "brev.pdf"
    make_request_letter(database, ready, "lae265", "", draft, path, today=letter_day)
    assert "Vi beder om svar senest 28-12-2026." in " ".join(PdfReader(path).pages[0].extract_text().split())
    entry = documentation.load_checklist(database, ready, letter_day).entry("lae265")
    assert entry.expected_by == dt.date(2026, 12, 28)


def test_a_request_whose_answer_is_due_on_a_saturday_is_expected_on_monday(database: Database, ready: int) -> None:
    days = _entry(database, ready, "lae265").item.answer_days
    requested = dt.date(2026, 3, 28) - dt.timedelta(days=days)  # the answer falls on a Saturday
    documentation.set_state(
        database, ready, "lae265", "", DocumentState.ANMODET, on=requested, requested_from="Egen læge", today=TODAY
    )
    assert _entry(database, ready, "lae265").expected_by == dt.date(2026, 3, 30)


@pytest.mark.parametrize(
    ("aim", "cited", "not_cited"),
    [
        (Aim.FOERTIDSPENSION, "jf. lov om social pension §§ 16-19.", "aktiv beskæftigelsesindsats"),
        (Aim.FLEKSJOB, "jf. lov om en aktiv beskæftigelsesindsats §§ 116 og 118.", "social pension"),
    ],
)
def test_the_letter_cites_the_act_the_case_is_decided_under(
    database: Database, ready: int, tmp_path: Path, aim: Aim, cited: str, not_cited: str
) -> None:
    """Førtidspension is decided under lov om social pension, not LAB (the case's pack says which)."""
    with database.transaction() as session:
        session.get(Citizen, ready).aim = aim  # type: ignore[union-attr]
    draft = draft_request_letter(database, ready, "lae265", today=TODAY)
    path = tmp_path / "brev.pdf"
    make_request_letter(database, ready, "lae265", "", draft, path, today=TODAY)
    text = " ".join(" ".join(page.extract_text().split()) for page in PdfReader(path).pages)
    assert cited in text and not_cited not in text
    assert "forberedelsen af sagen til rehabiliteringsteamet" in text  # BEK 47/2026: the team still decides
