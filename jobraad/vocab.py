"""Danish labels for the stored vocabularies, and parsing of what users type."""

from __future__ import annotations

from enum import StrEnum
from typing import TypeVar

from db.enums import (
    AbsenceReason,
    ActivityKind,
    Aim,
    BenefitType,
    ContactKind,
    CvKind,
    DocumentSource,
    DocumentState,
    HealthNoteKind,
    JournalKind,
    MeetingKind,
    Outcome,
    PeriodBenefit,
    PlacementKind,
    VisitationGroup,
)

GROUP_LABELS: dict[VisitationGroup, str] = {
    VisitationGroup.GRUPPE_1: "Gruppe 1",
    VisitationGroup.GRUPPE_2: "Gruppe 2",
    VisitationGroup.GRUPPE_3: "Gruppe 3",
    VisitationGroup.GRUPPE_4: "Gruppe 4",
    VisitationGroup.FLEKSJOBVISITERET: "Ledig fleksjobvisiteret",
}

# For narrow table columns; the full label goes in the tooltip.
GROUP_SHORT_LABELS: dict[VisitationGroup, str] = {
    **GROUP_LABELS,
    VisitationGroup.FLEKSJOBVISITERET: "Fleksjobvisit.",
}

GROUP_DESCRIPTIONS: dict[VisitationGroup, str] = {
    VisitationGroup.GRUPPE_1: "Virksomhedsrettet: virksomhedspraktik, løntilskud, deltidsjob",
    VisitationGroup.GRUPPE_2: "Virksomhedsforberedende forløb",
    VisitationGroup.GRUPPE_3: "Afklaring til fleksjob, ressourceforløb, revalidering eller førtidspension",
    VisitationGroup.GRUPPE_4: "Helhedsorienteret mentor",
    VisitationGroup.FLEKSJOBVISITERET: "Visiteret til fleksjob, endnu ikke i et",
}

AIM_LABELS: dict[Aim, str] = {
    Aim.JOB: "Job",
    Aim.UDDANNELSE: "Uddannelse",
    Aim.FLEKSJOB: "Fleksjob",
    Aim.FOERTIDSPENSION: "Førtidspension",
    Aim.RESSOURCEFORLOEB: "Ressourceforløb",
    Aim.REVALIDERING: "Revalidering",
    Aim.JOBAFKLARING: "Jobafklaring",
}

BENEFIT_LABELS: dict[BenefitType, str] = {
    BenefitType.KONTANTHJAELP: "Kontanthjælp",
    BenefitType.UDDANNELSESHJAELP: "Uddannelseshjælp",
    BenefitType.SYGEDAGPENGE: "Sygedagpenge",
    BenefitType.JOBAFKLARING: "Jobafklaringsydelse",
    BenefitType.RESSOURCEFORLOEB: "Ressourceforløbsydelse",
    BenefitType.LEDIGHEDSYDELSE: "Ledighedsydelse",
    BenefitType.SELVFORSOERGET: "Selvforsørget",
    BenefitType.ANDET: "Andet",
}

PERIOD_BENEFIT_LABELS: dict[PeriodBenefit, str] = {
    PeriodBenefit.LOEN: "Løn (arbejde)",
    PeriodBenefit.SELVFORSOERGET: "Selvforsørget",
    PeriodBenefit.A_DAGPENGE: "Arbejdsløshedsdagpenge",
    PeriodBenefit.SYGEDAGPENGE: "Sygedagpenge",
    PeriodBenefit.KONTANTHJAELP: "Kontanthjælp",
    PeriodBenefit.UDDANNELSESHJAELP: "Uddannelseshjælp",
    PeriodBenefit.HJEMREJSEYDELSE: "Selvforsørgelses- og hjemrejseydelse / integrationsydelse",
    PeriodBenefit.LEDIGHEDSYDELSE: "Ledighedsydelse",
    PeriodBenefit.JOBAFKLARING: "Jobafklaringsydelse",
    PeriodBenefit.RESSOURCEFORLOEB: "Ressourceforløbsydelse",
    PeriodBenefit.REVALIDERING: "Revalideringsydelse",
    PeriodBenefit.FLEKSJOB: "Fleksjob",
    PeriodBenefit.SU: "SU (uddannelse)",
    PeriodBenefit.ANDET: "Andet",
}

CV_KIND_LABELS: dict[CvKind, str] = {CvKind.UDDANNELSE: "Uddannelse", CvKind.JOB: "Job"}

OUTCOME_LABELS: dict[Outcome, str] = {
    Outcome.ORDINAERT_JOB: "Ordinært job",
    Outcome.SMAAJOB: "Småjob",
    Outcome.FLEKSJOB: "Fleksjob",
    Outcome.FOERTIDSPENSION: "Førtidspension",
    Outcome.RESSOURCEFORLOEB: "Ressourceforløb",
    Outcome.UDDANNELSE: "Uddannelse",
    Outcome.ANDEN_FORSOERGELSE: "Anden forsørgelse",
    Outcome.FLYTTET: "Flyttet",
    Outcome.ANDET: "Andet",
    Outcome.OVERDRAGET: "Overdraget til kollega",
}

ACTIVITY_LABELS: dict[ActivityKind, str] = {
    ActivityKind.JOBDANSK: "Jobdansk",
    ActivityKind.FVU: "FVU (grundlæggende dansk)",
    ActivityKind.AMU: "AMU-kursus",
    ActivityKind.WORKSHOP_ARBEJDSPLADSKULTUR: "Workshop: arbejdspladskultur",
    ActivityKind.WORKSHOP_CV: "Workshop: CV",
    ActivityKind.MENTOR_HELHEDSORIENTERET: "Helhedsorienteret mentor",
    ActivityKind.MENTOR_FASTHOLDELSE: "Fastholdelsesmentor",
    ActivityKind.MENTOR_SPROG: "Sprogmentor",
    ActivityKind.SUNDHEDSTILBUD_SUF: "Sundhedstilbud (SUF)",
    ActivityKind.SOCIALT_TILBUD_SOF: "Socialt tilbud (SOF)",
    ActivityKind.INTERN_INDSATS: "Intern indsats",
    ActivityKind.FORBEREDENDE_PLAN: "Forberedende plan",
    ActivityKind.ANDET: "Andet",
}

PLACEMENT_LABELS: dict[PlacementKind, str] = {
    PlacementKind.VIRKSOMHEDSPRAKTIK: "Virksomhedspraktik",
    PlacementKind.LOENTILSKUD: "Løntilskud",
    PlacementKind.SNUSEPRAKTIK: "Snusepraktik",
    PlacementKind.INTERN_PRAKTIK: "Intern praktik",
    PlacementKind.GRUPPEPRAKTIK: "Gruppepraktik",
    PlacementKind.SMAAJOB: "Småjob / ordinære løntimer",
}

ABSENCE_LABELS: dict[AbsenceReason, str] = {AbsenceReason.SYGDOM: "Sygdom", AbsenceReason.ANDET: "Andet"}

DOCUMENT_STATE_LABELS: dict[DocumentState, str] = {
    DocumentState.MANGLER: "Mangler",
    DocumentState.ANMODET: "Anmodet",
    DocumentState.MODTAGET: "Modtaget",
    DocumentState.IKKE_RELEVANT: "Ikke relevant",
}

SOURCE_LABELS: dict[DocumentSource, str] = {
    DocumentSource.BORGER: "Borger",
    DocumentSource.JOBCENTER: "Jobcenter",
    DocumentSource.EGEN_LAEGE: "Egen læge",
    DocumentSource.SPECIALLAEGE: "Speciallæge",
    DocumentSource.SUNDHEDSKOORDINATOR: "Sundhedskoordinator / klinisk funktion",
    DocumentSource.SOF: "SOF",
    DocumentSource.SUF: "SUF",
    DocumentSource.VIRKSOMHED: "Virksomhed",
    DocumentSource.HOSPITAL: "Hospital",
    DocumentSource.PSYKIATRI: "Psykiatri",
    DocumentSource.MISBRUGSBEHANDLING: "Misbrugsbehandling",
}

HEALTH_NOTE_LABELS: dict[HealthNoteKind, str] = {
    HealthNoteKind.HELBREDSGENNEMGANG: "Helbredsgennemgang",
    HealthNoteKind.TREPARTSSAMTALE: "3-partssamtale",
    HealthNoteKind.WORKSHOP: "Workshop",
    HealthNoteKind.SAGSDROEFTELSE: "Sagsdrøftelse",
}

JOURNAL_LABELS: dict[JournalKind, str] = {
    JournalKind.SAMTALE: "Samtale",
    JournalKind.TREPARTSSAMTALE: "3-partssamtale",
    JournalKind.TELEFON: "Telefon",
    JournalKind.MAIL: "Mail",
    JournalKind.NOTAT: "Notat",
}

MEETING_LABELS: dict[MeetingKind, str] = {
    MeetingKind.SAMTALE: "Samtale",
    MeetingKind.TREPARTSSAMTALE: "3-partssamtale",
    MeetingKind.REHABILITERINGSTEAM: "Rehabiliteringsteam",
    MeetingKind.SUNDHEDSKOORDINATOR: "Sundhedskoordinator",
    MeetingKind.ANDET: "Andet",
}

CONTACT_LABELS: dict[ContactKind, str] = {
    ContactKind.EGEN_LAEGE: "Egen læge",
    ContactKind.SPECIALLAEGE: "Speciallæge",
    ContactKind.SOF: "SOF",
    ContactKind.SUF: "SUF",
    ContactKind.HOSPITAL: "Hospital",
    ContactKind.PSYKIATRI: "Psykiatri",
    ContactKind.MISBRUGSBEHANDLING: "Misbrugsbehandling",
    ContactKind.ANDET: "Andet",
}

E = TypeVar("E", bound=StrEnum)


def _fold(text: str) -> str:
    return (
        text.strip()
        .lower()
        .replace("æ", "ae")
        .replace("ø", "oe")
        .replace("å", "aa")
        .replace(" ", "_")
        .replace("-", "_")
    )


def parse_label(enum: type[E], labels: dict[E, str], text: str) -> E | None:
    """The member whose value or Danish label matches `text` (case and æøå folded)."""
    wanted = _fold(text)
    for member in enum:
        if wanted in (_fold(member.value), _fold(labels[member])):
            return member
    return None


def parse_group(text: str) -> VisitationGroup | None:
    """'1', 'gruppe 1', 'Gruppe 1', 'fleksjobvisiteret', 'ledig fleksjobvisiteret'."""
    t = _fold(text)
    if t in {"1", "2", "3", "4"}:
        return VisitationGroup(f"gruppe_{t}")
    if t in {"fleksjob", "ledig_fleksjobvisiteret", "fleksjobvisiteret", "5"}:
        return VisitationGroup.FLEKSJOBVISITERET
    return parse_label(VisitationGroup, GROUP_LABELS, text)
