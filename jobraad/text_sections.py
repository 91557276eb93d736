"""The texts the caseworker writes for a case, as vocabulary without dependencies: the rule
packs name them (an item written as text), `case_texts` stores them, the dossier prints them.

Three parts, kept apart in the dossier because the forberedende del describes and does not
assess (cabiweb.dk, »Rehabiliteringsplanen«; BEK nr. 2408 af 13/12/2021 §§ 2-3):
- `DESCRIPTION`: the sections of the forberedende del (or of what a pack calls it);
- `CITIZEN`: the citizen's own remarks to the description;
- `JOBCENTER`: the jobcenter's own assessment, proposal and questions for the team.
"""

from __future__ import annotations

from dataclasses import dataclass

DESCRIPTION = "beskrivelse"
CITIZEN = "borger"
JOBCENTER = "jobcenter"


@dataclass(frozen=True)
class TextSection:
    key: str
    title: str
    hint: str
    part: str  # DESCRIPTION, CITIZEN or JOBCENTER


# In the order of the forberedende del (BEK 2408/2021 § 3), then the citizen's and the jobcenter's parts.
SECTIONS: tuple[TextSection, ...] = (
    TextSection(
        "uddannelse_cv",
        "Uddannelse og erhvervserfaring (CV)",
        "Skoler, uddannelser, kurser, job i Danmark og hjemlandet.",
        DESCRIPTION,
    ),
    TextSection(
        "ressourcer_netvaerk",
        "Personlige ressourcer og netværk",
        "Hvad borgeren kan, familie, venner, foreninger.",
        DESCRIPTION,
    ),
    TextSection(
        "udfordringer",
        "Beskæftigelsesmæssige og sociale udfordringer",
        "Sprog, bolig, økonomi, misbrug, familieforhold – det der står i vejen for arbejde.",
        DESCRIPTION,
    ),
    TextSection(
        "egne_oensker",
        "Borgerens egne ønsker og mål",
        "Med borgerens egne ord: ønsker til job, uddannelse og fremtid.",
        DESCRIPTION,
    ),
    TextSection(
        "helbred", "Helbred", "Lidelser, igangværende behandling og den dokumentation, det bygger på.", DESCRIPTION
    ),
    TextSection(
        "helbred_arbejde",
        "Helbredets betydning for arbejde",
        "Hvordan helbredet påvirker arbejdsevnen; skånehensyn; hvad praktikken har vist.",
        DESCRIPTION,
    ),
    TextSection("forsoergelse", "Forsørgelseshistorik", "Ydelser gennem årene, ledighedsperioder, job.", DESCRIPTION),
    TextSection(
        "indsatser",
        "Erfaringer fra indsatser",
        "Hvad er prøvet, med hvilket resultat – praktikker, kurser, mentor.",
        DESCRIPTION,
    ),
    TextSection(
        "borgerens_bemaerkninger",
        "Borgerens bemærkninger",
        "Borgerens egne bemærkninger til beskrivelsen, med borgerens ord. Tomt: borgeren har ingen.",
        CITIZEN,
    ),
    TextSection(
        "vurdering",
        "Jobcentrets vurdering",
        "Din samlede vurdering af borgerens arbejdsevne og muligheder.",
        JOBCENTER,
    ),
    TextSection(
        "indstilling",
        "Jobcentrets forslag",
        "Hvad du foreslår, at sagen skal føre til, og hvorfor.",
        JOBCENTER,
    ),
    TextSection(
        "spoergsmaal_team",
        "Spørgsmål til teamet",
        "Det, du og borgeren gerne vil have svar på ved mødet.",
        JOBCENTER,
    ),
)
SECTION_KEYS: frozenset[str] = frozenset(s.key for s in SECTIONS)
SECTION_TITLES: dict[str, str] = {s.key: s.title for s in SECTIONS}


def sections_of(part: str) -> tuple[TextSection, ...]:
    return tuple(s for s in SECTIONS if s.part == part)
