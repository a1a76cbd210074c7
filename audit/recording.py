"""What the audit log records, captured in one place: every save, deletion and change of links
of the models listed in `AUDITED`, and the named events of reports and reporting cycles.

Signals are the right tool here, and only here: the log must see every path that changes these
models (pages, admin, commands, imports) without each remembering to write to it. Business rules
never live in these receivers; they only write down what happened.

Not recorded row by row: figures (`Value`, kept with their own `ValueRevision` history),
evidence, imports, reminders sent, narratives, report drafts' text between approvals, files in
the making, sign-ins; changes made with `QuerySet.update()` or bulk creation (used only by the
demo loader and the calendar's period generation), which send no signals.
"""

from __future__ import annotations

import contextlib
import datetime
import functools
import inspect
import json
from dataclasses import dataclass
from decimal import Decimal

from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_delete, pre_save

from audit import chain, context
from audit.models import Source

HIDDEN = "(not recorded)"
CHANGED = "changed (not recorded)"


@dataclass(frozen=True)
class Audited:
    """How one model is recorded."""

    fields: tuple[str, ...] = ()  # only these fields (default: every concrete field)
    exclude: tuple[str, ...] = ()
    m2m: tuple[str, ...] = ()  # links recorded as changes of this model
    hidden: tuple[str, ...] = ()  # recorded as changed, never with their values
    kept_when_cleared: tuple[str, ...] = ()  # the old value is kept in the log when cleared
    only_deletions: bool = False


REPORT_FIELDS = (
    "kind",
    "title",
    "committee",
    "meeting",
    "period",
    "state",
    "publish_after",
    "approved_by",
    "approved_at",
    "snapshot_hash",
    "withdrawn_by",
    "withdrawn_at",
    "withdrawal_reason",
)

AUDITED: dict[str, Audited] = {
    "organisation.Council": Audited(),
    "organisation.OrgUnit": Audited(),
    "organisation.User": Audited(
        exclude=("last_login",),
        hidden=("password",),
        m2m=("groups", "scope", "user_permissions"),
    ),
    "auth.Group": Audited(m2m=("permissions",)),
    "strategy.Plan": Audited(),
    "strategy.OperatingPrinciple": Audited(),
    "strategy.Ambition": Audited(m2m=("principles",)),
    "strategy.Outcome": Audited(m2m=("principles",)),
    "strategy.Committee": Audited(m2m=("remit_ambitions", "remit_units")),
    "strategy.Meeting": Audited(),
    "indicators.Period": Audited(),
    "indicators.IndicatorSet": Audited(),
    "indicators.Indicator": Audited(m2m=("outcomes", "committees", "sets", "principles")),
    "indicators.IndicatorVersion": Audited(),
    "indicators.Target": Audited(),
    "indicators.Baseline": Audited(),
    "indicators.ReportingCycle": Audited(m2m=("meetings",)),
    "indicators.SpcRecalculation": Audited(),
    "returns.ReminderRule": Audited(),
    "targets.YearTarget": Audited(),
    # Registers beside the indicators; their periodic returns (forecasts, action updates)
    # keep their own revisions, like values.
    "delivery.Programme": Audited(m2m=("kpis",)),
    "delivery.Project": Audited(m2m=("outcomes", "measures")),
    "delivery.Milestone": Audited(),
    "finance.BudgetLine": Audited(),
    "finance.CostCentre": Audited(),
    "finance.FinanceSettings": Audited(),
    "risks.Risk": Audited(
        exclude=("created_at", "updated_at"), m2m=("outcomes", "indicators", "projects")
    ),
    "risks.Control": Audited(),
    "risks.FurtherAction": Audited(),
    "risks.RiskBands": Audited(),
    "improvement.Finding": Audited(),
    "improvement.ImprovementAction": Audited(m2m=("indicators", "outcomes")),
    # Which published metric an indicator is compared with: a framework setting.
    "benchmarking.BenchmarkLink": Audited(),
    # Which published evidence an outcome's pages show, and whose figures: a framework setting.
    "benchmarking.OutcomeEvidence": Audited(m2m=("areas",)),
    # The councils a figure is compared with, and who is in them: the council's own groups,
    # changed on the pages. Loaded groups (standard, published) are bulk loads, not recorded.
    "benchmarking.ComparatorGroup": Audited(m2m=("members",)),
    # A report's release: its text is frozen in the snapshot on approval (its hash recorded
    # here); reopening clears the snapshot, so the approved one is kept in the log.
    "reports.Report": Audited(
        fields=REPORT_FIELDS, m2m=("extra_indicators",), kept_when_cleared=("snapshot",)
    ),
    "reports.ReportOutput": Audited(
        fields=("report", "format", "is_draft", "content_hash", "file", "requested_by"),
        only_deletions=True,
    ),
    # Personal API tokens made and revoked: never their secret's hash, nor each use.
    "api.ApiToken": Audited(fields=("user", "name", "prefix", "expires_at", "revoked_at")),
}


@dataclass(frozen=True)
class NamedEvents:
    """A history row of the domain recorded as a named event of the thing it is about."""

    subject: str  # the field naming the audited object
    kind: str  # the field holding the event's kind
    actions: dict[str, str]  # kind → the action recorded (kinds not listed are not recorded)


EVENTS: dict[str, NamedEvents] = {
    "reports.ReportEvent": NamedEvents(
        "report",
        "kind",
        {
            "approved": "report approved",
            "reopened": "report reopened",
            "held": "report publication time set",
            "withdrawn": "report withdrawn",
        },
    ),
    "returns.CycleEvent": NamedEvents(
        "cycle",
        "action",
        {
            "created": "cycle created",
            "opened": "cycle opened",
            "closed": "cycle closed",
            "reopened": "cycle reopened",
        },
    ),
}


# --- Values as the log keeps them -------------------------------------------------------------


def object_type(model) -> str:
    return f"{model._meta.app_label}.{model._meta.model_name}"


def label_of(obj) -> str:
    try:
        return str(obj)[:200]
    except Exception:  # a label is a courtesy: a broken __str__ must not stop the change
        return f"#{obj.pk}"


def plain(value):
    """A value as JSON the log can hash and read back unchanged."""
    if value is None or isinstance(value, (str, bool, int)):
        return value
    if isinstance(value, Decimal):
        return format(value.normalize(), "f") if value.is_finite() else str(value)
    if isinstance(value, datetime.datetime):
        if value.tzinfo is not None:
            value = value.astimezone(datetime.UTC)
        return value.isoformat()
    if isinstance(value, (datetime.date, datetime.time)):
        return value.isoformat()
    if isinstance(value, (list, tuple, dict)):
        return json.loads(json.dumps(value, default=str))
    if isinstance(value, models.fields.files.FieldFile):
        return value.name or ""
    return str(value)


def _comparable(field, value):
    if value is not None and not field.is_relation and isinstance(value, str):
        with contextlib.suppress(ValidationError):  # kept as typed: it differs anyway
            value = field.to_python(value)
    return plain(value)


def _related_label(field, pk) -> str | None:
    if pk is None:
        return None
    related = field.related_model._base_manager.filter(pk=pk).first()
    return f"{label_of(related)} (#{pk})" if related is not None else f"#{pk}"


def _shown(field, value, instance=None) -> object:
    """How a stored value reads in the log: a linked object by its name and id."""
    if not field.is_relation:
        return value
    if value is None:
        return None
    if instance is not None and field.is_cached(instance):
        related = getattr(instance, field.name)
        if related is not None and related.pk == value:
            return f"{label_of(related)} (#{value})"
    return _related_label(field, value)


# --- Which fields ----------------------------------------------------------------------------


@functools.cache
def spec_of(model) -> Audited:
    return AUDITED.get(model._meta.label)


@functools.cache
def tracked_fields(model) -> tuple:
    spec = spec_of(model)
    fields = [
        field
        for field in model._meta.concrete_fields
        if not field.primary_key and field.name not in spec.exclude
    ]
    if spec.fields:
        fields = [field for field in fields if field.name in spec.fields]
    return tuple(fields)


def _stored(model, pk, fields) -> dict | None:
    names = [field.attname for field in fields]
    return model._base_manager.filter(pk=pk).values(*names).first()


def _everything(instance, fields) -> dict:
    """The non-empty fields of an object, as the log shows them (for a creation or deletion)."""
    spec = spec_of(type(instance))
    shown = {}
    for field in fields:
        if field.name in spec.hidden:
            continue
        value = _comparable(field, field.value_from_object(instance))
        if value is None or value == "":
            continue
        shown[field.name] = _shown(field, value, instance)
    return shown


# --- Who, from where, why --------------------------------------------------------------------


def _actor_name(person, source: str, token: str = "") -> str:
    if person is not None:
        full = person.get_full_name()
        name = f"{full} ({person.get_username()})" if full else person.get_username()
        # A change made through the API names the token as well as its person.
        return f"{name} with API token {token}"[:200] if token else name
    return context.console_name() if source == Source.COMMAND else ""


def record(
    *,
    action: str,
    obj=None,
    model=None,
    object_id="",
    label: str = "",
    before=None,
    after=None,
    reason: str = "",
    actor=None,
):
    """Append one entry for `obj` (or for `model` and `object_id`), by whoever is acting now."""
    acting = context.current()
    source = acting.where()
    person = actor if actor is not None else acting.person()
    if obj is not None:
        model, object_id, label = type(obj), obj.pk, label or label_of(obj)
    return chain.append(
        action=action,
        object_type=object_type(model) if not isinstance(model, str) else model,
        object_id="" if object_id is None else str(object_id),
        object_label=label,
        before=before,
        after=after,
        reason=reason or acting.reason,
        actor=person,
        actor_name=_actor_name(person, source, acting.token),
        source=source,
    )


# --- The receivers ---------------------------------------------------------------------------


def _recording() -> bool:
    return not context.current().paused


def before_save(sender, instance, raw=False, update_fields=None, **kwargs):
    # A raw save loads rows as they were stored (fixtures, a test database restored):
    # nothing changes, so nothing is recorded, nor the links loaded with the row after it.
    if raw:
        instance.__dict__["_audit_raw"] = True
        return
    if not _recording() or spec_of(sender).only_deletions:
        return
    instance.__dict__.pop("_audit_stored", None)
    if instance._state.adding or instance.pk is None:
        return
    fields = tracked_fields(sender)
    spec = spec_of(sender)
    if update_fields is not None:
        fields = tuple(f for f in fields if f.name in update_fields or f.attname in update_fields)
        kept = [name for name in spec.kept_when_cleared if name in update_fields]
    else:
        kept = list(spec.kept_when_cleared)
    if not fields:
        return
    kept_fields = [sender._meta.get_field(name) for name in kept]
    stored = _stored(sender, instance.pk, (*fields, *kept_fields))
    if stored is not None:
        instance.__dict__["_audit_stored"] = (fields, kept_fields, stored)


def after_save(sender, instance, created, raw=False, **kwargs):
    if raw or not _recording():
        return
    spec = spec_of(sender)
    if spec.only_deletions:
        return
    saved = instance.__dict__.pop("_audit_stored", None)
    if created or saved is None:
        if created:
            after = _everything(instance, tracked_fields(sender))
            record(action="created", obj=instance, after=after)
        return
    fields, kept_fields, stored = saved
    before, after = {}, {}
    for field in fields:
        old = _comparable(field, stored[field.attname])
        new = _comparable(field, field.value_from_object(instance))
        if old == new:
            continue
        if field.name in spec.hidden:
            before[field.name], after[field.name] = HIDDEN, CHANGED
            continue
        before[field.name] = _shown(field, old)
        after[field.name] = _shown(field, new, instance)
    for field in kept_fields:
        old = stored[field.attname]
        if old is not None and field.value_from_object(instance) is None:
            before[field.name] = plain(old)
    if not before:
        return
    hidden_only = set(before) <= set(spec.hidden)
    if hidden_only:
        record(action=f"{' and '.join(sorted(before))} changed", obj=instance)
    else:
        record(action="changed", obj=instance, before=before, after=after)


def before_delete(sender, instance, **kwargs):
    if _recording():
        instance.__dict__["_audit_deleted"] = (
            label_of(instance),
            _everything(instance, tracked_fields(sender)),
        )


def after_delete(sender, instance, **kwargs):
    kept = instance.__dict__.pop("_audit_deleted", None)
    if kept is None or not _recording():
        return
    label, before = kept
    record(action="deleted", model=sender, object_id=instance.pk, label=label, before=before)


def after_event(sender, instance, created, raw=False, **kwargs):
    if raw or not created or not _recording():
        return
    events = EVENTS[sender._meta.label]
    action = events.actions.get(getattr(instance, events.kind))
    if action is None:
        return
    record(
        action=action,
        obj=getattr(instance, events.subject),
        reason=instance.reason,
        actor=getattr(instance, "by", None),
    )


# --- Links (many-to-many) --------------------------------------------------------------------


def _linked(obj, field) -> list[tuple[int, str]]:
    related = getattr(obj, field.name).all().order_by("pk")
    return [(item.pk, f"{label_of(item)} (#{item.pk})") for item in related]


def _link_targets(instance, model, field, reverse: bool, pk_set) -> list:
    """The audited objects whose links change: the instance, or (changed from the other
    side, e.g. `group.user_set.add(user)`) each object on this side."""
    if not reverse:
        return [instance]
    if pk_set is None:
        return list(model._base_manager.filter(**{field.name: instance}))
    return list(model._base_manager.filter(pk__in=pk_set))


def links_changed(sender, instance, action, reverse, model, pk_set, **kwargs):
    """One query a change: links added are read after (what was there before is the rest),
    links removed or cleared before (what is left after is the rest)."""
    if not _recording() or instance.__dict__.get("_audit_raw"):
        return
    owner, field = _THROUGH[sender]
    phase, _, kind = action.partition("_")
    pending = instance.__dict__.setdefault("_audit_links", {})
    if phase == "pre":
        if kind != "add":
            targets = _link_targets(instance, owner, field, reverse, pk_set)
            pending[(field.name, kind)] = [(target, _linked(target, field)) for target in targets]
        return
    if kind == "add":
        if not pk_set:
            return
        changes = []
        for target in _link_targets(instance, owner, field, reverse, pk_set):
            after = _linked(target, field)
            added = {instance.pk} if reverse else pk_set
            changes.append((target, [link for link in after if link[0] not in added], after))
    else:
        changes = []
        for target, before in pending.pop((field.name, kind), []):
            gone = {instance.pk} if reverse else (pk_set or {pk for pk, _ in before})
            changes.append((target, before, [link for link in before if link[0] not in gone]))
    for target, before, after in changes:
        if before != after:
            record(
                action="changed",
                obj=target,
                before={field.name: [label for _, label in before]},
                after={field.name: [label for _, label in after]},
            )


_THROUGH: dict = {}


# --- Bulk loads ------------------------------------------------------------------------------


def recorded_in_bulk(action: str, *, kind: str, label: str):
    """Decorate a bulk load (the demo loader): nothing in it is recorded row by row, and once it
    has finished it is recorded as one entry, from a command, with its arguments."""

    def decorate(func):
        signature = inspect.signature(func)

        @functools.wraps(func)
        def wrapper(*args, **kwargs):
            with context.paused():
                result = func(*args, **kwargs)
            arguments = signature.bind(*args, **kwargs)
            arguments.apply_defaults()
            source = context.current().source or Source.COMMAND
            with context.acting(None, source=source, reason=action):
                record(
                    action=action,
                    model=kind,
                    label=label,
                    after={name: plain(value) for name, value in arguments.arguments.items()},
                )
            return result

        return wrapper

    return decorate


# --- Connecting ------------------------------------------------------------------------------


def connect() -> None:
    for label in AUDITED:
        model = apps.get_model(label)
        uid = f"audit:{label}"
        pre_save.connect(before_save, sender=model, dispatch_uid=f"{uid}:pre_save")
        post_save.connect(after_save, sender=model, dispatch_uid=f"{uid}:post_save")
        pre_delete.connect(before_delete, sender=model, dispatch_uid=f"{uid}:pre_delete")
        post_delete.connect(after_delete, sender=model, dispatch_uid=f"{uid}:post_delete")
        for name in AUDITED[label].m2m:
            field = model._meta.get_field(name)
            through = field.remote_field.through
            _THROUGH[through] = (model, field)
            m2m_changed.connect(links_changed, sender=through, dispatch_uid=f"{uid}:{name}")
    for label in EVENTS:
        model = apps.get_model(label)
        post_save.connect(after_event, sender=model, dispatch_uid=f"audit:{label}:event")
