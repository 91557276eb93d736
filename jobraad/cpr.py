"""CPR numbers: validation, formatting, age, masking.

Validation uses python-stdnum (format, a real birth date, the century rule of
the 7th digit). No modulus-11 check: it stopped holding in 2007.
"""

from __future__ import annotations

import datetime as dt

from stdnum.dk import cpr as stdnum_cpr
from stdnum.exceptions import InvalidComponent, InvalidFormat, InvalidLength, ValidationError

from jobraad import formatting as fmt


class InvalidCpr(ValueError):
    """The text is not a CPR number; `str()` is a Danish explanation."""


def normalise(text: str) -> str:
    """Ten digits, or raise `InvalidCpr` with a Danish reason."""
    raw = text.strip()
    if not raw:
        raise InvalidCpr("CPR-nummer mangler.")
    try:
        return str(stdnum_cpr.validate(raw))
    except InvalidLength:
        raise InvalidCpr(f"CPR-nummeret skal have 10 cifre (DDMMÅÅ-SSSS), ikke «{raw}».") from None
    except InvalidFormat:
        raise InvalidCpr(f"CPR-nummeret må kun indeholde cifre og én bindestreg: «{raw}».") from None
    except InvalidComponent:
        digits = stdnum_cpr.compact(raw)
        try:
            born = stdnum_cpr.get_birth_date(digits)
        except InvalidComponent:
            raise InvalidCpr(f"CPR-nummeret indeholder ikke en gyldig fødselsdato: «{raw}».") from None
        raise InvalidCpr(f"CPR-nummerets fødselsdato {fmt.date(born)} ligger i fremtiden.") from None
    except ValidationError:
        raise InvalidCpr(f"Ugyldigt CPR-nummer: «{raw}».") from None


def is_valid(text: str) -> bool:
    try:
        normalise(text)
    except InvalidCpr:
        return False
    return True


def birth_date(digits: str) -> dt.date:
    """The birth date in a CPR number, by python-stdnum's rule (the 7th digit gives the
    century). Ten ASCII digits, as stored, are read directly (python-stdnum first cleans
    the text, which is most of its time over a whole caseload); anything else goes to
    python-stdnum. Both raise python-stdnum's `InvalidComponent` for an impossible date;
    tests/jobraad/test_caseload_bulk.py checks that they agree for any ten digits."""
    if len(digits) == 10 and digits.isascii() and digits.isdigit():
        return _birth_date_of_digits(digits)
    born: dt.date = stdnum_cpr.get_birth_date(digits)
    return born


def _birth_date_of_digits(digits: str) -> dt.date:
    """python-stdnum's `get_birth_date` for ten ASCII digits."""
    year = int(digits[4:6])
    seventh = digits[6]
    if seventh in "5678" and year >= 58:
        year += 1800
    elif seventh in "0123" or (seventh in "49" and year >= 37):
        year += 1900
    else:
        year += 2000
    try:
        return dt.date(year, int(digits[2:4]), int(digits[0:2]))
    except ValueError:
        raise InvalidComponent("The number does not contain valid birth date information.") from None


def age_on(digits: str, on: dt.date) -> int:
    born = birth_date(digits)
    return on.year - born.year - ((on.month, on.day) < (born.month, born.day))
