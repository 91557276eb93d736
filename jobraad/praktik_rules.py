"""Virksomhedspraktik as dated data (`resources/rules/praktik.toml`): how long a praktik may
last under LAB § 61, the steps by which it may be extended, which placement kinds are
virksomhedspraktik under § 61, and after which kinds the employer's statement is expected.

The file is checked completely when it is read (`jobraad.rule_files`): an unknown key, a missing
field, a wrong type, an unknown placement kind, a status other than "bekræftet"/"foreløbig", an
empty source or overlapping periods refuse the whole file with `RuleFileError`, whose Danish
message names the file and the entry.

The schema (every other key is refused):

    format = 1
    [[periods]]            id, valid_from (date), base_weeks (int), paragraph, target_group, source, status;
                           optional valid_to (date; open-ended if left out)
    [[periods.steps]]      id, label, paragraph, from_weeks (int), source, status, and at least one of
                           to_weeks (int: the total it may reach), weeks_per_step (int: the most one
                           step may add); optional near_end = { weeks, source, status } (the step is
                           decided no earlier than that many weeks before the current end)
    [[section61_kinds]]    kind (PlacementKind), source, status
    [[employer_statement_kinds]]  kind (PlacementKind), source, status

The mechanism here holds no value of its own: `extension_step()` picks the step for a
placement's current allowed end, `extension_problems()` says what is wrong with a proposed
extension, in Danish.
"""

from __future__ import annotations

import datetime as dt
import functools
from dataclasses import dataclass
from itertools import pairwise

from db.enums import PlacementKind
from jobraad import formatting as fmt
from jobraad.errors import FieldProblem
from jobraad.rule_files import RuleFileError, Table, parse_rule_file, read_rule_file

__all__ = [
    "FILE_NAME",
    "ExtensionStep",
    "PraktikPeriod",
    "PraktikRules",
    "extension_problems",
    "extension_step",
    "load_rules",
    "parse_rules",
    "statement_placement_kinds",
    "weeks_after",
]

FILE_NAME = "praktik.toml"
_MAX_WEEKS = 520


@dataclass(frozen=True)
class ExtensionStep:
    """One way a praktik may be extended, from the point where its allowed length reaches `from_weeks`."""

    id: str
    label: str
    paragraph: str
    from_weeks: int
    to_weeks: int | None  # the total length the step may reach
    weeks_per_step: int | None  # the most one extension of this step may add
    near_end_weeks: int | None  # decided no earlier than this many weeks before the current end
    near_end_provisional: bool
    source: str
    provisional: bool


@dataclass(frozen=True)
class PraktikPeriod:
    id: str
    valid_from: dt.date
    valid_to: dt.date | None
    base_weeks: int
    paragraph: str
    target_group: str
    source: str
    provisional: bool
    steps: tuple[ExtensionStep, ...]

    def applies_on(self, day: dt.date) -> bool:
        return self.valid_from <= day and (self.valid_to is None or day <= self.valid_to)

    def step(self, step_id: str) -> ExtensionStep | None:
        return next((s for s in self.steps if s.id == step_id), None)


@dataclass(frozen=True)
class PraktikRules:
    periods: tuple[PraktikPeriod, ...]  # oldest first, not overlapping
    section61_kinds: dict[PlacementKind, bool]  # kind -> provisional
    statement_kinds: dict[PlacementKind, bool]  # kind -> provisional, in file order

    def period_on(self, day: dt.date) -> PraktikPeriod:
        """The period in force on `day`; before the first period, the first (the oldest rule known);
        in a gap between periods, the one that ended last before it."""
        for period in self.periods:
            if period.applies_on(day):
                return period
        earlier = [p for p in self.periods if p.valid_from <= day]
        return earlier[-1] if earlier else self.periods[0]

    def is_section61(self, kind: PlacementKind) -> bool:
        return kind in self.section61_kinds


def weeks_after(start: dt.date, weeks: int) -> dt.date:
    """The last day of a period of `weeks` weeks from `start` (Monday to the Monday 13 weeks on is 13 weeks)."""
    return start + dt.timedelta(weeks=weeks)


# --- the steps ------------------------------------------------------------------------------------------------


def extension_step(rules: PraktikRules, start: dt.date, allowed_end: dt.date, decided_on: dt.date) -> ExtensionStep:
    """The step an extension decided on `decided_on` is, for a praktik that started on `start` and may
    now last until `allowed_end`: of the steps of the period in force that day, the one with the
    highest `from_weeks` the praktik's allowed length has reached."""
    period = rules.period_on(decided_on)
    reached = [s for s in period.steps if allowed_end >= weeks_after(start, s.from_weeks)]
    if not reached:
        return min(period.steps, key=lambda s: s.from_weeks)
    return max(reached, key=lambda s: s.from_weeks)


def _provisional(step: ExtensionStep) -> str:
    return " (foreløbig)" if step.provisional else ""


def _end(text: str) -> str:
    """`text` as the end of a sentence: a paragraph's "pkt." takes no second full stop."""
    return text if text.endswith(".") else f"{text}."


def extension_problems(
    rules: PraktikRules,
    step: ExtensionStep,
    *,
    start: dt.date,
    allowed_end: dt.date,
    decided_on: dt.date,
    extended_to: dt.date,
) -> list[FieldProblem]:
    """What is wrong with extending a praktik (started `start`, allowed until `allowed_end`) to
    `extended_to` by `step`, decided on `decided_on`; empty if nothing is."""
    problems: list[FieldProblem] = []
    if extended_to <= allowed_end:
        problems.append(
            FieldProblem(
                "ny slutdato",
                f"Den nye slutdato skal ligge efter den nuværende ({fmt.date(allowed_end)}). "
                "En kortere praktik rettes i placeringen.",
            )
        )
        return problems
    where = f"{step.paragraph}{_provisional(step)}"
    if step.to_weeks is not None and extended_to > weeks_after(start, step.to_weeks):
        last = weeks_after(start, step.to_weeks)
        text = (
            f"Efter en {step.label} kan praktikken højst forlænges til {step.to_weeks} uger i alt "
            f"(til {fmt.date(last)}), {_end(where)}"
        )
        later = [s for s in rules.period_on(decided_on).steps if s.from_weeks >= step.to_weeks and s is not step]
        if later:
            nxt = min(later, key=lambda s: s.from_weeks)
            more = f" med op til {nxt.weeks_per_step} uger ad gangen" if nxt.weeks_per_step else ""
            text += f" Forlæng først til {fmt.date(last)}; derefter kan den forlænges{more} ved et {nxt.label}."
        problems.append(FieldProblem("ny slutdato", text))
    if step.weeks_per_step is not None and extended_to > weeks_after(allowed_end, step.weeks_per_step):
        last = weeks_after(allowed_end, step.weeks_per_step)
        problems.append(
            FieldProblem(
                "ny slutdato",
                f"Ved et {step.label} kan praktikken forlænges med højst {step.weeks_per_step} uger ad gangen "
                f"(til {fmt.date(last)}), {_end(where)}",
            )
        )
    if step.near_end_weeks is not None and decided_on < allowed_end - dt.timedelta(weeks=step.near_end_weeks):
        earliest = allowed_end - dt.timedelta(weeks=step.near_end_weeks)
        reading = " (foreløbig: jobraads læsning af «hen mod udgangen»)" if step.near_end_provisional else ""
        problems.append(
            FieldProblem(
                "besluttet",
                f"En forlængelse ved et {step.label} besluttes hen mod udgangen af perioden: tidligst "
                f"{fmt.date(earliest)}, {step.near_end_weeks} uger før den nuværende slutdato "
                f"{fmt.date(allowed_end)}{reading}, {_end(step.paragraph)}",
            )
        )
    return problems


# --- reading and checking -----------------------------------------------------------------------------------


@functools.cache
def load_rules() -> PraktikRules:
    """The shipped rules (`resources/rules/praktik.toml`), read once."""
    return _rules(read_rule_file(FILE_NAME, required=_TOP))


def statement_placement_kinds() -> tuple[PlacementKind, ...]:
    """The placement kinds after which an employer statement is expected, in file order."""
    return tuple(load_rules().statement_kinds)


def parse_rules(text: str, file: str) -> PraktikRules:
    """Check the text of a praktik rules file and build the rules; `file` names it in messages."""
    return _rules(parse_rule_file(text, file, required=_TOP))


_TOP = ("periods", "section61_kinds", "employer_statement_kinds")


def _weeks(table: Table, key: str) -> int:
    return table.integer(key, 1, _MAX_WEEKS)


def _rules(top: Table) -> PraktikRules:
    periods = [
        _period(entry)
        for entry in top.entries(
            "periods",
            required=("id", "valid_from", "base_weeks", "paragraph", "target_group", "steps"),
            optional=("valid_to",),
        )
    ]
    periods.sort(key=lambda p: p.valid_from)
    for before, after in pairwise(periods):
        if before.valid_to is None or before.valid_to >= after.valid_from:
            raise RuleFileError(
                top.file,
                f"[[periods]] «{after.id}»",
                f"perioden begynder {fmt.date(after.valid_from)}, før perioden «{before.id}» slutter.",
            )
    return PraktikRules(
        periods=tuple(periods),
        section61_kinds=_kinds(top, "section61_kinds"),
        statement_kinds=_kinds(top, "employer_statement_kinds"),
    )


def _period(entry: Table) -> PraktikPeriod:
    period_id = entry.text("id")
    entry.named(f"[[periods]] «{period_id}»")
    valid_from = entry.date("valid_from")
    valid_to = entry.date("valid_to") if entry.has("valid_to") else None
    if valid_to is not None and valid_to < valid_from:
        entry.fail("«valid_to» ligger før «valid_from».")
    steps = [
        _step(step)
        for step in entry.entries(
            "steps",
            required=("id", "label", "paragraph", "from_weeks"),
            optional=("to_weeks", "weeks_per_step", "near_end"),
        )
    ]
    ids = [s.id for s in steps]
    if len(set(ids)) != len(ids):
        entry.fail("to trin har samme id.")
    return PraktikPeriod(
        id=period_id,
        valid_from=valid_from,
        valid_to=valid_to,
        base_weeks=_weeks(entry, "base_weeks"),
        paragraph=entry.text("paragraph"),
        target_group=entry.text("target_group"),
        source=entry.source,
        provisional=entry.provisional,
        steps=tuple(steps),
    )


def _step(entry: Table) -> ExtensionStep:
    from_weeks = _weeks(entry, "from_weeks")
    to_weeks = _weeks(entry, "to_weeks") if entry.has("to_weeks") else None
    per_step = _weeks(entry, "weeks_per_step") if entry.has("weeks_per_step") else None
    if to_weeks is None and per_step is None:
        entry.fail("et trin skal have «to_weeks», «weeks_per_step» eller begge.")
    if to_weeks is not None and to_weeks <= from_weeks:
        entry.fail("«to_weeks» skal være større end «from_weeks».")
    near = entry.table("near_end", required=("weeks",)) if entry.has("near_end") else None
    return ExtensionStep(
        id=entry.text("id"),
        label=entry.text("label"),
        paragraph=entry.text("paragraph"),
        from_weeks=from_weeks,
        to_weeks=to_weeks,
        weeks_per_step=per_step,
        near_end_weeks=_weeks(near, "weeks") if near else None,
        near_end_provisional=near.provisional if near else False,
        source=entry.source,
        provisional=entry.provisional,
    )


def _kinds(top: Table, key: str) -> dict[PlacementKind, bool]:
    out: dict[PlacementKind, bool] = {}
    for entry in top.entries(key, required=("kind",)):
        kind = entry.choice("kind", PlacementKind)
        if kind in out:
            entry.fail(f"«{kind.value}» står to gange.")
        out[kind] = entry.provisional
    return out
