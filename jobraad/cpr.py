"""CPR numbers: validation, birth date, age.

A CPR number is DDMMÅÅ-SSSS: the birth date with a two-digit year, then four digits
whose first (the 7th of the number) gives the century (`birth_date`). No modulus-11
check: it stopped holding in 2007. Showing one is `jobraad.formatting.cpr`.
"""

from __future__ import annotations

import datetime as dt

from stdnum.dk import cpr as stdnum_cpr

from jobraad import formatting as fmt


class InvalidCpr(ValueError):
    """The text is not a CPR number; `str()` is a Danish explanation."""


def normalise(text: str) -> str:
    """Ten digits, or raise `InvalidCpr` with a Danish reason."""
    raw = text.strip()
    if not raw:
        raise InvalidCpr("CPR-nummer mangler.")
    digits = stdnum_cpr.compact(raw)  # without spaces and hyphens
    if not (digits.isascii() and digits.isdigit()):
        raise InvalidCpr(f"CPR-nummeret må kun indeholde cifre og én bindestreg: «{raw}».")
    if len(digits) != 10:
        raise InvalidCpr(f"CPR-nummeret skal have 10 cifre (DDMMÅÅ-SSSS), ikke «{raw}».")
    try:
        born = birth_date(digits)
    except InvalidCpr:
        raise InvalidCpr(f"CPR-nummeret indeholder ikke en gyldig fødselsdato: «{raw}».") from None
    if born > dt.date.today():
        raise InvalidCpr(f"CPR-nummerets fødselsdato {fmt.date(born)} ligger i fremtiden.")
    return digits


def is_valid(text: str) -> bool:
    try:
        normalise(text)
    except InvalidCpr:
        return False
    return True


def birth_date(digits: str) -> dt.date:
    """The birth date in a CPR number of ten digits (as stored, or from `normalise`).

    The 7th digit and the two-digit year give the century (the CPR office's table):
    0–3: 1900–1999; 4 and 9: 2000–2036 for years 00–36, else 1937–1999; 5–8: 2000–2057
    for years 00–57, else 1858–1899. `InvalidCpr` if the date does not exist."""
    year = int(digits[4:6])
    seventh = digits[6]
    if seventh in "0123" or (seventh in "49" and year >= 37):
        year += 1900
    elif seventh in "5678" and year >= 58:
        year += 1800
    else:
        year += 2000
    try:
        return dt.date(year, int(digits[2:4]), int(digits[0:2]))
    except ValueError:
        raise InvalidCpr("CPR-nummeret indeholder ikke en gyldig fødselsdato.") from None


def age_on(digits: str, on: dt.date) -> int:
    born = birth_date(digits)
    return on.year - born.year - ((on.month, on.day) < (born.month, born.day))
