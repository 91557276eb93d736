"""ISO weeks: the Monday of a day's week, and of a week given by its number; working days for
deadlines (weekends and the Danish helligdage of the `holidays` package)."""

from __future__ import annotations

import datetime as dt

import pytest

from jobraad.dates import deadline_after, is_working_day, iso_monday, monday_of, next_working_day

D = dt.date


@pytest.mark.parametrize(
    ("day", "monday"),
    [
        (D(2026, 3, 16), D(2026, 3, 16)),  # a Monday is its own
        (D(2026, 3, 22), D(2026, 3, 16)),  # Sunday
        (D(2027, 1, 1), D(2026, 12, 28)),  # a Friday in uge 53 of 2026
        (D(2025, 12, 31), D(2025, 12, 29)),  # uge 1 of 2026 starts in December
    ],
)
def test_monday_of(day: dt.date, monday: dt.date) -> None:
    assert monday_of(day) == monday


def test_iso_monday_and_weeks_that_do_not_exist() -> None:
    assert iso_monday(2026, 53) == D(2026, 12, 28)
    assert iso_monday(2027, 1) == D(2027, 1, 4)
    assert iso_monday(2026, 1) == D(2025, 12, 29)
    for year, week in ((2025, 53), (2026, 0), (2026, 54)):
        with pytest.raises(ValueError, match=f"no ISO week {year}-W{week:02d}"):
            iso_monday(year, week)


@pytest.mark.parametrize(
    ("day", "working"),
    [
        (D(2026, 12, 25), False),  # juledag (a Friday)
        (D(2026, 12, 26), False),  # 2. juledag (a Saturday)
        (D(2026, 12, 27), False),  # a Sunday
        (D(2026, 12, 28), True),
        (D(2023, 5, 5), False),  # Store Bededag 2023, the last one
        (D(2024, 4, 26), True),  # the fourth Friday after Easter 2024: Store Bededag is abolished
        (D(2025, 5, 16), True),
        (D(2026, 12, 24), True),  # juleaftensdag and nytårsaftensdag are no helligdage
        (D(2026, 12, 31), True),
        (D(2026, 6, 5), True),  # Grundlovsdag is no helligdag either
        (D(2027, 1, 1), False),  # nytårsdag
        (D(2027, 3, 25), False),  # skærtorsdag
        (D(2027, 3, 29), False),  # 2. påskedag
        (D(2027, 5, 6), False),  # Kristi himmelfartsdag
        (D(2027, 5, 17), False),  # 2. pinsedag
    ],
)
def test_working_days_are_weekdays_that_are_no_helligdag(day: dt.date, working: bool) -> None:
    assert is_working_day(day) is working


def test_a_deadline_on_a_weekend_or_helligdag_moves_to_the_next_working_day() -> None:
    assert next_working_day(D(2026, 12, 7)) == D(2026, 12, 7)  # a working day is its own
    assert next_working_day(D(2026, 12, 25)) == D(2026, 12, 28)  # juledag, 2. juledag, Sunday
    assert next_working_day(D(2023, 5, 5)) == D(2023, 5, 8)  # Store Bededag 2023, then the weekend
    assert next_working_day(D(2026, 4, 2)) == D(2026, 4, 7)  # skærtorsdag to 2. påskedag
    assert deadline_after(D(2026, 12, 4), 21) == D(2026, 12, 28)
    assert deadline_after(D(2026, 12, 4), 20) == D(2026, 12, 24)  # juleaftensdag is a working day
    assert deadline_after(D(2026, 12, 3), 20) == D(2026, 12, 23)
