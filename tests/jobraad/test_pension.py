"""Folkepensionsalderen from the birth date (resources/rules/folkepensionsalder.toml) and the
6-year rule for ressourceforløb (LAB § 112, stk. 3) as the citizen services apply it."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from sqlalchemy import select

from db.enums import Aim
from db.models import Citizen, JournalNote
from db.session import Database
from jobraad import pension, rule_files
from jobraad.citizens import CitizenInput, RessourceforloebRefused, create_citizen, update_citizen
from jobraad.importer import import_citizens
from jobraad.rule_files import RuleFileError
from tests.helpers import audit_log, new_audit, refused

D = dt.date
TODAY = D(2026, 12, 4)
NEAR = "1503621234"  # born 15-03-1962: 67 on 15-03-2029, less than 6 years from today
YOUNG = "0101751234"  # born 01-01-1975: 70 (foreløbig) on 01-01-2045
WISH_NOTE = (
    "Borgeren ønsker selv ressourceforløb, selv om der er mindre end 6 år til folkepensionsalderen (LAB § 112, stk. 3)."
)


@pytest.mark.parametrize(
    ("born", "label", "reached"),
    [
        (D(1953, 12, 31), "65 år", D(2018, 12, 31)),
        (D(1954, 1, 1), "65½ år", D(2019, 7, 1)),
        (D(1955, 6, 30), "66½ år", D(2021, 12, 30)),
        (D(1955, 7, 1), "67 år", D(2022, 7, 1)),  # 67 from 1 July 1955, not 1 January
        (D(1962, 12, 31), "67 år", D(2029, 12, 31)),
        (D(1963, 1, 1), "68 år", D(2031, 1, 1)),
        (D(1970, 12, 31), "69 år", D(2039, 12, 31)),
        (D(1971, 1, 1), "70 år (foreløbig)", D(2041, 1, 1)),  # the amending law was not seen
        (D(1956, 2, 29), "67 år", D(2023, 3, 1)),  # no 29 February in 2023
        (D(1954, 3, 31), "65½ år", D(2019, 10, 1)),  # no 31 September
    ],
)
def test_folkepensionsalder_by_birth_date(born: dt.date, label: str, reached: dt.date) -> None:
    assert pension.pension_age(born).label == label
    assert pension.folkepension_date(born) == reached


def test_the_rule_bars_only_with_less_than_6_years_left() -> None:
    born = D(1962, 3, 15)  # folkepensionsalder 15-03-2029
    assert pension.ressourceforloeb_bar(born, D(2023, 3, 15)) is None  # exactly 6 years left
    bar = pension.ressourceforloeb_bar(born, D(2023, 3, 16))
    assert bar is not None and bar.reaches_on == D(2029, 3, 15) and bar.rule.paragraph == "LAB § 112, stk. 3"
    assert pension.ressourceforloeb_bar(born, D(2021, 1, 4)) is None  # before L 209


def test_every_rule_entry_names_its_source_and_status() -> None:
    ages = pension._pension_ages()
    rules = pension._six_year_rules()
    for entry in (*ages, *rules):
        assert entry.source and entry.status in ("bekræftet", "foreløbig")
    assert [a.provisional for a in ages].count(True) == 1  # only the 70 row


def test_a_rule_file_with_an_unknown_key_is_refused_naming_the_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "rules").mkdir()
    (tmp_path / "rules" / pension.PENSION_AGE_FILE).write_text(
        'format = 1\n[[folkepensionsalder]]\nyears = 65\nmonths = 0\nalder = 1\nsource = "x"\nstatus = "bekræftet"\n',
        encoding="utf-8",
    )
    monkeypatch.setattr(rule_files, "resource", lambda *parts: tmp_path.joinpath(*parts))
    pension._pension_ages.cache_clear()
    try:
        with pytest.raises(
            RuleFileError,
            match=r"^Regelfilen folkepensionsalder.toml, \[\[folkepensionsalder\]\] nr. 1: ukendt nøgle «alder»",
        ):
            pension.pension_age(D(1960, 1, 1))
    finally:
        pension._pension_ages.cache_clear()


# --- the citizen services -------------------------------------------------------------------------


def _notes(database: Database, citizen_id: int) -> list[str]:
    with database.reading() as session:
        return list(session.scalars(select(JournalNote.text).where(JournalNote.citizen_id == citizen_id)))


def _aim(database: Database, citizen_id: int) -> Aim:
    with database.reading() as session:
        citizen = session.get(Citizen, citizen_id)
        assert citizen is not None
        return citizen.aim


def test_ressourceforloeb_is_refused_with_less_than_6_years_left(database: Database) -> None:
    err = refused(
        database,
        lambda: create_citizen(database, CitizenInput("Aysel", "Kaya", NEAR, aim=Aim.RESSOURCEFORLOEB), today=TODAY),
    )
    assert isinstance(err, RessourceforloebRefused)
    message = err.for_field("sigte") or ""
    assert "LAB § 112, stk. 3" in message and "15-03-2029" in message and "67 år" in message
    cid = create_citizen(database, CitizenInput("Aysel", "Kaya", NEAR), today=TODAY)
    err = refused(
        database,
        lambda: update_citizen(
            database, cid, CitizenInput("Aysel", "Kaya", NEAR, aim=Aim.RESSOURCEFORLOEB), today=TODAY
        ),
    )
    assert isinstance(err, RessourceforloebRefused) and err.bar.reaches_on == D(2029, 3, 15)
    assert _aim(database, cid) == Aim.JOB


def test_the_citizens_own_wish_saves_it_with_a_journal_note(database: Database) -> None:
    cid = create_citizen(database, CitizenInput("Aysel", "Kaya", NEAR), today=TODAY)
    before = len(audit_log(database))
    data = CitizenInput("Aysel", "Kaya", NEAR, aim=Aim.RESSOURCEFORLOEB)
    update_citizen(database, cid, data, wishes_ressourceforloeb=True, today=TODAY)
    assert _aim(database, cid) == Aim.RESSOURCEFORLOEB
    assert _notes(database, cid) == [WISH_NOTE]
    assert new_audit(database, before) == [
        ("aendring", cid, "stamdata"),
        ("aendring", cid, "journalnotat"),
    ]
    # Already in ressourceforløb: the forløb goes on (§ 112, stk. 3, 2nd sentence); nothing more noted.
    update_citizen(database, cid, CitizenInput("Aysel", "Kaya", NEAR, aim=Aim.RESSOURCEFORLOEB, phone="11223344"))
    assert _notes(database, cid) == [WISH_NOTE]
    new = create_citizen(
        database, CitizenInput("Ole", "Berg", "1503621236", aim=Aim.RESSOURCEFORLOEB), wishes_ressourceforloeb=True
    )
    assert _aim(database, new) == Aim.RESSOURCEFORLOEB and _notes(database, new) == [WISH_NOTE]


def test_other_aims_and_younger_citizens_are_not_affected(database: Database) -> None:
    near = create_citizen(database, CitizenInput("Aysel", "Kaya", NEAR, aim=Aim.FLEKSJOB), today=TODAY)
    update_citizen(database, near, CitizenInput("Aysel", "Kaya", NEAR, aim=Aim.FOERTIDSPENSION), today=TODAY)
    young = create_citizen(database, CitizenInput("Sara", "Lund", YOUNG, aim=Aim.RESSOURCEFORLOEB), today=TODAY)
    assert (_aim(database, near), _aim(database, young)) == (Aim.FOERTIDSPENSION, Aim.RESSOURCEFORLOEB)
    assert _notes(database, near) == _notes(database, young) == []
    # The wish alone writes nothing when the rule does not bar the aim.
    update_citizen(database, near, CitizenInput("Aysel", "Kaya", NEAR), wishes_ressourceforloeb=True, today=TODAY)
    assert _notes(database, near) == []


def test_an_import_cannot_start_ressourceforloeb_close_to_folkepension(database: Database, tmp_path: Path) -> None:
    rows = tmp_path / "borgere.csv"
    rows.write_text("cpr;fornavn;efternavn;sigte\n311262-1234;Aysel;Kaya;Ressourceforløb\n", encoding="utf-8")
    err = refused(database, lambda: import_citizens(database, rows))
    assert [(p.line, p.field) for p in err.problems] == [(2, "sigte")]
    assert "31-12-2029" in err.problems[0].message  # 67 on 31-12-2029: barred on any day from 2024
