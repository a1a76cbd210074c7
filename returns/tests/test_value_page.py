"""A figure's own page: every revision with who, when and why; evidence; revising."""

import io
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from indicators.models import CycleState, ValueState
from returns import evidence, validation
from returns.models import Evidence
from scorecards.tests.builders import Returns

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.7\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n"


@pytest.fixture
def signed_off(cycle, officer, approver, recycling):
    returns = Returns()
    returns.officer, returns.approver = officer, approver
    return returns.signed_off(recycling, cycle.period.code, "47", commentary="On the up")


def value_url(value):
    return reverse("returns:value", args=[value.pk])


def test_every_revision_is_listed_including_after_sign_off(client, signed_off, officer):
    client.force_login(officer)
    client.post(
        value_url(signed_off),
        {
            "revise": "1",
            "figure": "47.4",
            "commentary": "Corrected tonnage",
            "reason": "Contractor corrected September tonnage",
            "lock_version": signed_off.lock_version,
        },
    )

    page = client.get(value_url(signed_off)).content.decode()

    signed_off.refresh_from_db()
    assert signed_off.state == ValueState.SUBMITTED  # back for sign-off
    actions = list(signed_off.revisions.order_by("number").values_list("action", flat=True))
    assert actions == ["recorded", "submitted", "approved", "revised"]
    assert "Revised after sign-off" in page
    assert "Contractor corrected September tonnage" in page
    assert "47.0% → 47.4%" in page
    assert "Olu Adeyemi" in page and "Asha Patel" in page


def test_revising_needs_a_reason(client, signed_off, officer):
    client.force_login(officer)

    response = client.post(
        value_url(signed_off),
        {
            "revise": "1",
            "figure": "48",
            "reason": "",
            "lock_version": signed_off.lock_version,
        },
    )

    assert response.status_code == 400
    assert "Say why the signed-off figure is being changed" in response.content.decode()
    signed_off.refresh_from_db()
    assert signed_off.state == ValueState.APPROVED


def test_a_revised_figure_is_checked_like_the_return_form(client, signed_off, officer):
    client.force_login(officer)

    response = client.post(
        value_url(signed_off),
        {
            "revise": "1",
            "figure": "250",
            "reason": "Typed in the tonnage",
            "lock_version": signed_off.lock_version,
        },
    )

    assert response.status_code == 400
    message = validation.PERCENT_RANGE.format(title="Household waste recycled")
    assert message in response.content.decode()
    assert 'href="#id_figure"' in response.content.decode()
    signed_off.refresh_from_db()
    assert (signed_off.figure, signed_off.state) == (Decimal("47"), ValueState.APPROVED)


def test_a_revised_ratio_figure_is_changed_with_its_parts(client, signed_off, officer):
    """The recycling indicator has a numerator and a denominator: revising the figure alone
    would not match them, so the revision form asks for all three."""
    client.force_login(officer)
    revise = {
        "revise": "1",
        "figure": "48",
        "reason": "Contractor restated the tonnage",
        "lock_version": signed_off.lock_version,
    }

    mismatched = client.post(value_url(signed_off), {**revise, "numerator": "47"})
    done = client.post(value_url(signed_off), {**revise, "numerator": "48", "denominator": "100"})

    assert mismatched.status_code == 400
    assert done.status_code == 302
    signed_off.refresh_from_db()
    assert (signed_off.figure, signed_off.numerator, signed_off.denominator) == (48, 48, 100)
    assert signed_off.state == ValueState.SUBMITTED


def upload(client, value, name, content):
    return client.post(
        value_url(value),
        {
            "upload": "1",
            "description": "Contractor tonnage report",
            "file": SimpleUploadedFile(name, content),
        },
    )


def test_evidence_is_attached_and_downloadable_by_those_who_may_see_it(
    client, signed_off, officer, councillor
):
    client.force_login(officer)
    assert upload(client, signed_off, "tonnage.pdf", PDF).status_code == 302
    attached = Evidence.objects.get(value=signed_off)
    client.force_login(councillor)

    response = client.get(reverse("returns:evidence", args=[attached.pk]))

    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
    assert "tonnage.pdf" in response["Content-Disposition"]


def test_a_closed_cycle_locks_evidence_too(client, signed_off, officer, cycle):
    cycle.state = CycleState.CLOSED
    cycle.save()
    client.force_login(officer)

    page = client.get(value_url(signed_off)).content.decode()
    response = upload(client, signed_off, "tonnage.pdf", PDF)

    assert "Attach evidence</button>" not in page
    assert evidence.CYCLE_CLOSED.format(period="Q2 2026/27") in page
    assert response.status_code == 400
    assert evidence.CYCLE_CLOSED.format(period="Q2 2026/27") in response.content.decode()
    assert not Evidence.objects.exists()
    assert signed_off.revisions.count() == 3  # recorded, submitted, signed off: nothing new


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        (
            "tonnage.exe",
            b"MZ...",
            evidence.WRONG_TYPE.format(name="tonnage.exe", allowed=evidence.ALLOWED_NAMES),
        ),
        (
            "tonnage.pdf",
            b"not really a pdf",
            evidence.NOT_WHAT_IT_SAYS.format(name="tonnage.pdf", kind="PDF"),
        ),
        (
            "tonnage.xlsx",
            b"PK\x03\x04 broken",
            evidence.NOT_WHAT_IT_SAYS.format(name="tonnage.xlsx", kind="XLSX"),
        ),
    ],
)
def test_wrong_files_are_refused_with_a_clear_message(
    client, signed_off, officer, name, content, message
):
    client.force_login(officer)

    response = upload(client, signed_off, name, content)

    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Evidence.objects.exists()


def test_files_over_the_limit_are_refused(client, settings, signed_off, officer):
    settings.GOLDEN_THREAD_EVIDENCE_MAX_BYTES = 1024
    client.force_login(officer)

    response = upload(client, signed_off, "big.pdf", PDF + b"0" * 2048)

    assert evidence.TOO_BIG.format(name="big.pdf", size="2 KB", limit="1 KB") in (
        response.content.decode()
    )
    assert not Evidence.objects.exists()


def test_a_real_workbook_is_accepted(client, signed_off, officer):
    openpyxl = pytest.importorskip("openpyxl")
    book = openpyxl.Workbook()
    book.active["A1"] = "Tonnes"
    data = io.BytesIO()
    book.save(data)
    client.force_login(officer)

    assert upload(client, signed_off, "tonnage.xlsx", data.getvalue()).status_code == 302
    assert Evidence.objects.get().content_type.endswith("spreadsheetml.sheet")


def test_drafts_and_their_evidence_are_hidden_from_councillors(
    client, cycle, officer, recycling, councillor
):
    returns = Returns()
    returns.officer = officer
    draft = returns.draft(recycling, cycle.period.code, "47")
    client.force_login(officer)
    upload(client, draft, "tonnage.pdf", PDF)
    attached = Evidence.objects.get(value=draft)
    client.force_login(councillor)

    assert client.get(value_url(draft)).status_code == 404
    assert client.get(reverse("returns:evidence", args=[attached.pk])).status_code == 404


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        (
            {"figure": "1_000"},
            "Household waste recycled, figure: “1_000” is not a number. Enter a number like 92.5",
        ),
        (
            {"figure": "47", "commentary": "x" * 10_001},
            "Household waste recycled: the commentary is 10,001 characters long; the limit is "
            "10,000. Shorten it",
        ),
    ],
    ids=["python-number", "long-commentary"],
)
def test_a_revision_is_read_by_the_same_strict_rules_as_the_return(
    client, signed_off, officer, fields, message
):
    client.force_login(officer)

    response = client.post(
        value_url(signed_off),
        {
            "revise": "1",
            "reason": "Corrected",
            "lock_version": signed_off.lock_version,
            **fields,
        },
    )

    assert response.status_code == 400
    assert message in response.content.decode()
    signed_off.refresh_from_db()
    assert signed_off.state == ValueState.APPROVED
