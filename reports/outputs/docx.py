"""A report as an editable Word document, laid out as a committee paper.

The same content in the same order as the PDF (the words come from `paper`), with Word's own
heading styles so the navigation pane and a screen reader see the outline, table header rows
that repeat on each page, and the page number in the footer. Charts are given as their text
alternative and the latest figures: an officer editing the paper works with words.
"""

from __future__ import annotations

import io
from datetime import UTC, datetime

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK, WD_TAB_ALIGNMENT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor, Twips

from reports.content import ReportContent, Row, Section
from reports.outputs import Progress, paper, printable

FONT = "Arial"
TEXT = RGBColor(0x0B, 0x0C, 0x0C)
SECONDARY = RGBColor(0x50, 0x5A, 0x5F)
DRAFT_RED = RGBColor(0x94, 0x25, 0x14)
HEADER_FILL = "F3F2F1"
# GOV.UK tag colours, as in the PDF: the status word is always written in the cell.
STATUS_FILL = {
    "green": "CCE2D8",
    "amber": "FCD6C3",
    "red": "F4CDC6",
    "data_only": "E5E6E7",
    "pending": "BBD4EA",
    "missing": "DBD5E9",
}
HEADING_SIZES = {1: 20, 2: 14, 3: 12, 4: 11}
# Word keeps at most this many characters in a document property (its title, subject…).
PROPERTY_LENGTH = 255
# Widths of the indicator table's columns on a 170 mm wide page, in INDICATOR_HEADERS order.
INDICATOR_WIDTHS_MM = (38, 17, 17, 17, 15, 26, 22, 18)
# … and of an exceptions table, in EXCEPTION_HEADERS order.
EXCEPTION_WIDTHS_MM = (62, 20, 20, 17, 22, 29)
FOOTER_STYLE_TABS = (Twips(4680), Twips(9360))


def render_docx(content: ReportContent, *, draft: bool, progress: Progress | None = None) -> bytes:
    """The report as a Word document; a draft says so in every page's header."""
    step = progress or (lambda percent, words: None)
    content = printable(content)
    document = Document()
    _set_up(document, content, draft=draft)
    step(30, "Writing the summary")
    _front(document, content)
    _summary(document, content)
    _exceptions(document, content)
    _data_quality(document, content)
    for number, section in enumerate(content.sections):
        step(35 + 50 * number // max(len(content.sections), 1), f"Writing {section.title}")
        _section(document, content, section)
    step(85, "Writing the appendices")
    for number, appendix in enumerate(content.appendices):
        _page_break(document)
        _heading(document, paper.appendix_heading(number, appendix.title), 2)
        _paragraphs(document, paper.paragraphs(appendix.introduction))
        for table in appendix.tables:
            _table(
                document,
                caption=table.caption,
                headers=table.headers,
                rows=table.rows,
                numeric=set(table.numeric_columns),
            )
    _heading(document, "About this report", 2)
    _paragraphs(document, paper.about_paragraphs(content))
    data = io.BytesIO()
    document.save(data)
    return data.getvalue()


# The document's set-up: page, styles, properties, header and footer


def _set_up(document, content: ReportContent, *, draft: bool) -> None:
    section = document.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.left_margin = section.right_margin = Mm(20)
    section.top_margin, section.bottom_margin = Mm(22), Mm(20)
    section.header_distance = section.footer_distance = Mm(10)
    _styles(document)
    properties = document.core_properties
    properties.title = _property(paper.document_title(content))
    properties.author = _property(content.council)
    properties.last_modified_by = _property(content.council)
    properties.subject = _property(f"{content.kind_label} for {content.period_label}")
    properties.keywords = _property(
        ", ".join(
            part for part in ("performance report", content.committee, content.period_label) if part
        )
    )
    properties.language = "en-GB"
    properties.category = _property(content.kind_label)
    properties.comments = paper.DRAFT_MARKER if draft else ""
    properties.created = properties.modified = datetime.fromisoformat(content.built_at).astimezone(
        UTC
    )
    properties.revision = 1
    _header(section, content, draft=draft)
    _footer(section, content)


def _property(text: str) -> str:
    """A document property Word can hold: a long title is cut short, marked with an ellipsis
    (the full title is on the first page)."""
    if len(text) <= PROPERTY_LENGTH:
        return text
    return text[: PROPERTY_LENGTH - 1] + "…"


def _styles(document) -> None:
    styles = document.styles
    defaults = styles.element.find(qn("w:docDefaults"))
    run_defaults = defaults.find(qn("w:rPrDefault")).find(qn("w:rPr"))
    language = run_defaults.find(qn("w:lang"))
    if language is None:
        language = OxmlElement("w:lang")
        run_defaults.append(language)
    language.set(qn("w:val"), "en-GB")
    _font(styles["Normal"], size=11)
    styles["Normal"].paragraph_format.space_after = Pt(6)
    styles["Normal"].paragraph_format.line_spacing = 1.15
    for level, size in HEADING_SIZES.items():
        style = styles[f"Heading {level}"]
        _font(style, size=size, bold=True)
        style.paragraph_format.space_before = Pt(18 if level <= 2 else 12)
        style.paragraph_format.space_after = Pt(6)
        style.paragraph_format.keep_with_next = True
    for name in ("Header", "Footer"):
        _font(styles[name], size=8, colour=SECONDARY)
    _font(styles["Caption"], size=10, bold=True)
    styles["Caption"].font.italic = False
    styles["Caption"].paragraph_format.keep_with_next = True
    styles["Caption"].paragraph_format.space_after = Pt(3)


def _font(style, *, size: int, bold: bool | None = None, colour: RGBColor = TEXT) -> None:
    """Arial in the given size: the template's theme fonts are removed, or Word keeps them."""
    style.font.name = FONT
    style.font.size = Pt(size)
    style.font.color.rgb = colour  # replaces the template's theme colour
    if bold is not None:
        style.font.bold = bold
    fonts = style.element.get_or_add_rPr().get_or_add_rFonts()
    for theme in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        fonts.attrib.pop(qn(theme), None)
    fonts.set(qn("w:cs"), FONT)


def _header(section, content: ReportContent, *, draft: bool) -> None:
    header = section.header
    line = header.paragraphs[0]
    line.text = f"{content.council}  |  {paper.full_title(content)}"
    if draft:
        marker = header.add_paragraph()
        marker.alignment = WD_ALIGN_PARAGRAPH.CENTER
        run = marker.add_run(paper.DRAFT_MARKER.upper())
        run.bold = True
        run.font.size = Pt(10)
        run.font.color.rgb = DRAFT_RED


def _footer(section, content: ReportContent) -> None:
    footer = section.footer
    line = footer.paragraphs[0]
    meeting = ", ".join(part for part in (content.committee, paper.meeting_date(content)) if part)
    tabs = line.paragraph_format.tab_stops
    for position in FOOTER_STYLE_TABS:  # the template's, set for US Letter
        tabs.add_tab_stop(position, WD_TAB_ALIGNMENT.CLEAR)
    tabs.add_tab_stop(Mm(170), WD_TAB_ALIGNMENT.RIGHT)
    line.text = f"{meeting}\t"
    line.add_run("Page ")
    _field(line, "PAGE", "1")
    line.add_run(" of ")
    _field(line, "NUMPAGES", "1")


def _field(paragraph, instruction: str, placeholder: str) -> None:
    """A Word field (PAGE, NUMPAGES) that Word fills in when it lays out the page."""
    field = OxmlElement("w:fldSimple")
    field.set(qn("w:instr"), f" {instruction} ")
    run = OxmlElement("w:r")
    text = OxmlElement("w:t")
    text.text = placeholder
    run.append(text)
    field.append(run)
    paragraph._p.append(field)


# The paper's parts, in order


def _front(document, content: ReportContent) -> None:
    council = document.add_paragraph()
    run = council.add_run(content.council)
    run.bold = True
    run.font.size = Pt(16)
    facts = paper.header_facts(content)
    if facts:
        table = document.add_table(rows=0, cols=2)
        table.style = "Table Grid"
        table.alignment = WD_TABLE_ALIGNMENT.LEFT
        for label, value in facts:
            cells = table.add_row().cells
            _cell_text(cells[0], label, bold=True)
            _cell_text(cells[1], value)
            cells[0].width, cells[1].width = Mm(45), Mm(125)
            _shade(cells[0], HEADER_FILL)
    _heading(document, paper.full_title(content), 1)
    _heading(document, "Purpose of the report", 2)
    _paragraphs(document, paper.paragraphs(content.purpose), empty="No purpose has been given.")
    _heading(document, "Recommendations", 2)
    recommendations = paper.paragraphs(content.recommendations)
    if len(recommendations) > 1:
        for text in recommendations:
            document.add_paragraph(text, style="List Number")
    else:
        _paragraphs(document, recommendations, empty="No recommendations have been given.")


def _summary(document, content: ReportContent) -> None:
    """The one-page summary, on the first page with the header block as in the PDF."""
    _heading(document, "Summary", 2)
    document.add_paragraph(paper.counts_sentence(content.statuses))
    for heading, text, fact in paper.summary_narrative(content):
        _heading(document, heading, 3)
        _paragraphs(document, text, empty="Nothing has been written.")
        if fact:
            document.add_paragraph().add_run(fact).bold = True
    _heading(document, "Indicators at a glance", 3)
    _counts_table(document, "By status", content.status_counts, shaded=True)
    _counts_table(document, "By direction of travel", content.direction_counts, shaded=False)
    _heading(document, "Timeliness", 3)
    document.add_paragraph(" ".join(paper.timeliness_lines(content.timeliness)))


def _counts_table(document, caption: str, counts, *, shaded: bool) -> None:
    document.add_paragraph(caption, style="Caption")
    table = document.add_table(rows=2, cols=len(counts))
    table.style = "Table Grid"
    for column, (slug, label, count) in enumerate(counts):
        _cell_text(table.rows[0].cells[column], label, bold=True, size=9, centre=True)
        _cell_text(table.rows[1].cells[column], str(count), bold=True, size=12, centre=True)
        _shade(table.rows[0].cells[column], STATUS_FILL[slug] if shaded else HEADER_FILL)
    _repeat_header(table.rows[0])
    document.add_paragraph()


def _exceptions(document, content: ReportContent) -> None:
    """The exceptions as a table per kind, after any words of the officer's own."""
    _page_break(document)
    _heading(document, "Exceptions", 2)
    _paragraphs(document, paper.exceptions_commentary(content))
    if not content.exceptions.any:
        document.add_paragraph("No indicator is Red, worsening, of concern or missing this period.")
        return
    for found in paper.exception_lists(content):
        if not found.rows:
            line = document.add_paragraph()
            line.add_run(f"{found.heading} (0): ").bold = True
            line.add_run("none.")
            continue
        _table(
            document,
            caption=f"{found.heading} ({len(found.rows)})",
            headers=paper.EXCEPTION_HEADERS,
            rows=[paper.exception_cells(row) for row in found.rows],
            numeric=set(paper.EXCEPTION_NUMERIC_COLUMNS),
            widths=EXCEPTION_WIDTHS_MM,
            statuses=[row.rag for row in found.rows],
            size=9,
        )


def _data_quality(document, content: ReportContent) -> None:
    """The data quality note: every figure that is not final, and what its marker means."""
    _heading(document, "Data quality", 2)
    document.add_paragraph(paper.data_quality_lead(content))
    for line in paper.data_quality_lines(content):
        item = document.add_paragraph(line, style="List Bullet")
        item.paragraph_format.space_after = Pt(0)
    for footnote in paper.quality_footnotes(content.data_qualities):
        _quiet(document.add_paragraph(), footnote)


def _section(document, content: ReportContent, section: Section) -> None:
    _heading(document, section.title, 2)
    document.add_paragraph(paper.counts_sentence(section.statuses))
    _paragraphs(document, paper.paragraphs(section.introduction))
    for label, text in paper.section_narrative(section):
        _labelled(document, label, text)
    _table(
        document,
        caption=f"Indicators for {section.title}, {content.period_label}",
        headers=paper.INDICATOR_HEADERS,
        rows=[paper.indicator_cells(row) for row in section.rows],
        numeric=set(paper.NUMERIC_COLUMNS),
        widths=INDICATOR_WIDTHS_MM,
        statuses=[row.rag for row in section.rows],
        size=8,
    )
    for footnote in paper.quality_footnotes(paper.qualities_of(section.rows)):
        _quiet(document.add_paragraph(), footnote)
    for row in section.rows:
        _indicator(document, row)


def _indicator(document, row: Row) -> None:
    _heading(document, f"{row.code} {row.title}", 3)
    line = document.add_paragraph()
    line.add_run(row.rag_label).bold = True
    line.add_run(f" – {paper.figure_sentence(row)}")
    notes = paper.notes(row)
    for label, text in notes:
        _labelled(document, label, text)
    if not notes:
        _quiet(document.add_paragraph(), "No commentary was given with this figure.")
    _quiet(document.add_paragraph(), f"Variation and assurance: {paper.spc_words(row)}.")
    chart = row.chart(paper=True)  # its description only
    if chart is not None:
        description = document.add_paragraph()
        description.add_run("Chart: ").bold = True
        description.add_run(chart.description)
        recent = paper.recent_figures(row)
        if recent:
            _quiet(document.add_paragraph(), recent)


# Building blocks


def _heading(document, text: str, level: int) -> None:
    document.add_heading(text, level=level)


def _paragraphs(document, texts: list[str], *, empty: str = "") -> None:
    for text in texts:
        document.add_paragraph(text)
    if not texts and empty:
        _quiet(document.add_paragraph(), empty)


def _labelled(document, label: str, texts: list[str]) -> None:
    first = document.add_paragraph()
    first.add_run(f"{label}: ").bold = True
    first.add_run(texts[0] if texts else "")
    for text in texts[1:]:
        document.add_paragraph(text)


def _quiet(paragraph, text: str) -> None:
    run = paragraph.add_run(text)
    run.font.color.rgb = SECONDARY
    run.font.size = Pt(9)


def _page_break(document) -> None:
    document.add_paragraph().add_run().add_break(WD_BREAK.PAGE)


def _table(
    document,
    *,
    caption: str,
    headers,
    rows,
    numeric: set[int],
    widths=None,
    statuses=None,
    size: int = 9,
) -> None:
    document.add_paragraph(caption, style="Caption")
    table = document.add_table(rows=1, cols=len(headers))
    table.style = "Table Grid"
    table.autofit = widths is None
    for column, header in enumerate(headers):
        cell = table.rows[0].cells[column]
        _cell_text(cell, header, bold=True, size=size, right=column in numeric)
        _shade(cell, HEADER_FILL)
    _repeat_header(table.rows[0])
    status_column = list(headers).index("Status") if statuses else None
    for number, cells in enumerate(rows):
        row = table.add_row()
        _keep_together(row)
        for column, text in enumerate(cells):
            cell = row.cells[column]
            _cell_text(cell, text, size=size, right=column in numeric, bold=column == status_column)
            if column == status_column:
                _shade(cell, STATUS_FILL.get(statuses[number], HEADER_FILL))
    if not rows:
        cell = table.add_row().cells[0].merge(table.rows[-1].cells[-1])
        _cell_text(cell, "Nothing to show.", size=size)
    if widths:
        for row in table.rows:
            for cell, width in zip(row.cells, widths, strict=False):
                cell.width = Mm(width)
    document.add_paragraph()


def _cell_text(
    cell,
    text: str,
    *,
    bold: bool = False,
    size: int = 10,
    right: bool = False,
    centre: bool = False,
) -> None:
    paragraph = cell.paragraphs[0]
    paragraph.paragraph_format.space_after = Pt(0)
    if right:
        paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    elif centre:
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = paragraph.add_run(text)
    run.bold = bold
    run.font.size = Pt(size)


def _shade(cell, fill: str) -> None:
    shading = OxmlElement("w:shd")
    shading.set(qn("w:val"), "clear")
    shading.set(qn("w:color"), "auto")
    shading.set(qn("w:fill"), fill)
    cell._tc.get_or_add_tcPr().append(shading)


def _repeat_header(row) -> None:
    """Mark the row as the table's header: Word repeats it on each page, and reads it as such."""
    marker = OxmlElement("w:tblHeader")
    marker.set(qn("w:val"), "true")
    row._tr.get_or_add_trPr().append(marker)


def _keep_together(row) -> None:
    marker = OxmlElement("w:cantSplit")
    marker.set(qn("w:val"), "true")
    row._tr.get_or_add_trPr().append(marker)
