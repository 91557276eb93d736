"""The citizen's own plan ("Min plan"), read back with pypdf: the headings, the goals in the
citizen's words, what is agreed now and coming (not what is over), the next meetings, the
caseworker as contact ("ikke angivet" where a setting is empty); large type; no CPR number, no
health information; the headings in the citizen's language with the Danish under them, Arabic
left out rather than printed unreadable; at most two pages for every case of a demo caseload;
the audit entry; the translations file read strictly; the command line."""

from __future__ import annotations

import datetime as dt
import io
import re
import unicodedata
from pathlib import Path

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from db.enums import ActivityKind, Aim, HealthNoteKind, MeetingKind, PlacementKind, VisitationGroup
from db.files import OutputRefusedError
from db.models import Citizen
from db.session import Database, create_database
from jobraad import audit
from jobraad.case_texts import save_case_texts
from jobraad.citizens import CitizenInput, CitizenNotFound, create_citizen
from jobraad.cli import PASSPHRASE_ENV, main
from jobraad.demo import generate_demo
from jobraad.health import HealthNoteInput, add_health_note
from jobraad.min_plan import (
    BODY_SIZE,
    HEADINGS,
    PlanInfo,
    build_plan,
    language_for,
    parse_plan_words,
    plan_languages,
    plan_words,
)
from jobraad.placements import PlacementInput, add_placement
from jobraad.records import ActivityInput, MeetingInput, add_activity, add_meeting, set_goal_reached
from jobraad.rule_files import RuleFileError, parse_rule_file
from jobraad.settings import set_settings
from tests.conftest import PASSPHRASE, cpr_spellings
from tests.helpers import audit_log

TODAY = dt.date(2026, 3, 2)  # a Monday
START = dt.date(2026, 1, 5)  # the forløb began
CPR = "0101621233"
NAME = "Şükrü Ağaoğlu"
WISH = "Jeg vil gerne arbejde i et køkken."
DIAGNOSIS = "Kroniske lændesmerter"  # the sundhedskoordinator's note
HEALTH_TEXT = "Rygsmerter siden 2015."  # the caseworker's section on health
SKAANE = "Må ikke løfte over 10 kg"  # a skånehensyn on the placement
SMERTESKOLE = "Smerteskole på Amager Hospital"  # the title of a health offer


def _case(database: Database, *, language: str = "", cpr_digits: str = CPR) -> int:
    """A gruppe 1 citizen with two goals reached, a current and an ended activity, a health
    offer, a running placement, a meeting past and two coming, and health information."""
    cid = create_citizen(
        database,
        CitizenInput(
            "Şükrü", "Ağaoğlu", cpr_digits, language=language, group=VisitationGroup.GRUPPE_1, forloeb_start=START
        ),
    )
    set_goal_reached(database, cid, "cv", dt.date(2026, 2, 20))
    save_case_texts(database, cid, {"egne_oensker": WISH, "helbred": HEALTH_TEXT}, today=TODAY)
    add_activity(database, cid, ActivityInput(ActivityKind.JOBDANSK, "Jobdansk modul 3", "Sprogcenter Nord", TODAY))
    add_activity(
        database,
        cid,
        ActivityInput(ActivityKind.WORKSHOP_CV, "CV-værksted", "", dt.date(2025, 11, 3), dt.date(2025, 11, 28)),
    )
    add_activity(database, cid, ActivityInput(ActivityKind.SUNDHEDSTILBUD_SUF, SMERTESKOLE, "SUF", TODAY))
    add_placement(
        database,
        cid,
        PlacementInput(
            PlacementKind.VIRKSOMHEDSPRAKTIK,
            "Café Solsort",
            dt.date(2026, 2, 16),
            planned_hours_per_week=12,
            contact_person="Ditte Kjær",
            contact_phone="27 05 05 38",
            tasks="Opvask og anretning",
            planned_end=dt.date(2026, 5, 15),
            skaanehensyn=[SKAANE],
        ),
        prefill=False,
    )
    add_health_note(
        database,
        cid,
        HealthNoteInput(dt.date(2026, 1, 10), HealthNoteKind.HELBREDSGENNEMGANG, conditions=DIAGNOSIS),
    )
    add_meeting(database, cid, MeetingInput(MeetingKind.SAMTALE, dt.datetime(2026, 2, 2, 9, 0), "Jobcenter Amager"))
    add_meeting(database, cid, MeetingInput(MeetingKind.SAMTALE, dt.datetime(2026, 3, 9, 10, 0), "Jobcenter Amager"))
    add_meeting(database, cid, MeetingInput(MeetingKind.TREPARTSSAMTALE, dt.datetime(2026, 4, 1, 13, 30)))
    return cid


def _caseworker(database: Database, name: str = "Mette Holm", phone: str = "33 66 33 66", mail: str = "") -> None:
    set_settings(
        database,
        {
            "caseworker_name": name,
            "caseworker_phone": phone,
            "caseworker_email": mail,
            "jobcenter_name": "Jobcenter København",
        },
    )


def _plan(database: Database, cid: int) -> tuple[str, PlanInfo, bytes]:
    out = io.BytesIO()
    info = build_plan(database, cid, out, today=TODAY)
    data = out.getvalue()
    reader = PdfReader(io.BytesIO(data))
    return _text(reader), info, data


def _text(reader: PdfReader) -> str:
    """The pages' text as one line, without the footer (which pypdf reads first on each page)."""
    lines = [
        line
        for page in reader.pages
        for line in unicodedata.normalize("NFC", page.extract_text()).splitlines()
        if not re.fullmatch(r"Min plan fra .* · udskrevet \d\d-\d\d-\d{4}|Side \d+", line.strip())
    ]
    return " ".join(" ".join(lines).split())


def test_the_plan_has_goals_agreements_next_meetings_and_contact(database: Database) -> None:
    _caseworker(database, mail="mette.holm@kk.dk")
    text, info, _ = _plan(database, _case(database))
    assert info.pages <= 2 and info.language == "dansk" and info.note == ""
    for heading in ("Min plan", "Mine mål", "Det har vi aftalt", "Praktik og arbejde", "Mine næste møder"):
        assert heading in text, heading
    assert NAME in text
    # Goals: the citizen's own words, and the group's goals in plain words, the reached one dated.
    assert WISH in text
    assert "Et CV, der viser, hvad du kan – nået 20-02-2026" in text
    assert "Et job – også et job med få timer om ugen" in text
    # What is agreed now; not the workshop that ended in November.
    assert "Jobdansk modul 3" in text and "Hos Sprogcenter Nord" in text
    assert "CV-værksted" not in text
    assert "Virksomhedspraktik hos Café Solsort" in text and "Cirka 12 timer om ugen" in text
    assert "Fra 16-02-2026 til 15-05-2026" in text
    assert "Kontaktperson på arbejdspladsen: Ditte Kjær, telefon 27 05 05 38" in text
    # The next meetings, soonest first; not the one in February.
    assert "Mandag 09-03-2026 kl. 10:00 Samtale med din jobrådgiver Sted: Jobcenter Amager" in text
    assert text.index("09-03-2026") < text.index("Onsdag 01-04-2026 kl. 13:30")
    assert "02-02-2026" not in text
    # The caseworker, from the settings.
    assert "Din jobrådgiver: Mette Holm Telefon 33 66 33 66 Mail mette.holm@kk.dk" in text
    assert "Jobcenter København" in text


def test_no_cpr_number_and_no_health_information(database: Database) -> None:
    _caseworker(database)
    text, _, data = _plan(database, _case(database))
    for spelling in cpr_spellings(CPR):
        assert spelling not in text
        assert spelling.encode() not in data
    for health in (DIAGNOSIS, HEALTH_TEXT, SKAANE, SMERTESKOLE, "Amager Hospital"):
        assert health not in text, health
    assert "Et tilbud fra sundhedsområdet" in text  # the offer is there, by its kind only
    meta = PdfReader(io.BytesIO(data)).metadata
    assert meta is not None and meta.title == "Min plan" and "Şükrü" not in str(dict(meta))


def test_the_type_is_large(database: Database) -> None:
    _caseworker(database)
    _, _, data = _plan(database, _case(database))
    sizes: list[float] = []

    def visit(text: str, _cm: object, tm: list[float], _font: object, size: float) -> None:
        if text.strip():
            sizes.append(size * tm[0])

    page = PdfReader(io.BytesIO(data)).pages[0]
    page.extract_text(visitor_text=visit)  # type: ignore[arg-type]
    body = [s for s in sizes if s > 9]  # all but the small footer
    assert min(body) >= BODY_SIZE
    assert len(body) > 0.9 * len(sizes)


@pytest.mark.parametrize(("aim", "team_goal"), [(Aim.FLEKSJOB, True), (Aim.REVALIDERING, False)])
def test_a_case_decided_without_the_team_does_not_aim_at_the_team(
    database: Database, aim: Aim, team_goal: bool
) -> None:
    cid = create_citizen(
        database,
        CitizenInput("Åse", "Bønnelykke", "1503581235", aim=aim, group=VisitationGroup.GRUPPE_3, forloeb_start=START),
    )
    text, _, _ = _plan(database, cid)
    assert "At du får svar i din sag (en afgørelse)" in text
    assert ("At din sag bliver drøftet i rehabiliteringsteamet" in text) is team_goal


def test_empty_settings_and_an_empty_case_say_so(database: Database) -> None:
    cid = create_citizen(database, CitizenInput("Åse", "Bønnelykke", "1503581235", forloeb_start=TODAY))
    text, _, _ = _plan(database, cid)
    assert "Din jobrådgiver: ikke angivet" in text
    assert "Der er ikke aftalt nogen aktiviteter lige nu." in text
    assert "Du er ikke i praktik eller job gennem jobcentret lige nu." in text
    assert "Der er ikke aftalt et nyt møde endnu." in text
    _caseworker(database, phone="")
    text, _, _ = _plan(database, cid)
    assert "Din jobrådgiver: Mette Holm Telefon og mail ikke angivet" in text


def test_english_headings_with_the_danish_under_them(database: Database) -> None:
    _caseworker(database)
    text, info, _ = _plan(database, _case(database, language="Engelsk"))
    for english, danish in (
        ("My plan", "Min plan"),
        ("My goals", "Mine mål"),
        ("What we have agreed", "Det har vi aftalt"),
        ("My next meetings", "Mine næste møder"),
        ("My contact at the job centre", "Min kontakt på jobcentret"),
    ):
        assert f"{english} {danish}" in text
    assert info.language == "engelsk"
    assert "foreløbig" in info.note and "translatør" in info.note


def test_arabic_is_left_out_rather_than_printed_unreadable(database: Database) -> None:
    text, info, _ = _plan(database, _case(database, language="arabisk"))
    assert info.language == "dansk"
    assert "arabisk skrift kan endnu ikke skrives korrekt" in info.note
    assert "Mine mål" in text
    assert not any(unicodedata.bidirectional(ch) in ("R", "AL") for ch in text)


@pytest.mark.parametrize(
    ("field", "language", "note"),
    [
        ("", None, ""),
        ("dansk", None, ""),
        ("tyrkisk", "tyrkisk", "foreløbig"),
        ("Polsk / engelsk", "polsk", "foreløbig"),
        ("tigrinya", None, "Der er ingen oversættelse til «tigrinya» endnu"),
        ("farsi", None, "arabisk skrift"),
    ],
)
def test_the_language_field_finds_its_translation(field: str, language: str | None, note: str) -> None:
    found, said = language_for(field)
    assert (found.label if found else None) == language
    assert note in said


def test_every_case_of_a_demo_caseload_fits_on_two_pages_without_its_cpr(tmp_path: Path) -> None:
    database = create_database(tmp_path / "demo.jobraad", PASSPHRASE)
    pages: list[int] = []
    try:
        generate_demo(database, citizens=24, seed=1, today=TODAY)
        with database.reading() as session:
            citizens = session.execute(select(Citizen.id, Citizen.cpr)).all()
        for cid, digits in citizens:
            out = io.BytesIO()
            pages.append(build_plan(database, cid, out, today=TODAY).pages)
            text = _text(PdfReader(out))
            assert not [s for s in cpr_spellings(digits) if s in text], cid
    finally:
        database.close()
    assert len(pages) == 24
    assert max(pages) <= 2
    assert 2 in pages  # full cases do reach a second page: the test measures something


def test_making_the_plan_is_logged_and_a_refused_file_logs_nothing(database: Database, tmp_path: Path) -> None:
    cid = _case(database)
    before = len(audit_log(database))
    out = tmp_path / "plan.pdf"
    build_plan(database, cid, out, today=TODAY)
    assert audit_log(database)[before:] == [(audit.Action.PRINT, cid, "min plan")]
    assert PdfReader(out).pages
    with pytest.raises(OutputRefusedError, match="Filen findes allerede"):
        build_plan(database, cid, out, today=TODAY)  # an existing file is not replaced without asking
    assert len(audit_log(database)) == before + 1
    with pytest.raises(CitizenNotFound):
        build_plan(database, 999, io.BytesIO(), today=TODAY)


# --- the translations file ----------------------------------------------------------------------


def test_the_shipped_translations_are_provisional_and_complete() -> None:
    languages = plan_languages()
    assert languages[0].label == "dansk" and not languages[0].provisional
    printed = {lang.label: lang for lang in languages if lang.headings}
    assert {"engelsk", "tyrkisk", "polsk", "ukrainsk", "somali"} <= set(printed)
    for lang in printed.values():
        assert set(lang.headings) == set(HEADINGS)
        if lang.label != "dansk":
            assert lang.provisional, lang.label  # until a translator has checked it
    left_out = {lang.label for lang in languages if lang.left_out}
    assert "arabisk" in left_out
    assert plan_words().goals["cv"] == "Et CV, der viser, hvad du kan"


_DANISH = """[[languages]]
names = ["dansk"]
label = "dansk"
title = "Min plan"
goals = "Mine mål"
activities = "Det har vi aftalt"
placements = "Praktik og arbejde"
meetings = "Mine næste møder"
contact = "Min kontakt"
source = "test"
status = "bekræftet"
"""


def _parse(extra: str) -> None:
    text = "format = 1\n" + _DANISH + extra
    parse_plan_words(parse_rule_file(text, "test.toml", required=("languages",), optional=("goal_words",)))


@pytest.mark.parametrize(
    ("extra", "problem"),
    [
        (_DANISH.replace('label = "dansk"', 'label = "igen"'), "sproget «dansk» står flere gange"),
        (
            _DANISH.replace('"dansk"', '"arabisk"').replace('"Min plan"', '"خطتي"'),
            "skrives fra højre mod venstre",
        ),
        (_DANISH.replace('"dansk"', '"amharisk"').replace('"Min plan"', '"ዕቅዴ"'), "som skrifttypen ikke har"),
        (_DANISH.replace('"dansk"', '"engelsk"').replace('title = "Min plan"\n', ""), "«title» mangler"),
        (
            _DANISH.replace('"dansk"', '"urdu"').replace('source = "test"', 'left_out = "rtl"\nsource = "test"'),
            "et sprog med «left_out» har ingen overskrifter",
        ),
        ('[[goal_words]]\nkey = "flyve"\ntext = "x"\nsource = "s"\nstatus = "bekræftet"\n', "ukendt mål «flyve»"),
    ],
)
def test_a_bad_translations_file_is_refused_with_where_and_why(extra: str, problem: str) -> None:
    with pytest.raises(RuleFileError, match=problem):
        _parse(extra)


# --- the command line ---------------------------------------------------------------------------


@pytest.fixture
def cli_db(db_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv(PASSPHRASE_ENV, PASSPHRASE)
    database = create_database(db_path, PASSPHRASE)
    try:
        _case(database, language="engelsk")
        _caseworker(database)
    finally:
        database.close()
    return db_path


def test_cli_writes_the_plan(cli_db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "plan.pdf"
    assert main(["plan", "010162-1233", "--db", str(cli_db), "-o", str(out)]) == 0
    pages = PdfReader(out).pages
    text = _text(PdfReader(out))
    assert "My plan Min plan" in text and NAME in text and "Mette Holm" in text
    printed = capsys.readouterr().out
    assert f"Planen er gemt: {out} ({len(pages)} sider)." in printed
    assert "Overskrifterne er på engelsk med dansk under. Oversættelsen er foreløbig" in printed


def test_cli_refuses_bad_input_with_a_danish_message_and_exit_2(
    cli_db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "plan.pdf"
    assert main(["plan", "010101-1234", "--db", str(cli_db), "-o", str(out)]) == 2
    assert "Der er ingen borger med CPR-nummer 010101-1234 i sagsstammen." in capsys.readouterr().err
    assert main(["plan", "010162-1233", "--db", str(cli_db), "-o", str(tmp_path / "plan.txt")]) == 2
    assert "Outputfilen skal ende på .pdf" in capsys.readouterr().err
    assert not out.exists()
