"""One dossier per reader, by data minimisation (issue 17): what each reader's PDF holds and does
not hold, read back with pypdf (the CPR number in every spelling, a diagnosis from a health note,
the LÆ 265, SOF's information and its file); the cover names the recipient and what was left out;
the running header, the bilag stamp and the file's properties follow the reader; the audit log
says who it was for; the reader file is read strictly; the command line's --modtager."""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
from pathlib import Path

import pytest
from pypdf import PdfReader

from db.enums import CvKind, PeriodBenefit
from db.session import Database, create_database
from jobraad.case_history import BenefitPeriodInput, CvEntryInput, save_benefit_periods, save_cv
from jobraad.case_texts import save_case_texts
from jobraad.cli import PASSPHRASE_ENV, main
from jobraad.dossier import DossierOptions, build_dossier, reader_choices
from jobraad.dossier.appendices import read_appendices
from jobraad.dossier.gather import gather
from jobraad.dossier.readers import PARTS, Reader, parse_readers, reader, readers
from jobraad.dossier.story import Para, compose
from jobraad.errors import UserFacingError
from jobraad.rule_files import RuleFileError, parse_rule_file
from tests.conftest import PASSPHRASE, assert_no_personal_data, cpr_spellings
from tests.helpers import audit_log
from tests.jobraad.test_dossier import CPR_ANH, CPR_SUKRU, TODAY, add_case, flat, outline_titles, page_texts

NAME = "Nguyễn Thị Ánh"
BIRTH = "01-01-1962"
DIAGNOSIS = "Kroniske lændesmerter"  # the sundhedskoordinator's note
HEALTH_TEXT = "Kroniske rygsmerter siden 2015."  # the caseworker's section on health
LAE265 = "Lægeattest LÆ 265"
SOF = "Oplysninger fra Socialforvaltningen"
SOF_FILE = "BILAGSTEKST-4"  # the text of SOF's attached file
LAE265_FILE = "BILAGSTEKST-1"
BENEFIT = "Ressourceforløbsydelse"  # a benefit period
CV = "Systue i Hanoi"
ASSESSMENT = "Arbejdsevnen er varigt og væsentligt nedsat."
REMARKS = "Jeg vil gerne prøve flere timer."


@pytest.fixture
def anh(database: Database) -> int:
    cid = add_case(database, "Nguyễn Thị", "Ánh", CPR_ANH, received=5)  # LÆ 265, …, SOF (4th), SUF
    save_benefit_periods(database, cid, [BenefitPeriodInput(PeriodBenefit.RESSOURCEFORLOEB, dt.date(2023, 1, 2))])
    save_cv(database, cid, [CvEntryInput(CvKind.JOB, "Syerske", CV, 1982, 1994)])
    save_case_texts(database, cid, {"borgerens_bemaerkninger": REMARKS}, today=TODAY)
    return cid


def _dossier(database: Database, cid: int, reader_key: str) -> tuple[bytes, str]:
    buffer = io.BytesIO()
    build_dossier(database, cid, buffer, today=TODAY, options=DossierOptions(reader=reader_key))
    data = buffer.getvalue()
    return data, flat("\n".join(page_texts(data)))


def _properties(data: bytes) -> str:
    meta = PdfReader(io.BytesIO(data)).metadata
    assert meta is not None
    return " ".join(str(meta.get(key, "")) for key in ("/Title", "/Subject", "/Author", "/Keywords"))


def test_the_team_gets_everything(database: Database, anh: int) -> None:
    data, text = _dossier(database, anh, "team")
    for present in (NAME, DIAGNOSIS, HEALTH_TEXT, LAE265, SOF, SOF_FILE, LAE265_FILE, BENEFIT, CV, ASSESSMENT, REMARKS):
        assert present in text, present
    assert "010162-1233" in text
    assert "Udeladt" not in text
    assert_no_personal_data(_properties(data), CPR_ANH, NAME)


def test_the_employer_gets_the_placement_and_nothing_about_health(database: Database, anh: int) -> None:
    data, text = _dossier(database, anh, "virksomhed")
    cover = flat(page_texts(data)[0])
    assert cover.startswith("Oplysninger til virksomheden om praktikken Til: Virksomheden")
    assert NAME in cover
    assert "Udeladt af hensyn til dataminimering: CPR-nummer, fødselsdato og alder," in cover
    assert "helbredsoplysninger" in cover and "lægeattester (LÆ-blanketter)" in cover and "bilag." in cover
    # The placement: who, the agreed hours and tasks, the skånehensyn, the hours as registered.
    for present in ("Genbrug Ærø", "Planlagte timer pr. uge 10", "Sortering af tøj", "Ingen løft over 10 kg"):
        assert present in text, present
    assert "uge 32, 2025" in text
    # No CPR number (every page: the running header too), no birth date, no health, no LÆ, no SOF/SUF
    # (only their names in the list of what was left out).
    omitted = f"Udeladt af hensyn til dataminimering: {', '.join(reader('virksomhed').left_out)}."
    assert omitted in cover
    text = text.replace(omitted, "")
    assert_no_personal_data(text, CPR_ANH, BIRTH, DIAGNOSIS, HEALTH_TEXT, "LÆ 265", "LÆ 125", SOF, "SOF", "SUF")
    for absent in (SOF_FILE, LAE265_FILE, BENEFIT, CV, ASSESSMENT, REMARKS, "Funktionsbegrænsninger", "Signaler"):
        assert absent not in text, absent
    assert not [t for t, _ in outline_titles(PdfReader(io.BytesIO(data))) if t.startswith("Bilag")]
    assert_no_personal_data(_properties(data), CPR_ANH, NAME)


def test_the_citizen_gets_their_own_copy_in_plain_headings(database: Database, anh: int) -> None:
    data, text = _dossier(database, anh, "borger")
    cover = flat(page_texts(data)[0])
    assert cover.startswith("Din kopi af sagen Til: Borgeren")
    assert "Det her er din egen kopi" in cover
    for present in (NAME, "010162-1233", DIAGNOSIS, HEALTH_TEXT, LAE265, SOF, BENEFIT, CV, ASSESSMENT, REMARKS):
        assert present in text, present
    for heading in ("Dine bemærkninger", "Dit helbred og dine skånehensyn", "Dine praktikker og timer"):
        assert heading in text, heading
    # No internal status lists or signals, and no files appended.
    for absent in ("Ikke klar", "Mangler:", "Signaler", SOF_FILE, LAE265_FILE):
        assert absent not in text, absent
    assert "Udeladt af hensyn til dataminimering: status for dokumentationen" in cover


def test_the_sundhedskoordinator_gets_health_and_function(database: Database, anh: int) -> None:
    data, text = _dossier(database, anh, "sundhedskoordinator")
    pages = page_texts(data)
    assert flat(pages[0]).startswith("Oplysninger til sundhedskoordinatoren Til: Sundhedskoordinatoren · med bilag")
    for present in (NAME, "010162-1233", DIAGNOSIS, HEALTH_TEXT, LAE265, LAE265_FILE, "Ingen løft over 10 kg"):
        assert present in text, present
    assert "Uge for uge" in text  # the functional picture from the placement
    # Only the health documents' files: not SOF's, SUF's.
    for absent in (SOF, SOF_FILE, "BILAGSTEKST-5", BENEFIT, CV, ASSESSMENT, REMARKS, "Registrerede samtykker"):
        assert absent not in text, absent
    assert any("Bilag 1: Lægeattest LÆ 265" in p for p in pages)


@pytest.mark.parametrize("key", ["team", "virksomhed", "borger", "sundhedskoordinator"])
def test_the_audit_log_says_who_it_was_for(database: Database, anh: int, key: str) -> None:
    before = len(audit_log(database))
    _dossier(database, anh, key)
    assert audit_log(database)[before:] == [("udskrift", anh, f"dossier (modtager: {key})")]


def test_an_unknown_reader_is_refused_before_any_work(database: Database, anh: int, tmp_path: Path) -> None:
    before = len(audit_log(database))
    target = tmp_path / "sag.pdf"
    with pytest.raises(UserFacingError, match=r"Ukendt modtager «chefen»\. Vælg en af: team, virksomhed, borger"):
        build_dossier(database, anh, target, today=TODAY, options=DossierOptions(reader="chefen"))
    assert not target.exists() and len(audit_log(database)) == before


# --- the parts are data, and each of them is used -----------------------------------------------


def test_the_readers_are_the_four_with_the_team_first_and_getting_everything() -> None:
    assert [key for key, _ in reader_choices()] == ["team", "virksomhed", "borger", "sundhedskoordinator"]
    assert reader("team").parts == frozenset(PARTS)
    assert reader("team").left_out == []
    assert not reader("virksomhed").gets("cpr") and not reader("virksomhed").gets("health_notes")
    assert all(r.source and r.status in ("bekræftet", "foreløbig") for r in readers())


def _without(reader_: Reader, part: str) -> Reader:
    return dataclasses.replace(reader_, parts=reader_.parts - {part})


def test_every_part_decides_something(database: Database, anh: int) -> None:
    """Each part, taken away from the team, takes something away from the dossier (beyond its
    name in the cover's list of what was left out): no part is a name without effect."""

    def said(for_reader: Reader) -> list[object]:
        data = gather(database, anh, TODAY, None, True, for_reader)
        document = compose(data, read_appendices(data.appendix_files))
        return [
            e for e in document.elements if not (isinstance(e, Para) and e.markup.startswith("<b>Udeladt af hensyn"))
        ] + [document.header, document.stamp]

    team = reader("team")
    everything = said(team)
    for part in PARTS:
        assert said(_without(team, part)) != everything, part


def test_without_the_cpr_part_no_header_or_stamp_has_it(database: Database, anh: int) -> None:
    """The running header and the stamp on each bilag page follow the reader, bilag or not."""
    for_reader = _without(reader("team"), "cpr")
    data = gather(database, anh, TODAY, None, True, for_reader)
    appendices = read_appendices(data.appendix_files)
    document = compose(data, appendices)
    assert len(appendices) == 5
    assert NAME in document.header[0] and NAME in document.stamp
    assert_no_personal_data(" ".join((*document.header, document.stamp)), CPR_ANH)
    assert "CPR" in compose(gather(database, anh, TODAY, None, True, reader("team")), appendices).stamp


_GOOD = """format = 1
[[readers]]
key = "team"
label = "Teamet"
recipient = "Teamet"
parts = ["cpr"]
source = "kilde"
status = "bekræftet"
"""


@pytest.mark.parametrize(
    ("change", "problem"),
    [
        (('parts = ["cpr"]', 'parts = ["cpr", "diagnoser"]'), ", [[readers]] nr. 1 («team»): ukendt del «diagnoser»"),
        (('parts = ["cpr"]', 'parts = ["cpr", "cpr"]'), ", [[readers]] nr. 1 («team»): en del står flere gange"),
        (('parts = ["cpr"]', "parts = []"), ", [[readers]] nr. 1 («team»): «parts» skal være en liste med mindst én"),
        (('key = "team"', 'key = "borger"'), ": den første modtager skal være «team»."),
        (('recipient = "Teamet"\n', ""), ", [[readers]] nr. 1: «recipient» mangler."),
        (('status = "bekræftet"', 'status = "måske"'), ", [[readers]] nr. 1: ukendt værdi «måske» for «status»"),
        (('label = "Teamet"', 'label = "Teamet"\nmodtager = "x"'), ", [[readers]] nr. 1: ukendt nøgle «modtager»"),
    ],
)
def test_the_reader_file_is_read_strictly(change: tuple[str, str], problem: str) -> None:
    text = _GOOD.replace(*change)
    with pytest.raises(RuleFileError) as info:
        parse_readers(parse_rule_file(text, "dossier_readers.toml", required=("readers",)))
    assert str(info.value).startswith("Regelfilen dossier_readers.toml" + problem), str(info.value)
    assert [r.key for r in parse_readers(parse_rule_file(_GOOD, "x.toml", required=("readers",)))] == ["team"]


# --- the command line ---------------------------------------------------------------------------


@pytest.fixture
def cli_db(db_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv(PASSPHRASE_ENV, PASSPHRASE)
    database = create_database(db_path, PASSPHRASE)
    try:
        add_case(database, "Şükrü", "Ağaoğlu", CPR_SUKRU, weeks=3, received=2)
    finally:
        database.close()
    return db_path


def test_cli_makes_the_dossier_for_the_reader(cli_db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "virksomhed.pdf"
    assert main(["dossier", "150358-1235", "--db", str(cli_db), "-o", str(out), "--modtager", "virksomhed"]) == 0
    text = flat("\n".join(page_texts(out.read_bytes())))
    assert "Şükrü Ağaoğlu" in text and "Til: Virksomheden" in text
    for spelling in cpr_spellings(CPR_SUKRU):
        assert spelling not in text
    assert "Dossieret til virksomheden er gemt" in capsys.readouterr().out
    team = tmp_path / "team.pdf"
    assert main(["dossier", "150358-1235", "--db", str(cli_db), "-o", str(team)]) == 0  # the team by default
    assert "150358-1235" in flat(page_texts(team.read_bytes())[0])


def test_cli_refuses_an_unknown_reader_in_danish(
    cli_db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "sag.pdf"
    assert main(["dossier", "150358-1235", "--db", str(cli_db), "-o", str(out), "--modtager", "chefen"]) == 2
    err = capsys.readouterr().err
    assert "Ukendt modtager «chefen». Vælg en af: team, virksomhed, borger, sundhedskoordinator." in err
    assert not out.exists()
