"""A report as a committee paper in PDF: tagged (PDF/UA-1), A4, made by WeasyPrint.

The paper is an HTML page (`reports/paper.html`) laid out with `paper.css`. Headings, tables
with header cells and captions, and the charts' text alternatives become the PDF's tags, so a
screen reader reads it as it reads the web page. Nothing is fetched while it is made: only
`data:` addresses are allowed.
"""

from __future__ import annotations

import base64
import re
from pathlib import Path

from django.template.loader import render_to_string
from weasyprint import CSS, HTML
from weasyprint.urls import URLFetcher

from reports.content import ReportContent, Row
from reports.outputs import Progress, paper, printable

STYLESHEET = Path(__file__).with_name("paper.css")
PDF_VARIANT = "pdf/ua-1"

# Drawn 540 units wide and printed 100 mm wide, a chart's 14-unit text comes out at about 7 pt.
CHART_WIDTH, CHART_HEIGHT = 540, 230


def render_pdf(content: ReportContent, *, draft: bool, progress: Progress | None = None) -> bytes:
    """The report as an accessible PDF; a draft carries a marker on every page."""
    step = progress or (lambda percent, words: None)
    content = printable(content)  # the same words as the Word and Excel files
    step(25, "Drawing the charts")
    html = HTML(string=paper_html(content, draft=draft), url_fetcher=_only_data_addresses())
    step(45, "Laying out the pages")
    stylesheets = [
        CSS(string=STYLESHEET.read_text(encoding="utf-8")),
        CSS(string=running_css(content, draft=draft)),
    ]
    document = html.render(stylesheets=stylesheets, pdf_variant=PDF_VARIANT)
    step(80, "Writing the PDF")
    return document.write_pdf(pdf_variant=PDF_VARIANT)


def paper_html(content: ReportContent, *, draft: bool) -> str:
    return render_to_string("reports/paper.html", _context(content, draft=draft))


def _only_data_addresses() -> URLFetcher:
    return URLFetcher(allowed_protocols={"data"})


def running_css(content: ReportContent, *, draft: bool) -> str:
    """The page margins' words: council and title at the top, meeting and page number below."""
    meeting = ", ".join(part for part in (content.committee, paper.meeting_date(content)) if part)
    rules = [
        f"@top-left {{ content: {_css_string(content.council)}; }}",
        f"@top-right {{ content: {_css_string(paper.full_title(content))}; }}",
        f"@bottom-left {{ content: {_css_string(meeting)}; }}",
    ]
    if draft:
        rules.append(f"@top-center {{ content: {_css_string(paper.DRAFT_MARKER)}; }}")
    return "@page { " + " ".join(rules) + " }"


def _css_string(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace('"', '\\"')
    return '"' + re.sub(r"[\r\n]+", " ", escaped) + '"'


def _context(content: ReportContent, *, draft: bool) -> dict:
    return {
        "content": content,
        "draft": draft,
        "draft_marker": paper.DRAFT_MARKER,
        "document_title": paper.document_title(content),
        "description": _description(content),
        "full_title": paper.full_title(content),
        "facts": paper.header_facts(content),
        "purpose": paper.paragraphs(content.purpose),
        "recommendations": paper.paragraphs(content.recommendations),
        "counts_sentence": paper.counts_sentence(content.statuses),
        "summary_narrative": paper.summary_narrative(content),
        "exception_lists": paper.exception_lists(content),
        "exception_headers": paper.EXCEPTION_HEADERS,
        "exception_numeric_columns": paper.EXCEPTION_NUMERIC_COLUMNS,
        "exceptions_commentary": paper.exceptions_commentary(content),
        "timeliness": paper.timeliness_lines(content.timeliness),
        "data_quality_lead": paper.data_quality_lead(content),
        "data_quality_lines": paper.data_quality_lines(content),
        "data_quality_footnotes": paper.quality_footnotes(content.data_qualities),
        "headers": paper.INDICATOR_HEADERS,
        "numeric_columns": paper.NUMERIC_COLUMNS,
        "sections": [
            {
                "title": section.title,
                "anchor": section.anchor,
                "counts_sentence": paper.counts_sentence(section.statuses),
                "introduction": paper.paragraphs(section.introduction),
                "narrative": paper.section_narrative(section),
                "items": [_item(row) for row in section.rows],
                "footnotes": paper.quality_footnotes(paper.qualities_of(section.rows)),
            }
            for section in content.sections
        ],
        "appendices": [
            {
                "heading": paper.appendix_heading(number, appendix.title),
                "anchor": appendix.anchor,
                "introduction": paper.paragraphs(appendix.introduction),
                "tables": appendix.tables,
            }
            for number, appendix in enumerate(content.appendices)
        ],
        "about": paper.about_paragraphs(content),
    }


def _description(content: ReportContent) -> str:
    to = f" to {content.committee}" if content.committee else ""
    return f"{content.council}: {content.kind_label.lower()}{to} for {content.period_label}"


# Officer's notes longer than this many characters go under the chart, at the page's width;
# shorter ones sit beside it in a column of their own, about as tall as the chart or a little
# taller (the column holds about 45 characters a line, the chart's height about 12 lines).
NOTES_BESIDE_CHART = 600


def notes_layout(row: Row, *, charted: bool) -> str:
    """'beside' the chart or 'under' it (where there is no chart, the notes fill the width)."""
    written = sum(len(label) + sum(map(len, text)) for label, text in paper.notes(row))
    return "beside" if charted and written <= NOTES_BESIDE_CHART else "under"


def _item(row: Row) -> dict:
    chart = row.chart(width=CHART_WIDTH, height=CHART_HEIGHT, paper=True)
    return {
        "layout": notes_layout(row, charted=chart is not None),
        "row": row,
        "figure": paper.figure_text(row),
        "quality": paper.quality_label(row),
        "target": paper.target_text(row),
        "direction_detail": paper.direction_detail(row),
        "figure_sentence": paper.figure_sentence(row),
        "notes": paper.notes(row),
        "spc": paper.spc_words(row),
        "chart": chart,
        "chart_src": _svg_address(chart.svg) if chart else "",
        "chart_alt": f"{chart.title}. {chart.description}" if chart else "",
    }


def _svg_address(svg: str) -> str:
    """The chart as a `data:` address for an image. An image's SVG is read by WeasyPrint's XML
    parser, not its HTML parser, and its hundreds of elements get no CSS styles computed: the
    same drawing, quicker to make (decision 0008). Its `alt` (the chart's title and description
    in words) is the PDF figure's alternate text."""
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode()).decode("ascii")
