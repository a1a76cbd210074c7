import datetime

import pytest
from django.template.loader import render_to_string
from django.urls import reverse

from delivery.appendices import TITLE, change_appendix
from delivery.panels import directorate_change_panel, indicator_projects_panel
from delivery.tests.factories import MilestoneFactory, ProjectFactory
from indicators.models import Indicator, Period
from organisation.tests.personas import OPEN_PERIOD, sign_in
from reports.appendices import REPORT_APPENDICES, AppendixRequest
from scorecards.panels import DIRECTORATE_PANELS, INDICATOR_PANELS

pytestmark = pytest.mark.django_db


@pytest.fixture
def q2(town) -> Period:
    return Period.objects.get(code=OPEN_PERIOD)


@pytest.fixture
def signed_off(project, updates, milestone):
    milestone.forecast_on = datetime.date(2026, 12, 14)  # 14 days after its baseline
    milestone.save()
    return updates.signed_off(project, OPEN_PERIOD, 50)


def test_the_panels_and_appendix_are_in_their_slots():
    assert directorate_change_panel in DIRECTORATE_PANELS
    assert indicator_projects_panel in INDICATOR_PANELS
    assert change_appendix in REPORT_APPENDICES


def test_the_directorate_panel_shows_its_projects_with_status_in_words(town, q2, signed_off):
    panel = directorate_change_panel(town.place, q2)
    assert panel.title == "Change: programmes and projects"
    html = render_to_string(panel.template, {"panel": panel})
    assert "DP-01 Food waste collections" in html
    assert '<strong class="govuk-tag govuk-tag--green">On track</strong>' in html
    assert "50%" in html
    assert "Caddies delivered" in html
    assert "14 days late" in html
    assert "Cleaner place programme" in html


def test_the_directorate_panel_shows_no_draft(town, q2, project, updates):
    updates.submitted(project, OPEN_PERIOD, 80, done="Secret draft words")
    panel = directorate_change_panel(town.place, q2)
    html = render_to_string(panel.template, {"panel": panel})
    assert "No update" in html
    assert "80%" not in html and "Secret draft words" not in html


def test_another_directorates_panel_says_it_leads_no_projects(town, q2, signed_off):
    panel = directorate_change_panel(town.people, q2)
    html = render_to_string(panel.template, {"panel": panel})
    assert "People leads no active projects." in html
    assert "DP-01" not in html


def test_the_indicator_panel_lists_the_projects_it_measures(town, q2, signed_off):
    panel = indicator_projects_panel(Indicator.objects.get(code="WST-01"), q2)
    html = render_to_string(panel.template, {"panel": panel})
    assert panel.title == "Projects"
    assert "DP-01 Food waste collections" in html
    assert indicator_projects_panel(Indicator.objects.get(code="PRK-01"), q2) is None


def _request(q2, unit_ids):
    return AppendixRequest(
        committee=None, period=q2, unit_ids=frozenset(unit_ids), indicator_codes=frozenset()
    )


def test_the_appendix_covers_the_remit_with_signed_off_updates(town, q2, signed_off, updates):
    overridden = ProjectFactory(
        reference="DP-02", title="Bring sites", lead_service=town.parks, programme=None
    )
    updates.signed_off(
        overridden,
        OPEN_PERIOD,
        10,
        status_override="at_risk",
        override_reason="New crews start next week",
    )
    ProjectFactory(reference="DP-03", title="Library app", lead_service=town.libraries)

    appendix = change_appendix(_request(q2, [town.place.pk]))
    assert appendix.title == TITLE
    programmes, listed = appendix.tables
    assert programmes.headers[:4] == ["Programme", "Projects", "Complete", "Deferred"]
    assert programmes.rows[0][:2] == ["Cleaner place programme", "1"]
    on_track = programmes.headers.index("On track")
    assert programmes.rows[0][on_track] == "1"
    assert programmes.rows[1][0] == "Not in a programme"
    assert [row[0] for row in listed.rows] == ["DP-01", "DP-02"]
    assert listed.rows[0][4:7] == ["On track", "Q2 2026/27", "50%"]
    assert listed.rows[0][7:] == ["Caddies delivered, due 30 Nov 2026", "14 days late"]
    assert listed.rows[1][4] == "At risk (owner's override; calculated Off track)"

    whole = change_appendix(_request(q2, []))
    assert [row[0] for row in whole.tables[1].rows] == ["DP-01", "DP-02", "DP-03"]
    assert whole.tables[1].rows[2][4] == "No update"


def test_no_appendix_when_the_remit_leads_no_projects(town, q2, signed_off):
    assert change_appendix(_request(q2, [town.people.pk])) is None


def test_milestones_achieved_leave_the_panel(town, q2, project, updates):
    MilestoneFactory(project=project, achieved_on=datetime.date(2026, 9, 1))
    updates.signed_off(project, OPEN_PERIOD, 50)
    panel = directorate_change_panel(town.place, q2)
    html = render_to_string(panel.template, {"panel": panel})
    assert "None left" in html


@pytest.mark.parametrize(
    ("name", "code"), [("outcome", "less-waste"), ("ambition", "cleaner-place")]
)
def test_a_themes_page_drills_down_to_each_project(client, town, q2, signed_off, name, code):
    """DP-01 delivers "Less waste", under "A cleaner place": both pages list it, with its
    signed-off status, each row a link to the project's page."""
    ProjectFactory(reference="DP-07", title="Unlinked project", lead_service=town.waste)
    sign_in(client, town.person("councillor"))

    page = client.get(
        reverse(f"scorecards:{name}", args=[code]), {"period": OPEN_PERIOD}
    ).content.decode()

    section = page[page.index('id="projects"') :]
    assert f'href="{reverse("delivery:project", args=[signed_off.project_id])}"' in section
    assert "DP-01 Food waste collections" in section and "On track" in section
    assert "Unlinked project" not in page
    assert "Projects" in page[: page.index('id="projects"')]  # listed in the page's contents


def test_a_project_update_tells_the_approver_and_a_return_tells_the_officer(town, project, updates):
    from delivery.workflow import return_update
    from notices.models import Notice, NoticeKind

    submitted = updates.submitted(project, OPEN_PERIOD, 40)
    asked = Notice.objects.get(kind=NoticeKind.RETURN_SUBMITTED)
    assert asked.recipient == town.person("approver")
    assert asked.subject.startswith("To sign off: project update, DP-01 Food waste collections")

    return_update(update=submitted, by=town.person("approver"), reason="Add the depot delay")
    back = Notice.objects.get(kind=NoticeKind.RETURN_SENT_BACK)
    assert back.recipient == town.person("officer")
    assert "Their reason: Add the depot delay" in back.summary
