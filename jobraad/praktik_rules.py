"""Virksomhedspraktik as dated data (`resources/rules/praktik.toml`): how long a praktik may
last under LAB § 61, the steps by which it may be extended, which placement kinds are
virksomhedspraktik under § 61, and after which kinds the employer's statement is expected.

The file is checked completely when it is read: an unknown key, a missing field, a wrong type,
an unknown placement kind, a status other than "bekræftet"/"foreløbig", an empty source or
overlapping periods refuse the whole file with `PraktikRulesError`, whose Danish message names
the file and the entry.

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
import tomllib
from dataclasses import dataclass
from itertools import pairwise
from typing import Any

from db.enums import PlacementKind
from jobraad import formatting as fmt
from jobraad.errors import FieldProblem, UserFacingError
from jobraad.resources import resource

__all__ = [
    "FILE_NAME",
    "FORMAT_VERSION",
    "ExtensionStep",
    "PraktikPeriod",
    "PraktikRules",
    "PraktikRulesError",
    "extension_problems",
    "extension_step",
    "load_rules",
    "parse_rules",
    "statement_placement_kinds",
    "weeks_after",
]

FORMAT_VERSION = 1
RESOURCE_FOLDER = "rules"
FILE_NAME = "praktik.toml"
CONFIRMED = "bekræftet"
PROVISIONAL = "foreløbig"
_MAX_WEEKS = 520


class PraktikRulesError(UserFacingError):
    """The rules for virksomhedspraktik could not be read or are not valid; nothing of them was used."""

    def __init__(self, file: str, where: str | None, problem: str) -> None:
        self.file = file
        self.where = where
        self.problem = problem
        place = f"Reglerne for virksomhedspraktik ({file})" + (f", {where}" if where else "")
        super().__init__(f"{place}: {problem}")


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
    node = resource(RESOURCE_FOLDER, FILE_NAME)
    try:
        data = node.read_bytes()
    except OSError as exc:
        raise PraktikRulesError(FILE_NAME, None, f"filen kan ikke åbnes ({exc.strerror or exc}).") from exc
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise PraktikRulesError(FILE_NAME, None, "filen er ikke en tekstfil i UTF-8.") from exc
    return parse_rules(text, FILE_NAME)


def statement_placement_kinds() -> tuple[PlacementKind, ...]:
    """The placement kinds after which an employer statement is expected, in file order."""
    return tuple(load_rules().statement_kinds)


def parse_rules(text: str, file: str) -> PraktikRules:
    """Check the text of a praktik rules file and build the rules; `file` names it in messages."""
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise PraktikRulesError(file, None, f"filen er ikke gyldig TOML ({exc}).") from exc
    return _Reader(file).rules(raw)


_TYPE_NAMES = {str: "en tekst", int: "et heltal", dt.date: "en dato (åååå-mm-dd)", list: "en liste", dict: "en tabel"}


class _Reader:
    def __init__(self, file: str) -> None:
        self.file = file

    def fail(self, where: str | None, problem: str) -> PraktikRulesError:
        return PraktikRulesError(self.file, where, problem)

    def fields(
        self, raw: object, where: str, required: dict[str, type], optional: dict[str, type] | None = None
    ) -> dict[str, Any]:
        if not isinstance(raw, dict):
            raise self.fail(where, "skal være en tabel.")
        optional = optional or {}
        unknown = sorted(set(raw) - set(required) - set(optional))
        if unknown:
            raise self.fail(where, f"ukendt nøgle «{unknown[0]}».")
        missing = [key for key in required if key not in raw]
        if missing:
            raise self.fail(where, f"mangler «{missing[0]}».")
        out: dict[str, Any] = {}
        for key, kind in {**required, **optional}.items():
            if key not in raw:
                continue
            value = raw[key]
            wrong = isinstance(value, bool) or not isinstance(value, kind)
            if kind is dt.date:
                wrong = isinstance(value, dt.datetime) or not isinstance(value, dt.date)
            if wrong:
                raise self.fail(where, f"«{key}» skal være {_TYPE_NAMES[kind]}.")
            if kind is str and not value.strip():
                raise self.fail(where, f"«{key}» må ikke være tom.")
            if kind is int and not 1 <= value <= _MAX_WEEKS:
                raise self.fail(where, f"«{key}» skal være mellem 1 og {_MAX_WEEKS}.")
            out[key] = value
        return out

    def provisional(self, status: str, where: str) -> bool:
        if status not in (CONFIRMED, PROVISIONAL):
            raise self.fail(where, f"«status» skal være «{CONFIRMED}» eller «{PROVISIONAL}» (ikke «{status}»).")
        return status == PROVISIONAL

    def entries(self, raw: dict[str, Any], key: str, where: str | None = None) -> list[Any]:
        value = raw.get(key)
        if not isinstance(value, list) or not value:
            raise self.fail(where, f"«{key}» skal være en liste med mindst én [[{key}]].")
        return value

    def rules(self, raw: dict[str, Any]) -> PraktikRules:
        top = self.fields(
            raw,
            "filen",
            {"format": int, "periods": list, "section61_kinds": list, "employer_statement_kinds": list},
        )
        if top["format"] != FORMAT_VERSION:
            raise self.fail(None, f"ukendt format {top['format']} (denne udgave kender format {FORMAT_VERSION}).")
        periods = [self.period(entry, n) for n, entry in enumerate(self.entries(raw, "periods"), start=1)]
        periods.sort(key=lambda p: p.valid_from)
        for before, after in pairwise(periods):
            if before.valid_to is None or before.valid_to >= after.valid_from:
                raise self.fail(
                    f"periods «{after.id}»",
                    f"perioden begynder {fmt.date(after.valid_from)}, før perioden «{before.id}» slutter.",
                )
        return PraktikRules(
            periods=tuple(periods),
            section61_kinds=self.kinds(raw, "section61_kinds"),
            statement_kinds=self.kinds(raw, "employer_statement_kinds"),
        )

    def period(self, raw: object, n: int) -> PraktikPeriod:
        where = f"periods nr. {n}"
        f = self.fields(
            raw,
            where,
            {
                "id": str,
                "valid_from": dt.date,
                "base_weeks": int,
                "paragraph": str,
                "target_group": str,
                "source": str,
                "status": str,
                "steps": list,
            },
            {"valid_to": dt.date},
        )
        where = f"periods «{f['id']}»"
        if f.get("valid_to") is not None and f["valid_to"] < f["valid_from"]:
            raise self.fail(where, "«valid_to» ligger før «valid_from».")
        steps = [self.step(entry, f"{where}, steps nr. {m}") for m, entry in enumerate(f["steps"], start=1)]
        ids = [s.id for s in steps]
        if len(set(ids)) != len(ids):
            raise self.fail(where, "to trin har samme id.")
        return PraktikPeriod(
            id=f["id"],
            valid_from=f["valid_from"],
            valid_to=f.get("valid_to"),
            base_weeks=f["base_weeks"],
            paragraph=f["paragraph"],
            target_group=f["target_group"],
            source=f["source"],
            provisional=self.provisional(f["status"], where),
            steps=tuple(steps),
        )

    def step(self, raw: object, where: str) -> ExtensionStep:
        f = self.fields(
            raw,
            where,
            {"id": str, "label": str, "paragraph": str, "from_weeks": int, "source": str, "status": str},
            {"to_weeks": int, "weeks_per_step": int, "near_end": dict},
        )
        if "to_weeks" not in f and "weeks_per_step" not in f:
            raise self.fail(where, "et trin skal have «to_weeks», «weeks_per_step» eller begge.")
        if "to_weeks" in f and f["to_weeks"] <= f["from_weeks"]:
            raise self.fail(where, "«to_weeks» skal være større end «from_weeks».")
        near_weeks: int | None = None
        near_provisional = False
        if "near_end" in f:
            near = self.fields(f["near_end"], f"{where}, near_end", {"weeks": int, "source": str, "status": str})
            near_weeks = near["weeks"]
            near_provisional = self.provisional(near["status"], f"{where}, near_end")
        return ExtensionStep(
            id=f["id"],
            label=f["label"],
            paragraph=f["paragraph"],
            from_weeks=f["from_weeks"],
            to_weeks=f.get("to_weeks"),
            weeks_per_step=f.get("weeks_per_step"),
            near_end_weeks=near_weeks,
            near_end_provisional=near_provisional,
            source=f["source"],
            provisional=self.provisional(f["status"], where),
        )

    def kinds(self, raw: dict[str, Any], key: str) -> dict[PlacementKind, bool]:
        out: dict[PlacementKind, bool] = {}
        for n, entry in enumerate(self.entries(raw, key), start=1):
            where = f"{key} nr. {n}"
            f = self.fields(entry, where, {"kind": str, "source": str, "status": str})
            try:
                kind = PlacementKind(f["kind"])
            except ValueError:
                known = ", ".join(k.value for k in PlacementKind)
                raise self.fail(where, f"ukendt type placering «{f['kind']}» (kendte: {known}).") from None
            if kind in out:
                raise self.fail(where, f"«{kind.value}» står to gange.")
            out[kind] = self.provisional(f["status"], where)
        return out
