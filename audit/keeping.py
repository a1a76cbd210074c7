"""Nothing that was ever published is hard-deleted (decision 0013).

The rule, checked before every deletion however it is asked for (a model's `delete()`, a
queryset's, a cascade from something else, the admin):

- a report that was ever approved is kept, with its events and its files; a draft that was
  never approved may be deleted (the audit log keeps what it was);
- a signed-off or published figure is kept, and so are the target it was judged against (the
  target of its indicator and period), and its indicator's baseline and definition versions;
- audit entries are never deleted;
- a person who ever entered, submitted or signed off a figure is kept (their figures' history
  names them), like one who changed anything the log records (its entries PROTECT them).

Meetings and periods a report names, and indicators with figures, are already kept by the
database (their foreign keys PROTECT them). Withdraw a report, retire an indicator, cancel a
meeting or deactivate a person instead.
"""

from __future__ import annotations

from django.contrib.admin.utils import NestedObjects
from django.db import router
from django.db.models import ProtectedError
from django.db.models.signals import pre_delete

from audit.models import APPEND_ONLY, AuditEntry
from indicators.models import (
    SIGNED_OFF_STATES,
    Baseline,
    IndicatorVersion,
    Target,
    Value,
    ValueRevision,
)
from organisation.models import User
from reports.models import Report, ReportEvent, ReportEventKind, ReportOutput, ReportState

REPORT_KEPT = "“{report}” was approved, so it is kept: withdraw it instead of deleting it"
REPORT_PART_KEPT = "{what} of “{report}”, which was approved, is kept with it"
FIGURE_KEPT = "{value} was signed off, so it is kept"
TARGET_KEPT = "{target} judged a signed-off figure, so it is kept"
DEFINITION_KEPT = "{what} of {indicator} applies to signed-off figures, so it is kept"
PERSON_KEPT = "{person} entered, submitted or signed off figures, so they are kept: deactivate them"


class Kept(ProtectedError):
    """A deletion refused because what it would delete was once published."""


def _ever_approved(report: Report) -> bool:
    if report.state != ReportState.DRAFT or report.approved_at is not None:
        return True
    return ReportEvent.objects.filter(report=report, kind=ReportEventKind.APPROVED).exists()


def _signed_off(**lookup) -> bool:
    return Value.objects.filter(state__in=SIGNED_OFF_STATES, **lookup).exists()


def handled_figures(person) -> bool:
    """Whether `person` ever entered, submitted or signed off a figure."""
    return (
        ValueRevision.objects.filter(changed_by=person).exists()
        or Value.objects.filter(entered_by=person).exists()
        or Value.objects.filter(submitted_by=person).exists()
        or Value.objects.filter(approved_by=person).exists()
    )


def refusal(obj) -> str | None:
    """Why `obj` may not be deleted, or None if it may."""
    match obj:
        case AuditEntry():
            return APPEND_ONLY
        case Report():
            return REPORT_KEPT.format(report=obj) if _ever_approved(obj) else None
        case ReportEvent() | ReportOutput():
            what = "The event" if isinstance(obj, ReportEvent) else "The file"
            report = Report.objects.get(pk=obj.report_id)
            if _ever_approved(report):
                return REPORT_PART_KEPT.format(what=what, report=report)
        case Value():
            return FIGURE_KEPT.format(value=obj) if obj.state in SIGNED_OFF_STATES else None
        case Target():
            if _signed_off(indicator_id=obj.indicator_id, period_id=obj.period_id):
                return TARGET_KEPT.format(target=obj)
        case User():
            return PERSON_KEPT.format(person=obj) if handled_figures(obj) else None
        case Baseline() | IndicatorVersion():
            if _signed_off(indicator_id=obj.indicator_id):
                what = "The baseline" if isinstance(obj, Baseline) else f"Version {obj.number}"
                return DEFINITION_KEPT.format(what=what, indicator=obj.indicator.code)
    return None


def refuse_deleting_what_was_published(sender, instance, **kwargs):
    why = refusal(instance)
    if why:
        raise Kept(why, {instance})


KEPT_MODELS = (
    AuditEntry,
    Report,
    ReportEvent,
    ReportOutput,
    Value,
    Target,
    Baseline,
    IndicatorVersion,
    User,
)


def kept_among(objs) -> list[str]:
    """Why deleting `objs` (a list or queryset) is refused: one line for each object the
    deletion would reach, directly or by cascade, that is kept."""
    objs = list(objs)
    if not objs:
        return []
    collector = NestedObjects(using=router.db_for_write(type(objs[0])))
    collector.collect(objs)
    found = []
    for model, instances in collector.data.items():
        if issubclass(model, KEPT_MODELS):
            found.extend(why for obj in instances if (why := refusal(obj)))
    return found


def connect() -> None:
    for model in KEPT_MODELS:
        pre_delete.connect(
            refuse_deleting_what_was_published,
            sender=model,
            dispatch_uid=f"audit:keep:{model._meta.label}",
        )
