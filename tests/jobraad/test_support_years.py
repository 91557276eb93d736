"""Years on public support among the last ten, from the benefits-by-period records where a citizen
has any, else the typed number; and the 2024 target group read from it, for the caseload row and
the case."""

from __future__ import annotations

import datetime as dt

import pytest

from db.enums import PeriodBenefit
from db.session import Database
from jobraad import caseload
from jobraad.case_history import BenefitPeriodInput, save_benefit_periods
from jobraad.citizen_file import open_citizen_file
from jobraad.citizens import CitizenInput, create_citizen
from jobraad.rule_files import RuleFileError
from jobraad.support_years import (
    SupportSource,
    counted_years,
    parse_public_support,
    public_support,
    support_years,
)

TODAY = dt.date(2026, 12, 1)
P = PeriodBenefit


def _years_ago(years: int, days: int = 0) -> dt.date:
    return TODAY.replace(year=TODAY.year - years) + dt.timedelta(days=days)


def test_days_in_the_window_are_counted_as_whole_years_rounded_down() -> None:
    # 8 years and a day short: 7 whole years.
    assert counted_years([(_years_ago(8, days=2), None)], TODAY) == 7
    assert counted_years([(_years_ago(8, days=-1), None)], TODAY) == 8
    # Before the window does not count; an overlap counts once; the window caps it.
    assert counted_years([(dt.date(1990, 1, 1), _years_ago(10, days=-1))], TODAY) == 0
    assert counted_years([(_years_ago(9), None), (_years_ago(6), _years_ago(2))], TODAY) == 9
    assert counted_years([(dt.date(1990, 1, 1), None)], TODAY) == 10
    # Two periods with a gap add up.
    assert counted_years([(_years_ago(10), _years_ago(6)), (_years_ago(5), None)], TODAY) == 9


def test_which_benefits_count_is_data_with_a_source() -> None:
    rules = public_support()
    assert P.KONTANTHJAELP in rules.counting and P.A_DAGPENGE in rules.counting
    assert P.LOEN not in rules.counting and P.SELVFORSOERGET not in rules.counting
    assert rules.source and rules.provisional  # the reading of "ledighed" is jobraad's: foreløbig
    with pytest.raises(RuleFileError, match="ydelsen mangler"):
        parse_public_support(
            'format = 1\n[counting]\nsource = "x"\nstatus = "foreløbig"\n'
            '[[benefit]]\nbenefit = "loen"\ncounts = false\nsource = "x"\nstatus = "bekræftet"\n'
        )


@pytest.fixture
def citizens(database: Database) -> dict[str, int]:
    """Three citizens of 58 (born 1968): periods say 9 years though 0 was typed; periods say 3
    years though 9 was typed; no periods, 9 typed."""
    made = {}
    for key, cpr_digits, typed in (("periods_in", "0101681234", 0), ("periods_out", "0201681235", 9)):
        made[key] = create_citizen(database, CitizenInput("Anna", key, cpr_digits, support_years_last10=typed))
    made["typed_in"] = create_citizen(database, CitizenInput("Bo", "typed", "0301681236", support_years_last10=9))
    save_benefit_periods(
        database,
        made["periods_in"],
        [
            BenefitPeriodInput(P.LOEN, dt.date(2010, 1, 1), _years_ago(9, days=-1)),
            BenefitPeriodInput(P.A_DAGPENGE, _years_ago(9), _years_ago(7, days=-1)),
            BenefitPeriodInput(P.KONTANTHJAELP, _years_ago(7), None),
        ],
        today=TODAY,
    )
    save_benefit_periods(
        database,
        made["periods_out"],
        [
            BenefitPeriodInput(P.LOEN, dt.date(2010, 1, 1), _years_ago(3, days=-1)),
            BenefitPeriodInput(P.KONTANTHJAELP, _years_ago(3), None),
        ],
        today=TODAY,
    )
    return made


def test_the_caseload_reads_the_years_from_the_periods_where_there_are_any(
    database: Database, citizens: dict[str, int]
) -> None:
    rows = {r.citizen_id: r for r in caseload.load_caseload(database, TODAY)}
    got = {
        key: (rows[cid].support.years, rows[cid].support.source, rows[cid].in_target_group)  # type: ignore[union-attr]
        for key, cid in citizens.items()
    }
    assert got == {
        "periods_in": (9, SupportSource.PERIODS, True),
        "periods_out": (3, SupportSource.PERIODS, False),  # the typed 9 is not used
        "typed_in": (9, SupportSource.TYPED, True),
    }


def test_the_case_shows_the_years_their_source_and_the_target_group(
    database: Database, citizens: dict[str, int]
) -> None:
    file = open_citizen_file(database, citizens["periods_in"], TODAY)
    assert file.in_target_group
    assert file.support is not None
    assert file.support.text == "9 af de seneste 10 år (talt fra forsørgelseshistorikken; foreløbig)"
    typed = open_citizen_file(database, citizens["typed_in"], TODAY).support
    assert typed is not None
    assert typed.text == "9 af de seneste 10 år (indtastet; ingen perioder i forsørgelseshistorikken)"
    with database.reading() as session:
        assert support_years(session, 999_999, TODAY) is None


def test_the_team_summary_counts_the_target_group_from_the_periods_too(
    database: Database, citizens: dict[str, int]
) -> None:
    from jobraad.support_years import counting_periods, years_on

    with database.reading() as session:
        periods = counting_periods(session)
    assert set(periods) == {citizens["periods_in"], citizens["periods_out"]}  # not the one without periods
    assert years_on(periods[citizens["periods_in"]], TODAY) == 9
    assert years_on(periods[citizens["periods_out"]], TODAY) == 3
    # On an earlier day, only what lay before it counts.
    assert years_on(periods[citizens["periods_in"]], _years_ago(2)) == 7
