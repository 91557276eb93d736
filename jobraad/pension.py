"""Folkepensionsalderen and the rule that keeps ressourceforløb from citizens close to it.

The values are data: `resources/rules/folkepensionsalder.toml` (the age by birth date, lov om
social pension § 1 a) and `resources/rules/ressourceforloeb.toml` (LAB § 112, stk. 3: no
ressourceforløb with less than 6 years to folkepensionsalderen, unless the citizen wishes it).
Each file is checked whole when read (`jobraad.rule_files`); anything unexpected refuses it with
`RuleFileError`, whose Danish message names the file and the entry.

An age of Y years and M months is reached on the day the birth date comes round (the first of
the next month when that month is shorter: born 29 February, 65 is reached on 1 March).
"""

from __future__ import annotations

import datetime as dt
import functools
from dataclasses import dataclass

from jobraad.rule_files import PROVISIONAL, read_rule_file

__all__ = [
    "PENSION_AGE_FILE",
    "RESSOURCEFORLOEB_FILE",
    "PensionAge",
    "RessourceforloebBar",
    "SixYearRule",
    "folkepension_date",
    "pension_age",
    "ressourceforloeb_bar",
]

PENSION_AGE_FILE = "folkepensionsalder.toml"
RESSOURCEFORLOEB_FILE = "ressourceforloeb.toml"


@dataclass(frozen=True)
class PensionAge:
    """The folkepensionsalder of the citizens born from `born_from` to `born_to` (None: no limit)."""

    born_from: dt.date | None
    born_to: dt.date | None
    years: int
    months: int
    source: str
    status: str

    @property
    def provisional(self) -> bool:
        return self.status == PROVISIONAL

    @property
    def label(self) -> str:
        """'67 år', '66½ år', '65 år og 3 måneder'; '(foreløbig)' added when not confirmed."""
        if self.months == 0:
            text = f"{self.years} år"
        elif self.months == 6:
            text = f"{self.years}½ år"
        else:
            text = f"{self.years} år og {self.months} måned{'er' if self.months > 1 else ''}"
        return f"{text} (foreløbig)" if self.provisional else text

    def covers(self, born: dt.date) -> bool:
        return (self.born_from is None or self.born_from <= born) and (self.born_to is None or born <= self.born_to)


@dataclass(frozen=True)
class SixYearRule:
    """No ressourceforløb is started with less than `years` years to folkepensionsalderen."""

    paragraph: str  # e.g. "LAB § 112, stk. 3", for messages and journal notes
    years: int
    valid_from: dt.date
    valid_to: dt.date | None
    source: str
    status: str

    def applies_on(self, day: dt.date) -> bool:
        return self.valid_from <= day and (self.valid_to is None or day <= self.valid_to)


@dataclass(frozen=True)
class RessourceforloebBar:
    """Why a ressourceforløb is not to be started on a day: the citizen reaches folkepensionsalderen
    (`age`) on `reaches_on`, less than `rule.years` years later."""

    reaches_on: dt.date
    age: PensionAge
    rule: SixYearRule


# --- the rules ----------------------------------------------------------------------------------


def _add_months(day: dt.date, months: int) -> dt.date:
    """`day` `months` months later; a day the month lacks is the first of the next month."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    try:
        return dt.date(year, month + 1, day.day)
    except ValueError:
        return dt.date(year + 1, 1, 1) if month == 11 else dt.date(year, month + 2, 1)


def pension_age(born: dt.date) -> PensionAge:
    """The folkepensionsalder of a citizen born on `born`."""
    return next(row for row in _pension_ages() if row.covers(born))  # the rows cover every day


def folkepension_date(born: dt.date) -> dt.date:
    """The day a citizen born on `born` reaches folkepensionsalderen."""
    age = pension_age(born)
    return _add_months(born, 12 * age.years + age.months)


def ressourceforloeb_bar(born: dt.date, day: dt.date) -> RessourceforloebBar | None:
    """Why no ressourceforløb is to be started on `day` for a citizen born on `born` (less than
    the rule's years to folkepensionsalderen), or None when nothing bars it. With exactly 6 years
    left the rule does not bar it; from the next day it does."""
    rule = next((r for r in _six_year_rules() if r.applies_on(day)), None)
    if rule is None:
        return None
    reaches_on = folkepension_date(born)
    if day <= _add_months(reaches_on, -12 * rule.years):
        return None
    return RessourceforloebBar(reaches_on, pension_age(born), rule)


# --- reading the files --------------------------------------------------------------------------


@functools.cache
def _pension_ages() -> tuple[PensionAge, ...]:
    top = read_rule_file(PENSION_AGE_FILE, required=("folkepensionsalder",))
    rows: list[PensionAge] = []
    for entry in top.entries("folkepensionsalder", required=("years", "months"), optional=("born_from", "born_to")):
        row = PensionAge(
            born_from=entry.date("born_from") if entry.has("born_from") else None,
            born_to=entry.date("born_to") if entry.has("born_to") else None,
            years=entry.integer("years", 50, 90),
            months=entry.integer("months", 0, 11),
            source=entry.source,
            status=entry.status,
        )
        # Rows in order of birth, each starting the day after the one before ends, the first and
        # the last open: every birth date has exactly one folkepensionsalder.
        previous = rows[-1] if rows else None
        if previous is None and row.born_from is not None:
            entry.fail("den første række må ikke have «born_from» (den gælder alle født før «born_to»).")
        if previous is not None:
            expected = previous.born_to + dt.timedelta(days=1) if previous.born_to else None
            if row.born_from is None or row.born_from != expected:
                entry.fail("«born_from» skal være dagen efter forrige rækkes «born_to».")
        if row.born_from and row.born_to and row.born_to < row.born_from:
            entry.fail("«born_to» ligger før «born_from».")
        rows.append(row)
    if rows[-1].born_to is not None:
        top.fail("den sidste række må ikke have «born_to» (den gælder alle født senere).")
    return tuple(rows)


@functools.cache
def _six_year_rules() -> tuple[SixYearRule, ...]:
    top = read_rule_file(RESSOURCEFORLOEB_FILE, required=("ikke_ressourceforloeb",))
    rules: list[SixYearRule] = []
    for entry in top.entries(
        "ikke_ressourceforloeb",
        required=("paragraph", "years_before_folkepensionsalder", "valid_from"),
        optional=("valid_to",),
    ):
        rule = SixYearRule(
            paragraph=entry.text("paragraph"),
            years=entry.integer("years_before_folkepensionsalder", 1, 20),
            valid_from=entry.date("valid_from"),
            valid_to=entry.date("valid_to") if entry.has("valid_to") else None,
            source=entry.source,
            status=entry.status,
        )
        if rule.valid_to is not None and rule.valid_to < rule.valid_from:
            entry.fail("«valid_to» ligger før «valid_from».")
        if any(r.applies_on(rule.valid_from) or rule.applies_on(r.valid_from) for r in rules):
            entry.fail("perioden overlapper en anden posts periode.")
        rules.append(rule)
    return tuple(rules)
