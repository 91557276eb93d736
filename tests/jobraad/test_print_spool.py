"""Printing a PDF as it is through CUPS: the PDF on `lp`'s standard input, a job title without
the citizen's name, and a print that can be cancelled until the printer has it."""

from __future__ import annotations

import datetime as dt
import io
import sys
from pathlib import Path

import pytest
from reportlab.pdfgen.canvas import Canvas

from jobraad.outputs import suggested_name
from jobraad.print_spool import (
    CANCELLED,
    PrintCancelled,
    PrintFailed,
    PrintOptions,
    Spooler,
    find_spooler,
    job_title,
    select_pages,
    spool,
    spool_arguments,
)
from tests.helpers import HANGING_LP, LP_JOB, REFUSING_LP, fake_cups

posix_only = pytest.mark.skipif(sys.platform == "win32", reason="CUPS's programs are POSIX shell scripts here")


def _pdf(pages: int = 3) -> bytes:
    out = io.BytesIO()
    canvas = Canvas(out)
    for n in range(pages):
        canvas.drawString(72, 720, f"Side {n + 1} af brevet")
        canvas.showPage()
    canvas.save()
    return out.getvalue()


@pytest.fixture
def cups(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = fake_cups(tmp_path / "cups")
    monkeypatch.setenv("PATH", f"{folder}:/usr/bin:/bin")
    return folder


def test_the_job_title_has_the_initials_and_the_date_not_the_name() -> None:
    title = job_title(suggested_name("Sag", "Nguyễn Thị", "Ánh", dt.date(2026, 3, 2)))
    assert title == "jobraad – Sag NÁ 2026-03-02"


def test_lp_gets_printer_copies_title_and_the_dialogs_choices() -> None:
    lp = Spooler("/usr/bin/lp", "lp")
    options = PrintOptions("jobraad – Sag NÁ 2026-03-02", "Kontor", 2, (2, 5), "long", grayscale=True)
    assert spool_arguments(lp, options) == [
        "/usr/bin/lp",
        "-d",
        "Kontor",
        "-n",
        "2",
        "-t",
        "jobraad – Sag NÁ 2026-03-02",
        "-o",
        "sides=two-sided-long-edge",
        "-o",
        "print-color-mode=monochrome",
        "-o",
        "collate=true",
        "-o",
        "page-ranges=2-5",
    ]
    lpr = Spooler("/usr/bin/lpr", "lpr")
    assert spool_arguments(lpr, PrintOptions("jobraad – Brev", copies=1)) == [
        "/usr/bin/lpr",
        "-#1",
        "-T",
        "jobraad – Brev",
    ]


@posix_only
def test_the_pdf_goes_to_lp_on_standard_input(cups: Path) -> None:
    spooler = find_spooler()
    assert spooler is not None and spooler.kind == "lp" and spooler.program == str(cups / "lp")
    data = _pdf()
    job = spool(spooler, data, PrintOptions("jobraad – Sag NÁ 2026-03-02", "Kontor", 2), lambda: False)
    assert job == LP_JOB
    assert (cups / "lp-stdin").read_bytes() == data
    assert (cups / "lp-args").read_text(encoding="utf-8").splitlines() == [
        "-d",
        "Kontor",
        "-n",
        "2",
        "-t",
        "jobraad – Sag NÁ 2026-03-02",
        "-o",
        "collate=true",
    ]


@posix_only
def test_no_print_path_when_the_scheduler_is_not_running(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = fake_cups(tmp_path / "cups", running=False)
    monkeypatch.setenv("PATH", f"{folder}:/usr/bin:/bin")
    assert find_spooler() is None


@posix_only
def test_no_print_path_without_lp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = fake_cups(tmp_path / "cups")
    (folder / "lp").unlink()
    monkeypatch.setenv("PATH", str(folder))  # lpstat only
    assert find_spooler() is None


@posix_only
def test_a_refused_job_says_why(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = fake_cups(tmp_path / "cups", REFUSING_LP)
    monkeypatch.setenv("PATH", f"{folder}:/usr/bin:/bin")
    spooler = find_spooler()
    assert spooler is not None
    with pytest.raises(PrintFailed) as refused:
        spool(spooler, _pdf(), PrintOptions("jobraad – Brev", "Findes ikke"), lambda: False)
    assert refused.value.message == "Printeren tog ikke imod udskriften. (lp: The printer or class does not exist.)"


@posix_only
def test_cancel_stops_lp_before_the_scheduler_has_the_job(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = fake_cups(tmp_path / "cups", HANGING_LP)
    monkeypatch.setenv("PATH", f"{folder}:/usr/bin:/bin")
    spooler = find_spooler()
    assert spooler is not None
    with pytest.raises(PrintCancelled) as cancelled:
        # The user presses Annuller once lp has the bytes and waits for the scheduler.
        spool(spooler, _pdf(), PrintOptions("jobraad – Brev"), lambda: (folder / "lp-started").exists())
    assert cancelled.value.message == CANCELLED
    (folder / "scheduler-answered").touch()  # too late: lp was stopped before it went on
    assert not (folder / "lp-finished").exists()


@posix_only
def test_a_spooler_that_does_not_answer_is_given_up(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = fake_cups(tmp_path / "cups", HANGING_LP)
    monkeypatch.setenv("PATH", f"{folder}:/usr/bin:/bin")
    spooler = find_spooler()
    assert spooler is not None
    with pytest.raises(PrintFailed) as hung:
        spool(spooler, _pdf(), PrintOptions("jobraad – Brev"), lambda: False, timeout=0.3)
    assert "Printeren svarede ikke" in hung.value.message


def test_some_pages_of_a_pdf_keep_their_text() -> None:
    from pypdf import PdfReader

    chosen = PdfReader(io.BytesIO(select_pages(_pdf(5), 2, 3)))
    assert [page.extract_text().strip() for page in chosen.pages] == ["Side 2 af brevet", "Side 3 af brevet"]
