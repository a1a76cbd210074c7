"""The risk pages for each persona: anyone signed in reads signed-off reviews; the review form
is for the risk's owner and data owners in scope, sign-off for approvers in scope; out of
scope is not found; the public is sent to sign in."""

from __future__ import annotations

import csv
import datetime
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from organisation.tests.personas import sign_in
from risks import workflow
from risks.exports import HEADERS
from risks.forms import CLOSE_REASON_REQUIRED, RETURN_REASON_REQUIRED, REVISE_REASON_REQUIRED
from risks.models import Risk, RiskLevel, RiskReview
from risks.register import REASON_REQUIRED, REFERENCE_TAKEN
from risks.tests.factories import RiskFactory, scores, signed_off_review
from risks.workflow import record_review
from signoff.models import ReturnState

pytestmark = pytest.mark.django_db

SEPT = datetime.date(2026, 9, 30)
DRAFT_NOTE = "Draft: the contractor has warned of strikes"


@pytest.fixture
def risk(town, officer, approver, director):
    """WR-01 in Waste, signed off at 4 × 4 on 30 September, with an October draft."""
    risk = RiskFactory(
        reference="WR-01", title="Collection contract fails", unit=town.waste, owner=director
    )
    signed_off_review(risk, by=officer, approver=approver, current=(4, 4), on=SEPT)
    return risk


@pytest.fixture
def draft(risk, officer):
    return record_review(
        risk=risk,
        entries=scores((5, 5), on=datetime.date(2026, 10, 10), note=DRAFT_NOTE),
        by=officer,
    )


def review_post(**changes):
    data = {
        "reviewed_on": "12/10/2026",
        "inherent_likelihood": "5",
        "inherent_impact": "5",
        "current_likelihood": "3",
        "current_impact": "4",
        "target_likelihood": "2",
        "target_impact": "2",
        "note": "Second contractor found",
    }
    data.update(changes)
    return data


@pytest.mark.parametrize("name", ["register", "heat_map", "export"])
def test_the_public_is_sent_to_sign_in(client, town, name):
    response = sign_in(client, None).get(reverse(f"risks:{name}"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_the_public_is_sent_to_sign_in_from_a_risk(client, risk):
    response = sign_in(client, None).get(reverse("risks:risk", args=[risk.pk]))
    assert response.status_code == 302


def test_a_councillor_reads_signed_off_reviews_only(client, town, risk, draft):
    sign_in(client, town.person("councillor"))
    page = client.get(reverse("risks:risk", args=[risk.pk])).content.decode()
    assert "WR-01 Collection contract fails" in page
    assert "4 × 4" in page
    assert DRAFT_NOTE not in page and "10 Oct 2026" not in page
    assert 'action="/risks/' not in page  # no review or sign-off form
    response = client.post(reverse("risks:review", args=[risk.pk]), review_post())
    assert response.status_code == 404


def test_a_data_owner_in_scope_records_and_submits_a_review(client, town, risk):
    sign_in(client, town.person("officer"))
    page = client.get(reverse("risks:risk", args=[risk.pk])).content.decode()
    assert 'id="review"' in page and reverse("risks:review", args=[risk.pk]) in page
    response = client.post(reverse("risks:review", args=[risk.pk]), review_post(submit=""))
    assert response.status_code == 302
    review = RiskReview.objects.get(risk=risk, reviewed_on=datetime.date(2026, 10, 12))
    assert review.state == ReturnState.SUBMITTED
    assert (review.current_likelihood, review.current_impact) == (3, 4)


def test_a_data_owner_out_of_scope_reads_but_cannot_review(client, town, risk, draft):
    sign_in(client, town.person("other_officer"))
    page = client.get(reverse("risks:risk", args=[risk.pk])).content.decode()
    assert "4 × 4" in page and DRAFT_NOTE not in page
    assert 'id="review"' not in page
    assert client.post(reverse("risks:review", args=[risk.pk]), review_post()).status_code == 404


def test_a_review_in_the_future_is_shown_against_its_field(client, town, risk):
    sign_in(client, town.person("officer"))
    response = client.post(
        reverse("risks:review", args=[risk.pk]), review_post(reviewed_on="20/10/2026")
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert '<a href="#id_reviewed_on">Review date: a review cannot be dated in the future' in page
    assert not RiskReview.objects.filter(reviewed_on=datetime.date(2026, 10, 20)).exists()


def test_a_stale_save_on_the_page_says_what_happened(client, town, risk, draft):
    old_version = draft.lock_version
    record_review(
        risk=risk,
        review=draft,
        entries={"note": "Changed by the performance team"},
        by=town.person("performance"),
    )
    sign_in(client, town.person("officer"))
    response = client.post(
        reverse("risks:review", args=[risk.pk]), review_post(version=str(old_version))
    )
    assert response.status_code == 400
    assert "Priya Perform changed this risk review (note) at " in response.content.decode()
    assert RiskReview.objects.get(pk=draft.pk).note == "Changed by the performance team"


@pytest.fixture
def submitted(draft, officer):
    return workflow.submit_review(review=draft, by=officer)


def test_an_approver_in_scope_signs_off(client, town, risk, submitted):
    sign_in(client, town.person("approver"))
    page = client.get(reverse("risks:risk", args=[risk.pk])).content.decode()
    assert 'id="sign-off"' in page
    response = client.post(
        reverse("risks:decide", args=[submitted.pk]),
        {"approve": "", "version": submitted.lock_version},
    )
    assert response.status_code == 302
    assert RiskReview.objects.get(pk=submitted.pk).state == ReturnState.APPROVED


def test_returning_needs_a_reason(client, town, risk, submitted):
    sign_in(client, town.person("approver"))
    url = reverse("risks:decide", args=[submitted.pk])
    response = client.post(url, {"return": "", "reason": ""})
    assert response.status_code == 400
    assert RETURN_REASON_REQUIRED in response.content.decode()
    response = client.post(url, {"return": "", "reason": "Strikes are not yet likely"})
    assert response.status_code == 302
    returned = RiskReview.objects.get(pk=submitted.pk)
    assert returned.state == ReturnState.RETURNED
    assert returned.revisions.last().reason == "Strikes are not yet likely"


def test_an_approver_out_of_scope_cannot_sign_off(client, town, risk, submitted):
    sign_in(client, town.person("other_approver"))
    page = client.get(reverse("risks:risk", args=[risk.pk])).content.decode()
    assert 'id="sign-off"' not in page
    response = client.post(reverse("risks:decide", args=[submitted.pk]), {"approve": ""})
    assert response.status_code == 404
    assert RiskReview.objects.get(pk=submitted.pk).state == ReturnState.SUBMITTED


def test_revising_a_signed_off_review_needs_a_reason(client, town, risk):
    signed_off = RiskReview.objects.get(risk=risk, reviewed_on=SEPT)
    sign_in(client, town.person("officer"))
    url = reverse("risks:revise", args=[signed_off.pk])
    assert client.get(url).status_code == 200
    response = client.post(url, review_post(reviewed_on="30/09/2026", reason=""))
    assert REVISE_REASON_REQUIRED in response.content.decode()
    response = client.post(
        url,
        review_post(
            reviewed_on="30/09/2026", reason="Impact understated", version=signed_off.lock_version
        ),
    )
    assert response.status_code == 302
    revised = RiskReview.objects.get(pk=signed_off.pk)
    assert revised.state == ReturnState.SUBMITTED
    assert revised.revisions.last().reason == "Impact understated"
    sign_in(client, town.person("other_officer"))
    assert client.get(url).status_code == 404


def test_the_register_filters_by_level_unit_band_and_cell(client, town, risk, director):
    RiskFactory(
        reference="LB-01",
        title="Library roof",
        unit=town.libraries,
        owner=director,
        level=RiskLevel.CORPORATE,
    )
    sign_in(client, town.person("councillor"))
    url = reverse("risks:register")

    def shown(**query):
        page = client.get(url, query).content.decode()
        return [ref for ref in ("WR-01", "LB-01") if f"{ref} " in page]

    assert shown() == ["WR-01", "LB-01"]
    assert shown(level="corporate") == ["LB-01"]
    assert shown(unit=town.place.pk) == ["WR-01"]
    assert shown(band="very_high") == ["WR-01"]
    assert shown(likelihood=4, impact=4) == ["WR-01"]
    assert shown(likelihood=3, impact=4) == []
    assert shown(scores="inherent", likelihood=5, impact=5) == ["WR-01"]


def test_the_register_as_a_csv_file(client, town, risk):
    sign_in(client, town.person("councillor"))
    response = client.get(reverse("risks:export"), {"likelihood": 4, "impact": 4})
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0] == HEADERS
    assert rows[1][:2] == ["WR-01", "Collection contract fails"]
    assert rows[1][6:11] == ["16", "Very high", "4", "Yes", "New"]


def test_the_register_as_an_excel_file_holds_the_same_filtered_rows_made_safe(client, town, risk):
    from openpyxl import load_workbook

    from risks.models import Risk

    RiskFactory(reference="WR-09", title='=HYPERLINK("http://x")', unit=town.waste)
    sign_in(client, town.person("councillor"))
    page = client.get(reverse("risks:register")).content.decode()
    assert "format=xlsx" in page

    response = client.get(reverse("risks:export"), {"format": "xlsx"})
    assert response["Content-Disposition"].endswith('.xlsx"')
    sheet = load_workbook(io.BytesIO(response.content)).active
    lines = list(sheet.iter_rows(values_only=True))
    assert lines[0][0].startswith("Risk register, ")
    assert list(lines[2]) == HEADERS
    assert [line[0] for line in lines[3:]] == list(
        Risk.objects.order_by("reference").values_list("reference", flat=True)
    )
    hostile = next(line for line in lines[3:] if line[0] == "WR-09")
    assert hostile[1] == '\'=HYPERLINK("http://x")'  # text, never a formula

    filtered = client.get(reverse("risks:export"), {"format": "xlsx", "likelihood": 4, "impact": 4})
    rows = list(load_workbook(io.BytesIO(filtered.content)).active.iter_rows(values_only=True))
    assert [line[0] for line in rows[3:]] == ["WR-01"]


def test_the_heat_map_page_links_each_cell_to_its_risks(client, town, risk):
    sign_in(client, town.person("councillor"))
    page = client.get(reverse("risks:heat_map"), {"unit": town.place.pk}).content.decode()
    assert f'href="/risks/?unit={town.place.pk}&amp;likelihood=4&amp;impact=4"' in page
    assert (
        f'href="/risks/?unit={town.place.pk}&amp;scores=inherent&amp;likelihood=5&amp;impact=5"'
        in page
    )


def test_pages_with_no_risks_at_all(client, town):
    sign_in(client, town.person("councillor"))
    assert "No risks match." in client.get(reverse("risks:register")).content.decode()
    page = client.get(reverse("risks:heat_map")).content.decode()
    assert "Likelihood 5" in page and '<a class="govuk-link" href="/risks/?' not in page
    assert client.get(reverse("risks:export")).status_code == 200
    assert client.get(reverse("risks:risk", args=[999])).status_code == 404


def _add_reviewed_risks(town, director, count):
    now = timezone.now()
    for _ in range(count):
        risk = RiskFactory(unit=town.parks, owner=director)
        RiskReview.objects.create(
            risk=risk,
            state=ReturnState.APPROVED,
            entered_at=now,
            updated_at=now,
            **scores((3, 3), on=SEPT),
        )


@pytest.mark.parametrize("name", ["register", "heat_map", "export"])
def test_list_pages_read_as_much_for_30_risks_as_for_5(client, town, director, name):
    sign_in(client, town.person("councillor"))
    _add_reviewed_risks(town, director, 5)
    with CaptureQueriesContext(connection) as few:
        assert client.get(reverse(f"risks:{name}")).status_code == 200
    _add_reviewed_risks(town, director, 25)
    with CaptureQueriesContext(connection) as many:
        response = client.get(reverse(f"risks:{name}"))
    assert response.status_code == 200
    assert len(many) == len(few)


def risk_form(town, **changes):
    return {
        "reference": "WR-09",
        "title": "Depot fire",
        "level": "service",
        "unit": town.waste.pk,
        "owner": town.person("director").pk,
        "cause": "Lithium batteries in the waste stream",
        "event": "A fire at the depot",
        "effect": "Collections stop for weeks",
        "review_interval_months": "6",
        "target_likelihood": "2",
        "target_impact": "3",
        "outcomes": [town.outcome.pk],
        **changes,
    }


def test_a_director_adds_a_risk_only_in_their_units(client, town, director):
    sign_in(client, director)
    page = client.get(reverse("risks:new")).content.decode()
    assert ">Waste and Recycling</option>" in page
    assert ">Libraries</option>" not in page  # People is not the director's
    assert "Select an option" not in page
    response = client.post(reverse("risks:new"), risk_form(town))
    assert response.status_code == 302
    added = Risk.objects.get(reference="WR-09")
    assert (added.unit, added.review_interval_months) == (town.waste, 6)
    assert list(added.outcomes.all()) == [town.outcome]


def test_a_reference_in_use_is_shown_against_its_field(client, town, risk, director):
    sign_in(client, director)
    response = client.post(reverse("risks:new"), risk_form(town, reference="WR-01"))
    assert response.status_code == 400
    message = REFERENCE_TAKEN.format(reference="WR-01", title="Collection contract fails")
    assert f'<a href="#id_reference">{message}</a>' in response.content.decode()


def test_changing_a_risk_needs_a_reason(client, town, risk, director):
    sign_in(client, director)
    url = reverse("risks:edit", args=[risk.pk])
    assert "Collection contract fails" in client.get(url).content.decode()
    response = client.post(url, risk_form(town, reference="WR-01", title="Renamed"))
    assert response.status_code == 400
    assert REASON_REQUIRED in response.content.decode()
    response = client.post(
        url, risk_form(town, reference="WR-01", title="Renamed", reason="Clearer")
    )
    assert response.status_code == 302
    assert Risk.objects.get(pk=risk.pk).title == "Renamed"


def test_the_keeper_of_the_register_adds_controls_and_actions_and_closes(
    client, town, risk, director
):
    sign_in(client, director)
    page = client.get(reverse("risks:risk", args=[risk.pk])).content.decode()
    assert 'id="add-control"' in page and 'id="add-action"' in page and 'id="close"' in page
    response = client.post(
        reverse("risks:add_action", args=[risk.pk]),
        {"description": "Second contractor", "owner": director.pk, "due_on": "not a date"},
    )
    assert response.status_code == 400
    assert '<a href="#id_due_on">' in response.content.decode()
    response = client.post(reverse("risks:close", args=[risk.pk]), {"reason": ""})
    assert response.status_code == 400
    assert CLOSE_REASON_REQUIRED in response.content.decode()
    client.post(reverse("risks:close", args=[risk.pk]), {"reason": "Contract ended"})
    page = client.get(reverse("risks:risk", args=[risk.pk])).content.decode()
    assert "Closed" in page and 'id="close"' not in page and 'id="review"' not in page
    assert "WR-01" not in client.get(reverse("risks:register")).content.decode()


def test_officers_see_no_register_keeping_forms(client, town, risk):
    sign_in(client, town.person("officer"))
    page = client.get(reverse("risks:risk", args=[risk.pk])).content.decode()
    assert 'id="add-control"' not in page and 'id="close"' not in page
    assert "Add a risk" not in client.get(reverse("risks:register")).content.decode()
