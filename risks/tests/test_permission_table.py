"""Every risks URL against every persona: the exact answer, and a refused request (or a page
that changes nothing) leaves the database exactly as it was.

Columns, in `PERSONAS` order: off, off2 = the data owners of Waste and of Parks; appr, appr2 =
their approvers; dir = the director of Place, who owns the risk; perf = the performance team;
admin = a superuser; cllr = a councillor; anon = a member of the public, not signed in. Rows
act on WR-01, a Waste risk signed off at 4 × 4 on 30 September 2026. The Parks approver keeps
Parks' register, so may add risks, but not in Waste: Waste is not among the units offered (400).
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass

import pytest
from django.urls import reverse

from goldenthread.tests.test_permission_matrix import url_names
from organisation.tests.permission_tables import SIGN_IN, cells, checked_by
from organisation.tests.personas import Town
from risks.models import Risk, RiskReview, RiskReviewRevision
from risks.tests.factories import RiskFactory, scores, signed_off_review
from risks.workflow import record_review
from signoff.models import ReturnState

pytestmark = pytest.mark.django_db

SEPT = datetime.date(2026, 9, 30)
OCT = datetime.date(2026, 10, 12)


@pytest.fixture
def risk(town, officer, approver, director) -> Risk:
    risk = RiskFactory(reference="WR-01", unit=town.waste, owner=director)
    signed_off_review(risk, by=officer, approver=approver, current=(4, 4), on=SEPT)
    return risk


def signed_off() -> RiskReview:
    return RiskReview.objects.get(reviewed_on=SEPT)


def submitted(town) -> RiskReview:
    return RiskReview.objects.get(reviewed_on=OCT)


def submit_one(town):
    record_review(
        risk=Risk.objects.get(reference="WR-01"),
        entries=scores((3, 3), on=OCT),
        by=town.person("officer"),
        submitting=True,
    )


def nothing(town):
    pass


REVIEW_FORM = {
    "reviewed_on": "12/10/2026",
    "inherent_likelihood": "5",
    "inherent_impact": "5",
    "current_likelihood": "3",
    "current_impact": "3",
    "target_likelihood": "2",
    "target_impact": "2",
    "note": "Second contractor found",
}


@dataclass(frozen=True)
class Change:
    url_name: str
    success: int
    prepare: Callable[[Town], None]
    request: Callable[[Town], tuple[str, str, dict]]
    happened: Callable[[Town, object], None]


def recorded(town, user):
    review = submitted(town)
    assert (review.state, review.entered_by, review.submitted_by) == (
        ReturnState.SUBMITTED,
        user,
        user,
    )


def approved(town, user):
    assert (submitted(town).state, submitted(town).approved_by) == (ReturnState.APPROVED, user)


def returned(town, user):
    review = submitted(town)
    assert review.state == ReturnState.RETURNED
    assert review.revisions.last().reason == "Check the impact"


RISK_FORM = {
    "reference": "WR-09",
    "title": "Depot fire",
    "level": "service",
    "cause": "Lithium batteries in the waste stream",
    "event": "A fire at the depot",
    "effect": "Collections stop for weeks",
    "review_interval_months": "3",
    "target_likelihood": "2",
    "target_impact": "3",
    "reason": "Found at the depot inspection",
}


def risk_form(town, **changes):
    return {**RISK_FORM, "unit": town.waste.pk, "owner": town.person("director").pk, **changes}


def added(town, user):
    assert Risk.objects.get(reference="WR-09").unit == town.waste


def changed(town, user):
    assert Risk.objects.get(pk=the_risk().pk).title == "Depot fire"


def closed(town, user):
    assert the_risk().status == "closed"


def control_added(town, user):
    assert the_risk().controls.get().description == "Weekly contract meetings"


def action_added(town, user):
    assert the_risk().further_actions.get().due_on == datetime.date(2027, 3, 31)


def the_risk() -> Risk:
    return Risk.objects.get(reference="WR-01")


def revised(town, user):
    review = signed_off()
    assert (review.state, review.current_impact) == (ReturnState.SUBMITTED, 3)
    assert review.revisions.last().changed_by == user


CHANGES = {
    "record a review": Change(
        "risks:review",
        302,
        nothing,
        lambda town: (
            "post",
            reverse("risks:review", args=[Risk.objects.get().pk]),
            {**REVIEW_FORM, "submit": ""},
        ),
        recorded,
    ),
    "sign off a review": Change(
        "risks:decide",
        302,
        submit_one,
        lambda town: (
            "post",
            reverse("risks:decide", args=[submitted(town).pk]),
            {"approve": ""},
        ),
        approved,
    ),
    "return a review": Change(
        "risks:decide",
        302,
        submit_one,
        lambda town: (
            "post",
            reverse("risks:decide", args=[submitted(town).pk]),
            {"return": "", "reason": "Check the impact"},
        ),
        returned,
    ),
    "add a risk": Change(
        "risks:new",
        302,
        nothing,
        lambda town: ("post", reverse("risks:new"), risk_form(town)),
        added,
    ),
    "change a risk": Change(
        "risks:edit",
        302,
        nothing,
        lambda town: (
            "post",
            reverse("risks:edit", args=[the_risk().pk]),
            risk_form(town, reference="WR-01"),
        ),
        changed,
    ),
    "close a risk": Change(
        "risks:close",
        302,
        nothing,
        lambda town: (
            "post",
            reverse("risks:close", args=[the_risk().pk]),
            {"reason": "Contract ended"},
        ),
        closed,
    ),
    "add a control": Change(
        "risks:add_control",
        302,
        nothing,
        lambda town: (
            "post",
            reverse("risks:add_control", args=[the_risk().pk]),
            {"description": "Weekly contract meetings", "effectiveness": "partial"},
        ),
        control_added,
    ),
    "add a further action": Change(
        "risks:add_action",
        302,
        nothing,
        lambda town: (
            "post",
            reverse("risks:add_action", args=[the_risk().pk]),
            {
                "description": "Find a second contractor",
                "owner": town.person("officer").pk,
                "due_on": "31/03/2027",
            },
        ),
        action_added,
    ),
    "revise a review": Change(
        "risks:revise",
        302,
        nothing,
        lambda town: (
            "post",
            reverse("risks:revise", args=[signed_off().pk]),
            {**REVIEW_FORM, "reviewed_on": "30/09/2026", "reason": "Impact overstated"},
        ),
        revised,
    ),
}

MATRIX = {
    #                     off   off2  appr  appr2 dir   perf  admin cllr  anon
    "record a review":   (302,  404,  403,  404,  302,  302,  302,  404,  SIGN_IN),
    "sign off a review": (403,  404,  302,  404,  403,  403,  403,  404,  SIGN_IN),
    "return a review":   (403,  404,  302,  404,  403,  403,  403,  404,  SIGN_IN),
    "revise a review":   (302,  404,  403,  404,  302,  302,  302,  404,  SIGN_IN),
    "add a risk":        (403,  403,  302,  400,  302,  302,  302,  403,  SIGN_IN),
    "change a risk":     (403,  404,  302,  404,  302,  302,  302,  404,  SIGN_IN),
    "close a risk":      (403,  404,  302,  404,  302,  302,  302,  404,  SIGN_IN),
    "add a control":     (403,  404,  302,  404,  302,  302,  302,  404,  SIGN_IN),
    "add a further action": (403, 404, 302, 404, 302, 302, 302, 404, SIGN_IN),
}  # fmt: skip

# Pages that change nothing, whatever is posted to them: signed-off reviews, for anyone
# signed in (the risk page's drafts and forms are tested in test_pages).
READ_ONLY_URLS = {
    "risks:register": lambda: reverse("risks:register"),
    "risks:export": lambda: reverse("risks:export"),
    "risks:heat_map": lambda: reverse("risks:heat_map"),
    "risks:risk": lambda: reverse("risks:risk", args=[Risk.objects.get().pk]),
}
READ_ONLY = {
    #                  off   off2  appr  appr2 dir   perf  admin cllr  anon
    "risks:register": (200,  200,  200,  200,  200,  200,  200,  200,  SIGN_IN),
    "risks:export":   (200,  200,  200,  200,  200,  200,  200,  200,  SIGN_IN),
    "risks:heat_map": (200,  200,  200,  200,  200,  200,  200,  200,  SIGN_IN),
    "risks:risk":     (200,  200,  200,  200,  200,  200,  200,  200,  SIGN_IN),
}  # fmt: skip


def database_state() -> dict:
    return {
        "risks": list(
            Risk.objects.order_by("pk").values_list("reference", "title", "unit", "status")
        ),
        "controls": list(Risk.objects.values_list("controls__description", flat=True)),
        "actions": list(Risk.objects.values_list("further_actions__description", flat=True)),
        "reviews": list(
            RiskReview.objects.order_by("pk").values_list(
                "reviewed_on", "state", "lock_version", "current_impact"
            )
        ),
        "revisions": RiskReviewRevision.objects.count(),
    }


request_and_check = checked_by(database_state)


@pytest.mark.parametrize(("change", "persona", "expected"), cells(MATRIX))
def test_state_change(client, town, risk, change, persona, expected):
    step, person = CHANGES[change], town.personas[persona]
    step.prepare(town)
    request_and_check(
        client,
        person,
        step.request(town),
        expected,
        success=step.success,
        happened=lambda user: step.happened(town, user),
    )


@pytest.mark.parametrize(("page", "persona", "expected"), cells(READ_ONLY))
@pytest.mark.parametrize("method", ["get", "post"])
def test_read_only_page(client, town, risk, page, persona, expected, method):
    submit_one(town)
    request_and_check(
        client, town.personas[persona], (method, READ_ONLY_URLS[page](), REVIEW_FORM), expected
    )


def test_every_url_is_in_the_permission_table():
    in_tables = {step.url_name for step in CHANGES.values()} | set(READ_ONLY)
    assert url_names("risks") == in_tables
    assert set(MATRIX) == set(CHANGES)
    assert set(READ_ONLY) == set(READ_ONLY_URLS)
