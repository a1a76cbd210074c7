"""The one workflow every return goes through: record, submit, return with a reason, sign off,
revise after sign-off.

Each step is one transaction that locks the return, checks the caller's copy is current
(optimistic locking through `lock_version`) and writes a revision. What differs between an
indicator's figure, a project update or a risk review is described once, as a `ReturnKind`:
its words, the fields an officer enters, the checks on them and who is told what. The domain
apps' own functions (`indicators.workflow.submit_value`, `delivery.workflow.submit_update`…)
are thin wrappers that pass their kind; pages, imports and the API call those.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from django.db import models
from django.utils import timezone

from indicators.models import CycleState, Period, ReportingCycle
from organisation.models import OrgUnit
from signoff.models import EDITABLE_STATES, Returnable, ReturnState, Revision, RevisionAction

# Templates: {noun} "figure", {nouns} "figures"; each kind's wrappers format the rest.
STALE = (
    "Someone else changed this {noun} since you opened it. "
    "Your change was not saved; reload to see their version."
)
NOT_EDITABLE = "This {noun} is {state} and cannot be edited; revise it with a reason instead"
REASON_REQUIRED = "Give a reason"
CANNOT_SUBMIT = "Only a draft or returned {noun} can be submitted"
CANNOT_DECIDE = "Only a submitted {noun} can be signed off or returned"
OWN_SUBMISSION = "You cannot sign off a {noun} you submitted"
NOT_SIGNED_OFF = "Only a signed-off {noun} can be revised"
CYCLE_CLOSED = (
    "The reporting cycle for {period} is closed, so its {nouns} are locked. "
    "Ask the performance team to reopen it"
)


class WorkflowError(ValueError):
    pass


STALE_BY = (
    "{name} changed this {noun} ({what}) at {time}, after you opened it. Your change was not "
    "saved: the page now shows their version, so check it and enter yours again."
)


class StaleError(WorkflowError):
    """Someone else changed the return since the caller read it; `last` is their revision."""

    def __init__(self, message: str, *, noun: str = "return", last: Revision | None = None):
        super().__init__(message)
        self.noun = noun
        self.last = last

    @property
    def changed_fields(self) -> list[str]:
        """The tracked fields the other person's change touched, in the return's order."""
        if self.last is None:
            return []
        before, after = self.last.before or {}, self.last.after or {}
        return [name for name in after if before.get(name) != after.get(name)]

    def named(self, words: dict[str, str] | None = None) -> str:
        """The refusal naming who changed what and when, e.g. "Priya Shah changed this risk
        review (the current score) at 14:05 on 3 December, after you opened it…"."""
        if self.last is None:
            return str(self)
        who = self.last.changed_by
        words = words or {}
        what = [words.get(name, name.replace("_", " ")) for name in self.changed_fields]
        return STALE_BY.format(
            name=(who.get_full_name() or who.get_username()) if who else "Someone",
            noun=self.noun,
            what=", ".join(dict.fromkeys(what)) or "its version",
            time=timezone.localtime(self.last.changed_at).strftime("%H:%M on %-d %B"),
        )


class InvalidEntry(WorkflowError):
    """The entries break the kind's rules: `problems` maps each field to its message."""

    def __init__(self, problems: dict[str, str]):
        self.problems = problems
        super().__init__(" ".join(problems.values()))


def refusal(error: WorkflowError, words: dict[str, str] | None = None) -> str:
    """What a page says of a refused change: a stale save names who changed what and when."""
    return error.named(words) if isinstance(error, StaleError) else str(error)


def _no_problems(*_args) -> dict[str, str]:
    return {}


def _nothing(*_args, **_kwargs) -> None:
    return None


@dataclass(frozen=True)
class About:
    """A return in words, for the notices its submission and return make."""

    title: str  # "SR-07 Depot fire: review of 15 October 2026"
    unit: OrgUnit  # whose return it is: its sign-off is the unit's
    link: str  # where to act on it, a path on this site
    numbers: tuple = ()  # what a reason quoted back in a notice must not carry
    deciders: tuple | None = None  # who signs it off, where not the unit's (plans: directors)


@dataclass(frozen=True)
class ReturnKind:
    """What the workflow needs to know about one kind of return."""

    noun: str  # "figure", "project update": the word in every message
    nouns: str
    model: type[Returnable]
    revision_model: type[Revision]
    revision_of: str  # the revision's foreign key to its return, e.g. "value"
    entry_fields: tuple[str, ...]  # what an officer may enter
    # Problems with the typed entries alone (e.g. a number with too many places).
    entry_problems: Callable[[dict], dict[str, str]] = _no_problems
    # Problems with the whole return as it would be saved; `submitting` asks for completeness.
    problems: Callable[[Returnable, bool], dict[str, str]] = _no_problems
    # The return's reporting period, whose closed cycle locks it; None: never locked by a cycle.
    period_of: Callable[[Returnable], Period | None] = _nothing
    # Who is told: called inside the transaction, after the change is saved.
    on_returned: Callable[..., None] = _nothing  # (item, by, reason)
    on_approved: Callable[..., None] = _nothing  # (item, by)
    on_revised: Callable[..., None] = _nothing  # (item, by, reason)
    select_related: tuple[str, ...] = field(default=())
    # The return in words for the generic notices (submitted, sent back, revised); None: the
    # kind tells people itself (figures are told in batches, one notice per submission).
    about: Callable[[Returnable], About] | None = None

    def says(self, template: str, **values) -> str:
        return template.format(noun=self.noun, nouns=self.nouns, **values)


def is_locked(period: Period | None) -> bool:
    """Whether a closed reporting cycle locks the period's returns (and their evidence)."""
    if period is None:
        return False
    return ReportingCycle.objects.filter(period=period, state=CycleState.CLOSED).exists()


def check_open(kind: ReturnKind, period: Period | None) -> None:
    if is_locked(period):
        raise WorkflowError(kind.says(CYCLE_CLOSED, period=period.label))


def _check(kind: ReturnKind, item: Returnable, *, submitting: bool) -> None:
    """Every path that changes a return (form, revision, import, API) passes here."""
    problems = kind.problems(item, submitting)
    if problems:
        raise InvalidEntry(problems)


def _write_revision(
    kind: ReturnKind, item, *, action, before, by, reason: str, at, first=False
) -> Revision:
    """The next revision of `item`; `first`: of an item saved just now, which has none."""
    number = 1
    if not first:
        revisions = kind.revision_model.objects.filter(**{kind.revision_of: item})
        number = (revisions.order_by("-number").values_list("number", flat=True).first() or 0) + 1
    return kind.revision_model.objects.create(
        **{kind.revision_of: item},
        number=number,
        action=action,
        before=before,
        after=item.snapshot(),
        reason=reason,
        changed_by=by,
        changed_at=at,
    )


def _locked(kind: ReturnKind, item, expected_version: int | None, *, signing_off=False):
    current = (
        kind.model.objects.select_for_update().select_related(*kind.select_related).get(pk=item.pk)
    )
    # A return submitted before its cycle closed can still be signed off: nothing else.
    if not (signing_off and current.state == ReturnState.SUBMITTED):
        check_open(kind, kind.period_of(current))
    if expected_version is not None and current.lock_version != expected_version:
        last = revisions_of(kind, current).select_related("changed_by").last()
        raise StaleError(kind.says(STALE), noun=kind.noun, last=last)
    return current


def _apply(kind: ReturnKind, item, entries: dict) -> list[str]:
    unknown = set(entries) - set(kind.entry_fields)
    if unknown:
        raise WorkflowError(f"Unknown fields: {', '.join(sorted(unknown))}")
    problems = kind.entry_problems(entries)
    if problems:
        raise WorkflowError(" ".join(problems.values()))
    changed = []
    for name, new in entries.items():
        if getattr(item, name) != new:
            setattr(item, name, new)
            changed.append(name)
    return changed


def create(
    kind: ReturnKind, *, item: Returnable, entries: dict, by, reason: str = "", imported=False
) -> Returnable:
    """Save a new draft: `item` is unsaved, with what identifies it (its indicator or
    project, its period) already set. Call inside a transaction."""
    check_open(kind, kind.period_of(item))
    now = timezone.now()
    item.entered_by, item.entered_at, item.updated_at = by, now, now
    _apply(kind, item, entries)
    _check(kind, item, submitting=False)
    item.save()
    action = RevisionAction.IMPORTED if imported else RevisionAction.RECORDED
    _write_revision(
        kind, item, action=action, before=None, by=by, reason=reason, at=now, first=True
    )
    return item


def edit(
    kind: ReturnKind,
    *,
    item: Returnable,
    entries: dict,
    by,
    expected_version: int | None = None,
    reason: str = "",
    imported: bool = False,
) -> Returnable:
    """Change a draft or returned return's entries; nothing changed writes nothing."""
    item = _locked(kind, item, expected_version)
    if item.state not in EDITABLE_STATES:
        raise WorkflowError(kind.says(NOT_EDITABLE, state=item.get_state_display().lower()))
    before = item.snapshot()
    changed = _apply(kind, item, entries)
    if not changed:
        return item
    _check(kind, item, submitting=False)
    now = timezone.now()
    item.lock_version += 1
    item.updated_at = now
    item.save(update_fields=[*changed, "lock_version", "updated_at"])
    action = RevisionAction.IMPORTED if imported else RevisionAction.EDITED
    _write_revision(kind, item, action=action, before=before, by=by, reason=reason, at=now)
    return item


def _tell(kind: ReturnKind, event: str, item: Returnable, *, by, reason: str = "") -> None:
    if kind.about is None:
        return
    from notices.sending import notify_return  # notices reads reports, which read this

    notify_return(event, noun=kind.noun, about=kind.about(item), item=item, by=by, reason=reason)


def _decided(item: Returnable) -> None:
    """The "to sign off" notices about the item are done once it is decided."""
    from notices.inbox import mark_decided  # notices reads reports, which read this

    mark_decided(item)


def _transition(kind, item, *, state, action, by, reason, at, extra_fields=()) -> Returnable:
    before = item.snapshot()
    item.state = state
    item.lock_version += 1
    item.updated_at = at
    item.save(update_fields=["state", "lock_version", "updated_at", *extra_fields])
    _write_revision(kind, item, action=action, before=before, by=by, reason=reason, at=at)
    return item


def submit(
    kind: ReturnKind, *, item: Returnable, by, expected_version: int | None = None
) -> Returnable:
    """Send a draft or returned return for sign-off. Call inside a transaction."""
    item = _locked(kind, item, expected_version)
    if item.state not in EDITABLE_STATES:
        raise WorkflowError(kind.says(CANNOT_SUBMIT))
    _check(kind, item, submitting=True)
    now = timezone.now()
    item.submitted_by, item.submitted_at = by, now
    submitted = _transition(
        kind,
        item,
        state=ReturnState.SUBMITTED,
        action=RevisionAction.SUBMITTED,
        by=by,
        reason="",
        at=now,
        extra_fields=("submitted_by", "submitted_at"),
    )
    _tell(kind, "submitted", submitted, by=by)
    return submitted


def send_back(
    kind: ReturnKind, *, item: Returnable, by, reason: str, expected_version: int | None = None
) -> Returnable:
    """Return a submitted return for correction, with the reason its owner will read."""
    item = _locked(kind, item, expected_version)
    if item.state != ReturnState.SUBMITTED:
        raise WorkflowError(kind.says(CANNOT_DECIDE))
    if not reason.strip():
        raise WorkflowError(REASON_REQUIRED)
    returned = _transition(
        kind,
        item,
        state=ReturnState.RETURNED,
        action=RevisionAction.RETURNED,
        by=by,
        reason=reason,
        at=timezone.now(),
    )
    kind.on_returned(returned, by=by, reason=reason)
    _tell(kind, "sent_back", returned, by=by, reason=reason)
    _decided(returned)
    return returned


def sign_off(
    kind: ReturnKind, *, item: Returnable, by, expected_version: int | None = None
) -> Returnable:
    """Sign off a submitted return; nobody signs off their own submission."""
    item = _locked(kind, item, expected_version, signing_off=True)
    if item.state != ReturnState.SUBMITTED:
        raise WorkflowError(kind.says(CANNOT_DECIDE))
    if by is not None and item.submitted_by_id == by.pk:
        raise WorkflowError(kind.says(OWN_SUBMISSION))
    now = timezone.now()
    item.approved_by, item.approved_at = by, now
    approved = _transition(
        kind,
        item,
        state=ReturnState.APPROVED,
        action=RevisionAction.APPROVED,
        by=by,
        reason="",
        at=now,
        extra_fields=("approved_by", "approved_at"),
    )
    kind.on_approved(approved, by=by)
    _decided(approved)
    return approved


def revise(
    kind: ReturnKind,
    *,
    item: Returnable,
    entries: dict,
    by,
    reason: str,
    expected_version: int | None = None,
) -> Returnable:
    """Change a signed-off return: needs a reason, and sends it for sign-off again."""
    item = _locked(kind, item, expected_version)
    if not item.is_signed_off:
        raise WorkflowError(kind.says(NOT_SIGNED_OFF))
    if not reason.strip():
        raise WorkflowError(REASON_REQUIRED)
    now = timezone.now()
    before = item.snapshot()
    changed = _apply(kind, item, entries)
    _check(kind, item, submitting=True)
    item.state = ReturnState.SUBMITTED
    item.submitted_by, item.submitted_at = by, now
    item.approved_by, item.approved_at = None, None
    item.lock_version += 1
    item.updated_at = now
    item.save(
        update_fields=[
            *changed,
            "state",
            "submitted_by",
            "submitted_at",
            "approved_by",
            "approved_at",
            "lock_version",
            "updated_at",
        ]
    )
    _write_revision(
        kind, item, action=RevisionAction.REVISED, before=before, by=by, reason=reason, at=now
    )
    kind.on_revised(item, by=by, reason=reason)
    _tell(kind, "revised", item, by=by, reason=reason)
    return item


def revisions_of(kind: ReturnKind, item: Returnable) -> models.QuerySet:
    """The return's kept revisions, oldest first."""
    return kind.revision_model.objects.filter(**{kind.revision_of: item}).order_by("number")
