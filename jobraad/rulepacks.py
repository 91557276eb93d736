"""Documentation rule packs: which documents a case needs, as data.

One TOML file in `resources/rulepacks/` per rule period (the rehabiliteringsteam
under BEK 2408/2021, the 2025–27 reform, ...). A case records the id of the pack
it follows; `default_pack_for()` picks one by date for a new case.

A pack is checked completely when it is read. Anything unexpected (an unknown
key, a missing field, a wrong type, an unknown aim or source, a duplicate id)
refuses the whole file with `RulePackError`, whose Danish message names the file
and the line, so a mistake in a pack is found when it is written, not when a
caseworker's checklist quietly lacks an item.

The schema (every other key is refused):

    [pack]      id (= file stem), name, valid_from (date), description;
                optional valid_to (date, open-ended if left out), provisional (bool: some of its
                content could not be confirmed, so the window says "foreløbig"), opt_in (bool:
                never a default, only when the caseworker chooses it), unconfirmed (list of
                texts: the facts behind the pack that could not be confirmed)
    [pack.law]     act (the act or bekendtgørelse the pack is built on, as the window shows it),
                   transition (which cases keep this pack when the next one starts), transition_source
    [pack.terms]   dossier_title, plan_heading (the heading of the section "forberedende_del"),
                   team (who the case goes to, "" when no team), meeting, ready
    [pack.without_team]  allowed (bool: an oplagt førtidspension case may be decided without the
                   team), ready (what "ready" means then), source
    [pack.lae265]  item (the id of the LÆ 265 item), max_age_days (the oldest LÆ 265 accepted at
                   the meeting), source, status
    [pack.asking]  assessment_from (the sources that may be asked for a health assessment), source
    [[pack.laws]]  aims, text (the law a letter in a case with these aims cites), source
    [pack.evidence]  optional: attach_from (the sources whose received documents count only when
                   attached, or kept on paper with a reason), source
    [[items]]   id, title, section (a key of SECTION_LABELS), aims (list of Aim, at least one),
                requirement ("required" | "recommended"), source (DocumentSource),
                answer_days (int 0-365), guidance, legal_reference;
                optional form (""), health (false), consent_for (DocumentSource), per_placement (false),
                assessment (false: a health assessment, which only `[pack.asking]`'s sources may give),
                texts ([]: the case texts, `text_sections`, the item is written as; then it is in
                place when they all have text, and is never ticked)

Statuses are "bekræftet" (seen in a source) or "foreløbig" (not confirmed). Every item and every
rule carries its source.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
import tomllib
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path, PurePath
from typing import Any, TypeVar

from db.enums import Aim, DocumentSource
from jobraad import formatting as fmt
from jobraad.errors import UserFacingError
from jobraad.resources import resource
from jobraad.text_sections import SECTION_KEYS

__all__ = [
    "MAX_PACK_BYTES",
    "SECTION_LABELS",
    "CitedLaw",
    "PackTerms",
    "Requirement",
    "RuleItem",
    "RulePack",
    "RulePackError",
    "SourcedValue",
    "Status",
    "WithoutTeam",
    "builtin_packs",
    "default_pack_for",
    "documented_aims",
    "get_pack",
    "load_pack",
    "packs_without_team",
    "parse_pack",
]

MAX_PACK_BYTES = 1024 * 1024
# The longest answer time accepted; also keeps `date + timedelta(answer_days)` far from overflow.
MAX_ANSWER_DAYS = 365
# Column widths in the database: Citizen.rule_pack and DocumentationItem.item_key.
MAX_PACK_ID = 60
MAX_ITEM_ID = 80

RESOURCE_FOLDER = "rulepacks"


class Requirement(StrEnum):
    REQUIRED = "required"
    RECOMMENDED = "recommended"


# Danish headings, in the order a checklist and the dossier show them.
SECTION_LABELS: dict[str, str] = {
    "samtykke": "Samtykke",
    "forberedende_del": "Forberedende del",
    "helbred": "Helbred",
    "partnere": "SOF, SUF og andre",
    "virksomhed": "Virksomhedspraktik",
    "indsatser": "Indsatser afprøvet",
    "afklaring": "Afklaring",
    "jobcentret": "Jobcentrets egne dele",
}


@dataclass(frozen=True)
class RuleItem:
    """One document or piece of documentation a case needs."""

    id: str
    title: str
    section: str
    aims: frozenset[Aim]
    requirement: Requirement
    source: DocumentSource
    form: str
    answer_days: int
    # Asks for health information: a consent covering `source` must exist before
    # the item may be marked as requested.
    health: bool
    # Set when this item is itself the consent that covers that source.
    consent_for: DocumentSource | None
    # Repeats once per virksomhedspraktik (the employer's statement).
    per_placement: bool
    # A health assessment (not records): only the pack's `assessment_from` sources may give one.
    assessment: bool
    guidance: str
    legal_reference: str
    order: int  # position in the file, from 0
    # Written, not gathered: the case texts (`text_sections`) the item is. It is in place when
    # each of them has text, and is never ticked by hand.
    texts: tuple[str, ...] = ()

    @property
    def required(self) -> bool:
        return self.requirement is Requirement.REQUIRED


class Status(StrEnum):
    CONFIRMED = "bekræftet"
    PROVISIONAL = "foreløbig"


@dataclass(frozen=True)
class PackTerms:
    """The words the dossier and the window use for this period's process."""

    dossier_title: str  # "Rehabiliteringsplanens forberedende del" / "Samlet beskrivelse …"
    plan_heading: str  # the heading of the section "forberedende_del"
    team: str  # "rehabiliteringsteamet", or "" when the case goes to no team
    meeting: str  # "Møde i rehabiliteringsteamet", …
    ready: str  # "Klar til rehabiliteringsteamet", …


@dataclass(frozen=True)
class WithoutTeam:
    """Whether an oplagt førtidspension case may be decided without the team under the pack."""

    allowed: bool
    ready: str  # what "ready" means then
    source: str


@dataclass(frozen=True)
class SourcedValue:
    """A rule's value with where it comes from."""

    value: int
    source: str
    status: Status


@dataclass(frozen=True)
class CitedLaw:
    """The law a letter cites in a case with one of `aims`."""

    aims: frozenset[Aim]
    text: str
    source: str


@dataclass(frozen=True)
class RulePack:
    """The documentation rules of one period."""

    id: str
    name: str
    valid_from: dt.date
    valid_to: dt.date | None  # None: open-ended
    provisional: bool
    description: str
    items: tuple[RuleItem, ...]
    source_name: str  # the file name, for messages
    law: str
    transition: str
    transition_source: str
    terms: PackTerms
    without_team: WithoutTeam  # the path for oplagte førtidspension cases
    lae265_item: str  # the id of the item that is the LÆ 265
    lae265_max_age: SourcedValue  # in days, at the meeting
    assessment_from: frozenset[DocumentSource]
    assessment_source: str
    laws: tuple[CitedLaw, ...]
    opt_in: bool = False
    unconfirmed: tuple[str, ...] = ()
    replaces: tuple[str, ...] = ()  # ids of earlier packs a case may have recorded for this one
    # [pack.evidence]: a received document from one of these sources is in place only when its
    # file is attached (so the team gets it) or it is marked as kept on paper, with a reason.
    attach_from: frozenset[DocumentSource] = frozenset()
    attach_source: str = ""

    def needs_file(self, item: RuleItem) -> bool:
        """Whether `item`, once received, must also be attached (or kept on paper) to be in place."""
        return item.source in self.attach_from and not item.texts and item.consent_for is None

    @property
    def aims(self) -> frozenset[Aim]:
        """The aims a case may have under this pack: those its items are for."""
        return frozenset().union(*(item.aims for item in self.items))

    def section_label(self, section: str) -> str:
        """The Danish heading of a section under this pack ("Forberedende del" / "Samlet beskrivelse")."""
        if section == "forberedende_del":
            return self.terms.plan_heading
        return SECTION_LABELS.get(section, section)

    def law_for(self, aim: Aim) -> str:
        """The law a letter in a case with `aim` cites, or "" when the pack names none."""
        return next((law.text for law in self.laws if aim in law.aims), "")

    def items_for(self, aim: Aim) -> list[RuleItem]:
        """The items a case with this aim needs, in file order."""
        return [item for item in self.items if aim in item.aims]

    def item(self, item_id: str) -> RuleItem:
        for item in self.items:
            if item.id == item_id:
                return item
        raise KeyError(item_id)

    def applies_on(self, day: dt.date) -> bool:
        return self.valid_from <= day and (self.valid_to is None or day <= self.valid_to)

    @property
    def label(self) -> str:
        return f"{self.name} (foreløbig)" if self.provisional else self.name

    @property
    def period(self) -> str:
        """The pack's period in Danish: "01-02-2026 – 30-06-2026" or "fra 01-07-2026"."""
        if self.valid_to is None:
            return f"fra {fmt.date(self.valid_from)}"
        return f"{fmt.date(self.valid_from)} – {fmt.date(self.valid_to)}"


class RulePackError(UserFacingError):
    """A rule pack could not be read or is not valid; nothing of it was used.

    `file` is the file name, `line` the line the problem is on (None when the
    problem concerns the file as a whole), `problem` the message without place.
    """

    def __init__(self, file: str, line: int | None, problem: str, *, message: str | None = None) -> None:
        self.file = file
        self.line = line
        self.problem = problem
        if message is None:
            where = f"Regelpakken {file}" if line is None else f"Regelpakken {file}, linje {line}"
            message = f"{where}: {problem}"
        super().__init__(message)


# --- reading --------------------------------------------------------------------------------------------------


def load_pack(path: Path) -> RulePack:
    """Read and check one rule pack file."""
    name = path.name
    try:
        with path.open("rb") as handle:
            data = handle.read(MAX_PACK_BYTES + 1)
    except OSError as exc:
        raise RulePackError(name, None, f"filen kan ikke åbnes ({exc.strerror or exc}).") from exc
    return _parse_bytes(data, name)


def parse_pack(text: str, source_name: str) -> RulePack:
    """Check the text of a rule pack and build it. `source_name` is the file name (its stem must equal the id)."""
    if len(text) > MAX_PACK_BYTES:
        raise RulePackError(source_name, None, _too_big())
    text = text.removeprefix("\ufeff")  # Notepad's byte-order mark
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        line, detail = _syntax_position(exc, text)
        raise RulePackError(source_name, line, f"filen er ikke gyldig TOML ({detail}).") from exc
    except (ValueError, RecursionError) as exc:  # a 5000-digit number, arrays nested thousands deep
        raise RulePackError(
            source_name, None, "filen er ikke gyldig TOML (et tal eller en liste er for stor)."
        ) from exc
    return _Checker(text, source_name).pack(raw)


@functools.cache
def builtin_packs() -> tuple[RulePack, ...]:
    """The packs shipped in `resources/rulepacks/`, oldest first."""
    folder = resource(RESOURCE_FOLDER)
    packs = []
    for node in sorted(folder.iterdir(), key=lambda n: n.name):
        if not node.is_file() or not node.name.endswith(".toml"):
            continue
        with node.open("rb") as handle:
            data = handle.read(MAX_PACK_BYTES + 1)
        packs.append(_parse_bytes(data, node.name))
    return tuple(sorted(packs, key=lambda p: (p.valid_from, p.id)))


def get_pack(pack_id: str) -> RulePack:
    """The shipped pack with this id, or the one that replaces it (a pack renamed in a later
    release, so a case that recorded the old id keeps its rules)."""
    for pack in builtin_packs():
        if pack.id == pack_id:
            return pack
    for pack in builtin_packs():
        if pack_id in pack.replaces:
            return pack
    known = ", ".join(p.id for p in builtin_packs()) or "ingen"
    raise RulePackError(
        f"{pack_id}.toml",
        None,
        "findes ikke.",
        message=(
            f"Regelpakken «{pack_id}» findes ikke i denne udgave af jobraad (kendte regelpakker: {known}). "
            "Vælg en anden regelpakke for sagen."
        ),
    )


def packs_without_team() -> frozenset[str]:
    """The ids (old ones too) of the packs under which no case goes to a rehabiliteringsteam."""
    return frozenset(
        pack_id for pack in builtin_packs() if not pack.terms.team for pack_id in (pack.id, *pack.replaces)
    )


def documented_aims() -> frozenset[Aim]:
    """The aims some pack has items for: the cases that are documented at all."""
    return frozenset().union(*(pack.aims for pack in builtin_packs()))


def default_pack_for(day: dt.date) -> RulePack:
    """The pack a case whose assessment starts on `day` follows unless the caseworker
    chooses another: the pack (not an opt-in one) whose period contains the day. The
    default packs follow one another without gap or overlap (a test holds them to it), the
    newest open-ended; before the first one, the first."""
    packs = [p for p in builtin_packs() if not p.opt_in]
    if not packs:
        raise RulePackError(RESOURCE_FOLDER, None, "ingen regelpakker fundet.")
    for pack in packs:
        if pack.applies_on(day):
            return pack
    return packs[0]


def _parse_bytes(data: bytes, name: str) -> RulePack:
    if len(data) > MAX_PACK_BYTES:
        raise RulePackError(name, None, _too_big())
    if b"\x00" in data:
        raise RulePackError(name, None, _NOT_TEXT)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise RulePackError(name, None, _NOT_TEXT) from exc
    return parse_pack(text, name)


def _too_big() -> str:
    return f"filen er for stor; en regelpakke må højst fylde {MAX_PACK_BYTES // (1024 * 1024)} MB."


_NOT_TEXT = "filen er ikke en tekstfil i UTF-8 (den indeholder binære data eller tegn, der ikke kan læses)."

_POSITION = re.compile(r"\s*\((?:at line (\d+), column \d+|at end of document)\)\s*$")


def _syntax_position(exc: tomllib.TOMLDecodeError, text: str) -> tuple[int | None, str]:
    message = str(exc)
    lineno = getattr(exc, "lineno", None)  # Python 3.14 has it as an attribute
    match = _POSITION.search(message)
    detail = message[: match.start()] if match else message
    if isinstance(lineno, int):
        return lineno, detail
    if match and match.group(1):
        return int(match.group(1)), detail
    if match:  # at end of document
        return max(1, len(text.splitlines())), detail
    return None, detail


# --- where things are in the text -------------------------------------------------------------------------------

_HEADER = re.compile(r"^\s*(\[\[?)(.*?)\]\]?\s*(?:#.*)?$")
_KEY_PART = re.compile(r"\s*(?:\"((?:[^\"\\]|\\.)*)\"|'([^']*)'|([A-Za-z0-9_-]+))\s*")


def _key_path(spec: str) -> tuple[str, ...] | None:
    """Split a dotted key ('pack', 'items . "x"') into its parts; None when it is no plain key."""
    parts: list[str] = []
    pos = 0
    while True:
        match = _KEY_PART.match(spec, pos)
        if not match:
            return None
        parts.append(next(g for g in match.groups() if g is not None))
        pos = match.end()
        if pos == len(spec):
            return tuple(parts)
        if spec[pos] != ".":
            return None
        pos += 1


class _Lines:
    """Finds the line of a table header or a key in valid TOML text.

    tomllib gives no positions, so the text is scanned: lines that begin inside
    a multi-line string are skipped, the other lines are checked for headers
    (`[pack]`, `[[items]]`, ...) and assignments (`key =`, `key.sub =`).
    """

    def __init__(self, text: str) -> None:
        self.lines = text.split("\n")
        self.outside = _lines_outside_strings(self.lines)
        # (line number, header path, array-of-tables?) for every header
        self.headers: list[tuple[int, tuple[str, ...], bool]] = []
        for index, line in enumerate(self.lines):
            if not self.outside[index]:
                continue
            match = _HEADER.match(line)
            if not match:
                continue
            path = _key_path(match.group(2))
            if path is not None:
                self.headers.append((index + 1, path, match.group(1) == "[["))
        self.header_at = {number: path for number, path, _ in self.headers}
        self.item_headers = [n for n, path, array in self.headers if array and path == ("items",)]
        pack_headers = [n for n, path, array in self.headers if not array and path == ("pack",)]
        self.pack_header = pack_headers[0] if pack_headers else None

    def _block_end(self, start: int, table: str) -> int:
        """The last line of the table whose header is on `start` (sub-tables of it included)."""
        for number, path, _ in self.headers:
            if number > start and path[0] != table:
                return number - 1
            if number > start and path == ("items",):
                return number - 1
        return len(self.lines)

    def _find(self, first: int, last: int, key: str, table: str | None) -> int | None:
        assign = re.compile(
            r"^\s*(?:" + re.escape(key) + r"|\"" + re.escape(key) + r"\"|'" + re.escape(key) + r"')\s*[=.]"
        )
        for number in range(max(first, 1), min(last, len(self.lines)) + 1):
            if not self.outside[number - 1]:
                continue
            if assign.match(self.lines[number - 1]):
                return number
            path = self.header_at.get(number)
            if path is not None and (path[:2] == (table, key) if table is not None else path[0] == key):
                return number
        return None

    def top_key(self, key: str) -> int | None:
        first_header = self.headers[0][0] if self.headers else len(self.lines) + 1
        found = self._find(1, first_header - 1, key, None)
        if found is not None:
            return found
        return next((n for n, path, _ in self.headers if path[0] == key), None)

    def pack_key(self, key: str) -> int | None:
        if self.pack_header is None:
            return self.top_key("pack")
        found = self._find(self.pack_header + 1, self._block_end(self.pack_header, "pack"), key, "pack")
        return found if found is not None else self.pack_header

    def item_header(self, index: int, count: int) -> int | None:
        if len(self.item_headers) == count:
            return self.item_headers[index]
        return self.top_key("items")  # items written as an inline array

    def item_key(self, index: int, count: int, key: str) -> int | None:
        header = self.item_header(index, count)
        if header is None or len(self.item_headers) != count:
            return header
        found = self._find(header + 1, self._block_end(header, "items"), key, "items")
        return found if found is not None else header


def _lines_outside_strings(lines: list[str]) -> list[bool]:
    """For each line: does it begin outside a multi-line string?"""
    result: list[bool] = []
    state: str | None = None  # '"""' or "'''" while inside a multi-line string
    for line in lines:
        result.append(state is None)
        i = 0
        n = len(line)
        while i < n:
            if state is not None:
                if state == '"""' and line[i] == "\\":
                    i += 2
                    continue
                if line.startswith(state, i):
                    i += 3
                    extra = 0
                    while extra < 2 and i < n and line[i] == state[0]:  # """"" ends with quotes in the string
                        i += 1
                        extra += 1
                    state = None
                    continue
                i += 1
                continue
            char = line[i]
            if char == "#":
                break
            if line.startswith('"""', i) or line.startswith("'''", i):
                state = line[i : i + 3]
                i += 3
                continue
            if char == '"':
                i += 1
                while i < n and line[i] != '"':
                    i += 2 if line[i] == "\\" else 1
                i += 1
                continue
            if char == "'":
                end = line.find("'", i + 1)
                i = n if end < 0 else end + 1
                continue
            i += 1
    return result


# --- checking ---------------------------------------------------------------------------------------------------

_ID = re.compile(r"[a-z0-9_]+")

_PACK_REQUIRED = (
    "id",
    "name",
    "valid_from",
    "description",
    "law",
    "terms",
    "without_team",
    "lae265",
    "asking",
    "laws",
)
_PACK_OPTIONAL = ("valid_to", "provisional", "opt_in", "unconfirmed", "replaces", "evidence")
_TERMS = ("dossier_title", "plan_heading", "team", "meeting", "ready")
_ITEM_REQUIRED = (
    "id",
    "title",
    "section",
    "aims",
    "requirement",
    "source",
    "answer_days",
    "guidance",
    "legal_reference",
)
_ITEM_OPTIONAL = ("form", "health", "consent_for", "per_placement", "assessment", "texts")

E = TypeVar("E", bound=StrEnum)


def _type_name(value: object) -> str:
    if isinstance(value, bool):
        return "sand/falsk"
    if isinstance(value, int):
        return "et helt tal"
    if isinstance(value, float):
        return "et kommatal"
    if isinstance(value, str):
        return "tekst"
    if isinstance(value, dt.datetime):
        return "et tidspunkt"
    if isinstance(value, dt.date):
        return "en dato"
    if isinstance(value, dt.time):
        return "et klokkeslæt"
    if isinstance(value, list):
        return "en liste"
    if isinstance(value, dict):
        return "en tabel"
    return type(value).__name__


def _quote(value: object) -> str:
    text = str(value)
    return f"«{text[:60]}…»" if len(text) > 60 else f"«{text}»"


class _Checker:
    def __init__(self, text: str, source_name: str) -> None:
        self.name = source_name
        self.text = text

    @functools.cached_property
    def where(self) -> _Lines:
        """Where things are in the text: only needed to name a problem's line, so only scanned then."""
        return _Lines(self.text)

    def fail(self, line: int | None, problem: str) -> RulePackError:
        return RulePackError(self.name, line, problem)

    # the file

    def pack(self, raw: dict[str, Any]) -> RulePack:
        for key in raw:
            if key not in ("pack", "items"):
                raise self.fail(
                    self.where.top_key(key),
                    f"ukendt nøgle eller tabel {_quote(key)}; en regelpakke har kun [pack] og [[items]].",
                )
        if "pack" not in raw:
            raise self.fail(None, "tabellen [pack] mangler.")
        head = raw["pack"]
        if not isinstance(head, dict):
            raise self.fail(self.where.top_key("pack"), f"«pack» skal være en tabel ([pack]), ikke {_type_name(head)}.")
        fields = self._head(head)

        if "items" not in raw:
            raise self.fail(None, "regelpakken har ingen punkter ([[items]]).")
        entries = raw["items"]
        if not isinstance(entries, list) or not all(isinstance(e, dict) for e in entries):
            raise self.fail(self.where.top_key("items"), "«items» skal være en række punkter skrevet som [[items]].")
        if not entries:
            raise self.fail(self.where.top_key("items"), "regelpakken har ingen punkter ([[items]]).")

        items: list[RuleItem] = []
        first_index: dict[str, int] = {}
        for index, entry in enumerate(entries):
            item = self._item(entry, index, len(entries))
            if item.id in first_index:
                earlier = self.where.item_key(first_index[item.id], len(entries), "id")
                also = f" (første gang på linje {earlier})" if earlier is not None else ""
                raise self.fail(
                    self.where.item_key(index, len(entries), "id"),
                    f"punkt-id {_quote(item.id)} er brugt to gange{also}; hvert punkt skal have sit eget id.",
                )
            first_index[item.id] = index
            items.append(item)

        if fields["lae265_item"] not in first_index:
            raise self.fail(
                self.where.pack_key("lae265"),
                f"[pack.lae265] nævner punktet {_quote(fields['lae265_item'])}, som ikke findes i pakken.",
            )
        allowed: frozenset[DocumentSource] = fields["assessment_from"]
        for index, item in enumerate(items):
            if item.assessment and item.source not in allowed:
                who = ", ".join(sorted(s.value for s in allowed))
                raise self.fail(
                    self.where.item_key(index, len(items), "source"),
                    f"punkt {_quote(item.id)} er en helbredsvurdering fra {_quote(item.source.value)}, men efter "
                    f"[pack.asking] må en vurdering kun komme fra: {who}.",
                )
        return RulePack(items=tuple(items), source_name=self.name, **fields)

    def _head(self, head: dict[str, Any]) -> dict[str, Any]:
        def line(key: str) -> int | None:
            return self.where.pack_key(key)

        for key in head:
            if key not in _PACK_REQUIRED + _PACK_OPTIONAL:
                raise self.fail(line(key), f"ukendt nøgle {_quote(key)} i [pack].")
        for key in _PACK_REQUIRED:
            if key not in head:
                raise self.fail(self.where.pack_header, f"[pack] mangler nøglen «{key}».")
        context = "i [pack]"
        pack_id = self._identifier(head["id"], "id", context, line, MAX_PACK_ID)
        stem = PurePath(self.name).stem
        if pack_id != stem:
            raise self.fail(
                line("id"),
                f"pakkens id {_quote(pack_id)} skal være det samme som filnavnet uden .toml ({_quote(stem)}).",
            )
        name = self._text(head["name"], "name", context, line)
        valid_from = self._date(head["valid_from"], "valid_from", context, line)
        valid_to = None
        if "valid_to" in head:
            valid_to = self._date(head["valid_to"], "valid_to", context, line)
            if valid_to < valid_from:
                raise self.fail(
                    line("valid_to"),
                    f"valid_to ({fmt.date(valid_to)}) ligger før valid_from ({fmt.date(valid_from)}).",
                )
        provisional = self._bool(head.get("provisional", False), "provisional", context, line)
        description = self._text(head["description"], "description", context, line)
        unconfirmed = head.get("unconfirmed", [])
        if not isinstance(unconfirmed, list) or not all(isinstance(u, str) and u.strip() for u in unconfirmed):
            raise self.fail(line("unconfirmed"), f"«unconfirmed» {context} skal være en liste af tekster.")
        replaces = head.get("replaces", [])
        if not isinstance(replaces, list):
            raise self.fail(line("replaces"), f"«replaces» {context} skal være en liste af pakke-id'er.")
        terms = self._table(head, "terms", _TERMS, ())
        without = self._table(head, "without_team", ("allowed", "ready", "source"), ())
        basis = self._table(head, "law", ("act", "transition", "transition_source"), ())
        lae265 = self._table(head, "lae265", ("item", "max_age_days", "source", "status"), ())
        days = lae265["max_age_days"]
        if isinstance(days, bool) or not isinstance(days, int) or not 1 <= days <= 3650:
            raise self.fail(line("lae265"), "«max_age_days» i [pack.lae265] skal være et helt antal dage (1-3650).")
        asking = self._table(head, "asking", ("assessment_from", "source"), ())
        sources = asking["assessment_from"]
        if not isinstance(sources, list) or not sources:
            raise self.fail(line("asking"), "«assessment_from» i [pack.asking] skal være en liste af kilder.")
        attach_from: frozenset[DocumentSource] = frozenset()
        attach_source = ""
        if "evidence" in head:
            evidence = self._table(head, "evidence", ("attach_from", "source"), ())
            listed = evidence["attach_from"]
            if not isinstance(listed, list):
                raise self.fail(line("evidence"), "«attach_from» i [pack.evidence] skal være en liste af kilder.")
            attach_from = frozenset(
                self._choice(s, "attach_from", DocumentSource, "i [pack.evidence]", line) for s in listed
            )
            attach_source = evidence["source"]
        laws = head["laws"]
        if not isinstance(laws, list) or not all(isinstance(law, dict) for law in laws):
            raise self.fail(line("laws"), "«laws» i [pack] skal skrives som [[pack.laws]].")
        cited: list[CitedLaw] = []
        for law in laws:
            entry = self._table({"laws": law}, "laws", ("aims", "text", "source"), ())
            cited.append(CitedLaw(self._aims(entry["aims"], "i [[pack.laws]]", line), entry["text"], entry["source"]))
        return {
            "id": pack_id,
            "name": name,
            "valid_from": valid_from,
            "valid_to": valid_to,
            "provisional": provisional,
            "description": description,
            "law": basis["act"],
            "transition": basis["transition"],
            "transition_source": basis["transition_source"],
            "terms": PackTerms(**terms),
            "without_team": WithoutTeam(
                self._bool(without["allowed"], "allowed", "i [pack.without_team]", line),
                without["ready"],
                without["source"],
            ),
            "lae265_item": lae265["item"],
            "lae265_max_age": SourcedValue(
                days, lae265["source"], self._choice(lae265["status"], "status", Status, "i [pack.lae265]", line)
            ),
            "assessment_from": frozenset(
                self._choice(s, "assessment_from", DocumentSource, "i [pack.asking]", line) for s in sources
            ),
            "assessment_source": asking["source"],
            "laws": tuple(cited),
            "opt_in": self._bool(head.get("opt_in", False), "opt_in", context, line),
            "unconfirmed": tuple(u.strip() for u in unconfirmed),
            "replaces": tuple(self._identifier(r, "replaces", context, line, MAX_PACK_ID) for r in replaces),
            "attach_from": attach_from,
            "attach_source": attach_source,
        }

    def _table(
        self, head: dict[str, Any], key: str, required: tuple[str, ...], optional: tuple[str, ...]
    ) -> dict[str, Any]:
        """The sub-table [pack.<key>], its keys checked; text values stripped, "team" may be empty."""

        def line(key: str) -> int | None:
            return self.where.pack_key(key)

        table = head[key]
        context = f"i [pack.{key}]"
        if not isinstance(table, dict):
            raise self.fail(line(key), f"«{key}» skal være en tabel ([pack.{key}]), ikke {_type_name(table)}.")
        for name in table:
            if name not in required + optional:
                raise self.fail(line(key), f"ukendt nøgle {_quote(name)} {context}.")
        for name in required:
            if name not in table:
                raise self.fail(line(key), f"[pack.{key}] mangler nøglen «{name}».")
        return {
            name: self._text(value, name, context, line, allow_empty=name == "team")
            if isinstance(value, str)
            else value
            for name, value in table.items()
        }

    def _item(self, entry: dict[str, Any], index: int, count: int) -> RuleItem:
        def line(key: str) -> int | None:
            return self.where.item_key(index, count, key)

        raw_id = entry.get("id")
        label = _quote(raw_id) if isinstance(raw_id, str) and _ID.fullmatch(raw_id) else f"nr. {index + 1}"
        context = f"i punkt {label}"
        for key in entry:
            if key not in _ITEM_REQUIRED + _ITEM_OPTIONAL:
                raise self.fail(line(key), f"ukendt nøgle {_quote(key)} {context}.")
        for key in _ITEM_REQUIRED:
            if key not in entry:
                raise self.fail(self.where.item_header(index, count), f"punkt {label} mangler nøglen «{key}».")

        item_id = self._identifier(entry["id"], "id", context, line, MAX_ITEM_ID)
        title = self._text(entry["title"], "title", context, line)
        section = self._text(entry["section"], "section", context, line)
        if section not in SECTION_LABELS:
            raise self.fail(
                line("section"),
                f"ukendt afsnit {_quote(section)} {context}. Tilladte afsnit: {', '.join(SECTION_LABELS)}.",
            )
        aims = self._aims(entry["aims"], context, line)
        requirement = self._choice(entry["requirement"], "requirement", Requirement, context, line)
        source = self._choice(entry["source"], "source", DocumentSource, context, line)
        form = self._text(entry.get("form", ""), "form", context, line, allow_empty=True)
        answer_days = entry["answer_days"]
        if isinstance(answer_days, bool) or not isinstance(answer_days, int):
            raise self.fail(
                line("answer_days"),
                f"«answer_days» {context} skal være et helt antal dage, ikke {_type_name(answer_days)}.",
            )
        if not 0 <= answer_days <= MAX_ANSWER_DAYS:
            raise self.fail(
                line("answer_days"),
                f"«answer_days» {context} skal være mellem 0 og {MAX_ANSWER_DAYS} dage, ikke {answer_days}.",
            )
        health = self._bool(entry.get("health", False), "health", context, line)
        consent_for = None
        if "consent_for" in entry:
            consent_for = self._choice(entry["consent_for"], "consent_for", DocumentSource, context, line)
        per_placement = self._bool(entry.get("per_placement", False), "per_placement", context, line)
        assessment = self._bool(entry.get("assessment", False), "assessment", context, line)
        guidance = self._text(entry["guidance"], "guidance", context, line)
        legal_reference = self._text(entry["legal_reference"], "legal_reference", context, line)
        texts = entry.get("texts", [])
        if not isinstance(texts, list) or not all(isinstance(t, str) for t in texts):
            raise self.fail(line("texts"), f"«texts» {context} skal være en liste af tekstafsnit.")
        for text in texts:
            if text not in SECTION_KEYS:
                raise self.fail(
                    line("texts"),
                    f"ukendt tekstafsnit {_quote(text)} {context}. Tilladte: {', '.join(sorted(SECTION_KEYS))}.",
                )
        return RuleItem(
            id=item_id,
            title=title,
            section=section,
            aims=aims,
            requirement=requirement,
            source=source,
            form=form,
            answer_days=answer_days,
            health=health,
            consent_for=consent_for,
            per_placement=per_placement,
            assessment=assessment,
            guidance=guidance,
            legal_reference=legal_reference,
            order=index,
            texts=tuple(texts),
        )

    # values

    def _text(
        self, value: object, key: str, context: str, line: Callable[[str], int | None], *, allow_empty: bool = False
    ) -> str:
        if not isinstance(value, str):
            raise self.fail(line(key), f"«{key}» {context} skal være tekst, ikke {_type_name(value)}.")
        text = value.strip()
        if not text and not allow_empty:
            raise self.fail(line(key), f"«{key}» {context} er tom.")
        return text

    def _identifier(
        self, value: object, key: str, context: str, line: Callable[[str], int | None], longest: int
    ) -> str:
        if not isinstance(value, str):
            raise self.fail(line(key), f"«{key}» {context} skal være tekst, ikke {_type_name(value)}.")
        if not _ID.fullmatch(value) or len(value) > longest:
            raise self.fail(
                line(key),
                f"«{key}» {context} er {_quote(value)}; et id må kun have små bogstaver a-z, tal og _ "
                f"(højst {longest} tegn).",
            )
        return value

    def _bool(self, value: object, key: str, context: str, line: Callable[[str], int | None]) -> bool:
        if not isinstance(value, bool):
            raise self.fail(line(key), f"«{key}» {context} skal være true eller false, ikke {_type_name(value)}.")
        return value

    def _date(self, value: object, key: str, context: str, line: Callable[[str], int | None]) -> dt.date:
        if isinstance(value, dt.datetime) or not isinstance(value, dt.date):
            raise self.fail(
                line(key),
                f"«{key}» {context} skal være en dato skrevet som åååå-mm-dd uden anførselstegn, "
                f"ikke {_type_name(value)}.",
            )
        return value

    def _choice(self, value: object, key: str, kind: type[E], context: str, line: Callable[[str], int | None]) -> E:
        if not isinstance(value, str):
            raise self.fail(line(key), f"«{key}» {context} skal være tekst, ikke {_type_name(value)}.")
        try:
            return kind(value)
        except ValueError:
            allowed = ", ".join(member.value for member in kind)
            raise self.fail(
                line(key), f"ukendt værdi {_quote(value)} for «{key}» {context}. Tilladte værdier: {allowed}."
            ) from None

    def _aims(self, value: object, context: str, line: Callable[[str], int | None]) -> frozenset[Aim]:
        if not isinstance(value, list):
            raise self.fail(
                line("aims"), f'«aims» {context} skal være en liste, fx ["fleksjob"], ikke {_type_name(value)}.'
            )
        if not value:
            raise self.fail(line("aims"), f"«aims» {context} er tom; angiv mindst ét sigte.")
        return frozenset(self._choice(aim, "aims", Aim, context, line) for aim in value)
