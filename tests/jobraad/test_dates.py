"""ISO weeks: the Monday of a day's week, and of a week given by its number."""

from __future__ import annotations

import datetime as dt

import pytest

from jobraad.dates import iso_monday, monday_of

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
