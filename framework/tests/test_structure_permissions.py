"""Who may open and use the framework's structure pages: the performance team and
administrators; everyone else is refused (403), a member of the public is sent to sign in,
and a refused request changes nothing.

`PAGES` gives each persona's exact status for every page (GET), `CHANGES` for every change
(POST), in the order of `organisation.tests.personas.PERSONAS`. Every URL of
`framework.structure_urls` must be in one of them.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass

import pytest
from django.urls import URLPattern, reverse
from django.utils import timezone

from audit.models import AuditEntry
from framework import structure_urls
from indicators.models import Indicator, IndicatorVersion
from organisation.tests.permission_tables import cells
from organisation.tests.personas import Town, build_town, freeze_today, sign_in
from returns.models import Audience, Deadline, ReminderRule
from strategy.models import Ambition, Committee, Meeting, Outcome, Plan
from strategy.tests.factories import AmbitionFactory, MeetingFactory, OutcomeFactory, PlanFactory

pytestmark = pytest.mark.django_db

SIGN_IN = "sign-in"
OK, DONE, NO = 200, 302, 403


@dataclass
class Framework:
    town: Town
    spare_plan: Plan  # nothing depends on it
    spare_ambition: Ambition  # in the town's plan, nothing depends on it
    spare_outcome: Outcome  # under the town's ambition, no indicator
    meeting: Meeting  # of the town's committee
    rule: ReminderRule  # five days before the data-entry deadline; never sent a reminder

    @property
    def personas(self):
        return self.town.personas


@pytest.fixture
def framework(monkeypatch) -> Framework:
    freeze_today(monkeypatch)
    town = build_town()
    return Framework(
        town=town,
        spare_plan=PlanFactory(title="Old delivery plan"),
        spare_ambition=AmbitionFactory(plan=town.ambition.plan, code="spare", title="Spare"),
        spare_outcome=OutcomeFactory(ambition=town.ambition, code="spare-outcome"),
        meeting=MeetingFactory(
            committee=town.committee,
            starts_at=datetime.datetime(2026, 12, 3, 18, tzinfo=datetime.UTC),
        ),
        rule=ReminderRule.objects.get(
            deadline=Deadline.DATA_ENTRY, days_after=-5, audience=Audience.DATA_OWNER
        ),
    )


def url(name: str, attribute: str | None = None, query: str = "") -> Callable:
    def build(fw: Framework) -> str:
        if attribute is None:
            return reverse(f"framework:{name}") + query
        obj = getattr(fw, attribute, None) or getattr(fw.town, attribute)
        return reverse(f"framework:{name}", args=[obj.pk]) + query

    return build


# --- Pages (GET) -----------------------------------------------------------------------------

PAGE_URLS = {
    "structure": url("structure"),
    "plan_add": url("plan_add"),
    "plan": url("plan", "spare_plan"),
    "plan_remove": url("plan_remove", "spare_plan"),
    "ambition_add": url("ambition_add", query="?plan=1"),
    "ambition": url("ambition", "ambition"),
    "ambition_remove": url("ambition_remove", "ambition"),
    "outcome_add": url("outcome_add"),
    "outcome": url("outcome", "outcome"),
    "outcome_remove": url("outcome_remove", "outcome"),
    "committees": url("committees"),
    "committee_add": url("committee_add"),
    "committee": url("committee", "committee"),
    "committee_edit": url("committee_edit", "committee"),
    "committee_indicators": url("committee_indicators", "committee"),
    "meeting_add": url("meeting_add", "committee"),
    "meeting": url("meeting", "meeting"),
    "reminder_rules": url("reminder_rules"),
    "reminder_rule_add": url("reminder_rule_add"),
    "reminder_rule": url("reminder_rule", "rule"),
    "reminder_rule_remove": url("reminder_rule_remove", "rule"),
}

TEAM_ONLY = (NO, NO, NO, NO, NO, OK, OK, NO, SIGN_IN)
# fmt: off
PAGES = {name: TEAM_ONLY for name in PAGE_URLS}
# fmt: on


# --- Changes (POST) --------------------------------------------------------------------------


@dataclass(frozen=True)
class Change:
    url_name: str
    request: Callable[[Framework], tuple[str, dict]]  # url, data
    happened: Callable[[Framework], None]


REASON = "Agreed by the corporate leadership team"
NEW_DATE = "2026-12-10"


def meeting_time(day: str, time: str = "18:30") -> datetime.datetime:
    naive = datetime.datetime.fromisoformat(f"{day}T{time}")
    return timezone.make_aware(naive)


CHANGES = {
    "add plan": Change(
        "plan_add",
        lambda fw: (
            url("plan_add")(fw),
            {
                "title": "Corporate Plan 2026 to 2029",
                "kind": "corporate",
                "starts_on": "2026-04-01",
                "ends_on": "2029-03-31",
                "is_current": "on",
            },
        ),
        lambda fw: Plan.objects.get(title="Corporate Plan 2026 to 2029"),
    ),
    "change plan": Change(
        "plan",
        lambda fw: (
            url("plan", "spare_plan")(fw),
            {
                "title": "Old delivery plan",
                "kind": "strategic",
                "starts_on": "2022-04-01",
                "ends_on": "2027-03-31",
                "reason": REASON,
            },
        ),
        lambda fw: Plan.objects.get(pk=fw.spare_plan.pk, is_current=False),
    ),
    "remove plan": Change(
        "plan_remove",
        lambda fw: (url("plan_remove", "spare_plan")(fw), {"reason": REASON}),
        lambda fw: not Plan.objects.filter(pk=fw.spare_plan.pk).exists() or pytest.fail(),
    ),
    "add ambition": Change(
        "ambition_add",
        lambda fw: (
            url("ambition_add")(fw),
            {"plan": fw.town.ambition.plan_id, "code": "thriving", "title": "A thriving place"},
        ),
        lambda fw: Ambition.objects.get(code="thriving"),
    ),
    "change ambition": Change(
        "ambition",
        lambda fw: (
            url("ambition", "ambition")(fw),
            {"plan": fw.town.ambition.plan_id, "title": "A greener place", "reason": REASON},
        ),
        lambda fw: Ambition.objects.get(pk=fw.town.ambition.pk, title="A greener place"),
    ),
    "move ambition": Change(
        "ambition_move",
        lambda fw: (url("ambition_move", "spare_ambition")(fw), {"direction": "up"}),
        lambda fw: (
            list(fw.town.ambition.plan.ambitions.order_by("order"))
            == [fw.spare_ambition, fw.town.ambition]
            or pytest.fail()
        ),
    ),
    "remove ambition": Change(
        "ambition_remove",
        lambda fw: (url("ambition_remove", "spare_ambition")(fw), {"reason": REASON}),
        lambda fw: not Ambition.objects.filter(pk=fw.spare_ambition.pk).exists() or pytest.fail(),
    ),
    "add outcome": Change(
        "outcome_add",
        lambda fw: (
            url("outcome_add")(fw),
            {"ambition": fw.town.ambition.pk, "code": "cleaner-streets", "title": "Clean streets"},
        ),
        lambda fw: Outcome.objects.get(code="cleaner-streets"),
    ),
    "change outcome": Change(
        "outcome",
        lambda fw: (
            url("outcome", "outcome")(fw),
            {"ambition": fw.town.ambition.pk, "title": "Much less waste", "reason": REASON},
        ),
        lambda fw: Outcome.objects.get(pk=fw.town.outcome.pk, title="Much less waste"),
    ),
    "move outcome": Change(
        "outcome_move",
        lambda fw: (url("outcome_move", "spare_outcome")(fw), {"direction": "up"}),
        lambda fw: (
            list(fw.town.ambition.outcomes.order_by("order")) == [fw.spare_outcome, fw.town.outcome]
            or pytest.fail()
        ),
    ),
    "remove outcome": Change(
        "outcome_remove",
        lambda fw: (url("outcome_remove", "spare_outcome")(fw), {"reason": REASON}),
        lambda fw: not Outcome.objects.filter(pk=fw.spare_outcome.pk).exists() or pytest.fail(),
    ),
    "add committee": Change(
        "committee_add",
        lambda fw: (
            url("committee_add")(fw),
            {"name": "Cabinet", "code": "cabinet", "kind": "cabinet"},
        ),
        lambda fw: Committee.objects.get(code="cabinet"),
    ),
    "change committee": Change(
        "committee_edit",
        lambda fw: (
            url("committee_edit", "committee")(fw),
            {"name": "Place Overview Committee", "kind": "scrutiny", "reason": REASON},
        ),
        lambda fw: Committee.objects.get(pk=fw.town.committee.pk, name="Place Overview Committee"),
    ),
    "choose committee indicators": Change(
        "committee_indicators",
        lambda fw: (
            url("committee_indicators", "committee")(fw),
            {
                "indicators": [Indicator.objects.get(code="PRK-01").pk],
                "effective_from": "2026-10-16",
                "reason": REASON,
            },
        ),
        lambda fw: (
            list(fw.town.committee.indicators.values_list("code", flat=True)) == ["PRK-01"]
            or pytest.fail()
        ),
    ),
    "add meeting": Change(
        "meeting_add",
        lambda fw: (
            url("meeting_add", "committee")(fw),
            {"starts_on": "2027-01-14", "starts_time": "18:30", "venue": "Council Chamber"},
        ),
        lambda fw: Meeting.objects.get(starts_at=meeting_time("2027-01-14")),
    ),
    "move meeting": Change(
        "meeting",
        lambda fw: (
            url("meeting", "meeting")(fw),
            {
                "starts_on": NEW_DATE,
                "starts_time": "18:30",
                "venue": "",
                "is_cancelled": "no",
                "reason": REASON,
            },
        ),
        lambda fw: Meeting.objects.get(pk=fw.meeting.pk, starts_at=meeting_time(NEW_DATE)),
    ),
    "add reminder rule": Change(
        "reminder_rule_add",
        lambda fw: (
            url("reminder_rule_add")(fw),
            {
                "audience": Audience.MANAGER,
                "deadline": Deadline.DATA_ENTRY,
                "timing": "after",
                "days": "3",
                "repeat_every_days": "7",
                "is_active": "on",
            },
        ),
        lambda fw: ReminderRule.objects.get(audience=Audience.MANAGER, days_after=3),
    ),
    "change reminder rule": Change(
        "reminder_rule",
        lambda fw: (
            url("reminder_rule", "rule")(fw),
            {
                "audience": Audience.DATA_OWNER,
                "deadline": Deadline.DATA_ENTRY,
                "timing": "before",
                "days": "7",
                "reason": REASON,
            },
        ),
        lambda fw: ReminderRule.objects.get(pk=fw.rule.pk, days_after=-7, is_active=False),
    ),
    "remove reminder rule": Change(
        "reminder_rule_remove",
        lambda fw: (url("reminder_rule_remove", "rule")(fw), {"reason": REASON}),
        lambda fw: not ReminderRule.objects.filter(pk=fw.rule.pk).exists() or pytest.fail(),
    ),
}

# fmt: off
CHANGE_TABLE = {
    #                              off  off2 appr appr2 dir  perf  admin cllr anon
    "add plan":                    (NO, NO,  NO,  NO,   NO,  DONE, DONE, NO,  SIGN_IN),
    "change plan":                 (NO, NO,  NO,  NO,   NO,  DONE, DONE, NO,  SIGN_IN),
    "remove plan":                 (NO, NO,  NO,  NO,   NO,  DONE, DONE, NO,  SIGN_IN),
    "add ambition":                (NO, NO,  NO,  NO,   NO,  DONE, DONE, NO,  SIGN_IN),
    "change ambition":             (NO, NO,  NO,  NO,   NO,  DONE, DONE, NO,  SIGN_IN),
    "move ambition":               (NO, NO,  NO,  NO,   NO,  DONE, DONE, NO,  SIGN_IN),
    "remove ambition":             (NO, NO,  NO,  NO,   NO,  DONE, DONE, NO,  SIGN_IN),
    "add outcome":                 (NO, NO,  NO,  NO,   NO,  DONE, DONE, NO,  SIGN_IN),
    "change outcome":              (NO, NO,  NO,  NO,   NO,  DONE, DONE, NO,  SIGN_IN),
    "move outcome":                (NO, NO,  NO,  NO,   NO,  DONE, DONE, NO,  SIGN_IN),
    "remove outcome":              (NO, NO,  NO,  NO,   NO,  DONE, DONE, NO,  SIGN_IN),
    "add committee":               (NO, NO,  NO,  NO,   NO,  DONE, DONE, NO,  SIGN_IN),
    "change committee":            (NO, NO,  NO,  NO,   NO,  DONE, DONE, NO,  SIGN_IN),
    "choose committee indicators": (NO, NO,  NO,  NO,   NO,  DONE, DONE, NO,  SIGN_IN),
    "add meeting":                 (NO, NO,  NO,  NO,   NO,  DONE, DONE, NO,  SIGN_IN),
    "move meeting":                (NO, NO,  NO,  NO,   NO,  DONE, DONE, NO,  SIGN_IN),
    "add reminder rule":           (NO, NO,  NO,  NO,   NO,  DONE, DONE, NO,  SIGN_IN),
    "change reminder rule":        (NO, NO,  NO,  NO,   NO,  DONE, DONE, NO,  SIGN_IN),
    "remove reminder rule":        (NO, NO,  NO,  NO,   NO,  DONE, DONE, NO,  SIGN_IN),
}
# fmt: on


def database_state() -> dict:
    """What a refused request must leave exactly as it was."""
    return {
        "plans": list(Plan.objects.order_by("pk").values_list("pk", "title", "is_current")),
        "ambitions": list(Ambition.objects.order_by("pk").values_list("pk", "title", "order")),
        "outcomes": list(Outcome.objects.order_by("pk").values_list("pk", "title", "order")),
        "committees": list(Committee.objects.order_by("pk").values_list("pk", "name", "remit")),
        "committee indicators": list(
            Indicator.committees.through.objects.order_by("pk").values_list(
                "indicator", "committee"
            )
        ),
        "indicator versions": IndicatorVersion.objects.count(),
        "meetings": list(
            Meeting.objects.order_by("pk").values_list("pk", "starts_at", "venue", "is_cancelled")
        ),
        "reminder rules": list(
            ReminderRule.objects.order_by("pk").values_list(
                "pk", "days_after", "audience", "repeat_every_days", "is_active"
            )
        ),
        "audit entries": AuditEntry.objects.count(),
    }


def check(client, person, method: str, address: str, data: dict, expected):
    sign_in(client, person)
    before = database_state()
    response = getattr(client, method)(address, data)
    if expected == SIGN_IN:
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login") + "?next=")
    else:
        assert response.status_code == expected
    return response, before


@pytest.mark.parametrize(("page", "persona", "expected"), cells(PAGES))
def test_page(client, framework, page, persona, expected):
    response, before = check(
        client, framework.personas[persona], "get", PAGE_URLS[page](framework), {}, expected
    )

    assert database_state() == before
    if expected == OK:
        assert b"govuk-heading-l" in response.content


@pytest.mark.parametrize(("change", "persona", "expected"), cells(CHANGE_TABLE))
def test_change(client, framework, change, persona, expected):
    step = CHANGES[change]
    address, data = step.request(framework)

    response, before = check(client, framework.personas[persona], "post", address, data, expected)

    if expected == DONE:
        assert not response["Location"].startswith(reverse("login"))
        step.happened(framework)
        assert AuditEntry.objects.count() > before["audit entries"]
    else:
        assert database_state() == before


def test_every_structure_url_is_in_a_table():
    names = {p.name for p in structure_urls.urlpatterns if isinstance(p, URLPattern)}
    in_tables = set(PAGES) | {step.url_name for step in CHANGES.values()}

    assert names - in_tables == set(), "add these views to PAGES or CHANGES with a row"
    assert in_tables - names == set(), "these rows name views that no longer exist"
    assert set(CHANGES) == set(CHANGE_TABLE)
    assert set(PAGES) == set(PAGE_URLS)
