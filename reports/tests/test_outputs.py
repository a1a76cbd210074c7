"""A report's files: the PDF committee paper, the Word document and the Excel workbook.

Most tests read back the files made from a small report built by hand (`samples`), with the
tools a reader would use: poppler's pdftotext and pdfinfo for the PDF, python-docx and openpyxl
for the others. One test makes the demo council's Cabinet report for Q2 2026/27.
"""

import datetime
import io
import itertools
import re
import shutil
import subprocess
import zlib
from pathlib import Path

import docx
import openpyxl
import pytest
import time_machine
from django.core.management import call_command
from django.utils import timezone
from docx.oxml.ns import qn

from reports.building import build_content
from reports.content import Appendix, Exceptions, Table
from reports.outputs import make, paper
from reports.outputs.docx import render_docx
from reports.outputs.pdf import render_pdf
from reports.outputs.xlsx import render_xlsx
from reports.tests import samples

needs_poppler = pytest.mark.skipif(
    not (shutil.which("pdftotext") and shutil.which("pdfinfo")),
    reason="poppler-utils (pdftotext, pdfinfo) is not installed",
)

MARKER = paper.DRAFT_MARKER.lower()


# Reading the files back


def pdf_path(data: bytes, directory: Path, name: str) -> Path:
    path = directory / name
    path.write_bytes(data)
    return path


def pdf_pages(path: Path) -> list[str]:
    """Each page's text in the order it was written (the HTML's), whitespace collapsed."""
    text = subprocess.run(
        ["pdftotext", "-raw", "-enc", "UTF-8", str(path), "-"], check=True, capture_output=True
    ).stdout.decode()
    return [" ".join(page.split()) for page in text.split("\f")[:-1]]


def pdf_info(path: Path, *options: str) -> str:
    return subprocess.run(
        ["pdfinfo", *options, str(path)], check=True, capture_output=True
    ).stdout.decode()


def pdf_headings(path: Path) -> list[tuple[int, str]]:
    """The PDF's heading tags (H1…H6) with their text, in reading order."""
    headings: list[tuple[int, int, list[str]]] = []
    current = None
    for line in pdf_info(path, "-struct-text").splitlines():
        indent, stripped = len(line) - len(line.lstrip()), line.strip()
        if found := re.fullmatch(r"H([1-6]) \(block\)", stripped):
            current = (int(found[1]), indent, [])
            headings.append(current)
        elif current and indent > current[1]:
            if stripped.startswith('"'):
                current[2].append(stripped[1:-1])
        else:
            current = None
    return [(level, " ".join(" ".join(parts).split())) for level, _, parts in headings]


def pdf_objects(data: bytes) -> bytes:
    """The PDF's bytes with every compressed stream (object streams too) inflated."""
    inflated = [data]
    for stream in re.finditer(rb"stream\r?\n(.*?)\r?\nendstream", data, re.S):
        try:
            inflated.append(zlib.decompress(stream[1]))
        except zlib.error:
            continue
    return b"\n".join(inflated)


def pdf_strings(objects: bytes, key: bytes) -> list[str]:
    """The text of every `/Key (…)` or `/Key <…>` string."""
    found = []
    pattern = rb"/" + key + rb"\s*(\((?:\\.|[^\\)])*\)|<[0-9A-Fa-f]*>)"
    for raw in re.findall(pattern, objects):
        if raw.startswith(b"<"):
            data = bytes.fromhex(raw[1:-1].decode())
        else:
            data = re.sub(rb"\\(.)", rb"\1", raw[1:-1])
        if data.startswith(b"\xfe\xff"):
            found.append(data[2:].decode("utf-16-be"))
        else:
            found.append(data.decode("latin-1"))
    return found


def docx_headings(document) -> list[tuple[int, str]]:
    return [
        (int(paragraph.style.name.removeprefix("Heading ")), paragraph.text)
        for paragraph in document.paragraphs
        if paragraph.style.name.startswith("Heading ")
    ]


def docx_table(document, caption: str) -> list[list[str]]:
    """The rows of the table that follows the caption paragraph `caption`, as cell texts."""
    captions = [p for p in document.paragraphs if p.style.name == "Caption" and p.text == caption]
    assert captions, caption
    following = captions[0]._p.getnext()
    table = next(t for t in document.tables if t._tbl is following)
    return [[cell.text for cell in row.cells] for row in table.rows]


# The files of the sample report, made once


@pytest.fixture(scope="module")
def content():
    return samples.sample_content()


@pytest.fixture(scope="module")
def pdf_files(content, tmp_path_factory):
    directory = tmp_path_factory.mktemp("pdf")
    final = render_pdf(content, draft=False)
    draft = render_pdf(content, draft=True)
    return {
        "final": (final, pdf_path(final, directory, "final.pdf")),
        "draft": (draft, pdf_path(draft, directory, "draft.pdf")),
    }


@pytest.fixture(scope="module")
def word(content):
    return docx.Document(io.BytesIO(render_docx(content, draft=False)))


@pytest.fixture(scope="module")
def workbook(content):
    return openpyxl.load_workbook(io.BytesIO(render_xlsx(content, draft=False)))


# The PDF


@needs_poppler
def test_the_pdf_is_real_text_with_the_papers_header_sections_figures_and_appendix(pdf_files):
    _, path = pdf_files["final"]
    text = " ".join(pdf_pages(path))

    for words in (
        samples.COUNCIL,
        f"Report to {samples.COMMITTEE}",
        "Date of meeting Wednesday 16 December 2026",
        "Report of Director of Resources",
        "Contact officer Alex Morgan",
        f"{samples.TITLE}: {samples.PERIOD}",
        "Purpose of the report",
        "Recommendations",
        "What is going well",
        "Recycling rose to 48.9% in Q2 2026/27.",
        *samples.SECTION_TITLES,
        f"Appendix A: {samples.APPENDIX_TITLE}",
        samples.APPENDIX_CAPTION,
        "Workforce capacity",
        "About this report",
    ):
        assert words in text, words
    # Each indicator's figure and status, in words.
    assert "48.9% against a target of 50.0%" in text
    assert "240 against a target of 200 in September 2026" in text
    assert "£1,234,567" in text
    assert "No figure" in text
    for status in ("Green", "Amber", "Red", "Missing"):
        assert status in text
    # Roll-up, what the figures say and timeliness on the summary page; the exceptions'
    # tables are read in test_outputs_paper.
    assert "4 indicators: 1 Green, 1 Amber, 1 Red and 1 Missing." in text
    assert "1 of the 4 indicators is Green; 2 are improving." in text
    assert "2 indicators need attention (1 Red, 1 worsening, 1 special cause of concern" in text
    assert "Officers have recorded actions for 1 of the 2 indicators needing attention" in text
    assert "26 days after the end of the period" in text


@needs_poppler
def test_the_pdf_is_tagged_with_its_title_author_and_language(pdf_files):
    data, path = pdf_files["final"]
    info = pdf_info(path)

    assert re.search(r"^Tagged:\s+yes$", info, re.M)
    assert re.search(
        rf"^Title:\s+{re.escape(samples.TITLE)}: Q2 2026/27 – {samples.COMMITTEE} – "
        rf"{samples.COUNCIL}$",
        info,
        re.M,
    )
    assert re.search(rf"^Author:\s+{samples.COUNCIL}$", info, re.M)
    assert re.search(r"^Page size:.*\(A4\)$", info, re.M)
    objects = pdf_objects(data)
    assert pdf_strings(objects, b"Lang") == ["en-GB"]
    assert b"pdfuaid:part" in objects  # PDF/UA identification in the XMP metadata
    assert b"/DisplayDocTitle true" in objects


@needs_poppler
def test_the_pdfs_headings_start_with_h1_and_never_skip_a_level(pdf_files):
    _, path = pdf_files["final"]
    headings = pdf_headings(path)

    assert headings[0] == (1, f"{samples.TITLE}: {samples.PERIOD}")
    assert [level for level, _ in headings].count(1) == 1
    for (before, _), (level, text) in itertools.pairwise(headings):
        assert level <= before + 1, text
    assert (2, samples.SECTION_TITLES[0]) in headings
    assert (3, "GRN-02 Fly-tipping incidents reported") in headings


@needs_poppler
def test_the_pdfs_tables_have_header_cells_and_captions(pdf_files):
    _, path = pdf_files["final"]
    tags = pdf_info(path, "-struct")

    assert tags.count("Table") >= 5  # header block, two counts, two sections, the appendix
    assert tags.count("Caption") >= 5
    assert re.search(r"^\s+TH\b", tags, re.M)


@needs_poppler
def test_each_chart_is_a_figure_whose_alternative_text_describes_it(pdf_files, content):
    data, path = pdf_files["final"]
    charted = [row for row in content.rows() if row.series]

    alternatives = pdf_strings(pdf_objects(data), b"Alt")

    assert len(alternatives) == len(charted) == 2
    for row in charted:
        chart = row.chart()
        assert any(chart.description in alt for alt in alternatives), row.code
    assert pdf_info(path, "-struct").count("Figure") == len(charted)


@needs_poppler
def test_a_draft_says_so_on_every_page_and_an_approved_report_nowhere(pdf_files):
    draft_pages = pdf_pages(pdf_files["draft"][1])
    final_pages = pdf_pages(pdf_files["final"][1])

    assert len(draft_pages) == len(final_pages) > 3
    assert all(MARKER in page.lower() for page in draft_pages)
    assert not any(MARKER in page.lower() for page in final_pages)


@needs_poppler
def test_every_page_has_the_running_header_and_page_x_of_y(pdf_files):
    pages = pdf_pages(pdf_files["final"][1])

    for number, page in enumerate(pages, start=1):
        assert f"Page {number} of {len(pages)}" in page
        assert f"{samples.COUNCIL} {samples.TITLE}: {samples.PERIOD}" in page
        assert f"{samples.COMMITTEE}, Wednesday 16 December 2026" in page


@needs_poppler
def test_narrative_is_printed_as_written_never_as_markup(pdf_files):
    text = " ".join(pdf_pages(pdf_files["final"][1]))

    assert "<b>not bold</b>" in text
    assert samples.INJECTED in text


def test_making_a_pdf_reports_its_progress_between_20_and_95(content):
    steps = []

    data = render_pdf(content, draft=True, progress=lambda percent, words: steps.append(percent))

    assert data.startswith(b"%PDF-1.7")
    assert steps == sorted(steps)
    assert steps and all(20 <= percent <= 95 for percent in steps)


# The Word document


@needs_poppler
def test_the_word_document_has_the_pdfs_headings_in_the_same_order(word, pdf_files):
    assert docx_headings(word) == pdf_headings(pdf_files["final"][1])


def test_the_word_document_starts_with_the_committee_paper_header(word):
    council, *_ = word.paragraphs
    facts = [[cell.text for cell in row.cells] for row in word.tables[0].rows]

    assert council.text == samples.COUNCIL
    assert facts == [
        ["Report to", samples.COMMITTEE],
        ["Date of meeting", "Wednesday 16 December 2026"],
        ["Report of", "Director of Resources"],
        ["Contact officer", "Alex Morgan, Performance Manager, performance@example.gov.uk"],
        ["Period covered", samples.PERIOD],
    ]
    numbered = [p.text for p in word.paragraphs if p.style.name == "List Number"]
    assert numbered[1] == "That the committee asks for a report on fly-tipping at its next meeting."


def test_the_word_documents_indicator_tables_hold_each_row_and_figure(word, content):
    for section in content.sections:
        rows = docx_table(word, f"Indicators for {section.title}, {samples.PERIOD}")

        assert rows[0] == list(paper.INDICATOR_HEADERS)
        assert rows[1:] == [paper.indicator_cells(row) for row in section.rows]
    greener = docx_table(word, f"Indicators for {samples.SECTION_TITLES[0]}, {samples.PERIOD}")
    assert greener[2][:5] == [
        "GRN-02 Fly-tipping incidents reported",
        "September 2026",
        "240",
        "200",
        "Red",
    ]
    assert greener[2][5] == "Worsening from 183 in August 2026 (previous period)"


def test_every_word_table_repeats_its_header_row_on_each_page(word):
    for table in word.tables[1:]:  # the header block has no header row
        first = table.rows[0]._tr.trPr

        assert first is not None
        assert first.find(qn("w:tblHeader")) is not None


def test_the_word_document_knows_its_title_author_and_language(word):
    properties = word.core_properties
    defaults = word.styles.element.find(qn("w:docDefaults"))

    assert (
        properties.title == f"{samples.TITLE}: Q2 2026/27 – {samples.COMMITTEE} – {samples.COUNCIL}"
    )
    assert properties.author == samples.COUNCIL
    assert properties.language == "en-GB"
    assert defaults.find(".//" + qn("w:lang")).get(qn("w:val")) == "en-GB"


def test_the_word_footer_numbers_pages_and_only_a_drafts_header_says_draft(word, content):
    draft = docx.Document(io.BytesIO(render_docx(content, draft=True)))
    footer = word.sections[0].footer._element
    instructions = [f.get(qn("w:instr")).strip() for f in footer.iter(qn("w:fldSimple"))]

    assert instructions == ["PAGE", "NUMPAGES"]
    assert "DRAFT" not in " ".join(p.text for p in word.sections[0].header.paragraphs)
    assert paper.DRAFT_MARKER.upper() in [p.text for p in draft.sections[0].header.paragraphs]
    assert draft.core_properties.comments == paper.DRAFT_MARKER


def test_the_word_document_gives_each_chart_in_words(word, content):
    text = "\n".join(p.text for p in word.paragraphs)

    for row in content.rows():
        chart = row.chart()
        if chart is not None:
            assert f"Chart: {chart.description}" in text
    assert "Recent figures – " in text
    assert "Sept 2026: 240" in text


def test_the_word_document_has_the_appendix_table(word):
    rows = docx_table(word, samples.APPENDIX_CAPTION)

    assert rows[0] == ["Risk", "Score", "Owner", "Budget at risk"]
    assert rows[1] == ["Workforce capacity", "16", "Chief Executive", "£1,200"]


# The Excel workbook


def test_the_workbook_has_a_summary_the_indicators_and_each_appendix_table(workbook):
    assert workbook.sheetnames == ["Summary", "Indicators", samples.APPENDIX_CAPTION]
    summary = [
        [cell for cell in row if cell is not None]
        for row in workbook["Summary"].iter_rows(values_only=True)
    ]
    assert [f"{samples.TITLE}: {samples.PERIOD}"] in summary
    assert ["Report to", samples.COMMITTEE] in summary
    assert ["Red", 1] in summary
    assert ["Missing", 1] in summary
    assert ["Total", 4] in summary
    assert [
        "Red: outside the tolerance of their target",
        "GRN-02 Fly-tipping incidents reported",
        240,
        200,
        "Red",
    ] in summary


def test_the_indicators_sheet_stores_figures_as_numbers_with_their_units(workbook):
    sheet = workbook["Indicators"]
    headers = [cell.value for cell in sheet[2]]
    rows = {row[1].value: row for row in sheet.iter_rows(min_row=3)}
    figure = headers.index("Figure")

    assert list(rows) == ["GRN-01", "GRN-02", "RES-01", "RES-02"]
    recycling = rows["GRN-01"]
    assert recycling[figure].value == pytest.approx(48.9)
    assert recycling[figure].data_type == "n"
    assert recycling[figure].number_format == '#,##0.0"%"'
    assert recycling[headers.index("Target")].value == 50
    assert recycling[headers.index("Comparison figure")].value == pytest.approx(48.5)
    assert recycling[headers.index("Same period last year")].value == pytest.approx(46.8)
    assert recycling[headers.index("Section")].value == samples.SECTION_TITLES[0]
    assert recycling[headers.index("Status")].value == "Amber"
    assert recycling[headers.index("Variation")].value == "Special cause – improving (high)"
    assert rows["RES-02"][figure].value == 1234567
    assert rows["RES-02"][figure].number_format == '"£"#,##0'
    assert rows["RES-01"][figure].value is None
    assert rows["RES-01"][headers.index("Status")].value == "Missing"


def test_the_table_sheets_have_bold_frozen_filtered_headers_and_widths(workbook):
    for name in ("Indicators", samples.APPENDIX_CAPTION):
        sheet = workbook[name]

        assert sheet.freeze_panes == "A3"
        assert sheet.auto_filter.ref.startswith("A2:")
        assert all(cell.font.bold for cell in sheet[2] if cell.value)
        assert sheet.column_dimensions["A"].width >= 12


def test_text_that_a_spreadsheet_would_run_as_a_formula_is_kept_as_text(workbook):
    risks = workbook[samples.APPENDIX_CAPTION]
    indicators = workbook["Indicators"]
    commentary = [cell.value for cell in indicators[2]].index("Commentary")
    injected, score, owner, budget = (cell for cell in risks[4])

    assert injected.value == "'" + samples.INJECTED
    assert injected.data_type == "s"
    assert owner.value == "'-1+1"
    # Numbers, negative ones too, stay numbers.
    assert score.value == 20
    assert budget.value == -3500
    assert budget.number_format == '"£"#,##0'
    assert indicators.cell(6, commentary + 1).value.startswith("'=HYPERLINK(")


# Data quality: GRN-01 provisional and RES-02 estimated when the report was approved


@pytest.fixture(scope="module")
def marked():
    content = samples.sample_content(
        approved_at="2026-11-20T10:00:00+00:00", approved_by="Dee Rector"
    )
    by_code = {row.code: row for row in content.rows()}
    by_code["GRN-01"].data_quality = "provisional"
    by_code["RES-02"].data_quality = "estimated"
    return content


PROVISIONAL_FOOTNOTE = "Provisional: may change when final data are available."
ESTIMATED_FOOTNOTE = "Estimated: worked out from incomplete data"
NOTE_LEAD = "When this report was approved on 20 November 2026, 2 figures in it were not final:"


@needs_poppler
def test_the_pdf_marks_figures_that_are_not_final_and_lists_them_in_its_note(marked, tmp_path):
    text = " ".join(pdf_pages(pdf_path(render_pdf(marked, draft=False), tmp_path, "m.pdf")))

    note = text[text.index("Data quality") :]
    assert note.startswith(
        f"Data quality {NOTE_LEAD} "
        "GRN-01 Household waste recycled, Q2 2026/27: 48.9% (provisional) "
        "RES-02 Council tax collected, Q2 2026/27: £1,234,567 (estimated) "
        f"{PROVISIONAL_FOOTNOTE} {ESTIMATED_FOOTNOTE}"
    )
    # Beside the figure in the section's table, with the footnote under it, and in words.
    assert "48.9% Provisional 50.0% Amber" in text
    assert "£1,234,567 Estimated £1,200,000 Green" in text
    assert "48.9% (provisional) against a target of 50.0%" in text
    assert text.count(PROVISIONAL_FOOTNOTE) == 3  # the note, the section, About this report


@needs_poppler
def test_a_pdf_of_final_figures_marks_none_and_says_so(pdf_files):
    text = " ".join(pdf_pages(pdf_files["final"][1]))

    assert "Data quality Every figure in this report is final." in text
    assert "Provisional" not in text.replace(PROVISIONAL_FOOTNOTE, "")
    assert "(provisional)" not in text and "Estimated" not in text.replace("Estimated:", "")


def test_the_word_document_marks_and_lists_the_same_figures(marked):
    word = docx.Document(io.BytesIO(render_docx(marked, draft=False)))
    paragraphs = [p.text for p in word.paragraphs]
    greener = docx_table(word, f"Indicators for {samples.SECTION_TITLES[0]}, {samples.PERIOD}")
    well_run = docx_table(word, f"Indicators for {samples.SECTION_TITLES[1]}, {samples.PERIOD}")

    start = paragraphs.index("Data quality")
    assert paragraphs[start + 1 : start + 5] == [
        NOTE_LEAD,
        "GRN-01 Household waste recycled, Q2 2026/27: 48.9% (provisional)",
        "RES-02 Council tax collected, Q2 2026/27: £1,234,567 (estimated)",
        PROVISIONAL_FOOTNOTE,
    ]
    assert greener[1][2] == "48.9% (Provisional)" and greener[2][2] == "240"
    assert well_run[2][2] == "£1,234,567 (Estimated)"
    assert PROVISIONAL_FOOTNOTE in paragraphs  # under the section's table too
    assert any(text.startswith("Amber – 48.9% (provisional) against") for text in paragraphs)


def test_the_workbook_has_a_data_quality_column_and_note(marked, workbook):
    book = openpyxl.load_workbook(io.BytesIO(render_xlsx(marked, draft=False)))
    sheet = book["Indicators"]
    headers = [cell.value for cell in sheet[2]]
    quality = {
        row[1].value: row[headers.index("Data quality")].value for row in sheet.iter_rows(min_row=3)
    }
    summary = [
        [cell for cell in row if cell is not None]
        for row in book["Summary"].iter_rows(values_only=True)
    ]

    assert headers[headers.index("Figure") + 1] == "Data quality"
    assert quality == {
        "GRN-01": "Provisional",
        "GRN-02": "Final",
        "RES-01": None,
        "RES-02": "Estimated",
    }
    assert ["Data quality", NOTE_LEAD] in summary
    assert ["GRN-01 Household waste recycled", "Q2 2026/27", 48.9, "Provisional"] in summary
    assert [PROVISIONAL_FOOTNOTE] in summary
    # The unmarked sample's workbook says every figure is final.
    final = [
        [c for c in row if c is not None] for row in workbook["Summary"].iter_rows(values_only=True)
    ]
    assert ["Data quality", "Every figure in this report is final."] in final


# The demo council's Cabinet report


@needs_poppler
@pytest.mark.django_db
def test_the_demo_cabinet_report_names_every_indicator_in_its_pdf_and_word_files(tmp_path):
    from reports.models import OutputFormat, Report, ReportOutput

    today = datetime.date(2026, 11, 24)
    with time_machine.travel(datetime.datetime(2026, 11, 24, 9, tzinfo=datetime.UTC)):
        call_command("load_demo", "--today", today.isoformat(), verbosity=0)
        # The demo's draft for the Cabinet meeting of 16 December.
        report = Report.objects.get(
            kind="committee", committee__code="cabinet", period__code="2026-27-Q2"
        )
        content = build_content(report, today=today)
        codes = [row.code for row in content.rows()]
        pdf = pdf_path(render_pdf(content, draft=True), tmp_path, "cabinet.pdf")
        document = docx.Document(io.BytesIO(render_docx(content, draft=True)))
        output = ReportOutput.objects.create(
            report=report, format=OutputFormat.XLSX, is_draft=True, requested_at=timezone.now()
        )
        made = make(output.pk)
        # The approved annual report, made from its frozen snapshot.
        annual = Report.objects.get(kind="annual", period__code="2025-26")
        annual_output = ReportOutput.objects.create(
            report=annual,
            format=OutputFormat.PDF,
            is_draft=False,
            content_hash=annual.snapshot_hash,
            requested_at=timezone.now(),
        )
        annual_made = make(annual_output.pk)

    assert annual_made.state == "done"
    annual_text = " ".join(pdf_pages(Path(annual_made.file.path)))
    assert "Annual performance report" in annual_text and "2025/26" in annual_text
    assert "DRAFT" not in annual_text
    assert all(row["code"] in annual_text for s in annual.snapshot["sections"] for row in s["rows"])
    assert len(codes) > 30
    text = " ".join(pdf_pages(pdf))
    for row in content.rows():
        assert f"{row.code} {row.title}" in text, row.code
    assert "Report to Cabinet" in text
    word_text = "\n".join(p.text for p in document.paragraphs)
    word_codes = {
        cell.text.split(" ")[0]
        for table in document.tables
        for row in table.rows[1:]
        for cell in row.cells[:1]
    }
    assert set(codes) <= word_codes
    assert all(f"{code} " in word_text for code in codes)
    assert [text for level, text in docx_headings(document) if level == 3][-len(codes) :] == [
        f"{row.code} {row.title}" for row in content.rows()
    ]
    assert made.state == "done"
    workbook = openpyxl.load_workbook(made.file.path)
    indicator_codes = [
        row[1] for row in workbook["Indicators"].iter_rows(min_row=3, values_only=True)
    ]
    assert sorted(set(indicator_codes)) == sorted(codes)


# A bare report: no committee, meeting, narrative, timeliness or rows; any appendix


@pytest.fixture(scope="module")
def bare():
    return samples.sample_content(
        kind="area",
        kind_label="Area of interest report",
        committee="",
        meeting_starts_at=None,
        report_of="",
        contact="",
        purpose="",
        recommendations="",
        going_well="",
        not_going_well="",
        being_done="",
        exceptions_text="",
        timeliness=None,
        sections=[samples.section("Nothing yet", "nothing", [])],
        statuses={},
        directions={},
        exceptions=Exceptions(),
        appendices=[
            Appendix(title="Finance", anchor="finance", introduction="Money.\r\n\r\nMore."),
            Appendix(
                title="Change programmes",
                anchor="change",
                tables=[
                    Table(caption="Projects", headers=["Project", "Status"], rows=[]),
                    Table(caption="Projects", headers=["Project"], rows=[["Depot"]]),
                ],
            ),
        ],
    )


@needs_poppler
def test_a_bare_report_says_what_is_missing_and_still_renders_any_appendix(bare, tmp_path):
    path = pdf_path(render_pdf(bare, draft=True), tmp_path, "bare.pdf")
    text = " ".join(pdf_pages(path))
    word = docx.Document(io.BytesIO(render_docx(bare, draft=True)))
    workbook = openpyxl.load_workbook(io.BytesIO(render_xlsx(bare, draft=True)))

    for words in (
        "No purpose has been given.",
        "No recommendations have been given.",
        "timeliness is not measured",
        "Appendix A: Finance Money. More.",
        "Appendix B: Change programmes",
        "Nothing yet 0 indicators. Indicators for Nothing yet, Q2 2026/27",
        "Projects Project Status Nothing to show.",
        "Depot",
    ):
        assert words in text, words
    assert "Report to" not in text
    assert docx_headings(word) == pdf_headings(path)
    assert docx_table(word, "Projects") == [["Project", "Status"], ["Nothing to show."] * 2]
    assert workbook.sheetnames == ["Summary", "Indicators", "Projects", "Projects (2)"]
    assert workbook["Projects (2)"]["A3"].value == "Depot"


def test_file_names_name_the_report_period_and_committee_once():
    from reports.outputs import file_name
    from reports.tests.samples import sample_content

    content = sample_content()
    named = file_name(content, "pdf", draft=False)
    content.title = f"Performance report {content.period_label}"

    assert named == "quarterly-performance-report-q2-202627-overview-and-scrutiny-committee.pdf"
    assert file_name(content, "docx", draft=True) == (
        "performance-report-q2-202627-overview-and-scrutiny-committee-draft.docx"
    )
