"""The demo council's service plans (`delivery.service_plan_demo`, loaded by `load_demo`): a plan
for every service for 2026/27, most signed off by their director in the spring with a year of
progress; one waiting for sign-off, one returned with a reason, one still a draft.

The demo is loaded once for the module, as `demo/tests/test_load_demo.py` loads it (same day,
seed and fast hasher), inside a transaction rolled back when the module ends. Only once, not
through that module's `demo` fixture: it loads the council twice to compare the loads, and a
module-scoped fixture imported here would load it twice more.
"""

from collections import Counter
from datetime import date, datetime, time, timedelta

import pytest
from django.db import transaction
from django.test import override_settings
from django.urls import reverse

from delivery.models import ActionProgress, ServicePlan, ServicePlanRevision
from delivery.service_plan_demo import DRAFT_SUMMARY, RETURN_REASON
from delivery.service_plan_queries import plan_view, plans_awaiting_sign_off
from delivery.service_plans import service_indicators
from demo.generate import load_demo
from demo.tests.test_load_demo import FAST_HASHER, LATEST_QUARTER, LONDON, TODAY
from indicators.models import Period
from notices.models import Notice, NoticeKind
from organisation.models import OrgUnit, Role, User
from organisation.permissions import roles_of
from organisation.tests.personas import sign_in
from risks.models import Risk
from signoff.models import ReturnState, RevisionAction
from status.delivery import DeliveryStatus

pytestmark = pytest.mark.django_db

YEAR = "2026-27"
SUBMITTED, RETURNED, DRAFT = "highways-transport", "public-health", "economic-development"
SLIPPING = {DeliveryStatus.at_risk, DeliveryStatus.off_track, DeliveryStatus.overdue}


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    fast_hashing = override_settings(PASSWORD_HASHERS=[FAST_HASHER])
    with django_db_blocker.unblock(), fast_hashing, transaction.atomic():
        load_demo(today=TODAY, seed=2026)
        yield
        transaction.set_rollback(True)


@pytest.fixture
def today(monkeypatch):
    """The demo's today for the pages (they read `timezone.localdate()`)."""
    from django.utils import timezone

    real = timezone.localdate

    def localdate(value=None, timezone=None):
        return TODAY if value is None else real(value, timezone)

    monkeypatch.setattr("django.utils.timezone.localdate", localdate)
    return TODAY


def year() -> Period:
    return Period.objects.get(kind="financial_year", code=YEAR)


def plans() -> dict[str, ServicePlan]:
    found = ServicePlan.objects.filter(year=year()).select_related(
        "service__parent", "submitted_by", "approved_by"
    )
    return {plan.service.code: plan for plan in found}


def signed_off() -> list[ServicePlan]:
    return [plan for plan in plans().values() if plan.state == ReturnState.APPROVED]


def end_of(day: date) -> datetime:
    return datetime.combine(day + timedelta(days=1), time(0, 0), tzinfo=LONDON)


def test_every_active_service_has_a_plan_for_the_year(demo):
    services = OrgUnit.objects.filter(kind="service", is_active=True)
    assert services.count() == 26
    assert set(plans()) == set(services.values_list("code", flat=True))
    assert all(plan.summary.strip() for plan in plans().values())


def test_one_plan_waits_for_sign_off_one_was_returned_one_is_a_draft(demo):
    states = {code: plan.state for code, plan in plans().items()}

    assert Counter(states.values()) == {
        ReturnState.APPROVED: 23,
        ReturnState.SUBMITTED: 1,
        ReturnState.RETURNED: 1,
        ReturnState.DRAFT: 1,
    }
    assert states[SUBMITTED] == ReturnState.SUBMITTED
    assert states[RETURNED] == ReturnState.RETURNED
    assert states[DRAFT] == ReturnState.DRAFT
    assert states["waste-recycling"] == ReturnState.APPROVED  # other tests read its scorecard


def test_the_returned_plan_keeps_its_directors_reason(demo):
    plan = plans()[RETURNED]
    returned = plan.revisions.get(action=RevisionAction.RETURNED)
    director = plan.service.parent.head

    assert returned.reason == RETURN_REASON
    assert returned.changed_by == director
    assert plan.revisions.order_by("-number").first() == returned  # not yet resubmitted
    told = Notice.objects.get(kind=NoticeKind.RETURN_SENT_BACK, recipient=plan.submitted_by)
    assert told.is_unread and told.link.endswith(f"/{RETURNED}/{YEAR}/")


def test_the_draft_was_rewritten_on_its_own_history(demo):
    plan = plans()[DRAFT]
    reasons = list(plan.revisions.order_by("number").values_list("reason", flat=True))

    assert plan.summary == DRAFT_SUMMARY and plan.submitted_at is None
    assert "Action removed: Appoint the Market Quarter development partner" in reasons
    assert not plan.revisions.filter(action=RevisionAction.SUBMITTED).exists()


def test_the_rest_are_signed_off_in_the_spring_by_their_director(demo):
    for plan in signed_off():
        director, directorate = plan.approved_by, plan.service.parent
        assert Role.DIRECTOR in roles_of(director), plan
        assert directorate in director.scope.all(), plan
        assert director != plan.submitted_by, plan
        assert date(2026, 4, 1) <= plan.approved_at.astimezone(LONDON).date() <= date(2026, 5, 31)
        assert plan.submitted_at < plan.approved_at
        actions = list(plan.revisions.order_by("number").values_list("action", flat=True))
        assert actions[0] == RevisionAction.RECORDED
        assert actions[-2:] == [RevisionAction.SUBMITTED, RevisionAction.APPROVED], plan


def test_signed_off_plans_have_objectives_actions_indicators_and_risks(demo):
    first, last = date(2026, 4, 1), date(2027, 3, 31)
    for plan in signed_off():
        objectives = list(plan.objectives.prefetch_related("outcomes", "actions__owner"))
        assert 2 <= len(objectives) <= 3, plan
        for objective in objectives:
            assert 1 <= objective.outcomes.count() <= 2, objective
            actions = list(objective.actions.all())
            assert 1 <= len(actions) <= 3, objective
            for action in actions:
                assert action.owner.is_active, action
                assert first <= action.starts_on <= action.due_on <= last, action
        service = plan.service
        assert set(plan.indicators.all()) == set(service_indicators(service)), plan
        assert set(plan.risks.all()) == set(Risk.objects.filter(unit=service)), plan
    assert sum(1 for plan in signed_off() if plan.risks.exists()) >= 10


def test_actions_show_a_believable_mix_of_delivery_statuses(demo):
    on_today, at_quarter_end = Counter(), Counter()
    for plan in signed_off():
        on_today.update(line.status for line in plan_view(plan, on=TODAY).actions)
        quarter_end = date(2026, 9, 30)
        at_quarter_end.update(line.status for line in plan_view(plan, on=quarter_end).actions)

    total = sum(on_today.values())
    assert on_today[DeliveryStatus.complete] >= 10
    assert on_today[DeliveryStatus.on_track] > total / 3  # most of those still going
    assert on_today[DeliveryStatus.overdue] >= 1
    assert 3 <= sum(on_today[status] for status in SLIPPING) < total / 4
    assert on_today[DeliveryStatus.deferred] == 1
    assert at_quarter_end[DeliveryStatus.on_track] > at_quarter_end[DeliveryStatus.at_risk] > 0


def test_progress_is_reported_through_the_year_by_the_data_owner(demo):
    for plan in signed_off():
        reports = ActionProgress.objects.filter(action__objective__plan=plan)
        assert reports.exists(), plan
        assert set(reports.values_list("recorded_by", flat=True)) == {plan.submitted_by_id}
        assert all(plan.approved_at < r.recorded_at < end_of(TODAY) for r in reports), plan
    months = {r.recorded_at.month for r in ActionProgress.objects.all()}
    assert {6, 9, 11} <= months


def test_nothing_in_the_plans_happened_after_the_demos_today(demo):
    moments = list(ServicePlanRevision.objects.values_list("changed_at", flat=True))
    moments += list(ActionProgress.objects.values_list("recorded_at", flat=True))
    for plan in plans().values():
        moments += [plan.entered_at, plan.updated_at]
    told = Notice.objects.filter(key__contains=":delivery.serviceplan:")
    moments += list(told.values_list("created_at", flat=True))

    assert moments and all(moment < end_of(TODAY) for moment in moments)
    assert all(moment > datetime(2026, 1, 1, tzinfo=LONDON) for moment in moments)
    for plan in plans().values():
        times = list(plan.revisions.order_by("number").values_list("changed_at", flat=True))
        assert times == sorted(times), plan
    # Sign-off requests for plans already decided were read when they were decided.
    waiting = told.filter(kind=NoticeKind.RETURN_SUBMITTED, read_at=None)
    assert {notice.link.split("/")[-3] for notice in waiting} == {SUBMITTED}


def test_the_director_sees_the_plan_waiting_in_their_sign_off_queue(demo, client, today):
    plan = plans()[SUBMITTED]
    director = User.objects.get(username="director")  # Director of Place
    assert plans_awaiting_sign_off(director, year()) == [plan]

    sign_in(client, director)
    response = client.get(reverse("returns:sign_off"))

    page = response.content.decode()
    assert response.status_code == 200
    assert "Highways and Transport" in page
    assert reverse("delivery:service_plan", args=[SUBMITTED, YEAR]) in page

    sign_in(client, User.objects.get(username="m.adeyemi"))  # People: not theirs to sign off
    page = client.get(reverse("returns:sign_off")).content.decode()
    assert reverse("delivery:service_plan", args=[SUBMITTED, YEAR]) not in page


def test_the_waste_scorecard_and_plan_page_show_the_signed_off_plan(demo, client, today):
    sign_in(client, User.objects.get(username="director"))

    scorecard = client.get(
        reverse("scorecards:service", args=["waste-recycling"]), {"period": LATEST_QUARTER}
    )
    plan_page = client.get(reverse("delivery:service_plan", args=["waste-recycling", YEAR]))

    page = scorecard.content.decode()
    assert scorecard.status_code == 200
    assert 'id="service-plan"' in page
    assert "Introduce weekly food waste collections for every household" in page
    assert "actions by delivery status on 30 September 2026" in page
    page = plan_page.content.decode()
    assert plan_page.status_code == 200
    for label in ("Complete", "On track", "Overdue"):
        assert label in page, label
