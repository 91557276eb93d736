"""Who a dossier is made for (`resources/rules/dossier_readers.toml`), and what each reader gets:
one dossier per reader, by data minimisation.

Everything the dossier prints beyond its frame (the title, the citizen's name, the case number,
the caseworker and the date) belongs to a part (`PARTS`); the story asks `Reader.gets(part)`
before it prints it. Which parts a reader gets is data: the reader's `parts` in the rule file,
checked strictly (an unknown part refuses the file). What a reader does not get is named on the
cover (`Reader.left_out`).
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

from db.enums import DocumentSource
from jobraad.errors import UserFacingError
from jobraad.rule_files import Table, read_rule_file
from jobraad.rulepacks import RuleItem

__all__ = [
    "DEFAULT_READER",
    "PARTS",
    "Reader",
    "document_part",
    "parse_readers",
    "reader",
    "reader_choices",
    "readers",
]

DEFAULT_READER = "team"

# The parts of a dossier, in the order the cover names those left out, with the words it uses.
PARTS: dict[str, str] = {
    "cpr": "CPR-nummer",
    "birth_date": "fødselsdato og alder",
    "case_overview": "sagsoplysninger (sigte, visitation, sprog, regelpakke, møde)",
    "readiness": "status for dokumentationen (hvad der mangler)",
    "description": "beskrivelsen af borgerens situation",
    "cv": "CV og kurser",
    "health_text": "helbredsoplysninger",
    "lae_forms": "lægeattester (LÆ-blanketter) og anden helbredsdokumentation",
    "health_notes": "sundhedskoordinatorens notater",
    "skaanehensyn": "skånehensyn",
    "contacts": "kontakter i sundhedsvæsen og forvaltning",
    "benefits": "forsørgelseshistorik og visitation",
    "efforts": "indsatser",
    "placements": "virksomhedsplaceringer og aftaler",
    "hours": "timer og fremmøde",
    "signals": "signaler om progression",
    "citizen_remarks": "borgerens bemærkninger",
    "checklist": "dokumentationsoversigt",
    "sof_suf": "oplysninger fra SOF og SUF",
    "consents": "samtykker",
    "assessment": "jobcentrets vurdering og forslag",
    "conditions": "betingelser for fleksjob og førtidspension",
    "appendices": "bilag",
}

_SOF_SUF = frozenset({DocumentSource.SOF, DocumentSource.SUF})


@dataclass(frozen=True)
class Reader:
    key: str
    label: str  # for the choice: "Virksomheden – skånehensyn, timer og aftaler"
    recipient: str  # for the cover: "Til: Virksomheden"
    parts: frozenset[str]
    source: str
    status: str
    title: str = ""  # the dossier's title for this reader; "" the pack's
    plain_language: bool = False  # headings in plain Danish (the citizen's own copy)
    latest_placement_only: bool = False  # of the placements, only the one active today, else the latest

    def gets(self, part: str) -> bool:
        """Whether this reader gets `part` (a key of `PARTS`)."""
        if part not in PARTS:
            raise KeyError(part)
        return part in self.parts

    @property
    def left_out(self) -> list[str]:
        """What this reader does not get, in Danish, in the order of `PARTS`."""
        return [label for key, label in PARTS.items() if key not in self.parts]


def document_part(item: RuleItem) -> str:
    """The part a documentation item and its file belong to: health documents (`lae_forms`),
    information from SOF and SUF (`sof_suf`), or the rest of the checklist."""
    if item.source in _SOF_SUF:  # health information too, but the social side's
        return "sof_suf"
    if item.health or item.assessment:
        return "lae_forms"
    return "checklist"


FILE = "dossier_readers.toml"


@functools.cache
def readers() -> tuple[Reader, ...]:
    """The readers of the shipped rule file, the team first."""
    return parse_readers(read_rule_file(FILE, required=("readers",)))


def parse_readers(top: Table) -> tuple[Reader, ...]:
    """The readers of a rule file's top level (`rule_files.parse_rule_file`), checked strictly:
    a part no dossier knows, a part twice, a reader twice, or a first reader other than the team
    refuses the file with `RuleFileError`."""
    out: list[Reader] = []
    for n, entry in enumerate(
        top.entries(
            "readers",
            required=("key", "label", "recipient", "parts"),
            optional=("title", "plain_language", "latest_placement_only"),
        ),
        start=1,
    ):
        key = entry.text("key")
        entry.named(f"[[readers]] nr. {n} («{key}»)")
        parts = entry.texts("parts")
        for part in parts:
            if part not in PARTS:
                entry.fail(f"ukendt del «{part}» i «parts»; kendte dele: {', '.join(PARTS)}.")
        if len(set(parts)) != len(parts):
            entry.fail("en del står flere gange i «parts».")
        if any(r.key == key for r in out):
            entry.fail(f"modtageren «{key}» står flere gange.")
        out.append(
            Reader(
                key=key,
                label=entry.text("label"),
                recipient=entry.text("recipient"),
                parts=frozenset(parts),
                source=entry.source,
                status=entry.status,
                title=entry.text("title") if entry.has("title") else "",
                plain_language=entry.boolean("plain_language") if entry.has("plain_language") else False,
                latest_placement_only=(
                    entry.boolean("latest_placement_only") if entry.has("latest_placement_only") else False
                ),
            )
        )
    if out[0].key != DEFAULT_READER:
        top.fail(f"den første modtager skal være «{DEFAULT_READER}».")
    return tuple(out)


def reader_choices() -> list[tuple[str, str]]:
    """(key, Danish label) of each reader, the team first."""
    return [(r.key, r.label) for r in readers()]


def reader(key: str) -> Reader:
    for r in readers():
        if r.key == key:
            return r
    known = ", ".join(r.key for r in readers())
    raise UserFacingError(f"Ukendt modtager «{key}». Vælg en af: {known}.")
