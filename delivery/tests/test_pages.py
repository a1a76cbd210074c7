import datetime
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils.html import escape
from openpyxl import load_workbook

from delivery.forms import RETURN_REASON_REQUIRED, REVISE_REASON_REQUIRED
from delivery.models import MilestoneDateChange, ProjectUpdate
from delivery.tests.factories import MilestoneFactory, ProjectFactory
from delivery.views import MOVED, RETURNED, REVISED, SAVED, SIGNED_OFF, SUBMITTED
from delivery.workflow import DONE_REQUIRED, PERCENT_RANGE, record_update, revisions_of
from indicators.models import Period
from organisation.tests.personas import OPEN_PERIOD, sign_in
from signoff.models import ReturnState

pytestmark = pytest.mark.django_db

DRAFT_WORDS = "Draft words nobody outside Waste may read"


def _url(project) -> str:
    return reverse("delivery:project", args=[project.pk])


def _entries(**changes) -> dict:
    return {
        "lock_version": "",
        "percent_complete": "45",
        "done": "Caddies ordered",
        "next_steps": "Deliver caddies",
        "issues": "",
        "deferred_reason": "",
        "status_override": "",
        "override_reason": "",
        **changes,
    }


@pytest.fixture
def draft(town, project):
    return record_update(
        project=project,
        period=Period.objects.get(code=OPEN_PERIOD),
        entries={"percent_complete": 30, "done": DRAFT_WORDS},
        by=town.person("officer"),
    )


@pytest.mark.parametrize(
    ("persona", "sees_draft", "sees_form"),
    [
        ("officer", True, True),
        ("other_officer", False, False),
        ("approver", True, False),
        ("director", True, False),
        ("performance", True, True),
        ("councillor", False, False),
    ],
)
def test_the_project_page_shows_a_draft_and_its_form_only_in_scope(
    client, town, project, draft, persona, sees_draft, sees_form
):
    response = sign_in(client, town.person(persona)).get(_url(project))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Food waste collections" in html
    assert "Less waste (ambition: A cleaner place)" in html
    assert (DRAFT_WORDS in html) == sees_draft
    assert ('id="update-form"' in html) == sees_form


def test_the_public_is_sent_to_sign_in(client, town, project):
    for url in (_url(project), reverse("delivery:plan"), reverse("delivery:export")):
        response = sign_in(client, None).get(url)
        assert response.status_code == 302
        assert "sign-in" in response["Location"] or "login" in response["Location"]


@pytest.mark.parametrize("persona", ["other_officer", "councillor", "other_approver"])
def test_an_update_out_of_scope_is_not_found(client, town, project, draft, persona):
    client = sign_in(client, town.person(persona))
    saving = client.post(_url(project), _entries(save="1"))
    deciding = client.post(_url(project), {"decide": "1", "decision": "sign_off"})
    assert saving.status_code == deciding.status_code == 404
    assert ProjectUpdate.objects.get(pk=draft.pk).percent_complete == 30


def test_the_update_form_goes_round_the_workflow(client, town, project):
    officer, approver = town.person("officer"), town.person("approver")
    url = _url(project)

    response = sign_in(client, officer).post(url, _entries(save="1"), follow=True)
    assert escape(SAVED) in response.content.decode()
    update = ProjectUpdate.objects.get(project=project)
    assert (update.state, update.percent_complete) == (ReturnState.DRAFT, 45)

    response = client.post(url, _entries(submit="1", lock_version=str(update.lock_version)))
    assert response.status_code == 302
    update.refresh_from_db()
    assert update.state == ReturnState.SUBMITTED

    client = sign_in(client, approver)
    assert 'id="decision-form"' in client.get(url).content.decode()
    refused = client.post(
        url, {"decide": "1", "decision": "return", "lock_version": update.lock_version}
    )
    assert refused.status_code == 400
    assert escape(RETURN_REASON_REQUIRED) in refused.content.decode()
    response = client.post(
        url,
        {
            "decide": "1",
            "decision": "return",
            "return_reason": "Say how many caddies",
            "lock_version": update.lock_version,
        },
        follow=True,
    )
    assert escape(RETURNED) in response.content.decode()

    update.refresh_from_db()
    client = sign_in(client, officer)
    page = client.get(url).content.decode()
    assert 'value="45"' in page and "Say how many caddies" in page
    response = client.post(
        url,
        _entries(submit="1", done="12,000 caddies ordered", lock_version=str(update.lock_version)),
        follow=True,
    )
    assert escape(SUBMITTED) in response.content.decode()

    update.refresh_from_db()
    response = sign_in(client, approver).post(
        url,
        {"decide": "1", "decision": "sign_off", "lock_version": update.lock_version},
        follow=True,
    )
    html = response.content.decode()
    assert escape(SIGNED_OFF) in html
    assert "12,000 caddies ordered" in html
    update.refresh_from_db()
    assert update.state == ReturnState.APPROVED
    assert [r.action for r in revisions_of(update)] == [
        "recorded",
        "submitted",
        "returned",
        "edited",
        "submitted",
        "approved",
    ]


def test_a_stale_save_is_refused_naming_who_changed_it(client, town, project, draft):
    record_update(
        project=project,
        period=draft.period,
        entries={"percent_complete": 35},
        by=town.person("performance"),
        expected_version=draft.lock_version,
    )
    response = sign_in(client, town.person("officer")).post(
        _url(project), _entries(save="1", lock_version=str(draft.lock_version))
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "Priya Perform changed this project update (% complete) at" in html
    assert "govuk-error-summary" in html
    assert 'value="35"' in html  # the form shows their version
    assert ProjectUpdate.objects.get(pk=draft.pk).percent_complete == 35


def test_the_form_names_each_problem_beside_its_field(client, town, project):
    response = sign_in(client, town.person("officer")).post(
        _url(project), _entries(submit="1", percent_complete="150", done="")
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert f'<a href="#id_percent_complete">{PERCENT_RANGE}</a>' in html
    assert not ProjectUpdate.objects.exists()

    response = sign_in(client, town.person("officer")).post(
        _url(project), _entries(submit="1", done="")
    )
    assert f'<a href="#id_done">{DONE_REQUIRED}</a>' in response.content.decode()
    assert not ProjectUpdate.objects.exists()  # refused to submit: nothing saved either


def test_a_milestone_is_moved_on_the_page_with_its_reason(client, town, project, milestone):
    prefix = f"milestone-{milestone.pk}"
    data = {
        "move": "1",
        "milestone": milestone.pk,
        f"{prefix}-forecast_on": "2026-12-14",
        f"{prefix}-achieved_on": "",
        f"{prefix}-reason": "Supplier delay",
    }
    assert (
        sign_in(client, town.person("other_approver")).post(_url(project), data).status_code == 404
    )
    # In scope, but a data owner enters updates and does not keep the plan: forbidden.
    assert sign_in(client, town.person("officer")).post(_url(project), data).status_code == 403

    response = sign_in(client, town.person("director")).post(_url(project), data, follow=True)
    html = response.content.decode()
    assert escape(MOVED) in html
    assert "Supplier delay" in html and "14 days late" in html
    change = MilestoneDateChange.objects.get()
    assert (change.after, change.changed_by) == (
        datetime.date(2026, 12, 14),
        town.person("director"),
    )


def test_the_plan_lists_programmes_and_projects_with_filters(client, town, project, updates):
    updates.signed_off(project, OPEN_PERIOD, 50)
    client = sign_in(client, town.person("councillor"))
    html = client.get(reverse("delivery:plan"), {"period": OPEN_PERIOD}).content.decode()
    assert "Cleaner place programme" in html
    assert "DP-01 Food waste collections" in html
    assert '<strong class="govuk-tag govuk-tag--green">On track</strong> 1' in html

    filtered = client.get(
        reverse("delivery:plan"), {"period": OPEN_PERIOD, "unit": town.people.pk}
    ).content.decode()
    assert "DP-01 Food waste collections" not in filtered
    assert "No projects match these filters." in filtered
    off_track = client.get(
        reverse("delivery:plan"), {"period": OPEN_PERIOD, "status": "off_track"}
    ).content.decode()
    assert "DP-01 Food waste collections" not in off_track


def test_the_plan_exports_its_projects(client, town, project, updates):
    updates.signed_off(project, OPEN_PERIOD, 50)
    client = sign_in(client, town.person("councillor"))
    response = client.get(reverse("delivery:export"), {"period": OPEN_PERIOD})
    assert response["Content-Type"] == "text/csv"
    lines = response.content.decode("utf-8-sig").splitlines()
    assert lines[0].startswith("Reference,Project,Programme,Priority")
    assert lines[1].startswith("DP-01,Food waste collections,Cleaner place programme,Yes,")
    assert ",50,On track,On track," in lines[1]

    response = client.get(reverse("delivery:export"), {"period": OPEN_PERIOD, "format": "xlsx"})
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet["A1"].value == "Delivery plan, Q2 2026/27"
    assert [cell.value for cell in sheet[4]][:2] == ["DP-01", "Food waste collections"]


def test_the_programme_page_rolls_up_and_shows_its_kpis(client, town, project, updates):
    updates.signed_off(project, OPEN_PERIOD, 50)
    response = sign_in(client, town.person("councillor")).get(
        reverse("delivery:programme", args=["cleaner-place"]), {"period": OPEN_PERIOD}
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "Dana Reid" in html  # the sponsor
    assert '<strong class="govuk-tag govuk-tag--green">On track</strong> 1' in html
    assert "WST-02 Household waste composted" in html


def _plan_queries(client, town, unit, count: int, updates) -> int:
    for _ in range(count):
        found = ProjectFactory(lead_service=unit, outcomes=[town.outcome])
        MilestoneFactory(project=found, forecast_on=datetime.date(2026, 12, 24))
        updates.signed_off(found, OPEN_PERIOD, 50)
    client = sign_in(client, town.person("councillor"))
    with CaptureQueriesContext(connection) as captured:
        response = client.get(reverse("delivery:plan"), {"period": OPEN_PERIOD, "unit": unit.pk})
    assert response.content.decode().count("days late") == count
    return len(captured.captured_queries)


def test_the_plan_page_takes_the_same_queries_for_3_or_20_projects(client, town, updates):
    assert _plan_queries(client, town, town.parks, 3, updates) == _plan_queries(
        client, town, town.libraries, 20, updates
    )


def test_a_themes_headline_drills_down_to_its_projects(client, town, project):
    client = sign_in(client, town.person("councillor"))
    for name, chosen in (("ambition", town.ambition), ("outcome", town.outcome)):
        html = client.get(reverse("delivery:plan"), {name: chosen.pk}).content.decode()
        assert "DP-01 Food waste collections" in html


def test_a_signed_off_update_is_revised_on_the_page_with_a_reason(client, town, project, updates):
    update = updates.signed_off(project, OPEN_PERIOD, 50)
    client = sign_in(client, town.person("officer"))
    assert "Change the signed-off update" in client.get(_url(project)).content.decode()
    data = _entries(revise="1", percent_complete="55", lock_version=str(update.lock_version))
    refused = client.post(_url(project), data)
    assert refused.status_code == 400
    assert escape(REVISE_REASON_REQUIRED) in refused.content.decode()

    response = client.post(_url(project), {**data, "reason": "Caddies recounted"}, follow=True)
    assert escape(REVISED) in response.content.decode()
    update.refresh_from_db()
    assert (update.state, update.percent_complete) == (ReturnState.SUBMITTED, 55)
    assert revisions_of(update).last().reason == "Caddies recounted"


def test_no_update_is_taken_once_the_cycle_closes(client, town, project):
    town.cycle.state = "closed"
    town.cycle.save()
    client = sign_in(client, town.person("officer"))
    assert 'id="update-form"' not in client.get(_url(project)).content.decode()
    assert client.post(_url(project), _entries(save="1")).status_code == 404
    assert not ProjectUpdate.objects.exists()
