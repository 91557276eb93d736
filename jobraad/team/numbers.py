"""The numbers of a summary file's "Nedre" and "Øvre" columns as text: how jobraad writes
them, and how merge reads them back exactly, also from a file another program saved again.

jobraad writes a bound with a decimal comma and no thousands separator, in as many decimals
as the number needs to be read back exactly ("51,06301369863014"), and declares it in the
metadata (`talformat = da-DK`). A non-integer never has exactly three decimals ("1,2340",
not "1,234"), so no bound jobraad writes reads as a number with thousands separators.

A spreadsheet program that saves the file again can change that: LibreOffice or Excel in
an English locale write "51.063014". Such a file still declares da-DK, so the declaration
holds only while every bound is written as jobraad writes it. Otherwise the convention is
taken from the file as a whole: a value like "51.063014" or "1.234,5" can only be read one
way and says which sign is the decimal sign; a value like "1.234" (1,234 or 1234?) is read
by that; and a file whose values disagree, or whose only clue is an ambiguous value, is
refused with the cell named. A number is never read a thousand times off without a word.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from enum import Enum

__all__ = [
    "NUMBER_FORMAT",
    "NUMBER_FORMAT_KEY",
    "NUMBER_FORMAT_LABEL",
    "NumberRefused",
    "format_bound",
    "read_bounds",
]

#: The metadata key and value that declare how the bounds are written.
NUMBER_FORMAT_KEY = "talformat"
NUMBER_FORMAT = "da-DK"
NUMBER_FORMAT_LABEL = "Tal i Nedre og Øvre: decimalkomma, ingen tusindtalsseparator"

# The form jobraad writes: an optional minus, digits, and a decimal comma with digits.
_OWN = re.compile(r"-?\d+(?:,\d+)?")
_INTEGER = re.compile(r"\d+")


class NumberRefused(Exception):
    """A bound that cannot be read for certain. `where` names the cell; `message` says why, in Danish."""

    def __init__(self, where: str, message: str) -> None:
        super().__init__(where)
        self.where = where
        self.message = message


class _Convention(Enum):
    COMMA = ","  # decimal comma, thousands point (da-DK)
    POINT = "."  # decimal point, thousands comma (en-US)

    @property
    def thousands(self) -> str:
        return "." if self is _Convention.COMMA else ","

    @property
    def described(self) -> str:
        return "komma som decimaltegn" if self is _Convention.COMMA else "punktum som decimaltegn"


def format_bound(x: float | None) -> str:
    """A bound as text, in the declared format: decimal comma, no thousands separator, exact."""
    if x is None:
        return ""
    if not math.isfinite(x):
        raise ValueError(f"no bound text for {x!r}")
    if float(x).is_integer():
        return str(int(x))
    text = format(Decimal(repr(float(x))), "f")  # the shortest decimal that reads back as x
    whole, _, decimals = text.partition(".")
    if len(decimals) == 3:
        decimals += "0"  # "1,2340": never the form of a thousands group
    return f"{whole},{decimals}"


def _grouped(digits: str, sep: str) -> bool:
    """`digits` is an integer written in groups of three with `sep` ("1.234.567")."""
    return re.fullmatch(rf"[1-9]\d{{0,2}}(?:{re.escape(sep)}\d{{3}})+", digits) is not None


@dataclass(frozen=True)
class _Reading:
    value: float | None  # when the text can be read only one way
    convention: _Convention | None  # the convention the text shows, if it shows one
    readings: tuple[float, float] | None = None  # (as decimal comma, as decimal point) when ambiguous


def _classify(text: str) -> _Reading | None:
    """How a bound written as text can be read; None when it is no number in any convention."""
    sign = -1.0 if text.startswith("-") else 1.0
    body = text.removeprefix("-")
    if _INTEGER.fullmatch(body):
        return _Reading(sign * float(body), None)
    points, commas = body.count("."), body.count(",")
    if points and commas:
        decimal_sign = "," if body.rfind(",") > body.rfind(".") else "."
        convention = _Convention(decimal_sign)
        whole, _, decimals = body.rpartition(decimal_sign)
        if body.count(decimal_sign) != 1 or not _INTEGER.fullmatch(decimals):
            return None
        if not _grouped(whole, convention.thousands):
            return None
        return _Reading(sign * float(f"{whole.replace(convention.thousands, '')}.{decimals}"), convention)
    sep = "." if points else ","
    count = points or commas
    if count > 1:  # only a thousands separator repeats: "1.234.567"
        if not _grouped(body, sep):
            return None
        convention = _Convention.COMMA if sep == "." else _Convention.POINT
        return _Reading(sign * float(body.replace(sep, "")), convention)
    whole, _, decimals = body.partition(sep)
    if not _INTEGER.fullmatch(whole) or not _INTEGER.fullmatch(decimals):
        return None
    as_decimal = sign * float(f"{whole}.{decimals}")
    if _grouped(body, sep):  # "1.234": 1,234 or 1234
        as_thousands = sign * float(whole + decimals)
        readings = (as_decimal, as_thousands) if sep == "," else (as_thousands, as_decimal)
        return _Reading(None, None, readings)
    return _Reading(as_decimal, _Convention(sep))


def _danish(x: float) -> str:
    """A number as a Danish reader writes it, for a message: "1,234", "1234"."""
    return format(Decimal(repr(x)), "f").removesuffix(".0").replace(".", ",")


def read_bounds(cells: Sequence[tuple[str, object]], declared: str | None) -> list[float | None]:
    """The bounds of one file, in order. `cells` pairs each cell's place (Danish, "linje 12,
    kolonne E (Nedre)") with its content: a number (an XLSX numeric cell, read as it is),
    text, or None/"" for an empty cell. `declared` is the file's `talformat`. Raises
    `NumberRefused` naming the first cell that cannot be read for certain."""
    texts: list[tuple[int, str, str]] = []  # (index, where, text) of the cells written as text
    values: list[float | None] = []
    for i, (where, raw) in enumerate(cells):
        if raw is None or isinstance(raw, bool):
            values.append(None)
        elif isinstance(raw, int | float):
            if not math.isfinite(raw):
                raise NumberRefused(where, "tallet er ikke et endeligt tal")
            values.append(float(raw))
        else:
            text = str(raw).strip().removeprefix("'").replace("\u00a0", "").replace(" ", "")
            if text:
                texts.append((i, where, text))
            values.append(None)
    if not texts:
        return values
    if declared == NUMBER_FORMAT and all(_OWN.fullmatch(text) for _, _, text in texts):
        for i, _, text in texts:  # written as jobraad writes: read by the declaration
            values[i] = float(text.replace(",", "."))
        return values

    readings: list[tuple[int, str, str, _Reading]] = []
    for i, where, text in texts:
        reading = _classify(text)
        if reading is None:
            raise NumberRefused(where, f"«{text}» kan ikke læses som et tal")
        readings.append((i, where, text, reading))
    shown = [(where, text, r.convention) for _, where, text, r in readings if r.convention is not None]
    if shown:
        first_where, first_text, convention = shown[0]
        for where, text, other in shown[1:]:
            if other is not convention:
                raise NumberRefused(
                    where,
                    f"«{text}» har {other.described}, men «{first_text}» ({first_where}) har "
                    f"{convention.described}. Filen blander talformater, så tallene kan ikke læses sikkert",
                )
    else:
        convention = None
    for i, where, text, r in readings:
        if r.value is not None:
            values[i] = r.value
        elif r.readings is not None and convention is not None:
            values[i] = r.readings[0] if convention is _Convention.COMMA else r.readings[1]
        else:
            as_comma, as_point = r.readings or (0.0, 0.0)
            raise NumberRefused(
                where,
                f"«{text}» kan betyde både {_danish(as_point)} og {_danish(as_comma)}, "
                "og intet andet tal i filen viser, om punktum eller komma er decimaltegnet",
            )
    return values
