"""Request letters: what the PDF says (read back with pypdf), that names print
exactly as written in the embedded font, the refusal without consent, and that
saving is atomic."""

from __future__ import annotations

import dataclasses
import datetime as dt
import errno
import io
import os
import tempfile
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader

from db.enums import DocumentSource
from db.errors import StorageError
from jobraad import pdf
from jobraad.consents import ConsentView
from jobraad.errors import UserFacingError
from jobraad.letters import LetterRefused, LetterRequest, render_request_letter, save_request_letter
from jobraad.outputs import rules_for, write_output

LAE265 = LetterRequest(
    recipient_kind="egen_laege",
    recipient_name="Lægerne på Amagerbrogade",
    recipient_unit="Læge Łucja Wąsik",
    recipient_secure_mail="amagerlaegerne@sikkermail.dk",
    citizen_name="Nguyễn Thị Ánh",
    citizen_cpr="0101621233",
    citizen_address="Amagerbrogade 100, 2. th.\n2300 København S",
    what="Lægeattest LÆ 265 til brug for rehabiliteringsteamet",
    form="LÆ 265",
    law="lov om en aktiv beskæftigelsesindsats §§ 116 og 118",
    process="forberedelsen af sagen til rehabiliteringsteamet (rehabiliteringsplanens forberedende del)",
    purpose="afklaring af ret til fleksjob",
    answer_by=dt.date(2025, 12, 15),
    consent=ConsentView(
        1,
        DocumentSource.EGEN_LAEGE,
        "Lægeattest LÆ 265 og journaloplysninger om ryg og skulder",
        "Lægerne på Amagerbrogade",
        "Afklaring af ret til fleksjob – sag hos jobcentret",
        dt.date(2025, 11, 20),
        dt.date(2026, 11, 19),
        None,
    ),
    caseworker="Søren Ærø",
    phone="33 17 33 17",
    email="soeren.aeroe@kk.dk",
    letter_date=dt.date(2025, 11, 25),
)

SOF = LetterRequest(
    recipient_kind="sof",
    recipient_name="Socialforvaltningen",
    recipient_unit="Socialcenter Nørrebro",
    citizen_name="Şükrü Ağaoğlu",
    citizen_cpr="010162-1233",
    what="Kopi af handleplan og statusbeskrivelser fra bostøtten",
    purpose="afklaring til ressourceforløb",
    answer_by=dt.date(2026, 1, 9),
    consent=ConsentView(
        2,
        DocumentSource.SOF,
        "Handleplan og statusbeskrivelser fra bostøtten",
        "Socialcenter Nørrebro",
        "Afklaring til ressourceforløb – sag hos jobcentret",
        dt.date(2025, 12, 1),
        None,
        None,
    ),
    caseworker="Mette Hansen",
    letter_date=dt.date(2025, 12, 2),
)


def text_of(data: bytes) -> str:
    return PdfReader(io.BytesIO(data)).pages[0].extract_text()


def flat(text: str) -> str:
    """Text with line breaks as spaces: a long sentence may wrap anywhere."""
    return " ".join(text.split())


def font_names(data: bytes) -> set[str]:
    reader = PdfReader(io.BytesIO(data))
    names: set[str] = set()
    for page in reader.pages:
        fonts: Any = page["/Resources"]["/Font"]
        for ref in fonts.values():
            font = ref.get_object()
            names.add(str(font["/BaseFont"]))
    return names


def embedded_font_files(data: bytes) -> int:
    reader = PdfReader(io.BytesIO(data))
    count = 0
    for page in reader.pages:
        fonts: Any = page["/Resources"]["/Font"]
        for ref in fonts.values():
            font = ref.get_object()
            descendants = font.get("/DescendantFonts")
            targets = [d.get_object() for d in descendants] if descendants else [font]
            for target in targets:
                descriptor = target.get("/FontDescriptor")
                if descriptor is not None and "/FontFile2" in descriptor.get_object():
                    count += 1
    return count


# --- content ------------------------------------------------------------------------


def test_lae265_letter_says_what_it_must() -> None:
    data = render_request_letter(LAE265)
    reader = PdfReader(io.BytesIO(data))
    assert len(reader.pages) == 1
    text = text_of(data)
    words = flat(text)

    assert "Nguyễn Thị Ánh" in text
    assert "Łucja Wąsik" in text
    assert "Søren Ærø" in text
    assert "Vedr.: Nguyễn Thị Ánh, CPR 010162-1233" in text
    assert "0101621233" not in text
    assert "Anmodning om lægeattest LÆ 265 til brug for rehabiliteringsteamet" in words
    assert "Dato: 25-11-2025" in text
    assert "Vi beder om svar senest 15-12-2025." in text
    assert "den 20-11-2025 givet skriftligt samtykke" in words
    assert "afklaring af ret til fleksjob" in words
    assert "LÆ 261/262" in words
    assert "lov om en aktiv beskæftigelsesindsats" in words
    assert "forberedelsen af sagen til rehabiliteringsteamet (rehabiliteringsplanens forberedende del)" in words
    assert "sikker post til soeren.aeroe@kk.dk" in words
    assert "Sikker post: amagerlaegerne@sikkermail.dk" in text
    assert "2300 København S" in text
    assert "Fortroligt — indeholder følsomme personoplysninger" in text
    assert "Med venlig hilsen" in text


def test_sof_letter_prints_turkish_name_and_no_lae_forms() -> None:
    data = render_request_letter(SOF)
    text = text_of(data)
    words = flat(text)
    assert len(PdfReader(io.BytesIO(data)).pages) == 1
    assert "Vedr.: Şükrü Ağaoğlu, CPR 010162-1233" in text
    assert "Anmodning om kopi af handleplan" in words
    assert "hos Socialforvaltningen (SOF), Socialcenter Nørrebro, til brug for afklaring til ressourceforløb" in words
    assert "Vi beder om svar senest 09-01-2026." in text
    assert "den 01-12-2025 givet skriftligt samtykke" in words
    assert "LÆ 261" not in words
    # No e-mail given: the answer goes to the jobcenter by secure mail, for the caseworker.
    assert "sikker post til Jobcenter København, att. Mette Hansen" in words


def test_decomposed_name_prints_composed() -> None:
    import unicodedata

    decomposed = unicodedata.normalize("NFD", "Nguyễn Thị Ánh")
    assert decomposed != "Nguyễn Thị Ánh"
    text = text_of(render_request_letter(dataclasses.replace(LAE265, citizen_name=decomposed)))
    assert "Nguyễn Thị Ánh" in text


def test_markup_characters_in_text_print_as_written() -> None:
    request = dataclasses.replace(LAE265, recipient_name="Lægehuset <Nord> & Syd")
    assert "Lægehuset <Nord> & Syd" in text_of(render_request_letter(request))


def test_a_very_long_description_gets_a_short_heading() -> None:
    what = "Kopi af journalnotater om bostøtte og de seneste handleplaner efter serviceloven fra 2023 til i dag"
    words = flat(text_of(render_request_letter(dataclasses.replace(SOF, what=what))))
    assert "Anmodning om oplysninger" in words
    assert "anmoder hermed om kopi af journalnotater" in words


def test_font_is_embedded_not_helvetica() -> None:
    data = render_request_letter(LAE265)
    names = font_names(data)
    assert names, "no fonts found"
    assert all("DejaVuSans" in name for name in names), names
    assert not any("Helvetica" in name for name in names)
    assert embedded_font_files(data) == len(names)


def test_metadata_names_no_citizen() -> None:
    meta = PdfReader(io.BytesIO(render_request_letter(LAE265))).metadata
    assert meta is not None
    assert meta.title == "Anmodning om oplysninger"
    assert all("Nguy" not in str(value) for value in meta.values())


# --- refusals -----------------------------------------------------------------------


def test_no_letter_without_consent() -> None:
    with pytest.raises(UserFacingError, match="Der er ikke registreret samtykke"):
        render_request_letter(dataclasses.replace(LAE265, consent=None))


def test_no_file_without_consent(tmp_path: Path) -> None:
    with pytest.raises(LetterRefused):
        save_request_letter(dataclasses.replace(LAE265, consent=None), tmp_path / "brev.pdf", rules=rules_for(None))
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"recipient_name": " "}, "modtagerens navn"),
        ({"caseworker": ""}, "sagsbehandlerens navn"),
        ({"purpose": ""}, "formålet"),
        (
            {"consent": dataclasses.replace(LAE265.consent, given_on=dt.date(2025, 11, 26))},  # type: ignore[type-var]
            "Samtykket er dateret efter brevets dato",
        ),
        ({"answer_by": dt.date(2025, 11, 24)}, "Svarfristen ligger før brevets dato"),
        ({"citizen_cpr": "12345"}, "CPR-nummeret skal have 10 cifre"),
    ],
)
def test_incomplete_requests_are_refused(change: dict[str, Any], message: str) -> None:
    with pytest.raises(LetterRefused, match=message):
        render_request_letter(dataclasses.replace(LAE265, **change))


def test_unknown_recipient_kind_is_a_bug() -> None:
    with pytest.raises(ValueError, match="recipient kind"):
        render_request_letter(dataclasses.replace(LAE265, recipient_kind="virksomhed"))


# --- saving -------------------------------------------------------------------------


def test_save_writes_the_letter(tmp_path: Path) -> None:
    path = tmp_path / "Anmodning LÆ 265.pdf"
    save_request_letter(LAE265, path, rules=rules_for(None))
    assert "Nguyễn Thị Ánh" in text_of(path.read_bytes())
    assert [p.name for p in tmp_path.iterdir()] == [path.name]


def test_save_replaces_an_old_letter_whole(tmp_path: Path) -> None:
    path = tmp_path / "brev.pdf"
    path.write_bytes(b"old")
    save_request_letter(SOF, path, rules=rules_for(None), replace=True)
    assert "Şükrü Ağaoğlu" in text_of(path.read_bytes())


def _folder_is_really_read_only(folder: Path) -> bool:
    probe = folder / "probe"
    try:
        probe.write_bytes(b"")
    except OSError:
        return True
    probe.unlink()
    return False


def test_read_only_folder_gives_storage_error_and_leaves_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "skrivebeskyttet"
    folder.mkdir()
    folder.chmod(0o500)
    try:
        if not _folder_is_really_read_only(folder):
            # Root writes into a 0o500 folder anyway: make the temp file's creation fail as it would.
            def read_only(*_args: object, **_kwargs: object) -> None:
                raise OSError(errno.EROFS, "Read-only file system")

            monkeypatch.setattr(tempfile, "mkstemp", read_only)
        with pytest.raises(StorageError) as caught:
            save_request_letter(LAE265, folder / "Nguyễn Thị Ánh.pdf", rules=rules_for(None))
        assert "skrivebeskyttet" in caught.value.message
        assert "Nguy" not in caught.value.message
        assert list(folder.iterdir()) == []
    finally:
        folder.chmod(0o700)


def test_disk_full_gives_storage_error_and_leaves_no_temp_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "Nguyễn Thị Ánh anmodning.pdf"

    def disk_full(*_args: object) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, "replace", disk_full)
    with pytest.raises(StorageError) as caught:
        save_request_letter(LAE265, path, rules=rules_for(None))
    assert "ikke plads nok på disken" in caught.value.message
    assert "Nguy" not in caught.value.message  # the file name holds personal data
    assert list(tmp_path.iterdir()) == []


def test_a_failing_build_leaves_no_temp_file(tmp_path: Path) -> None:
    def broken(_fh: object) -> None:
        raise RuntimeError("bug in a report")

    with pytest.raises(RuntimeError):
        write_output(tmp_path / "x.pdf", broken, rules_for(None))
    assert list(tmp_path.iterdir()) == []


def test_missing_folder_gives_storage_error(tmp_path: Path) -> None:
    with pytest.raises(StorageError, match="mappen findes ikke"):
        save_request_letter(LAE265, tmp_path / "findes-ikke" / "brev.pdf", rules=rules_for(None))


# --- the shared PDF setup -----------------------------------------------------------


def test_styles_use_the_embedded_font_and_a4_margins() -> None:
    st = pdf.styles()
    assert {"title", "h1", "h2", "body", "small", "cell"} <= st.keys()
    assert {s.fontName for s in st.values()} <= {pdf.FONT, pdf.FONT_BOLD}
    assert pdf.MARGINS.left > pdf.MARGINS.right  # room for the hole punch
    assert pdf.register_fonts() == pdf.FONT
    # A new dict each call: changing one caller's style changes no one else's.
    st["body"].fontSize = 30
    assert pdf.styles()["body"].fontSize != 30


def test_the_letter_names_the_consent_s_scope_validity_and_basis() -> None:
    """Retssikkerhedsloven § 11 a, stk. 1: the recipient reads which information the citizen
    consented to, from whom, for which case, and until when."""
    data = render_request_letter(LAE265)
    words = flat(text_of(data))
    assert len(PdfReader(io.BytesIO(data)).pages) == 1
    assert "den 20-11-2025 givet skriftligt samtykke efter retssikkerhedslovens § 11 a, stk. 1" in words
    assert "indhenter lægeattest LÆ 265 og journaloplysninger om ryg og skulder" in words
    assert "hos borgerens egen læge, Lægerne på Amagerbrogade," in words
    assert "til brug for afklaring af ret til fleksjob – sag hos jobcentret" in words
    assert "Samtykket er gyldigt til og med 19-11-2026." in words
    sof = flat(text_of(render_request_letter(SOF)))
    assert "Samtykket er gyldigt til sagen er afsluttet, eller borgeren tilbagekalder det." in sof
