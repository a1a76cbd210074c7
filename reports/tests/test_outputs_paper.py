"""The committee paper read as a member reads it on paper: how full its pages are, the
exceptions as tables, the officer's words beside or under each chart, and a first page that
summarises.

Most tests read the PDF of the small hand-built report (`samples`); the page-fill tests make
the demo council's Cabinet report for Q2 2026/27 once for the module. The PDF is read back with
poppler (pdftotext, pdfinfo, pdftoppm), as in test_outputs.
"""

import datetime
import re
import shutil
import subprocess
from pathlib import Path

import pytest
import time_machine
from django.core.management import call_command
from django.db import transaction

from reports.building import build_content
from reports.content import draft_exceptions_text
from reports.outputs import paper
from reports.outputs.pdf import notes_layout, render_pdf
from reports.tests import samples

needs_poppler = pytest.mark.skipif(
    not all(shutil.which(tool) for tool in ("pdftotext", "pdfinfo", "pdftoppm")),
    reason="poppler-utils (pdftotext, pdfinfo, pdftoppm) is not installed",
)

PT_PER_MM = 72 / 25.4
# paper.css: `@page { margin: 22mm 18mm 20mm 18mm }` on A4; the chart is 100 mm wide, flush right.
PAGE_WIDTH_MM, PAGE_HEIGHT_MM = 210, 297
TOP_MM, BOTTOM_MM, SIDE_MM = 22, 20, 18
CHART_LEFT_MM = PAGE_WIDTH_MM - SIDE_MM - 100
# A page under this share filled is a page a member turns over to find nothing on.
LEAST_FILL = 0.40
# The parts of the paper that start a page of their own: the page before each is a part's
# last page (as is the paper's last), and may be short.
PAGE_STARTS = ("Exceptions", "Appendix ")


# Reading the PDF back


def write_pdf(data: bytes, directory: Path, name: str) -> Path:
    path = directory / name
    path.write_bytes(data)
    return path


def page_fills(path: Path, directory: Path) -> list[float]:
    """How far down its body each page is printed on, from 0 (blank) to 1 (to the foot).

    Each page is drawn in grey at 36 dpi by `pdftoppm -gray`. Only the body is looked at, the
    page without the margins that hold the running header and footer (the `@page` margins), so
    a page holding nothing but "Page 3 of 9" is empty. The fill is the height from the top of
    the body to the lowest row holding a dark pixel (darker than 160 of 255: text, rules and
    chart lines, not the pale fill of a status tag), over the body's height. A paper's pages
    are filled from the top, so what is below that row is the blank a reader sees. Counting
    lines of text would miss charts, which fill a page with little text.
    """
    prefix = directory / "page"
    subprocess.run(["pdftoppm", "-gray", "-r", "36", str(path), str(prefix)], check=True)
    fills = []
    for image in sorted(directory.glob("page-*.pgm")):
        width, height, pixels = read_pgm(image.read_bytes())
        top = round(height * TOP_MM / PAGE_HEIGHT_MM)
        bottom = height - round(height * BOTTOM_MM / PAGE_HEIGHT_MM)
        inked = [y for y in range(top, bottom) if min(pixels[y * width : (y + 1) * width]) < 160]
        fills.append((inked[-1] - top + 1) / (bottom - top) if inked else 0.0)
    return fills


def read_pgm(data: bytes) -> tuple[int, int, bytes]:
    """A binary greymap (P5, as pdftoppm writes it): width, height and a byte per pixel."""
    magic, width, height, _maximum, pixels = data.split(maxsplit=4)
    assert magic == b"P5"
    return int(width), int(height), pixels


def first_words(path: Path, page: int) -> str:
    """The first line of a page's body, below the running header."""
    text = subprocess.run(
        [
            "pdftotext",
            *("-f", str(page), "-l", str(page)),
            *("-x", "0", "-y", str(round(TOP_MM * PT_PER_MM) - 2)),
            *("-W", str(round(PAGE_WIDTH_MM * PT_PER_MM)), "-H", "40"),
            *("-raw", "-enc", "UTF-8", str(path), "-"),
        ],
        check=True,
        capture_output=True,
    ).stdout.decode()
    return text.strip().splitlines()[0] if text.strip() else ""


def page_count(path: Path) -> int:
    info = subprocess.run(["pdfinfo", str(path)], check=True, capture_output=True).stdout
    return int(re.search(rb"^Pages:\s+(\d+)$", info, re.M)[1])


def pdf_tables(path: Path) -> list[dict]:
    """Every table in the PDF's tags: its caption and its rows, each row a list of its cells'
    (TH or TD) words, in reading order: what a screen reader announces as a table."""
    tree = subprocess.run(
        ["pdfinfo", "-struct-text", str(path)], check=True, capture_output=True
    ).stdout.decode()
    tables: list[dict] = []
    table = caption = cell = None
    for line in tree.splitlines():
        indent, item = len(line) - len(line.lstrip()), line.strip()
        kind = item.split(" ")[0].rstrip(":")
        if table and indent <= table["indent"]:
            table = caption = cell = None
        if kind == "Table":
            table = {"indent": indent, "caption": [], "rows": []}
            tables.append(table)
        elif table is None:
            continue
        elif kind == "Caption":
            caption, cell = indent, None
        elif kind == "TR":
            table["rows"].append([])
            caption = None
        elif kind in ("TH", "TD"):
            cell = []
            table["rows"][-1].append(cell)
        elif item.startswith('"'):
            words = item[1:-1]
            if cell is not None:
                cell.append(words)
            elif caption is not None:
                table["caption"].append(words)
    read: list[dict] = []
    for table in tables:
        rows = [[_words(cell) for cell in row] for row in table["rows"]]
        if not table["caption"] and read and rows and read[-1]["rows"][:1] == rows[:1]:
            # WeasyPrint tags the part of a table carried over to the next page as a table of
            # its own, with the header row repeated and no caption: read on as one table.
            read[-1]["rows"].extend(rows[1:])
        else:
            read.append({"caption": _words(table["caption"]), "rows": rows})
    return read


def _words(strings: list[str]) -> str:
    """Strings as one line of words; a word broken at its hyphen at a line's end made whole."""
    return re.sub(r"(?<=\w)- (?=\w)", "-", " ".join(" ".join(strings).split()))


def text_lines(path: Path) -> list[dict]:
    """Each line of text with its page and box in points (pdftotext -bbox-layout)."""
    xhtml = subprocess.run(
        ["pdftotext", "-bbox-layout", "-enc", "UTF-8", str(path), "-"],
        check=True,
        capture_output=True,
    ).stdout.decode()
    found = []
    for number, page in enumerate(xhtml.split("<page ")[1:], start=1):
        for box, words in re.findall(r"<line ([^>]*)>(.*?)</line>", page, re.S):
            edges = dict(re.findall(r'(\w+)="([\d.]+)"', box))
            found.append(
                {
                    "page": number,
                    "text": " ".join(re.findall(r">([^<]*)</word>", words)),
                    **{edge: float(value) for edge, value in edges.items()},
                }
            )
    return found


def indicator_heading(lines: list[dict], heading: str) -> int:
    """Where an indicator's own heading is: the last line that is only its code and title
    (the exceptions' and the section's tables name it before)."""
    return max(i for i, line in enumerate(lines) if line["text"] == heading)


# The sample report


@pytest.fixture(scope="module")
def sample_pdf(tmp_path_factory):
    content = samples.sample_content()
    path = write_pdf(render_pdf(content, draft=False), tmp_path_factory.mktemp("sample"), "s.pdf")
    return content, path


@needs_poppler
def test_the_exceptions_read_as_a_table_for_each_kind(sample_pdf):
    content, path = sample_pdf
    tables = {table["caption"]: table["rows"] for table in pdf_tables(path)}
    fly_tipping = ["GRN-02 Fly-tipping incidents reported", "240", "200", "Red", "Worsening"]

    for kind, heading in paper.EXCEPTION_HEADINGS.items():
        rows = content.exception_rows(kind)
        header, *body = tables[f"{heading} ({len(rows)})"]

        assert header == list(paper.EXCEPTION_HEADERS)
        assert [cells[0] for cells in body] == [f"{row.code} {row.title}" for row in rows]
    red = tables["Red: outside the tolerance of their target (1)"]
    assert red[1] == [*fly_tipping, "Street Scene"]
    missing = tables["Missing: no figure by the deadline (1)"]
    assert missing[1] == [
        "RES-01 Calls answered within 60 seconds",
        "No figure",
        "90.0%",
        "Missing",
        "Not comparable",
        "Customer Services",
    ]


@needs_poppler
def test_the_officers_own_words_on_the_exceptions_come_before_the_tables(sample_pdf):
    _, path = sample_pdf
    text = " ".join(
        subprocess.run(["pdftotext", "-raw", str(path), "-"], capture_output=True)
        .stdout.decode()
        .split()
    )

    exceptions = text[text.index("Exceptions 1 indicator is Red") :]
    assert exceptions.index("(RES-01).") < exceptions.index("Red: outside the tolerance")


@needs_poppler
def test_a_generated_exceptions_draft_is_left_to_the_tables_not_printed_again(tmp_path):
    content = samples.sample_content()
    content.exceptions_text = draft_exceptions_text(content)
    path = write_pdf(render_pdf(content, draft=False), tmp_path, "draft-text.pdf")
    text = " ".join(
        subprocess.run(["pdftotext", "-raw", str(path), "-"], capture_output=True)
        .stdout.decode()
        .split()
    )

    assert "1 indicator is Red: Fly-tipping" not in text
    assert "Exceptions Red: outside the tolerance of their target (1)" in text


@needs_poppler
def test_the_first_page_summarises_what_is_going_well_what_is_not_and_what_is_being_done(
    sample_pdf,
):
    _, path = sample_pdf
    first = subprocess.run(
        ["pdftotext", "-f", "1", "-l", "1", "-raw", str(path), "-"], capture_output=True
    ).stdout.decode()
    first = " ".join(first.split())

    for words in (
        samples.COUNCIL,
        "Purpose of the report",
        "Recommendations",
        "Summary 4 indicators: 1 Green, 1 Amber, 1 Red and 1 Missing.",
        "What is going well Recycling rose to 48.9% in Q2 2026/27. "
        "1 of the 4 indicators is Green; 2 are improving.",
        "What is not going well Fly-tipping rose to 240 against a target of 200. 2 indicators "
        "need attention (1 Red, 1 worsening, 1 special cause of concern and 1 missing); each "
        "is listed under Exceptions.",
        "What is being done Extra crews are working on the worst-affected rounds. Officers have "
        "recorded actions for 1 of the 2 indicators needing attention",
        "Indicators at a glance",
        "Timeliness",
    ):
        assert words in first, words
    assert first_words(path, 2) == "Exceptions"


@needs_poppler
def test_commentary_sits_beside_its_chart_and_never_runs_under_it(tmp_path):
    content = samples.sample_content()
    fly_tipping = content.row("GRN-02")
    # Taller than the chart in its column, yet short enough to stay beside it.
    fly_tipping.commentary = " ".join(["Reports rose in the town centre after the fair."] * 8)
    assert notes_layout(fly_tipping, charted=True) == "beside"
    path = write_pdf(render_pdf(content, draft=False), tmp_path, "beside.pdf")
    lines = text_lines(path)
    start = indicator_heading(lines, "GRN-02 Fly-tipping incidents reported")
    end = next(i for i in range(start, len(lines)) if lines[i]["text"].startswith("Variation"))
    chart_left = CHART_LEFT_MM * PT_PER_MM
    body = lines[start + 2 : end + 1]  # after the heading and the figure
    words = [line for line in body if line["xMin"] < chart_left]
    chart = [line for line in body if line["xMin"] >= chart_left]

    assert words[0]["text"].startswith("Commentary: Reports rose")
    assert chart  # its legend, scale and limits, all right of the column
    # The column runs on below the chart, and every line of it still ends before the chart's
    # left edge: the words are beside the chart, never wrapped round under it.
    assert max(line["yMax"] for line in words) > max(line["yMax"] for line in chart)
    assert max(line["xMax"] for line in words) < chart_left


def test_long_commentary_goes_under_its_chart_at_the_pages_width(tmp_path):
    content = samples.sample_content()
    fly_tipping = content.row("GRN-02")
    fly_tipping.commentary = " ".join(["Reports rose in the town centre after the fair."] * 14)
    assert notes_layout(fly_tipping, charted=True) == "under"
    path = write_pdf(render_pdf(content, draft=False), tmp_path, "under.pdf")
    lines = text_lines(path)
    commentary = next(line for line in lines if line["text"].startswith("Commentary: Reports"))
    start = indicator_heading(lines, "GRN-02 Fly-tipping incidents reported")
    legend = next(line for line in lines[start:] if "cause" in line["text"])

    assert commentary["yMin"] > legend["yMax"]
    # Under the chart the words use the page's width, not a column beside it.
    assert commentary["xMax"] > CHART_LEFT_MM * PT_PER_MM + 50


# The demo council's Cabinet report for Q2 2026/27


@pytest.fixture(scope="module")
def cabinet(django_db_setup, django_db_blocker, tmp_path_factory):
    """The demo's draft Cabinet report for Q2 2026/27 (44 indicators, each with a chart) as
    the tasks worker makes it, and its content; the demo is loaded once and rolled back.
    Its tests are marked `django_db`, so that pytest-django sets up the test database."""
    from reports.models import Report

    today = datetime.date(2026, 11, 24)
    directory = tmp_path_factory.mktemp("cabinet")
    with (
        django_db_blocker.unblock(),
        time_machine.travel(datetime.datetime(2026, 11, 24, 9, tzinfo=datetime.UTC)),
        transaction.atomic(),
    ):
        call_command("load_demo", "--today", today.isoformat(), verbosity=0)
        report = Report.objects.get(
            kind="committee", committee__code="cabinet", period__code="2026-27-Q2"
        )
        content = build_content(report, today=today)
        path = write_pdf(render_pdf(content, draft=True), directory, "cabinet.pdf")
        transaction.set_rollback(True)
    return content, path, directory


@needs_poppler
@pytest.mark.django_db  # for the test database the module's fixture fills
def test_no_page_of_the_cabinet_paper_is_under_40_percent_filled_but_a_parts_last(cabinet):
    _, path, directory = cabinet
    fills = page_fills(path, directory)
    pages = page_count(path)
    starts = {number: first_words(path, number) for number in range(2, pages + 1)}
    parts_last = {pages} | {
        number - 1 for number, words in starts.items() if words.startswith(PAGE_STARTS)
    }

    assert len(fills) == pages
    short = {
        number: f"{fill:.0%}"
        for number, fill in enumerate(fills, start=1)
        if fill < LEAST_FILL and number not in parts_last
    }
    assert not short, f"pages under {LEAST_FILL:.0%} filled: {short}"
    # Ambitions follow on from one another: only the cover, and the page before each
    # appendix, end before a forced new page.
    before_appendices = {n - 1 for n, words in starts.items() if words.startswith("Appendix ")}
    assert before_appendices
    assert parts_last == {1, pages} | before_appendices
    assert sum(fills) / pages > 0.75


@needs_poppler
@pytest.mark.django_db  # for the test database the module's fixture fills
def test_the_cabinet_papers_first_page_is_its_summary_and_its_exceptions_are_tables(cabinet):
    content, path, _ = cabinet
    tables = {table["caption"]: table["rows"] for table in pdf_tables(path)}

    assert first_words(path, 2) == "Exceptions"
    for kind, heading in paper.EXCEPTION_HEADINGS.items():
        rows = content.exception_rows(kind)
        assert rows, kind  # the demo has every kind
        header, *body = tables[f"{heading} ({len(rows)})"]
        assert header == list(paper.EXCEPTION_HEADERS)
        assert [cells[:4] for cells in body] == [
            [
                f"{row.code} {row.title}",
                f"{paper.figure_text(row)} {paper.quality_label(row)}".strip(),
                paper.target_text(row),
                row.rag_label,
            ]
            for row in rows
        ]
