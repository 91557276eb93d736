"""Virksomhedsplaceringer and their hours: what is stored, the skånehensyn taken
from the sundhedskoordinator, every refusal with its Danish message and that it
changes nothing, the week grid, saving weeks all or nothing, the progression
signals of one placement and of a whole caseload, and the audit entries."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from sqlalchemy import func, select

from db.enums import HealthNoteKind, PlacementKind
from db.models import HoursEntry, Placement
from db.session import Database
from jobraad import audit, placements
from jobraad.citizens import CitizenNotFound
from jobraad.health import HealthNoteInput, add_health_note
from jobraad.placements import ExtensionView, PlacementInput, PlacementView
from jobraad.records import RecordNotFound
from tests.helpers import audit_log, fields, new_audit, refused, stored
from tests.jobraad.placing import TODAY, D, K, hours, hours_stored, monday, new_citizen, praktik, week


@pytest.fixture
def citizen(database: Database) -> int:
    return new_citizen(database)


@pytest.fixture
def running(database: Database, citizen: int) -> int:
    """A praktik that started five weeks ago and runs until week 8 from now."""
    return placements.add_placement(database, citizen, praktik())


# --- placements: storing and reading ---------------------------------------------------


def test_a_placement_is_stored_trimmed_with_every_field(database: Database, citizen: int) -> None:
    before = len(audit_log(database))
    placement_id = placements.add_placement(
        database,
        citizen,
        PlacementInput(
            kind=K.VIRKSOMHEDSPRAKTIK,
            employer_name="  Bageriet Brød & Co ",
            start_date=D(2026, 3, 2),
            planned_hours_per_week=12.5,
            employer_cvr=" 1234 5678 ",
            contact_person=" Mette Holm ",
            contact_phone=" 33 12 34 56 ",
            tasks=" Pakning af brød\n",
            planned_end=D(2026, 5, 29),
            end_date=None,
            extension_reason="",
            mentor_kind=" Fastholdelse ",
            mentor_name=" Ali Khan ",
            skaanehensyn=["  Ingen tunge løft ", "", "Pauser hver time\nSiddende arbejde"],
            result=" Godt i gang ",
        ),
    )

    assert placements.list_placements(database, citizen) == [
        PlacementView(
            placement_id=placement_id,
            kind=K.VIRKSOMHEDSPRAKTIK,
            employer_name="Bageriet Brød & Co",
            employer_cvr="12345678",
            contact_person="Mette Holm",
            contact_phone="33 12 34 56",
            tasks="Pakning af brød",
            start_date=D(2026, 3, 2),
            planned_end=D(2026, 5, 29),
            end_date=None,
            extension_reason="",
            planned_hours_per_week=12.5,
            mentor_kind="Fastholdelse",
            mentor_name="Ali Khan",
            skaanehensyn=("Ingen tunge løft", "Pauser hver time", "Siddende arbejde"),
            result="Godt i gang",
        )
    ]
    with database.reading() as session:
        row = session.get(Placement, placement_id)
        assert row is not None
        assert (row.citizen_id, row.skaanehensyn) == (citizen, "Ingen tunge løft\nPauser hver time\nSiddende arbejde")
    assert new_audit(database, before) == [(audit.Action.CHANGE, citizen, "placering")]


@pytest.mark.parametrize("kind", list(PlacementKind))
def test_every_kind_of_placement_round_trips(database: Database, citizen: int, kind: PlacementKind) -> None:
    placements.add_placement(database, citizen, praktik(kind=kind))

    assert [p.kind for p in placements.list_placements(database, citizen)] == [kind]


def test_placements_are_listed_newest_start_first_and_per_citizen(database: Database, citizen: int) -> None:
    other = new_citizen(database, "020280-1234", first="Anna")
    old = placements.add_placement(database, citizen, praktik(start_date=D(2025, 9, 1), planned_end=None))
    new = placements.add_placement(database, citizen, praktik(start_date=D(2026, 3, 2)))
    same_day_later = placements.add_placement(database, citizen, praktik(start_date=D(2026, 3, 2)))
    placements.add_placement(database, other, praktik(employer_name="Netto"))

    assert [p.placement_id for p in placements.list_placements(database, citizen)] == [same_day_later, new, old]
    assert [p.employer_name for p in placements.list_placements(database, other)] == ["Netto"]


# --- skånehensyn from the sundhedskoordinator ------------------------------------------


def _health(database: Database, citizen_id: int, day: dt.date, items: list[str], conditions: str = "Knæ") -> None:
    add_health_note(
        database,
        citizen_id,
        HealthNoteInput(day, HealthNoteKind.HELBREDSGENNEMGANG, conditions=conditions, skaanehensyn=items),
    )


def test_a_new_placement_without_skaanehensyn_gets_those_of_the_newest_health_note(
    database: Database, citizen: int
) -> None:
    _health(database, citizen, D(2025, 11, 3), ["Ingen nattevagter"])
    _health(database, citizen, D(2026, 1, 12), ["Ingen tunge løft", "Korte pauser"])
    _health(database, citizen, D(2026, 2, 2), [], conditions="Opfølgning uden nye skånehensyn")

    assert placements.default_skaanehensyn(database, citizen) == ["Ingen tunge løft", "Korte pauser"]
    placement_id = placements.add_placement(database, citizen, praktik(skaanehensyn=["  ", ""]))

    [view] = placements.list_placements(database, citizen)
    assert view.placement_id == placement_id
    assert view.skaanehensyn == ("Ingen tunge løft", "Korte pauser")


def test_skaanehensyn_given_with_the_placement_are_kept(database: Database, citizen: int) -> None:
    _health(database, citizen, D(2026, 1, 12), ["Ingen tunge løft"])

    placements.add_placement(database, citizen, praktik(skaanehensyn=["Kun formiddage"]))

    assert placements.list_placements(database, citizen)[0].skaanehensyn == ("Kun formiddage",)


def test_no_prefill_when_asked_or_when_there_is_no_health_note(database: Database, citizen: int) -> None:
    placements.add_placement(database, citizen, praktik(employer_name="Uden note"))
    _health(database, citizen, D(2026, 1, 12), ["Ingen tunge løft"])
    placements.add_placement(database, citizen, praktik(employer_name="Fravalgt"), prefill=False)

    assert {p.employer_name: p.skaanehensyn for p in placements.list_placements(database, citizen)} == {
        "Uden note": (),
        "Fravalgt": (),
    }


def test_an_update_with_no_skaanehensyn_clears_them(database: Database, citizen: int) -> None:
    _health(database, citizen, D(2026, 1, 12), ["Ingen tunge løft"])
    placement_id = placements.add_placement(database, citizen, praktik())

    placements.update_placement(database, placement_id, praktik(skaanehensyn=[]))

    assert placements.list_placements(database, citizen)[0].skaanehensyn == ()


# --- placements: refusals --------------------------------------------------------------

LEGAL_END = monday(-5) + dt.timedelta(weeks=13)
OVER = LEGAL_END + dt.timedelta(days=1)
BEYOND = (
    f"En virksomhedspraktik må vare 13 uger (LAB § 61, stk. 1, nr. 2): senest {LEGAL_END:%d-%m-%Y}. "
    "En længere periode registreres med «Forlæng praktik…» med trin og begrundelse."
)


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"employer_name": "  "}, "arbejdsgiver", "Skriv arbejdsgiverens navn."),
        ({"employer_name": "x" * 201}, "arbejdsgiver", "Højst 200 tegn (nu 201)."),
        ({"employer_cvr": "1234567"}, "cvr", "«1234567» er ikke et CVR-nummer (8 cifre)."),
        ({"employer_cvr": "1234567a"}, "cvr", "«1234567a» er ikke et CVR-nummer (8 cifre)."),
        ({"employer_cvr": "123456789"}, "cvr", "«123456789» er ikke et CVR-nummer (8 cifre)."),
        ({"start_date": None}, "startdato", "Placeringen skal have en startdato."),
        (
            {"planned_end": monday(-6)},
            "planlagt slut",
            f"Planlagt slut ligger før startdatoen ({monday(-5):%d-%m-%Y}).",
        ),
        (
            {"end_date": monday(-5) - dt.timedelta(days=1)},
            "slutdato",
            f"Slutdatoen ligger før startdatoen ({monday(-5):%d-%m-%Y}).",
        ),
        ({"planned_hours_per_week": -1}, "timer", "Planlagte timer pr. uge skal være mellem 0 og 60."),
        ({"planned_hours_per_week": 60.5}, "timer", "Planlagte timer pr. uge skal være mellem 0 og 60."),
        ({"planned_hours_per_week": float("nan")}, "timer", "Planlagte timer pr. uge skal være mellem 0 og 60."),
        ({"planned_hours_per_week": "10"}, "timer", "Planlagte timer pr. uge skal være mellem 0 og 60."),
        ({"planned_end": OVER}, "planlagt slut", BEYOND),
        # A free-text reason no longer lets a praktik be planned past 13 weeks: that is an extension.
        (
            {"planned_end": OVER, "extension_reason": "Afklaring af skånehensyn kræver mere tid"},
            "planlagt slut",
            BEYOND,
        ),
        ({"kind": K.SNUSEPRAKTIK, "planned_end": OVER, "extension_reason": "  "}, "planlagt slut", BEYOND),
        ({"kind": K.INTERN_PRAKTIK, "planned_end": OVER}, "planlagt slut", BEYOND),
        ({"kind": K.GRUPPEPRAKTIK, "planned_end": OVER}, "planlagt slut", BEYOND),
        ({"skaanehensyn": [f"Hensyn {n}" for n in range(31)]}, "skånehensyn", "Højst 30 skånehensyn (nu 31)."),
        (
            {"skaanehensyn": ["kort", "x" * 201]},
            "skånehensyn",
            "Højst 200 tegn pr. skånehensyn (for langt: nr. 2).",
        ),
        ({"contact_phone": "ring til Mette"}, "telefon", "«ring til Mette» er ikke et telefonnummer."),
        ({"kind": "praktik"}, "type", "Vælg en type placering."),
    ],
)
def test_a_wrong_placement_is_refused(
    database: Database, citizen: int, changes: dict[str, Any], field: str, message: str
) -> None:
    err = refused(database, lambda: placements.add_placement(database, citizen, praktik(**changes)))

    assert fields(err) == [field]
    assert err.for_field(field) == message
    assert str(err).startswith("Placeringen er ikke gemt:")
    assert placements.list_placements(database, citizen) == []


@pytest.mark.parametrize(
    "changes",
    [
        {"planned_end": LEGAL_END},  # exactly 13 weeks
        {"planned_end": LEGAL_END, "end_date": OVER},  # an actual end is a fact: stored, and warned of
        {"kind": K.LOENTILSKUD, "planned_end": monday(-5) + dt.timedelta(weeks=26)},
        {"kind": K.SMAAJOB, "planned_end": None, "end_date": OVER},
        {"planned_hours_per_week": 0},
        {"planned_hours_per_week": 60},
        {"employer_cvr": ""},
        {"planned_end": monday(-5), "end_date": monday(-5)},  # one day
        {"skaanehensyn": ["x" * 200] * 30},
    ],
)
def test_the_limits_themselves_are_accepted(database: Database, citizen: int, changes: dict[str, Any]) -> None:
    placements.add_placement(database, citizen, praktik(**changes))

    assert len(placements.list_placements(database, citizen)) == 1


def test_several_problems_are_reported_together(database: Database, citizen: int) -> None:
    data = praktik(employer_name="", employer_cvr="12", planned_end=OVER, planned_hours_per_week=99)

    err = refused(database, lambda: placements.add_placement(database, citizen, data))

    assert fields(err) == ["arbejdsgiver", "cvr", "timer", "planlagt slut"]


def test_updating_a_placement_changes_it_and_a_refused_update_keeps_it(database: Database, citizen: int) -> None:
    placement_id = placements.add_placement(database, citizen, praktik())
    before = len(audit_log(database))

    placements.update_placement(
        database,
        placement_id,
        praktik(
            kind=K.INTERN_PRAKTIK,
            employer_name="Jobcentrets køkken",
            planned_end=LEGAL_END,
            extension_reason="Forlænget efter 3-partssamtale",
            end_date=monday(-1),
            result="Afsluttet",
        ),
    )
    err = refused(database, lambda: placements.update_placement(database, placement_id, praktik(employer_name="")))

    assert str(err).startswith("Ændringerne er ikke gemt:")
    [view] = placements.list_placements(database, citizen)
    assert (view.kind, view.employer_name, view.planned_end, view.end_date, view.extension_reason, view.result) == (
        K.INTERN_PRAKTIK,
        "Jobcentrets køkken",
        LEGAL_END,
        monday(-1),
        "Forlænget efter 3-partssamtale",
        "Afsluttet",
    )
    assert new_audit(database, before) == [(audit.Action.CHANGE, citizen, "placering")]


# --- length and state -------------------------------------------------------------------

KONKRET = ExtensionView(
    decided_on=D(2026, 5, 20),
    extended_to=D(2026, 8, 31),
    step="konkret_vurdering",
    step_label="konkret vurdering",
    paragraph="LAB § 61, stk. 2, 1. pkt.",
    provisional=False,
    reason="Afklaring af arbejdsevnen",
)


def _view(**changes: Any) -> PlacementView:
    values: dict[str, Any] = {
        "placement_id": 1,
        "kind": K.VIRKSOMHEDSPRAKTIK,
        "employer_name": "Bageriet",
        "employer_cvr": "",
        "contact_person": "",
        "contact_phone": "",
        "tasks": "",
        "start_date": D(2026, 3, 2),
        "planned_end": None,
        "end_date": None,
        "extension_reason": "",
        "planned_hours_per_week": 10.0,
        "mentor_kind": "",
        "mentor_name": "",
        "skaanehensyn": (),
        "result": "",
    }
    values.update(changes)
    return PlacementView(**values)


@pytest.mark.parametrize(
    ("changes", "text"),
    [
        ({"planned_end": D(2026, 5, 29)}, "13 uger (lovlig længde 13 uger)"),  # Monday to Friday 12 weeks on
        ({"planned_end": D(2026, 6, 1)}, "13 uger (lovlig længde 13 uger)"),  # the Monday 13 weeks on
        ({"planned_end": D(2026, 3, 2)}, "1 uge (lovlig længde 13 uger)"),
        ({"planned_end": D(2026, 4, 10)}, "6 uger (lovlig længde 13 uger)"),
        (
            {"planned_end": D(2026, 7, 17), "extension_reason": "Behov for afklaring"},
            "20 uger – OBS: længere end tilladt (13 uger, til 01-06-2026) uden registreret forlængelse "
            "(tidligere begrundelse: Behov for afklaring)",
        ),
        (
            {"planned_end": D(2026, 7, 17)},
            "20 uger – OBS: længere end tilladt (13 uger, til 01-06-2026) uden registreret forlængelse",
        ),
        (
            {"planned_end": D(2026, 7, 17), "extensions": (KONKRET,)},
            "20 uger – 13 uger + forlænget til 26 uger (konkret vurdering, 20-05-2026)",
        ),
        (
            {"extensions": (KONKRET,)},
            "ingen slutdato (13 uger + forlænget til 26 uger (konkret vurdering, 20-05-2026))",
        ),
        (
            {"start_date": D(2027, 1, 4), "planned_end": D(2027, 3, 1)},
            "8 uger (lovlig længde 13 uger, foreløbig)",
        ),
        ({"planned_end": D(2026, 7, 17), "end_date": D(2026, 4, 10)}, "6 uger (lovlig længde 13 uger)"),
        ({}, "ingen slutdato (lovlig længde 13 uger)"),
        ({"kind": K.LOENTILSKUD, "planned_end": D(2026, 8, 28)}, "26 uger"),
        ({"kind": K.SMAAJOB}, "ingen slutdato"),
    ],
)
def test_length_text(changes: dict[str, Any], text: str) -> None:
    """The length names LAB § 61's steps; past the allowed end without a recorded extension it warns."""
    assert _view(**changes).length_text == text


def test_a_placement_is_active_from_its_start_to_its_end() -> None:
    planned = _view(planned_end=D(2026, 5, 29))
    ended = _view(planned_end=D(2026, 5, 29), end_date=D(2026, 4, 10))
    running = _view()

    assert [planned.is_active(d) for d in (D(2026, 3, 1), D(2026, 3, 2), D(2026, 5, 29), D(2026, 5, 30))] == [
        False,
        True,
        True,
        False,
    ]
    assert [ended.is_active(d) for d in (D(2026, 4, 10), D(2026, 4, 11))] == [True, False]
    assert running.is_active(D(2030, 1, 1))


# --- deleting ----------------------------------------------------------------------------


def test_deleting_a_placement_deletes_its_hours_and_no_other(database: Database, citizen: int) -> None:
    gone = placements.add_placement(database, citizen, praktik())
    keep = placements.add_placement(database, citizen, praktik(employer_name="Netto"))
    placements.save_weeks(database, gone, [hours(-2, 8), hours(-1, 9)], today=TODAY)
    placements.save_weeks(database, keep, [hours(-1, 4)], today=TODAY)
    before = len(audit_log(database))

    placements.delete_placement(database, gone)

    assert [p.placement_id for p in placements.list_placements(database, citizen)] == [keep]
    with database.reading() as session:
        assert session.scalar(select(func.count()).select_from(HoursEntry).where(HoursEntry.placement_id == gone)) == 0
    assert list(hours_stored(database, keep)) == [week(-1)]
    assert new_audit(database, before) == [(audit.Action.CHANGE, citizen, "placering slettet")]


# --- unknown records, one transaction, the audit log ----------------------------------------------

_DATA = PlacementInput(K.VIRKSOMHEDSPRAKTIK, "Bageriet", D(2026, 3, 2))


@pytest.mark.parametrize(
    "call",
    [
        lambda db: placements.update_placement(db, 999, _DATA),
        lambda db: placements.delete_placement(db, 999),
        lambda db: placements.placement_progress(db, 999, TODAY),
        lambda db: placements.delete_week(db, 999, 2026, 12),
    ],
)
def test_an_unknown_placement_is_reported_in_danish(database: Database, call: Callable[[Database], object]) -> None:
    before = stored(database)

    with pytest.raises(RecordNotFound) as info:
        call(database)

    assert info.value.message == "Placeringen findes ikke (længere)."
    assert stored(database) == before


@pytest.mark.parametrize(
    "call",
    [
        lambda db: placements.add_placement(db, 999, _DATA),
        lambda db: placements.add_placement(db, 999, praktik(skaanehensyn=["Pauser"])),
        lambda db: placements.list_placements(db, 999),
        lambda db: placements.default_skaanehensyn(db, 999),
    ],
)
def test_an_unknown_citizen_is_reported(database: Database, call: Callable[[Database], object]) -> None:
    before = stored(database)

    with pytest.raises(CitizenNotFound):
        call(database)

    assert stored(database) == before


@pytest.mark.parametrize(
    "call",
    [
        lambda db, cid, pid: placements.add_placement(db, cid, _DATA),
        lambda db, cid, pid: placements.update_placement(db, pid, praktik(result="Afsluttet")),
        lambda db, cid, pid: placements.delete_placement(db, pid),
        lambda db, cid, pid: placements.save_weeks(db, pid, [hours(-1, 5), hours(-2, 6)], today=TODAY),
        lambda db, cid, pid: placements.delete_week(db, pid, *week(-3)),
    ],
)
def test_nothing_is_saved_when_the_audit_entry_fails(
    database: Database,
    citizen: int,
    monkeypatch: pytest.MonkeyPatch,
    call: Callable[[Database, int, int], object],
) -> None:
    placement_id = placements.add_placement(database, citizen, praktik())
    placements.save_weeks(database, placement_id, [hours(-3, 4)], today=TODAY)
    before = stored(database)

    def broken(*_args: object, **_kwargs: object) -> None:
        raise RuntimeError("disk full")

    monkeypatch.setattr(audit, "record", broken)
    with pytest.raises(RuntimeError):
        call(database, citizen, placement_id)

    assert stored(database) == before


def test_every_change_is_logged_without_content_in_a_verified_chain(database: Database, citizen: int) -> None:
    before = len(audit_log(database))
    placement_id = placements.add_placement(
        database, citizen, praktik(employer_name="Bageriet Brød & Co", skaanehensyn=["Ingen tunge løft"])
    )
    placements.update_placement(database, placement_id, praktik(employer_name="Bageriet Brød & Co", tasks="Pakning"))
    placements.save_weeks(database, placement_id, [hours(-1, 7, observation="Træt efter frokost")], today=TODAY)
    placements.delete_week(database, placement_id, *week(-1))
    placements.delete_placement(database, placement_id)

    log = new_audit(database, before)
    assert log == [
        (audit.Action.CHANGE, citizen, "placering"),
        (audit.Action.CHANGE, citizen, "placering"),
        (audit.Action.CHANGE, citizen, "timer"),
        (audit.Action.CHANGE, citizen, "timer slettet"),
        (audit.Action.CHANGE, citizen, "placering slettet"),
    ]
    for content in ("Bageriet", "tunge", "Pakning", "Træt", "7"):
        assert all(content not in detail for _, _, detail in log)
    with database.reading() as session:
        assert audit.verify_chain(session).ok


def test_reading_changes_nothing(database: Database, citizen: int, running: int) -> None:
    placements.save_weeks(database, running, [hours(-1, 7)], today=TODAY)
    before = stored(database)

    placements.list_placements(database, citizen)
    placements.default_skaanehensyn(database, citizen)
    placements.week_rows(database, running, TODAY)
    placements.placement_progress(database, running, TODAY)
    placements.citizen_progress(database, citizen, TODAY)
    with database.reading() as session:
        placements.signals_by_citizen(session, TODAY)

    assert stored(database) == before
