"""`manage.py apply_retention`: uploaded files past the council's retention rules are removed and
each removal recorded; a file that is part of a published figure's history never is.

The Testshire personas' council (`organisation.tests.personas`): WST-01 a draft with an
evidence file, WST-02 submitted, WST-03 signed off after being returned once.
"""

import datetime
from decimal import Decimal
from io import StringIO
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from indicators.workflow import (
    approve_value,
    record_value,
    return_value,
    revise_value,
    submit_value,
)
from operations.models import RemovedFile, RemovedFileKind, RetentionPolicy
from operations.retention import apply_retention, due_for_removal
from organisation.tests.personas import OPEN_PERIOD, build_town
from returns.evidence import attach_evidence
from returns.imports import apply_import
from returns.models import Evidence, ImportKind, ImportRun, ImportState
from returns.tests.import_files import values_csv

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
DAY = datetime.timedelta(days=1)
BY = "manage.py apply_retention, run by golden-thread"


@pytest.fixture
def town():
    return build_town()


def rules(*, imports: int | None = None, evidence: int | None = None) -> RetentionPolicy:
    return RetentionPolicy.objects.create(
        pk=1, keep_import_files_days=imports, keep_draft_evidence_days=evidence
    )


def attach(town, value, name="source.pdf") -> Evidence:
    return attach_evidence(
        value=value, upload=SimpleUploadedFile(name, PDF), by=town.person("officer")
    )


def stored(settings, evidence_or_run) -> bool:
    name = evidence_or_run.file.name
    return bool(name) and (Path(settings.MEDIA_ROOT) / name).exists()


def retain(now, django_capture_on_commit_callbacks) -> list[RemovedFile]:
    with django_capture_on_commit_callbacks(execute=True):  # the files go once committed
        return apply_retention(by=BY, now=now)


# Evidence


def test_evidence_of_a_returned_draft_goes_after_the_councils_days_and_is_recorded(
    town, settings, django_capture_on_commit_callbacks
):
    evidence = attach(town, town.submitted)
    returned = return_value(
        value=town.submitted, by=town.person("approver"), reason="The tonnage is for August"
    )
    returned_at = returned.revisions.get(action="returned").changed_at
    rules(evidence=30)
    path = evidence.file.name

    assert retain(returned_at + 29 * DAY, django_capture_on_commit_callbacks) == []
    removed = retain(returned_at + 31 * DAY, django_capture_on_commit_callbacks)

    assert [(r.kind, r.path, r.original_name, r.value_id) for r in removed] == [
        (RemovedFileKind.EVIDENCE, path, "source.pdf", town.submitted.pk)
    ]
    record = RemovedFile.objects.get()
    assert record.rule == "Evidence of superseded or returned drafts is kept 30 days"
    assert record.removed_by == BY and record.removed_at == returned_at + 31 * DAY
    assert record.uploaded_by == town.person("officer") and record.size == len(PDF)
    assert len(record.sha256) == 64
    assert not Evidence.objects.filter(pk=evidence.pk).exists()
    assert not (Path(settings.MEDIA_ROOT) / path).exists()
    assert stored(settings, town.evidence)  # the draft still standing keeps its evidence


def test_evidence_of_a_draft_whose_figure_changed_goes_counted_from_the_change(
    town, settings, django_capture_on_commit_callbacks
):
    changed = record_value(
        indicator=town.draft.indicator,
        period=town.draft.period,
        entries={"figure": Decimal("63.1")},
        by=town.person("officer"),
    )
    changed_at = changed.revisions.order_by("-number").first().changed_at
    rules(evidence=10)

    assert retain(changed_at + 9 * DAY, django_capture_on_commit_callbacks) == []
    removed = retain(changed_at + 11 * DAY, django_capture_on_commit_callbacks)

    assert [r.path for r in removed] == [town.evidence.file.name]


def test_evidence_of_a_figure_ever_signed_off_is_never_removed(
    town, settings, django_capture_on_commit_callbacks
):
    """WST-03 was signed off, then revised and returned: a draft again, with its figure
    changed and returned after its evidence was attached. But the evidence is part of the
    history of a figure that was signed off (and could be in a report), so it stays, whatever
    the rules say; the same for evidence of a figure signed off now."""
    history = attach(town, town.signed_off, "signed-off-source.pdf")
    officer, approver = town.person("officer"), town.person("approver")
    revised = revise_value(
        value=town.signed_off,
        entries={"figure": Decimal("48.1")},
        by=officer,
        reason="Corrected tonnage",
    )
    return_value(value=revised, by=approver, reason="Check the correction")
    current = attach(town, town.submitted, "approved-source.pdf")
    approve_value(value=town.submitted, by=approver)  # signed off now
    rules(evidence=0, imports=0)

    removed = retain(timezone.now() + 3650 * DAY, django_capture_on_commit_callbacks)

    assert removed == [] and RemovedFile.objects.count() == 0
    assert (
        stored(settings, history) and stored(settings, current) and stored(settings, town.evidence)
    )


def test_a_dry_run_lists_what_would_go_and_removes_nothing(town, settings):
    evidence = attach(town, town.submitted)
    return_value(value=town.submitted, by=town.person("approver"), reason="Wrong month")
    town.submitted.revisions.update(changed_at=timezone.now() - 40 * DAY)
    Evidence.objects.filter(pk=evidence.pk).update(uploaded_at=timezone.now() - 41 * DAY)
    rules(evidence=30)
    out = StringIO()

    call_command("apply_retention", "--dry-run", stdout=out)

    assert out.getvalue() == (
        f"  would remove Evidence file source.pdf ({evidence.file.name}): Evidence of "
        "superseded or returned drafts is kept 30 days\n"
        "Dry run: 1 file(s) would be removed; none was.\n"
    )
    assert stored(settings, evidence) and RemovedFile.objects.count() == 0

    call_command("apply_retention", stdout=out)

    assert not Evidence.objects.filter(pk=evidence.pk).exists()
    assert "Removed 1 file(s) past the retention rules" in out.getvalue()
    assert RemovedFile.objects.get().removed_by.startswith("manage.py apply_retention, run by ")


def test_with_no_rules_every_file_is_kept(town, settings):
    out = StringIO()

    call_command("apply_retention", stdout=out)

    assert out.getvalue() == "No retention rules are set: every file is kept.\n"
    assert due_for_removal(now=timezone.now() + 3650 * DAY) == []


# Import files


def imported_csv(town, rows: list[dict], *, name="q2.csv") -> ImportRun:
    run = ImportRun.objects.create(
        kind=ImportKind.CSV,
        file=ContentFile(values_csv(rows), name=name),
        original_name=name,
        uploaded_by=town.person("performance"),
        created_at=timezone.now(),
    )
    return apply_import(run)


def test_an_import_file_goes_after_the_councils_days_but_never_one_whose_figures_were_signed_off(
    town, settings, django_capture_on_commit_callbacks
):
    rejected = imported_csv(
        town, [{"indicator_code": "XYZ-99", "period": OPEN_PERIOD, "figure": "5"}]
    )
    drafts = imported_csv(
        town, [{"indicator_code": "PRK-01", "period": OPEN_PERIOD, "figure": "4"}], name="a.csv"
    )
    published = imported_csv(
        town, [{"indicator_code": "LIB-01", "period": OPEN_PERIOD, "figure": "9"}], name="b.csv"
    )
    assert [rejected.state, drafts.state, published.state] == ["failed", "done", "done"]
    library = town.cycle.period.values.get(indicator__code="LIB-01")
    submitted = submit_value(value=library, by=town.person("performance"))
    approve_value(value=submitted, by=town.person("admin"))  # b.csv's figure, signed off
    waiting = ImportRun.objects.create(
        kind=ImportKind.CSV,
        file=ContentFile(b"indicator_code\n", name="waiting.csv"),
        original_name="waiting.csv",
        state=ImportState.QUEUED,
        created_at=timezone.now() - 400 * DAY,
    )
    rules(imports=90)
    paths = {run.pk: run.file.name for run in (rejected, drafts, published, waiting)}

    removed = retain(timezone.now() + 91 * DAY, django_capture_on_commit_callbacks)

    assert sorted(r.import_run_id for r in removed) == sorted([rejected.pk, drafts.pk])
    assert {r.rule for r in removed} == {"Import files are kept 90 days"}
    for run in (rejected, drafts):
        run.refresh_from_db()
        assert run.file.name == "" and run.state in (ImportState.FAILED, ImportState.DONE)
        assert not (Path(settings.MEDIA_ROOT) / paths[run.pk]).exists()
    assert stored(settings, published) and stored(settings, waiting)


# The rules, set in the admin


def test_the_council_sets_its_rules_once_in_the_admin(client, town):
    admin = town.person("admin")
    client.force_login(admin)

    added = client.post(
        reverse("admin:operations_retentionpolicy_add"),
        {"keep_import_files_days": "90", "keep_draft_evidence_days": ""},
    )

    assert added.status_code == 302, added.content.decode()[:2000]
    policy = RetentionPolicy.current()
    assert (policy.keep_import_files_days, policy.keep_draft_evidence_days) == (90, None)
    assert policy.changed_by == admin
    assert client.get(reverse("admin:operations_retentionpolicy_add")).status_code == 403
    assert client.get(reverse("admin:operations_retentionpolicy_delete", args=[1])).status_code in (
        302,
        403,
    )
