"""The improvement pages, per persona, and the journeys through them."""

import datetime
import io
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from improvement.actions import NOT_FOR_CLINIC
from improvement.models import ActionUpdate, Finding, ImprovementAction
from improvement.tests.factories import ImprovementActionFactory
from improvement.workflow import (
    approve_action_update,
    record_action_update,
    submit_action_update,
)
from indicators.models import Indicator, Period, Target
from organisation.tests.personas import OPEN_PERIOD, PERSONAS, sign_in
from signoff.models import ReturnState

pytestmark = pytest.mark.django_db

OK, FORBIDDEN, NOT_FOUND, SIGN_IN = 200, 403, 404, 302


@pytest.fixture
def action(town):
    """Waste's action from an internal audit, due 30 September 2026: overdue on 16 October."""
    action = ImprovementActionFactory(
        finding__unit=town.waste,
        finding__reference="IA 2026/14",
        reference="IA 2026/14 R3",
        description="Weigh every commercial round",
        owner=town.person("officer"),
        due_on=datetime.date(2026, 9, 30),
    )
    action.indicators.add(Indicator.objects.get(code="WST-03"))
    return action


@pytest.fixture
def red(town):
    """WST-03 signed off at 47.3 for Q2 against a target of 90: Red."""
    commercial = Indicator.objects.get(code="WST-03")
    Target.objects.create(
        indicator=commercial, period=Period.objects.get(code=OPEN_PERIOD), value=Decimal("90")
    )
    return commercial


def status_of(client, town, name, url):
    return sign_in(client, town.person(name)).get(url).status_code


ACCESS = {
    # persona: list, new finding, finding, agree, action, due date, record update, clinic
    "officer": (OK, FORBIDDEN, OK, FORBIDDEN, OK, FORBIDDEN, OK, FORBIDDEN),
    "other_officer": (OK, FORBIDDEN) + (NOT_FOUND,) * 6,
    "approver": (OK, OK, OK, OK, OK, OK, FORBIDDEN, OK),
    "other_approver": (OK, OK) + (NOT_FOUND,) * 6,
    "director": (OK, OK, OK, OK, OK, OK, FORBIDDEN, OK),
    "performance": (OK,) * 8,
    "admin": (OK,) * 8,
    "councillor": (FORBIDDEN, FORBIDDEN) + (NOT_FOUND,) * 6,
    "anonymous": (SIGN_IN,) * 8,
}


@pytest.mark.parametrize("name", PERSONAS)
def test_who_may_open_each_page(client, town, action, red, name):
    urls = [
        reverse("improvement:index"),
        reverse("improvement:new_finding"),
        reverse("improvement:finding", args=[action.finding.pk]),
        reverse("improvement:agree", args=[action.finding.pk]),
        reverse("improvement:action", args=[action.pk]),
        reverse("improvement:due_date", args=[action.pk]),
        reverse("improvement:update", args=[action.pk, OPEN_PERIOD]),
        reverse("improvement:clinic", args=[red.pk]),
    ]

    assert tuple(status_of(client, town, name, url) for url in urls) == ACCESS[name]


def test_a_director_records_a_finding_and_agrees_an_action_from_it(client, town):
    sign_in(client, town.person("director"))

    client.post(
        reverse("improvement:new_finding"),
        {
            "kind": "peer_challenge",
            "title": "Corporate peer challenge",
            "found_on": "2026-07-14",
            "reference": "LGA CPC 2026",
            "body": "LGA",
            "unit": town.waste.pk,
        },
    )
    finding = Finding.objects.get(reference="LGA CPC 2026")
    response = client.post(
        reverse("improvement:agree", args=[finding.pk]),
        {
            "reference": "CPC R1",
            "description": "Publish a waste strategy",
            "unit": town.waste.pk,
            "owner": town.person("officer").pk,
            "due_on": "2027-03-31",
            "indicators": [Indicator.objects.get(code="WST-01").pk],
            "outcomes": [town.outcome.pk],
        },
    )

    action = ImprovementAction.objects.get(reference="CPC R1")
    assert response.url == reverse("improvement:action", args=[action.pk])
    assert (action.finding, action.unit, action.due_on) == (
        finding,
        town.waste,
        datetime.date(2027, 3, 31),
    )
    assert [i.code for i in action.indicators.all()] == ["WST-01"]
    assert finding.get_kind_display() == "Peer challenge"


def test_agreeing_an_action_says_what_is_missing(client, town, action):
    sign_in(client, town.person("approver"))

    response = client.post(reverse("improvement:agree", args=[action.finding.pk]), {})

    text = response.content.decode()
    assert response.status_code == 200
    for message in ("Give the action a reference", "Describe the action", "Due date: enter a date"):
        assert message in text
    assert 'href="#id_reference"' in text


def test_the_list_shows_only_actions_in_scope(client, town, action):
    ImprovementActionFactory(finding__unit=town.parks, reference="PRK R1")

    mine = sign_in(client, town.person("officer")).get(reverse("improvement:index"))
    theirs = sign_in(client, town.person("other_officer")).get(reverse("improvement:index"))

    assert "IA 2026/14 R3" in mine.content.decode()
    assert "PRK R1" not in mine.content.decode()
    assert "IA 2026/14 R3" not in theirs.content.decode()
    assert "16 days late against the date first agreed" in mine.content.decode()


def test_the_list_filters_and_exports_csv(client, town, action):
    ImprovementActionFactory(
        finding__unit=town.waste, reference="IA 2026/14 R4", due_on=datetime.date(2027, 3, 31)
    )
    sign_in(client, town.person("performance"))

    page = client.get(reverse("improvement:index"), {"overdue": "yes"}).content.decode()
    export = client.get(reverse("improvement:index"), {"overdue": "yes", "format": "csv"})

    assert "IA 2026/14 R3" in page and "IA 2026/14 R4" not in page
    assert export["Content-Type"] == "text/csv"
    lines = export.content.decode("utf-8-sig").splitlines()
    assert lines[0].startswith("Source,Finding reference,Action reference,Action")
    assert len(lines) == 2
    assert "Internal audit,IA 2026/14,IA 2026/14 R3,Weigh every commercial round" in lines[1]
    assert lines[1].endswith("Yes,16 days late against the date first agreed")


def test_the_list_exports_the_same_rows_to_excel(client, town, action):
    from openpyxl import load_workbook

    sign_in(client, town.person("performance"))
    page = client.get(reverse("improvement:index"), {"overdue": "yes"}).content.decode()
    assert "overdue=yes&amp;format=xlsx" in page

    export = client.get(reverse("improvement:index"), {"overdue": "yes", "format": "xlsx"})

    assert export["Content-Disposition"] == 'attachment; filename="improvement-actions.xlsx"'
    lines = list(load_workbook(io.BytesIO(export.content)).active.iter_rows(values_only=True))
    assert lines[0][0].startswith("Improvement actions, ")
    assert lines[2][:3] == ("Source", "Finding reference", "Action reference")
    assert [line[2] for line in lines[3:]] == ["IA 2026/14 R3"]
    assert lines[3][-2:] == ("Yes", "16 days late against the date first agreed")


def test_an_update_from_record_to_sign_off_through_the_pages(client, town, action):
    officer, approver = town.person("officer"), town.person("approver")
    sign_in(client, officer)
    response = client.post(
        reverse("improvement:update", args=[action.pk, OPEN_PERIOD]),
        {"reported_state": "complete", "progress": "All rounds weighed", "evidence": "Log"},
    )
    assert response.status_code == 302
    update = ActionUpdate.objects.get(action=action)
    client.post(reverse("improvement:submit", args=[update.pk]), {"lock_version": "1"})
    update.refresh_from_db()
    assert update.state == ReturnState.SUBMITTED

    officer_page = client.get(reverse("improvement:action", args=[action.pk])).content.decode()
    assert "Sign off<span" not in officer_page
    approver_page = sign_in(client, approver).get(reverse("improvement:action", args=[action.pk]))
    assert "Sign off<span" in approver_page.content.decode()

    client.post(
        reverse("improvement:sign_off", args=[update.pk]), {"lock_version": update.lock_version}
    )

    update.refresh_from_db()
    action.refresh_from_db()
    assert update.state == ReturnState.APPROVED
    assert action.state == "complete"
    page = client.get(reverse("improvement:action", args=[action.pk])).content.decode()
    assert "Revision history (3)" in page


def test_returning_needs_a_reason_and_the_reason_is_kept(client, town, action):
    update = record_action_update(
        action=action,
        period=Period.objects.get(code=OPEN_PERIOD),
        entries={"reported_state": "in_progress", "progress": "Half the rounds"},
        by=town.person("officer"),
    )
    update = submit_action_update(update=update, by=town.person("officer"))
    sign_in(client, town.person("approver"))
    url = reverse("improvement:return", args=[update.pk])

    refused = client.post(url, {"reason": "", "lock_version": update.lock_version})
    client.post(url, {"reason": "Which rounds?", "lock_version": update.lock_version})

    assert "Give a reason" in refused.content.decode()
    update.refresh_from_db()
    assert update.state == ReturnState.RETURNED
    assert update.revisions.last().reason == "Which rounds?"


def test_a_stale_save_on_the_page_is_refused_and_says_why(client, town, action):
    period = Period.objects.get(code=OPEN_PERIOD)
    entries = {"reported_state": "in_progress", "progress": "First words"}
    update = record_action_update(
        action=action, period=period, entries=entries, by=town.person("officer")
    )
    record_action_update(
        action=action,
        period=period,
        entries={"progress": "Performance team's words"},
        by=town.person("performance"),
    )

    response = sign_in(client, town.person("officer")).post(
        reverse("improvement:update", args=[action.pk, OPEN_PERIOD]),
        {"reported_state": "in_progress", "progress": "Mine", "lock_version": update.lock_version},
    )

    assert response.status_code == 200
    assert "Priya Perform changed this action update (progress) at " in response.content.decode()
    assert ActionUpdate.objects.get(pk=update.pk).progress == "Performance team's words"


def test_revising_the_due_date_on_the_page(client, town, action):
    sign_in(client, town.person("approver"))

    client.post(
        reverse("improvement:due_date", args=[action.pk]),
        {"new_date": "31/12/2026", "reason": "New weighbridge arrives in December"},
    )

    page = client.get(reverse("improvement:action", args=[action.pk])).content.decode()
    action.refresh_from_db()
    assert action.due_on == datetime.date(2026, 9, 30)
    assert action.revised_due_on == datetime.date(2026, 12, 31)
    assert "New weighbridge arrives in December" in page
    assert "16 days late against the date first agreed" in page


def test_the_clinic_agrees_an_action_for_a_red_indicator(client, town, red):
    sign_in(client, town.person("approver"))
    url = reverse("improvement:clinic", args=[red.pk])

    assert 'name="description"' in client.get(url).content.decode()
    response = client.post(
        url,
        {
            "reference": "CL 2026/1",
            "description": "Visit the ten lowest-recycling businesses",
            "owner": town.person("officer").pk,
            "due_on": "2027-01-31",
        },
    )

    action = ImprovementAction.objects.get(reference="CL 2026/1")
    assert response.url == reverse("improvement:action", args=[action.pk])
    assert action.finding.get_kind_display() == "Improvement clinic"
    assert list(action.indicators.all()) == [red]


def test_the_clinic_is_refused_for_an_indicator_not_red_nor_concerning(client, town):
    commercial = Indicator.objects.get(code="WST-03")  # no target: Data only
    sign_in(client, town.person("approver"))
    url = reverse("improvement:clinic", args=[commercial.pk])

    page = client.get(url).content.decode()
    client.post(
        url,
        {
            "reference": "CL 2026/1",
            "description": "Act",
            "owner": town.person("officer").pk,
            "due_on": "2027-01-31",
        },
    )

    assert NOT_FOR_CLINIC.format(code="WST-03") in page
    assert 'name="description"' not in page
    assert not ImprovementAction.objects.exists()


def test_list_and_action_pages_take_the_same_queries_however_many_actions(client, town, action):
    sign_in(client, town.person("approver"))

    def queries(url):
        client.get(url)  # warm the session and the council
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == OK
        return len(captured)

    def add_work(periods):
        for code in periods:
            extra = ImprovementActionFactory(finding=action.finding)
            for owner in (action, extra):
                update = record_action_update(
                    action=owner,
                    period=Period.objects.get(code=code),
                    entries={"reported_state": "open", "progress": "Started"},
                    by=town.person("officer"),
                )
                submit_action_update(update=update, by=town.person("officer"))

    index, page = reverse("improvement:index"), reverse("improvement:action", args=[action.pk])
    add_work(["2025-26-Q1"])
    few = (queries(index), queries(page))
    add_work(["2025-26-Q2", "2025-26-Q3", "2025-26-Q4"])

    assert (queries(index), queries(page)) == few


def test_revising_a_signed_off_update_on_the_page_needs_a_reason(client, town, action):
    period = Period.objects.get(code=OPEN_PERIOD)
    update = record_action_update(
        action=action,
        period=period,
        entries={"reported_state": "in_progress", "progress": "Half the rounds"},
        by=town.person("officer"),
    )
    update = submit_action_update(update=update, by=town.person("officer"))
    update = approve_action_update(update=update, by=town.person("approver"))
    sign_in(client, town.person("officer"))
    url = reverse("improvement:update", args=[action.pk, OPEN_PERIOD])
    form = {
        "reported_state": "in_progress",
        "progress": "All but two rounds",
        "lock_version": update.lock_version,
    }

    refused = client.post(url, form)
    client.post(url, {**form, "reason": "Two more rounds weighed since"})

    assert "Give a reason" in refused.content.decode()
    update.refresh_from_db()
    assert update.state == ReturnState.SUBMITTED
    assert update.progress == "All but two rounds"
    assert update.revisions.last().reason == "Two more rounds weighed since"


OFFER = "Agree an improvement action"


def indicator_page(client, town, name, code="WST-03") -> str:
    sign_in(client, town.person(name))
    return client.get(reverse("scorecards:indicator", args=[code])).content.decode()


def test_the_indicator_page_offers_a_clinic_when_the_indicator_is_red(client, town, red):
    page = indicator_page(client, town, "approver")

    assert OFFER in page
    assert reverse("improvement:clinic", args=[red.pk]) in page


def test_the_clinic_is_offered_only_to_those_who_keep_the_registers(client, town, red):
    assert OFFER not in indicator_page(client, town, "officer")  # a data owner
    assert OFFER not in indicator_page(client, town, "councillor")


def test_no_clinic_is_offered_for_an_indicator_that_is_not_red_nor_concerning(client, town):
    assert OFFER not in indicator_page(client, town, "approver")  # WST-03 without a target


# --- The sign-off steps, person by person ----------------------------------------------------

STEPS = {
    # persona: (submit a draft, sign off a submitted update, return a submitted update)
    "officer": (SIGN_IN, FORBIDDEN, FORBIDDEN),
    "other_officer": (NOT_FOUND, NOT_FOUND, NOT_FOUND),
    "approver": (FORBIDDEN, SIGN_IN, SIGN_IN),
    "other_approver": (NOT_FOUND, NOT_FOUND, NOT_FOUND),
    "director": (FORBIDDEN, FORBIDDEN, FORBIDDEN),
    "performance": (SIGN_IN, FORBIDDEN, FORBIDDEN),
    "admin": (SIGN_IN, FORBIDDEN, FORBIDDEN),
    "councillor": (NOT_FOUND, NOT_FOUND, NOT_FOUND),
    "anonymous": (SIGN_IN, SIGN_IN, SIGN_IN),
}
DONE = {"submit": ReturnState.SUBMITTED, "sign_off": ReturnState.APPROVED}


def _update_in(town, action, state):
    officer = town.person("officer")
    update = record_action_update(
        action=action,
        period=Period.objects.get(code=OPEN_PERIOD),
        entries={"reported_state": "in_progress", "progress": "Half the rounds weighed"},
        by=officer,
    )
    if state == ReturnState.SUBMITTED:
        update = submit_action_update(update=update, by=officer)
    return update


@pytest.mark.parametrize("name", PERSONAS)
@pytest.mark.parametrize(
    ("step", "starts", "column"),
    [
        ("submit", ReturnState.DRAFT, 0),
        ("sign_off", ReturnState.SUBMITTED, 1),
        ("return", ReturnState.SUBMITTED, 2),
    ],
)
def test_who_may_take_each_sign_off_step(client, town, action, name, step, starts, column):
    update = _update_in(town, action, starts)
    data = {"lock_version": update.lock_version, "reason": "Say which rounds were weighed"}
    person = town.person(name)
    if person is None:
        client.logout()
    else:
        sign_in(client, person)

    response = client.post(reverse(f"improvement:{step}", args=[update.pk]), data)

    assert response.status_code == STEPS[name][column]
    update.refresh_from_db()
    allowed = response.status_code == SIGN_IN and person is not None
    expected = {"submit": DONE["submit"], "sign_off": DONE["sign_off"]}.get(
        step, ReturnState.RETURNED
    )
    assert update.state == (expected if allowed else starts)


def test_every_improvement_url_is_in_a_table():
    from goldenthread.tests.test_permission_matrix import url_names

    in_tables = {
        "improvement:index",
        "improvement:new_finding",
        "improvement:finding",
        "improvement:agree",
        "improvement:action",
        "improvement:due_date",
        "improvement:update",
        "improvement:clinic",
        "improvement:submit",
        "improvement:sign_off",
        "improvement:return",
    }
    assert url_names("improvement") == in_tables


def test_an_update_tells_the_approver_when_submitted_and_the_officer_when_returned(town, action):
    from improvement.workflow import (
        record_action_update,
        return_action_update,
        submit_action_update,
    )
    from notices.models import Notice, NoticeKind

    officer, approver = town.person("officer"), town.person("approver")
    update = record_action_update(
        action=action,
        period=Period.objects.get(code=OPEN_PERIOD),
        entries={"reported_state": "in_progress", "progress": "Half the rounds weighed"},
        by=officer,
    )
    update = submit_action_update(update=update, by=officer)
    asked = Notice.objects.get(kind=NoticeKind.RETURN_SUBMITTED)
    assert asked.recipient == approver
    assert asked.subject.startswith("To sign off: action update, IA 2026/14 R3")
    assert asked.link == reverse("improvement:action", args=[action.pk])

    return_action_update(update=update, by=approver, reason="Say which rounds are left")
    back = Notice.objects.get(kind=NoticeKind.RETURN_SENT_BACK)
    assert back.recipient == officer and "Say which rounds are left" in back.summary
