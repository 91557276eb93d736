"""The sundhedskoordinator's notes and the partner contacts: what is stored, how
skånehensyn are split and joined, which skånehensyn are current, the order of
lists, every refusal with its Danish message, that a refusal changes nothing,
and audit entries that never hold content."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest

from db.enums import ContactKind, HealthNoteKind
from db.models import Citizen, HealthNote, PartnerContact
from db.session import Database
from jobraad import audit, health
from jobraad.citizens import CitizenInput, CitizenNotFound, create_citizen
from jobraad.errors import UserFacingError
from jobraad.health import ContactInput, ContactView, HealthNoteInput, HealthNoteView
from jobraad.records import RecordNotFound
from tests.helpers import audit_log, fields, new_audit, refused, stored

D = dt.date
TODAY = dt.date.today()
CPR = "010170-1234"
DAY = D(2026, 1, 12)
HK = HealthNoteKind
CK = ContactKind


# --- helpers -------------------------------------------------------------------


def new_citizen(database: Database, first: str = "Søren", last: str = "Ærø", cpr: str = CPR) -> int:
    return create_citizen(database, CitizenInput(first_name=first, last_name=last, cpr=cpr))


@pytest.fixture
def citizen(database: Database) -> int:
    return new_citizen(database)


def note(
    day: dt.date = DAY,
    skaane: list[str] | None = None,
    conditions: str = "Slidgigt i knæ",
    kind: HealthNoteKind = HK.HELBREDSGENNEMGANG,
) -> HealthNoteInput:
    return HealthNoteInput(day, kind, conditions=conditions, skaanehensyn=list(skaane or []))


def column(database: Database, note_id: int) -> str:
    with database.reading() as session:
        row = session.get(HealthNote, note_id)
        assert row is not None
        return row.skaanehensyn


# --- health notes: storing and reading -------------------------------------------------


def test_a_health_note_is_stored_trimmed_with_every_field(database: Database, citizen: int) -> None:
    before = len(audit_log(database))
    note_id = health.add_health_note(
        database,
        citizen,
        HealthNoteInput(
            D(2026, 1, 12),
            HK.TREPARTSSAMTALE,
            coordinator="  Læge Hanne Vinther ",
            conditions=" Slidgigt i begge knæ.\nForhøjet blodtryk. ",
            functional_limits="\nKan stå højst 20 minutter ad gangen.\n",
            skaanehensyn=[" Ingen tunge løft ", "Mulighed for pauser"],
            recommendations="  Afprøv siddende arbejde 10 timer om ugen.  ",
        ),
    )

    expected = HealthNoteView(
        note_id,
        D(2026, 1, 12),
        HK.TREPARTSSAMTALE,
        "Læge Hanne Vinther",
        "Slidgigt i begge knæ.\nForhøjet blodtryk.",
        "Kan stå højst 20 minutter ad gangen.",
        ("Ingen tunge løft", "Mulighed for pauser"),
        "Afprøv siddende arbejde 10 timer om ugen.",
    )
    assert health.list_health_notes(database, citizen) == [expected]
    with database.reading() as session:
        row = session.get(HealthNote, note_id)
        assert row is not None
        assert (row.citizen_id, row.note_date, row.kind, row.coordinator) == (
            citizen,
            D(2026, 1, 12),
            HK.TREPARTSSAMTALE,
            "Læge Hanne Vinther",
        )
        assert row.skaanehensyn == "Ingen tunge løft\nMulighed for pauser"
    assert new_audit(database, before) == [(audit.Action.CHANGE, citizen, "sundhedskoordinator")]


@pytest.mark.parametrize("kind", list(HealthNoteKind))
def test_every_kind_of_health_note_round_trips(database: Database, citizen: int, kind: HealthNoteKind) -> None:
    note_id = health.add_health_note(database, citizen, note(kind=kind))

    assert [(n.note_id, n.kind) for n in health.list_health_notes(database, citizen)] == [(note_id, kind)]


def test_skaanehensyn_are_split_into_lines_stripped_and_blank_lines_dropped(database: Database, citizen: int) -> None:
    note_id = health.add_health_note(
        database,
        citizen,
        note(
            skaane=[
                "  Ingen tunge løft ",
                "",
                "   ",
                "Korte pauser\n\n   Siddende arbejde  ",
                "\tIngen natarbejde\r\n",
            ]
        ),
    )

    assert column(database, note_id) == "Ingen tunge løft\nKorte pauser\nSiddende arbejde\nIngen natarbejde"
    assert health.list_health_notes(database, citizen)[0].skaanehensyn == (
        "Ingen tunge løft",
        "Korte pauser",
        "Siddende arbejde",
        "Ingen natarbejde",
    )


def test_a_stored_column_with_blank_lines_and_spaces_reads_back_clean(database: Database, citizen: int) -> None:
    # Rows written by other code (demo data, an older version) may be less tidy.
    with database.transaction() as session:
        row = HealthNote(
            citizen_id=citizen,
            note_date=D(2026, 1, 5),
            kind=HK.HELBREDSGENNEMGANG,
            skaanehensyn="\n  Ingen løft  \r\n\n\t\nKorte pauser\n  ",
        )
        session.add(row)

    assert health.list_health_notes(database, citizen)[0].skaanehensyn == ("Ingen løft", "Korte pauser")
    assert health.current_skaanehensyn(database, citizen) == ["Ingen løft", "Korte pauser"]


def test_a_note_without_skaanehensyn_stores_an_empty_column(database: Database, citizen: int) -> None:
    note_id = health.add_health_note(database, citizen, note(skaane=["", "  "]))

    assert column(database, note_id) == ""
    assert health.list_health_notes(database, citizen)[0].skaanehensyn == ()


def test_split_skaanehensyn() -> None:
    assert health.split_skaanehensyn([" a ", "", "b\n\n c ", "\r\n"]) == ["a", "b", "c"]
    assert health.split_skaanehensyn([]) == []


def test_health_notes_are_listed_newest_first(database: Database, citizen: int) -> None:
    old = health.add_health_note(database, citizen, note(D(2025, 11, 3)))
    new = health.add_health_note(database, citizen, note(D(2026, 2, 9)))
    mid_first = health.add_health_note(database, citizen, note(D(2026, 1, 12)))
    mid_second = health.add_health_note(database, citizen, note(D(2026, 1, 12)))

    assert [n.note_id for n in health.list_health_notes(database, citizen)] == [new, mid_second, mid_first, old]


def test_health_notes_of_other_citizens_are_not_listed(database: Database, citizen: int) -> None:
    other = new_citizen(database, "Anna", "Berg", "020280-1234")
    health.add_health_note(database, other, note(skaane=["Ingen løft"]))

    assert health.list_health_notes(database, citizen) == []
    assert health.current_skaanehensyn(database, citizen) == []
    assert [n.skaanehensyn for n in health.list_health_notes(database, other)] == [("Ingen løft",)]


# --- current skånehensyn ---------------------------------------------------------------


def test_no_notes_means_no_current_skaanehensyn(database: Database, citizen: int) -> None:
    assert health.current_skaanehensyn(database, citizen) == []
    health.add_health_note(database, citizen, note(skaane=[]))
    assert health.current_skaanehensyn(database, citizen) == []


def test_current_skaanehensyn_come_from_the_newest_note_that_has_any(database: Database, citizen: int) -> None:
    health.add_health_note(database, citizen, note(D(2025, 10, 1), ["Gammelt hensyn"]))
    health.add_health_note(database, citizen, note(D(2026, 1, 12), ["Ingen tunge løft", "Korte pauser"]))
    # Entered later, but about an earlier meeting: not the newest.
    health.add_health_note(database, citizen, note(D(2025, 12, 1), ["Glemt notat"]))

    assert health.current_skaanehensyn(database, citizen) == ["Ingen tunge løft", "Korte pauser"]


def test_a_newer_note_without_skaanehensyn_does_not_blank_them(database: Database, citizen: int) -> None:
    health.add_health_note(database, citizen, note(D(2026, 1, 12), ["Ingen tunge løft"]))
    health.add_health_note(
        database, citizen, HealthNoteInput(D(2026, 2, 9), HK.SAGSDROEFTELSE, recommendations="Ressourceforløb")
    )

    assert health.list_health_notes(database, citizen)[0].skaanehensyn == ()
    assert health.current_skaanehensyn(database, citizen) == ["Ingen tunge løft"]


def test_a_newer_note_with_skaanehensyn_replaces_them(database: Database, citizen: int) -> None:
    health.add_health_note(database, citizen, note(D(2026, 1, 12), ["Ingen tunge løft"]))
    newest = health.add_health_note(database, citizen, note(D(2026, 2, 9), ["Kun formiddage"]))

    assert health.current_skaanehensyn(database, citizen) == ["Kun formiddage"]

    health.delete_health_note(database, newest)

    assert health.current_skaanehensyn(database, citizen) == ["Ingen tunge løft"]


def test_the_later_entered_of_two_notes_on_one_day_wins(database: Database, citizen: int) -> None:
    health.add_health_note(database, citizen, note(D(2026, 1, 12), ["Først"]))
    health.add_health_note(database, citizen, note(D(2026, 1, 12), ["Sidst"]))

    assert health.current_skaanehensyn(database, citizen) == ["Sidst"]


def test_current_skaanehensyn_are_without_repeats_in_the_order_written(database: Database, citizen: int) -> None:
    health.add_health_note(
        database,
        citizen,
        note(skaane=["Korte pauser", " Ingen løft", "", "Korte pauser ", "Siddende arbejde", "Ingen løft"]),
    )

    assert health.current_skaanehensyn(database, citizen) == ["Korte pauser", "Ingen løft", "Siddende arbejde"]
    # The note itself keeps what was written.
    assert len(health.list_health_notes(database, citizen)[0].skaanehensyn) == 5


# --- health notes: refusals ----------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        (note(day=None), "dato", "Notatet skal have en dato."),  # type: ignore[arg-type]
        (note(day=dt.datetime(2026, 1, 12, 9, 0)), "dato", "Notatet skal have en dato."),
        (note(day=TODAY + dt.timedelta(days=1)), "dato", "Datoen ligger i fremtiden."),
        (note(kind="helbred"), "type", "Vælg en type notat."),  # type: ignore[arg-type]
        (HealthNoteInput(D(2026, 1, 12), HK.WORKSHOP), "notat", "Notatet er tomt."),
        (
            HealthNoteInput(
                D(2026, 1, 12),
                HK.WORKSHOP,
                coordinator="Læge Hanne Vinther",
                conditions="  ",
                functional_limits="\n",
                skaanehensyn=["", " ", "\n"],
                recommendations="\t",
            ),
            "notat",
            "Notatet er tomt.",
        ),
        (
            HealthNoteInput(D(2026, 1, 12), HK.WORKSHOP, coordinator="x" * 201, conditions="Gigt"),
            "sundhedskoordinator",
            "Højst 200 tegn (nu 201).",
        ),
        (note(conditions="a" * 20_001), "helbredsforhold", "Højst 20.000 tegn (nu 20.001)."),
        (
            HealthNoteInput(D(2026, 1, 12), HK.WORKSHOP, functional_limits="a" * 20_001),
            "funktionsbegrænsninger",
            "Højst 20.000 tegn (nu 20.001).",
        ),
        (
            HealthNoteInput(D(2026, 1, 12), HK.WORKSHOP, recommendations="a" * 20_001),
            "anbefalinger",
            "Højst 20.000 tegn (nu 20.001).",
        ),
        (
            note(skaane=["Kort", "x" * 201, "Også kort", "y" * 300]),
            "skånehensyn",
            "Højst 200 tegn pr. skånehensyn (for langt: nr. 2, 4).",
        ),
        (note(skaane=[f"Hensyn {n}" for n in range(31)]), "skånehensyn", "Højst 30 skånehensyn (nu 31)."),
    ],
)
def test_a_wrong_health_note_is_refused(
    database: Database, citizen: int, data: HealthNoteInput, field: str, message: str
) -> None:
    err = refused(database, lambda: health.add_health_note(database, citizen, data))

    assert fields(err) == [field]
    assert err.for_field(field) == message
    assert str(err).startswith("Notatet er ikke gemt:")


def test_the_limits_themselves_are_accepted(database: Database, citizen: int) -> None:
    data = HealthNoteInput(
        TODAY,
        HK.HELBREDSGENNEMGANG,
        coordinator="k" * 200,
        conditions="a" * 20_000,
        functional_limits="b" * 20_000,
        skaanehensyn=["x" * 200] + [f"Hensyn {n}" for n in range(29)] + ["", "  "],
        recommendations="c" * 20_000,
    )
    health.add_health_note(database, citizen, data)

    [view] = health.list_health_notes(database, citizen)
    assert view.note_date == TODAY
    assert len(view.skaanehensyn) == 30
    assert (len(view.conditions), len(view.functional_limits), len(view.recommendations)) == (20_000,) * 3


@pytest.mark.parametrize(
    "data",
    [
        HealthNoteInput(D(2026, 1, 12), HK.WORKSHOP, conditions="Gigt"),
        HealthNoteInput(D(2026, 1, 12), HK.WORKSHOP, functional_limits="Kan ikke løfte"),
        HealthNoteInput(D(2026, 1, 12), HK.WORKSHOP, skaanehensyn=["Ingen løft"]),
        HealthNoteInput(D(2026, 1, 12), HK.WORKSHOP, recommendations="Fleksjob"),
    ],
)
def test_any_one_filled_field_makes_a_note(database: Database, citizen: int, data: HealthNoteInput) -> None:
    health.add_health_note(database, citizen, data)

    assert len(health.list_health_notes(database, citizen)) == 1


def test_several_problems_are_reported_together(database: Database, citizen: int) -> None:
    data = HealthNoteInput(TODAY + dt.timedelta(days=3), HK.WORKSHOP, coordinator="x" * 201)

    err = refused(database, lambda: health.add_health_note(database, citizen, data))

    assert fields(err) == ["dato", "sundhedskoordinator", "notat"]


# --- health notes: updating and deleting ---------------------------------------------------


def test_updating_a_health_note_changes_every_field_and_a_refused_update_keeps_it(
    database: Database, citizen: int
) -> None:
    note_id = health.add_health_note(database, citizen, note(D(2026, 1, 12), ["Ingen løft"]))
    before = len(audit_log(database))

    health.update_health_note(
        database,
        note_id,
        HealthNoteInput(
            D(2026, 1, 19),
            HK.SAGSDROEFTELSE,
            coordinator="Læge Ole Friis",
            conditions="Depression",
            functional_limits="Nedsat koncentration",
            skaanehensyn=["Stille arbejdsplads", " Faste opgaver "],
            recommendations="Ressourceforløb",
        ),
    )
    refused(
        database, lambda: health.update_health_note(database, note_id, HealthNoteInput(D(2026, 1, 19), HK.WORKSHOP))
    )

    assert health.list_health_notes(database, citizen) == [
        HealthNoteView(
            note_id,
            D(2026, 1, 19),
            HK.SAGSDROEFTELSE,
            "Læge Ole Friis",
            "Depression",
            "Nedsat koncentration",
            ("Stille arbejdsplads", "Faste opgaver"),
            "Ressourceforløb",
        )
    ]
    assert health.current_skaanehensyn(database, citizen) == ["Stille arbejdsplads", "Faste opgaver"]
    assert new_audit(database, before) == [(audit.Action.CHANGE, citizen, "sundhedskoordinator")]


def test_a_refused_update_reports_the_change_was_not_saved(database: Database, citizen: int) -> None:
    note_id = health.add_health_note(database, citizen, note())

    err = refused(database, lambda: health.update_health_note(database, note_id, note(TODAY + dt.timedelta(days=1))))

    assert str(err).startswith("Ændringerne er ikke gemt:")


def test_deleting_a_health_note(database: Database, citizen: int) -> None:
    keep = health.add_health_note(database, citizen, note(D(2026, 1, 5)))
    gone = health.add_health_note(database, citizen, note(D(2026, 1, 12)))
    before = len(audit_log(database))

    health.delete_health_note(database, gone)

    assert [n.note_id for n in health.list_health_notes(database, citizen)] == [keep]
    with database.reading() as session:
        assert session.get(HealthNote, gone) is None
    assert new_audit(database, before) == [(audit.Action.CHANGE, citizen, "sundhedskoordinator slettet")]


# --- contacts ------------------------------------------------------------------------


def test_a_contact_is_stored_trimmed_with_every_field(database: Database, citizen: int) -> None:
    before = len(audit_log(database))
    contact_id = health.add_contact(
        database,
        citizen,
        ContactInput(
            CK.EGEN_LAEGE,
            "  Lægerne på Amagerbrogade ",
            " Praksis 4 ",
            " +45 32 12 34 56 ",
            " klinik@amagerlaeger.dk ",
        ),
    )

    expected = ContactView(
        contact_id, CK.EGEN_LAEGE, "Lægerne på Amagerbrogade", "Praksis 4", "+45 32 12 34 56", "klinik@amagerlaeger.dk"
    )
    assert health.list_contacts(database, citizen) == [expected]
    assert health.contact_for(database, citizen, CK.EGEN_LAEGE) == expected
    with database.reading() as session:
        row = session.get(PartnerContact, contact_id)
        assert row is not None
        assert (row.citizen_id, row.kind, row.name, row.unit, row.phone, row.secure_mail) == (
            citizen,
            CK.EGEN_LAEGE,
            "Lægerne på Amagerbrogade",
            "Praksis 4",
            "+45 32 12 34 56",
            "klinik@amagerlaeger.dk",
        )
    assert new_audit(database, before) == [(audit.Action.CHANGE, citizen, "kontakt")]


@pytest.mark.parametrize("kind", list(ContactKind))
def test_every_kind_of_contact_round_trips(database: Database, citizen: int, kind: ContactKind) -> None:
    contact_id = health.add_contact(database, citizen, ContactInput(kind, "Navn"))

    assert health.list_contacts(database, citizen) == [ContactView(contact_id, kind, "Navn", "", "", "")]


def test_contacts_are_listed_by_kind_then_name(database: Database, citizen: int) -> None:
    for kind, name in [
        (CK.ANDET, "Mentorhuset"),
        (CK.SUF, "Sundhedshus Nørrebro"),
        (CK.EGEN_LAEGE, "Åse Holm"),
        (CK.SOF, "Socialcenter Amager"),
        (CK.EGEN_LAEGE, "bent Ravn"),
        (CK.EGEN_LAEGE, "Zahra Ali"),
        (CK.HOSPITAL, "Hvidovre Hospital"),
        (CK.SPECIALLAEGE, "Reumatolog Jensen"),
        (CK.EGEN_LAEGE, "Øjvind Lund"),
    ]:
        health.add_contact(database, citizen, ContactInput(kind, name))

    assert [(c.kind, c.name) for c in health.list_contacts(database, citizen)] == [
        (CK.EGEN_LAEGE, "bent Ravn"),
        (CK.EGEN_LAEGE, "Zahra Ali"),
        (CK.EGEN_LAEGE, "Øjvind Lund"),
        (CK.EGEN_LAEGE, "Åse Holm"),
        (CK.SPECIALLAEGE, "Reumatolog Jensen"),
        (CK.SOF, "Socialcenter Amager"),
        (CK.SUF, "Sundhedshus Nørrebro"),
        (CK.HOSPITAL, "Hvidovre Hospital"),
        (CK.ANDET, "Mentorhuset"),
    ]


def test_contact_for_gives_the_first_of_the_kind_or_none(database: Database, citizen: int) -> None:
    other = new_citizen(database, "Anna", "Berg", "020280-1234")
    health.add_contact(database, other, ContactInput(CK.SOF, "Andens socialcenter"))
    health.add_contact(database, citizen, ContactInput(CK.SUF, "Sundhedshus Vest"))
    first = health.add_contact(database, citizen, ContactInput(CK.SUF, "Sundhedshus Amager", phone="33 12 34 56"))

    assert health.contact_for(database, citizen, CK.SUF) == ContactView(
        first, CK.SUF, "Sundhedshus Amager", "", "33 12 34 56", ""
    )
    assert health.contact_for(database, citizen, CK.SOF) is None
    assert health.contact_for(database, citizen, CK.EGEN_LAEGE) is None
    assert health.list_contacts(database, other)[0].name == "Andens socialcenter"


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        (ContactInput(CK.SOF, ""), "navn", "Skriv kontaktens navn."),
        (ContactInput(CK.SOF, "   "), "navn", "Skriv kontaktens navn."),
        (ContactInput(CK.SOF, "x" * 201), "navn", "Højst 200 tegn (nu 201)."),
        (ContactInput("laege", "Navn"), "type", "Vælg en type kontakt."),  # type: ignore[arg-type]
        (ContactInput(CK.SOF, "Navn", unit="u" * 201), "enhed", "Højst 200 tegn (nu 201)."),
        (ContactInput(CK.SOF, "Navn", phone="ring i dag"), "telefon", "«ring i dag» er ikke et telefonnummer."),
        (ContactInput(CK.SOF, "Navn", phone="1234"), "telefon", "«1234» er ikke et telefonnummer."),
        (ContactInput(CK.SOF, "Navn", phone="1" * 41), "telefon", "Højst 40 tegn (nu 41)."),
        (ContactInput(CK.SOF, "Navn", secure_mail="sof.kk.dk"), "sikker mail", "«sof.kk.dk» er ikke en e-mailadresse."),
        (ContactInput(CK.SOF, "Navn", secure_mail="a b@kk.dk"), "sikker mail", "«a b@kk.dk» er ikke en e-mailadresse."),
        (ContactInput(CK.SOF, "Navn", secure_mail="sof@kk"), "sikker mail", "«sof@kk» er ikke en e-mailadresse."),
        (
            ContactInput(CK.SOF, "Navn", secure_mail="a" * 195 + "@kk.dk"),
            "sikker mail",
            "Højst 200 tegn (nu 201).",
        ),
    ],
)
def test_a_wrong_contact_is_refused(
    database: Database, citizen: int, data: ContactInput, field: str, message: str
) -> None:
    err = refused(database, lambda: health.add_contact(database, citizen, data))

    assert fields(err) == [field]
    assert err.for_field(field) == message
    assert str(err).startswith("Kontakten er ikke gemt:")


@pytest.mark.parametrize("phone", ["33 12 34 56", "+45 33123456", "+45 33-12-34-56", "33123456"])
def test_usual_phone_numbers_are_accepted(database: Database, citizen: int, phone: str) -> None:
    health.add_contact(database, citizen, ContactInput(CK.EGEN_LAEGE, "Læge", phone=phone))

    assert [c.phone for c in health.list_contacts(database, citizen)] == [phone]


def test_updating_a_contact_changes_every_field_and_a_refused_update_keeps_it(database: Database, citizen: int) -> None:
    contact_id = health.add_contact(database, citizen, ContactInput(CK.EGEN_LAEGE, "Læge Holm"))
    before = len(audit_log(database))

    health.update_contact(
        database,
        contact_id,
        ContactInput(CK.SPECIALLAEGE, " Reumatolog Jensen ", "Klinik Øst", "33 44 55 66", "reuma@sikker.dk"),
    )
    err = refused(database, lambda: health.update_contact(database, contact_id, ContactInput(CK.SOF, "")))

    assert str(err).startswith("Ændringerne er ikke gemt:")
    assert health.list_contacts(database, citizen) == [
        ContactView(contact_id, CK.SPECIALLAEGE, "Reumatolog Jensen", "Klinik Øst", "33 44 55 66", "reuma@sikker.dk")
    ]
    assert health.contact_for(database, citizen, CK.EGEN_LAEGE) is None
    assert new_audit(database, before) == [(audit.Action.CHANGE, citizen, "kontakt")]


def test_deleting_a_contact(database: Database, citizen: int) -> None:
    keep = health.add_contact(database, citizen, ContactInput(CK.SOF, "Bliver"))
    gone = health.add_contact(database, citizen, ContactInput(CK.SUF, "Slettes"))
    before = len(audit_log(database))

    health.delete_contact(database, gone)

    assert [c.contact_id for c in health.list_contacts(database, citizen)] == [keep]
    assert health.contact_for(database, citizen, CK.SUF) is None
    with database.reading() as session:
        assert session.get(PartnerContact, gone) is None
    assert new_audit(database, before) == [(audit.Action.CHANGE, citizen, "kontakt slettet")]


# --- unknown ids and citizens ----------------------------------------------------------

_NOTE = note()
_CONTACT = ContactInput(CK.EGEN_LAEGE, "Læge Holm")


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (
            lambda db: health.update_health_note(db, 999, _NOTE),
            "Notatet fra sundhedskoordinatoren findes ikke (længere).",
        ),
        (lambda db: health.delete_health_note(db, 999), "Notatet fra sundhedskoordinatoren findes ikke (længere)."),
        (lambda db: health.update_contact(db, 999, _CONTACT), "Kontakten findes ikke (længere)."),
        (lambda db: health.delete_contact(db, 999), "Kontakten findes ikke (længere)."),
        # An unknown id is reported even when the input is wrong too.
        (
            lambda db: health.update_health_note(db, 999, HealthNoteInput(TODAY, HK.WORKSHOP)),
            "Notatet fra sundhedskoordinatoren findes ikke (længere).",
        ),
        (lambda db: health.update_contact(db, 999, ContactInput(CK.SOF, "")), "Kontakten findes ikke (længere)."),
    ],
)
def test_an_unknown_record_is_reported_in_danish(
    database: Database, citizen: int, call: Callable[[Database], object], message: str
) -> None:
    health.add_health_note(database, citizen, _NOTE)
    health.add_contact(database, citizen, _CONTACT)
    before = stored(database)

    with pytest.raises(RecordNotFound) as info:
        call(database)

    assert isinstance(info.value, UserFacingError)
    assert info.value.message == message
    assert stored(database) == before


@pytest.mark.parametrize(
    "call",
    [
        lambda db: health.add_health_note(db, 999, _NOTE),
        lambda db: health.add_contact(db, 999, _CONTACT),
        lambda db: health.list_health_notes(db, 999),
        lambda db: health.list_contacts(db, 999),
        lambda db: health.current_skaanehensyn(db, 999),
        lambda db: health.contact_for(db, 999, CK.EGEN_LAEGE),
    ],
)
def test_an_unknown_citizen_is_reported(database: Database, call: Callable[[Database], object]) -> None:
    before = stored(database)

    with pytest.raises(CitizenNotFound, match="Borgeren findes ikke"):
        call(database)

    assert stored(database) == before


def test_an_unknown_citizen_with_wrong_input_is_reported_as_unknown(database: Database) -> None:
    with pytest.raises(CitizenNotFound):
        health.add_health_note(database, 999, HealthNoteInput(TODAY, HK.WORKSHOP))
    with pytest.raises(CitizenNotFound):
        health.add_contact(database, 999, ContactInput(CK.SOF, ""))


def test_deleting_the_citizen_deletes_notes_and_contacts(database: Database, citizen: int) -> None:
    health.add_health_note(database, citizen, _NOTE)
    health.add_contact(database, citizen, _CONTACT)

    with database.transaction() as session:
        row = session.get(Citizen, citizen)
        assert row is not None
        session.delete(row)

    assert stored(database)["health_note"] == [] and stored(database)["partner_contact"] == []


# --- one transaction, and the audit log -------------------------------------------------


@pytest.mark.parametrize(
    "call",
    [
        lambda db, cid: health.add_health_note(db, cid, _NOTE),
        lambda db, cid: health.update_health_note(
            db, health.list_health_notes(db, cid)[0].note_id, note(D(2026, 2, 2))
        ),
        lambda db, cid: health.delete_health_note(db, health.list_health_notes(db, cid)[0].note_id),
        lambda db, cid: health.add_contact(db, cid, _CONTACT),
        lambda db, cid: health.update_contact(
            db, health.list_contacts(db, cid)[0].contact_id, ContactInput(CK.SOF, "Ny")
        ),
        lambda db, cid: health.delete_contact(db, health.list_contacts(db, cid)[0].contact_id),
    ],
)
def test_nothing_is_saved_when_the_audit_entry_fails(
    database: Database, citizen: int, monkeypatch: pytest.MonkeyPatch, call: Callable[[Database, int], object]
) -> None:
    health.add_health_note(database, citizen, _NOTE)
    health.add_contact(database, citizen, _CONTACT)
    before = stored(database)

    def broken(*_args: object, **_kwargs: object) -> None:
        raise RuntimeError("disk full")

    monkeypatch.setattr(audit, "record", broken)
    with pytest.raises(RuntimeError):
        call(database, citizen)

    assert stored(database) == before


def test_every_change_is_logged_without_content_in_a_verified_chain(database: Database, citizen: int) -> None:
    secrets = [
        "Hanne Vinther",
        "Skizofreni",
        "Kan ikke stå",
        "Ingen natarbejde",
        "Fleksjob anbefales",
        "Lægehuset Valby",
        "Afsnit 7",
        "36 17 00 00",
        "valby@sikkerpost.dk",
    ]
    before = len(audit_log(database))
    note_id = health.add_health_note(
        database,
        citizen,
        HealthNoteInput(
            D(2026, 1, 12),
            HK.HELBREDSGENNEMGANG,
            coordinator=secrets[0],
            conditions=secrets[1],
            functional_limits=secrets[2],
            skaanehensyn=[secrets[3]],
            recommendations=secrets[4],
        ),
    )
    health.update_health_note(
        database, note_id, HealthNoteInput(D(2026, 1, 12), HK.TREPARTSSAMTALE, secrets[0], secrets[1])
    )
    contact_id = health.add_contact(
        database, citizen, ContactInput(CK.EGEN_LAEGE, secrets[5], secrets[6], secrets[7], secrets[8])
    )
    health.update_contact(database, contact_id, ContactInput(CK.SUF, secrets[5], secrets[6]))
    health.delete_contact(database, contact_id)
    health.delete_health_note(database, note_id)

    entries = new_audit(database, before)
    assert entries == [
        (audit.Action.CHANGE, citizen, "sundhedskoordinator"),
        (audit.Action.CHANGE, citizen, "sundhedskoordinator"),
        (audit.Action.CHANGE, citizen, "kontakt"),
        (audit.Action.CHANGE, citizen, "kontakt"),
        (audit.Action.CHANGE, citizen, "kontakt slettet"),
        (audit.Action.CHANGE, citizen, "sundhedskoordinator slettet"),
    ]
    for _, _, detail in entries:
        assert not any(secret.casefold() in detail.casefold() for secret in secrets)
    with database.reading() as session:
        assert audit.verify_chain(session).ok


def test_reading_changes_nothing(database: Database, citizen: int) -> None:
    health.add_health_note(database, citizen, note(skaane=["Ingen løft"]))
    health.add_contact(database, citizen, _CONTACT)
    before = stored(database)

    health.list_health_notes(database, citizen)
    health.current_skaanehensyn(database, citizen)
    health.list_contacts(database, citizen)
    health.contact_for(database, citizen, CK.EGEN_LAEGE)

    assert stored(database) == before
