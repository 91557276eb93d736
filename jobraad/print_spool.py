"""Printing a PDF as it is, through the system's print spooler: CUPS's `lp` (or `lpr`) on
Linux and macOS, with the PDF on standard input. The printer then gets the PDF itself
(text, fonts and drawings, a few hundred kB), not pictures of its pages, and nothing is
written to a temporary file.

`find_spooler()` says whether there is such a path (the programs are there and the CUPS
scheduler runs); without one the window paints the pages on Qt's printer instead
(`ui.printing`). `spool()` hands the bytes over and can be cancelled until they are handed
over; after that, a job CUPS named is cancelled with `cancel`.

A print job's title shows in the printer's queue, on the printer's display and on a banner
page: never the citizen's name or CPR number (`job_title`).
"""

from __future__ import annotations

import io
import os
import re
import shutil
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from jobraad.errors import UserFacingError

__all__ = [
    "CANCELLED",
    "PrintCancelled",
    "PrintFailed",
    "PrintOptions",
    "Spooler",
    "find_spooler",
    "job_title",
    "select_pages",
    "spool",
    "spool_arguments",
]

CANCELLED = "Udskrivningen er annulleret."
_POLL = 0.05  # seconds between looks at the cancel flag while the spooler works
_TIMEOUT = 120.0  # a spooler that has not taken the job by then has hung


class PrintCancelled(UserFacingError):
    """The user cancelled the print before the printer got it."""

    def __init__(self) -> None:
        super().__init__(CANCELLED)


class PrintFailed(UserFacingError):
    """The print could not be handed to the printer; the message says why, in Danish."""


@dataclass(frozen=True)
class Spooler:
    """The system's print command: `lp` (CUPS's own) or `lpr` (BSD style, CUPS's too)."""

    program: str  # its full path
    kind: Literal["lp", "lpr"]
    cancel_program: str | None = None  # `cancel`, for a job `lp` has handed over


@dataclass(frozen=True)
class PrintOptions:
    """What the print dialog chose. `printer` "" is the system's default printer; `pages`
    the first and last page (1-based), None for all."""

    title: str
    printer: str = ""
    copies: int = 1
    pages: tuple[int, int] | None = None
    duplex: Literal["one", "long", "short"] | None = None  # None: as the printer is set up
    grayscale: bool = False
    collate: bool = True


def _c_locale() -> dict[str, str]:
    """The environment for the spooler's programs, with their messages in English (they are
    read by this module, and CUPS translates them)."""
    return {**os.environ, "LC_ALL": "C", "LANG": "C"}


def find_spooler() -> Spooler | None:
    """The system's print command, if there is one to hand a PDF to: `lp` or `lpr` with the
    CUPS scheduler running (`lpstat -r`). None on Windows, and wherever CUPS is not there."""
    if sys.platform == "win32":
        return None
    lpstat = shutil.which("lpstat")
    program = shutil.which("lp") or shutil.which("lpr")
    if lpstat is None or program is None:
        return None
    try:
        status = subprocess.run(
            [lpstat, "-r"],
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            timeout=5,
            env=_c_locale(),
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired):
        return None
    if status.returncode != 0 or "is running" not in status.stdout or "not running" in status.stdout:
        return None
    kind: Literal["lp", "lpr"] = "lp" if Path(program).name == "lp" else "lpr"
    return Spooler(program, kind, shutil.which("cancel") if kind == "lp" else None)


def job_title(file_name: str) -> str:
    """The title of a print job, from the name a save dialog suggests for the document
    (`jobraad.outputs.suggested_name`: what it is, the citizen's initials and the date),
    e.g. "jobraad – Sag SÆ 2026-03-02"."""
    return f"jobraad – {Path(file_name).stem}".strip()


def spool_arguments(spooler: Spooler, options: PrintOptions) -> list[str]:
    """The command line that prints standard input with `options`."""
    cups: list[str] = []
    if options.duplex is not None:
        sides = {"one": "one-sided", "long": "two-sided-long-edge", "short": "two-sided-short-edge"}
        cups += ["-o", f"sides={sides[options.duplex]}"]
    if options.grayscale:
        cups += ["-o", "print-color-mode=monochrome"]
    if options.copies > 1:
        cups += ["-o", f"collate={'true' if options.collate else 'false'}"]
    if options.pages is not None:
        first, last = options.pages
        cups += ["-o", f"page-ranges={first}-{last}"]
    if spooler.kind == "lp":
        args = [spooler.program]
        if options.printer:
            args += ["-d", options.printer]
        args += ["-n", str(max(1, options.copies)), "-t", options.title]
    else:
        args = [spooler.program]
        if options.printer:
            args += ["-P", options.printer]
        args += [f"-#{max(1, options.copies)}", "-T", options.title]
    return args + cups  # no file named: the PDF comes on standard input


def spool(
    spooler: Spooler, data: bytes, options: PrintOptions, cancelled: Callable[[], bool], timeout: float = _TIMEOUT
) -> str:
    """Hand `data` (a PDF) to the spooler on its standard input. Returns the job's id where
    the spooler names one ("" for `lpr`). `cancelled()` is asked while the spooler works:
    then it is stopped before it has the job (`PrintCancelled`), or the job it made is
    cancelled. `PrintFailed` when the spooler refuses the job or does not answer."""
    try:
        process = subprocess.Popen(
            spool_arguments(spooler, options),
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            env=_c_locale(),
        )
    except OSError:
        raise PrintFailed("Printeren kunne ikke startes.") from None
    deadline = time.monotonic() + timeout
    pending: bytes | None = data
    try:
        while True:
            if cancelled():
                raise PrintCancelled
            if time.monotonic() > deadline:
                raise PrintFailed("Printeren svarede ikke. Udskrivningen er stoppet; prøv igen.")
            try:
                # A repeated call goes on where the last one stopped, the rest of the input included.
                out, err = process.communicate(pending, timeout=_POLL)
                break
            except subprocess.TimeoutExpired:
                pending = None
    except BaseException:
        process.kill()
        process.communicate()
        raise
    if process.returncode != 0:
        said = next((line.strip() for line in err.decode("utf-8", "replace").splitlines() if line.strip()), "")
        raise PrintFailed("Printeren tog ikke imod udskriften." + (f" ({said})" if said else ""))
    found = re.search(r"request id is (\S+)", out.decode("utf-8", "replace"))
    job = found.group(1) if found else ""
    if cancelled() and job and spooler.cancel_program:
        subprocess.run(
            [spooler.cancel_program, job], stdin=subprocess.DEVNULL, capture_output=True, timeout=10, check=False
        )
        raise PrintCancelled
    return job


def select_pages(data: bytes, first: int, last: int) -> bytes:
    """Pages `first` to `last` (1-based, both included) of a PDF, as a PDF of their own:
    the pages as they are (text, fonts), for a print to a file of some of the pages."""
    from pypdf import PdfReader, PdfWriter  # not at start

    reader = PdfReader(io.BytesIO(data))
    writer = PdfWriter()
    for page in reader.pages[max(first, 1) - 1 : last]:
        writer.add_page(page)
    if reader.metadata is not None:
        writer.add_metadata(reader.metadata)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()
