"""Reading a rule data file under `resources/rules/` strictly: the one mechanism the loaders of
those files share (`praktik_rules`, `seed_rules`, `pension`, `consents`).

A loader opens the file with `read_rule_file(name, ...)` (or `parse_rule_file(text, name, ...)`
in a test), which checks the top-level keys and `format`, then reads its tables and `[[entries]]`
through `Table`: every key not named as required or optional is refused, every required key must
be there, and every value is read with its type. A table or entry of a rule file carries
`source` (non-empty) and `status` ("bekræftet" or "foreløbig"): `Table.table()` and
`Table.entries()` require both and check them before anything else is read.

The first problem refuses the whole file with `RuleFileError`, whose Danish message names the
file, where in it, and what is wrong: "Regelfilen praktik.toml, [[periods]] nr. 1: «base_weeks»
mangler." What the values mean (periods that overlap, steps, goal keys) the loaders check
themselves, with `Table.fail()`.
"""

from __future__ import annotations

import datetime as dt
import re
import tomllib
from collections.abc import Collection, Iterable
from enum import StrEnum
from typing import Any, NoReturn, TypeVar

from jobraad.errors import UserFacingError
from jobraad.resources import resource

__all__ = [
    "CONFIRMED",
    "PROVISIONAL",
    "STATUSES",
    "RuleFileError",
    "Table",
    "parse_rule_file",
    "read_rule_file",
]

FOLDER = "rules"
CONFIRMED = "bekræftet"
PROVISIONAL = "foreløbig"
STATUSES = (CONFIRMED, PROVISIONAL)
_SOURCED = ("source", "status")

E = TypeVar("E", bound=StrEnum)


class RuleFileError(UserFacingError):
    """A rule file could not be read or is not valid; nothing of it was used. `where` is the
    table or entry ("[[periods]] nr. 2", "linje 7"), None when the problem is the file's."""

    def __init__(self, file: str, where: str | None, problem: str) -> None:
        self.file = file
        self.where = where
        self.problem = problem
        place = f"Regelfilen {file}" + (f", {where}" if where else "")
        super().__init__(f"{place}: {problem}")


def read_rule_file(name: str, *, required: Iterable[str], optional: Iterable[str] = (), version: int = 1) -> Table:
    """The shipped file `resources/rules/<name>`, its top level checked (see `parse_rule_file`)."""
    try:
        data = resource(FOLDER, name).read_bytes()
    except OSError as exc:
        raise RuleFileError(name, None, f"filen kan ikke åbnes ({exc.strerror or exc}).") from exc
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise RuleFileError(name, None, "filen er ikke en tekstfil i UTF-8.") from exc
    return parse_rule_file(text, name, required=required, optional=optional, version=version)


def parse_rule_file(
    text: str, file: str, *, required: Iterable[str], optional: Iterable[str] = (), version: int = 1
) -> Table:
    """The top level of a rule file's text: the keys `required` and `optional` besides `format`,
    which must be `version`. `file` names the file in messages."""
    try:
        raw = tomllib.loads(text.removeprefix("\ufeff"))
    except tomllib.TOMLDecodeError as exc:
        line, detail = _syntax_position(exc)
        raise RuleFileError(file, line, f"filen er ikke gyldig TOML ({detail}).") from None
    top = Table(file, "", "", raw, ("format", *required), optional, sourced=False)
    found = top.data["format"]
    if isinstance(found, bool) or found != version:
        top.fail(f"ukendt format «{found}» (denne udgave af jobraad kender format {version}).")
    return top


_POSITION = re.compile(r"\s*\((?:at line (\d+), column \d+|at end of document)\)\s*$")


def _syntax_position(exc: tomllib.TOMLDecodeError) -> tuple[str | None, str]:
    """The line tomllib gives ("linje 7"), and its message without it."""
    message = str(exc)
    match = _POSITION.search(message)
    detail = message[: match.start()] if match else message
    lineno = getattr(exc, "lineno", None)  # an attribute from Python 3.14 on
    if not isinstance(lineno, int) and match and match.group(1):
        lineno = int(match.group(1))
    return (f"linje {lineno}" if isinstance(lineno, int) else None), detail


def _kind(value: object) -> str:
    """What a value is, in Danish, for "skal være en dato, ikke en tekst"."""
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, int):
        return "et heltal"
    if isinstance(value, float):
        return "et kommatal"
    if isinstance(value, str):
        return "en tekst"
    if isinstance(value, dt.datetime):
        return "et tidspunkt"
    if isinstance(value, dt.date):
        return "en dato"
    if isinstance(value, list):
        return "en liste"
    if isinstance(value, dict):
        return "en tabel"
    return "en anden slags værdi"


class Table:
    """A table or `[[entry]]` of a rule file: its keys checked when it is made, its values read
    with their types. `where` names it in messages; a loader may name an entry by what it is
    once that is read (`named()`), and the tables within it are then named from that."""

    def __init__(
        self,
        file: str,
        where: str,
        path: str,
        data: object,
        required: Iterable[str],
        optional: Iterable[str],
        *,
        sourced: bool = True,
    ) -> None:
        self.file = file
        self.where = where
        self.path = path  # the TOML key path, "periods.steps"
        required = (*required, *_SOURCED) if sourced else tuple(required)
        allowed = (*required, *optional)
        if not isinstance(data, dict):
            self.fail(f"skal være en tabel, ikke {_kind(data)}.")
        self.data: dict[str, Any] = data
        for key in data:
            if key not in allowed:
                self.fail(f"ukendt nøgle «{key}»; tilladt her: {', '.join(allowed)}.")
        for key in required:
            if key not in data:
                self.fail(f"«{key}» mangler.")
        self.source = self.status = ""
        if sourced:  # where the values come from is checked before any of them is read
            self.source = self.text("source")
            self.status = self.one_of("status", STATUSES)

    def fail(self, problem: str) -> NoReturn:
        """Refuse the file for a problem of this table."""
        raise RuleFileError(self.file, self.where or None, problem)

    def named(self, where: str) -> Table:
        self.where = where
        return self

    def has(self, key: str) -> bool:
        return key in self.data

    def _get(self, key: str) -> object:
        if key not in self.data:
            self.fail(f"«{key}» mangler.")
        return self.data[key]

    # --- values

    def text(self, key: str, *, allow_empty: bool = False) -> str:
        value = self._get(key)
        if not isinstance(value, str):
            self.fail(f"«{key}» skal være en tekst i anførselstegn, ikke {_kind(value)}.")
        if not value.strip() and not allow_empty:
            self.fail(f"«{key}» må ikke være tom.")
        return value.strip()

    def integer(self, key: str, low: int, high: int) -> int:
        value = self._get(key)
        if isinstance(value, bool) or not isinstance(value, int):
            self.fail(f"«{key}» skal være et heltal, ikke {_kind(value)}.")
        if not low <= value <= high:
            self.fail(f"«{key}» skal ligge mellem {low} og {high}, ikke {value}.")
        return value

    def boolean(self, key: str) -> bool:
        value = self._get(key)
        if not isinstance(value, bool):
            self.fail(f"«{key}» skal være true eller false, ikke {_kind(value)}.")
        return value

    def date(self, key: str) -> dt.date:
        value = self._get(key)
        if isinstance(value, dt.datetime) or not isinstance(value, dt.date):
            self.fail(f"«{key}» skal være en dato skrevet som åååå-mm-dd uden anførselstegn, ikke {_kind(value)}.")
        return value

    def texts(self, key: str) -> list[str]:
        """A non-empty list of non-empty texts."""
        value = self._get(key)
        if not isinstance(value, list) or not value or not all(isinstance(v, str) and v.strip() for v in value):
            self.fail(f"«{key}» skal være en liste med mindst én tekst.")
        return [v.strip() for v in value]

    def choice(self, key: str, kind: type[E]) -> E:
        """One of the values of `kind`."""
        return kind(self.one_of(key, [member.value for member in kind]))

    def one_of(self, key: str, allowed: Collection[str]) -> str:
        value = self.text(key)
        if value not in allowed:
            self.fail(f"ukendt værdi «{value}» for «{key}»; tilladt: {', '.join(allowed)}.")
        return value

    # --- where the values come from (`source` and `status`, set for every table and entry within the file)

    @property
    def provisional(self) -> bool:
        return self.status == PROVISIONAL

    # --- tables within

    def table(self, key: str, *, required: Iterable[str], optional: Iterable[str] = ()) -> Table:
        """The table `[key]` (or inline table `key = {...}`), with its source and status."""
        at = f"{self.path}.{key}".lstrip(".")
        where = f"{self.where}, [{at}]" if self.where else f"[{at}]"
        return Table(self.file, where, at, self._get(key), required, optional)

    def entries(
        self, key: str, *, required: Iterable[str], optional: Iterable[str] = (), at_least_one: bool = True
    ) -> list[Table]:
        """The `[[key]]` entries, each with its source and status; none when the key is left out and
        `at_least_one` is False."""
        at = f"{self.path}.{key}".lstrip(".")
        value = self.data.get(key, [])
        if not isinstance(value, list) or (at_least_one and not value):
            self.fail(f"«{key}» skal skrives som [[{at}]]-afsnit, mindst ét.")
        required = tuple(required)
        out = []
        for n, data in enumerate(value, start=1):
            where = f"{self.where}, [[{at}]] nr. {n}" if self.where else f"[[{at}]] nr. {n}"
            out.append(Table(self.file, where, at, data, required, optional))
        return out
