"""An object's history as its own page shows it: the audit log's entries about it, newest first,
each with who, when, from where, why and its fields before and after."""

from __future__ import annotations

from dataclasses import dataclass

from audit.models import AuditEntry
from audit.queries import Change, changes
from audit.recording import object_type

SHOWN = 50  # the latest entries; the audit log holds them all


@dataclass(frozen=True)
class Event:
    entry: AuditEntry
    changes: list[Change]


def history(obj, *, limit: int = SHOWN) -> list[Event]:
    """The latest entries of the audit log about `obj` (one query)."""
    found = AuditEntry.objects.filter(
        object_type=object_type(type(obj)), object_id=str(obj.pk)
    ).order_by("-sequence")[:limit]
    return [Event(entry, changes(entry)) for entry in found]
