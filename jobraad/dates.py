"""Dates as Danes type them: dd-mm-åååå (also with . or /) or åååå-mm-dd, and the ISO weeks
the caseworker plans in (a week runs Monday to Sunday). Showing a date is
`jobraad.formatting.date`."""

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
