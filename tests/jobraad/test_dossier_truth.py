"""The dossier tells the truth (issue 17), read back from the PDF with pypdf: the cover is "klar"
only when nothing is missing and names what is; the forberedende del describes and the
jobcenter's own parts stand apart; the citizen's remarks and the day they saw the description;
benefits by period and the CV; the case number and the caseworker; the pack's conditions for
the aim and no fleksjob pointer in another case; every received document with its bilag or why
not; the wording; and no blank page."""

from __future__ import annotations

import datetime as dt
import io
import re
from typing import Any

import pytest
from pypdf import PdfReader

from db.enums import (
    Aim,
    CvKind,
    DocumentSource,
    DocumentState,
    MeetingKind,
    PeriodBenefit,
    PlacementKind,
    VisitationGroup,
)
from db.models import Citizen
from db.session import Database
from jobraad import consents
from jobraad import documentation as doc
from jobraad.attachments import add_attachment_bytes
from jobraad.case_history import (
    BenefitPeriodInput,
    CvEntryInput,
    save_benefit_periods,
    save_cv,
    set_case_number,
    set_description_seen,
)
from jobraad.case_texts import save_case_texts
from jobraad.citizens import CitizenInput, create_citizen
from jobraad.dossier import DossierOptions
from jobraad.dossier.story import NOT_DESCRIBED
from jobraad.placements import HoursInput, PlacementInput, add_placement, save_weeks
from jobraad.records import MeetingInput, add_meeting
from jobraad.rulepacks import builtin_packs
from jobraad.settings import set_settings
from jobraad.text_sections import DESCRIPTION, sections_of
from tests.helpers import consent_input
from tests.jobraad.test_dossier import CPR_ANH, add_case, flat, make, page_texts, small_pdf

TODAY = dt.date(2026, 3, 2)  # inside the BEK 47/2026 pack's period
START = dt.date(2026, 1, 5)
SOURCES = (
    DocumentSource.EGEN_LAEGE,
    DocumentSource.SPECIALLAEGE,
    DocumentSource.HOSPITAL,
    DocumentSource.SOF,
    DocumentSource.SUF,
    DocumentSource.SUNDHEDSKOORDINATOR,
)
TEXTS = {s.key: f"Beskrevet: {s.title}." for s in sections_of(DESCRIPTION)} | {
    "vurdering": "Arbejdsevnen er varigt nedsat.",
    "indstilling": "Fleksjob på 12 timer.",
}


def _citizen(database: Database, aim: Aim = Aim.FLEKSJOB, cpr_digits: str = "0202701235") -> int:
    return create_citizen(
        database,
        CitizenInput("Søren", "Ærø", cpr_digits, aim=aim, group=VisitationGroup.GRUPPE_3, forloeb_start=START),
    )


def _ready_but_for_texts(database: Database, cid: int) -> None:
    """Every required document of the case received on 20-02-2026 and attached, its consents given
    and a meeting ahead: ready once its texts are written."""
    for source in SOURCES:
        consents.add_consent(database, cid, source, consent_input(START), TODAY)
    add_meeting(database, cid, MeetingInput(MeetingKind.REHABILITERINGSTEAM, dt.datetime(2026, 3, 12, 9, 0), ""))
    for e in doc.load_checklist(database, cid, TODAY).entries:
        if not e.item.required or e.from_text:
            continue
        scope = consent_input(TODAY) if e.item.consent_for else None
        doc.set_state(
            database,
            cid,
            e.item.id,
            e.instance,
            DocumentState.MODTAGET,
            on=dt.date(2026, 2, 20),
            consent=scope,
            today=TODAY,
        )
        if e.item.consent_for is None:
            row = doc.ensure_item(database, cid, e.item.id, e.instance)
            add_attachment_bytes(database, cid, f"{e.item.id}.pdf", small_pdf(e.item.id), row)


def _make(database: Database, cid: int, **options: Any) -> tuple[list[str], str]:
    """The pages' text, and all of it after the cover and the contents, flattened."""
    data, _ = make(database, cid, options=DossierOptions(**options))
    pages = page_texts(data)
    assert "Indhold" in pages[1] and "Indhold" not in pages[2]
    return pages, flat("\n".join(pages[2:]))


def _cover(database: Database, cid: int, **options: Any) -> str:
    return flat(_make(database, cid, **options)[0][0])


# --- readiness: the cover never says "klar" while something is missing -------------------------


def test_the_cover_is_not_ready_while_a_section_is_empty_and_names_it(database: Database) -> None:
    cid = _citizen(database)
    _ready_but_for_texts(database, cid)
    save_case_texts(database, cid, {k: v for k, v in TEXTS.items() if k != "ressourcer_netvaerk"}, today=TODAY)
    checklist = doc.load_checklist(database, cid, TODAY)
    assert checklist.readiness.missing == ("Personlige ressourcer og netværk – ikke skrevet",)
    pages, body = _make(database, cid)
    cover = flat(pages[0])
    assert "Ikke klar: 1 krævet punkt mangler" in cover
    assert "Ikke skrevet: Personlige ressourcer og netværk." in cover
    assert checklist.ready_text not in cover and "Klar til" not in cover
    # Every document is received and attached: nothing else is named.
    assert "ikke vedlagt" not in cover and "mangler:" not in cover.lower().replace("punkter mangler", "")
    section = body[body.index("1.2 Personlige ressourcer og netværk") :]
    assert section.split("1.3 ")[0].strip().endswith(NOT_DESCRIBED)

    save_case_texts(database, cid, {"ressourcer_netvaerk": "Har en stor familie."}, today=TODAY)
    assert doc.load_checklist(database, cid, TODAY).readiness.ready
    pages, body = _make(database, cid)
    cover = flat(pages[0])
    assert checklist.ready_text in cover and "Ikke klar" not in cover
    assert NOT_DESCRIBED not in body  # "klar" and an empty section never go together
    assert f"{checklist.ready_text}: alle krævede punkter er på plads." in body


@pytest.mark.parametrize("pack", builtin_packs(), ids=lambda p: p.id)
def test_every_pack_asks_for_every_text_the_dossier_would_print_as_empty(pack: Any) -> None:
    """What keeps "klar" and "Ikke beskrevet." apart for every pack and aim: a case that needs
    anything needs each section of the description and the jobcenter's assessment and proposal."""
    printed = {s.key for s in sections_of(DESCRIPTION)} | {"vurdering", "indstilling"}
    for aim in pack.aims:
        required = [item for item in pack.items_for(aim) if item.required]
        if required:
            written = {t for item in required for t in item.texts}
            assert printed <= written, (aim, printed - written)


def test_not_ready_lists_every_missing_point_and_the_problems(database: Database) -> None:
    cid = add_case(database, "Nguyễn Thị", "Ánh", CPR_ANH)
    r = doc.load_checklist(database, cid, TODAY).readiness
    cover = _cover(database, cid)
    assert f"Ikke klar: {len(r.missing)} krævede punkter mangler" in cover
    for title in r.missing:
        name = title.removesuffix(" – ikke skrevet")
        assert name in cover, title
    for problem in r.problems:
        assert problem in cover


# --- structure: the description, the citizen's remarks, the jobcenter's own parts -----------------


def test_the_jobcenters_parts_stand_apart_from_the_description(database: Database) -> None:
    cid = add_case(database, "Nguyễn Thị", "Ánh", CPR_ANH)
    save_case_texts(database, cid, {"spoergsmaal_team": "Kan borgeren klare 12 timer?"}, today=TODAY)
    _, body = _make(database, cid)
    order = [
        "1. Forberedende del",
        "2. Borgerens bemærkninger",
        "5. Dokumentation Regelpakke",
        "6. Jobcentrets vurdering og forslag",
        "6.1 Jobcentrets vurdering",
        "6.2 Jobcentrets forslag til indstilling",
        "6.4 Spørgsmål til teamet",
    ]
    at = [body.index(h) for h in order]
    assert at == sorted(at)
    description = body[: at[1]]
    assert "Arbejdsevnen er varigt og væsentligt nedsat." not in description  # the assessment
    assert "Fleksjob med 10 timer om ugen." not in description  # the proposal
    jobcenter = body[at[3] :]
    assert "Arbejdsevnen er varigt og væsentligt nedsat." in jobcenter
    assert "Fleksjob med 10 timer om ugen." in jobcenter
    assert "Kan borgeren klare 12 timer?" in jobcenter


def test_a_pack_without_a_team_proposes_a_decision_and_asks_the_team_nothing(database: Database) -> None:
    cid = add_case(database, "Nguyễn Thị", "Ánh", CPR_ANH)
    doc.set_rule_pack(database, cid, "l1750_2026", "Sagen behandles efter reformen", today=TODAY)
    save_case_texts(database, cid, {"spoergsmaal_team": "Et spørgsmål"}, today=TODAY)
    _, body = _make(database, cid)
    assert "Jobcentrets egne dele – ikke en del af den samlede beskrivelse" in body
    assert "Jobcentrets forslag til afgørelse" in body
    assert "Spørgsmål til teamet" not in body and "Et spørgsmål" not in body


def test_the_citizens_remarks_and_the_day_they_saw_the_description(database: Database) -> None:
    cid = add_case(database, "Nguyễn Thị", "Ánh", CPR_ANH)
    pages, body = _make(database, cid)
    assert "Borgeren har ikke set beskrivelsen" in flat(pages[0])
    assert "2. Borgerens bemærkninger Borgeren har endnu ikke set beskrivelsen." in body
    assert "Borgeren har ingen bemærkninger." not in body

    set_description_seen(database, cid, dt.date(2026, 2, 20), today=TODAY)
    pages, body = _make(database, cid)
    assert "Borgeren har set beskrivelsen 20-02-2026" in flat(pages[0])
    assert "Borgeren har ikke set" not in flat(pages[0])
    assert "Borgeren har set beskrivelsen 20-02-2026. Borgeren har ingen bemærkninger." in body

    save_case_texts(database, cid, {"borgerens_bemaerkninger": "Jeg kan ikke løfte mine børn."}, today=TODAY)
    _, body = _make(database, cid)
    assert "Borgeren har set beskrivelsen 20-02-2026. Jeg kan ikke løfte mine børn." in body
    assert "Borgeren har ingen bemærkninger." not in body


# --- content a team expects ---------------------------------------------------------------------


def test_benefits_by_period_are_the_forsoergelseshistorik(database: Database) -> None:
    cid = add_case(database, "Nguyễn Thị", "Ánh", CPR_ANH)
    _, body = _make(database, cid)
    section = body[body.index("1.7 Forsørgelseshistorik") : body.index("1.8 ")]
    assert "Ingen perioder registreret – se teksten ovenfor." in section
    save_benefit_periods(
        database,
        cid,
        [
            BenefitPeriodInput(PeriodBenefit.SYGEDAGPENGE, dt.date(2014, 7, 1), dt.date(2015, 6, 30)),
            BenefitPeriodInput(PeriodBenefit.KONTANTHJAELP, dt.date(2015, 7, 1), None, "Efter ophør af sygedagpenge"),
        ],
        today=TODAY,
    )
    _, body = _make(database, cid)
    section = body[body.index("1.7 Forsørgelseshistorik") : body.index("1.8 ")]
    assert "Ydelse Fra Til Bemærkning" in section
    assert "Sygedagpenge 01-07-2014 30-06-2015" in section
    assert "Kontanthjælp 01-07-2015 nu Efter ophør af sygedagpenge" in section
    assert "Ingen perioder registreret" not in section
    # The visitation groups are the jobcenter's history, not the benefits.
    assert section.index("Visitation i jobcentret") > section.index("Kontanthjælp 01-07-2015")


def test_the_cv_is_printed_educations_then_jobs(database: Database) -> None:
    cid = add_case(database, "Nguyễn Thị", "Ánh", CPR_ANH)
    save_cv(
        database,
        cid,
        [
            CvEntryInput(CvKind.JOB, "Rengøringsassistent", "ISS, København", 2008, 2014),
            CvEntryInput(CvKind.UDDANNELSE, "Gymnasium", "Hanoi", 1978, 1981),
            CvEntryInput(CvKind.JOB, "Syerske", "Hanoi", 1982, None),
        ],
        today=TODAY,
    )
    _, body = _make(database, cid)
    section = body[body.index("1.1 Uddannelse og erhvervserfaring (CV)") : body.index("1.2 ")]
    assert "År Uddannelse eller job Sted" in section
    rows = ["Uddannelse", "1978–1981 Gymnasium Hanoi", "Job", "1982– Syerske Hanoi", "2008–2014 Rengøringsassistent"]
    at = [section.index(r) for r in rows]
    assert at == sorted(at)
    assert "Jobdansk modul 2" in section  # the courses still


def test_case_number_and_caseworker_on_the_cover_and_in_the_header(database: Database) -> None:
    cid = add_case(database, "Nguyễn Thị", "Ánh", CPR_ANH)
    pages, _ = _make(database, cid)
    cover = flat(pages[0])
    assert "Sagsnummer ikke angivet" in cover and "Jobrådgiver ikke angivet" in cover
    assert "Indstillinger" not in "".join(pages)
    set_case_number(database, cid, "2026-0042")
    set_settings(
        database,
        {"caseworker_name": "Mette Ørum", "caseworker_phone": "33 66 33 66", "caseworker_email": "mo@kk.dk"},
    )
    pages, _ = _make(database, cid)
    cover = flat(pages[0])
    assert "Sagsnummer 2026-0042" in cover
    assert "Jobrådgiver Mette Ørum Telefon 33 66 33 66 · Mail mo@kk.dk" in cover
    for number, text in enumerate(pages[:-4], start=1):  # the main part's running header
        assert "sagsnr. 2026-0042" in text, number
    assert "sagsnr. 2026-0042" in pages[-1]  # the stamp on a bilag page


def test_the_packs_conditions_follow_the_aim(database: Database) -> None:
    fleksjob = add_case(database, "Nguyễn Thị", "Ánh", CPR_ANH)
    _, body = _make(database, fleksjob)
    section = body[body.index("6.3 Betingelser for fleksjob") : body.index("6.4 ")]
    assert "Efter lov om en aktiv beskæftigelsesindsats §§ 116 og 118." in section
    assert "Fleksjob: arbejdsevnen er varigt og væsentligt nedsat" in section
    assert "Ikke dokumenteret" in section

    pension = _citizen(database, Aim.FOERTIDSPENSION)
    doc.set_state(database, pension, "fp_ressourceforloeb", "", DocumentState.MODTAGET, on=TODAY, today=TODAY)
    _, body = _make(database, pension)
    section = body[body.index("Betingelser for førtidspension") :]
    assert "Førtidspension: ressourceforløb afprøvet – eller hvorfor ikke" in section
    assert f"Dokumenteret {TODAY:%d-%m-%Y}" in section
    assert "Førtidspension: arbejdsevnen kan ikke forbedres" in section
    assert "Betingelser for fleksjob" not in body and "Fleksjob:" not in body


def _low_hours(database: Database, cid: int) -> None:
    start = dt.date(2025, 11, 3)
    pid = add_placement(
        database,
        cid,
        PlacementInput(
            kind=PlacementKind.VIRKSOMHEDSPRAKTIK,
            employer_name="Genbrug Ærø",
            start_date=start,
            planned_end=start + dt.timedelta(weeks=13, days=-3),
            planned_hours_per_week=8,
        ),
    )
    rows = []
    for n in range(9):
        year, week, _ = (start + dt.timedelta(weeks=n)).isocalendar()
        rows.append(HoursInput(year, week, planned=8, attended=6 if n < 8 else 5.99))  # a tiny fall at the end
    save_weeks(database, pid, rows, today=TODAY)


def test_no_fleksjob_pointer_in_another_case_and_no_negative_zero(database: Database) -> None:
    fleksjob = _citizen(database, Aim.FLEKSJOB, "0202701235")
    pension = _citizen(database, Aim.FOERTIDSPENSION, "0303701232")
    for cid in (fleksjob, pension):
        _low_hours(database, cid)
    _, body = _make(database, fleksjob)
    assert "Stabilt lavt timetal trods støtte (under 10 t/uge i 8 uger) – dokumentation til fleksjob" in body
    _, body = _make(database, pension)
    assert "Stabilt lavt timetal trods støtte (under 10 t/uge i 8 uger)" in body
    assert "dokumentation til fleksjob" not in body
    assert "Tendens 4 uger 0,0 t/uge" in body and "-0,0" not in body


# --- every received document, and the ones not attached ---------------------------------------


def test_every_received_document_says_where_it_is_and_the_cover_warns(database: Database) -> None:
    cid = add_case(database, "Nguyễn Thị", "Ánh", CPR_ANH, received=1)  # the LÆ 265, attached
    consents.add_consent(database, cid, DocumentSource.HOSPITAL, consent_input(dt.date(2025, 9, 1)), TODAY)
    for item_id in ("statusattest_lae125", "sof_oplysninger", "hospital_journal"):
        doc.set_state(database, cid, item_id, "", DocumentState.MODTAGET, on=dt.date(2026, 2, 2), today=TODAY)
    doc.set_on_paper(database, cid, "hospital_journal", "", "Journalen er kun på papir", today=TODAY)
    pages, body = _make(database, cid)
    cover = flat(pages[0])
    assert (
        "2 modtagne dokumenter er ikke vedlagt: Statusattest LÆ 125 fra egen læge; "
        "Oplysninger fra Socialforvaltningen (SOF)." in cover
    )
    section = body[body.index("5. Dokumentation Regelpakke") :]
    row = section[section.index("Statusattest LÆ 125 fra egen læge") :]
    assert row.index("Ikke vedlagt") < row.index("Journaloplysninger")
    assert "På papir: Journalen er kun på papir" in section
    assert "Bilag 1" in section[section.index("Lægeattest LÆ 265") :]

    doc.set_on_paper(database, cid, "sof_oplysninger", "", "Sendt med posten", today=TODAY)
    cover = _cover(database, cid)
    assert "1 modtaget dokument er ikke vedlagt: Statusattest LÆ 125 fra egen læge." in cover


def test_without_appendices_the_cover_says_so(database: Database) -> None:
    cid = add_case(database, "Nguyễn Thị", "Ánh", CPR_ANH)
    cover = _cover(database, cid, include_appendices=False)
    assert "Til rehabiliteringsteamet · uden bilag" in cover and "med bilag" not in cover
    with database.transaction() as session:
        session.get(Citizen, cid).aim = Aim.FOERTIDSPENSION  # type: ignore[union-attr]
    doc.set_pension_without_team(database, cid, True, "Terminal sygdom", today=TODAY)
    cover = _cover(database, cid, include_appendices=False)
    assert "afgøres uden rehabiliteringsteamet · uden bilag" in cover and "med bilag" not in cover


# --- wording --------------------------------------------------------------------------------------


def test_overdue_requests_in_singular_and_plural(database: Database) -> None:
    cid = add_case(database, "Nguyễn Thị", "Ánh", CPR_ANH)  # one request overdue
    consents.add_consent(database, cid, DocumentSource.HOSPITAL, consent_input(dt.date(2025, 9, 1)), TODAY)
    cover = _cover(database, cid)
    assert "1 anmodning er forsinket." in cover and "anmodning(er)" not in cover
    doc.set_state(
        database,
        cid,
        "hospital_journal",
        "",
        DocumentState.ANMODET,
        on=dt.date(2026, 1, 5),
        requested_from="Hvidovre Hospital",
        expected_by=dt.date(2026, 2, 1),
        today=TODAY,
    )
    assert "2 anmodninger er forsinket." in _cover(database, cid)


def test_the_bilag_table_header_fits(database: Database) -> None:
    cid = add_case(database, "Nguyễn Thị", "Ánh", CPR_ANH)
    data, info = make(database, cid)
    listing = PdfReader(io.BytesIO(data)).pages[info.pages - 5].extract_text()
    assert "Modtagne dokumenter, vedlagt" in listing
    assert re.search(r"\bSider\n", listing) and not re.search(r"Side\s+r\b", listing), listing
