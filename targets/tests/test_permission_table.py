"""Every targets URL against every persona: the exact answer, and a refused request (or a
page that changes nothing) leaves the database exactly as it was.

Columns, in `PERSONAS` order: off, off2 = the data owners of Waste and of Parks; appr, appr2 =
their approvers; dir = the director of Place (Waste and Parks); perf = the performance team;
admin = a superuser; cllr = a councillor; anon = a member of the public, not signed in. Rows
act on 2027/28, which has not started, and on WST-01 (Waste, in Place) unless they say.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from audit.models import AuditEntry
from goldenthread.tests.test_permission_matrix import url_names
from indicators.models import Indicator, Period, Target
from indicators.periods import ensure_periods
from organisation.tests.permission_tables import SIGN_IN, cells, checked_by
from organisation.tests.personas import Town, build_town, freeze_today
from targets.models import TargetEvent, TargetState, YearTarget
from targets.queries import indicators_in_scope, year_rows
from targets.workbooks import TARGETS_SHEET, targets_workbook
from targets.workflow import Setting, propose_targets, set_targets

pytestmark = pytest.mark.django_db

YEAR = "2027-28"


@pytest.fixture
def town(monkeypatch) -> Town:
    freeze_today(monkeypatch)
    ensure_periods(first_year=2027, last_year=2027)
    return build_town()


def year() -> Period:
    return Period.objects.get(kind="financial_year", code=YEAR)


def indicator(code="WST-01") -> Indicator:
    return Indicator.objects.get(code=code)


def url(name: str, *args) -> str:
    return reverse(f"targets:{name}", args=[YEAR, *args])


def drafted(town, code="WST-01"):
    return set_targets(
        year=year(),
        settings=[Setting(indicator=indicator(code), annual=Decimal(50))],
        by=town.person("performance"),
    )


def proposed(town, code="WST-01"):
    propose_targets(targets=drafted(town, code), by=town.person("performance"))


def workbook_with_a_target(town):
    rows = year_rows(
        indicators_in_scope(town.person("performance")),
        year(),
        today=timezone.localdate(),
        council=town.council,
    )
    book = load_workbook(io.BytesIO(targets_workbook(year(), rows)))
    sheet = book[TARGETS_SHEET]
    annual = next(c.column for c in sheet[1] if c.value == "Annual target")
    codes = [sheet.cell(row=r, column=1).value for r in range(2, sheet.max_row + 1)]
    sheet.cell(row=codes.index("WST-01") + 2, column=annual).value = 50
    out = io.BytesIO()
    book.save(out)
    return SimpleUploadedFile("targets.xlsx", out.getvalue())


def target_of(code="WST-01") -> YearTarget:
    return YearTarget.objects.get(indicator__code=code)


@dataclass(frozen=True)
class Change:
    url_name: str
    success: int
    prepare: Callable[[Town], None]
    request: Callable[[Town], tuple[str, str, dict]]
    happened: Callable[[Town, object], None]


def nothing(town):
    pass


def set_happened(town, user):
    target = target_of()
    assert (target.annual, target.state, target.set_by) == (Decimal(50), "draft", user)


def propose_happened(town, user):
    assert (target_of().state, target_of().proposed_by) == (TargetState.PROPOSED, user)


def agree_happened(town, user):
    assert (target_of().state, target_of().decided_by) == (TargetState.AGREED, user)
    assert Target.objects.filter(indicator__code="WST-01", period__code=YEAR).exists()


def return_happened(town, user):
    assert (target_of().state, target_of().return_reason) == (TargetState.RETURNED, "Too low")


CHANGES = {
    "set targets": Change(
        "targets:set",
        302,
        nothing,
        lambda town: (
            "post",
            url("set"),
            {
                "indicator": "WST-01",
                "step": "save",
                "profile": "even",
                f"annual-{indicator().pk}": "50",
            },
        ),
        set_happened,
    ),
    "propose targets": Change(
        "targets:propose",
        302,
        drafted,
        lambda town: ("post", url("propose"), {"indicator": "WST-01"}),
        propose_happened,
    ),
    "agree targets": Change(
        "targets:agree",
        302,
        proposed,
        lambda town: ("post", url("agree"), {"indicator": "WST-01"}),
        agree_happened,
    ),
    "agree another directorate's": Change(
        "targets:agree",
        302,
        lambda town: proposed(town, "LIB-01"),
        lambda town: ("post", url("agree"), {"indicator": "LIB-01"}),
        lambda town, user: None,
    ),
    "return targets": Change(
        "targets:return",
        302,
        proposed,
        lambda town: (
            "post",
            url("return"),
            {"indicator": "WST-01", "step": "save", "reason": "Too low"},
        ),
        return_happened,
    ),
    "upload workbook": Change(
        "targets:upload",
        302,
        nothing,
        lambda town: ("post", url("upload"), {"file": workbook_with_a_target(town)}),
        set_happened,
    ),
}

MATRIX = {
    #                               off   off2  appr  appr2 dir   perf  admin cllr  anon
    "set targets":                 (403,  403,  403,  403,  403,  302,  302,  403,  SIGN_IN),
    "propose targets":             (403,  403,  403,  403,  403,  302,  302,  403,  SIGN_IN),
    "agree targets":               (403,  403,  403,  403,  302,  403,  403,  403,  SIGN_IN),
    "agree another directorate's": (403,  403,  403,  403,  404,  403,  403,  403,  SIGN_IN),
    "return targets":              (403,  403,  403,  403,  302,  403,  403,  403,  SIGN_IN),
    "upload workbook":             (403,  403,  403,  403,  403,  302,  302,  403,  SIGN_IN),
}  # fmt: skip

# Pages that change nothing, whatever is posted to them.
READ_ONLY_URLS = {
    "targets:index": lambda: reverse("targets:index"),
    "targets:year": lambda: url("year"),
    "targets:indicator": lambda: url("indicator", "WST-01"),
    "targets:download": lambda: url("download"),
}
READ_ONLY = {
    #                         off   off2  appr  appr2 dir   perf  admin cllr  anon
    "targets:index":         (403,  403,  403,  403,  200,  200,  200,  403,  SIGN_IN),
    "targets:year":          (403,  403,  403,  403,  200,  200,  200,  403,  SIGN_IN),
    "targets:indicator":     (403,  403,  403,  403,  200,  200,  200,  403,  SIGN_IN),
    "targets:download":      (403,  403,  403,  403,  200,  200,  200,  403,  SIGN_IN),
}  # fmt: skip


def database_state() -> dict:
    return {
        "year targets": list(
            YearTarget.objects.order_by("pk").values_list(
                "indicator__code", "state", "annual", "lock_version", "return_reason"
            )
        ),
        "events": TargetEvent.objects.count(),
        "targets": list(Target.objects.order_by("pk").values_list("indicator", "period", "value")),
        "audit entries": AuditEntry.objects.count(),
    }


request_and_check = checked_by(database_state)


@pytest.mark.parametrize(("change", "persona", "expected"), cells(MATRIX))
def test_state_change(client, town, change, persona, expected):
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


def test_agreeing_another_directorates_targets_changes_nothing(client, town):
    proposed(town, "LIB-01")
    request_and_check(
        client, town.person("director"), ("post", url("agree"), {"indicator": "LIB-01"}), 404
    )
    assert target_of("LIB-01").state == TargetState.PROPOSED


@pytest.mark.parametrize(("page", "persona", "expected"), cells(READ_ONLY))
@pytest.mark.parametrize("method", ["get", "post"])
def test_read_only_page(client, town, page, persona, expected, method):
    drafted(town)
    posted = {"indicator": "WST-01", "step": "save", "profile": "even"}
    request_and_check(
        client, town.personas[persona], (method, READ_ONLY_URLS[page](), posted), expected
    )


def test_every_url_is_in_the_permission_table():
    in_tables = {step.url_name for step in CHANGES.values()} | set(READ_ONLY)
    assert url_names("targets") == in_tables
    assert set(MATRIX) == set(CHANGES)
    assert set(READ_ONLY) == set(READ_ONLY_URLS)
