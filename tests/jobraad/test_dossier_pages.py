"""No blank page in a dossier (issue 17): space after a table never begins a page, and a page
break on an empty page is dropped. Checked where it used to happen (a table that ends near the
foot of a page, then a part on a new page) and over every demo dossier for every reader, by the
text on each page of the main part beyond its running header and footer."""

from __future__ import annotations

import datetime as dt
import io
import re
from collections.abc import Iterator

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from db.models import Citizen
from db.session import Database, create_database
from jobraad import documentation as doc
from jobraad.demo import generate_demo
from jobraad.dossier import DossierOptions, build_dossier, reader_choices
from jobraad.dossier import story as s
from jobraad.dossier.appendices import assemble
from jobraad.dossier.layout import lay_out
from tests.jobraad.test_dossier import outline_titles

TODAY = dt.date(2026, 3, 2)
_FURNITURE = re.compile(
    r"^(Fortroligt — indeholder følsomme personoplysninger|Side \d+ af \d+|.*Udskrevet \d\d-\d\d-\d{4})$"
)


def content_lines(page_text: str, header: str) -> list[str]:
    """The lines of a page that are neither its running header nor its footer."""
    prefix = header[:30]
    return [
        line
        for line in (raw.strip() for raw in page_text.splitlines())
        if line and not _FURNITURE.match(line) and not line.startswith(prefix)
    ]


def empty_pages(pdf: bytes, main_pages: int, header: str) -> list[int]:
    reader = PdfReader(io.BytesIO(pdf))
    return [n for n in range(1, main_pages + 1) if not content_lines(reader.pages[n - 1].extract_text(), header)]


def _document(space: float, rows: int) -> s.Document:
    grid = s.Grid(("Uge", "Timer"), tuple((f"uge {n}", str(n)) for n in range(rows)), (100.0, 100.0))
    return s.Document(
        [
            s.Heading("Forside", 0, in_contents=False, style="cover_title"),
            s.PageBreak(),
            s.Heading("Indhold", 0, in_contents=False, style="title"),
            s.Contents(),
            s.Heading("1. Første del", 0, new_page=True),
            s.Space(space),
            grid,
            s.Heading("2. Anden del", 0, new_page=True),
            s.Para("Tekst i anden del."),
            grid,
            s.Space(10),
            s.EndOfMainPart(),
        ],
        title="Prøve",
        header=("Prøvehoved · Søren Ærø", "Udskrevet 02-03-2026"),
    )


def test_a_table_that_ends_at_the_foot_of_a_page_leaves_no_blank_page() -> None:
    """A table ending anywhere in the last 20 points of a page (each point in turn), then a
    part on a new page: the space after the table used to spill onto a page of its own."""
    checked = 0
    for rows in (40, 41):
        for space in range(0, 20):
            layout = lay_out(_document(space, rows), [], lambda canvas, first, total: None)
            pdf = assemble(layout, [], lambda: None)
            assert empty_pages(pdf, layout.main_pages, "Prøvehoved · Søren Ærø") == [], (rows, space)
            checked += 1
    assert checked == 40


@pytest.fixture(scope="module")
def demo_database(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Database]:
    database = create_database(tmp_path_factory.mktemp("demo") / "demo.jobraad", "demo-sider")
    generate_demo(database, citizens=40, seed=1, today=TODAY)
    yield database
    database.close()


@pytest.mark.slow  # every demo dossier, for every reader
@pytest.mark.parametrize("reader", [key for key, _ in reader_choices()])
def test_no_demo_dossier_has_an_empty_page(demo_database: Database, reader: str) -> None:
    with demo_database.reading() as session:
        ids = list(session.scalars(select(Citizen.id).order_by(Citizen.id)))
    made = 0
    for cid in ids:
        if doc.load_checklist(demo_database, cid, TODAY).readiness.required == 0:
            continue  # no case for the team
        buffer = io.BytesIO()
        build_dossier(demo_database, cid, buffer, today=TODAY, options=DossierOptions(reader=reader))
        reader_ = PdfReader(buffer)
        bilag = [page for title, page in outline_titles(reader_) if re.match(r"Bilag \d+: ", title)]
        main = min(bilag, default=len(reader_.pages))
        lines = [[line.strip() for line in p.extract_text().splitlines() if line.strip()] for p in reader_.pages]
        furniture = set.intersection(*(set(page) for page in lines[:main]))  # on every page: header and footer
        assert len(furniture) >= 2, furniture
        empty = [n + 1 for n, page in enumerate(lines[:main]) if not set(page) - furniture]
        assert empty == [], (cid, reader)
        made += 1
    assert made >= 10
