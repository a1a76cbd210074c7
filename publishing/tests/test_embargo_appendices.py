"""A report's risk, finance and change appendices reach the public only with the report.

The council of `publishing/tests/conftest.py` gains, on 21 November, a risk, a project and a
budget with their reviews, updates and forecasts signed off. A second Q2 report, approved on
22 November for the committee's meeting at 6pm on 1 December, freezes them into its
appendices. Until one second before that meeting no public address shows the risk's title, the
project's title or the budget; from six o'clock the report shows all three, and the public
scorecards and indicator pages never do (they show figures, not registers).
"""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from delivery.tests.factories import ProjectFactory
from delivery.workflow import approve_update, record_update, submit_update
from finance.models import BudgetLine
from finance.workflow import approve_forecast, record_forecast, submit_forecast
from indicators.models import Period
from organisation.models import OrgUnit, Role
from organisation.tests.factories import UserFactory
from publishing.tests.conftest import Q2, at, made_file
from publishing.tests.test_embargo import body, listings
from reports.content import ReportContent
from risks.tests.factories import RiskFactory, scores
from risks.workflow import approve_review, record_review
from strategy.tests.factories import MeetingFactory

pytestmark = pytest.mark.django_db

MEETING = datetime.datetime(2026, 12, 1, 18, 0, tzinfo=datetime.UTC)
BEFORE, AFTER = MEETING - datetime.timedelta(seconds=1), MEETING
TITLE = "Quarterly performance report: Q2 2026/27 with the registers"
RISK = "Landfill gas migrating under Moor Lane"
PROJECT = "Rebuild the Moor Lane depot"
BUDGET_SHOWN = "7,654,321"  # the Place directorate's budget, as the appendix prints it
SECRETS = (TITLE, RISK, PROJECT, BUDGET_SHOWN)


@pytest.fixture
def with_registers(published):
    waste, place = OrgUnit.objects.get(code="waste"), OrgUnit.objects.get(code="place")
    q2 = Period.objects.get(code=Q2, kind="quarter")
    with at(datetime.datetime(2026, 11, 21, 10, tzinfo=datetime.UTC)):
        officer = UserFactory(roles=[Role.DATA_OWNER], units=[waste])
        approver = UserFactory(roles=[Role.APPROVER], units=[waste])
        risk = RiskFactory(reference="SR-31", title=RISK, owner=officer, unit=waste)
        review = record_review(
            risk=risk,
            entries=scores((4, 4), on=datetime.date(2026, 9, 20)),
            by=officer,
            submitting=True,
        )
        approve_review(review=review, by=approver)

        project = ProjectFactory(
            reference="DP-31", title=PROJECT, owner=officer, lead_service=waste
        )
        update = record_update(
            project=project,
            period=q2,
            entries={"percent_complete": 40, "done": "Designs"},
            by=officer,
        )
        approve_update(update=submit_update(update=update, by=officer), by=approver)

        year = Period.objects.get(code="2026-27", kind="financial_year")
        line = BudgetLine.objects.create(unit=place, year=year, budget=Decimal("7654321"))
        forecast = record_forecast(
            line=line, period=q2, entries={"forecast_outturn": Decimal("7700000")}, by=officer
        )
        approve_forecast(forecast=submit_forecast(forecast=forecast, by=officer), by=approver)

    meeting = MeetingFactory(committee=published.committee, starts_at=MEETING)
    with at(datetime.datetime(2026, 11, 22, 10, tzinfo=datetime.UTC)):
        report = published.report(title=TITLE, period_code=Q2, meeting=meeting)
        made_file(report)
    return report


def public_text(client, published, report) -> str:
    texts = []
    for address in [
        *listings(published),
        reverse("publishing:scorecard", args=[Q2]),
        reverse("publishing:ambition", args=[Q2, "greener"]),
    ]:
        response = client.get(address)
        assert response.status_code == 200, address
        texts.append(body(response))
    return "\n".join(texts)


def test_the_report_freezes_its_appendices_on_approval(with_registers):
    content = ReportContent.from_snapshot(with_registers.snapshot)
    titles = [appendix.title for appendix in content.appendices]
    assert {"Risks", "Finance"} <= set(titles) and len(titles) == 3
    frozen = str(with_registers.snapshot)
    for secret in (RISK, PROJECT):
        assert secret in frozen


def test_before_the_meeting_no_public_address_shows_the_appendices(
    client, published, with_registers
):
    with at(BEFORE):
        text = public_text(client, published, with_registers)
        for address in (
            reverse("publishing:report", args=[with_registers.pk]),
            reverse("publishing:download", args=[with_registers.pk, "pdf"]),
        ):
            assert client.get(address).status_code == 404, address
    for secret in SECRETS:
        assert secret not in text, f"{secret!r} is public"


def test_from_the_meeting_the_report_shows_its_appendices_and_nothing_else_does(
    client, published, with_registers
):
    with at(AFTER):
        page = body(client.get(reverse("publishing:report", args=[with_registers.pk])))
        elsewhere = public_text(client, published, with_registers)
    assert TITLE in page
    assert 'id="risks"' in page and RISK in page
    assert PROJECT in page and BUDGET_SHOWN in page
    # The registers reach the public only through the report.
    assert TITLE in elsewhere  # the reports list
    for secret in (RISK, PROJECT, BUDGET_SHOWN):
        assert secret not in elsewhere.replace(page, "")
