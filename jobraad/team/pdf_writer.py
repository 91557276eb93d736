"""A team summary as a one-page PDF (ReportLab, through `jobraad.pdf`): the key figures, a
bar chart of each goal's result against its target, the goals table and the breakdowns.
It shrinks to fit rather than spill onto a second page.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any, BinaryIO

from jobraad import formatting as fmt
from jobraad.outputs import OutputRules, write_output
from jobraad.team.model import EPS, SMALL_MAX, Summary, Table
from jobraad.team.suppression import suppress

__all__ = ["write_pdf"]


def _goal_chart(s: Summary, width: float) -> Any:
    """Horizontal bars per goal: the target (outlined) and the result (filled), 0–100 %."""
    from reportlab.graphics.shapes import Drawing, Line, String
    from reportlab.lib.colors import Color, black, white
    from reportlab.pdfbase.pdfmetrics import stringWidth

    from jobraad.pdf import FONT, FONT_BOLD, rect, register_fonts

    register_fonts()
    grey = Color(0.55, 0.55, 0.55)
    dark = Color(0.15, 0.3, 0.55)
    light = Color(0.75, 0.82, 0.92)
    label_h, bar_h, gap = 11.0, 9.0, 9.0
    per_goal = label_h + 2 * bar_h + 2 + gap
    top_pad, bottom_pad = 16.0, 16.0
    height = top_pad + bottom_pad + per_goal * max(1, len(s.goals))
    d = Drawing(width, height)
    # Otherwise the renderer starts in Helvetica, and the PDF lists it as a page font.
    d.initialFontName = FONT  # type: ignore[attr-defined]  # real, not in types-reportlab
    d.initialFontSize = 7.5  # type: ignore[attr-defined]
    x0, x1 = 58.0, width - 50.0
    scale = x1 - x0

    def x_of(share: float) -> float:
        return x0 + scale * max(0.0, min(1.0, share))

    def text(x: float, y: float, value: str, size: float = 7.5) -> None:
        # On a white ground, so the dotted grid never runs through the words.
        d.add(rect(x - 1, y - 2, stringWidth(value, FONT, size) + 2, size + 2, fill=white, stroke=None))
        d.add(String(x, y, value, fontName=FONT, fontSize=size))

    # legend
    d.add(rect(x0, height - 10, 10, 6, fill=white, stroke=black, stroke_width=0.7))
    d.add(String(x0 + 14, height - 10, "Mål", fontName=FONT, fontSize=7.5))
    d.add(rect(x0 + 50, height - 10, 10, 6, fill=dark, stroke=None))
    d.add(String(x0 + 64, height - 10, "Resultat", fontName=FONT, fontSize=7.5))
    if any(
        not g.share.hidden and g.share.low is not None and g.share.high is not None and g.share.high - g.share.low > EPS
        for g in s.goals
    ):
        d.add(rect(x0 + 115, height - 10, 10, 6, fill=light, stroke=None))
        d.add(String(x0 + 129, height - 10, "Usikkert (interval ved sammenlægning)", fontName=FONT, fontSize=7.5))
    # scale
    for pct in (0, 25, 50, 75, 100):
        x = x_of(pct / 100)
        d.add(Line(x, bottom_pad - 2, x, bottom_pad, strokeColor=black, strokeWidth=0.5))
        d.add(String(x, bottom_pad - 11, f"{pct} %", fontName=FONT, fontSize=7, textAnchor="middle"))
    d.add(Line(x0, bottom_pad, x1, bottom_pad, strokeColor=black, strokeWidth=0.5))
    y = height - top_pad
    for g in s.goals:
        y -= label_h
        label = g.label
        while stringWidth(label, FONT_BOLD, 8) > width - 4 and len(label) > 4:
            label = label.removesuffix("…")[:-1].rstrip() + "…"
        d.add(String(0, y + 2, label, fontName=FONT_BOLD, fontSize=8))
        # grid behind the two bars only, so it never runs through a label
        for pct in (0, 25, 50, 75, 100):
            x = x_of(pct / 100)
            d.add(Line(x, y - 2 * bar_h - 3, x, y, strokeColor=grey, strokeWidth=0.3, strokeDashArray=[1, 2]))
        # target
        y -= bar_h
        d.add(String(0, y + 2, "Mål", fontName=FONT, fontSize=7.5))
        if g.target is not None:
            d.add(rect(x0, y + 1, x_of(g.target) - x0, bar_h - 2, fill=white, stroke=black, stroke_width=0.7))
            text(x_of(g.target) + 3, y + 2, fmt.percent(g.target, 1))
        else:
            text(x0 + 2, y + 2, "intet mål")
        # result
        y -= bar_h + 2
        d.add(String(0, y + 2, "Resultat", fontName=FONT, fontSize=7.5))
        share = g.share
        if share.low is None or share.high is None:
            text(x0 + 2, y + 2, "ingen at måle på")
        elif share.hidden:
            text(x0 + 2, y + 2, f"x (skjult: tal under {SMALL_MAX + 1})")
        else:
            if share.high - share.low > EPS:
                d.add(
                    rect(x_of(share.low), y + 1, x_of(share.high) - x_of(share.low), bar_h - 2, fill=light, stroke=None)
                )
            if share.low > 0:
                d.add(rect(x0, y + 1, x_of(share.low) - x0, bar_h - 2, fill=dark, stroke=None))
            text(x_of(share.high) + 3, y + 2, share.display)  # the status is in the table below
        y -= gap
    return d


def _pdf_table(
    title: str, header: Sequence[str], rows: Sequence[Sequence[str]], widths: Sequence[float], total_last: bool
) -> Any:
    from reportlab.platypus import Paragraph
    from reportlab.platypus import Table as PdfTable  # not the summary's `Table`

    from jobraad.pdf import escape, styles, table_style

    st = styles()
    cell = st["cell"]
    cell.fontSize, cell.leading = 7.5, 9
    bold = st["cell_bold"]
    bold.fontSize, bold.leading = 7.5, 9
    cell_r, bold_r = _right(cell), _right(bold)
    data = [[Paragraph(escape(title), bold), *(Paragraph(escape(h), bold_r) for h in header[1:])]]
    for row in rows:
        data.append([Paragraph(escape(str(v)), cell if i == 0 else cell_r) for i, v in enumerate(row)])
    commands: list[tuple[Any, ...]] = [
        ("LINEBELOW", (0, 0), (-1, 0), 0.5, "black"),
        ("ALIGN", (1, 0), (-1, -1), "RIGHT"),
        ("TOPPADDING", (0, 0), (-1, -1), 1),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 1),
        ("LEFTPADDING", (0, 0), (-1, -1), 2),
        ("RIGHTPADDING", (0, 0), (-1, -1), 2),
    ]
    if total_last:
        commands.append(("LINEABOVE", (0, -1), (-1, -1), 0.4, "black"))
    table = PdfTable(data, colWidths=list(widths), hAlign="LEFT")
    table.setStyle(table_style(*commands))
    return table


def _right(style: Any) -> Any:
    from reportlab.lib.enums import TA_RIGHT
    from reportlab.lib.styles import ParagraphStyle

    return ParagraphStyle("right", parent=style, alignment=TA_RIGHT)


def _pdf_build(s: Summary, out: BinaryIO) -> None:
    from reportlab.lib.units import mm
    from reportlab.platypus import KeepInFrame, Paragraph, Spacer
    from reportlab.platypus import Table as PdfTable  # not the summary's `Table`

    from jobraad.pdf import MARGINS, PAGE_SIZE, escape, make_footer, new_document, styles, table_style

    st = styles()
    doc = new_document(
        out,
        title=f"Teamopgørelse {s.meta.period.label}",
        footer=make_footer(f"Anonym teamopgørelse · jobraad {s.meta.program_version} · {s.meta.goal_set_name}"),
    )
    width = PAGE_SIZE[0] - MARGINS.left - MARGINS.right
    height = PAGE_SIZE[1] - MARGINS.top - MARGINS.bottom
    small = st["small"]
    story: list[Any] = [
        Paragraph("Teamopgørelse", st["title"]),
        Paragraph(escape(s.meta.goal_set_name), st["h1"]),
        Paragraph(escape(s.period_line), st["body"]),
    ]
    for note in s.notes:
        story.append(Paragraph(escape(note), small))

    hs = s.helaarspladser_share
    target = s.helaarspladser_target
    key_rows = [
        [f"Borgere i indsatsen i perioden ({s.meta.population})", s.population.display, ""],
        ["Heraf i målgruppen 2024", s.target_group.display, ""],
        [
            "Helårspladser brugt (borgerdage / 365)",
            s.helaarspladser.display,
            f"mål {fmt.number(target)} · {hs.display} af målet" if target is not None else "mål ikke fastsat",
        ],
        [
            "Median uger fra gruppe 3-forløbets start til afgørelse",
            s.decision.display,
            f"{s.decision.n.display} afgørelser",
        ],
        ["Gruppe 3 med forsinkede anmodninger om dokumentation", s.overdue_requests.display, ""],
    ]
    story.append(Spacer(1, 2 * mm))
    story.append(_pdf_table("Nøgletal", ["", "", ""], key_rows, [width * 0.58, width * 0.12, width * 0.30], False))
    story.append(Spacer(1, 3 * mm))
    story.append(Paragraph("Mål og resultat", st["h2"]))
    story.append(_goal_chart(s, width))
    goal_rows = [
        [
            g.label,
            g.numerator.display,
            g.denominator.display,
            g.share.display,
            fmt.percent(g.target, 1) if g.target is not None else "–",
            g.status,
        ]
        for g in s.goals
    ]
    story.append(
        _pdf_table(
            "Mål",
            ["", "Opnået", "I alt", "Resultat", "Mål", "Status"],
            goal_rows,
            [width * 0.42, width * 0.09, width * 0.09, width * 0.14, width * 0.08, width * 0.18],
            False,
        )
    )
    story.append(Spacer(1, 3 * mm))

    def breakdown(t: Table) -> Any:
        rows = [[r.label, r.count.display, t.share(r).display] for r in (*t.rows, t.total)]
        col = (width - 6 * mm) / 2
        return _pdf_table(t.title, ["", "Antal", "Andel"], rows, [col * 0.55, col * 0.17, col * 0.28], True)

    tables = list(s.tables)
    grid = [
        [breakdown(tables[i]), breakdown(tables[i + 1]) if i + 1 < len(tables) else ""]
        for i in range(0, len(tables), 2)
    ]
    layout = PdfTable(grid, colWidths=[width / 2, width / 2], hAlign="LEFT")
    layout.setStyle(
        table_style(
            ("LEFTPADDING", (0, 0), (-1, -1), 0),
            ("RIGHTPADDING", (0, 0), (-1, -1), 3 * mm),
            ("BOTTOMPADDING", (0, 0), (-1, -1), 3 * mm),
        )
    )
    story.append(layout)
    story.append(Paragraph(escape(s.anonymity_line), small))
    # One page, whatever the number of goals: shrink to fit rather than spill over.
    doc.build([KeepInFrame(width, height - 2, story, mode="shrink")])


def write_pdf(summary: Summary, path: Path, *, rules: OutputRules, replace: bool = False) -> None:
    """Save a one-page PDF: key figures, a bar chart of goals against results, the breakdowns."""
    suppressed = suppress(summary)
    write_output(Path(path), lambda fh: _pdf_build(suppressed, fh), rules, replace=replace)
