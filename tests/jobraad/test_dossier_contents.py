"""The dossier's table of contents as a reader uses it on screen: a line with a heading is a
link to the page where the heading is, from its text to its page number."""

from __future__ import annotations

import io

from pypdf import PdfReader

from db.session import Database
from jobraad.pdf import MARGINS, PAGE_SIZE
from tests.jobraad.test_dossier import add_case, make, outline_titles


def test_each_heading_line_of_the_contents_links_to_the_headings_page(database: Database) -> None:
    data, _ = make(database, add_case(database, "Nguyễn Thị", "Ánh", "0101621233", weeks=30, received=5))
    reader = PdfReader(io.BytesIO(data))
    contents = reader.pages[1]
    lines = contents.extract_text(extraction_mode="layout")
    headings = [
        (t, page) for t, page in outline_titles(reader) if page > 1 and t in lines and not t.startswith("Bilag ")
    ]
    assert len(headings) >= 15 and "Indhold" in lines
    page_index = {page.indirect_reference.idnum: n for n, page in enumerate(reader.pages)}
    links = [annotation.get_object() for annotation in contents["/Annots"]]
    assert [page_index[link["/Dest"][0].idnum] for link in links] == [page for _, page in headings]
    right = PAGE_SIZE[0] - MARGINS.right
    tops = []
    for link in links:
        x0, _y0, x1, y1 = (float(v) for v in link["/Rect"])
        assert x0 < MARGINS.left + 20 and abs(x1 - right) < 1  # the whole line: text, dots and number
        tops.append(y1)
    assert tops == sorted(tops, reverse=True) and len(set(tops)) == len(tops)  # one link per line
