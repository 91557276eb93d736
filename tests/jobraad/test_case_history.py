"""Benefits by period, the CV, the case number and the day the citizen saw the description:
stored as given, refused whole with the row named, logged by kind."""

from __future__ import annotations

import datetime as dt

from db.enums import CvKind, PeriodBenefit
from db.session import Database
from jobraad.case_history import (
    BenefitPeriodInput,
    CvEntryInput,
    list_benefit_periods,
    list_cv,
    read_case_facts,
    save_benefit_periods,
    save_cv,
    set_case_number,
    set_description_seen,
)
from jobraad.citizens import CitizenInput, create_citizen
from tests.helpers import audit_log, fields, refused

TODAY = dt.date(2026, 3, 2)


def _citizen(database: Database) -> int:
    return create_citizen(database, CitizenInput("Søren", "Ærø", "0101621233"))


def test_benefit_periods_are_stored_oldest_first_and_replaced_whole(database: Database) -> None:
    cid = _citizen(database)
    save_benefit_periods(
        database,
        cid,
        [
            BenefitPeriodInput(PeriodBenefit.KONTANTHJAELP, dt.date(2021, 5, 1), None, "  efter sygedagpenge "),
            BenefitPeriodInput(PeriodBenefit.SYGEDAGPENGE, dt.date(2020, 6, 1), dt.date(2021, 4, 30)),
            BenefitPeriodInput(PeriodBenefit.LOEN, dt.date(2008, 1, 1), dt.date(2020, 5, 31)),
        ],
        today=TODAY,
    )
    periods = list_benefit_periods(database, cid)
    assert [(p.benefit, p.start_date, p.end_date) for p in periods] == [
        (PeriodBenefit.LOEN, dt.date(2008, 1, 1), dt.date(2020, 5, 31)),
        (PeriodBenefit.SYGEDAGPENGE, dt.date(2020, 6, 1), dt.date(2021, 4, 30)),
        (PeriodBenefit.KONTANTHJAELP, dt.date(2021, 5, 1), None),
    ]
    assert periods[2].note == "efter sygedagpenge"
    save_benefit_periods(database, cid, [BenefitPeriodInput(PeriodBenefit.LOEN, dt.date(2010, 1, 1))], today=TODAY)
    assert len(list_benefit_periods(database, cid)) == 1
    assert ("aendring", cid, "forsørgelseshistorik") in audit_log(database)


def test_a_bad_period_saves_nothing_and_names_the_row(database: Database) -> None:
    cid = _citizen(database)
    save_benefit_periods(database, cid, [BenefitPeriodInput(PeriodBenefit.LOEN, dt.date(2010, 1, 1))], today=TODAY)
    err = refused(
        database,
        lambda: save_benefit_periods(
            database,
            cid,
            [
                BenefitPeriodInput(PeriodBenefit.KONTANTHJAELP, dt.date(2021, 5, 1)),
                BenefitPeriodInput(PeriodBenefit.SYGEDAGPENGE, dt.date(2021, 6, 1), dt.date(2021, 4, 30)),
                BenefitPeriodInput(PeriodBenefit.ANDET, dt.date(2026, 4, 1)),
            ],
            today=TODAY,
        ),
    )
    assert fields(err) == ["periode 2", "periode 3"]
    assert "ligger før fra-datoen" in err.problems[0].message
    assert "fremtiden" in err.problems[1].message


def test_the_cv_lists_educations_then_jobs_by_year(database: Database) -> None:
    cid = _citizen(database)
    save_cv(
        database,
        cid,
        [
            CvEntryInput(CvKind.JOB, "Lagermedarbejder", "Coop Distribution", 2012, 2019),
            CvEntryInput(CvKind.UDDANNELSE, "Folkeskolens 9. klasse", "Sundby Skole", 1994, 2003),
            CvEntryInput(CvKind.JOB, "Opvasker", "Restaurant Kronborg", 2004, 2006),
            CvEntryInput(CvKind.UDDANNELSE, "Truckcertifikat", "AMU", None, None),
        ],
        today=TODAY,
    )
    assert [e.title for e in list_cv(database, cid)] == [
        "Folkeskolens 9. klasse",
        "Truckcertifikat",
        "Opvasker",
        "Lagermedarbejder",
    ]
    err = refused(
        database,
        lambda: save_cv(database, cid, [CvEntryInput(CvKind.JOB, "  ", "", 2019, 2012)], today=TODAY),
    )
    assert fields(err) == ["linje 1", "linje 1"]


def test_case_number_and_the_day_the_citizen_saw_the_description(database: Database) -> None:
    cid = _citizen(database)
    assert read_case_facts(database, cid).case_number == ""
    set_case_number(database, cid, "  2026-0012345 ")
    set_description_seen(database, cid, dt.date(2026, 2, 27), today=TODAY)
    facts = read_case_facts(database, cid)
    assert (facts.case_number, facts.description_seen_on) == ("2026-0012345", dt.date(2026, 2, 27))
    err = refused(database, lambda: set_description_seen(database, cid, dt.date(2026, 3, 3), today=TODAY))
    assert "fremtiden" in err.problems[0].message
    refused(database, lambda: set_case_number(database, cid, "12\n34"))


def test_the_texts_tab_saves_texts_number_and_date_together_or_not_at_all(database: Database) -> None:
    from jobraad.case_history import save_case_page, save_history
    from jobraad.case_texts import list_case_texts

    cid = _citizen(database)
    err = refused(
        database,
        lambda: save_case_page(
            database,
            cid,
            texts={"helbred": "Rygsmerter."},
            case_number="12\n34",
            seen=(dt.date(2026, 2, 27),),
            today=TODAY,
        ),
    )
    assert fields(err) == ["sagsnummer"]
    save_case_page(
        database, cid, texts={"helbred": "Rygsmerter."}, case_number="2026-1", seen=(dt.date(2026, 2, 27),), today=TODAY
    )
    facts = read_case_facts(database, cid)
    assert (facts.case_number, facts.description_seen_on) == ("2026-1", dt.date(2026, 2, 27))
    assert {t.section: t.text for t in list_case_texts(database, cid)}["helbred"] == "Rygsmerter."
    # Both lists or neither: a bad CV line keeps the good periods out too.
    refused(
        database,
        lambda: save_history(
            database,
            cid,
            periods=[BenefitPeriodInput(PeriodBenefit.LOEN, dt.date(2010, 1, 1))],
            cv=[CvEntryInput(CvKind.JOB, "")],
            today=TODAY,
        ),
    )
    assert list_benefit_periods(database, cid) == []
