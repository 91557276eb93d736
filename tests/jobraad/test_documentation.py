"""The documentation checklist: states and their history, the consent rule,
next steps, and readiness at its edges."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from db.enums import Aim, DocumentSource, DocumentState, MeetingKind, PlacementKind, VisitationGroup
from db.models import (
    AuditEntry,
    CaseText,
    Citizen,
    Consent,
    DocumentationItem,
    DocumentEvent,
    Forloeb,
    GoalProgress,
    JournalNote,
    Meeting,
    Placement,
    TeamWorkflow,
)
from db.session import Database
from jobraad import consents
from jobraad import documentation as doc
from jobraad.attachments import add_attachment_bytes
from jobraad.case_texts import save_case_texts
from jobraad.caseload import caseload_rows
from jobraad.citizens import CitizenInput, create_citizen
from jobraad.errors import ValidationFailed
from jobraad.overview import load_overview
from jobraad.rulepacks import RulePack, get_pack
from jobraad.visitation import DueKind
from tests.helpers import complete_case, consent_input

TODAY = dt.date(2026, 3, 2)  # inside the BEK 47/2026 pack's period
START = dt.date(2026, 1, 5)
JULY = dt.date(2026, 7, 6)  # lov 1750's second part (samlet beskrivelse) applies from 1 July 2026


@pytest.fixture
def citizen(database: Database) -> int:
    return create_citizen(
        database,
        CitizenInput(
            "Søren", "Ærø", "0101621233", aim=Aim.FLEKSJOB, group=VisitationGroup.GRUPPE_3, forloeb_start=START
        ),
    )


def _set(database: Database, cid: int, item: str, state: DocumentState, **kw: object) -> None:
    doc.set_state(database, cid, item, "", state, today=TODAY, **kw)  # type: ignore[arg-type]


def test_checklist_follows_the_default_pack_and_the_aim(database: Database, citizen: int) -> None:
    checklist = doc.load_checklist(database, citizen, TODAY)
    assert checklist.pack.id == "bek47_2026" and not checklist.pack_chosen and checklist.pack_since is None
    ids = [e.item.id for e in checklist.entries]
    assert "lae265" in ids and "fleksjob_arbejdsevne" in ids
    assert "fp_ressourceforloeb" not in ids  # førtidspension only
    assert all(e.state == DocumentState.MANGLER for e in checklist.entries)


def test_the_first_documentation_step_records_the_pack_and_the_case_keeps_it(database: Database, citizen: int) -> None:
    _set(database, citizen, "indsatser_afproevet", DocumentState.MODTAGET, on=TODAY)
    later = dt.date(2026, 12, 4)  # lov 1750's samlet beskrivelse applies to new cases by then
    checklist = doc.load_checklist(database, citizen, later)
    assert (checklist.pack.id, checklist.pack_chosen, checklist.pack_since) == ("bek47_2026", True, TODAY)
    assert doc.default_pack_for(later).id == "l1750_2026"
    with database.reading() as session:
        assert session.get(Citizen, citizen).rule_pack == "bek47_2026"  # type: ignore[union-attr]
        details = session.scalars(select(AuditEntry.detail).where(AuditEntry.citizen_id == citizen)).all()
    assert "regelpakke fastlagt: bek47_2026" in details


def test_changing_the_pack_needs_a_reason_and_is_journalled(database: Database, citizen: int) -> None:
    with pytest.raises(ValidationFailed) as info:
        doc.set_rule_pack(database, citizen, "l1750_2026", "  ", today=TODAY)
    assert "Skriv hvorfor" in (info.value.for_field("begrundelse") or "")
    assert not doc.load_checklist(database, citizen, TODAY).pack_chosen  # nothing changed
    doc.set_rule_pack(database, citizen, "l1750_2026", "Mødet holdes efter 1. juli 2026", today=TODAY)
    checklist = doc.load_checklist(database, citizen, TODAY)
    assert (checklist.pack.id, checklist.pack_chosen, checklist.pack_since) == ("l1750_2026", True, TODAY)
    with database.reading() as session:
        notes = session.scalars(select(JournalNote.text).where(JournalNote.citizen_id == citizen)).all()
        details = session.scalars(select(AuditEntry.detail).where(AuditEntry.citizen_id == citizen)).all()
    assert any("til l1750_2026" in n and "Mødet holdes efter 1. juli 2026" in n for n in notes)
    assert "regelpakke ændret: ingen -> l1750_2026" in details
    assert not any("Mødet" in d for d in details)  # the reason stays out of the log


def test_a_pack_without_the_cases_aim_is_refused(database: Database) -> None:
    cid = create_citizen(database, CitizenInput("R", "F", "0303701234", aim=Aim.RESSOURCEFORLOEB))
    with pytest.raises(ValidationFailed) as info:
        doc.set_rule_pack(database, cid, "bek47_2026", "Forsøg", today=TODAY)
    assert "ingen punkter for sigtet «Ressourceforløb»" in (info.value.for_field("regelpakke") or "")
    doc.set_rule_pack(database, cid, "bek1708_2024", "Forløbet begyndte i 2025", today=TODAY)
    assert doc.load_checklist(database, cid, TODAY).readiness.required > 0  # its checklist is back


def test_opening_records_the_pack_of_cases_documented_before_packs_were_recorded(
    database: Database, citizen: int
) -> None:
    """Schema 0002 added the column; cases documented before have none, or a renamed id."""
    other = create_citizen(database, CitizenInput("O", "P", "0404701234", aim=Aim.FLEKSJOB))
    untouched = create_citizen(database, CitizenInput("U", "T", "0505701234", aim=Aim.FLEKSJOB))
    with database.transaction() as session:
        session.add(
            DocumentationItem(
                citizen_id=citizen,
                item_key="lae265",
                state=DocumentState.MODTAGET,
                requested_on=dt.date(2025, 11, 3),
                received_on=dt.date(2025, 12, 1),
            )
        )
        session.add(
            Consent(
                citizen_id=citizen, source=DocumentSource.EGEN_LAEGE, information="x", given_on=dt.date(2025, 10, 1)
            )
        )
        session.add(DocumentationItem(citizen_id=other, item_key="lae265", state=DocumentState.MANGLER))
        session.get(Citizen, other).rule_pack = "reform_2025"  # type: ignore[union-attr]
    assert doc.record_missing_packs(database) == 2
    assert doc.record_missing_packs(database) == 0  # once
    with database.reading() as session:
        first, renamed, none = (session.get(Citizen, c) for c in (citizen, other, untouched))
        assert (first.rule_pack, first.rule_pack_since) == ("bek1708_2024", dt.date(2025, 10, 1))  # type: ignore[union-attr]
        assert renamed.rule_pack == "l1750_2026"  # type: ignore[union-attr]
        assert none.rule_pack == ""  # type: ignore[union-attr]  # no documentation: not started
        details = session.scalars(select(AuditEntry.detail)).all()
    assert "regelpakke fastlagt ved opdatering: bek1708_2024" in details
    assert "regelpakke omdøbt: reform_2025 -> l1750_2026" in details


def test_lae265_older_than_the_pack_allows_at_the_meeting_is_not_ready(database: Database, citizen: int) -> None:
    pack = get_pack("bek47_2026")
    with database.transaction() as session:
        _stored_complete(session, citizen, pack, START)
    assert doc.load_checklist(database, citizen, TODAY).readiness.ready  # 56 days old today
    meeting = START + dt.timedelta(days=pack.lae265_max_age.value + 1)
    with database.transaction() as session:
        session.add(
            Meeting(
                citizen_id=citizen,
                kind=MeetingKind.REHABILITERINGSTEAM,
                starts_at=dt.datetime.combine(meeting, dt.time(10)),
            )
        )
    r = doc.load_checklist(database, citizen, TODAY).readiness
    assert not r.ready and r.missing == ()
    (problem,) = r.problems
    assert problem.startswith("LÆ 265 er for gammel: 93 dage gammel ved mødet") and "foreløbig" in problem
    assert r.label.endswith("LÆ 265 for gammel")


def _stored_complete(session: Session, citizen: int, pack: RulePack, day: dt.date) -> None:
    """Rows of a complete case as an earlier release or an import leaves them: every required
    item received on `day` (outside documents on paper), texts written, consents given before."""
    for item in pack.items_for(Aim.FLEKSJOB):
        if item.required and not item.texts:  # without placements, the statement is one line
            session.add(
                DocumentationItem(
                    citizen_id=citizen,
                    item_key=item.id,
                    state=DocumentState.MODTAGET,
                    received_on=day,
                    on_paper_reason="I papirsagen" if pack.needs_file(item) else "",
                )
            )
        for section in item.texts:
            session.merge(CaseText(citizen_id=citizen, section=section, text="Skrevet."))
    for source in (
        DocumentSource.EGEN_LAEGE,
        DocumentSource.SOF,
        DocumentSource.SUF,
        DocumentSource.SUNDHEDSKOORDINATOR,
    ):
        session.add(Consent(citizen_id=citizen, source=source, information="x", given_on=day - dt.timedelta(days=30)))
    session.flush()
    session.get(Citizen, citizen).rule_pack = pack.id  # type: ignore[union-attr]


def test_health_request_refused_without_consent_and_nothing_saved(database: Database, citizen: int) -> None:
    with pytest.raises(ValidationFailed) as info:
        _set(database, citizen, "lae265", DocumentState.ANMODET, on=TODAY, requested_from="Læge Hansen")
    assert "samtykke" in (info.value.for_field("samtykke") or "")
    with database.reading() as session:
        assert session.scalars(select(DocumentationItem)).all() == []


def test_consent_item_received_unlocks_the_request(database: Database, citizen: int) -> None:
    given = TODAY - dt.timedelta(days=3)
    _set(database, citizen, "samtykke_egen_laege", DocumentState.MODTAGET, on=given, consent=consent_input(given))
    _set(database, citizen, "lae265", DocumentState.ANMODET, on=TODAY, requested_from="Læge Hansen")
    entry = doc.load_checklist(database, citizen, TODAY).entry("lae265")
    assert entry.state == DocumentState.ANMODET
    assert entry.requested_from == "Læge Hansen"
    assert entry.expected_by == TODAY + dt.timedelta(days=get_pack("bek2408_2021").item("lae265").answer_days)
    with database.reading() as session:
        assert session.scalars(select(Consent.source)).all() == [DocumentSource.EGEN_LAEGE]


def test_consent_must_be_valid_on_the_request_date(database: Database, citizen: int) -> None:
    cid = consents.add_consent(
        database, citizen, DocumentSource.EGEN_LAEGE, consent_input(TODAY - dt.timedelta(days=60)), TODAY
    )
    consents.withdraw_consent(database, cid, TODAY - dt.timedelta(days=1), TODAY)
    with pytest.raises(ValidationFailed):
        _set(database, citizen, "lae265", DocumentState.ANMODET, on=TODAY, requested_from="Læge Hansen")
    # The day before the withdrawal the consent still covered it.
    _set(database, citizen, "lae265", DocumentState.ANMODET, on=TODAY - dt.timedelta(days=2), requested_from="L")


def test_history_of_changes(database: Database, citizen: int) -> None:
    _set(database, citizen, "indsatser_afproevet", DocumentState.ANMODET, on=TODAY, requested_from="Borger")
    _set(database, citizen, "indsatser_afproevet", DocumentState.MODTAGET, on=TODAY, note="CV fra workshop")
    _set(database, citizen, "indsatser_afproevet", DocumentState.MANGLER)
    entry = doc.load_checklist(database, citizen, TODAY).entry("indsatser_afproevet")
    assert [(e.from_state, e.to_state) for e in entry.events] == [
        (None, DocumentState.ANMODET),
        (DocumentState.ANMODET, DocumentState.MODTAGET),
        (DocumentState.MODTAGET, DocumentState.MANGLER),
    ]
    assert entry.events[1].note == "CV fra workshop"
    assert entry.received_on is None and entry.requested_on is None
    with database.reading() as session:
        details = session.scalars(select(AuditEntry.detail).where(AuditEntry.action == "aendring")).all()
    assert details.count("dokumentation") == 3


@pytest.mark.parametrize(
    ("state", "kwargs", "field"),
    [
        (DocumentState.IKKE_RELEVANT, {}, "begrundelse"),
        (DocumentState.MODTAGET, {}, "dato"),
        (DocumentState.MODTAGET, {"on": TODAY + dt.timedelta(days=1)}, "dato"),
        (DocumentState.ANMODET, {"on": TODAY}, "hvem"),
        (
            DocumentState.ANMODET,
            {"on": TODAY, "requested_from": "X", "expected_by": TODAY - dt.timedelta(days=1)},
            "forventet",
        ),
    ],
)
def test_bad_state_changes_refused(
    database: Database, citizen: int, state: DocumentState, kwargs: dict, field: str
) -> None:  # type: ignore[type-arg]
    with pytest.raises(ValidationFailed) as info:
        _set(database, citizen, "indsatser_afproevet", state, **kwargs)
    assert info.value.for_field(field)
    with database.reading() as session:
        assert session.scalars(select(DocumentEvent)).all() == []


def test_unknown_item_refused(database: Database, citizen: int) -> None:
    with pytest.raises(ValidationFailed):
        _set(database, citizen, "no_such_item", DocumentState.MODTAGET, on=TODAY)


def _complete_all_but(database: Database, citizen: int, keep: set[str]) -> None:
    complete_case(database, citizen, TODAY, keep=keep, given_on=START)


def test_readiness_at_its_edges(database: Database, citizen: int) -> None:
    checklist = doc.load_checklist(database, citizen, TODAY)
    required = sum(1 for e in checklist.entries if e.item.required)
    r = checklist.readiness
    assert (r.required, r.done, r.ready) == (required, 0, False)
    assert r.label == f"0/{required}"

    _complete_all_but(database, citizen, {"lae265"})
    r = doc.load_checklist(database, citizen, TODAY).readiness
    assert not r.ready
    assert len(r.missing) == 1 and r.missing[0].startswith("Lægeattest LÆ 265")
    assert r.label == f"{required - 1}/{required}"

    # Set aside with a reason counts as done; recommended items never block.
    _set(database, citizen, "lae265", DocumentState.IKKE_RELEVANT, reason="Nyere speciallægeerklæring dækker")
    r = doc.load_checklist(database, citizen, TODAY).readiness
    assert r.ready and r.label == "klar" and r.missing == ()
    steps = doc.next_steps(doc.load_checklist(database, citizen, TODAY), TODAY)
    assert steps[-1].priority == 5


def test_overdue_request_in_readiness_next_steps_and_caseload(database: Database, citizen: int) -> None:
    consents.add_consent(database, citizen, DocumentSource.EGEN_LAEGE, consent_input(START), TODAY)
    asked = TODAY - dt.timedelta(days=40)
    _set(database, citizen, "lae265", DocumentState.ANMODET, on=asked, requested_from="Læge Hansen")
    checklist = doc.load_checklist(database, citizen, TODAY)
    r = checklist.readiness
    assert r.overdue == 1 and r.label.endswith(", 1 forsinket")
    steps = doc.next_steps(checklist, TODAY)
    overdue_steps = [s for s in steps if s.priority == 2]
    assert len(overdue_steps) == 1 and "Ryk Læge Hansen" in overdue_steps[0].text
    late = (TODAY - doc.answer_due(get_pack("bek47_2026").item("lae265"), asked)).days  # on a working day
    assert f"{late} dage over" in overdue_steps[0].text
    with database.reading() as session:
        row = caseload_rows(session, TODAY)[0]
    assert row.readiness is not None and row.readiness.overdue == 1
    assert any(d.kind is DueKind.DOKUMENTATION and d.title.startswith("Svar mangler: Lægeattest") for d in row.due)
    # The Overblik shows the same readiness beside the citizen's deadlines.
    (due,) = [c for section in load_overview(database, TODAY).sections.values() for c in section]
    assert due.readiness == checklist.readiness


def test_next_steps_put_consent_first_and_list_parallel_requests(database: Database, citizen: int) -> None:
    steps = doc.next_steps(doc.load_checklist(database, citizen, TODAY), TODAY)
    assert steps[0].priority == 1 and "samtykke" in steps[0].text.lower()
    consent_sources = [s.text for s in steps if s.priority == 1]
    assert any("Egen læge" in t for t in consent_sources)
    can_do = [s for s in steps if s.priority == 3]
    assert any("Uddannelse" in s.text or "CV" in s.text for s in can_do)
    assert not any(s.entry is not None and s.entry.item.id == "lae265" for s in can_do)  # blocked by consent


def test_employer_statement_per_placement(database: Database, citizen: int) -> None:
    with database.transaction() as session:
        for name in ("Føtex Amager", "Plejecenter Bispebjerg"):
            session.add(
                Placement(
                    citizen_id=citizen,
                    kind=PlacementKind.VIRKSOMHEDSPRAKTIK,
                    employer_name=name,
                    start_date=START,
                )
            )
        session.add(
            Placement(citizen_id=citizen, kind=PlacementKind.SNUSEPRAKTIK, employer_name="Netto", start_date=START)
        )
    entries = [e for e in doc.load_checklist(database, citizen, TODAY).entries if e.item.per_placement]
    assert [e.instance_label.split(" (")[0] for e in entries] == ["Føtex Amager", "Plejecenter Bispebjerg"]
    doc.set_state(
        database, citizen, entries[0].item.id, entries[0].instance, DocumentState.MODTAGET, on=TODAY, today=TODAY
    )
    again = [e for e in doc.load_checklist(database, citizen, TODAY).entries if e.item.per_placement]
    assert [e.state for e in again] == [DocumentState.MODTAGET, DocumentState.MANGLER]


def test_aim_without_requirements_has_no_readiness_label(database: Database) -> None:
    cid = create_citizen(database, CitizenInput("A", "B", "0202701234", aim=Aim.JOB, forloeb_start=START))
    checklist = doc.load_checklist(database, cid, TODAY)
    assert checklist.entries == ()
    assert checklist.readiness.label == ""


# --- readiness, one rule for the checklist, the caseload and the team export ------------------------


def _readiness_everywhere(database: Database, cid: int) -> doc.Readiness:
    """The readiness the checklist shows, after checking that the caseload shows the same."""
    checklist = doc.load_checklist(database, cid, TODAY)
    with database.reading() as session:
        (row,) = caseload_rows(session, TODAY, [cid])
    assert row.readiness == checklist.readiness
    return checklist.readiness


def test_readiness_of_statements_per_placement(database: Database, citizen: int) -> None:
    pack = get_pack("bek2408_2021")
    statement = pack.item("praktik_udtalelse").title
    late = TODAY - dt.timedelta(days=1)
    with database.transaction() as session:
        places = {
            name: Placement(citizen_id=citizen, kind=kind, employer_name=name, start_date=start)
            for name, kind, start in (
                ("Føtex", PlacementKind.VIRKSOMHEDSPRAKTIK, START),
                ("Netto", PlacementKind.SNUSEPRAKTIK, START),  # no statement after a snusepraktik
                ("Bageriet", PlacementKind.LOENTILSKUD, TODAY),
            )
        }
        session.add_all(places.values())
        session.flush()

        def stored(key: str, instance: str, state: DocumentState, expected_by: dt.date | None = None) -> None:
            item = DocumentationItem(citizen_id=citizen, item_key=key, instance=instance, state=state)
            item.expected_by = expected_by
            session.add(item)

        stored("praktik_udtalelse", f"placement-{places['Føtex'].id}", DocumentState.ANMODET, late)
        stored("praktik_udtalelse", f"placement-{places['Netto'].id}", DocumentState.MODTAGET)
        stored("praktik_udtalelse", f"placement-{places['Bageriet'].id}", DocumentState.MODTAGET)
        stored("praktik_udtalelse", "", DocumentState.MODTAGET)  # not a line while there are placements
        stored("lae265", "", DocumentState.ANMODET, late)
        stored("samtykke_egen_laege", "", DocumentState.IKKE_RELEVANT)
    r = _readiness_everywhere(database, citizen)
    # 21 required lines for fleksjob; the statement, one of them, twice (Føtex, Bageriet). The
    # Bageriet statement is received but not attached, so the team would not get it.
    assert (r.required, r.done, r.overdue) == (22, 1, 2)
    assert r.label == "1/22, 2 forsinket, samtykke mangler"  # the LÆ 265 is asked with no consent
    assert f"{statement} – Føtex (fra 05-01-2026)" in r.missing
    assert f"{statement} – Bageriet (fra {TODAY:%d-%m-%Y}) – modtaget, men ikke vedhæftet" in r.missing
    assert not any("Netto" in title for title in r.missing)


def test_the_pack_does_not_follow_a_later_forloeb(database: Database) -> None:
    """Before, the pack was worked out from the current forløb's start on every read, so a
    new forløb moved a case documented under one set of rules to another."""
    cid = create_citizen(
        database,
        CitizenInput("A", "B", "0202701234", aim=Aim.FLEKSJOB, group=VisitationGroup.GRUPPE_3, forloeb_start=START),
    )
    _set(database, cid, "indsatser_afproevet", DocumentState.MODTAGET, on=TODAY)
    with database.transaction() as session:
        session.add(Forloeb(citizen_id=cid, group=VisitationGroup.GRUPPE_3, start_date=JULY))
    later = JULY + dt.timedelta(days=7)
    assert doc.load_checklist(database, cid, later).pack.id == "bek47_2026"
    assert _readiness_everywhere(database, cid).required == 21


def test_readiness_lists_placements_of_one_day_in_the_order_entered(database: Database, citizen: int) -> None:
    with database.transaction() as session:
        for name in ("Zoologisk Have", "Aldi", "Magasin"):
            session.add(
                Placement(
                    citizen_id=citizen, kind=PlacementKind.VIRKSOMHEDSPRAKTIK, employer_name=name, start_date=START
                )
            )
    checklist = doc.load_checklist(database, citizen, TODAY)
    statements = [e.title for e in checklist.entries if e.item.id == "praktik_udtalelse"]
    assert [t.split(" – ")[1].split(" (")[0] for t in statements] == ["Zoologisk Have", "Aldi", "Magasin"]
    assert [t for t in _readiness_everywhere(database, citizen).missing if t in statements] == statements


def test_an_oplagt_foertidspension_case_is_decided_without_the_team(database: Database) -> None:
    """BEK § 1, stk. 3: the kommune may decide an oplagt førtidspension case without the team;
    the forberedende del, the LÆ 265 and klinisk funktion's advice still apply."""
    cid = create_citizen(database, CitizenInput("F", "P", "0606701234", aim=Aim.FOERTIDSPENSION))
    with pytest.raises(ValidationFailed) as info:
        doc.set_pension_without_team(database, cid, True, "", today=TODAY)
    assert "Skriv hvorfor sagen er oplagt" in (info.value.for_field("begrundelse") or "")
    doc.set_pension_without_team(database, cid, True, "Fremadskridende ALS", today=TODAY)
    checklist = doc.load_checklist(database, cid, TODAY)
    assert checklist.without_team
    assert checklist.ready_text == "Klar til afgørelse uden rehabiliteringsteamet (oplagt sag)"
    ids = {e.item.id for e in checklist.entries}
    assert {"lae265", "sundhedskoordinator", "fd_helbred"} <= ids  # §§ 2-4 and § 19, stk. 2 still apply
    with database.reading() as session:
        notes = session.scalars(select(JournalNote.text).where(JournalNote.citizen_id == cid)).all()
        details = session.scalars(select(AuditEntry.detail).where(AuditEntry.citizen_id == cid)).all()
    assert any("oplagt sag" in n and "Fremadskridende ALS" in n for n in notes)
    assert "behandlingsvej ændret" in details
    assert not any("ALS" in d or "oplagt" in d or "pension" in d for d in details)  # grave illness stays out


def test_only_a_foertidspension_case_under_a_team_pack_can_be_oplagt(database: Database, citizen: int) -> None:
    with pytest.raises(ValidationFailed) as info:
        doc.set_pension_without_team(database, citizen, True, "Oplagt", today=TODAY)  # a fleksjob case
    assert "Kun en sag om førtidspension" in (info.value.for_field("sigte") or "")
    cid = create_citizen(database, CitizenInput("F", "P", "0606701234", aim=Aim.FOERTIDSPENSION))
    doc.set_rule_pack(database, cid, "l1750_2026", "Efter reformen", today=TODAY)
    with pytest.raises(ValidationFailed) as info:
        doc.set_pension_without_team(database, cid, True, "Oplagt", today=TODAY)
    assert "forelægges ingen sager for et rehabiliteringsteam" in (info.value.for_field("regelpakke") or "")
    with database.reading() as session:
        assert not session.get(Citizen, cid).pension_without_team  # type: ignore[union-attr]


def test_changing_the_aim_from_foertidspension_ends_the_oplagt_path(database: Database) -> None:
    from jobraad.citizens import input_from, update_citizen

    cid = create_citizen(database, CitizenInput("F", "P", "0606701234", aim=Aim.FOERTIDSPENSION))
    doc.set_pension_without_team(database, cid, True, "Oplagt", today=TODAY)
    with database.reading() as session:
        data = input_from(session.get(Citizen, cid))  # type: ignore[arg-type]
    update_citizen(database, cid, dataclasses.replace(data, aim=Aim.FLEKSJOB), today=TODAY)
    with database.reading() as session:
        assert not session.get(Citizen, cid).pension_without_team  # type: ignore[union-attr]


def test_a_decided_case_is_judged_by_the_lae265_it_was_decided_on(database: Database, citizen: int) -> None:
    """After the decision the certificate grows old, but the case is not 'not ready' for it:
    its LÆ 265 is judged at the meeting that decided it (or the day the decision was recorded)."""
    with database.transaction() as session:
        session.add(
            DocumentationItem(citizen_id=citizen, item_key="lae265", state=DocumentState.MODTAGET, received_on=START)
        )
        session.add(Consent(citizen_id=citizen, source=DocumentSource.EGEN_LAEGE, information="x", given_on=START))
        session.get(Citizen, citizen).rule_pack = "bek47_2026"  # type: ignore[union-attr]
    later = START + dt.timedelta(days=400)
    assert doc.load_checklist(database, citizen, later).readiness.problems  # nothing decided: judged today
    decided = START + dt.timedelta(days=20)
    with database.transaction() as session:
        forloeb = session.scalars(select(Forloeb).where(Forloeb.citizen_id == citizen)).one()
        session.add(GoalProgress(forloeb_id=forloeb.id, goal_key="rehab_afgjort", reached_on=decided))
    assert doc.load_checklist(database, citizen, later).readiness.problems == ()


def test_a_decision_in_an_earlier_forloeb_does_not_make_an_old_lae265_current(database: Database, citizen: int) -> None:
    """A case decided long ago and now in a new forløb is judged today, not at that old decision."""
    with database.transaction() as session:
        session.add(
            DocumentationItem(citizen_id=citizen, item_key="lae265", state=DocumentState.MODTAGET, received_on=START)
        )
        session.add(Consent(citizen_id=citizen, source=DocumentSource.EGEN_LAEGE, information="x", given_on=START))
        session.get(Citizen, citizen).rule_pack = "bek47_2026"  # type: ignore[union-attr]
        session.add(
            Meeting(
                citizen_id=citizen,
                kind=MeetingKind.REHABILITERINGSTEAM,
                starts_at=dt.datetime.combine(START + dt.timedelta(days=10), dt.time(10)),
                workflow=TeamWorkflow(decided_on=START + dt.timedelta(days=10)),
            )
        )
    later = START + dt.timedelta(days=400)
    assert doc.load_checklist(database, citizen, later).readiness.problems == ()  # decided in this forløb
    with database.transaction() as session:
        session.add(
            Forloeb(citizen_id=citizen, group=VisitationGroup.GRUPPE_3, start_date=later - dt.timedelta(days=30))
        )
    (problem,) = doc.load_checklist(database, citizen, later).readiness.problems
    assert "gammel i dag" in problem


def test_a_back_dated_first_step_records_the_pack_of_its_own_day(database: Database, citizen: int) -> None:
    """The tried measures documented on 20-01-2026 (under BEK 1708/2024), entered on 02-03-2026 (BEK 47/2026)."""
    _set(database, citizen, "indsatser_afproevet", DocumentState.MODTAGET, on=dt.date(2026, 1, 20))
    checklist = doc.load_checklist(database, citizen, TODAY)
    assert (checklist.pack.id, checklist.pack_since) == ("bek1708_2024", dt.date(2026, 1, 20))


def test_a_consent_item_cannot_be_undone_while_its_consent_is_valid(database: Database, citizen: int) -> None:
    """Else the checklist would say the consent is missing while requests still go out on it."""
    given = TODAY - dt.timedelta(days=3)
    _set(database, citizen, "samtykke_egen_laege", DocumentState.MODTAGET, on=given, consent=consent_input(given))
    with pytest.raises(ValidationFailed) as info:
        _set(database, citizen, "samtykke_egen_laege", DocumentState.MANGLER)
    assert "Tilbagekald det under Samtykker" in (info.value.for_field("samtykke") or "")
    assert doc.load_checklist(database, citizen, TODAY).entry("samtykke_egen_laege").state == DocumentState.MODTAGET
    (consent,) = doc.load_checklist(database, citizen, TODAY).consents
    consents.withdraw_consent(database, consent.consent_id, TODAY, TODAY)
    _set(database, citizen, "samtykke_egen_laege", DocumentState.MANGLER)
    assert doc.load_checklist(database, citizen, TODAY).entry("samtykke_egen_laege").state == DocumentState.MANGLER


def test_rows_recorded_under_another_pack_stay_in_view_after_a_change(database: Database, citizen: int) -> None:
    """Changing the pack (or opening an old file) must hide nothing that was recorded: here a
    row an earlier release ticked for the CV section, which is now written as text."""
    save_case_texts(database, citizen, {"uddannelse_cv": "Folkeskole, lager 2008-2019."}, today=TODAY)
    with database.transaction() as session:
        session.add(DocumentationItem(citizen_id=citizen, item_key="fd_uddannelse_cv", state=DocumentState.MODTAGET))
    doc.set_rule_pack(database, citizen, "l1750_2026", "Mødet holdes efter 1. juli", today=TODAY)
    checklist = doc.load_checklist(database, citizen, TODAY)
    outside = [e for e in checklist.entries if e.outside]
    assert [(e.item.id, e.state) for e in outside] == [("fd_uddannelse_cv", DocumentState.MODTAGET)]
    assert outside[0].title.endswith("(registreret under Rehabiliteringsteam – BEK 47/2026 (lov 1750, 1. del))")
    assert "fd_uddannelse_cv" not in {e.item.id for e in checklist.entries if not e.outside}
    assert checklist.readiness.done == 0  # shown, not counted under the new pack
    assert not any("Uddannelse og erfaring" in s.text for s in doc.next_steps(checklist, TODAY))


def test_opening_an_old_file_picks_the_pack_its_rows_were_recorded_under(database: Database, citizen: int) -> None:
    """Before packs were recorded, rows were made under the pack the program showed then."""
    with database.transaction() as session:
        for key, day in (("sb_helbred", dt.date(2026, 9, 1)), ("sb_forsoergelse", dt.date(2026, 9, 2))):
            session.add(
                DocumentationItem(citizen_id=citizen, item_key=key, state=DocumentState.MODTAGET, received_on=day)
            )
        session.add(
            DocumentationItem(
                citizen_id=citizen, item_key="fd_uddannelse_cv", state=DocumentState.MODTAGET, received_on=START
            )
        )
    doc.record_missing_packs(database)
    checklist = doc.load_checklist(database, citizen, dt.date(2026, 12, 4))
    assert checklist.pack.id == "l1750_2026"  # two of its rows are sb_*; the day (05-01-2026) gave BEK 1708
    assert {e.item.id for e in checklist.entries if e.outside} == {"fd_uddannelse_cv"}


# --- readiness from content (issue 17) ------------------------------------------------------------


def test_a_written_section_is_in_place_by_its_text_and_cannot_be_ticked(database: Database, citizen: int) -> None:
    """The forberedende del's points follow the texts: 'Modtaget' while the text is empty was a lie."""
    with pytest.raises(ValidationFailed) as info:
        _set(database, citizen, "fd_helbred", DocumentState.MODTAGET, on=TODAY)
    assert "når teksten er skrevet" in (info.value.for_field("punkt") or "")
    entry = doc.load_checklist(database, citizen, TODAY).entry("fd_helbred")
    assert (entry.state, entry.from_text) == (DocumentState.MANGLER, True)
    assert "Helbredssituation: sygdomme, igangværende undersøgelser og behandling – ikke skrevet" in (
        _readiness_everywhere(database, citizen).missing
    )
    save_case_texts(database, citizen, {"helbred": "Diskusprolaps 2023, opereret 2024; smerter ved løft."}, today=TODAY)
    entry = doc.load_checklist(database, citizen, TODAY).entry("fd_helbred")
    assert entry.state == DocumentState.MODTAGET and entry.done
    assert not any(m.startswith("Helbredssituation") for m in _readiness_everywhere(database, citizen).missing)
    save_case_texts(database, citizen, {"helbred": "   "}, today=TODAY)  # emptied again: missing again
    assert doc.load_checklist(database, citizen, TODAY).entry("fd_helbred").state == DocumentState.MANGLER


def test_received_is_not_attached_until_a_file_or_paper_says_so(database: Database, citizen: int) -> None:
    complete_case(database, citizen, TODAY, on_paper=False)
    r = _readiness_everywhere(database, citizen)
    assert not r.ready
    assert "Lægeattest LÆ 265 fra egen læge – modtaget, men ikke vedhæftet" in r.missing
    steps = doc.next_steps(doc.load_checklist(database, citizen, TODAY), TODAY)
    assert any(s.text.startswith("Vedhæft «Lægeattest LÆ 265") for s in steps)
    # A file attached to the LÆ 265 puts it in place; the others are kept on paper.
    row_id = doc.load_checklist(database, citizen, TODAY).entry("lae265").record_id
    assert row_id is not None
    add_attachment_bytes(database, citizen, "lae265.pdf", _tiny_pdf(), item_id=row_id)
    for e in doc.load_checklist(database, citizen, TODAY).entries:
        if e.unfiled:
            doc.set_on_paper(database, citizen, e.item.id, e.instance, "Modtaget med posten", today=TODAY)
    r = _readiness_everywhere(database, citizen)
    assert r.ready, r.missing
    entry = doc.load_checklist(database, citizen, TODAY).entry("sof_oplysninger")
    assert entry.on_paper_reason == "Modtaget med posten" and entry.events[-1].note == "På papir: Modtaget med posten"
    # Asked again (no longer received), the paper mark goes with the receipt.
    _set(database, citizen, "sof_oplysninger", DocumentState.ANMODET, on=TODAY, requested_from="SOF Amager")
    assert doc.load_checklist(database, citizen, TODAY).entry("sof_oplysninger").on_paper_reason == ""


def test_paper_needs_a_received_document(database: Database, citizen: int) -> None:
    with pytest.raises(ValidationFailed) as info:
        doc.set_on_paper(database, citizen, "lae265", "", "I papirsagen", today=TODAY)
    assert "ikke modtaget" in (info.value.for_field("punkt") or "")


def test_a_request_whose_consent_was_withdrawn_keeps_the_case_from_ready(database: Database, citizen: int) -> None:
    complete_case(database, citizen, TODAY, keep={"lae265"})
    _set(
        database, citizen, "lae265", DocumentState.ANMODET, on=TODAY - dt.timedelta(days=5), requested_from="Læge Holm"
    )
    for consent in doc.load_checklist(database, citizen, TODAY).consents:  # the item's consent and the helper's
        if consent.source is DocumentSource.EGEN_LAEGE:
            consents.withdraw_consent(database, consent.consent_id, TODAY, TODAY)
    r = _readiness_everywhere(database, citizen)
    (problem,) = r.problems
    assert problem.startswith("Samtykke mangler: samtykket til oplysninger fra Egen læge gælder ikke længere")
    assert "stop anmodningen om «Lægeattest LÆ 265 fra egen læge»" in problem
    assert r.label.endswith("samtykke mangler")


def test_the_jobcentres_own_parts_are_required_but_outside_the_forberedende_del(
    database: Database, citizen: int
) -> None:
    checklist = doc.load_checklist(database, citizen, TODAY)
    own = [e for e in checklist.entries if e.item.section == "jobcentret"]
    assert [(e.item.id, e.item.texts) for e in own] == [
        ("jc_vurdering", ("vurdering",)),
        ("jc_forslag", ("indstilling",)),
    ]
    complete_case(database, citizen, TODAY, keep={"jc_forslag"})
    r = _readiness_everywhere(database, citizen)
    assert r.missing == ("Jobcentrets forslag til indstilling – ikke skrevet",)


def _tiny_pdf() -> bytes:
    import io

    from reportlab.pdfgen import canvas

    out = io.BytesIO()
    page = canvas.Canvas(out)
    page.drawString(72, 720, "LÆ 265")
    page.save()
    return out.getvalue()
