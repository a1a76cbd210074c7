"""The directorate scorecard's risks panel (heat map as an accessible table, highest risks),
the indicator page's linked risks, and the report appendix: signed-off reviews only, as at
the end of the period."""

from __future__ import annotations

import datetime
import re

import pytest
from django.urls import reverse

from indicators.models import Indicator, Period
from organisation.tests.personas import sign_in
from reports.appendices import AppendixRequest, appendices_for
from risks.appendix import HEADERS, NOT_REVIEWED, risks_appendix
from risks.models import RiskLevel
from risks.panels import directorate_panel, indicator_panel
from risks.tests.factories import RiskFactory, scores, signed_off_review
from risks.workflow import record_review
from scorecards.panels import DIRECTORATE_PANELS, INDICATOR_PANELS

pytestmark = pytest.mark.django_db

Q2 = "2026-27-Q2"  # ends 30 September 2026
JUNE = datetime.date(2026, 6, 30)
SEPT = datetime.date(2026, 9, 30)


@pytest.fixture
def q2(town) -> Period:
    return Period.objects.get(code=Q2)


@pytest.fixture
def risks(town, officer, approver, director):
    """Waste's WR-01 at 4 × 4 (rising from 3 × 3), linked to WST-01, with a later unsigned
    draft; WR-02 never reviewed; Libraries' LB-01 a corporate risk at 2 × 2."""
    contract = RiskFactory(
        reference="WR-01", title="Collection contract fails", unit=town.waste, owner=director
    )
    contract.indicators.add(Indicator.objects.get(code="WST-01"))
    signed_off_review(contract, by=officer, approver=approver, current=(3, 3), on=JUNE)
    signed_off_review(contract, by=officer, approver=approver, current=(4, 4), on=SEPT)
    record_review(risk=contract, entries=scores((5, 5), on=datetime.date(2026, 10, 5)), by=officer)
    RiskFactory(reference="WR-02", title="Depot fire", unit=town.waste, owner=director)
    performance = town.person("performance")
    libraries = RiskFactory(
        reference="LB-01",
        title="Library roof",
        level=RiskLevel.CORPORATE,
        unit=town.libraries,
        owner=director,
    )
    signed_off_review(
        libraries, by=performance, approver=approver_for_libraries(town), current=(2, 2), on=SEPT
    )
    return contract


def approver_for_libraries(town):
    from organisation.models import Role
    from organisation.tests.factories import UserFactory

    return UserFactory(roles=[Role.APPROVER], units=[town.libraries])


def test_the_panels_and_appendix_are_registered():
    assert directorate_panel in DIRECTORATE_PANELS
    assert indicator_panel in INDICATOR_PANELS


def test_no_panel_for_a_directorate_without_risks(town, q2):
    assert directorate_panel(town.people, q2) is None
    assert indicator_panel(Indicator.objects.get(code="WST-01"), q2) is None


def test_the_directorate_scorecard_shows_the_heat_map_as_a_table_of_links(client, town, q2, risks):
    sign_in(client, town.person("councillor"))
    page = client.get(
        reverse("scorecards:directorate", args=["place"]), {"period": Q2}
    ).content.decode()

    heat_map = page[
        page.index('id="risks-heat-map"') : page.index(
            "</table>", page.index('id="risks-heat-map"')
        )
    ]
    headers = re.findall(r'<th scope="(?:col|row)"[^>]*>([^<]+)</th>', heat_map)
    assert headers[:5] == [f"Likelihood {n}" for n in range(1, 6)]
    assert headers[5:] == [f"Impact {n}" for n in (5, 4, 3, 2, 1)]
    link = f'href="/risks/?unit={town.place.pk}&amp;period={Q2}&amp;likelihood=4&amp;impact=4"'
    assert link in heat_map
    cell = heat_map[heat_map.index(link) :]
    assert cell.index("1 risk") < cell.index("Very high") < cell.index("</td>")
    assert heat_map.count("<a ") == 1  # the draft (5 × 5) and unreviewed WR-02 are not counted
    assert "1 risk has no signed-off review yet" in page

    highest = page[page.index('id="risks-highest"') :]
    assert "WR-01 Collection contract fails" in highest
    assert "Rising" in highest and "Above target" in highest
    assert "Library roof" not in page  # another directorate's


def test_the_indicator_page_lists_its_linked_risks(client, town, q2, risks):
    sign_in(client, town.person("councillor"))
    page = client.get(
        reverse("scorecards:indicator", args=["WST-01"]), {"period": Q2}
    ).content.decode()
    section = page[page.index('id="indicator-risks"') :]
    assert "WR-01 Collection contract fails" in section
    assert "Depot fire" not in section


def test_the_appendix_for_a_committees_remit(town, q2, risks):
    appendix = risks_appendix(
        AppendixRequest(
            committee=town.committee,
            period=q2,
            unit_ids=frozenset({town.place.pk}),
            indicator_codes=frozenset(),
        )
    )
    assert appendix.title == "Risks"
    assert "30 September 2026" in appendix.introduction
    [table] = appendix.tables
    assert table.caption == "Service risks"
    assert table.headers == HEADERS
    assert table.rows == [
        [
            "WR-01",
            "Collection contract fails",
            "Dana Reid",
            "16 (Very high)",
            "4 (Low)",
            "Rising",
            "30 September 2026",
        ],
        ["WR-02", "Depot fire", "Dana Reid", NOT_REVIEWED, "", "", ""],
    ]


def test_the_whole_council_appendix_has_a_table_per_level(town, q2, risks):
    request = AppendixRequest(
        committee=None, period=q2, unit_ids=frozenset(), indicator_codes=frozenset()
    )
    [appendix] = [a for a in appendices_for(request) if a.anchor == "risks"]
    assert [t.caption for t in appendix.tables] == ["Corporate (strategic) risks", "Service risks"]
    assert appendix.tables[0].rows[0][:4] == ["LB-01", "Library roof", "Dana Reid", "4 (Low)"]


def test_no_appendix_without_risks(town, q2):
    request = AppendixRequest(
        committee=None, period=q2, unit_ids=frozenset(), indicator_codes=frozenset()
    )
    assert risks_appendix(request) is None


def theme_section(client, town, name: str, code: str) -> str:
    sign_in(client, town.person("councillor"))
    page = client.get(reverse(f"scorecards:{name}", args=[code]), {"period": Q2}).content.decode()
    if 'id="theme-risks"' not in page:
        return ""
    start = page.index('id="theme-risks"')
    return page[start : page.index("</table>", start)]


@pytest.mark.parametrize(
    ("name", "code"), [("outcome", "less-waste"), ("ambition", "cleaner-place")]
)
def test_the_ambition_and_outcome_pages_list_the_risks_to_them(client, town, q2, risks, name, code):
    """WR-01 is linked to "Less waste" (under "A cleaner place") and scored 4 × 4 at its
    signed-off September review; its later 5 × 5 draft is not shown."""
    risks.outcomes.add(town.outcome)
    RiskFactory(reference="WR-09", title="Unlinked risk", unit=town.waste)

    section = theme_section(client, town, name, code)

    assert f'href="/risks/{risks.pk}/"' in section and "WR-01 Collection contract fails" in section
    assert "Very high" in section and "25" not in section
    assert "Unlinked risk" not in section


def test_a_theme_with_no_linked_risks_has_no_risks_section(client, town, q2, risks):
    assert theme_section(client, town, "outcome", "less-waste") == ""


def test_the_ambition_pages_queries_do_not_grow_with_its_risks(client, town, q2, officer):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def add(count):
        for _ in range(count):
            risk = RiskFactory(unit=town.waste, owner=officer)
            risk.outcomes.add(town.outcome)
            signed_off_review(
                risk, by=officer, approver=town.person("approver"), current=(3, 3), on=SEPT
            )

    sign_in(client, town.person("councillor"))
    address = reverse("scorecards:ambition", args=["cleaner-place"])
    add(1)
    client.get(address, {"period": Q2})  # counted once its readings are kept
    with CaptureQueriesContext(connection) as few:
        client.get(address, {"period": Q2})
    add(5)
    with CaptureQueriesContext(connection) as many:
        page = client.get(address, {"period": Q2}).content.decode()
    assert page.count('href="/risks/') >= 6
    assert len(many) == len(few)
