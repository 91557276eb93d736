"""The one strict reader of the rule files under resources/rules: each refusal names the file,
where in it, and what is wrong; the four loaders read their files through it."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from enum import StrEnum
from pathlib import Path

import pytest

from jobraad import consents, pension, praktik_rules, progression, rule_files, seed_rules
from jobraad.rule_files import RuleFileError, Table, parse_rule_file, read_rule_file

FILE = "proeve.toml"


class Colour(StrEnum):
    RED = "rød"
    BLUE = "blå"


def _entry(body: str, required: tuple[str, ...] = ("value",), optional: tuple[str, ...] = ()) -> Table:
    text = f'format = 1\n[[rule]]\nsource = "LAB § 61"\nstatus = "bekræftet"\n{body}\n'
    [entry] = parse_rule_file(text, FILE, required=("rule",)).entries("rule", required=required, optional=optional)
    return entry


def _refusal(read: Callable[[], object]) -> str:
    with pytest.raises(RuleFileError) as info:
        read()
    return info.value.message


# --- the file ----------------------------------------------------------------------------------


def test_a_good_file_is_read() -> None:
    entry = _entry(
        'value = " tekst "\nweeks = 13\nsoon = true\nday = 2026-07-01\nnames = ["a", "b"]\ncolour = "blå"',
        required=("value", "weeks", "soon", "day", "names", "colour"),
    )
    assert (entry.source, entry.status, entry.provisional) == ("LAB § 61", "bekræftet", False)
    assert entry.text("value") == "tekst"
    assert entry.integer("weeks", 1, 52) == 13
    assert entry.boolean("soon") is True
    assert entry.date("day") == dt.date(2026, 7, 1)
    assert entry.texts("names") == ["a", "b"]
    assert entry.choice("colour", Colour) is Colour.BLUE
    assert entry.one_of("colour", {"blå"}) == "blå"
    assert entry.where == "[[rule]] nr. 1"


def test_a_byte_order_mark_is_no_problem() -> None:
    top = parse_rule_file('\ufeffformat = 1\nname = "x"\n', FILE, required=("name",))
    assert top.text("name") == "x"


def test_a_toml_syntax_error_names_the_line() -> None:
    message = _refusal(lambda: parse_rule_file("format = 1\n\nweeks = = 3\n", FILE, required=()))
    assert message.startswith(f"Regelfilen {FILE}, linje 3: filen er ikke gyldig TOML (")


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ('format = 1\nname = "x"\nnavn = "y"\n', "ukendt nøgle «navn»; tilladt her: format, name."),
        ("format = 1\n", "«name» mangler."),
        ('name = "x"\n', "«format» mangler."),
        ('format = 2\nname = "x"\n', "ukendt format «2» (denne udgave af jobraad kender format 1)."),
        ('format = true\nname = "x"\n', "ukendt format «True»"),
    ],
)
def test_the_top_level_is_checked(text: str, problem: str) -> None:
    assert _refusal(lambda: parse_rule_file(text, FILE, required=("name",))).startswith(f"Regelfilen {FILE}: {problem}")


@pytest.fixture
def rules_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """An empty folder in place of resources/rules, every loader's cache cleared before and after."""
    caches = (
        praktik_rules.load_rules,
        seed_rules.groups_data,
        seed_rules.target_group_2024,
        pension._pension_ages,
        pension._six_year_rules,
        consents.consent_rules,
        progression.severity_rules,
    )
    (tmp_path / "rules").mkdir()
    monkeypatch.setattr(rule_files, "resource", lambda *parts: tmp_path.joinpath(*parts))
    for cached in caches:
        cached.cache_clear()
    yield tmp_path / "rules"
    for cached in caches:
        cached.cache_clear()


def test_a_shipped_file_is_read_from_resources_rules(rules_folder: Path) -> None:
    (rules_folder / FILE).write_text('format = 1\nname = "x"\n', encoding="utf-8")
    assert read_rule_file(FILE, required=("name",)).text("name") == "x"


def test_a_file_that_cannot_be_opened_or_is_not_text_is_refused(rules_folder: Path) -> None:
    assert _refusal(lambda: read_rule_file(FILE, required=())).startswith(f"Regelfilen {FILE}: filen kan ikke åbnes")
    (rules_folder / FILE).write_bytes(b"format = 1\nname = '\xff\xfe'\n")
    assert (
        _refusal(lambda: read_rule_file(FILE, required=())) == f"Regelfilen {FILE}: filen er ikke en tekstfil i UTF-8."
    )


LOADERS: list[tuple[str, Callable[[], object]]] = [
    ("praktik.toml", praktik_rules.load_rules),
    ("seed001_groups.toml", seed_rules.groups_data),
    ("seed000_target_group.toml", seed_rules.target_group_2024),
    ("folkepensionsalder.toml", lambda: pension.pension_age(dt.date(1960, 1, 1))),
    ("ressourceforloeb.toml", lambda: pension.ressourceforloeb_bar(dt.date(1960, 1, 1), dt.date(2026, 12, 4))),
    ("consent.toml", consents.consent_rules),
    ("signal_severity.toml", progression.severity_rules),
]


@pytest.mark.parametrize(("name", "load"), LOADERS, ids=[name for name, _ in LOADERS])
def test_every_loader_refuses_a_missing_or_broken_file_calmly(
    rules_folder: Path, name: str, load: Callable[[], object]
) -> None:
    assert _refusal(load).startswith(f"Regelfilen {name}: filen kan ikke åbnes")
    (rules_folder / name).write_text("format = 1\n[[x]\n", encoding="utf-8")
    assert _refusal(load).startswith(f"Regelfilen {name}, linje 2: filen er ikke gyldig TOML")


# --- tables and entries ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "problem"),
    [
        ('value = "x"\nvalu = "y"', "ukendt nøgle «valu»; tilladt her: value, source, status."),
        ("", "«value» mangler."),
    ],
)
def test_the_keys_of_an_entry_are_checked(body: str, problem: str) -> None:
    assert _refusal(lambda: _entry(body)) == f"Regelfilen {FILE}, [[rule]] nr. 1: {problem}"


@pytest.mark.parametrize(
    ("source", "status", "problem"),
    [
        (None, '"bekræftet"', "«source» mangler."),
        ('"  "', '"bekræftet"', "«source» må ikke være tom."),
        ('"LAB § 61"', None, "«status» mangler."),
        ('"LAB § 61"', '"sikker"', "ukendt værdi «sikker» for «status»; tilladt: bekræftet, foreløbig."),
        ('"LAB § 61"', "1", "«status» skal være en tekst i anførselstegn, ikke et heltal."),
    ],
)
def test_every_entry_has_a_source_and_a_status(source: str | None, status: str | None, problem: str) -> None:
    lines = ["format = 1", "[[rule]]", 'value = "x"']
    lines += [f"source = {source}"] if source else []
    lines += [f"status = {status}"] if status else []
    text = "\n".join(lines) + "\n"
    top = parse_rule_file(text, FILE, required=("rule",))
    assert _refusal(lambda: top.entries("rule", required=("value",))) == f"Regelfilen {FILE}, [[rule]] nr. 1: {problem}"


def test_a_provisional_entry_says_so() -> None:
    text = 'format = 1\n[[rule]]\nsource = "LAB § 61"\nstatus = "foreløbig"\n'
    [entry] = parse_rule_file(text, FILE, required=("rule",)).entries("rule", required=())
    assert entry.provisional


@pytest.mark.parametrize(
    ("body", "read", "problem"),
    [
        ("value = 3", lambda e: e.text("value"), "«value» skal være en tekst i anførselstegn, ikke et heltal."),
        ('value = " "', lambda e: e.text("value"), "«value» må ikke være tom."),
        ('value = "3"', lambda e: e.integer("value", 1, 9), "«value» skal være et heltal, ikke en tekst."),
        ("value = true", lambda e: e.integer("value", 0, 9), "«value» skal være et heltal, ikke true/false."),
        ("value = 10", lambda e: e.integer("value", 1, 9), "«value» skal ligge mellem 1 og 9, ikke 10."),
        ("value = 1", lambda e: e.boolean("value"), "«value» skal være true eller false, ikke et heltal."),
        (
            'value = "2026-07-01"',
            lambda e: e.date("value"),
            "«value» skal være en dato skrevet som åååå-mm-dd uden anførselstegn, ikke en tekst.",
        ),
        (
            "value = 2026-07-01T08:00:00",
            lambda e: e.date("value"),
            "«value» skal være en dato skrevet som åååå-mm-dd uden anførselstegn, ikke et tidspunkt.",
        ),
        ("value = []", lambda e: e.texts("value"), "«value» skal være en liste med mindst én tekst."),
        ('value = ["a", 2]', lambda e: e.texts("value"), "«value» skal være en liste med mindst én tekst."),
        ('value = "grøn"', lambda e: e.choice("value", Colour), "ukendt værdi «grøn» for «value»; tilladt: rød, blå."),
        ('value = "grøn"', lambda e: e.one_of("value", ("a", "b")), "ukendt værdi «grøn» for «value»; tilladt: a, b."),
        ('value = "x"', lambda e: e.date("day"), "«day» mangler."),
        ('value = "x"', lambda e: e.fail("et trin skal have «to_weeks»."), "et trin skal have «to_weeks»."),
    ],
)
def test_each_value_is_read_with_its_type(body: str, read: Callable[[Table], object], problem: str) -> None:
    entry = _entry(body, optional=("day",))
    assert _refusal(lambda: read(entry)) == f"Regelfilen {FILE}, [[rule]] nr. 1: {problem}"


def test_an_empty_text_is_allowed_where_the_loader_says_so() -> None:
    assert _entry('value = " "').text("value", allow_empty=True) == ""


def test_an_optional_key_left_out_is_not_there() -> None:
    entry = _entry('value = "x"', optional=("day",))
    assert not entry.has("day") and entry.has("value")


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("format = 1\n", "«rule» skal skrives som [[rule]]-afsnit, mindst ét."),
        ("format = 1\nrule = []\n", "«rule» skal skrives som [[rule]]-afsnit, mindst ét."),
        ("format = 1\nrule = 3\n", "«rule» skal skrives som [[rule]]-afsnit, mindst ét."),
    ],
)
def test_entries_are_required_unless_the_loader_allows_none(text: str, problem: str) -> None:
    top = parse_rule_file(text, FILE, required=(), optional=("rule",))
    assert _refusal(lambda: top.entries("rule", required=())) == f"Regelfilen {FILE}: {problem}"
    if "3" not in text:
        assert top.entries("rule", required=(), at_least_one=False) == []


def test_an_entry_that_is_no_table_is_refused() -> None:
    top = parse_rule_file("format = 1\nrule = [1]\n", FILE, required=("rule",))
    assert _refusal(lambda: top.entries("rule", required=())) == (
        f"Regelfilen {FILE}, [[rule]] nr. 1: skal være en tabel, ikke et heltal."
    )


def test_tables_within_are_named_by_where_they_are() -> None:
    text = """format = 1
[citation]
source = "retssikkerhedsloven § 11 a"
status = "bekræftet"
[[periods]]
id = "lov1750"
source = "LAB § 61"
status = "bekræftet"
[[periods.steps]]
source = "LAB § 61, stk. 2"
status = "bekræftet"
[[periods.steps]]
source = "LAB § 61, stk. 3"
status = "foreløbig"
near_end = { weeks = 0, source = "LAB § 61, stk. 3", status = "foreløbig" }
"""
    top = parse_rule_file(text, FILE, required=("citation", "periods"))
    citation = top.table("citation", required=())
    assert _refusal(lambda: citation.text("reference")) == f"Regelfilen {FILE}, [citation]: «reference» mangler."
    assert _refusal(lambda: top.table("citation", required=("reference",))) == (
        f"Regelfilen {FILE}, [citation]: «reference» mangler."
    )
    [period] = top.entries("periods", required=("id", "steps"))
    period.named(f"[[periods]] «{period.text('id')}»")
    first, second = period.entries("steps", required=(), optional=("near_end",))
    assert first.where == "[[periods]] «lov1750», [[periods.steps]] nr. 1"
    near = second.table("near_end", required=("weeks",))
    assert near.provisional
    assert _refusal(lambda: near.integer("weeks", 1, 52)) == (
        f"Regelfilen {FILE}, [[periods]] «lov1750», [[periods.steps]] nr. 2, [periods.steps.near_end]: "
        "«weeks» skal ligge mellem 1 og 52, ikke 0."
    )
    assert _refusal(lambda: top.fail("to perioder overlapper.")) == f"Regelfilen {FILE}: to perioder overlapper."
