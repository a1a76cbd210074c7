"""A person's own notices: reading them, and choosing which kinds come by email."""

from __future__ import annotations

from collections import defaultdict

from django.apps import apps
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from notices.models import Notice, NoticeKind, NoticePreference
from notices.sending import decision_name
from signoff.models import ReturnState
from targets.models import TargetState


def mark_read(*, notice: Notice, by) -> Notice:
    """Mark one of the person's own notices read (one already read keeps its time)."""
    if notice.recipient_id != by.pk:
        raise PermissionDenied
    if notice.read_at is None:
        now = timezone.now()
        Notice.objects.filter(pk=notice.pk, read_at__isnull=True).update(read_at=now)
        notice.read_at = now
    return notice


def mark_all_read(*, by) -> int:
    """Mark every unread notice of the person read; returns how many."""
    return Notice.objects.filter(recipient=by, read_at__isnull=True).update(read_at=timezone.now())


def mark_decided(*items) -> int:
    """Mark read, for everyone it told, each "to sign off" or "to agree" notice naming one of
    `items` once nothing it names still waits for a decision (whoever decided): what it asked
    is done. Returns how many."""
    if not items:
        return 0
    named = Q()
    for item in items:
        named |= Q(decides__contains=f" {decision_name(item)} ")
    waiting = list(Notice.objects.filter(named, read_at__isnull=True).only("pk", "decides"))
    still = _still_waiting({name for notice in waiting for name in notice.decides.split()})
    done = [notice.pk for notice in waiting if still.isdisjoint(notice.decides.split())]
    if not done:
        return 0
    return Notice.objects.filter(pk__in=done).update(read_at=timezone.now())


# A figure or other return submitted for sign-off; the year's targets proposed for agreement.
WAITING = (ReturnState.SUBMITTED, TargetState.PROPOSED)


def _still_waiting(names: set[str]) -> set[str]:
    """Which of the named items still wait for a decision (one query for each kind)."""
    by_model = defaultdict(list)
    for name in names:
        label, pk = name.rsplit(":", 1)
        by_model[label].append(int(pk))
    return {
        f"{label}:{pk}"
        for label, pks in by_model.items()
        for pk in apps.get_model(label)
        .objects.filter(pk__in=pks, state__in=WAITING)
        .values_list("pk", flat=True)
    }


def email_choices(user) -> set[str]:
    """The kinds of notice the person wants by email (every kind, unless switched off)."""
    off = set(
        NoticePreference.objects.filter(user=user, email=False).values_list("kind", flat=True)
    )
    return {kind for kind in NoticeKind.values if kind not in off}


@transaction.atomic
def set_email_choices(*, user, email_kinds: set[str]) -> None:
    """Email the person these kinds of notice, and no others; every notice still shows in the
    product. Switching a kind off also stops its notices not yet emailed."""
    unknown = set(email_kinds) - set(NoticeKind.values)
    if unknown:
        raise ValueError(f"Unknown kinds of notice: {', '.join(sorted(unknown))}")
    for kind in NoticeKind.values:
        NoticePreference.objects.update_or_create(
            user=user, kind=kind, defaults={"email": kind in email_kinds}
        )
