"""The rehabiliteringsteam dossier, read back with pypdf: the sections in order,
names exactly as written, "Side X af Y" over the whole file, the checklist rows and
what is missing, the appendices and their bookmarks, the embedded font, a bare case,
the command line, the audit entry, and how long it takes."""

from __future__ import annotations

import datetime as dt
import io
import re
import time
import unicodedata
from pathlib import Path
from typing import Any

import pytest
from PIL import Image
from pypdf import PdfReader, PdfWriter
from pypdf.generic import DictionaryObject
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import PageBreak, Paragraph
from sqlalchemy import select

from db.enums import (
    AbsenceReason,
    ActivityKind,
    Aim,
    ContactKind,
    DocumentSource,
    DocumentState,
    HealthNoteKind,
    MeetingKind,
    PlacementKind,
    VisitationGroup,
)
from db.errors import StorageError
from db.models import AuditEntry, Citizen
from db.session import Database, create_database
from jobraad import audit, consents, pdf
from jobraad import documentation as doc
from jobraad.attachments import add_attachment_bytes
from jobraad.case_texts import SECTION_TITLES, save_case_texts
from jobraad.citizens import CitizenInput, CitizenNotFound, create_citizen
from jobraad.cli import PASSPHRASE_ENV, main
from jobraad.dossier import DossierOptions, build_dossier, find_citizen_by_cpr
from jobraad.dossier.story import NO_PLACEMENTS, NOT_DESCRIBED
from jobraad.errors import UserFacingError
from jobraad.health import ContactInput, HealthNoteInput, add_contact, add_health_note
from jobraad.placements import HoursInput, PlacementInput, add_placement, extend_placement, save_weeks
from jobraad.records import ActivityInput, MeetingInput, add_activity, add_meeting
from jobraad.vocab import DOCUMENT_STATE_LABELS
from tests.conftest import PASSPHRASE
from tests.helpers import consent_input

TODAY = dt.date(2026, 3, 2)  # a Monday, inside the BEK 47/2026 pack's period
START = dt.date(2025, 8, 4)  # Monday of ISO week 32, 2025
CPR_ANH = "0101621233"
CPR_SUKRU = "1503581235"

RECEIVED = ("lae265", "sundhedskoordinator", "statusattest_lae125", "sof_oplysninger", "suf_oplysninger")

HEADINGS = [
    "1. Forberedende del",
    *(
        f"1.{n} {SECTION_TITLES[key]}"
        for n, key in enumerate(
            (
                "uddannelse_cv",
                "ressourcer_netvaerk",
                "udfordringer",
                "egne_oensker",
                "helbred",
                "helbred_arbejde",
                "forsoergelse",
                "indsatser",
            ),
            start=1,
        )
    ),
    "2. Borgerens bemærkninger",
    "3. Sundhedskoordinatorens notater og skånehensyn",
    "4. Progression i virksomhedsplacering",
    "5. Dokumentation",
    "6. Jobcentrets vurdering og forslag",
    "6.1 Jobcentrets vurdering",
    "6.2 Jobcentrets forslag til indstilling",
    "6.3 Betingelser for fleksjob",
    "6.4 Spørgsmål til teamet",
    "Bilag",
]
JOBCENTER = HEADINGS[-6]


# --- making cases ---------------------------------------------------------------------


def small_pdf(marker: str, pages: int = 1) -> bytes:
    """A PDF such as a GP might send, written in the embedded font (so the test can
    tell that the dossier itself adds no Helvetica)."""
    pdf.register_fonts()
    buffer = io.BytesIO()
    canvas = Canvas(buffer, initialFontName=pdf.FONT)  # type: ignore[arg-type]  # the stubs say a number
    for n in range(pages):
        canvas.setFont(pdf.FONT, 12)
        canvas.drawString(72, 760, f"{marker} side {n + 1}")
        canvas.showPage()
    canvas.save()
    return buffer.getvalue()


def small_png() -> bytes:
    buffer = io.BytesIO()
    image = Image.new("RGB", (300, 420), "white")
    image.paste((40, 40, 40), (30, 30, 270, 60))
    image.save(buffer, format="PNG")
    return buffer.getvalue()


def _extend(database: Database, pid: int, end: dt.date) -> None:
    """Extend the praktik started on START to `end` as LAB § 61 allows: to 26 weeks after a konkret
    vurdering, then by a helt særligt behov decided near the end of the 26 weeks."""
    if end > START + dt.timedelta(weeks=13):
        to = min(end, START + dt.timedelta(weeks=26))
        extend_placement(
            database,
            pid,
            decided_on=dt.date(2025, 10, 27),
            extended_to=to,
            reason="Afklaring af arbejdsevnen",
            today=TODAY,
        )
    if end > START + dt.timedelta(weeks=26):
        extend_placement(
            database,
            pid,
            decided_on=dt.date(2026, 1, 19),
            extended_to=end,
            reason="Dokumentation til teamet",
            today=TODAY,
        )


def add_case(
    database: Database,
    first: str,
    last: str,
    cpr_digits: str,
    *,
    weeks: int = 12,
    received: int = 3,
    meeting: bool = True,
) -> int:
    """A gruppe 3 fleksjob case with texts, health notes, an activity, one placement with
    `weeks` weeks of hours, `received` received documents with a PDF each (the first of
    two pages), a request that is overdue, and a coming rehabiliteringsteam meeting."""
    cid = create_citizen(
        database,
        CitizenInput(
            first,
            last,
            cpr_digits,
            aim=Aim.FLEKSJOB,
            group=VisitationGroup.GRUPPE_3,
            forloeb_start=START,
            language="vietnamesisk",
            interpreter_needed=True,
            support_years_last10=9,
        ),
    )
    save_case_texts(
        database,
        cid,
        {
            "uddannelse_cv": "Gymnasium i Hanoi. Syerske i 12 år.\nRengøring i Danmark 2008–2014.",
            "udfordringer": "Sproget & <bureaukratiet> er svært.",
            "egne_oensker": "Vil gerne arbejde med tøj.",
            "helbred": "Kroniske rygsmerter siden 2015.",
            "vurdering": "Arbejdsevnen er varigt og væsentligt nedsat.",
            "indstilling": "Fleksjob med 10 timer om ugen.",
        },
        today=START,  # written as the forløb began: the case's first documentation step
    )
    add_activity(
        database,
        cid,
        ActivityInput(
            ActivityKind.JOBDANSK,
            "Jobdansk modul 2",
            "Sprogcenter Nord",
            START,
            START + dt.timedelta(weeks=8),
            "Bestået",
        ),
    )
    add_health_note(
        database,
        cid,
        HealthNoteInput(
            note_date=dt.date(2025, 10, 1),
            kind=HealthNoteKind.HELBREDSGENNEMGANG,
            coordinator="Læge Łucja Wąsik",
            conditions="Kroniske lændesmerter.",
            functional_limits="Kan stå 30 minutter ad gangen.",
            skaanehensyn=["Ingen løft over 10 kg", "Pause hver time"],
            recommendations="Gradvis optrapning.",
        ),
    )
    add_contact(database, cid, ContactInput(ContactKind.EGEN_LAEGE, "Lægerne på Amagerbrogade", "Læge Søren Ærø"))
    if weeks:
        pid = add_placement(
            database,
            cid,
            PlacementInput(
                kind=PlacementKind.VIRKSOMHEDSPRAKTIK,
                employer_name="Genbrug Ærø",
                start_date=START,
                planned_end=START + dt.timedelta(weeks=min(weeks, 13), days=-3),
                planned_hours_per_week=10,
                tasks="Sortering af tøj",
            ),
        )
        _extend(database, pid, START + dt.timedelta(weeks=weeks, days=-3))
        rows = []
        for n in range(weeks):
            year, week, _ = (START + dt.timedelta(weeks=n)).isocalendar()
            sick = n == 5
            rows.append(
                HoursInput(
                    year,
                    week,
                    planned=10,
                    attended=0 if sick else 6 + (n % 4) * 0.5,
                    absence=10 if sick else 0,
                    absence_reason=AbsenceReason.SYGDOM if sick else None,
                    observation="Arbejder omhyggeligt." if n % 3 == 0 else "",
                )
            )
        save_weeks(database, pid, rows, today=TODAY)
    if meeting:
        add_meeting(
            database,
            cid,
            MeetingInput(MeetingKind.REHABILITERINGSTEAM, dt.datetime(2026, 3, 12, 9, 30), "Mødelokale 3"),
        )
    for source in (
        DocumentSource.EGEN_LAEGE,
        DocumentSource.SPECIALLAEGE,
        DocumentSource.SOF,
        DocumentSource.SUF,
        DocumentSource.SUNDHEDSKOORDINATOR,
    ):
        consents.add_consent(database, cid, source, consent_input(dt.date(2025, 9, 1)), TODAY)
    for n, item_id in enumerate(RECEIVED[:received]):
        doc.set_state(database, cid, item_id, "", DocumentState.MODTAGET, on=dt.date(2026, 1, 10 + n), today=TODAY)
        row = doc.ensure_item(database, cid, item_id)
        add_attachment_bytes(
            database, cid, f"{item_id}.pdf", small_pdf(f"BILAGSTEKST-{n + 1}", 2 if n == 0 else 1), row
        )
    doc.set_state(
        database,
        cid,
        "speciallaegeerklaering",
        "",
        DocumentState.ANMODET,
        on=dt.date(2026, 1, 5),
        requested_from="Speciallæge Şükrü Ağaoğlu",
        expected_by=dt.date(2026, 2, 1),
        today=TODAY,
    )
    return cid


def make(database: Database, cid: int, **kw: Any) -> tuple[bytes, Any]:
    buffer = io.BytesIO()
    info = build_dossier(database, cid, buffer, today=TODAY, **kw)
    return buffer.getvalue(), info


def page_texts(data: bytes) -> list[str]:
    reader = PdfReader(io.BytesIO(data))
    return [unicodedata.normalize("NFC", page.extract_text()) for page in reader.pages]


def flat(text: str) -> str:
    return " ".join(text.split())


def outline_titles(reader: PdfReader) -> list[tuple[str, int]]:
    found: list[tuple[str, int]] = []

    def walk(items: list[Any]) -> None:
        for item in items:
            if isinstance(item, list):
                walk(item)
            else:
                page = reader.get_destination_page_number(item)
                found.append((str(item.title), page if page is not None else -1))

    walk(reader.outline)
    return found


@pytest.fixture
def anh(database: Database) -> int:
    return add_case(database, "Nguyễn Thị", "Ánh", CPR_ANH)


# --- content ------------------------------------------------------------------------------------


def test_sections_come_in_order_after_cover_and_contents(database: Database, anh: int) -> None:
    data, info = make(database, anh)
    pages = page_texts(data)
    assert "Rehabiliteringsplanens forberedende del Til rehabiliteringsteamet · med bilag" in flat(pages[0])
    assert "Indhold" in pages[1]
    # The contents list every section with its page number.
    contents = PdfReader(io.BytesIO(data)).pages[1].extract_text(extraction_mode="layout")
    numbers = {h: int(m.group(1)) for h in HEADINGS if (m := re.search(re.escape(h) + r"[ .]+(\d+)\n", contents))}
    assert set(numbers) == set(HEADINGS)
    for heading, number in numbers.items():
        assert heading in flat(pages[number - 1]), heading
    body = flat("\n".join(pages[2 : info.pages - 4]))  # after the contents, before the four bilag pages
    cursor = 0
    for heading in HEADINGS:
        found = body.find(heading, cursor)
        assert found >= 0, f"{heading!r} missing or out of order"
        cursor = found + len(heading)
    # Each section heading once (the contents are not in `body`), so the order is the order.
    # ("5. Dokumentation" is not the end of "siden 2015. Dokumentation, …")
    assert [h for h in HEADINGS[:-1] if len(re.findall(r"(?<![\d.])" + re.escape(h), body)) != 1] == []
    assert [s for s in info.sections if not s.startswith("4.1 ")] == HEADINGS
    assert "4.1 Genbrug Ærø – Virksomhedspraktik" in info.sections


def test_cover_says_who_when_and_whether_ready(database: Database, anh: int) -> None:
    data, _ = make(database, anh)
    cover = flat(page_texts(data)[0])
    assert "Nguyễn Thị Ánh" in cover
    assert "CPR-nummer 010162-1233 · 64 år" in cover
    assert "Torsdag 12-03-2026 kl. 09:30, Mødelokale 3" in cover
    assert "Fleksjob" in cover
    # The case's first documentation step was taken on 01-09-2025 (back-dated): the pack of that day.
    assert "Rehabiliteringsteam – BEK 1708/2024 (01-01-2025 – 31-01-2026), fastlagt 04-08-2025" in cover
    assert "Jobcenter København" in cover
    assert "tolk nødvendig" in cover
    missing = doc.load_checklist(database, anh, TODAY).readiness.missing
    assert missing
    assert f"Ikke klar: {len(missing)} krævede punkter mangler" in cover


def test_a_case_under_the_samlet_beskrivelse_pack_is_printed_in_its_words(database: Database, anh: int) -> None:
    """From 1 July 2026 (lov nr. 1750) the team is replaced: the dossier says so, in the pack's words."""
    doc.set_rule_pack(database, anh, "l1750_2026", "Sagen behandles efter reformen", today=TODAY)
    data, info = make(database, anh)
    pages = page_texts(data)
    cover = flat(pages[0])
    assert cover.startswith("Samlet beskrivelse af borgerens forudsætninger Med bilag")
    assert "Sundhedsfaglig rådgivning og afgørelse" in cover
    assert "(foreløbig)" in cover and "fastlagt 02-03-2026" in cover
    assert "1. Samlet beskrivelse" in info.sections
    assert "1. Forberedende del" not in info.sections
    assert "rehabiliteringsteam" not in flat("\n".join(pages[: info.pages - 4])).lower()
    assert PdfReader(io.BytesIO(data)).metadata.title == "Samlet beskrivelse af borgerens forudsætninger"


def test_an_oplagt_foertidspension_case_says_so_on_the_cover(database: Database, anh: int) -> None:
    with database.transaction() as session:
        session.get(Citizen, anh).aim = Aim.FOERTIDSPENSION  # type: ignore[union-attr]
    doc.set_pension_without_team(database, anh, True, "Terminal sygdom", today=TODAY)
    cover = flat(page_texts(make(database, anh)[0])[0])
    assert "Oplagt sag om førtidspension – afgøres uden rehabiliteringsteamet · med bilag" in cover


def test_meeting_date_from_options_and_none(database: Database, anh: int) -> None:
    data, _ = make(database, anh, options=DossierOptions(meeting_date=dt.date(2026, 4, 9)))
    assert "Torsdag 09-04-2026" in flat(page_texts(data)[0])
    assert "kl. 09:30" not in flat(page_texts(data)[0])
    bare = create_citizen(database, CitizenInput("Jens", "Hansen", "0202701235", aim=Aim.FLEKSJOB, forloeb_start=START))
    data, _ = make(database, bare)
    assert "Møde i rehabiliteringsteamet ikke fastsat" in flat(page_texts(data)[0])


def test_names_print_exactly_as_written(database: Database, anh: int) -> None:
    sukru = add_case(database, "Şükrü", "Ağaoğlu", CPR_SUKRU, weeks=4, received=1)
    for cid, name, cpr_text in ((anh, "Nguyễn Thị Ánh", "010162-1233"), (sukru, "Şükrü Ağaoğlu", "150358-1235")):
        data, _ = make(database, cid)
        pages = page_texts(data)
        assert name in pages[0]
        # Every page says whose it is, including the stamped pages of the bilag.
        for number, text in enumerate(pages, start=1):
            assert name in text, number
            assert cpr_text in text, number
    assert "Læge Łucja Wąsik" in "\n".join(page_texts(make(database, anh)[0]))


def test_a_decomposed_name_prints_composed(database: Database) -> None:
    decomposed = unicodedata.normalize("NFD", "Ánh")
    cid = create_citizen(database, CitizenInput("Nguyễn Thị", decomposed, "0303701232", aim=Aim.FLEKSJOB))
    data, _ = make(database, cid)
    assert "Nguyễn Thị Ánh" in page_texts(data)[0]


def test_every_page_is_numbered_over_the_whole_file(database: Database, anh: int) -> None:
    data, info = make(database, anh)
    reader = PdfReader(io.BytesIO(data))
    total = len(reader.pages)
    assert info.pages == total
    pages = page_texts(data)
    assert f"Side 1 af {total}" in pages[0]
    for number, text in enumerate(pages, start=1):
        assert f"Side {number} af {total}" in text, number
        assert "Fortroligt — indeholder følsomme personoplysninger" in text, number
        assert "02-03-2026" in text or number > total - 4, number  # the print date (not stamped on bilag)


def test_empty_sections_are_said_to_be_empty(database: Database, anh: int) -> None:
    data, _ = make(database, anh)
    body = flat("\n".join(page_texts(data)))
    heading = f"1.2 {SECTION_TITLES['ressourcer_netvaerk']}"
    start = body.rindex(heading)  # the section, not its line in the contents
    assert body[start + len(heading) :].lstrip().startswith(NOT_DESCRIBED)
    # The caseworker's text prints as written, markup characters included.
    assert "Sproget & <bureaukratiet> er svært." in body


def test_what_the_program_knows_is_in_the_sections(database: Database, anh: int) -> None:
    data, _ = make(database, anh)
    body = flat("\n".join(page_texts(data)))
    assert "Jobdansk modul 2" in body
    assert "Sprog: vietnamesisk. Tolk er nødvendig." in body
    assert (
        "På offentlig forsørgelse 9 af de seneste 10 år (indtastet; ingen perioder i forsørgelseshistorikken)." in body
    )
    assert "Nuværende ydelse: Kontanthjælp." in body
    assert "Ingen løft over 10 kg" in body and "Pause hver time" in body
    assert "Kroniske lændesmerter." in body
    # The health documentation the description rests on, with its bilag.
    assert "Lægeattest LÆ 265 fra egen læge" in body and "Bilag 1" in body
    # Activities and placements with dates and results.
    assert "Virksomhedspraktik Genbrug Ærø" in body
    assert "Bestået" in body


def test_progression_shows_chart_figures_and_weeks(database: Database, anh: int) -> None:
    data, _ = make(database, anh)
    body = flat("\n".join(page_texts(data)))
    assert "4.1 Genbrug Ærø – Virksomhedspraktik" in body
    for label in ("Fremmøde", "Tendens 4 uger", "Tendens 8 uger", "Højeste stabile niveau", "Uger uden progression"):
        assert label in body
    assert "Uge Planlagt Fremmøde Fravær Bemærkning" in body
    for n in range(12):
        year, week, _ = (START + dt.timedelta(weeks=n)).isocalendar()
        assert f"uge {week}, {year}" in body
    assert "10 t (sygdom)" in body
    # The chart's own labels are text in the PDF (the same drawing as on screen).
    assert "timer pr. uge" in body and "Tendens" in body


def test_checklist_rows_with_their_states_and_what_is_missing(database: Database, anh: int) -> None:
    data, _ = make(database, anh)
    body = flat("\n".join(page_texts(data)[2:]))  # after the contents
    start = body.index("5. Dokumentation")
    end = body.index(JOBCENTER, start)
    section = body[start:end]
    entries = doc.load_checklist(database, anh, TODAY).entries
    assert len(entries) > 10
    cursor = 0
    positions = []
    for e in entries:
        found = section.find(e.title, cursor)
        assert found >= 0, e.title
        positions.append(found)
        cursor = found + len(e.title)
    for e, here, after in zip(entries, positions, [*positions[1:], len(section)], strict=True):
        row = section[here:after]
        if e.from_text:  # written, not gathered
            assert ("Skrevet" if e.done else "Ikke skrevet") in row, (e.title, row)
        else:
            assert DOCUMENT_STATE_LABELS[e.state] in row, (e.title, row)
    assert "Modtaget 10-01-2026" in section
    assert "forsinket 29 dage" in section  # expected 01-02-2026, today 02-03-2026
    missing = [e for e in entries if e.item.required and not e.done]
    assert missing
    mangler = section.index(f"Mangler: {len(missing)} krævede punkter")
    for e in missing:
        assert section.find(e.title, mangler) > mangler, e.title
    assert "Registrerede samtykker" in section


def test_appendices_are_appended_in_order_and_bookmarked(database: Database, anh: int) -> None:
    with_bilag, info = make(database, anh)
    without, info_without = make(database, anh, options=DossierOptions(include_appendices=False))
    reader = PdfReader(io.BytesIO(with_bilag))
    assert info.appendices == 3 and info_without.appendices == 0
    # Three received documents of 2 + 1 + 1 pages.
    assert len(reader.pages) == len(PdfReader(io.BytesIO(without)).pages) + 4
    pages = page_texts(with_bilag)
    outline = dict(outline_titles(reader))
    first = outline["Bilag 1: Lægeattest LÆ 265 fra egen læge"]
    second = outline["Bilag 2: Sundhedskoordinatorens udtalelse (klinisk funktion)"]
    third = outline["Bilag 3: Statusattest LÆ 125 fra egen læge"]
    assert (first, second, third) == (len(pages) - 4, len(pages) - 2, len(pages) - 1)
    assert "BILAGSTEKST-1 side 1" in pages[first] and "BILAGSTEKST-1 side 2" in pages[first + 1]
    assert "BILAGSTEKST-2 side 1" in pages[second]
    assert "BILAGSTEKST-3 side 1" in pages[third]
    assert "Bilag 1: Lægeattest LÆ 265 fra egen læge (side 2 af 2)" in pages[first + 1]
    # Every section has a bookmark too, and the contents list the bilag with their pages.
    for heading in HEADINGS:
        assert heading in outline, heading
    assert outline["Forside"] == 0 and outline["Indhold"] == 1
    contents = PdfReader(io.BytesIO(with_bilag)).pages[1].extract_text(extraction_mode="layout")
    assert re.search(rf"Bilag 3: Statusattest LÆ 125 fra egen læge[ .]+{third + 1}\n", contents)
    # Without bilag, the dossier says so and lists the files as not included.
    text = flat("\n".join(page_texts(without)))
    assert "Bilag er ikke medtaget i denne udskrift." in text
    assert "ikke vedlagt i denne udskrift" in text


def contents_numbers(reader: PdfReader, pages: range, titles: list[str]) -> dict[str, int]:
    """The page number after each title in the table of contents on `pages` (0-based)."""
    text = "\n".join(reader.pages[n].extract_text(extraction_mode="layout") for n in pages)
    return {t: int(m.group(1)) for t in titles if (m := re.search(re.escape(t) + r"[ .]+(\d+)\n", text))}


def test_contents_over_two_pages_give_the_pages_where_the_headings_are(database: Database, anh: int) -> None:
    """With many bilag the contents take two pages; every line still gives the page where
    its heading (or the bilag's original page) is, counted over the whole file."""
    doc.set_state(database, anh, "sof_oplysninger", "", DocumentState.MODTAGET, on=dt.date(2026, 2, 1), today=TODAY)
    row = doc.ensure_item(database, anh, "sof_oplysninger")
    for n in range(40):
        add_attachment_bytes(database, anh, f"sof_{n + 1}.pdf", small_pdf(f"EKSTRA-{n + 1}"), row)
    data, info = make(database, anh)
    reader = PdfReader(io.BytesIO(data))
    pages = page_texts(data)
    assert info.appendices == 43 and info.pages == len(pages)
    outline = dict(outline_titles(reader))
    # The contents run over pages 2 and 3; the body begins on page 4.
    assert "Indhold" in pages[1] and "Indhold" not in pages[2]
    assert outline["1. Forberedende del"] == 3
    bilag = [title for title in outline if title.startswith("Bilag ")]
    assert len(bilag) == 43
    headings = [*HEADINGS, "4.1 Genbrug Ærø – Virksomhedspraktik"]
    numbers = contents_numbers(reader, range(1, 3), headings + bilag)
    assert set(numbers) == set(headings + bilag)
    second = reader.pages[2].extract_text(extraction_mode="layout")
    assert any(re.search(re.escape(b) + r"[ .]+\d+\n", second) for b in bilag)  # lines on the second page too
    for heading in headings:
        assert numbers[heading] == outline[heading] + 1, heading
        assert numbers[heading] >= 4 and heading in flat(pages[numbers[heading] - 1]), heading
    for title in bilag:
        assert numbers[title] == outline[title] + 1, title
    # The lines point to the original pages of the bilag, stamped with their number.
    for n in range(40):
        title = f"Bilag {n + 4}: Oplysninger fra Socialforvaltningen (SOF) – fil {n + 1} af 40"
        page = pages[numbers[title] - 1]
        assert f"EKSTRA-{n + 1} side 1" in page and f"Bilag {n + 4}:" in page, title
    total = len(pages)
    assert numbers["Bilag 1: Lægeattest LÆ 265 fra egen læge"] == total - (2 + 42) + 1  # 2 pages, then 42 of one
    for number, text in enumerate(pages, start=1):
        assert f"Side {number} af {total}" in text, number


def test_image_and_damaged_attachments(database: Database, anh: int) -> None:
    doc.set_state(database, anh, "sof_oplysninger", "", DocumentState.MODTAGET, on=dt.date(2026, 2, 1), today=TODAY)
    row = doc.ensure_item(database, anh, "sof_oplysninger")
    add_attachment_bytes(database, anh, "sof_brev.png", small_png(), row)
    # A PNG by its first bytes, but nothing after: stored, yet unreadable.
    add_attachment_bytes(database, anh, "ødelagt.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 40, row)
    # A scan saved turned a quarter (/Rotate 90).
    turned = PdfWriter(clone_from=io.BytesIO(small_pdf("DREJET")))
    turned.pages[0].rotate(90)
    buffer = io.BytesIO()
    turned.write(buffer)
    add_attachment_bytes(database, anh, "drejet.pdf", buffer.getvalue(), row)
    data, info = make(database, anh)
    reader = PdfReader(io.BytesIO(data))
    outline = dict(outline_titles(reader))
    n = len(reader.pages)
    assert info.appendices == 6
    assert outline["Bilag 4: Oplysninger fra Socialforvaltningen (SOF) – fil 1 af 3"] == n - 3
    assert outline["Bilag 5: Oplysninger fra Socialforvaltningen (SOF) – fil 2 af 3"] == n - 2
    assert outline["Bilag 6: Oplysninger fra Socialforvaltningen (SOF) – fil 3 af 3"] == n - 1
    pages = page_texts(data)
    assert "sof_brev.png" in pages[-3] and reader.pages[-3].images
    assert "Filen kunne ikke læses og er ikke vedlagt" in pages[-2]
    assert "DREJET side 1" in pages[-1] and f"Side {n} af {n}" in pages[-1]
    last = reader.pages[-1]
    assert last.rotation == 0 and last.mediabox.width > last.mediabox.height  # shown as the scan was


def fonts_used(resources: Any) -> list[Any]:
    """The fonts of a page's resources and of the form XObjects in them (the stamp on a bilag page)."""
    resources = resources.get_object()
    fonts = [ref.get_object() for ref in resources.get("/Font", DictionaryObject()).get_object().values()]
    for ref in resources.get("/XObject", DictionaryObject()).get_object().values():
        xobject = ref.get_object()
        if xobject.get("/Subtype") == "/Form" and "/Resources" in xobject:
            fonts += fonts_used(xobject["/Resources"])
    return fonts


def test_one_embedded_font_and_no_helvetica(database: Database, anh: int) -> None:
    data, _ = make(database, anh)
    reader = PdfReader(io.BytesIO(data))
    names: set[str] = set()
    for number, page in enumerate(reader.pages, start=1):
        fonts = fonts_used(page["/Resources"])
        assert fonts, number
        for font in fonts:
            names.add(str(font["/BaseFont"]))
            descendants = font.get("/DescendantFonts")
            targets = [d.get_object() for d in descendants] if descendants else [font]
            assert any(
                t.get("/FontDescriptor") is not None and "/FontFile2" in t["/FontDescriptor"].get_object()
                for t in targets
            ), (number, font["/BaseFont"])
    assert names
    assert not any("Helvetica" in name for name in names)
    assert {re.sub(r"^[A-Z]{6}\+", "", n.lstrip("/")).split("-")[0] for n in names} <= {"DejaVuSans", "JobraadSans"}


def test_a_case_with_nothing_yet_still_gives_a_sensible_dossier(database: Database) -> None:
    cid = create_citizen(database, CitizenInput("Søren", "Ærø", "0202701235", aim=Aim.FLEKSJOB, forloeb_start=START))
    data, info = make(database, cid)
    text = flat("\n".join(page_texts(data)))
    assert NO_PLACEMENTS in text
    assert text.count(NOT_DESCRIBED) == 10  # all eight sections, the assessment and the recommendation
    assert "Ingen bilag" in text
    assert "Ingen notater fra sundhedskoordinatoren registreret." in text
    assert "Mangler" in text and "Ikke klar" in text
    assert info.appendices == 0 and info.pages == len(PdfReader(io.BytesIO(data)).pages)
    assert f"Side 1 af {info.pages}" in text
    # An aim the rule pack asks nothing for says so instead of "klar" or "ikke klar".
    job = create_citizen(database, CitizenInput("Łucja", "Wąsik", "0404701237", aim=Aim.JOB, forloeb_start=START))
    text = flat("\n".join(page_texts(make(database, job)[0])))
    assert "Regelpakken stiller ingen krav til dokumentation for sigtet «Job»." in text


def test_unknown_citizen_is_refused(database: Database) -> None:
    with pytest.raises(CitizenNotFound):
        build_dossier(database, 999, io.BytesIO(), today=TODAY)


# --- saving, audit, progress --------------------------------------------------------------------


def test_printout_is_logged_without_content(database: Database, anh: int) -> None:
    make(database, anh)
    with database.reading() as session:
        entries = session.scalars(select(AuditEntry).where(AuditEntry.action == audit.Action.PRINT)).all()
        assert [(e.citizen_id, e.detail) for e in entries] == [(anh, "dossier (modtager: team)")]
        assert audit.verify_chain(session).ok


def test_saved_atomically_and_nothing_left_behind(database: Database, anh: int, tmp_path: Path) -> None:
    folder = tmp_path / "ud"
    folder.mkdir()
    target = folder / "dossier.pdf"
    target.write_bytes(b"old")
    info = build_dossier(database, anh, target, today=TODAY, replace=True)
    assert [p.name for p in folder.iterdir()] == ["dossier.pdf"]
    assert len(PdfReader(target).pages) == info.pages
    with pytest.raises(StorageError):
        build_dossier(database, anh, tmp_path / "findes-ikke" / "dossier.pdf", today=TODAY)
    with database.reading() as session:
        logged = session.scalars(select(AuditEntry).where(AuditEntry.action == audit.Action.PRINT)).all()
    assert len(logged) == 1  # the failed save was not logged


def test_progress_is_reported_to_the_end(database: Database, anh: int) -> None:
    calls: list[tuple[int, int]] = []
    make(database, anh, progress=lambda done, total: calls.append((done, total)))
    assert calls and calls[-1][0] == calls[-1][1]
    assert [d for d, _ in calls] == list(range(1, len(calls) + 1))


# --- CPR lookup and the command line ------------------------------------------------------------


def test_find_citizen_by_cpr(database: Database, anh: int) -> None:
    assert find_citizen_by_cpr(database, "010162-1233") == anh
    assert find_citizen_by_cpr(database, " 0101621233 ") == anh
    with pytest.raises(UserFacingError, match="Der er ingen borger med CPR-nummer 020270-1235"):
        find_citizen_by_cpr(database, "0202701235")
    with pytest.raises(UserFacingError, match="10 cifre"):
        find_citizen_by_cpr(database, "12345")


@pytest.fixture
def cli_db(db_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv(PASSPHRASE_ENV, PASSPHRASE)
    database = create_database(db_path, PASSPHRASE)
    try:
        add_case(database, "Şükrü", "Ağaoğlu", CPR_SUKRU, weeks=3, received=1)
    finally:
        database.close()
    return db_path


@pytest.mark.parametrize("cpr_text", ["150358-1235", "1503581235"])
def test_cli_writes_the_dossier(
    cli_db: Path, tmp_path: Path, cpr_text: str, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "sag.pdf"
    assert main(["dossier", cpr_text, "--db", str(cli_db), "-o", str(out), "--meeting", "19-03-2026"]) == 0
    reader = PdfReader(out)
    assert "Şükrü Ağaoğlu" in reader.pages[0].extract_text()
    assert "19-03-2026" in reader.pages[0].extract_text()
    assert f"({len(reader.pages)} sider, 1 bilag)" in capsys.readouterr().out


def test_cli_unknown_cpr_exits_2_with_a_danish_message(
    cli_db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "sag.pdf"
    assert main(["dossier", "010101-1234", "--db", str(cli_db), "-o", str(out)]) == 2
    assert "Der er ingen borger med CPR-nummer 010101-1234 i sagsstammen." in capsys.readouterr().err
    assert not out.exists()
    assert main(["dossier", "150358-1235", "--db", str(cli_db), "-o", str(out), "--meeting", "31-02-2026"]) == 2
    assert "findes ikke i kalenderen" in capsys.readouterr().err
    assert not out.exists()


# --- speed --------------------------------------------------------------------------------------


def _bare_document(pages: int) -> bytes:
    """Plain paragraphs, one page each: what ReportLab costs without any of the dossier."""
    st = pdf.styles()
    buffer = io.BytesIO()
    document = pdf.new_document(buffer, title="bare")
    flow: list[Any] = []
    for n in range(pages):
        flow += [Paragraph(f"Side {n + 1}. " + "Almindelig tekst i et afsnit. " * 40, st["body"]) for _ in range(3)]
        flow.append(PageBreak())
    document.build(flow[:-1])
    return buffer.getvalue()


@pytest.mark.slow  # a timing, printed for the record; tests/benchmarks/bench.py is where speed is judged
def test_speed_against_a_bare_reportlab_document(database: Database, capsys: pytest.CaptureFixture[str]) -> None:
    cid = add_case(database, "Nguyễn Thị", "Ánh", CPR_ANH, weeks=30, received=5)
    make(database, cid)  # warm up: fonts, the rule pack, the first connection
    dossier_times, bare_times = [], []
    pages = 0
    for _ in range(3):
        began = time.perf_counter()
        _, info = make(database, cid)
        dossier_times.append(time.perf_counter() - began)
        pages = info.pages
        began = time.perf_counter()
        bare = _bare_document(pages)
        bare_times.append(time.perf_counter() - began)
    assert info.appendices == 5 and len(PdfReader(io.BytesIO(bare)).pages) == pages
    dossier_s, bare_s = min(dossier_times), min(bare_times)
    with capsys.disabled():
        print(
            f"\ndossier: {pages} sider (30 uger, 5 bilag) på {dossier_s * 1000:.0f} ms; "
            f"bar ReportLab, samme sidetal: {bare_s * 1000:.0f} ms; forhold {dossier_s / bare_s:.1f}"
        )
    assert dossier_s < 3.0


def test_very_long_texts_flow_over_pages(database: Database) -> None:
    """Text longer than a page, in table cells too, must not stop the dossier."""
    long = "Borgeren fortæller om forløbet. " * 400  # about 13.000 characters
    cid = create_citizen(database, CitizenInput("Søren", "Ærø", "0202701235", aim=Aim.FLEKSJOB, forloeb_start=START))
    save_case_texts(database, cid, {"uddannelse_cv": long, "vurdering": long + "\n\n" + long}, today=TODAY)
    add_activity(database, cid, ActivityInput(ActivityKind.AMU, "Truckcertifikat", "AMU Syd", START, None, long))
    pid = add_placement(
        database,
        cid,
        PlacementInput(
            kind=PlacementKind.LOENTILSKUD,
            employer_name="Ærø <Genbrug> & Co",
            start_date=START,
            tasks=long,
            result=long,
        ),
    )
    year, week, _ = START.isocalendar()
    save_weeks(database, pid, [HoursInput(year, week, 10, 8, observation="Meget at sige. " * 130)], today=TODAY)
    data, info = make(database, cid)
    text = flat("\n".join(page_texts(data)))
    assert info.pages > 10
    assert "Ærø <Genbrug> & Co" in text
    assert text.count("Borgeren fortæller om forløbet.") >= 400 * 5


def test_reportlab_runs_with_its_c_speed_ups() -> None:
    # reportlab[accel] (pyproject.toml): without rl_accel ReportLab silently formats every
    # number in Python, about an eighth of the dossier's time.
    from reportlab.lib.rl_accel import _c_funcs

    assert {"fp_str", "escapePDF", "instanceStringWidthTTF"} <= set(_c_funcs)


def test_the_placement_length_names_its_lab61_steps(database: Database) -> None:
    """The dossier prints the length with each recorded extension's step and date (LAB § 61), and a
    praktik within 13 weeks still reads «lovlig længde 13 uger»."""
    long = add_case(database, "Nguyễn Thị", "Ánh", CPR_ANH, weeks=30, received=1)
    short = add_case(database, "Şükrü", "Ağaoğlu", CPR_SUKRU, weeks=12, received=1)

    long_text = re.sub(r"\s+", " ", " ".join(page_texts(make(database, long)[0])))
    short_text = re.sub(r"\s+", " ", " ".join(page_texts(make(database, short)[0])))

    assert (
        "30 uger – 13 uger + forlænget til 26 uger (konkret vurdering, 27-10-2025) "
        "+ forlænget til 30 uger (helt særligt behov, 19-01-2026)" in long_text
    )
    assert "OBS" not in long_text and "forlænget ud over" not in long_text
    assert "12 uger (lovlig længde 13 uger)" in short_text


def test_consents_show_what_they_cover_and_their_validity(database: Database, anh: int) -> None:
    data, _ = make(database, anh)
    body = flat("\n".join(page_texts(data)[2:]))
    section = body[body.index("Registrerede samtykker") : body.index(JOBCENTER)]
    assert "Samtykker efter retssikkerhedsloven § 11 a, stk. 1; retssikkerhedsvejledningen pkt. 117" in section
    for heading in ("Fra hvem", "Hvilke oplysninger", "Til hvilken sag", "Givet", "Gyldighed"):
        assert heading in section
    assert section.count("Lægerne på Amagerbrogade") == 5  # one row per consent, each naming its source
    assert "journaloplysninger om" in section and "Afklaring af ret til" in section
    assert section.count("Gyldig") >= 5 and "tilbagekalder det" in section
