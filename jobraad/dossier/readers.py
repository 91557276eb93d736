"""Who a dossier is made for (`resources/rules/dossier_readers.toml`): the choices the window and
the command line offer. What each reader gets is data in the same file."""

from __future__ import annotations

import functools
from dataclasses import dataclass

from jobraad.errors import UserFacingError
from jobraad.rule_files import read_rule_file

__all__ = ["DEFAULT_READER", "Reader", "reader", "reader_choices", "readers"]

DEFAULT_READER = "team"


@dataclass(frozen=True)
class Reader:
    key: str
    label: str
    source: str
    status: str


@functools.cache
def readers() -> tuple[Reader, ...]:
    top = read_rule_file("dossier_readers.toml", required=("readers",))
    return tuple(
        Reader(entry.text("key"), entry.text("label"), entry.source, entry.status)
        for entry in top.entries("readers", required=("key", "label"))
    )


def reader_choices() -> list[tuple[str, str]]:
    """(key, Danish label) of each reader, the team first."""
    return [(r.key, r.label) for r in readers()]


def reader(key: str) -> Reader:
    for r in readers():
        if r.key == key:
            return r
    known = ", ".join(r.key for r in readers())
    raise UserFacingError(f"Ukendt modtager «{key}». Vælg en af: {known}.")
