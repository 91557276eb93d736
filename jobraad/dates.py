"""Dates as Danes type them: dd-mm-åååå (also with . or /) or åååå-mm-dd. Showing a date is
`jobraad.formatting.date`."""

from __future__ import annotations

import datetime as dt
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
