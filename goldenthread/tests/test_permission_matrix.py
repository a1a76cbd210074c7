"""Every role against every state-changing view, and drafts never leak.

`MATRIX` is the rule book for pages: one row per state change (and per download, since a
download hands data out), one column per persona of `organisation.tests.personas`, in
`PERSONAS` order. A cell is the exact response:

- the row's success status (302 after a change, 200 for a download): the change happened;
- 403 or 404: refused, and nothing in the database changed and no email went out;
- SIGN_IN: refused with a redirect to the sign-in page, and nothing changed.

Columns: off, off2 = the data owners of Waste and of Parks; appr, appr2 = the approvers of
Waste and of Parks; dir = the director of Place (Waste and Parks); perf = the performance team;
admin = a superuser; cllr = a councillor; anon = a member of the public, not signed in. Every
row acts on Waste's return, figures and evidence, or on the council's reporting cycles.

Every URL of the `returns`, `scorecards` and `accounts` namespaces must be in `MATRIX` or in
`READ_ONLY` (pages that change nothing, whatever is posted to them): a new view fails
`test_every_url_is_in_a_permission_table` until it has its row.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from io import BytesIO

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import URLResolver, get_resolver, reverse
from django.utils import timezone
from openpyxl import load_workbook

from api.models import ApiToken
from api.tokens import create_token
from audit.models import AuditEntry
from indicators.models import (
    CycleState,
    Period,
    ReportingCycle,
    RevisionAction,
    SpcRecalculation,
    Value,
    ValueRevision,
    ValueState,
)
from notices.inbox import email_choices
from notices.models import Notice
from organisation.models import Role
from organisation.tests.factories import UserFactory
from organisation.tests.personas import (
    DRAFT_FIGURE,
    EVIDENCE_TEXT,
    FREE_PERIOD,
    OPEN_PERIOD,
    PERSONAS,
    RETURNED_FIGURE,
    SIGNED_OFF_FIGURE,
    SUBMITTED_FIGURE,
    TODAY,
    Town,
    build_town,
    freeze_today,
    sign_in,
)
from returns.models import CycleAction, CycleEvent, Evidence, ImportRun, ImportState, ReminderSent
from returns.tests.import_files import PDF, filled, values_csv
from returns.workbooks import XLSX_CONTENT_TYPE, return_workbook
from scorecards.models import Narrative
from scorecards.tests.builders import Returns

pytestmark = pytest.mark.django_db

SIGN_IN = "sign-in"
NEW_FIGURE = "64.2"  # what the allowed changes write


@pytest.fixture
def town(monkeypatch) -> Town:
    freeze_today(monkeypatch)
    return build_town()


# --- The state changes, each a request and the proof that it happened ----------------------


@dataclass(frozen=True)
class StateChange:
    url_name: str  # namespaced, like "returns:service"
    success: int  # the status when allowed
    request: Callable[[Town], tuple[str, str, dict]]  # method, url, data
    happened: Callable[[Town, object, object], None]  # (town, acting user, response)


def return_url(town, name="service", cycle=None):
    return reverse(f"returns:{name}", args=[(cycle or town.cycle).pk, town.waste.code])


def return_form(town, **extra):
    prefix = town.draft.indicator.code
    return {
        f"{prefix}-figure": NEW_FIGURE,
        f"{prefix}-data_quality": "final",
        f"{prefix}-commentary": "Contractor's September tonnage",
        f"{prefix}-lock_version": town.draft.lock_version,
        **extra,
    }


def decision(value, choice, reason=""):
    prefix = f"value-{value.pk}"
    return {
        f"{prefix}-decision": choice,
        f"{prefix}-reason": reason,
        f"{prefix}-lock_version": value.lock_version,
    }


def value_url(value):
    return reverse("returns:value", args=[value.pk])


def cycle_action(cycle, action, **extra):
    return "post", reverse("returns:cycle_action", args=[cycle.pk]), {"action": action, **extra}


def filled_workbook(town):
    content = return_workbook(town.cycle, town.waste, today=TODAY, council=town.council)
    content = filled(content, {2: {"Figure": float(NEW_FIGURE)}})  # row 2: WST-01, the draft
    return SimpleUploadedFile("return.xlsx", content)


def fresh(value) -> Value:
    return Value.objects.get(pk=value.pk)


def draft_was_saved(state):
    def check(town, user, response):
        draft = fresh(town.draft)
        assert (draft.figure, draft.state) == (Decimal(NEW_FIGURE), state)
        assert draft.revisions.order_by("-number").first().changed_by == user

    return check


def decided(state, action):
    def check(town, user, response):
        value = fresh(town.submitted)
        assert value.state == state
        assert value.revisions.order_by("-number").first().action == action
        assert value.revisions.order_by("-number").first().changed_by == user

    return check


def evidence_attached(town, user, response):
    latest = Evidence.objects.filter(value=town.draft).latest("pk")
    assert (Evidence.objects.filter(value=town.draft).count(), latest.uploaded_by) == (2, user)


def revised(town, user, response):
    value = fresh(town.signed_off)
    assert (value.state, value.figure, value.submitted_by) == (
        ValueState.SUBMITTED,
        Decimal(NEW_FIGURE),
        user,
    )
    assert value.revisions.order_by("-number").first().action == RevisionAction.REVISED


def imported(town, user, response):
    run = ImportRun.objects.exclude(pk=town.import_run.pk).get()
    assert (run.uploaded_by, run.state, run.problems) == (user, ImportState.DONE, [])
    assert fresh(town.draft).figure == Decimal(NEW_FIGURE)


def cycle_created(town, user, response):
    cycle = ReportingCycle.objects.get(period__code=FREE_PERIOD)
    assert list(cycle.events.values_list("action", "by")) == [(CycleAction.CREATED, user.pk)]


def cycle_changed(attribute, state, action):
    def check(town, user, response):
        cycle = ReportingCycle.objects.get(pk=getattr(town, attribute).pk)
        assert cycle.state == state
        assert list(cycle.events.values_list("action", "by")) == [(action, user.pk)]

    return check


def reminders_sent(town, user, response):
    reminded = {town.personas["officer"].email, town.personas["other_officer"].email}
    assert ReminderSent.objects.count() == 2
    assert {message.to[0] for message in mail.outbox} == reminded


RECALCULATION_REASON = "New collection contract from July"


def earlier_figure(indicator):
    """A signed-off figure before the open quarter's (once), so that one has another before it."""
    if not Value.objects.filter(indicator=indicator, period__code="2025-26-Q4").exists():
        Returns().signed_off(indicator, "2025-26-Q4", "50")


def recalculation_request(town):
    """Set the limits of the signed-off figure's indicator to start again at its latest
    figure."""
    indicator = town.signed_off.indicator
    earlier_figure(indicator)
    url = reverse("scorecards:recalculations", args=[indicator.code])
    return "post", url, {"period": OPEN_PERIOD, "reason": RECALCULATION_REASON}


def recalculation_set(town, user, response):
    point = SpcRecalculation.objects.get(indicator=town.signed_off.indicator)
    assert (point.period.code, point.set_by, point.reason) == (
        OPEN_PERIOD,
        user,
        RECALCULATION_REASON,
    )


def removal_request(town):
    indicator = town.signed_off.indicator
    earlier_figure(indicator)
    point, _ = SpcRecalculation.objects.get_or_create(
        indicator=indicator,
        period=Period.objects.get(code=OPEN_PERIOD),
        removed_at=None,
        defaults={"reason": RECALCULATION_REASON, "set_at": town.signed_off.approved_at},
    )
    url = reverse("scorecards:remove_recalculation", args=[indicator.code, point.pk])
    return "post", url, {"reason": "Contract start was delayed"}


def recalculation_removed(town, user, response):
    point = SpcRecalculation.objects.get(indicator=town.signed_off.indicator)
    assert (point.removed_by, point.removal_reason) == (user, "Contract start was delayed")


def narrative_written(attribute):
    def check(town, user, response):
        subject = getattr(town, attribute)
        field = "ambition" if attribute == "ambition" else "unit"
        narrative = Narrative.objects.get(**{field: subject})
        assert (narrative.period.code, narrative.written_by) == (OPEN_PERIOD, user)
        assert narrative.going_well == "Recycling is up"

    return check


NARRATIVE = {"going_well": "Recycling is up", "not_going_well": "", "being_done": ""}


def workbook_handed_out(town, user, response):
    assert response["Content-Type"] == XLSX_CONTENT_TYPE
    sheet = load_workbook(BytesIO(response.content))["Return"]
    codes = [row[0] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert codes == ["WST-01", "WST-02", "WST-03"]


def evidence_handed_out(town, user, response):
    assert b"".join(response.streaming_content) == EVIDENCE_TEXT


def officers_notice(town) -> Notice:
    """The officer's notice that WST-03 was returned (when the town was built)."""
    return Notice.objects.get(recipient=town.personas["officer"])


def notice_read(town, user, response):
    notice = officers_notice(town)
    assert notice.read_at is not None
    assert response["Location"] == notice.link


def unread_notices_for_everyone(town):
    """An unread notice for every persona, so each has something to mark read."""
    for name, person in town.personas.items():
        if person is not None:
            Notice.objects.get_or_create(
                recipient=person,
                key="matrix:unread",
                defaults={
                    "kind": "cycle_opened",
                    "subject": f"For {name}",
                    "summary": "Something happened",
                    "link": "/returns/",
                    "created_at": timezone.now(),
                    "email_wanted": False,
                },
            )
    return "post", reverse("notices:read_all"), {}


def own_notices_read(town, user, response):
    assert not Notice.objects.filter(recipient=user, read_at__isnull=True).exists()
    others = Notice.objects.filter(key="matrix:unread").exclude(recipient=user)
    assert not others.filter(read_at__isnull=False).exists()


def email_choices_saved(town, user, response):
    assert email_choices(user) == {"cycle_opened"}


# A person's own API tokens: anyone signed in makes them; only their owner revokes one.
TOKEN_NAME = "Housing system"


def token_made(town, user, response):
    token = ApiToken.objects.get(user=user, name=TOKEN_NAME)
    assert token.shown_prefix.encode() in response.content  # its secret, shown this once


def officers_token(town) -> ApiToken:
    """The Waste data owner's token (made once), for the others to try to revoke."""
    officer = town.personas["officer"]
    token = ApiToken.objects.filter(user=officer, name=TOKEN_NAME).first()
    return token or create_token(user=officer, name=TOKEN_NAME).token


def token_revoked(town, user, response):
    assert officers_token(town).revoked_at is not None


STATE_CHANGES = {
    "save draft": StateChange(
        "returns:service",
        302,
        lambda town: ("post", return_url(town), return_form(town)),
        draft_was_saved(ValueState.DRAFT),
    ),
    "submit return": StateChange(
        "returns:service",
        302,
        lambda town: ("post", return_url(town), return_form(town, submit="1")),
        draft_was_saved(ValueState.SUBMITTED),
    ),
    "sign off": StateChange(
        "returns:service_sign_off",
        302,
        lambda town: (
            "post",
            return_url(town, "service_sign_off"),
            decision(town.submitted, "approve"),
        ),
        decided(ValueState.APPROVED, RevisionAction.APPROVED),
    ),
    "return for correction": StateChange(
        "returns:service_sign_off",
        302,
        lambda town: (
            "post",
            return_url(town, "service_sign_off"),
            decision(town.submitted, "return", "The September round is missing"),
        ),
        decided(ValueState.RETURNED, RevisionAction.RETURNED),
    ),
    "attach evidence": StateChange(
        "returns:value",
        302,
        lambda town: (
            "post",
            value_url(town.draft),
            {"upload": "1", "file": SimpleUploadedFile("report.pdf", PDF), "description": "x"},
        ),
        evidence_attached,
    ),
    "revise signed-off": StateChange(
        "returns:value",
        302,
        lambda town: (
            "post",
            value_url(town.signed_off),
            {
                "revise": "1",
                "figure": NEW_FIGURE,
                "commentary": "Corrected",
                "reason": "The contractor corrected the tonnage",
                "lock_version": town.signed_off.lock_version,
            },
        ),
        revised,
    ),
    "upload workbook": StateChange(
        "returns:upload_workbook",
        302,
        lambda town: ("post", return_url(town, "upload_workbook"), {"file": filled_workbook(town)}),
        imported,
    ),
    "import CSV": StateChange(
        "returns:import_values",
        302,
        lambda town: (
            "post",
            reverse("returns:import_values"),
            {
                "file": SimpleUploadedFile(
                    "q2.csv",
                    values_csv(
                        [{"indicator_code": "WST-01", "period": "2026-27-Q2", "figure": NEW_FIGURE}]
                    ),
                )
            },
        ),
        imported,
    ),
    "create cycle": StateChange(
        "returns:new_cycle",
        302,
        lambda town: (
            "post",
            reverse("returns:new_cycle"),
            {
                "period": Period.objects.get(code=FREE_PERIOD).pk,
                "opens_on": "2027-04-01",
                "data_entry_deadline": "2027-04-20",
                "signoff_deadline": "2027-04-30",
            },
        ),
        cycle_created,
    ),
    "open cycle": StateChange(
        "returns:cycle_action",
        302,
        lambda town: cycle_action(town.planned_cycle, "open"),
        cycle_changed("planned_cycle", CycleState.OPEN, CycleAction.OPENED),
    ),
    "close cycle": StateChange(
        "returns:close_cycle",
        302,
        lambda town: (
            "post",
            reverse("returns:close_cycle", args=[town.cycle.pk]),
            {"reason": "Waste's figures come in the next quarter"},
        ),
        cycle_changed("cycle", CycleState.CLOSED, CycleAction.CLOSED),
    ),
    "reopen cycle": StateChange(
        "returns:cycle_action",
        302,
        lambda town: cycle_action(town.closed_cycle, "reopen", reason="A late correction"),
        cycle_changed("closed_cycle", CycleState.OPEN, CycleAction.REOPENED),
    ),
    "send reminders": StateChange(
        "returns:cycle_action",
        302,
        lambda town: cycle_action(town.cycle, "remind"),
        reminders_sent,
    ),
    "write directorate narrative": StateChange(
        "scorecards:directorate_narrative",
        302,
        lambda town: (
            "post",
            reverse("scorecards:directorate_narrative", args=[town.place.code]),
            NARRATIVE,
        ),
        narrative_written("place"),
    ),
    "write ambition narrative": StateChange(
        "scorecards:ambition_narrative",
        302,
        lambda town: (
            "post",
            reverse("scorecards:ambition_narrative", args=[town.ambition.code]),
            NARRATIVE,
        ),
        narrative_written("ambition"),
    ),
    "set SPC recalculation": StateChange(
        "scorecards:recalculations", 302, recalculation_request, recalculation_set
    ),
    "remove SPC recalculation": StateChange(
        "scorecards:remove_recalculation", 302, removal_request, recalculation_removed
    ),
    "download workbook": StateChange(
        "returns:workbook",
        200,
        lambda town: ("get", return_url(town, "workbook"), {}),
        workbook_handed_out,
    ),
    "download evidence": StateChange(
        "returns:evidence",
        200,
        lambda town: ("get", reverse("returns:evidence", args=[town.evidence.pk]), {}),
        evidence_handed_out,
    ),
    # Everyone signed in has notices of their own: only their own.
    "open notice": StateChange(
        "notices:open",
        302,
        lambda town: ("get", reverse("notices:open", args=[officers_notice(town).pk]), {}),
        notice_read,
    ),
    "mark notices read": StateChange(
        "notices:read_all", 302, unread_notices_for_everyone, own_notices_read
    ),
    "choose notice emails": StateChange(
        "notices:settings",
        302,
        lambda town: ("post", reverse("notices:settings"), {"email_kinds": ["cycle_opened"]}),
        email_choices_saved,
    ),
    # The secret is shown in the answer to the post itself (200), never after a redirect.
    "make API token": StateChange(
        "accounts:new_token",
        200,
        lambda town: ("post", reverse("accounts:new_token"), {"name": TOKEN_NAME, "days": "90"}),
        token_made,
    ),
    "revoke API token": StateChange(
        "accounts:revoke_token",
        302,
        lambda town: ("post", reverse("accounts:revoke_token"), {"token": officers_token(town).pk}),
        token_revoked,
    ),
}

# fmt: off
MATRIX = {
    #                               off   off2  appr  appr2 dir   perf  admin cllr  anon
    "save draft":                  (302,  404,  404,  404,  404,  302,  302,  404,  SIGN_IN),
    "submit return":               (302,  404,  404,  404,  404,  302,  302,  404,  SIGN_IN),
    "sign off":                    (404,  404,  302,  404,  404,  404,  404,  404,  SIGN_IN),
    "return for correction":       (404,  404,  302,  404,  404,  404,  404,  404,  SIGN_IN),
    "attach evidence":             (302,  404,  403,  404,  403,  302,  302,  404,  SIGN_IN),
    "revise signed-off":           (302,  403,  403,  403,  403,  302,  302,  403,  SIGN_IN),
    "upload workbook":             (302,  404,  404,  404,  404,  302,  302,  404,  SIGN_IN),
    "import CSV":                  (403,  403,  403,  403,  403,  302,  302,  403,  SIGN_IN),
    "create cycle":                (403,  403,  403,  403,  403,  302,  302,  403,  SIGN_IN),
    "open cycle":                  (403,  403,  403,  403,  403,  302,  302,  403,  SIGN_IN),
    "close cycle":                 (403,  403,  403,  403,  403,  302,  302,  403,  SIGN_IN),
    "reopen cycle":                (403,  403,  403,  403,  403,  302,  302,  403,  SIGN_IN),
    "send reminders":              (403,  403,  403,  403,  403,  302,  302,  403,  SIGN_IN),
    "write directorate narrative": (403,  403,  403,  403,  302,  302,  302,  403,  SIGN_IN),
    "write ambition narrative":    (403,  403,  403,  403,  403,  302,  302,  403,  SIGN_IN),
    "set SPC recalculation":       (403,  403,  403,  403,  403,  302,  302,  403,  SIGN_IN),
    "remove SPC recalculation":    (403,  403,  403,  403,  403,  302,  302,  403,  SIGN_IN),
    "download workbook":           (200,  404,  404,  404,  404,  200,  200,  404,  SIGN_IN),
    "download evidence":           (200,  404,  200,  404,  200,  200,  200,  404,  SIGN_IN),
    "open notice":                 (302,  404,  404,  404,  404,  404,  404,  404,  SIGN_IN),
    "mark notices read":           (302,  302,  302,  302,  302,  302,  302,  302,  SIGN_IN),
    "choose notice emails":        (302,  302,  302,  302,  302,  302,  302,  302,  SIGN_IN),
    "make API token":              (200,  200,  200,  200,  200,  200,  200,  200,  SIGN_IN),
    "revoke API token":            (302,  404,  404,  404,  404,  404,  404,  404,  SIGN_IN),
}
# fmt: on


# --- Pages that change nothing: what each persona gets, by GET or POST ----------------------


def scorecard(name, town_attribute=None):
    def url(town):
        if town_attribute is None:
            return reverse(f"scorecards:{name}")
        return reverse(f"scorecards:{name}", args=[getattr(town, town_attribute).code])

    return url


def indicator_url(value):
    return reverse("scorecards:indicator", args=[value.indicator.code])


READ_ONLY_URLS = {
    "returns:mine": lambda town: reverse("returns:mine"),
    "returns:sign_off": lambda town: reverse("returns:sign_off"),
    "returns:import_run": lambda town: reverse("returns:import_run", args=[town.import_run.pk]),
    "returns:cycles": lambda town: reverse("returns:cycles"),
    "returns:cycle": lambda town: reverse("returns:cycle", args=[town.cycle.pk]),
    "returns:return_statuses": lambda town: return_url(town, "return_statuses") + "?a-figure=1",
    "scorecards:organisation": scorecard("organisation"),
    "scorecards:ambition": scorecard("ambition", "ambition"),
    "scorecards:outcome": scorecard("outcome", "outcome"),
    "scorecards:directorate": scorecard("directorate", "place"),
    "scorecards:service": scorecard("service", "waste"),
    "scorecards:committee": scorecard("committee", "committee"),
    "scorecards:indicator": lambda town: indicator_url(town.signed_off),
    "audit:log": lambda town: reverse("audit:log"),
    "audit:export": lambda town: reverse("audit:export"),
    # A person's own account: the same page for everyone, about themselves.
    "accounts:account": lambda town: reverse("accounts:account"),
    "accounts:two_factor": lambda town: reverse("accounts:two_factor"),
    "notices:list": lambda town: reverse("notices:list"),
}

# fmt: off
READ_ONLY = {
    #                           off   off2  appr  appr2 dir   perf  admin cllr  anon
    "returns:mine":            (200,  200,  403,  403,  403,  200,  200,  403,  SIGN_IN),
    # Directors sign off their directorate's own returns and its services' plans.
    "returns:sign_off":        (403,  403,  200,  200,  200,  403,  403,  403,  SIGN_IN),
    "returns:import_run":      (200,  404,  404,  404,  404,  200,  200,  404,  SIGN_IN),
    "returns:cycles":          (403,  403,  403,  403,  403,  200,  200,  403,  SIGN_IN),
    "returns:cycle":           (403,  403,  403,  403,  403,  200,  200,  403,  SIGN_IN),
    "returns:return_statuses": (200,  404,  404,  404,  404,  200,  200,  404,  SIGN_IN),
    "scorecards:organisation": (200,  200,  200,  200,  200,  200,  200,  200,  SIGN_IN),
    "scorecards:ambition":     (200,  200,  200,  200,  200,  200,  200,  200,  SIGN_IN),
    "scorecards:outcome":      (200,  200,  200,  200,  200,  200,  200,  200,  SIGN_IN),
    "scorecards:directorate":  (200,  200,  200,  200,  200,  200,  200,  200,  SIGN_IN),
    "scorecards:service":      (200,  200,  200,  200,  200,  200,  200,  200,  SIGN_IN),
    "scorecards:committee":    (200,  200,  200,  200,  200,  200,  200,  200,  SIGN_IN),
    "scorecards:indicator":    (200,  200,  200,  200,  200,  200,  200,  200,  SIGN_IN),
    "audit:log":               (403,  403,  403,  403,  403,  403,  200,  403,  SIGN_IN),
    "audit:export":            (403,  403,  403,  403,  403,  403,  200,  403,  SIGN_IN),
    "accounts:account":        (200,  200,  200,  200,  200,  200,  200,  200,  SIGN_IN),
    "accounts:two_factor":     (200,  200,  200,  200,  200,  200,  200,  200,  SIGN_IN),
    "notices:list":            (200,  200,  200,  200,  200,  200,  200,  200,  SIGN_IN),
}
# fmt: on


# --- One helper performs a request and checks its outcome -----------------------------------


def database_state() -> dict:
    """What a refused request must leave exactly as it was."""
    return {
        "values": list(
            Value.objects.order_by("pk").values_list(
                "pk",
                "state",
                "figure",
                "commentary",
                "lock_version",
                "submitted_by",
                "approved_by",
            )
        ),
        "value revisions": ValueRevision.objects.count(),
        "evidence": list(Evidence.objects.order_by("pk").values_list("pk", "value", "size")),
        "cycles": list(
            ReportingCycle.objects.order_by("pk").values_list(
                "pk", "period", "state", "opened_by", "closed_by"
            )
        ),
        "cycle events": CycleEvent.objects.count(),
        "import runs": list(ImportRun.objects.order_by("pk").values_list("pk", "state")),
        "reminders sent": ReminderSent.objects.count(),
        "narratives": list(
            Narrative.objects.order_by("pk").values_list("pk", "going_well", "written_by")
        ),
        "audit entries": AuditEntry.objects.count(),
        "notices": list(Notice.objects.order_by("pk").values_list("pk", "read_at")),
        "emails sent": len(mail.outbox),
        "api tokens": list(ApiToken.objects.order_by("pk").values_list("pk", "revoked_at")),
    }


def body(response) -> bytes:
    """The response's bytes, also for a file download (read once, then kept)."""
    if not getattr(response, "streaming", False):
        return response.content
    if not hasattr(response, "read_body"):
        response.read_body = b"".join(response.streaming_content)
        response.close()
    return response.read_body


def request_and_check(client, person, request, expected, *, success=None, happened=None):
    """Make `request` (method, url, data) as `person` and check one cell of a table.

    With `expected == success` the request was allowed and `happened` proves the change.
    Otherwise (and always on pages that change nothing, with no `happened`) the database and
    the outbox must be exactly as before; a refusal must be the exact status, or SIGN_IN,
    and hand out no unapproved figure.
    """
    method, url, data = request
    sign_in(client, person)
    mail.outbox.clear()
    before = database_state()

    response = getattr(client, method)(url, data)

    if expected == SIGN_IN:
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login") + "?next=")
    else:
        assert response.status_code == expected
    if happened is not None and expected == success:
        if expected == 302:
            assert not response["Location"].startswith(reverse("login"))
        happened(response)
        return response
    assert database_state() == before
    assert mail.outbox == []
    if expected == SIGN_IN or expected >= 400:
        assert DRAFT_FIGURE.encode() not in body(response)
    return response


def cells(table, personas=PERSONAS) -> list:
    return [
        pytest.param(row, persona, expected, id=f"{row}-{persona}")
        for row, answers in table.items()
        for persona, expected in zip(personas, answers, strict=True)
    ]


@pytest.mark.parametrize(("change", "persona", "expected"), cells(MATRIX))
def test_state_change(client, town, change, persona, expected):
    step, person = STATE_CHANGES[change], town.personas[persona]

    request_and_check(
        client,
        person,
        step.request(town),
        expected,
        success=step.success,
        happened=lambda response: step.happened(town, person, response),
    )


@pytest.mark.parametrize(("page", "persona", "expected"), cells(READ_ONLY))
@pytest.mark.parametrize("method", ["get", "post"])
def test_read_only_page(client, town, page, persona, expected, method):
    posted = {"action": "close", "submit": "1"}  # words that change things elsewhere
    request = (method, READ_ONLY_URLS[page](town), posted)

    request_and_check(client, town.personas[persona], request, expected)


def test_an_inactive_officer_is_treated_as_a_member_of_the_public(client, town):
    officer = town.personas["officer"]
    officer.is_active = False
    officer.save(update_fields=["is_active"])

    for step in STATE_CHANGES.values():
        request_and_check(client, officer, step.request(town), SIGN_IN)


@pytest.mark.parametrize("persona", ["officer", "approver", "director", "councillor"])
def test_the_cycle_actions_refuse_before_reading_the_action(client, town, persona):
    request = ("post", reverse("returns:cycle_action", args=[town.cycle.pk]), {"action": "x"})

    request_and_check(client, town.personas[persona], request, 403)


def test_an_approver_cannot_sign_off_their_own_submission_on_the_page(client, town):
    manager = UserFactory(
        username="both", roles=[Role.DATA_OWNER, Role.APPROVER], units=[town.waste]
    )
    returns = Returns()
    returns.officer = manager
    theirs = returns.submitted(town.draft.indicator, "2026-27-Q2", "60")
    url = return_url(town, "service_sign_off")

    # Refused on the page it came from: a redirect back with a message, nothing changed.
    response = request_and_check(client, manager, ("post", url, decision(theirs, "approve")), 302)

    assert response["Location"] == url
    assert fresh(theirs).state == ValueState.SUBMITTED
    page = client.get(response["Location"]).content.decode()
    assert "You cannot sign off one of these figures." in page


# --- Internal audit reads, and changes nothing ----------------------------------------------

# An internal auditor gets what a councillor gets on every row of MATRIX and READ_ONLY, except
# the audit log's own pages. The one thing they change is their own: an API token, which reads
# no more than they do.
AUDITOR_ALSO_READS = {"audit:log", "audit:export"}
AUDITOR_OWN_CHANGES = {"make API token"}


@pytest.fixture
def auditor(town):
    return UserFactory(username="auditor", roles=[Role.AUDITOR])


def auditor_cells() -> list:
    councillor = PERSONAS.index("councillor")
    rows = {**MATRIX, **READ_ONLY}
    return [
        pytest.param(row, 200 if row in AUDITOR_ALSO_READS else answers[councillor], id=row)
        for row, answers in rows.items()
    ]


@pytest.mark.parametrize(("row", "expected"), auditor_cells())
def test_an_internal_auditor_reads_the_audit_log_and_changes_nothing(
    client, town, auditor, row, expected
):
    if row in STATE_CHANGES:
        step = STATE_CHANGES[row]
        happened = None
        if row in AUDITOR_OWN_CHANGES:
            happened = lambda response: step.happened(town, auditor, response)  # noqa: E731
        request_and_check(
            client,
            auditor,
            step.request(town),
            expected,
            success=step.success,
            happened=happened,
        )
    else:
        request = ("get", READ_ONLY_URLS[row](town), {})
        request_and_check(client, auditor, request, expected)


# --- Every URL is in a table ----------------------------------------------------------------


def url_names(namespace: str) -> set[str]:
    def walk(patterns, inside):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                yield from walk(pattern.url_patterns, inside or pattern.namespace == namespace)
            elif inside and pattern.name:
                yield f"{namespace}:{pattern.name}"

    return set(walk(get_resolver().url_patterns, False))


def test_every_url_is_in_a_permission_table():
    found = url_names("returns") | url_names("scorecards") | url_names("accounts")
    found |= url_names("audit") | url_names("notices")
    in_tables = {step.url_name for step in STATE_CHANGES.values()} | set(READ_ONLY)

    assert found - in_tables == set(), "add these views to MATRIX (or READ_ONLY) with a row"
    assert in_tables - found == set(), "these rows name views that no longer exist"
    assert set(MATRIX) == set(STATE_CHANGES)
    assert set(READ_ONLY) == set(READ_ONLY_URLS)


# Where each part of the product checks its pages person by person, in a table that fails when
# one of its URLs is left out. A new part of the product fails here until it has one.
TABLE_OF_NAMESPACE = {
    "returns": "goldenthread/tests/test_permission_matrix.py",
    "scorecards": "goldenthread/tests/test_permission_matrix.py",
    "accounts": "accounts/tests/test_pages.py",
    "audit": "goldenthread/tests/test_permission_matrix.py",
    "notices": "goldenthread/tests/test_permission_matrix.py",
    "reports": "reports/tests/test_pages.py",
    "framework": "framework/tests/test_*_permissions.py",
    "targets": "targets/tests/test_permission_table.py",
    "delivery": "delivery/tests/test_permission_table.py",
    "risks": "risks/tests/test_permission_table.py",
    "finance": "finance/tests/test_pages.py",
    "improvement": "improvement/tests/test_pages.py",
    "benchmarking": "benchmarking/tests/test_permission_table.py",
    "publishing": "publishing/tests/test_pages.py (no sign-in: released reports only)",
    "api-v1": "api/tests/test_embargo.py (public), api/tests/test_signed_in.py (tokens)",
    "admin": "goldenthread/tests/test_admin.py (per model and per role)",
}


def test_every_part_of_the_product_has_a_permission_table():
    namespaces = {
        pattern.namespace
        for pattern in get_resolver().url_patterns
        if isinstance(pattern, URLResolver) and pattern.namespace
    }
    assert namespaces == set(TABLE_OF_NAMESPACE), "give the new part a table, and name it here"


# --- Drafts never leak ----------------------------------------------------------------------

OUTSIDERS = ("councillor", "other_officer", "other_approver", "anonymous")
UNAPPROVED = (DRAFT_FIGURE, SUBMITTED_FIGURE, RETURNED_FIGURE)


def returns_url(name, *attributes):
    def url(town):
        return reverse(f"returns:{name}", args=[getattr(town, a) for a in attributes])

    return url


LEAK_URLS = {
    "organisation scorecard": scorecard("organisation"),
    "organisation scorecard as CSV": lambda town: (
        reverse("scorecards:organisation") + "?format=csv"
    ),
    "ambition scorecard": scorecard("ambition", "ambition"),
    "outcome scorecard": scorecard("outcome", "outcome"),
    "Place scorecard": scorecard("directorate", "place"),
    "Waste scorecard": scorecard("service", "waste"),
    "Waste scorecard as CSV": lambda town: (
        reverse("scorecards:service", args=["waste"]) + "?format=csv"
    ),
    "committee scorecard": scorecard("committee", "committee"),
    "indicator page of the draft": lambda town: indicator_url(town.draft),
    "indicator page of the submitted figure": lambda town: indicator_url(town.submitted),
    "indicator page of the signed-off figure": lambda town: indicator_url(town.signed_off),
    "my returns": returns_url("mine"),
    "sign-off queue": returns_url("sign_off"),
    "Waste's return": lambda town: return_url(town),
    "Waste's sign-off": lambda town: return_url(town, "service_sign_off"),
    "Waste's workbook": lambda town: return_url(town, "workbook"),
    "Waste's upload page": lambda town: return_url(town, "upload_workbook"),
    "value page of the draft": lambda town: value_url(town.draft),
    "value page of the submitted figure": lambda town: value_url(town.submitted),
    "value page of the signed-off figure": lambda town: value_url(town.signed_off),
    "evidence of the draft": lambda town: reverse("returns:evidence", args=[town.evidence.pk]),
    "Waste's import run": lambda town: reverse("returns:import_run", args=[town.import_run.pk]),
    "reporting cycles": returns_url("cycles"),
    "Q2 chasing view": lambda town: reverse("returns:cycle", args=[town.cycle.pk]),
}

# 200 pages marked SHOWN also show the signed-off figure: proof that figures do appear there.
SHOWN = "200, with the signed-off figure"

# fmt: off
LEAKS = {
    #                                           cllr   off2   appr2  anon
    "organisation scorecard":                  (SHOWN, SHOWN, SHOWN, SIGN_IN),
    "organisation scorecard as CSV":           (SHOWN, SHOWN, SHOWN, SIGN_IN),
    "ambition scorecard":                      (SHOWN, SHOWN, SHOWN, SIGN_IN),
    "outcome scorecard":                       (SHOWN, SHOWN, SHOWN, SIGN_IN),
    "Place scorecard":                         (SHOWN, SHOWN, SHOWN, SIGN_IN),
    "Waste scorecard":                         (SHOWN, SHOWN, SHOWN, SIGN_IN),
    "Waste scorecard as CSV":                  (SHOWN, SHOWN, SHOWN, SIGN_IN),
    "committee scorecard":                     (SHOWN, SHOWN, SHOWN, SIGN_IN),
    "indicator page of the draft":             (200,   200,   200,   SIGN_IN),
    "indicator page of the submitted figure":  (200,   200,   200,   SIGN_IN),
    "indicator page of the signed-off figure": (SHOWN, SHOWN, SHOWN, SIGN_IN),
    "my returns":                              (403,   200,   403,   SIGN_IN),
    "sign-off queue":                          (403,   403,   200,   SIGN_IN),
    "Waste's return":                          (404,   404,   404,   SIGN_IN),
    "Waste's sign-off":                        (404,   404,   404,   SIGN_IN),
    "Waste's workbook":                        (404,   404,   404,   SIGN_IN),
    "Waste's upload page":                     (404,   404,   404,   SIGN_IN),
    "value page of the draft":                 (404,   404,   404,   SIGN_IN),
    "value page of the submitted figure":      (404,   404,   404,   SIGN_IN),
    "value page of the signed-off figure":     (SHOWN, SHOWN, SHOWN, SIGN_IN),
    "evidence of the draft":                   (404,   404,   404,   SIGN_IN),
    "Waste's import run":                      (404,   404,   404,   SIGN_IN),
    "reporting cycles":                        (403,   403,   403,   SIGN_IN),
    "Q2 chasing view":                         (403,   403,   403,   SIGN_IN),
}
# fmt: on


@pytest.mark.parametrize(("page", "persona", "expected"), cells(LEAKS, OUTSIDERS))
def test_unapproved_figures_never_leak(client, town, page, persona, expected):
    request = ("get", LEAK_URLS[page](town), {})

    response = request_and_check(
        client, town.personas[persona], request, 200 if expected == SHOWN else expected
    )

    content = body(response).decode("utf-8", errors="replace")
    assert [figure for figure in UNAPPROVED if figure in content] == []
    if expected == SHOWN:
        assert SIGNED_OFF_FIGURE in content


def test_every_page_showing_figures_is_checked_for_leaks():
    assert set(LEAKS) == set(LEAK_URLS)


# The same pages do show the unapproved figures to the service's own officer: the leak test
# would see them if they were there.
@pytest.mark.parametrize(
    ("page", "figure"),
    [
        ("Waste's return", DRAFT_FIGURE),
        ("Waste's return", SUBMITTED_FIGURE),
        ("value page of the draft", DRAFT_FIGURE),
        ("value page of the submitted figure", SUBMITTED_FIGURE),
        ("evidence of the draft", DRAFT_FIGURE),
        ("value page of the signed-off figure", RETURNED_FIGURE),  # in its history
    ],
)
def test_the_service_officer_does_see_the_unapproved_figures(client, town, page, figure):
    client.force_login(town.personas["officer"])

    response = client.get(LEAK_URLS[page](town))

    assert response.status_code == 200
    assert figure in body(response).decode()
