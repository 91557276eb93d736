"""Values as a Danish reader reads them, the same in the window, the dossier, letters and
exports: the one place that turns numbers, hours, shares, dates, weeks and CPR numbers into
text for people.

- numbers: decimal comma, thousands point ("1.234,5"); `number(x, decimals)`
- hours: up to two decimals, no trailing zeros ("7,25", "7,5", "8"), as typed in the grid
- change in hours a week: a sign, one decimal ("+0,5 t/uge"; "0,0 t/uge", never "-0,0")
- shares: a space before the sign, whole when whole ("80 %"), else one decimal ("47,5 %")
- dates dd-mm-åååå, time tt:mm; ISO weeks "uge 12" or "uge 12, 2026" (the ISO year, which
  differs from the calendar year around new year: 31-12-2024 is "uge 1, 2025")
- CPR numbers DDMMÅÅ-SSSS, or DDMMÅÅ-xxxx where the list hides the serial
- file sizes "23,4 MB", "512 kB"

Parsing what people type lives beside the rule it feeds (`jobraad.dates.parse_date`,
`jobraad.cpr.normalise`, `parse_number` here for numbers typed with a comma).
"""

from __future__ import annotations

import datetime as dt

__all__ = [
    "DASH",
    "cpr",
    "cpr_masked",
    "date",
    "date_time",
    "decimal",
    "file_size",
    "hours",
    "hours_change",
    "number",
    "parse_number",
    "percent",
    "time",
    "week",
    "weekday",
]

#: What stands where there is no value, in tables and in print.
DASH = "—"
#: Monday first, as `datetime.date.weekday()` counts.
WEEKDAYS = ("mandag", "tirsdag", "onsdag", "torsdag", "fredag", "lørdag", "søndag")
_MB = 1024 * 1024


def number(x: float, decimals: int = 1) -> str:
    """1234.5 → "1.234,5" (decimal comma, thousands point); `decimals` fixed."""
    text = f"{x:,.{decimals}f}"
    if decimals and float(text.replace(",", "")) == 0:  # "-0,0"
        text = text.lstrip("-")
    elif not decimals and text in ("-0",):
        text = "0"
    return text.replace(",", "\x00").replace(".", ",").replace("\x00", ".")


def decimal(x: float) -> str:
    """A number as typed, up to two decimals: 7.25 → "7,25", 7.5 → "7,5", 8.0 → "8",
    1234 → "1.234"."""
    text = number(round(x, 2), 2)
    whole, _, fraction = text.partition(",")
    fraction = fraction.rstrip("0")
    return f"{whole},{fraction}" if fraction else whole


def hours(x: float) -> str:
    """Hours as typed in the week grid: `decimal`, so 7.25 hours reads "7,25" everywhere."""
    return decimal(x)


def hours_change(x: float) -> str:
    """A trend in hours a week: "+0,5 t/uge", "-1,2 t/uge"; a change that rounds to nothing
    reads "0,0 t/uge", without a sign."""
    text = number(x, 1)
    if text != "0,0" and not text.startswith("-"):
        text = "+" + text
    return f"{text} t/uge"


def percent(share: float, decimals: int | None = None) -> str:
    """A share as a percentage: 0.8 → "80 %", 0.475 → "47,5 %" (whole when it is whole, else
    one decimal); with `decimals`, always that many ("80,0 %", for a column of figures)."""
    pct = 100 * share
    if decimals is None:
        decimals = 0 if abs(pct - round(pct)) < 1e-9 else 1
    return f"{number(pct, decimals)} %"


def listing(items: list[str]) -> str:
    """Items as Danish lists them: "a", "a og b", "a, b og c"."""
    if len(items) <= 1:
        return "".join(items)
    return f"{', '.join(items[:-1])} og {items[-1]}"


def parse_number(text: str) -> float | None:
    """A number as typed: "7,5", "7.5" or " 8 " → 7.5 / 8.0; "" → None. Anything else
    raises ValueError (the caller says in Danish what was wrong)."""
    raw = str(text).strip().replace(",", ".")
    if raw == "":
        return None
    return float(raw)


def date(d: dt.date | None) -> str:
    """DD-MM-ÅÅÅÅ; "" for no date. (Without strftime, which is several times slower in long lists.)"""
    return "" if d is None else f"{d.day:02d}-{d.month:02d}-{d.year:04d}"


def date_time(d: dt.datetime | None, *, seconds: bool = False) -> str:
    """DD-MM-ÅÅÅÅ TT:MM (TT:MM:SS with `seconds`); "" for none."""
    return "" if d is None else f"{date(d)} {time(d, seconds=seconds)}"


def time(d: dt.datetime, *, seconds: bool = False) -> str:
    """TT:MM, or TT:MM:SS."""
    return f"{d.hour:02d}:{d.minute:02d}:{d.second:02d}" if seconds else f"{d.hour:02d}:{d.minute:02d}"


def weekday(d: dt.date) -> str:
    """The day of the week in Danish, small: "mandag"."""
    return WEEKDAYS[d.weekday()]


def week(d: dt.date, *, with_year: bool = False) -> str:
    """The ISO week of `d`: "uge 12", or "uge 12, 2026" with its ISO year."""
    iso = d.isocalendar()
    return f"uge {iso.week}, {iso.year}" if with_year else f"uge {iso.week}"


def cpr(digits: str) -> str:
    """Ten digits as DDMMÅÅ-SSSS."""
    return f"{digits[:6]}-{digits[6:]}"


def cpr_masked(digits: str) -> str:
    """DDMMÅÅ-xxxx: the birth date shown, the serial hidden (lists on a shared screen)."""
    return f"{digits[:6]}-xxxx"


def file_size(size: int) -> str:
    """'23,4 MB', '15 MB', '512 kB', '900 byte'."""
    if size >= _MB:
        return f"{number(size / _MB, 1).removesuffix(',0')} MB"
    if size >= 1024:
        return f"{round(size / 1024)} kB"
    return f"{size} byte"
