"""The golden-thread pages: ambition, outcome, directorate, service, committee and indicator.

A small council, built with factories: two directorates, three services and a team, two
ambitions with three outcomes, two committees, and a handful of indicators placed so that each
page has something it must show and something it must leave out. Today is 24 November 2025, so
the latest complete quarter is Q2 2025/26.
"""

import csv
import datetime
import html
import io
import json
import re
from decimal import Decimal
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils.html import strip_tags
from openpyxl import load_workbook

from indicators.models import Lifecycle, Period, Target
from indicators.periods import ensure_periods
from indicators.tests.factories import IndicatorFactory, ReportingCycleFactory
from organisation.models import OrgUnitKind, Role
from organisation.tests.factories import (
    CouncilFactory,
    DirectorateFactory,
    OrgUnitFactory,
    UserFactory,
)
from scorecards import exports
from scorecards.tests.builders import Returns
from status.rag import Polarity
from strategy.tests.factories import (
    AmbitionFactory,
    CommitteeFactory,
    MeetingFactory,
    OutcomeFactory,
)

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2025, 11, 24)
Q1, Q2 = "2025-26-Q1", "2025-26-Q2"
QUERY_COUNTS = Path(__file__).parent / "query_counts.json"
QUERY_BASELINE = json.loads(QUERY_COUNTS.read_text())

DRAFT_FIGURE = "98.76"  # only ever a draft (FLY-01 shows two places): on no page, in no export
RETIRED_TITLE = "Residual waste collected (old method)"
FORMULA = '=HYPERLINK("http://example.com/steal","Click for details")'
SNEAKY_FORMULA = '-1 +HYPERLINK("http://example.com/steal","Details")'
# Fourteen quarters of noise around 52 (2022/23 Q1 to 2025/26 Q2): no SPC rule fires.
STABLE_SERIES = ["50", "54", "51", "53", "50", "55", "51", "53", "54", "50", "53", "51", "55", "52"]
ALL_QUARTERS = [
    f"{y}-{str(y + 1)[2:]}-Q{q}" for y in (2022, 2023, 2024, 2025) for q in (1, 2, 3, 4)
]


# --- the council ------------------------------------------------------------------------------


@pytest.fixture
def today(monkeypatch):
    monkeypatch.setattr("scorecards.views.timezone.localdate", lambda: TODAY)
    return TODAY


@pytest.fixture
def framework(today):
    """Directorates, services, a team, ambitions, outcomes and committees; no indicators."""
    ensure_periods(first_year=2022, last_year=2025)
    council = CouncilFactory(name="Testshire Council")
    place = DirectorateFactory(council=council, code="place", name="Place")
    people = DirectorateFactory(council=council, code="people", name="People")
    waste = OrgUnitFactory(council=council, code="waste", name="Waste and Recycling", parent=place)
    planning = OrgUnitFactory(council=council, code="planning", name="Planning", parent=place)
    collections = OrgUnitFactory(
        council=council,
        code="collections",
        name="Waste Collections",
        kind=OrgUnitKind.TEAM,
        parent=waste,
    )
    housing = OrgUnitFactory(council=council, code="housing", name="Housing Options", parent=people)
    greener = AmbitionFactory(code="greener", title="A greener Testshire", order=1)
    homes = AmbitionFactory(code="homes", title="Good homes for all", order=2)
    less_waste = OutcomeFactory(
        ambition=greener, code="less-waste", title="Less waste and more recycling", order=1
    )
    net_zero = OutcomeFactory(
        ambition=greener, code="net-zero", title="A net zero council", order=2
    )
    homeless = OutcomeFactory(
        ambition=homes, code="homelessness-prevented", title="Fewer households become homeless"
    )
    place_scrutiny = CommitteeFactory(code="place-scrutiny", name="Place Scrutiny Committee")
    resources = CommitteeFactory(
        code="resources",
        name="Strategy and Resources Committee",
        receives_full_scorecard=True,
    )
    return SimpleNamespace(**locals(), returns=Returns())


def indicator(t, code, title, *, sets, owner, outcomes=(), committees=(), figures=(), **fields):
    made = IndicatorFactory(
        code=code,
        title=title,
        in_sets=sets,
        owner=owner,
        outcomes=list(outcomes),
        committees=list(committees),
        **fields,
    )
    for period_code, figure, *commentary in figures:
        entries = {"commentary": commentary[0]} if commentary else {}
        t.returns.signed_off(made, period_code, figure, **entries)
    return made


def target(made, period_code, value):
    Target.objects.create(
        indicator=made, period=Period.objects.get(code=period_code), value=Decimal(value)
    )


@pytest.fixture
def thread(framework):
    """The indicators, each placed to test one page's choice.

    RCY-01  strategic, less waste, Waste and Recycling, Place Scrutiny: Amber, improving
    TMP-01  strategic, homelessness, Housing Options (People): Red, worsening
    FLY-01  strategic, less waste, Waste and Recycling, Place Scrutiny: Q2 only a draft (Pending)
    MIS-01  operational, less waste, Waste Collections team: Green, improving, common cause
    PLN-01  operational, net zero, Planning: no target (Data only)
    DIR-01  operational, no outcome, owned by Place itself, Resources committee: Data only
    OLD-01  retired, strategic, less waste, Waste and Recycling, both committees: never shown
    """
    t = framework
    t.rcy = indicator(
        t,
        "RCY-01",
        "Household waste recycled",
        sets=["strategic"],
        owner=t.waste,
        outcomes=[t.less_waste],
        committees=[t.place_scrutiny],
        figures=[(Q1, "40.0"), (Q2, "44.2", FORMULA)],
    )
    target(t.rcy, Q2, "45")
    t.tmp = indicator(
        t,
        "TMP-01",
        "Households in temporary accommodation",
        sets=["strategic"],
        owner=t.housing,
        outcomes=[t.homeless],
        figures=[(Q1, "150"), (Q2, "171")],
        unit="households",
        precision=0,
        polarity=Polarity.lower_is_better,
    )
    target(t.tmp, Q2, "140")
    t.fly = indicator(
        t,
        "FLY-01",
        "Fly-tipping cleared within two working days",
        sets=["strategic"],
        owner=t.waste,
        outcomes=[t.less_waste],
        committees=[t.place_scrutiny],
        figures=[(Q1, "91.0")],
        precision=2,
    )
    t.returns.draft(t.fly, Q2, DRAFT_FIGURE)
    t.mis = indicator(
        t,
        "MIS-01",
        "Missed bins per 100,000 collections",
        sets=["operational"],
        owner=t.collections,
        outcomes=[t.less_waste],
        figures=[
            (*pair, SNEAKY_FORMULA if pair[0] == Q2 else "")
            for pair in zip(ALL_QUARTERS, STABLE_SERIES, strict=False)
        ],
        unit="per 100,000",
        precision=0,
        polarity=Polarity.lower_is_better,
    )
    target(t.mis, Q2, "60")
    t.pln = indicator(
        t,
        "PLN-01",
        "Major planning applications decided in time",
        sets=["operational"],
        owner=t.planning,
        outcomes=[t.net_zero],
        figures=[(Q1, "85.0"), (Q2, "90.0")],
    )
    t.dir = indicator(
        t,
        "DIR-01",
        "Place directorate staff turnover",
        sets=["operational"],
        owner=t.place,
        committees=[t.resources],
        figures=[(Q1, "11.0"), (Q2, "12.0")],
    )
    t.old = indicator(
        t,
        "OLD-01",
        RETIRED_TITLE,
        sets=["strategic"],
        owner=t.waste,
        outcomes=[t.less_waste],
        committees=[t.place_scrutiny, t.resources],
        figures=[(Q1, "33.3"), (Q2, "34.4")],
        lifecycle=Lifecycle.RETIRED,
    )
    return t


@pytest.fixture
def councillor(client):
    user = UserFactory(roles=[Role.COUNCILLOR])
    client.force_login(user)
    return user


# --- reading the pages ------------------------------------------------------------------------

SECTION = re.compile(r'<section class="gt-ambition" aria-labelledby="[^"]+">(.*?)</section>', re.S)
SECTION_HEADING = re.compile(r"<h2[^>]*>(.*?)</h2>", re.S)
ROW_CODE = re.compile(r'<span class="gt-indicator-code">([^<]+)</span>')
HEADLINE = re.compile(r'<p class="govuk-body" id="headline-counts">(.*?)</p>', re.S)
BREADCRUMBS = re.compile(
    r'<nav class="govuk-breadcrumbs[^"]*" aria-label="Breadcrumb">(.*?)</nav>', re.S
)
CRUMB = re.compile(r"<li[^>]*>(.*?)</li>", re.S)
HREF = re.compile(r'href="([^"]*)"')


def text(fragment: str) -> str:
    return " ".join(html.unescape(strip_tags(fragment)).split())


def get(client, url, **params):
    response = client.get(url, params)
    assert response.status_code == 200, (url, response.status_code)
    return response.content.decode()


def sections(page: str) -> dict[str, list[str]]:
    """Each section's heading and the codes of the indicator rows under it, in order."""
    found = {}
    for body in SECTION.findall(page):
        found[text(SECTION_HEADING.search(body).group(1))] = ROW_CODE.findall(body)
    return found


def codes(page: str) -> set[str]:
    return set(ROW_CODE.findall(page))


def breadcrumbs(page: str) -> list[tuple[str, str | None]]:
    """(label, link) for each crumb; the current page has no link."""
    trail = BREADCRUMBS.search(page)
    if trail is None:
        return []
    crumbs = []
    for item in CRUMB.findall(trail.group(1)):
        link = HREF.search(item)
        crumbs.append((text(item), html.unescape(link.group(1)) if link else None))
    return crumbs


def url(name, *args):
    return reverse(f"scorecards:{name}", args=args)


def page_urls():
    return {
        "organisation": url("organisation"),
        "ambition": url("ambition", "greener"),
        "other ambition": url("ambition", "homes"),
        "outcome": url("outcome", "less-waste"),
        "directorate": url("directorate", "place"),
        "service": url("service", "waste"),
        "committee": url("committee", "place-scrutiny"),
        "full-scorecard committee": url("committee", "resources"),
        "indicator": url("indicator", "RCY-01"),
        "draft's indicator": url("indicator", "FLY-01"),
        "team indicator": url("indicator", "MIS-01"),
    }


# --- each page shows exactly its indicators ---------------------------------------------------


def test_ambition_shows_its_outcomes_indicators_of_any_set_grouped_by_outcome(
    client, thread, councillor
):
    page = get(client, url("ambition", "greener"))

    assert "A greener Testshire: Q2 2025/26" in page
    assert sections(page) == {
        "Less waste and more recycling": ["FLY-01", "MIS-01", "RCY-01"],
        "A net zero council": ["PLN-01"],
    }
    # Each outcome's heading is the next step down the thread.
    assert f'href="{url("outcome", "less-waste")}?period={Q2}"' in page
    assert f'href="{url("outcome", "net-zero")}?period={Q2}"' in page
    assert sections(get(client, url("ambition", "homes"))) == {
        "Fewer households become homeless": ["TMP-01"]
    }


def test_outcome_shows_only_its_own_indicators(client, thread, councillor):
    page = get(client, url("outcome", "less-waste"))

    assert "Less waste and more recycling: Q2 2025/26" in page
    assert sections(page) == {"Less waste and more recycling": ["FLY-01", "MIS-01", "RCY-01"]}
    assert sections(get(client, url("outcome", "net-zero"))) == {"A net zero council": ["PLN-01"]}


def test_directorate_shows_strategic_then_each_services_operational_indicators(
    client, thread, councillor
):
    page = get(client, url("directorate", "place"))

    assert "Place scorecard: Q2 2025/26" in page
    assert sections(page) == {
        "Strategic indicators": ["FLY-01", "RCY-01"],
        "Planning": ["PLN-01"],
        # The Waste Collections team's indicator sits under its service.
        "Waste and Recycling": ["MIS-01"],
        "Place directorate": ["DIR-01"],
    }
    assert f'href="{url("service", "waste")}?period={Q2}"' in page
    assert sections(get(client, url("directorate", "people"))) == {
        "Strategic indicators": ["TMP-01"]
    }


def test_service_shows_its_own_and_its_teams_indicators(client, thread, councillor):
    page = get(client, url("service", "waste"))

    assert "Waste and Recycling: Q2 2025/26" in page
    assert sections(page) == {
        "Strategic indicators": ["FLY-01", "RCY-01"],
        "Operational indicators": ["MIS-01"],
    }
    assert sections(get(client, url("service", "planning"))) == {
        "Operational indicators": ["PLN-01"]
    }


def test_committee_shows_exactly_the_indicators_it_receives(client, thread, councillor):
    page = get(client, url("committee", "place-scrutiny"), period=Q2)

    assert codes(page) == {"FLY-01", "RCY-01"}
    assert sections(page) == {"A greener Testshire": ["FLY-01", "RCY-01"]}


def test_a_committee_receiving_the_full_scorecard_also_gets_every_strategic_indicator(
    client, thread, councillor
):
    page = get(client, url("committee", "resources"))

    assert "Strategy and Resources Committee: Q2 2025/26" in page  # no meeting: latest quarter
    assert sections(page) == {
        "A greener Testshire": ["FLY-01", "RCY-01"],
        "Good homes for all": ["TMP-01"],
        "Not linked to an ambition": ["DIR-01"],
    }


def test_committee_page_defaults_to_the_quarter_its_next_meeting_considers(
    client, thread, councillor
):
    meeting = MeetingFactory(
        committee=thread.place_scrutiny,
        starts_at=datetime.datetime(2026, 1, 14, 18, tzinfo=datetime.UTC),
        venue="Committee Room 1",
    )
    # A past meeting, fed by the latest quarter, no longer decides the page.
    past = MeetingFactory(
        committee=thread.place_scrutiny,
        starts_at=datetime.datetime(2025, 11, 3, 18, tzinfo=datetime.UTC),
    )
    ReportingCycleFactory(period=Period.objects.get(code=Q1)).meetings.set([meeting])
    ReportingCycleFactory(period=Period.objects.get(code=Q2)).meetings.set([past])

    page = get(client, url("committee", "place-scrutiny"))

    assert "Place Scrutiny Committee: Q1 2025/26" in page
    assert (
        "For the meeting on <strong>14 January 2026 at 6pm" in page and "Committee Room 1" in page
    )
    assert '<option value="2025-26-Q1" selected>' in page
    assert "40.0%" in page and "44.2%" not in page  # RCY-01's Q1 figure, not its Q2 one
    # Another quarter can still be chosen.
    chosen = get(client, url("committee", "place-scrutiny"), period=Q2)
    assert "Place Scrutiny Committee: Q2 2025/26" in chosen and "44.2%" in chosen


def test_the_indicator_page_shows_the_figure_and_every_period(client, thread, councillor):
    page = get(client, url("indicator", "MIS-01"))

    assert '<h1 class="govuk-heading-l">Missed bins per 100,000 collections</h1>' in page
    assert "Common cause" in page  # fourteen quarters of noise
    history = page[page.index("Every period") : page.index(">Definition<")]
    rows = re.findall(r'<th scope="row" class="govuk-table__header">([^<]+)</th>', history)
    assert rows[0] == "Q2 2025/26" and rows[-1] == "Q1 2022/23"
    assert len(rows) == len(STABLE_SERIES)


def test_a_first_figure_says_there_is_nothing_to_compare_with(client, thread, councillor):
    indicator(
        thread,
        "NEW-01",
        "A new measure",
        sets=["operational"],
        owner=thread.waste,
        figures=[(Q2, "12.0")],
    )
    page = get(client, url("indicator", "NEW-01"))

    assert "Not comparable: no figure for Q1 2025/26 to compare with" in page
    assert "to compare with ()" not in page and "compared with Q1 2025/26 ()" not in page


# --- the thread in the breadcrumbs ------------------------------------------------------------


def test_breadcrumbs_trace_the_golden_thread(client, thread, councillor):
    home = ("Organisation scorecard", url("organisation"))
    greener = ("A greener Testshire", url("ambition", "greener"))
    less_waste = ("Less waste and more recycling", url("outcome", "less-waste"))

    assert breadcrumbs(get(client, url("organisation"))) == []
    assert breadcrumbs(get(client, url("ambition", "greener"))) == [
        home,
        ("A greener Testshire", None),
    ]
    assert breadcrumbs(get(client, url("outcome", "less-waste"))) == [
        home,
        greener,
        ("Less waste and more recycling", None),
    ]
    assert breadcrumbs(get(client, url("indicator", "RCY-01"))) == [
        home,
        greener,
        less_waste,
        ("Household waste recycled", None),
    ]
    assert breadcrumbs(get(client, url("directorate", "place"))) == [home, ("Place", None)]
    assert breadcrumbs(get(client, url("service", "waste"))) == [
        home,
        ("Place", url("directorate", "place")),
        ("Waste and Recycling", None),
    ]
    assert breadcrumbs(get(client, url("committee", "resources"))) == [
        home,
        ("Strategy and Resources Committee", None),
    ]


# --- what never appears, and who may look ----------------------------------------------------


def test_unknown_codes_are_not_found(client, thread, councillor):
    for name in ("ambition", "outcome", "directorate", "service", "committee", "indicator"):
        assert client.get(url(name, "no-such-thing")).status_code == 404, name
    # A directorate is not a service, nor a team a service.
    assert client.get(url("directorate", "waste")).status_code == 404
    assert client.get(url("service", "place")).status_code == 404
    assert client.get(url("service", "collections")).status_code == 404
    # Nor is a quarter that has not ended.
    assert client.get(url("ambition", "greener"), {"period": "2025-26-Q3"}).status_code == 404


def test_anonymous_visitors_are_sent_to_sign_in(client, thread):
    for name, address in page_urls().items():
        response = client.get(address)
        assert response.status_code == 302, name
        assert response.url.startswith(reverse("login") + "?next="), name


def test_retired_indicators_and_drafts_appear_on_no_page(client, thread, councillor):
    for name, address in page_urls().items():
        page = get(client, address)
        assert "OLD-01" not in page, name
        assert RETIRED_TITLE not in page, name
        assert DRAFT_FIGURE not in page, name
    for address in (url("organisation"), url("ambition", "greener"), url("service", "waste")):
        in_csv = client.get(address, {"format": "csv"}).content.decode("utf-8-sig")
        _, rows, _ = read_xlsx(client.get(address, {"format": "xlsx"}))
        in_xlsx = " ".join(str(cell) for row in rows for cell in row.values())
        for exported in (in_csv, in_xlsx):
            assert "FLY-01" in exported  # the draft's indicator is there, without the draft
            assert DRAFT_FIGURE not in exported and "OLD-01" not in exported
    # The draft's indicator is there, waiting for a signed-off figure.
    assert ">Pending<" in get(client, url("indicator", "FLY-01"))


# --- filters ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("page", "params", "expected"),
    [
        ("organisation", {}, {"RCY-01", "TMP-01", "FLY-01"}),
        ("organisation", {"status": ["amber"]}, {"RCY-01"}),
        ("organisation", {"status": ["amber", "red"]}, {"RCY-01", "TMP-01"}),
        ("organisation", {"status": ["pending"]}, {"FLY-01"}),
        ("organisation", {"direction": ["worsening"]}, {"TMP-01"}),
        ("organisation", {"direction": ["improving"]}, {"RCY-01"}),
        ("ambition", {"variation": ["common_cause"]}, {"MIS-01"}),
        ("ambition", {"variation": ["not_enough_data"]}, {"RCY-01", "FLY-01", "PLN-01"}),
        ("ambition", {"indicator_set": ["operational"]}, {"MIS-01", "PLN-01"}),
        ("ambition", {"indicator_set": ["strategic"]}, {"RCY-01", "FLY-01"}),
        ("organisation", {"directorate": "people"}, {"TMP-01"}),
        ("organisation", {"directorate": "place"}, {"RCY-01", "FLY-01"}),
        ("organisation", {"committee": "place_scrutiny"}, {"RCY-01", "FLY-01"}),
        ("full-scorecard committee", {"status": ["data_only"]}, {"DIR-01"}),
        # Combined: every filter must hold.
        ("ambition", {"indicator_set": ["operational"], "status": ["green"]}, {"MIS-01"}),
        (
            "ambition",
            {"indicator_set": ["operational"], "direction": ["improving"]},
            {"MIS-01", "PLN-01"},
        ),
        ("organisation", {"directorate": "place", "status": ["pending"]}, {"FLY-01"}),
        ("organisation", {"directorate": "people", "status": ["amber"]}, set()),
        (
            "directorate",
            {"status": ["green", "data_only"], "direction": ["improving"]},
            {"MIS-01", "PLN-01", "DIR-01"},
        ),
    ],
)
def test_filters_narrow_the_rows(client, thread, councillor, page, params, expected):
    params = {**params}
    for field in ("directorate", "committee"):  # choose by name, send the id as the form does
        if field in params:
            params[field] = getattr(thread, params[field]).pk

    shown = get(client, page_urls()[page], **params)

    assert codes(shown) == expected
    if not expected:
        assert "No indicators match these filters." in shown
    if params:
        assert '<details class="govuk-details" open>' in shown  # the filters stay in view


def test_the_summary_counts_only_the_rows_shown(client, thread, councillor):
    page = get(client, url("organisation"), status=["amber", "red"])

    roll_up = page[page.index("Status of the indicators shown") :]
    assert '<strong class="govuk-tag govuk-tag--yellow">Amber</strong> 1' in roll_up
    assert '<strong class="govuk-tag govuk-tag--red">Red</strong> 1' in roll_up
    assert "Pending</strong>" not in roll_up[: roll_up.index("</ul>")]


# --- exports ----------------------------------------------------------------------------------


def read_csv(response) -> list[dict[str, str]]:
    assert response.content.startswith(b"\xef\xbb\xbf")  # the BOM, so Excel reads UTF-8
    return list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))


def read_xlsx(response) -> tuple[list[str], list[dict[str, str]], object]:
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    headers = list(rows[3])
    return rows[0][0], [dict(zip(headers, row, strict=True)) for row in rows[4:]], sheet


def test_csv_export_has_exactly_the_filtered_rows(client, thread, councillor):
    response = client.get(
        url("ambition", "greener"), {"status": ["green", "amber"], "format": "csv"}
    )

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert response["Content-Disposition"] == (
        'attachment; filename="a-greener-testshire-q2-2025-26.csv"'
    )
    rows = read_csv(response)
    assert list(rows[0]) == exports.HEADERS
    assert [(r["Section"], r["Code"], r["Status"]) for r in rows] == [
        ("Less waste and more recycling", "MIS-01", "Green"),
        ("Less waste and more recycling", "RCY-01", "Amber"),
    ]
    recycled = rows[1]
    assert recycled["Value"] == "44.2%" and recycled["Target"] == "45.0%"
    assert recycled["Direction of travel"] == "Improving"
    assert recycled["Compared with"] == "Q1 2025/26" and recycled["Previous value"] == "40.0%"
    assert rows[0]["Variation (SPC)"] == "Common cause"


def test_xlsx_export_has_exactly_the_filtered_rows(client, thread, councillor):
    response = client.get(
        url("directorate", "place"), {"indicator_set": ["operational"], "format": "xlsx"}
    )

    assert response.status_code == 200
    assert response["Content-Type"] == (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    assert response["Content-Disposition"] == (
        'attachment; filename="place-scorecard-q2-2025-26.xlsx"'
    )
    title, rows, sheet = read_xlsx(response)
    assert title == "Place scorecard"
    assert sheet["A2"].value == "Testshire Council, Q2 2025/26"
    assert [(r["Section"], r["Code"]) for r in rows] == [
        ("Planning", "PLN-01"),
        ("Waste and Recycling", "MIS-01"),
        ("Place directorate", "DIR-01"),
    ]
    assert rows[0]["Status"] == "Data only" and rows[0]["Value"] == "90.0%"


def test_exports_match_the_page_whatever_the_filters(client, thread, councillor):
    for page, params in [
        ("organisation", {}),
        ("organisation", {"direction": ["worsening", "improving"]}),
        ("service", {"status": ["pending", "green"]}),
        ("full-scorecard committee", {}),
    ]:
        address = page_urls()[page]
        shown = ROW_CODE.findall(get(client, address, **params))
        in_csv = [r["Code"] for r in read_csv(client.get(address, {**params, "format": "csv"}))]
        _, in_xlsx, _ = read_xlsx(client.get(address, {**params, "format": "xlsx"}))
        assert in_csv == shown, (page, params)
        assert [r["Code"] for r in in_xlsx] == shown, (page, params)


def test_exports_defuse_commentary_that_a_spreadsheet_would_run(client, thread, councillor):
    variance = indicator(
        thread,
        "BUD-01",
        "Waste budget variance",
        sets=["operational"],
        owner=thread.waste,
        outcomes=[thread.less_waste],
        figures=[(Q1, "-900"), (Q2, "-1200", "-£1,200 is the overspend")],
        unit="£",
        precision=0,
        polarity=Polarity.neither,
    )
    address = url("outcome", "less-waste")
    csv_rows = {r["Code"]: r for r in read_csv(client.get(address, {"format": "csv"}))}
    _, xlsx_rows, sheet = read_xlsx(client.get(address, {"format": "xlsx"}))

    assert csv_rows["RCY-01"]["Commentary"] == "'" + FORMULA
    assert csv_rows["MIS-01"]["Commentary"] == "'" + SNEAKY_FORMULA
    by_code = {r["Code"]: r for r in xlsx_rows}
    assert by_code["RCY-01"]["Commentary"] == "'" + FORMULA
    assert by_code["MIS-01"]["Commentary"] == "'" + SNEAKY_FORMULA
    assert all(cell.data_type != "f" for row in sheet.iter_rows() for cell in row)
    # Negative figures are not formulas: they stay as shown; commentary is quoted all the same.
    assert csv_rows[variance.code]["Value"] == by_code[variance.code]["Value"] == "-£1,200"
    assert csv_rows[variance.code]["Previous value"] == "-£900"
    assert csv_rows[variance.code]["Commentary"] == "'-£1,200 is the overspend"


def test_exports_of_a_quarter_chosen_name_it(client, thread, councillor):
    response = client.get(url("service", "waste"), {"period": Q1, "format": "csv"})

    assert response["Content-Disposition"] == (
        'attachment; filename="waste-and-recycling-q1-2025-26.csv"'
    )
    assert {r["Period"] for r in read_csv(response)} == {"Q1 2025/26"}


# --- data quality ---------------------------------------------------------------------------

MARKER = re.compile(r'<strong class="govuk-tag govuk-tag--teal gt-data-quality">([^<]+)</strong>')
NOTE = 'id="data-quality-note"'
PROVISIONAL_NOTE = "<strong>Provisional</strong>: may change when final data are available."
ROW = re.compile(r'<tr class="govuk-table__row"[^>]*>(.*?)</tr>', re.S)


def markers_by_code(page: str) -> dict[str, list[str]]:
    """The data quality markers in each indicator's row of the page's tables."""
    found = {}
    for row in ROW.findall(page):
        code = ROW_CODE.search(row)
        if code:
            found[code.group(1)] = MARKER.findall(row)
    return found


@pytest.fixture
def provisional(thread):
    """PRV-01: Q1's figure estimated, Q2's signed off as provisional; every other figure final."""
    made = indicator(
        thread,
        "PRV-01",
        "Garden waste subscriptions renewed",
        sets=["strategic"],
        owner=thread.waste,
        outcomes=[thread.less_waste],
    )
    thread.returns.signed_off(made, Q1, "61.0", data_quality="estimated")
    thread.returns.signed_off(made, Q2, "64.5", data_quality="provisional")
    return made


def test_a_provisional_figure_is_marked_beside_it_and_explained_once(
    client, thread, provisional, councillor
):
    for page_name in ("organisation", "ambition", "service"):
        page = get(client, page_urls()[page_name])
        markers = markers_by_code(page)

        assert markers["PRV-01"] == ["Provisional"], page_name
        assert markers["RCY-01"] == [], page_name
        assert not any(found for code, found in markers.items() if code != "PRV-01"), page_name
        assert page.count(NOTE) == 1, page_name
        assert PROVISIONAL_NOTE in page
        assert "<strong>Estimated</strong>" not in page  # no estimated figure is shown


def test_a_scorecard_of_final_figures_has_no_marker_and_no_note(client, thread, councillor):
    page = get(client, url("organisation"))

    assert not MARKER.search(page)
    assert NOTE not in page


def test_the_indicator_page_marks_the_figure_and_each_period_of_its_history(
    client, thread, provisional, councillor
):
    page = get(client, url("indicator", "PRV-01"))
    summary = page[: page.index("Every period")]
    history = page[page.index("Every period") : page.index(">Definition<")]
    quality_of = {
        text(period): MARKER.findall(cells)
        for period, cells in re.findall(
            r'<th scope="row" class="govuk-table__header">([^<]+)</th>(.*?)</tr>', history, re.S
        )
    }

    assert MARKER.findall(summary) == ["Provisional"]
    assert quality_of["Q2 2025/26"] == ["Provisional"]
    assert quality_of["Q1 2025/26"] == ["Estimated"]
    assert quality_of["Q4 2024/25"] == []  # no figure
    assert page.count(NOTE) == 1
    assert PROVISIONAL_NOTE in page and "<strong>Estimated</strong>: worked out from" in page
    # A final figure's page has neither.
    final = get(client, url("indicator", "RCY-01"))
    assert not MARKER.search(final) and NOTE not in final


def test_exports_have_a_data_quality_column(client, thread, provisional, councillor):
    address = url("outcome", "less-waste")
    csv_rows = {r["Code"]: r for r in read_csv(client.get(address, {"format": "csv"}))}
    _, xlsx_rows, _ = read_xlsx(client.get(address, {"format": "xlsx"}))
    by_code = {r["Code"]: r for r in xlsx_rows}

    assert "Data quality" in exports.HEADERS
    assert csv_rows["PRV-01"]["Data quality"] == by_code["PRV-01"]["Data quality"] == "Provisional"
    assert csv_rows["RCY-01"]["Data quality"] == by_code["RCY-01"]["Data quality"] == "Final"
    assert csv_rows["FLY-01"]["Data quality"] == ""  # only a draft: no figure to judge
    q1 = {r["Code"]: r for r in read_csv(client.get(address, {"period": Q1, "format": "csv"}))}
    assert q1["PRV-01"]["Data quality"] == "Estimated"


# --- query counts -------------------------------------------------------------------------------


def _linked(t, n: int, *, strategic: bool, in_service: bool = False):
    """An indicator on the page under test, with two signed-off figures and a target.

    Owners rotate over the Waste and Recycling service, its team and (unless the page is that
    service's) the Planning service, so every section of a directorate grows too."""
    owners = [t.waste, t.collections] if in_service else [t.waste, t.collections, t.planning]
    made = indicator(
        t,
        f"QRY-{n:02d}",
        f"Counted indicator {n}",
        sets=["strategic" if strategic else "operational"],
        owner=owners[n % len(owners)],
        outcomes=[t.less_waste],
        committees=[t.place_scrutiny],
        figures=[(Q1, "50"), (Q2, str(50 + n))],
    )
    target(made, Q2, "52")
    return made


# Each page, and which indicators grow on it: strategic ones only (the organisation's), or
# strategic and operational alternately.
QUERY_PAGES = {
    "organisation_scorecard": (url("organisation"), "strategic"),
    "ambition_scorecard": (url("ambition", "greener"), "mixed"),
    "outcome_scorecard": (url("outcome", "less-waste"), "mixed"),
    "directorate_scorecard": (url("directorate", "place"), "mixed"),
    "service_scorecard": (url("service", "waste"), "service"),
    "committee_scorecard": (url("committee", "place-scrutiny"), "mixed"),
    "indicator_page": (url("indicator", "QRY-00"), "mixed"),
}


@pytest.mark.parametrize("key", list(QUERY_PAGES))
def test_query_count_does_not_grow_with_indicators(client, framework, councillor, key):
    address, kind = QUERY_PAGES[key]
    made = []

    def add(count):
        for _ in range(count):
            n = len(made)
            strategic = kind == "strategic" or n % 2 == 0
            made.append(_linked(framework, n, strategic=strategic, in_service=kind == "service"))

    add(2)
    get(client, address)  # counted once its readings are kept (scorecards.stored)
    with CaptureQueriesContext(connection) as few:
        page = get(client, address)
    if key != "indicator_page":
        assert codes(page) == {i.code for i in made}
    add(10)
    get(client, address)
    with CaptureQueriesContext(connection) as many:
        page = get(client, address)
    if key != "indicator_page":
        assert codes(page) == {i.code for i in made}

    assert len(many) == len(few), key
    assert len(many) == QUERY_BASELINE.get(key), (key, len(many))


def test_indicator_page_query_count_does_not_grow_with_its_history(client, framework, councillor):
    first = _linked(framework, 0, strategic=True)
    get(client, url("indicator", first.code))  # counted once its readings are kept
    with CaptureQueriesContext(connection) as short:
        get(client, url("indicator", first.code))
    for code, figure in zip(ALL_QUARTERS[:12], STABLE_SERIES[:12], strict=True):
        framework.returns.signed_off(first, code, figure)
    get(client, url("indicator", first.code))
    with CaptureQueriesContext(connection) as long:
        page = get(client, url("indicator", first.code))

    assert "Common cause" in page  # 14 points: SPC now has enough data
    assert len(long) == len(short), (len(short), len(long))
    assert len(long) == QUERY_BASELINE.get("indicator_page"), len(long)


# --- a scorecard too long for one page ---------------------------------------------------------


def test_a_scorecard_with_more_rows_than_a_page_shows_one_section_at_a_time(
    client, thread, councillor, monkeypatch
):
    monkeypatch.setattr("scorecards.views.ROWS_PER_PAGE", 3)  # the directorate has 5 rows
    address = url("directorate", "place")

    page = get(client, address)

    # The first section in full; every other one with its counts and a way to it.
    assert sections(page) == {
        "Strategic indicators": ["FLY-01", "RCY-01"],
        "Planning": [],
        "Waste and Recycling": [],
        "Place directorate": [],
    }
    assert "This scorecard has 5 rows, so it shows one section at a time" in page
    assert "Show the 1 indicator in this section" in page

    chosen = get(client, address, section=sections_anchor(page, "Waste and Recycling"))
    assert sections(chosen)["Waste and Recycling"] == ["MIS-01"]
    assert sections(chosen)["Strategic indicators"] == []
    # Counts stay those of the whole scorecard.
    assert text(HEADLINE.search(chosen).group(1)) == text(HEADLINE.search(page).group(1))

    # Filters are kept in the links between sections; exports still hold every row.
    filtered = get(client, address, status=["amber", "green", "data_only"])
    assert sections_anchor(filtered, "Planning")
    assert "status=amber&amp;status=green&amp;status=data_only&amp;section=" in filtered
    assert len(read_csv(client.get(address, {"format": "csv"}))) == 5
    # Fewer rows than a page: every section in full, whatever is asked.
    fitting = get(client, address, status=["amber"], section="planning")
    assert "one section at a time" not in fitting
    assert sections(fitting) == {"Strategic indicators": ["RCY-01"]}


def test_a_scorecard_that_fits_shows_every_section(client, thread, councillor):
    page = get(client, url("directorate", "place"), section="planning")

    assert "one section at a time" not in page
    assert sections(page)["Strategic indicators"] == ["FLY-01", "RCY-01"]


def sections_anchor(page: str, title: str) -> str:
    found = re.search(
        r'<li><a class="govuk-link" href="\?[^"]*section=([\w-]+)#[\w-]+"[^>]*>'
        + re.escape(title)
        + "</a>",
        page,
    )
    assert found, title
    return found.group(1)
