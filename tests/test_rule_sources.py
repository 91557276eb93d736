"""Law is data, and data says where it comes from: every entry of every rule file under
`resources/rules/` names its source and whether it is confirmed (the files' own loaders check
their values; this holds every file, present and future, to the one convention)."""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

import pytest

RULES = Path(__file__).resolve().parents[1] / "resources" / "rules"
STATUSES = {"bekræftet", "foreløbig"}


def _entries(value: Any, path: str) -> list[tuple[str, dict[str, Any]]]:
    """Every table in an array of tables (`[[x]]`), at any depth, with where it is."""
    found: list[tuple[str, dict[str, Any]]] = []
    if isinstance(value, dict):
        for key, inner in value.items():
            found += _entries(inner, f"{path}.{key}" if path else key)
    elif isinstance(value, list) and value and all(isinstance(e, dict) for e in value):
        for index, entry in enumerate(value):
            found.append((f"{path}[{index}]", entry))
            found += _entries(entry, f"{path}[{index}]")
    return found


def test_there_are_rule_files() -> None:
    assert len(list(RULES.glob("*.toml"))) >= 6


@pytest.mark.parametrize("path", sorted(RULES.glob("*.toml")), ids=lambda p: p.name)
def test_every_entry_names_its_source_and_status(path: Path) -> None:
    entries = _entries(tomllib.loads(path.read_text(encoding="utf-8")), "")
    assert entries, f"{path.name} has no [[entries]]"
    for where, entry in entries:
        source = entry.get("source")
        assert isinstance(source, str) and source.strip(), f"{path.name}: {where} has no source"
        assert entry.get("status") in STATUSES, f"{path.name}: {where} has no status"


def test_an_entry_without_a_source_is_caught() -> None:
    text = '[[rule]]\nweeks = 13\nstatus = "bekræftet"\n'
    (where, entry), *_ = _entries(tomllib.loads(text), "")
    assert where == "rule[0]" and "source" not in entry
