"""CPR numbers: the century rule of the 7th digit, worked by hand for every branch of the
CPR office's table, the dates that do not exist, and validation's Danish messages."""

from __future__ import annotations

import datetime as dt

import pytest

from jobraad import cpr

D = dt.date


@pytest.mark.parametrize(
    ("digits", "born"),
    [
        # 7th digit 0–3: 1900–1999, whatever the year.
        ("0101000000", D(1900, 1, 1)),
        ("1506621233", D(1962, 6, 15)),
        ("3112993999", D(1999, 12, 31)),
        # 4 and 9: 2000–2036 for years 00–36, 1937–1999 for 37–99.
        ("0101004000", D(2000, 1, 1)),
        ("0101364000", D(2036, 1, 1)),
        ("0101374000", D(1937, 1, 1)),
        ("0101999000", D(1999, 1, 1)),
        ("0101009000", D(2000, 1, 1)),
        ("0101369000", D(2036, 1, 1)),
        ("0101379000", D(1937, 1, 1)),
        # 5–8: 2000–2057 for years 00–57, 1858–1899 for 58–99.
        ("0101005000", D(2000, 1, 1)),
        ("0101576000", D(2057, 1, 1)),
        ("0101587000", D(1858, 1, 1)),
        ("0101998000", D(1899, 1, 1)),
        # Leap days: 2000 had one (7th digit 4), 1900 had none (7th digit 0) — see below.
        ("2902004000", D(2000, 2, 29)),
    ],
)
def test_birth_date_by_the_century_rule(digits: str, born: dt.date) -> None:
    assert cpr.birth_date(digits) == born


@pytest.mark.parametrize("digits", ["2902001000", "3204621234", "0013621234", "0000000000", "3102991234"])
def test_a_birth_date_that_does_not_exist(digits: str) -> None:
    with pytest.raises(cpr.InvalidCpr, match="fødselsdato"):
        cpr.birth_date(digits)


def test_age_on_the_day_before_and_on_the_birthday() -> None:
    assert cpr.age_on("1506621233", D(2026, 6, 14)) == 63
    assert cpr.age_on("1506621233", D(2026, 6, 15)) == 64
    assert cpr.age_on("2902004000", D(2027, 2, 28)) == 26  # no 29 February in 2027
    assert cpr.age_on("2902004000", D(2027, 3, 1)) == 27


@pytest.mark.parametrize(
    ("text", "digits"),
    [("150662-1233", "1506621233"), (" 1506621233 ", "1506621233"), ("150662 1233", "1506621233")],
)
def test_normalise_gives_ten_digits(text: str, digits: str) -> None:
    assert cpr.normalise(text) == digits
    assert cpr.is_valid(text)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "CPR-nummer mangler."),
        ("12345", "skal have 10 cifre"),
        ("150662-12334", "skal have 10 cifre"),
        ("abcdefghij", "kun indeholde cifre"),
        ("150662-123X", "kun indeholde cifre"),
        ("١٥٠٦٦٢١٢٣٣", "kun indeholde cifre"),  # Arabic-Indic digits are no CPR number
        ("290200-1000", "ikke en gyldig fødselsdato: «290200-1000»"),  # 1900 had no 29 February
        ("010130-4000", "fødselsdato 01-01-2030 ligger i fremtiden"),  # 7th digit 4, year 30: born 2030
    ],
)
def test_normalise_refuses_in_danish(text: str, message: str) -> None:
    with pytest.raises(cpr.InvalidCpr) as info:
        cpr.normalise(text)
    assert message in str(info.value)
    assert not cpr.is_valid(text)
