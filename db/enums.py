"""Stored vocabularies. Values are stable keys kept in the database; the Danish
labels a user sees live in `jobraad.vocab`."""

from __future__ import annotations

from enum import StrEnum


class VisitationGroup(StrEnum):
    GRUPPE_1 = "gruppe_1"
    GRUPPE_2 = "gruppe_2"
    GRUPPE_3 = "gruppe_3"
    GRUPPE_4 = "gruppe_4"
    FLEKSJOBVISITERET = "fleksjobvisiteret"


class Aim(StrEnum):
    """Sigte: what the case is working towards."""

    JOB = "job"
    UDDANNELSE = "uddannelse"
    FLEKSJOB = "fleksjob"
    FOERTIDSPENSION = "foertidspension"
    RESSOURCEFORLOEB = "ressourceforloeb"
    REVALIDERING = "revalidering"
    JOBAFKLARING = "jobafklaring"


class BenefitType(StrEnum):
    KONTANTHJAELP = "kontanthjaelp"
    UDDANNELSESHJAELP = "uddannelseshjaelp"
    SYGEDAGPENGE = "sygedagpenge"
    JOBAFKLARING = "jobafklaringsydelse"
    RESSOURCEFORLOEB = "ressourceforloebsydelse"
    LEDIGHEDSYDELSE = "ledighedsydelse"
    SELVFORSOERGET = "selvforsoerget"
    ANDET = "andet"


class PeriodBenefit(StrEnum):
    """What a citizen lived on in one period of the forsørgelseshistorik (benefits by period)."""

    LOEN = "loen"
    SELVFORSOERGET = "selvforsoerget"
    A_DAGPENGE = "a_dagpenge"
    SYGEDAGPENGE = "sygedagpenge"
    KONTANTHJAELP = "kontanthjaelp"
    UDDANNELSESHJAELP = "uddannelseshjaelp"
    HJEMREJSEYDELSE = "hjemrejseydelse"
    LEDIGHEDSYDELSE = "ledighedsydelse"
    JOBAFKLARING = "jobafklaringsydelse"
    RESSOURCEFORLOEB = "ressourceforloebsydelse"
    REVALIDERING = "revalideringsydelse"
    FLEKSJOB = "fleksjob"
    SU = "su"
    ANDET = "andet"


class CvKind(StrEnum):
    """A line of the citizen's CV."""

    UDDANNELSE = "uddannelse"
    JOB = "job"


class Outcome(StrEnum):
    """Why a case was closed."""

    ORDINAERT_JOB = "ordinaert_job"
    SMAAJOB = "smaajob"
    FLEKSJOB = "fleksjob"
    FOERTIDSPENSION = "foertidspension"
    RESSOURCEFORLOEB = "ressourceforloeb"
    UDDANNELSE = "uddannelse"
    ANDEN_FORSOERGELSE = "anden_forsoergelse"
    FLYTTET = "flyttet"
    ANDET = "andet"
    # Handed to a colleague (jobraad.handover): the case goes on in the colleague's file.
    OVERDRAGET = "overdraget"


class ActivityKind(StrEnum):
    JOBDANSK = "jobdansk"
    FVU = "fvu"
    AMU = "amu"
    WORKSHOP_ARBEJDSPLADSKULTUR = "workshop_arbejdspladskultur"
    WORKSHOP_CV = "workshop_cv"
    MENTOR_HELHEDSORIENTERET = "mentor_helhedsorienteret"
    MENTOR_FASTHOLDELSE = "mentor_fastholdelse"
    MENTOR_SPROG = "mentor_sprog"
    SUNDHEDSTILBUD_SUF = "sundhedstilbud_suf"
    SOCIALT_TILBUD_SOF = "socialt_tilbud_sof"
    INTERN_INDSATS = "intern_indsats"
    FORBEREDENDE_PLAN = "forberedende_plan"
    ANDET = "andet"


class PlacementKind(StrEnum):
    VIRKSOMHEDSPRAKTIK = "virksomhedspraktik"
    LOENTILSKUD = "loentilskud"
    SNUSEPRAKTIK = "snusepraktik"
    INTERN_PRAKTIK = "intern_praktik"
    GRUPPEPRAKTIK = "gruppepraktik"
    SMAAJOB = "smaajob"


class AbsenceReason(StrEnum):
    SYGDOM = "sygdom"
    ANDET = "andet"


class DocumentState(StrEnum):
    MANGLER = "mangler"
    ANMODET = "anmodet"
    MODTAGET = "modtaget"
    IKKE_RELEVANT = "ikke_relevant"


class SamtaleAttendance(StrEnum):
    """What became of a samtale (a Meeting of kind samtale): held, or the citizen did not come.
    No value: planned, or not recorded."""

    AFHOLDT = "afholdt"
    UDEBLEVET = "udeblevet"


class NoShowFollowUp(StrEnum):
    """What followed an udeblivelse from a samtale."""

    NY_INDKALDELSE = "ny_indkaldelse"
    GYLDIG_GRUND = "gyldig_grund"
    PARTSHOERING = "partshoering"
    SANKTION = "sanktion"
    ANDET = "andet"


class DocumentSource(StrEnum):
    BORGER = "borger"
    JOBCENTER = "jobcenter"
    EGEN_LAEGE = "egen_laege"
    SPECIALLAEGE = "speciallaege"
    SUNDHEDSKOORDINATOR = "sundhedskoordinator"
    SOF = "sof"
    SUF = "suf"
    VIRKSOMHED = "virksomhed"
    HOSPITAL = "hospital"
    # Their own sources, not filed under hospital or SOF (stored as text: no migration).
    PSYKIATRI = "psykiatri"
    MISBRUGSBEHANDLING = "misbrugsbehandling"


class HealthNoteKind(StrEnum):
    HELBREDSGENNEMGANG = "helbredsgennemgang"
    TREPARTSSAMTALE = "3-partssamtale"
    WORKSHOP = "workshop"
    SAGSDROEFTELSE = "sagsdroeftelse"


class JournalKind(StrEnum):
    SAMTALE = "samtale"
    TREPARTSSAMTALE = "3-partssamtale"
    TELEFON = "telefon"
    MAIL = "mail"
    NOTAT = "notat"


class MeetingKind(StrEnum):
    SAMTALE = "samtale"
    TREPARTSSAMTALE = "3-partssamtale"
    REHABILITERINGSTEAM = "rehabiliteringsteam"
    SUNDHEDSKOORDINATOR = "sundhedskoordinator"
    ANDET = "andet"


class ContactKind(StrEnum):
    EGEN_LAEGE = "egen_laege"
    SPECIALLAEGE = "speciallaege"
    SOF = "sof"
    SUF = "suf"
    HOSPITAL = "hospital"
    # Psychiatry (distriktspsykiatri, psykiatrisk ambulatorium) and alcohol or drug treatment are
    # their own kinds, not "hospital" or "SOF": their records are asked for and consented to apart.
    PSYKIATRI = "psykiatri"
    MISBRUGSBEHANDLING = "misbrugsbehandling"
    ANDET = "andet"
