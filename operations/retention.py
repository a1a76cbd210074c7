"""Removing uploaded files the council's retention rules no longer keep, recording each one;
never a file that is part of a published figure's history.

Part of a published figure's history, so never removed, whatever the rules say:

- evidence attached to a figure that is, or ever was, signed off or published (its state now,
  or any revision of it that was a sign-off, a publication or a revision after sign-off, or
  that left it signed off or published). A report holds only signed-off figures
  (`scorecards.readings`), so this covers every figure in a report, published or not;
- an import file any of whose figures is, or ever was, signed off or published (or whose
  figures cannot be found, to tell);
- the file of an import that has not finished.

Removed once past the council's days (`RetentionPolicy`; blank keeps forever):

- an uploaded import file, counted from its upload; the import's record stays, without it;
- evidence of a superseded or returned draft: evidence whose figure was never signed off and
  which, after the evidence was attached, was returned for correction or had its figure
  changed; counted from that moment. The evidence's row goes with its file; what it was, whose
  and why it went is kept in `RemovedFile`.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from indicators.models import SIGNED_OFF_STATES, RevisionAction, Value, ValueRevision
from operations.models import RemovedFile, RemovedFileKind, RetentionPolicy
from returns.imports import IMPORT_REASON
from returns.models import Evidence, ImportRun, ImportState

IMPORT_RULE = "Import files are kept {days} days"
EVIDENCE_RULE = "Evidence of superseded or returned drafts is kept {days} days"
FIGURE_FIELDS = ("figure", "numerator", "denominator", "not_available_reason")
SIGNED_OFF = [str(state) for state in SIGNED_OFF_STATES]


@dataclass(frozen=True)
class Removal:
    """A file the rules remove: what, and why."""

    kind: str
    object_id: int
    path: str
    original_name: str
    rule: str

    def __str__(self) -> str:
        return f"{RemovedFileKind(self.kind).label} {self.original_name} ({self.path}): {self.rule}"


def ever_signed_off() -> Q:
    """Figures that are, or ever were, signed off or published."""
    return (
        Q(state__in=SIGNED_OFF_STATES)
        | Q(revisions__action__in=[RevisionAction.APPROVED, RevisionAction.PUBLISHED])
        | Q(revisions__action=RevisionAction.REVISED)
        | Q(revisions__after__state__in=SIGNED_OFF)
    )


def _signed_off_ids(value_ids) -> set[int]:
    return set(
        Value.objects.filter(ever_signed_off(), pk__in=value_ids).values_list("pk", flat=True)
    )


# --- What the rules remove --------------------------------------------------------------------


def due_for_removal(*, now: datetime, policy: RetentionPolicy | None = None) -> list[Removal]:
    """Every file the council's rules remove at `now`."""
    policy = policy or RetentionPolicy.current()
    found = []
    if policy.keep_import_files_days is not None:
        found += _import_files(now - timedelta(days=policy.keep_import_files_days), policy)
    if policy.keep_draft_evidence_days is not None:
        found += _draft_evidence(now - timedelta(days=policy.keep_draft_evidence_days), policy)
    return found


def _import_files(cutoff: datetime, policy: RetentionPolicy) -> list[Removal]:
    rule = IMPORT_RULE.format(days=policy.keep_import_files_days)
    runs = (
        ImportRun.objects.filter(
            state__in=[ImportState.DONE, ImportState.FAILED], created_at__lte=cutoff
        )
        .exclude(file="")
        .order_by("pk")
    )
    return [
        Removal(RemovedFileKind.IMPORT_FILE, run.pk, run.file.name, run.original_name, rule)
        for run in runs
        if not _import_is_history(run)
    ]


def imported_values(run: ImportRun) -> set[int]:
    """The figures an import saved (its revisions: by its uploader, with its reason, while it
    ran). Two imports of one file name by one person at one time count as each other's."""
    if run.state != ImportState.DONE or not run.imported_rows:
        return set()
    return set(
        ValueRevision.objects.filter(
            reason=IMPORT_REASON.format(name=run.original_name),
            changed_by=run.uploaded_by_id,
            changed_at__gte=run.created_at,
            changed_at__lte=run.finished_at,
        ).values_list("value_id", flat=True)
    )


def _import_is_history(run: ImportRun) -> bool:
    if run.state not in (ImportState.DONE, ImportState.FAILED):
        return True
    if run.state == ImportState.FAILED or not run.imported_rows:
        return False  # nothing was imported from it
    saved = imported_values(run) if run.finished_at else set()
    # Figures saved but not found (renamed, or from before revisions named their file): kept.
    return not saved or bool(_signed_off_ids(saved))


def _draft_evidence(cutoff: datetime, policy: RetentionPolicy) -> list[Removal]:
    rule = EVIDENCE_RULE.format(days=policy.keep_draft_evidence_days)
    candidates = list(
        Evidence.objects.filter(uploaded_at__lte=cutoff)
        .exclude(value__in=Value.objects.filter(ever_signed_off()))
        .order_by("pk")
    )
    return [
        Removal(RemovedFileKind.EVIDENCE, e.pk, e.file.name, e.original_name, rule)
        for e in candidates
        if (moment := superseded_at(e)) is not None and moment <= cutoff
    ]


def superseded_at(evidence: Evidence) -> datetime | None:
    """When the draft the evidence supported stopped standing: returned for correction, or
    its figure changed, after the evidence was attached (None while it stands)."""
    revisions = ValueRevision.objects.filter(
        value_id=evidence.value_id, changed_at__gt=evidence.uploaded_at
    ).order_by("changed_at", "number")
    for revision in revisions:
        if revision.action == RevisionAction.RETURNED:
            return revision.changed_at
        before, after = revision.before or {}, revision.after or {}
        if any(before.get(name) != after.get(name) for name in FIGURE_FIELDS):
            return revision.changed_at
    return None


def _evidence_is_history(evidence: Evidence) -> bool:
    return bool(_signed_off_ids([evidence.value_id]))


# --- Removing ---------------------------------------------------------------------------------


def apply_retention(*, by: str, now: datetime | None = None) -> list[RemovedFile]:
    """Remove every file the rules remove, each in its own transaction with its record; the
    file itself goes once that is committed (a row never names a missing file)."""
    now = now or timezone.now()
    removed = []
    for removal in due_for_removal(now=now):
        record = _remove(removal, by=by, now=now)
        if record is not None:
            removed.append(record)
    return removed


@transaction.atomic
def _remove(removal: Removal, *, by: str, now: datetime) -> RemovedFile | None:
    if removal.kind == RemovedFileKind.EVIDENCE:
        evidence = Evidence.objects.select_for_update().filter(pk=removal.object_id).first()
        if evidence is None:
            return None
        # The figure locked, then checked again: not signed off since the list was made.
        Value.objects.select_for_update().filter(pk=evidence.value_id).first()
        if _evidence_is_history(evidence) or evidence.file.name != removal.path:
            return None
        record = _record(removal, evidence.file.name, by=by, now=now)
        record.value_id = evidence.value_id
        record.uploaded_by_id, record.uploaded_at = evidence.uploaded_by_id, evidence.uploaded_at
        record.size = record.size or evidence.size
        record.save()
        evidence.delete()
    else:
        run = ImportRun.objects.select_for_update().filter(pk=removal.object_id).first()
        if run is None or run.file.name != removal.path or _import_is_history(run):
            return None
        record = _record(removal, run.file.name, by=by, now=now)
        record.import_run = run
        record.uploaded_by_id, record.uploaded_at = run.uploaded_by_id, run.created_at
        record.save()
        ImportRun.objects.filter(pk=run.pk).update(file="")
    name = removal.path
    transaction.on_commit(lambda: default_storage.delete(name))
    return record


def _record(removal: Removal, name: str, *, by: str, now: datetime) -> RemovedFile:
    digest, size = hashlib.sha256(), 0
    try:
        with default_storage.open(name, "rb") as handle:
            while chunk := handle.read(1024 * 1024):
                digest.update(chunk)
                size += len(chunk)
        sha256 = digest.hexdigest()
    except FileNotFoundError:
        sha256 = ""
    return RemovedFile(
        kind=removal.kind,
        path=name[:255],
        original_name=removal.original_name[:255],
        size=size,
        sha256=sha256,
        rule=removal.rule[:200],
        removed_at=now,
        removed_by=by[:200],
    )
