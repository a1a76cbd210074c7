"""Hostile text stays text: classic payloads typed into every free-text field that reaches a
report (indicator titles and definitions, commentary, narratives, the report's own words,
names of ambitions, services and committees) come out of every page and file as the literal
words they are. Nothing in them is run, followed or read as a formula or a field.

One council is built, its report approved, its PDF, Word and Excel files made and its staff
and public pages fetched once for the module (in a transaction rolled back at the end); the
tests read what came out with the tools a reader's software would use.
"""

from __future__ import annotations

import csv
import datetime
import io
import re
import subprocess
import zipfile
from dataclasses import dataclass, field
from decimal import Decimal
from html.parser import HTMLParser
from pathlib import Path
from xml.etree import ElementTree

import docx
import openpyxl
import pytest
import time_machine
from django.core.cache import cache
from django.db import transaction
from django.test import Client, override_settings
from django.urls import reverse
from lxml import etree

from goldenthread.tests import hostile_text as hostile
from indicators.models import CycleState, IndicatorSet, Period, Target
from indicators.periods import ensure_periods
from indicators.tests.factories import IndicatorFactory, ReportingCycleFactory
from organisation.models import Role
from organisation.tests.factories import (
    CouncilFactory,
    DirectorateFactory,
    OrgUnitFactory,
    UserFactory,
)
from reports.content import ReportContent
from reports.outputs.docx import render_docx
from reports.outputs.pdf import render_pdf
from reports.outputs.xlsx import render_xlsx
from reports.reporting import approve_report, create_report, save_report, seen_now
from reports.tests import samples
from reports.tests.test_outputs import needs_poppler, pdf_objects, pdf_strings
from scorecards.exports import formula_safe
from scorecards.narratives import save_narrative
from scorecards.tests.builders import Returns
from strategy.tests.factories import (
    AmbitionFactory,
    CommitteeFactory,
    MeetingFactory,
    OutcomeFactory,
)

# The module's one build needs the test database set up, as a marked test does.
pytestmark = pytest.mark.django_db

UTC = datetime.UTC
Q2 = "2026-27-Q2"
HISTORY = [  # thirteen quarters before Q2 2026/27, enough for a chart
    f"{year}-{(year + 1) % 100:02d}-Q{quarter}"
    for year in (2023, 2024, 2025)
    for quarter in (1, 2, 3, 4)
] + ["2026-27-Q1"]
BUILT = datetime.datetime(2026, 11, 10, 10, tzinfo=UTC)
MEETING = datetime.datetime(2026, 11, 24, 18, tzinfo=UTC)
RELEASED = MEETING + datetime.timedelta(days=1)

# The hostile words of each field, kept to compare with what comes out.
COUNCIL = hostile.short_text(hostile.MINUS, "Testshire Council")
REPORT_TITLE = hostile.short_text(hostile.HYPERLINK, "Quarterly report")
COMMITTEE = hostile.short_text(hostile.DDE_PLUS, "Scrutiny Committee")
RECYCLING_TITLE = hostile.short_text(hostile.HYPERLINK, "Recycling")
VISITS_TITLE = hostile.short_text(hostile.AT_SUM, "Library visits")
EXTRA_TITLE = hostile.short_text(hostile.DDE_PLUS, "Bulky waste")
UNIT = "<b onmouseover=alert(1)>x"  # an indicator's unit: at most 30 characters
COMMENTARY = hostile.long_text(hostile.PAYLOADS.index(hostile.HYPERLINK))
REASONS = hostile.long_text(hostile.PAYLOADS.index(hostile.DDE_PLUS))
ACTIONS = hostile.long_text(hostile.PAYLOADS.index(hostile.AT_SUM))
VISITS_COMMENTARY = hostile.long_text(hostile.PAYLOADS.index(hostile.MINUS))

# Every payload, as the literal text each file must show (without control characters XML
# cannot hold, and without direction overrides).
SHOWN = [hostile.as_filed(p) for p in hostile.PAYLOADS]


def squeezed(text: str) -> str:
    """Text without any whitespace: line wrapping in a file cannot hide a payload."""
    return re.sub(r"\s+", "", text)


# Building the council, its report and everything made from it, once


@dataclass
class Page:
    status: int
    content_type: str
    data: bytes

    @property
    def body(self) -> str:
        return self.data.decode()


@dataclass
class Made:
    pdf: bytes
    docx: bytes
    xlsx: bytes
    pages: dict[str, Page] = field(default_factory=dict)


def at(moment):
    return time_machine.travel(moment, tick=False)


def _build():
    ensure_periods(first_year=2023, last_year=2026)
    council = CouncilFactory(name=COUNCIL, short_name="Testshire")
    place = DirectorateFactory(
        council=council, code="place", name=hostile.short_text(hostile.AT_SUM, "Place")
    )
    waste = OrgUnitFactory(
        council=council, parent=place, code="waste", name=hostile.short_text("", "Waste")
    )
    IndicatorSet.objects.get_or_create(code="strategic", defaults={"name": "Strategic"})
    greener = AmbitionFactory(
        code="greener", title=hostile.short_text(hostile.MINUS, "A greener borough"), order=1
    )
    reading = AmbitionFactory(
        code="reading", title=hostile.short_text(hostile.HYPERLINK, "Reading"), order=2
    )
    less_waste = OutcomeFactory(
        ambition=greener, code="less-waste", title=hostile.short_text("", "Less waste")
    )
    more_reading = OutcomeFactory(
        ambition=reading, code="more-reading", title=hostile.short_text("", "More reading")
    )
    committee = CommitteeFactory(code="scrutiny", name=COMMITTEE, receives_full_scorecard=True)
    meeting = MeetingFactory(
        committee=committee, starts_at=MEETING, venue=hostile.short_text("", "Town Hall")
    )
    performance = UserFactory(
        username="perf", last_name=hostile.MARKUP, roles=[Role.PERFORMANCE_TEAM]
    )
    director = UserFactory(
        username="dir", last_name=hostile.MARKUP, roles=[Role.DIRECTOR], units=[place]
    )
    officer = UserFactory(username="officer", roles=[Role.DATA_OWNER], units=[waste])
    returns = Returns()
    returns.officer = UserFactory(username="entered", last_name=hostile.MARKUP)

    definition = {
        "definition": hostile.long_text(1),
        "purpose": hostile.long_text(2),
        "calculation": hostile.long_text(3),
        "source": hostile.short_text(hostile.DDE_PLUS, "Source"),
        "numerator_label": hostile.short_text("", "Tonnes"),
        "denominator_label": hostile.short_text("", "Tonnes collected"),
    }
    recycling = IndicatorFactory(
        code="RCY-01",
        title=RECYCLING_TITLE,
        owner=waste,
        in_sets=["strategic"],
        outcomes=[less_waste],
        **definition,
    )
    visits = IndicatorFactory(
        code="LIB-01",
        title=VISITS_TITLE,
        owner=waste,
        unit=UNIT,
        in_sets=["strategic"],
        outcomes=[more_reading],
        **{**definition, "numerator_label": "", "denominator_label": ""},
    )
    extra = IndicatorFactory(code="EXT-01", title=EXTRA_TITLE, owner=waste, **definition)
    for indicator in (recycling, visits, extra):
        Target.objects.create(
            indicator=indicator,
            period=Period.objects.get(code=Q2),
            value=Decimal("50"),
            rationale=hostile.long_text(4),
        )
    returns.series(recycling, HISTORY, [40 + n % 4 for n in range(len(HISTORY))])
    returns.series(visits, HISTORY[-3:], ["10", "11", "12"])
    cycle = ReportingCycleFactory(period=Period.objects.get(code=Q2), state=CycleState.OPEN)
    recycling_q2 = returns.signed_off(
        recycling, Q2, "44", commentary=COMMENTARY, reasons=REASONS, actions=ACTIONS
    )
    returns.signed_off(visits, Q2, "-12", commentary=VISITS_COMMENTARY)
    returns.signed_off(extra, Q2, "30", commentary=hostile.long_text(5))

    period = Period.objects.get(code=Q2)
    for subject, start in ((greener, 10), (reading, 11), (place, 12)):
        save_narrative(
            subject=subject,
            period=period,
            going_well=hostile.long_text(start),
            not_going_well=hostile.long_text(start + 1),
            being_done=hostile.long_text(start + 2),
            by=performance,
        )

    def report(title):
        made = create_report(
            by=performance,
            kind="committee",
            period=period,
            title=title,
            committee=committee,
            meeting=meeting,
        )
        return save_report(
            made,
            by=performance,
            lock_version=made.lock_version,
            extra_indicators=[extra],
            report_of=hostile.short_text(hostile.MINUS, "Director"),
            contact=hostile.short_text(hostile.AT_SUM, "Contact"),
            purpose=hostile.long_text(0),
            recommendations=hostile.long_text(6),
            going_well=hostile.long_text(7),
            not_going_well=hostile.long_text(8),
            being_done=hostile.long_text(9),
            exceptions_text=hostile.long_text(13),
            area_text=hostile.long_text(14),
        )

    approved = report(REPORT_TITLE)
    approved = approve_report(approved, by=director, seen=seen_now(approved), make_files=False)
    draft = report(hostile.short_text(hostile.DDE_PLUS, "Draft report"))
    return {
        "approved": approved,
        "draft": draft,
        "value": recycling_q2,
        "cycle": cycle,
        "performance": performance,
        "officer": officer,
    }


def _fetch(client: Client, address: str) -> Page:
    response = client.get(address)
    return Page(response.status_code, response.get("Content-Type", ""), response.content)


def _staff_pages(built) -> dict[str, str]:
    period = f"?period={Q2}"
    approved, draft = built["approved"], built["draft"]
    return {
        "staff report": reverse("reports:report", args=[approved.pk]),
        "staff draft report": reverse("reports:report", args=[draft.pk]),
        "staff report editor": reverse("reports:edit", args=[draft.pk]),
        "staff report list": reverse("reports:list"),
        "organisation scorecard": reverse("scorecards:organisation") + period,
        "ambition scorecard": reverse("scorecards:ambition", args=["greener"]) + period,
        "outcome scorecard": reverse("scorecards:outcome", args=["less-waste"]) + period,
        "directorate scorecard": reverse("scorecards:directorate", args=["place"]) + period,
        "service scorecard": reverse("scorecards:service", args=["waste"]) + period,
        "committee scorecard": reverse("scorecards:committee", args=["scrutiny"]) + period,
        "staff indicator": reverse("scorecards:indicator", args=["RCY-01"]),
        "staff indicator with a hostile unit": reverse("scorecards:indicator", args=["LIB-01"]),
        "narrative editor": reverse("scorecards:directorate_narrative", args=["place"]) + period,
        "value": reverse("returns:value", args=[built["value"].pk]),
    }


PUBLIC_PAGES = {
    "public home": ("publishing:home", []),
    "public scorecards": ("publishing:scorecards", []),
    "public scorecard": ("publishing:scorecard", [Q2]),
    "public ambition": ("publishing:ambition", [Q2, "greener"]),
    "public indicators": ("publishing:indicators", []),
    "public indicator": ("publishing:indicator", ["RCY-01"]),
    "public indicator with a hostile unit": ("publishing:indicator", ["LIB-01"]),
    "public reports": ("publishing:reports", []),
}
STAFF_PAGES = [
    "staff report",
    "staff draft report",
    "staff report editor",
    "staff report list",
    "organisation scorecard",
    "ambition scorecard",
    "outcome scorecard",
    "directorate scorecard",
    "service scorecard",
    "committee scorecard",
    "staff indicator",
    "staff indicator with a hostile unit",
    "narrative editor",
    "value",
    "return",
]
HTML_PAGES = [*STAFF_PAGES, *PUBLIC_PAGES, "public report"]
# Pages that show a report's or a figure's long texts, so every payload in full.
LONG_TEXT_PAGES = [
    "staff report",
    "staff draft report",
    "staff report editor",
    "staff indicator",
    "value",
    "public report",
    "public indicator",
]


def _make_everything() -> Made:
    with at(BUILT):
        built = _build()
    content = ReportContent.from_snapshot(built["approved"].snapshot)
    made = Made(
        pdf=render_pdf(content, draft=False),
        docx=render_docx(content, draft=False),
        xlsx=render_xlsx(content, draft=False),
    )
    staff = Client(raise_request_exception=False)
    staff.force_login(built["performance"])
    officer = Client(raise_request_exception=False)
    officer.force_login(built["officer"])
    with at(BUILT + datetime.timedelta(days=1)):
        for name, address in _staff_pages(built).items():
            made.pages[name] = _fetch(staff, address)
        made.pages["organisation scorecard as xlsx"] = _fetch(
            staff, reverse("scorecards:organisation") + f"?period={Q2}&format=xlsx"
        )
        made.pages["organisation scorecard as csv"] = _fetch(
            staff, reverse("scorecards:organisation") + f"?period={Q2}&format=csv"
        )
        made.pages["return"] = _fetch(
            officer, reverse("returns:service", args=[built["cycle"].pk, "waste"])
        )
    public = Client(raise_request_exception=False)
    with at(RELEASED):
        cache.clear()
        for name, (url_name, args) in PUBLIC_PAGES.items():
            made.pages[name] = _fetch(public, reverse(url_name, args=args))
        approved = built["approved"].pk
        made.pages["public report"] = _fetch(public, reverse("publishing:report", args=[approved]))
        made.pages["feed"] = _fetch(public, reverse("publishing:feed"))
        made.pages["open data csv"] = _fetch(
            public, reverse("publishing:period_data", args=[Q2, "csv"])
        )
        made.pages["open data json"] = _fetch(
            public, reverse("publishing:period_data", args=[Q2, "json"])
        )
    return made


@pytest.fixture(scope="module")
def made(django_db_setup, django_db_blocker, settings_module_overrides):
    with django_db_blocker.unblock(), override_settings(**settings_module_overrides):
        cache.clear()
        try:
            with transaction.atomic():
                everything = _make_everything()
                transaction.set_rollback(True)
        finally:
            cache.clear()
    return everything


@pytest.fixture(scope="module")
def settings_module_overrides(tmp_path_factory):
    """What the suite's conftest sets for each test, for this module's one build."""
    from django.conf import settings

    return {
        "PASSWORD_HASHERS": ["django.contrib.auth.hashers.MD5PasswordHasher"],
        "TASKS": {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}},
        "MEDIA_ROOT": tmp_path_factory.mktemp("media"),
        "STORAGES": {
            **settings.STORAGES,
            "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
        },
    }


# Reading a page as a browser would


class Markup(HTMLParser):
    """A page's elements and the text a reader sees."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.elements: list[tuple[str, dict[str, str | None]]] = []
        self.scripts: list[tuple[dict, str]] = []
        self.styles: list[str] = []
        self.text: list[str] = []
        self._in: str | None = None

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        self.elements.append((tag, attributes))
        if tag in ("script", "style"):
            self._in = tag
            if tag == "script":
                self.scripts.append((attributes, ""))
            else:
                self.styles.append("")

    def handle_startendtag(self, tag, attrs):
        self.elements.append((tag, dict(attrs)))

    def handle_endtag(self, tag):
        if tag == self._in:
            self._in = None

    def handle_data(self, data):
        if self._in == "script":
            attributes, text = self.scripts[-1]
            self.scripts[-1] = (attributes, text + data)
        elif self._in == "style":
            self.styles[-1] += data
        else:
            self.text.append(data)

    @property
    def words(self) -> str:
        return " ".join("".join(self.text).split())


def read_page(page: Page) -> Markup:
    markup = Markup()
    markup.feed(page.body)
    markup.close()
    return markup


ADDRESS_ATTRIBUTES = {"href", "src", "action", "formaction", "xlink:href", "data", "poster"}


def address_scheme(value: str) -> str:
    """The scheme a browser would read from an address, ignoring the spaces and control
    characters it ignores."""
    cleaned = re.sub(r"[\x00-\x20]+", "", value).lower()
    return cleaned.split(":", 1)[0] if ":" in cleaned else ""


def runs_script(address: str) -> bool:
    """An address a browser would run as script rather than fetch or follow."""
    cleaned = re.sub(r"[\x00-\x20]+", "", address).lower()
    return cleaned.startswith(("javascript:", "vbscript:", "data:text/html"))


# Pages


FILES = [
    "feed",
    "open data csv",
    "open data json",
    "organisation scorecard as csv",
    "organisation scorecard as xlsx",
]


@pytest.mark.parametrize("name", [*HTML_PAGES, *FILES])
def test_every_page_answers(made, name):
    assert made.pages[name].status == 200, (name, made.pages[name].content_type)


@pytest.mark.parametrize("name", HTML_PAGES)
def test_no_page_runs_or_follows_anything_typed_into_a_field(made, name):
    markup = read_page(made.pages[name])

    for tag, attributes in markup.elements:
        handlers = [a for a in attributes if a.lower().startswith("on")]
        assert not handlers, (name, tag, handlers)
        for attribute, value in attributes.items():
            if attribute.lower() in ADDRESS_ATTRIBUTES and value:
                assert not runs_script(value), (name, tag, value)
        assert tag not in ("img", "iframe", "object", "embed", "base"), (name, tag)
    for attributes, text in markup.scripts:
        assert "alert" not in text, (name, text[:200])
        assert attributes.get("src", "").startswith("/static/") or "nonce" in attributes, (
            name,
            attributes,
        )
    for text in markup.styles:
        assert "display:none" not in text, name


@pytest.mark.parametrize("name", HTML_PAGES)
def test_every_page_shows_the_markup_typed_as_text(made, name):
    words = read_page(made.pages[name]).words

    for payload in (hostile.SCRIPT, hostile.IMG_ONERROR, hostile.SVG_ONLOAD):
        assert payload in words, (name, payload)
    assert "{{7*7}}" in words and "{% debug %}" in words, name


@pytest.mark.parametrize("name", LONG_TEXT_PAGES)
def test_pages_with_long_texts_show_every_payload_as_typed(made, name):
    words = read_page(made.pages[name]).words

    for payload in hostile.PAYLOADS:
        assert " ".join(payload.split()) in words, (name, payload[:40])


def test_the_public_report_shows_the_approved_words_under_their_headings(made):
    words = read_page(made.pages["public report"]).words

    assert " ".join(REPORT_TITLE.split()) in words
    assert " ".join(COMMITTEE.split()) in words
    assert "&lt;script&gt; &amp; &#60;b&#62;" in words  # escaped text is not unescaped


def test_the_feed_is_well_formed_and_holds_the_title_as_text(made):
    page = made.pages["feed"]
    atom = "{http://www.w3.org/2005/Atom}"

    feed = ElementTree.fromstring(page.body.encode())

    titles = [entry.findtext(f"{atom}title") for entry in feed.iter(f"{atom}entry")]
    assert titles and all(title for title in titles)
    assert any(hostile.SCRIPT in title for title in titles)
    assert not list(feed.iter("script")) and not list(feed.iter("img"))


def assert_no_formula_text(cells: list[str], where: str) -> None:
    for cell in cells:
        if cell[:1] in ("=", "+", "-", "@", "\t", "\r"):
            assert re.fullmatch(r"-?[0-9.,£%]+", cell), (where, cell[:60])


def test_the_open_data_csv_and_json_hold_the_text_never_a_formula(made):
    rows = list(csv.reader(io.StringIO(made.pages["open data csv"].body)))

    assert len(rows) > 1
    assert_no_formula_text([cell for row in rows for cell in row], "open data csv")
    assert any(formula_safe(RECYCLING_TITLE) == cell for row in rows for cell in row)
    assert hostile.SCRIPT in made.pages["open data json"].body


def test_the_scorecard_exports_hold_no_formula(made):
    rows = list(csv.reader(io.StringIO(made.pages["organisation scorecard as csv"].body)))
    book = openpyxl.load_workbook(io.BytesIO(made.pages["organisation scorecard as xlsx"].data))

    cells = [cell for row in rows for cell in row]
    assert_no_formula_text(cells, "scorecard csv")
    assert formula_safe(hostile.without_control(COMMENTARY)) in cells
    assert_workbook_is_inert(book, "scorecard xlsx")
    in_book = [c.value for sheet in book.worksheets for row in sheet.iter_rows() for c in row]
    assert formula_safe(hostile.without_control(COMMENTARY)) in in_book


# The PDF


@pytest.fixture(scope="module")
def pdf_file(made, tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("hostile") / "report.pdf"
    path.write_bytes(made.pdf)
    return path


def pdf_text(path: Path, *crop: str) -> str:
    return subprocess.run(
        ["pdftotext", "-raw", "-enc", "UTF-8", *crop, str(path), "-"],
        check=True,
        capture_output=True,
    ).stdout.decode()


# The body of an A4 page (595 by 842 points) inside its running header and footer, so a line
# running on to the next page reads on unbroken.
BODY = ("-x", "0", "-y", "64", "-W", "595", "-H", "718")


@needs_poppler
def test_the_pdf_shows_each_payload_as_literal_text(pdf_file):
    body = squeezed(pdf_text(pdf_file, *BODY))

    for payload in SHOWN:
        assert squeezed(payload) in body, payload[:40]
    for title in (REPORT_TITLE, RECYCLING_TITLE, COMMITTEE, COUNCIL):
        assert squeezed(hostile.as_filed(title)) in body, title


@needs_poppler
def test_a_direction_override_in_a_name_turns_no_other_words_round(pdf_file):
    text = " ".join(pdf_text(pdf_file).split())

    assert "Tuesday 24 November 2026" in text  # beside the committee's name, in the footer
    assert "\u202e" not in text
    assert "6202 rebmevoN" not in text


@needs_poppler
def test_the_pdf_has_no_script_launch_or_javascript_link(made, pdf_file):
    objects = pdf_objects(made.pdf)

    for action in (b"JavaScript", b"JS", b"Launch", b"SubmitForm", b"ImportData", b"GoToR"):
        assert not re.search(rb"/" + action + rb"[\s/(<\[]", objects), action
    for address in pdf_strings(objects, b"URI"):
        assert address_scheme(address) not in ("javascript", "file", "data"), address
    scripts = subprocess.run(
        ["pdfinfo", "-js", str(pdf_file)], check=True, capture_output=True
    ).stdout.decode()
    assert "alert" not in scripts


# The Word document


def docx_parts(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
OUR_FIELDS = {"PAGE", "NUMPAGES"}  # the page numbers in the footer


def test_the_word_document_holds_each_payload_as_escaped_text(made):
    parts = docx_parts(made.docx)
    body = etree.fromstring(parts["word/document.xml"])

    text = "".join(t.text or "" for t in body.iter(f"{W}t"))
    for payload in SHOWN:
        assert squeezed(payload) in squeezed(text), payload[:40]
    assert b"<script>" not in parts["word/document.xml"]
    assert b"&lt;script&gt;alert(1)&lt;/script&gt;" in parts["word/document.xml"]
    document = docx.Document(io.BytesIO(made.docx))
    assert hostile.as_filed(REPORT_TITLE) in document.core_properties.title


def test_the_word_document_has_no_field_hyperlink_or_outside_part(made):
    parts = docx_parts(made.docx)

    for name, data in parts.items():
        if not name.endswith((".xml", ".rels")):
            continue
        root = etree.fromstring(data)
        assert not list(root.iter(f"{W}instrText")), name
        assert not list(root.iter(f"{W}fldChar")), name
        assert not list(root.iter(f"{W}hyperlink")), name
        assert not list(root.iter(f"{W}altChunk")), name
        for simple in root.iter(f"{W}fldSimple"):
            assert simple.get(f"{W}instr").strip() in OUR_FIELDS, (name, simple.get(f"{W}instr"))
        if name.endswith(".rels"):
            for relationship in root:
                target, kind = relationship.get("Target", ""), relationship.get("Type", "")
                assert relationship.get("TargetMode") != "External", (name, target)
                assert not kind.endswith(("/hyperlink", "/oleObject", "/attachedTemplate")), kind
                assert address_scheme(target) not in ("javascript", "file", "http", "https")


# The Excel workbook


def assert_workbook_is_inert(book, where: str) -> None:
    for sheet in book.worksheets:
        assert not sheet._hyperlinks, (where, sheet.title)
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (where, sheet.title, cell.coordinate, cell.value)
                assert cell.hyperlink is None, (where, cell.coordinate)
                if isinstance(cell.value, str):
                    assert_no_formula_text([cell.value], f"{where} {cell.coordinate}")


def test_the_workbook_holds_no_formula_or_link(made):
    book = openpyxl.load_workbook(io.BytesIO(made.xlsx))

    assert_workbook_is_inert(book, "report xlsx")
    with zipfile.ZipFile(io.BytesIO(made.xlsx)) as archive:
        names = archive.namelist()
        assert not [n for n in names if "externalLink" in n or "vbaProject" in n], names
        for name in names:
            data = archive.read(name)
            assert b"<f>" not in data and b"<f " not in data, name
            if name.endswith(".rels"):
                assert b'TargetMode="External"' not in data, name


def test_the_workbook_keeps_the_text_quoted_as_formula_safe_does(made):
    book = openpyxl.load_workbook(io.BytesIO(made.xlsx))
    indicators = book["Indicators"]
    header = [cell.value for cell in indicators[2]]
    rows = [
        dict(zip(header, (c.value for c in row), strict=False))
        for row in indicators.iter_rows(min_row=3)
    ]
    recycling = next(row for row in rows if row["Code"] == "RCY-01")

    def stored(text):
        return formula_safe(hostile.as_filed(text))

    assert recycling["Indicator"] == stored(RECYCLING_TITLE)
    assert recycling["Commentary"] == stored(COMMENTARY)
    assert recycling["Reasons"] == stored(REASONS)
    assert recycling["Actions"] == stored(ACTIONS)
    visits = next(row for row in rows if row["Code"] == "LIB-01")
    assert visits["Commentary"] == stored(VISITS_COMMENTARY)
    assert book.properties.title and hostile.SCRIPT in book.properties.title


# Control characters no file can hold, and the NUL no database stores


FREE_TEXT_FIELDS = (
    "title",
    "council",
    "committee",
    "meeting_venue",
    "report_of",
    "contact",
    "purpose",
    "recommendations",
    "going_well",
    "not_going_well",
    "being_done",
    "exceptions_text",
)
ROW_TEXT_FIELDS = ("title", "owner", "commentary", "reasons", "actions", "measures", "source")
UNSTORABLE = "\x00\x01\x0b\x0c\x1f\ufffe\uffff"


def with_unstorable_characters(content: ReportContent) -> ReportContent:
    """The content with characters no XML file can hold in every free-text field."""

    def spoilt(text: str) -> str:
        return f"{UNSTORABLE}{text}{hostile.NUL}{UNSTORABLE}"

    for name in FREE_TEXT_FIELDS:
        setattr(content, name, spoilt(getattr(content, name)))
    for section in content.sections:
        section.title = spoilt(section.title)
        section.going_well = spoilt(section.going_well)
        for row in section.rows:
            for name in ROW_TEXT_FIELDS:
                setattr(row, name, spoilt(getattr(row, name)))
    for appendix in content.appendices:
        appendix.title = spoilt(appendix.title)
        for table in appendix.tables:
            table.caption = spoilt(table.caption)
            table.rows = [[spoilt(cell) for cell in cells] for cells in table.rows]
    return content


@pytest.mark.parametrize("render", [render_pdf, render_docx, render_xlsx])
def test_characters_no_file_can_hold_never_stop_a_file_being_made(render):
    content = with_unstorable_characters(samples.sample_content())

    data = render(content, draft=False)

    assert data
    if render is render_docx:
        text = "\n".join(p.text for p in docx.Document(io.BytesIO(data)).paragraphs)
        assert "beforeafter" in text.replace("\n", "")
        assert samples.TITLE in text
    if render is render_xlsx:
        book = openpyxl.load_workbook(io.BytesIO(data))
        assert samples.TITLE in book.properties.title
