"""Dates as Danes type them: dd-mm-åååå (also with . or /) or åååå-mm-dd, the ISO weeks
the caseworker plans in (a week runs Monday to Sunday), and working days for deadlines.
Showing a date is `jobraad.formatting.date`.

Working days: Monday to Friday except the Danish public holidays (helligdage) as the
`holidays` package's Danish calendar (category "public") has them. Its "optional" days
(1 May, Grundlovsdag, 24 and 31 December) are no helligdage and stay working days; Store
Bededag is a helligdag up to 2023 and not from 2024 (abolished by law, vedtaget 28-02-2023).
The calendar is the package's, so a law change reaches jobraad with a new release of it."""

from __future__ import annotations

import datetime as dt
import functools
import re

_DANISH = re.compile(r"^\s*(\d{1,2})[-./](\d{1,2})[-./](\d{4})\s*$")
_ISO = re.compile(r"^\s*(\d{4})-(\d{1,2})-(\d{1,2})\s*$")


class InvalidDate(ValueError):
    """`str()` is a Danish explanation."""


def parse_date(text: str) -> dt.date:
    """Parse dd-mm-åååå (also with . or /) or åååå-mm-dd."""
    m = _DANISH.match(text)
    if m:
        day, month, year = (int(g) for g in m.groups())
    else:
        m = _ISO.match(text)
        if not m:
            raise InvalidDate(f"«{text.strip()}» er ikke en dato. Skriv den som dd-mm-åååå.")
        year, month, day = (int(g) for g in m.groups())
    if year < 1900 or year > 2200:
        raise InvalidDate(f"Året {year} i «{text.strip()}» er ikke et gyldigt år.")
    try:
        return dt.date(year, month, day)
    except ValueError:
        raise InvalidDate(f"«{text.strip()}» findes ikke i kalenderen.") from None


def monday_of(day: dt.date) -> dt.date:
    """The Monday of the ISO week `day` falls in."""
    return day - dt.timedelta(days=day.weekday())


@functools.lru_cache(maxsize=4096, typed=True)  # typed: 2026.0 is no year, as uncached
def iso_monday(iso_year: int, iso_week: int) -> dt.date:
    """The Monday of ISO week `iso_week` of `iso_year`; `ValueError` if the year has no such week.
    Remembered: the whole caseload's hours ask for the same few hundred weeks again and again."""
    try:
        return dt.date.fromisocalendar(iso_year, iso_week, 1)
    except ValueError:
        raise ValueError(f"no ISO week {iso_year}-W{iso_week:02d}") from None


@functools.lru_cache(maxsize=256)
def _danish_helligdage(year: int) -> frozenset[dt.date]:
    # Imported when first needed: the package imports the calendars of every country (0.1 s),
    # which the window's start should not wait for.
    from holidays import country_holidays
    from holidays.constants import PUBLIC

    return frozenset(country_holidays("DK", years=year, categories=(PUBLIC,)))


def is_working_day(day: dt.date) -> bool:
    """Monday to Friday and no Danish helligdag."""
    return day.weekday() < 5 and day not in _danish_helligdage(day.year)


def next_working_day(day: dt.date) -> dt.date:
    """`day` if it is a working day, else the first working day after it."""
    while not is_working_day(day):
        day += dt.timedelta(days=1)
    return day


def deadline_after(start: dt.date, days: int) -> dt.date:
    """A deadline `days` calendar days after `start`; on a weekend or a helligdag it moves
    to the next working day."""
    return next_working_day(start + dt.timedelta(days=days))
