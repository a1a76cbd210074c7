"""History as it was: a scorecard for a period shows the indicators in force then, placed by
the owner, sets, committees and outcomes of the version in force for it, and never reads an
indicator as Missing before its first period or after a retired one's last.

The small council of `test_pages` (its `framework`): today is 24 November 2025, the latest
complete quarter Q2 2025/26. Every change below takes effect on 1 July 2025, the start of Q2,
so Q1 2025/26 is the past quarter that must not change.
"""

import datetime
import re

import pytest
from django.urls import reverse

from indicators.definitions import retire_indicator, revise_definition
from indicators.models import IndicatorSet, Lifecycle, Period
from indicators.tests.factories import ReportingCycleFactory
from organisation.models import Council
from scorecards.queries import (
    directorate_scorecard,
    organisation_scorecard,
    service_scorecard,
)
from scorecards.tests import test_pages
from scorecards.tests.test_pages import get, indicator, sections, target, url

pytestmark = pytest.mark.django_db

# The small council's fixtures, shared with the pages' tests.
today, framework, councillor = test_pages.today, test_pages.framework, test_pages.councillor

Q4_LAST_YEAR, Q1, Q2 = "2024-25-Q4", "2025-26-Q1", "2025-26-Q2"
JULY_2025 = datetime.date(2025, 7, 1)
TODAY = datetime.date(2025, 11, 24)
ROW_CODE = re.compile(r'<span class="gt-indicator-code">([^<]+)</span>')
HISTORY_ROW = re.compile(r'<th scope="row" class="govuk-table__header">([^<]+)</th>')


def period(code):
    return Period.objects.get(code=code)


@pytest.fixture
def council_of_q1(framework):
    """Four indicators as they stood in Q1 2025/26, each with Q1 and Q2 figures (OLD-01 Q1
    only: it is retired after Q1).

    RCY-01  strategic, less waste, Waste and Recycling, Place Scrutiny
    MIS-01  operational, less waste, the Waste Collections team (under Waste and Recycling)
    OLD-01  strategic, less waste, Waste and Recycling, Place Scrutiny and Resources
    TMP-01  strategic, homelessness, Housing Options (People directorate)
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
        figures=[(Q4_LAST_YEAR, "39.0"), (Q1, "40.0"), (Q2, "44.2")],
    )
    target(t.rcy, Q1, "45")
    t.mis = indicator(
        t,
        "MIS-01",
        "Missed bins per 100,000 collections",
        sets=["operational"],
        owner=t.collections,
        outcomes=[t.less_waste],
        figures=[(Q4_LAST_YEAR, "55"), (Q1, "52"), (Q2, "50")],
        unit="per 100,000",
        precision=0,
    )
    t.old = indicator(
        t,
        "OLD-01",
        "Residual waste collected (old method)",
        sets=["strategic"],
        owner=t.waste,
        outcomes=[t.less_waste],
        committees=[t.place_scrutiny, t.resources],
        figures=[(Q4_LAST_YEAR, "30.1"), (Q1, "33.3")],
    )
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
    )
    ReportingCycleFactory(period=period(Q1))  # Q1's deadline has passed: a gap is Missing
    return t


def change_the_council(t):
    """Add one indicator, retire one, move one and redefine one, all from 1 July 2025."""
    t.new = indicator(
        t,
        "NEW-01",
        "Food waste collected",
        sets=["strategic"],
        owner=t.waste,
        outcomes=[t.less_waste],
        committees=[t.place_scrutiny],
        figures=[(Q2, "12.0")],
        effective_from=JULY_2025,
    )
    retire_indicator(
        indicator=t.old,
        last_period=period(Q1),
        reason="Replaced by RCY-01",
        by=t.returns.approver,
    )
    revise_definition(
        indicator=t.mis,
        changes={
            "owner": t.planning,
            "sets": [IndicatorSet.objects.get(code="strategic")],
            "committees": [t.resources],
            "outcomes": [t.net_zero],
        },
        effective_from=JULY_2025,
        reason="Bin rounds now planned by the Planning service",
    )
    revise_definition(
        indicator=t.rcy,
        changes={"title": "Household waste reused, recycled or composted"},
        effective_from=JULY_2025,
        reason="Reuse now counted",
    )


PAGES = {
    "organisation": ("organisation",),
    "ambition": ("ambition", "greener"),
    "outcome": ("outcome", "less-waste"),
    "net zero outcome": ("outcome", "net-zero"),
    "directorate": ("directorate", "place"),
    "people directorate": ("directorate", "people"),
    "waste service": ("service", "waste"),
    "planning service": ("service", "planning"),
    "committee": ("committee", "place-scrutiny"),
    "full-scorecard committee": ("committee", "resources"),
}


# What is new on every response: the CSP nonce and the sign-out form's CSRF token.
PER_RESPONSE = re.compile(r'(nonce|name="csrfmiddlewaretoken" value)="[^"]*"')


def pages_for(client, code):
    """Every scorecard page for a quarter, and its CSV export."""
    shown = {}
    for name, address in PAGES.items():
        shown[name] = PER_RESPONSE.sub(r'\1=""', get(client, url(*address), period=code))
        response = client.get(url(*address), {"period": code, "format": "csv"})
        shown[f"{name} (CSV)"] = response.content.decode("utf-8-sig")
    return shown


def test_a_past_scorecard_is_unchanged_by_adding_retiring_and_moving_indicators(
    client, council_of_q1, councillor
):
    t = council_of_q1
    before = pages_for(client, Q1)
    current_before = sections(get(client, url("organisation"), period=Q2))

    change_the_council(t)

    after = pages_for(client, Q1)
    for name, page in before.items():
        assert after[name] == page, name
    # What Q1 showed, and still shows: the retired indicator, and the moved one where it was.
    q1 = {name: sections(page) for name, page in after.items() if "CSV" not in name}
    assert q1["organisation"] == {
        "A greener Testshire": ["OLD-01", "RCY-01"],
        "Good homes for all": ["TMP-01"],
    }
    assert q1["directorate"] == {
        "Strategic indicators": ["OLD-01", "RCY-01"],
        "Waste and Recycling": ["MIS-01"],
    }
    assert q1["planning service"] == {}
    assert q1["committee"] == {"A greener Testshire": ["OLD-01", "RCY-01"]}
    assert "Household waste recycled" in after["organisation"]
    assert "Household waste reused, recycled or composted" not in after["organisation"]

    # The current quarter shows today's council.
    q2 = {name: sections(get(client, url(*address))) for name, address in PAGES.items()}
    assert current_before == {
        "A greener Testshire": ["OLD-01", "RCY-01"],
        "Good homes for all": ["TMP-01"],
    }
    assert q2["organisation"] == {
        "A greener Testshire": ["MIS-01", "NEW-01", "RCY-01"],
        "Good homes for all": ["TMP-01"],
    }
    assert q2["net zero outcome"] == {"A net zero council": ["MIS-01"]}
    assert q2["directorate"] == {"Strategic indicators": ["MIS-01", "NEW-01", "RCY-01"]}
    assert q2["waste service"] == {"Strategic indicators": ["NEW-01", "RCY-01"]}
    assert q2["planning service"] == {"Strategic indicators": ["MIS-01"]}
    assert q2["committee"] == {"A greener Testshire": ["NEW-01", "RCY-01"]}
    assert q2["full-scorecard committee"] == {
        "A greener Testshire": ["MIS-01", "NEW-01", "RCY-01"],
        "Good homes for all": ["TMP-01"],
    }
    assert "Household waste reused, recycled or composted" in get(client, url("organisation"))


def test_the_read_models_place_each_indicator_by_the_version_in_force(council_of_q1):
    t = council_of_q1
    change_the_council(t)
    council = Council.objects.get()

    def read(build, *args, code):
        card = build(*args, period=period(code), today=TODAY, council=council)
        return {s.title: [r.indicator.code for r in s.readings] for s in card.sections}, card

    q1, card = read(directorate_scorecard, t.place, code=Q1)
    assert q1 == {
        "Strategic indicators": ["OLD-01", "RCY-01"],
        "Waste and Recycling": ["MIS-01"],
    }
    mis = card.standings[t.mis.pk]
    assert (mis.owner, mis.version.number) == (t.collections, 1)
    assert [r.definition.title for r in card.sections[0].readings] == [
        "Residual waste collected (old method)",
        "Household waste recycled",
    ]
    _, card = read(directorate_scorecard, t.place, code=Q2)
    assert card.standings[t.mis.pk].owner == t.planning
    assert card.standings[t.mis.pk].version.number == 2
    assert read(service_scorecard, t.waste, code=Q1)[0] == {
        "Strategic indicators": ["OLD-01", "RCY-01"],
        "Operational indicators": ["MIS-01"],
    }
    # Q1 had OLD-01's figure; nothing reads Missing before NEW-01 or after OLD-01.
    statuses = {
        r.indicator.code: r.rag.value
        for s in organisation_scorecard(period=period(Q1), today=TODAY, council=council).sections
        for r in s.readings
    }
    assert statuses == {"OLD-01": "data_only", "RCY-01": "red", "TMP-01": "data_only"}
    q2_codes = {
        r.indicator.code
        for s in organisation_scorecard(period=period(Q2), today=TODAY, council=council).sections
        for r in s.readings
    }
    assert "OLD-01" not in q2_codes and "NEW-01" in q2_codes


def test_filters_narrow_by_where_an_indicator_stood_in_the_period(
    client, council_of_q1, councillor
):
    t = council_of_q1
    change_the_council(t)
    committee, place = t.place_scrutiny.pk, t.place.pk

    def shown(code, **params):
        page = get(client, url("ambition", "greener"), period=code, **params)
        return set(ROW_CODE.findall(page))

    assert shown(Q1, indicator_set=["operational"]) == {"MIS-01"}
    assert shown(Q2, indicator_set=["operational"]) == set()
    assert shown(Q1, committee=committee) == {"OLD-01", "RCY-01"}
    assert shown(Q2, committee=committee) == {"NEW-01", "RCY-01"}
    assert shown(Q1, directorate=place) == {"MIS-01", "OLD-01", "RCY-01"}


def test_an_indicator_is_never_missing_before_its_first_period(client, framework, councillor):
    t = framework
    added = indicator(
        t,
        "NEW-02",
        "Food waste collected",
        sets=["strategic"],
        owner=t.waste,
        outcomes=[t.less_waste],
        figures=[(Q2, "12.0")],
        first_period=period(Q2),
    )
    ReportingCycleFactory(period=period(Q1))  # Q1's deadline has passed

    assert "NEW-02" not in get(client, url("organisation"), period=Q1)
    assert "NEW-02" in get(client, url("organisation"), period=Q2)
    page = get(client, url("indicator", added.code))
    history = page[page.index("Every period") : page.index(">Definition<")]
    assert HISTORY_ROW.findall(history) == ["Q2 2025/26"]
    assert "Missing" not in history
    assert "reported from Q2 2025/26" in page
    earlier = get(client, url("indicator", added.code), period=Q1)
    assert "NEW-02 was not reported for Q1 2025/26: it is reported from Q2 2025/26." in earlier
    assert ">Missing<" not in earlier


def test_a_retired_indicator_stays_in_its_past_and_leaves_after_its_last_period(
    client, council_of_q1, councillor
):
    t = council_of_q1
    retire_indicator(indicator=t.old, last_period=period(Q1), reason="Replaced by RCY-01")
    t.old.refresh_from_db()

    assert t.old.lifecycle == Lifecycle.RETIRED
    assert "OLD-01" in get(client, url("service", "waste"), period=Q1)
    assert "OLD-01" not in get(client, url("service", "waste"), period=Q2)
    page = get(client, url("indicator", "OLD-01"), period=Q1)
    history = page[page.index("Every period") : page.index(">Definition<")]
    assert HISTORY_ROW.findall(history)[0] == "Q1 2025/26"  # nothing after its last period
    assert "reported from Q1 2022/23 to Q1 2025/26" in page
    latest = get(client, url("indicator", "OLD-01"))
    assert "OLD-01 was not reported for Q2 2025/26" in latest
    assert "Retired: last reported for Q1 2025/26. Replaced by RCY-01" in latest


def test_the_indicator_page_lists_a_move_among_its_versions(client, council_of_q1, councillor):
    change_the_council(council_of_q1)

    page = get(client, url("indicator", "MIS-01"))
    versions = page[page.index("Every version of the definition") :]

    assert "Bin rounds now planned by the Planning service" in versions
    assert "Planning" in versions and "Waste Collections" in versions
    assert reverse("scorecards:service", args=["planning"]) in page  # its service today
