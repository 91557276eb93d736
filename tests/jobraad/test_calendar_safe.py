"""The calendar module's promise (jobraad.calendar_export's docstring) against whole demo
caseloads: read with icalendar and with a second, independent reader (the small RFC 5545
line-unfolding parser below), no health word and, with initials, no name in any event; UIDs
unique within an export and disjoint between two databases; SEQUENCE raised when a date
moves; VALARM only when asked; the command `jobraad kalender` as a user runs it."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from icalendar import Calendar
from sqlalchemy import select

from db.models import (
    Citizen,
    Consent,
    Deadline,
    DocumentationItem,
    HealthNote,
    Meeting,
    PartnerContact,
)
from db.session import Database
from jobraad.calendar_export import KINDS, export_ics
from jobraad.caseload import due_items
from jobraad.cli import PASSPHRASE_ENV, main
from jobraad.demo import generate_demo
from jobraad.rulepacks import builtin_packs
from jobraad.store import create_caseload
from tests.conftest import PASSPHRASE

TODAY = dt.date(2026, 3, 2)
#: Words of health and of who holds health information, whatever the demo's texts say.
HEALTH_WORDS = ("LÆ", "læge", "psykiatri", "diagnose", "helbred", "sundhed", "epikrise", "sygdom", "smerte")
_LAE_FORM = re.compile(r"LÆ\s?\d+")


# --- the second reader ---------------------------------------------------------------------


@dataclass
class Component:
    name: str
    properties: list[tuple[str, dict[str, str], str]] = field(default_factory=list)
    children: list[Component] = field(default_factory=list)

    def get(self, name: str) -> str:
        [value] = [v for n, _, v in self.properties if n == name]
        return value


def _unescape(value: str) -> str:
    """TEXT values (RFC 5545 3.3.11): \\n, \\, \\; and \\\\."""
    return re.sub(r"\\([nN,;\\])", lambda m: "\n" if m.group(1) in "nN" else m.group(1), value)


def _content_line(line: str) -> tuple[str, dict[str, str], str]:
    """NAME *(;PARAM=VALUE) : VALUE, with quoted parameter values (RFC 5545 3.1)."""
    i, quoted = 0, False
    while i < len(line) and (quoted or line[i] != ":"):
        quoted = quoted != (line[i] == '"')
        i += 1
    head, value = line[:i], line[i + 1 :]
    name, *params = head.split(";")
    return name.upper(), dict(p.split("=", 1) for p in params), value


def read_ics(raw: bytes) -> Component:
    """The calendar as a tree of components. Lines end in CRLF; a line starting with a space
    or a tab continues the previous one (RFC 5545 3.1: unfolded on octets, before decoding,
    since a fold may fall inside a UTF-8 character)."""
    assert b"\n" not in raw.replace(b"\r\n", b""), "a bare LF"
    text = re.sub(rb"\r\n[ \t]", b"", raw).decode("utf-8")
    stack: list[Component] = [Component("ROOT")]
    for line in text.split("\r\n"):
        if not line:
            continue
        name, params, value = _content_line(line)
        if name == "BEGIN":
            child = Component(value.upper())
            stack[-1].children.append(child)
            stack.append(child)
        elif name == "END":
            assert stack.pop().name == value.upper()
        else:
            stack[-1].properties.append((name, params, _unescape(value)))
    [calendar] = stack[0].children
    assert len(stack) == 1 and calendar.name == "VCALENDAR"
    return calendar


def walk(component: Component, name: str) -> Iterator[Component]:
    for child in component.children:
        if child.name == name:
            yield child
        yield from walk(child, name)


def test_the_second_reader_unfolds_and_unescapes() -> None:
    raw = "BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nSUMMARY:Frist: dokumentation – Ø.\r\n  Æ.\\, A.\r\nEND:VEVENT\r\n"
    raw += 'X-A;P="a:b";Q=c:d\r\nEND:VCALENDAR\r\n'
    folded_in_a_character = raw.encode("utf-8").replace("Ø".encode(), b"\xc3\r\n\t\x98")
    for data in (raw.encode("utf-8"), folded_in_a_character):
        calendar = read_ics(data)
        [event] = walk(calendar, "VEVENT")
        assert event.get("SUMMARY") == "Frist: dokumentation – Ø. Æ., A."
        assert calendar.properties == [("X-A", {"P": '"a:b"', "Q": "c"}, "d")]


# --- the demo caseloads ------------------------------------------------------------------------


@dataclass
class Demo:
    database: Database
    needles: list[str]  # health information of this caseload
    names: list[str]  # the citizens' names, whole and in parts


def _health_needles(database: Database) -> list[str]:
    """Document titles (every shipped rule pack), the demo's health notes, who was asked for
    documents and consents, partner contacts, meeting places, the reminders' own texts and
    every LÆ form named in them, and the health words."""
    texts: list[str] = [item.title for pack in builtin_packs() for item in pack.items]
    with database.reading() as session:
        for note in session.scalars(select(HealthNote)):
            texts += [note.conditions, note.coordinator, note.functional_limits, note.recommendations]
        texts += session.scalars(select(DocumentationItem.requested_from)).all()
        for consent in session.scalars(select(Consent)):
            texts += [consent.source_name, consent.information]
        for contact in session.scalars(select(PartnerContact)):
            texts += [contact.name, contact.unit]
        texts += session.scalars(select(Meeting.location)).all()
        texts += session.scalars(select(Deadline.title)).all()
    needles = set(HEALTH_WORDS)
    for text in texts:
        needles.update(_LAE_FORM.findall(text))
        for line in text.splitlines():
            needles.update(part.strip() for part in [line, *line.split(",")])
    return sorted(n for n in needles if len(n) >= 4 or n == "LÆ")


def _names(database: Database) -> list[str]:
    found: set[str] = set()
    with database.reading() as session:
        for first, last in session.execute(select(Citizen.first_name, Citizen.last_name)):
            found.add(f"{first} {last}")
            found.update(p for p in re.split(r"[\s-]+", f"{first} {last}") if len(p) >= 3)
    return sorted(found)


@pytest.fixture(scope="module")
def demos(tmp_path_factory: pytest.TempPathFactory) -> Iterator[list[Demo]]:
    """Two caseworkers' caseloads: 40 demo citizens each, different seeds."""
    folder = tmp_path_factory.mktemp("demo")
    made = []
    for seed in (1, 2):
        database = create_caseload(folder / f"demo{seed}.jobraad", PASSPHRASE)
        assert generate_demo(database, citizens=40, seed=seed, today=TODAY) == 40
        made.append(Demo(database, _health_needles(database), _names(database)))
    yield made
    for demo in made:
        demo.database.close()


def _hits(needles: list[str], text: str) -> list[str]:
    folded = text.casefold()
    return [n for n in needles if n.casefold() in folded]


def _summaries_by_both_readers(raw: bytes) -> list[tuple[str, str, str]]:
    """(UID, SUMMARY, SEQUENCE) of every event; both readers must agree."""
    ours = sorted((e.get("UID"), e.get("SUMMARY"), e.get("SEQUENCE")) for e in walk(read_ics(raw), "VEVENT"))
    theirs = sorted(
        (str(e["UID"]), str(e["SUMMARY"]), str(e["SEQUENCE"])) for e in Calendar.from_ical(raw).walk("VEVENT")
    )
    assert ours == theirs
    return ours


def test_the_needles_find_what_the_caseload_would_have_told(demos: list[Demo]) -> None:
    """A check that cannot fail is worse than none: the needles hit the words the caseload
    uses for these very deadlines (what the calendar showed before), and the names hit the
    export with names."""
    for demo in demos:
        assert len(demo.needles) > 100
        with demo.database.reading() as session:
            titles = "\n".join(item.title for items in due_items(session, TODAY).values() for item in items)
        assert {"LÆ", "LÆ 265", "læge"} <= set(_hits(demo.needles, titles))
        documents = {item.title for pack in builtin_packs() for item in pack.items}
        assert set(_hits(demo.needles, titles)) & documents  # a document's name, as an overdue request


@pytest.mark.parametrize("names", [False, True], ids=["initialer", "navne"])
def test_no_health_information_and_with_initials_no_name(demos: list[Demo], tmp_path: Path, names: bool) -> None:
    for i, demo in enumerate(demos):
        path = tmp_path / f"{i}.ics"
        count = export_ics(demo.database, path, TODAY, names=names, reminder_minutes=30)
        raw = path.read_bytes()
        events = _summaries_by_both_readers(raw)
        assert len(events) == count > 50

        text = re.sub(rb"\r\n[ \t]", b"", raw).decode("utf-8")
        assert _hits(demo.needles, text) == []
        for event in walk(read_ics(raw), "VEVENT"):  # the second reader sees only kind and who
            kind, who = event.get("SUMMARY").split(" – ")
            assert kind in KINDS.values()
            assert {n for n, _, _ in event.properties} & {"DESCRIPTION", "LOCATION", "COMMENT", "ATTENDEE"} == set()
            [alarm] = event.children
            assert alarm.get("ACTION") == "DISPLAY" and alarm.get("DESCRIPTION") == kind
            if not names:
                assert re.fullmatch(r"(\w\.)+", who), who
        hits = _hits(demo.names, text)
        if names:
            assert len(hits) > 20  # the names are there when chosen: the check finds them
        else:
            assert hits == []


def test_uids_unique_within_an_export_and_disjoint_between_databases(demos: list[Demo], tmp_path: Path) -> None:
    uids = []
    for i, demo in enumerate(demos):
        path = tmp_path / f"{i}.ics"
        export_ics(demo.database, path, TODAY, names=False)
        found = [uid for uid, _, _ in _summaries_by_both_readers(path.read_bytes())]
        assert len(found) == len(set(found))
        uids.append(set(found))
        local = {uid.split(".")[0] for uid in found}
        assert len(local) == len(found)
    assert uids[0] & uids[1] == set()
    # The same record numbers exist in both: without the database's calendar id they would meet.
    assert {u.split(".")[0] for u in uids[0]} & {u.split(".")[0] for u in uids[1]}


def test_a_moved_deadline_keeps_its_uid_and_raises_its_sequence(demos: list[Demo], tmp_path: Path) -> None:
    database = demos[0].database
    path = tmp_path / "k.ics"
    export_ics(database, path, TODAY, names=False)
    before = {uid: (summary, seq) for uid, summary, seq in _summaries_by_both_readers(path.read_bytes())}
    with database.transaction() as session:
        reminder = session.scalars(
            select(Deadline).where(Deadline.done_on.is_(None), Deadline.due_on >= TODAY).order_by(Deadline.id)
        ).first()
        assert reminder is not None
        old_day = reminder.due_on
        reminder.due_on = old_day + dt.timedelta(days=9)
        reminder_id = reminder.id

    export_ics(database, path, TODAY, names=False, replace=True)

    raw = path.read_bytes()
    after = {uid: (summary, seq) for uid, summary, seq in _summaries_by_both_readers(raw)}
    assert set(after) == set(before)
    [moved] = [uid for uid in after if after[uid] != before[uid]]
    assert moved.startswith(f"paamindelse-{reminder_id}.")
    assert int(after[moved][1]) == int(before[moved][1]) + 1
    [event] = [e for e in walk(read_ics(raw), "VEVENT") if e.get("UID") == moved]
    assert event.get("DTSTART") == f"{old_day + dt.timedelta(days=9):%Y%m%d}"


def test_valarm_only_when_asked(demos: list[Demo], tmp_path: Path) -> None:
    path = tmp_path / "k.ics"
    export_ics(demos[1].database, path, TODAY)
    calendar = read_ics(path.read_bytes())
    assert list(walk(calendar, "VALARM")) == []
    assert not Calendar.from_ical(path.read_bytes()).walk("VALARM")


# --- the command ---------------------------------------------------------------------------------


def test_the_kalender_command(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv(PASSPHRASE_ENV, PASSPHRASE)
    db = tmp_path / "sagsstamme.jobraad"
    out = tmp_path / "frister.ics"
    assert main(["init", "--db", str(db)]) == 0
    assert main(["demo", "--db", str(db), "--citizens", "40"]) == 0
    capsys.readouterr()

    assert main(["kalender", "--db", str(db), "-o", str(out), "--initialer"]) == 0

    count = len(list(walk(read_ics(out.read_bytes()), "VEVENT")))
    assert capsys.readouterr().out.strip() == f"Kalenderen er gemt: {out} ({count} aftaler)"
    summaries = [e.get("SUMMARY") for e in walk(read_ics(out.read_bytes()), "VEVENT")]
    assert count > 0 and all(re.fullmatch(r"[^–]+ – (\w\.)+", s) for s in summaries)
    assert list(walk(read_ics(out.read_bytes()), "VALARM")) == []

    assert main(["kalender", "--db", str(db), "-o", str(out)]) == 2  # an existing file: only with --force
    assert "--force" in capsys.readouterr().err
    assert main(["kalender", "--db", str(db), "-o", str(out), "--paamindelse", "-1", "--force"]) == 2
    assert "Påmindelsen skal være mellem 0 og 40320 minutter før" in capsys.readouterr().err

    assert main(["kalender", "--db", str(db), "-o", str(out), "--paamindelse", "1440", "--force"]) == 0
    alarms = list(walk(read_ics(out.read_bytes()), "VALARM"))
    # a day before a meeting; before an all-day item, the working day before it (08:00 - 24 h)
    assert len(alarms) == count and {a.get("TRIGGER") for a in alarms} == {"-P1D", "-PT16H"}
    with_names = [e.get("SUMMARY") for e in walk(read_ics(out.read_bytes()), "VEVENT")]
    assert not any(re.fullmatch(r"[^–]+ – (\w\.)+", s) for s in with_names)
