"""Reading the audit log: the entries a filter picks, and each entry as a person reads it."""

from __future__ import annotations

import datetime
import json
from dataclasses import dataclass

from django.apps import apps
from django.core.exceptions import FieldDoesNotExist
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.text import capfirst

from audit.models import AuditEntry

NO_PERSON = "none"  # the actor filter's choice for the system, commands and the console
LONG_VALUE = 300  # characters shown on the page; the CSV export holds the whole value


@dataclass(frozen=True)
class Filters:
    object_type: str = ""
    actor: str = ""  # a person's id, NO_PERSON, or "" for anyone
    date_from: datetime.date | None = None
    date_to: datetime.date | None = None
    text: str = ""

    @property
    def active(self) -> bool:
        return any((self.object_type, self.actor, self.date_from, self.date_to, self.text))


def _start_of(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def entries(filters: Filters) -> QuerySet[AuditEntry]:
    """The entries the filters pick, newest first."""
    found = AuditEntry.objects.order_by("-sequence")
    if filters.object_type:
        found = found.filter(object_type=filters.object_type)
    if filters.actor == NO_PERSON:
        found = found.filter(actor__isnull=True)
    elif filters.actor:
        found = found.filter(actor_id=filters.actor)
    if filters.date_from:
        found = found.filter(at__gte=_start_of(filters.date_from))
    if filters.date_to:
        found = found.filter(at__lt=_start_of(filters.date_to + datetime.timedelta(days=1)))
    if filters.text:
        found = found.filter(
            Q(object_label__icontains=filters.text)
            | Q(reason__icontains=filters.text)
            | Q(action__icontains=filters.text)
        )
    return found


def _model(object_type: str):
    try:
        return apps.get_model(object_type)
    except (LookupError, ValueError):
        return None


def type_label(object_type: str) -> str:
    model = _model(object_type)
    return capfirst(model._meta.verbose_name) if model else capfirst(object_type)


def object_types() -> list[tuple[str, str]]:
    """The kinds of thing the log holds entries about, by name."""
    found = AuditEntry.objects.order_by().values_list("object_type", flat=True).distinct()
    return sorted(((t, type_label(t)) for t in found), key=lambda choice: choice[1])


def actors() -> list[tuple[str, str]]:
    """Everyone who has changed something, by name (and "no person" if anything else has)."""
    found = (
        AuditEntry.objects.order_by()
        .values_list("actor_id", "actor_name")
        .filter(actor__isnull=False)
        .distinct()
    )
    named = {str(actor_id): name for actor_id, name in found}  # the latest name would do too
    choices = sorted(named.items(), key=lambda choice: choice[1].lower())
    if AuditEntry.objects.filter(actor__isnull=True).exists():
        choices.append((NO_PERSON, "No person (the system, a command, the console)"))
    return choices


def _field(object_type: str, name: str):
    model = _model(object_type)
    try:
        return model._meta.get_field(name) if model else None
    except FieldDoesNotExist:
        return None


def field_label(object_type: str, name: str) -> str:
    field = _field(object_type, name)
    if field is None or not hasattr(field, "verbose_name"):
        return capfirst(name.replace("_", " "))
    return capfirst(field.verbose_name)


def _in_words(object_type: str, name: str, value):
    """A stored choice by its label ("Scrutiny committee", not "scrutiny")."""
    field = _field(object_type, name)
    choices = dict(getattr(field, "flatchoices", None) or ())
    if isinstance(value, str) and value in choices:
        return str(choices[value])
    return value


def as_text(value) -> str:
    """A stored value as words: lists one item a line, nothing as an empty cell."""
    if value is None or value == "":
        return ""
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, list) and all(isinstance(item, str) for item in value):
        return "\n".join(value) if value else "(none)"
    if isinstance(value, (list, dict)):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


@dataclass(frozen=True)
class Change:
    field: str
    before: str
    after: str
    shortened: bool  # a value was cut short on the page (the export holds it all)


def _short(text: str) -> tuple[str, bool]:
    if len(text) <= LONG_VALUE:
        return text, False
    return f"{text[:LONG_VALUE]}… ({len(text):,} characters)", True


def changes(entry: AuditEntry) -> list[Change]:
    """The entry's fields before and after, in the order they were recorded."""
    before, after = entry.before or {}, entry.after or {}
    names = list(dict.fromkeys([*before, *after]))
    found = []
    for name in names:
        old, cut_old = _short(as_text(_in_words(entry.object_type, name, before.get(name))))
        new, cut_new = _short(as_text(_in_words(entry.object_type, name, after.get(name))))
        found.append(Change(field_label(entry.object_type, name), old, new, cut_old or cut_new))
    return found
