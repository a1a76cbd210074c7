"""The targets pages as the performance team and a director use them."""

from __future__ import annotations

import json
from decimal import Decimal as D
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from indicators.models import Indicator, Period, Target
from indicators.tests.factories import IndicatorFactory
from organisation.tests.personas import sign_in
from targets.models import TargetState, YearTarget
from targets.tests.conftest import LAST_YEAR_OUTTURN, NEXT_YEAR, THIS_YEAR
from targets.tests.test_workbooks import download, filled
from targets.workflow import Setting, propose_targets, set_targets

pytestmark = pytest.mark.django_db

QUERY_BASELINE = json.loads((Path(__file__).parent / "query_counts.json").read_text())


def page(client, address, **params) -> str:
    response = client.get(address, params)
    assert response.status_code == 200
    return response.content.decode()


def row_of(html: str, code: str) -> str:
    start = html.index(f'id="row-{code}"')
    return html[start : html.index("</tr>", start)]


def test_the_year_shows_last_years_outturn_the_limits_and_a_target_beyond_them(client, town):
    performance = town.person("performance")
    set_targets(
        year=town_year(THIS_YEAR),
        settings=[Setting(indicator=Indicator.objects.get(code="WST-01"), annual=D("90"))],
        by=performance,
        reason="Ambition of the new plan",
    )
    sign_in(client, performance)
    html = page(client, reverse("targets:year", args=[THIS_YEAR]))
    recycled = row_of(html, "WST-01")
    assert LAST_YEAR_OUTTURN in recycled
    assert "Needs the process to change" in recycled
    assert "Draft" in recycled and "90.0%" in recycled
    assert "Needs the process to change" not in row_of(html, "WST-02")
    assert "its targets are locked" in html


def test_a_target_inside_the_limits_needs_no_process_change(client, town):
    set_targets(
        year=town_year(THIS_YEAR),
        settings=[Setting(indicator=Indicator.objects.get(code="WST-01"), annual=D("46"))],
        by=town.person("performance"),
        reason="Hold steady",
    )
    sign_in(client, town.person("performance"))
    html = page(client, reverse("targets:year", args=[THIS_YEAR]))
    assert "Needs the process to change" not in row_of(html, "WST-01")


def test_the_year_filters_by_directorate_and_service(client, town):
    sign_in(client, town.person("performance"))
    address = reverse("targets:year", args=[NEXT_YEAR])
    html = page(client, address, directorate=town.people.pk)
    assert 'id="row-LIB-01"' in html and 'id="row-WST-01"' not in html
    html = page(client, address, service=town.parks.pk)
    assert 'id="row-PRK-01"' in html and 'id="row-WST-01"' not in html


def test_a_director_sees_only_their_directorate(client, town):
    sign_in(client, town.person("director"))
    html = page(client, reverse("targets:year", args=[NEXT_YEAR]))
    assert 'id="row-WST-01"' in html and 'id="row-LIB-01"' not in html
    assert "Agree the chosen targets" in html and "Set targets for" not in html
    response = client.get(reverse("targets:indicator", args=[NEXT_YEAR, "LIB-01"]))
    assert response.status_code == 404


def test_setting_targets_through_the_page_names_each_mistake_and_saves_nothing(client, town):
    sign_in(client, town.person("performance"))
    address = reverse("targets:set", args=[NEXT_YEAR])
    recycled, composted = (Indicator.objects.get(code=c) for c in ("WST-01", "WST-02"))
    chosen = client.post(address, {"indicator": ["WST-01", "WST-02"]})
    assert "WST-01 annual target" in chosen.content.decode()
    form = {
        "indicator": ["WST-01", "WST-02"],
        "step": "save",
        "profile": "even",
        f"annual-{recycled.pk}": "12,5",
        f"annual-{composted.pk}": "",
    }
    response = client.post(address, form)
    html = response.content.decode()
    assert response.status_code == 400
    assert f'href="#id_annual-{recycled.pk}">WST-01 annual target: “12,5” is not a number' in html
    form[f"annual-{recycled.pk}"] = "50"
    response = client.post(address, form)
    assert response.status_code == 400
    assert f'href="#id_annual-{composted.pk}">WST-02: Enter the annual target' in (
        response.content.decode()
    )
    assert not YearTarget.objects.exists()
    form[f"annual-{composted.pk}"] = "30"
    response = client.post(address, form)
    assert response.status_code == 302
    assert sorted(YearTarget.objects.values_list("indicator__code", "annual")) == [
        ("WST-01", D(50)),
        ("WST-02", D(30)),
    ]


def test_proposing_then_agreeing_on_the_page(client, town):
    recycled = Indicator.objects.get(code="WST-01")
    set_targets(
        year=town_year(NEXT_YEAR),
        settings=[Setting(indicator=recycled, annual=D("50"))],
        by=town.person("performance"),
    )
    sign_in(client, town.person("performance"))
    client.post(reverse("targets:propose", args=[NEXT_YEAR]), {"indicator": "WST-01"})
    sign_in(client, town.person("director"))
    html = page(client, reverse("targets:year", args=[NEXT_YEAR]))
    assert "1 awaiting agreement" in html
    response = client.post(reverse("targets:agree", args=[NEXT_YEAR]), {"indicator": "WST-01"})
    html = page(client, response["Location"])
    assert "Targets of 1 indicator agreed: they now judge figures" in html
    assert YearTarget.objects.get().state == TargetState.AGREED
    assert Target.objects.filter(indicator=recycled, period__code=NEXT_YEAR).exists()
    history = page(client, reverse("targets:indicator", args=[NEXT_YEAR, "WST-01"]))
    steps = [f"<strong>{step}</strong>" for step in ("Agreed", "Proposed for agreement", "Set")]
    assert [history.index(step) for step in steps] == sorted(history.index(s) for s in steps)


def test_returning_asks_for_a_reason(client, town):
    targets = set_targets(
        year=town_year(NEXT_YEAR),
        settings=[Setting(indicator=Indicator.objects.get(code="WST-01"), annual=D("50"))],
        by=town.person("performance"),
    )
    propose_targets(targets=targets, by=town.person("performance"))
    sign_in(client, town.person("director"))
    address = reverse("targets:return", args=[NEXT_YEAR])
    response = client.post(address, {"indicator": "WST-01", "step": "save", "reason": ""})
    assert response.status_code == 400
    assert "Reason: say what should change" in response.content.decode()
    assert YearTarget.objects.get().state == TargetState.PROPOSED


def test_the_upload_page_lists_every_problem_by_row(client, town):
    content = filled(
        download(town, town_year(NEXT_YEAR)),
        {"LIB-01": {"Annual target": "lots"}, "PRK-01": {"Profile": "Lumpy"}},
    )
    sign_in(client, town.person("performance"))
    response = client.post(
        reverse("targets:upload", args=[NEXT_YEAR]),
        {"file": SimpleUploadedFile("targets.xlsx", content)},
    )
    html = response.content.decode()
    assert response.status_code == 400
    assert "The file was rejected: nothing was saved" in html
    assert "Row 2, Annual target: “lots” is not a number" in html
    assert "Row 3, Profile: “lumpy” is not a profile" in html
    assert not YearTarget.objects.exists()


def test_the_framework_page_links_to_targets(client, town):
    sign_in(client, town.person("performance"))
    assert reverse("targets:index") in page(client, reverse("framework:home"))
    html = page(client, reverse("targets:index"))
    assert reverse("targets:year", args=[THIS_YEAR]) in html


def test_the_year_page_reads_a_fixed_number_of_queries(client, town):
    sign_in(client, town.person("performance"))
    address = reverse("targets:year", args=[THIS_YEAR])

    def count() -> int:
        page(client, address)  # counted once its readings are kept (scorecards.stored)
        with CaptureQueriesContext(connection) as queries:
            page(client, address)
        return len(queries)

    assert count() == QUERY_BASELINE["year_page"]
    IndicatorFactory.create_batch(20, owner=town.parks)
    set_targets(
        year=town_year(THIS_YEAR),
        settings=[Setting(indicator=i, annual=D(5)) for i in Indicator.objects.all()],
        by=town.person("performance"),
        reason="More",
    )
    assert count() == QUERY_BASELINE["year_page"]


def town_year(code):
    return Period.objects.get(kind="financial_year", code=code)
