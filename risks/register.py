"""Keeping the register: adding, changing and closing risks, their controls and further
actions.

Each change is one transaction that checks the caller may manage the registers of the risk's
unit (the performance team, or a director or head of service in scope), locks what it changes
and saves only what changed; the audit log records it as done by `by`, for `reason`.
"""

from __future__ import annotations

from datetime import date

from django.core.exceptions import ValidationError
from django.db import models, transaction

from audit.context import audited
from organisation.permissions import Action, require
from risks.models import Control, FurtherAction, Risk, RiskStatus

RISK_FIELDS = (
    "reference",
    "title",
    "level",
    "cause",
    "event",
    "effect",
    "owner",
    "unit",
    "review_interval_months",
    "opened_on",
    "target_likelihood",
    "target_impact",
)
LINK_FIELDS = ("outcomes", "indicators")

REFERENCE_TAKEN = "Reference: “{reference}” is already used by “{title}”. Choose another"
REASON_REQUIRED = "Reason for the change: say why it is changing, for its history"
ALREADY_CLOSED = "This risk is already closed"
UNKNOWN_FIELDS = "Unknown fields: {names}"


class RegisterError(ValueError):
    """A change refused; `problems` maps a field name ("" for the whole form) to its message."""

    def __init__(self, problems: dict[str, str]):
        self.problems = problems
        super().__init__(" ".join(problems.values()))


def _check(values: dict, allowed: tuple[str, ...]) -> None:
    unknown = set(values) - set(allowed)
    if unknown:
        raise RegisterError({"": UNKNOWN_FIELDS.format(names=", ".join(sorted(unknown)))})


def _check_reference(risk: Risk | None, reference: str | None) -> None:
    if not reference:
        return
    taken = Risk.objects.exclude(pk=getattr(risk, "pk", None)).filter(reference=reference).first()
    if taken is not None:
        raise RegisterError(
            {"reference": REFERENCE_TAKEN.format(reference=reference, title=taken.title)}
        )


def _clean(obj: models.Model) -> None:
    """The model's own checks (ratings 1-5, required fields), as a RegisterError."""
    try:
        obj.full_clean()
    except ValidationError as error:
        raise RegisterError(
            {name: " ".join(messages) for name, messages in error.message_dict.items()}
        ) from None


def _set_links(risk: Risk, values: dict) -> bool:
    changed = False
    for name in LINK_FIELDS:
        if name in values:
            wanted = {obj.pk for obj in values[name]}
            if wanted != set(getattr(risk, name).values_list("pk", flat=True)):
                getattr(risk, name).set(values[name])
                changed = True
    return changed


@transaction.atomic
@audited(reason="reason")
def create_risk(*, values: dict, by, reason: str = "") -> Risk:
    """Add a risk to the register of its unit (`values["unit"]`)."""
    _check(values, RISK_FIELDS + LINK_FIELDS)
    require(by, Action.MANAGE_REGISTERS, values.get("unit"))
    _check_reference(None, values.get("reference"))
    risk = Risk(**{name: value for name, value in values.items() if name in RISK_FIELDS})
    _clean(risk)
    risk.save()
    _set_links(risk, values)
    return risk


@transaction.atomic
@audited(reason="reason")
def update_risk(*, risk: Risk, values: dict, by, reason: str) -> bool:
    """Change a risk's details or links; a move to another unit needs both units in scope.
    Returns whether anything changed."""
    _check(values, RISK_FIELDS + LINK_FIELDS)
    require(by, Action.MANAGE_REGISTERS, risk)
    if "unit" in values:
        require(by, Action.MANAGE_REGISTERS, values["unit"])
    if not reason.strip():
        raise RegisterError({"reason": REASON_REQUIRED})
    risk = Risk.objects.select_for_update().get(pk=risk.pk)
    _check_reference(risk, values.get("reference"))
    changed = []
    for name in RISK_FIELDS:
        if name not in values:
            continue
        field = risk._meta.get_field(name)
        new = values[name]
        current = getattr(risk, field.attname)
        if current != (new.pk if field.is_relation and new is not None else new):
            setattr(risk, name, new)
            changed.append(name)
    if changed:
        _clean(risk)
        risk.save(update_fields=[*changed, "updated_at"])
    return _set_links(risk, values) or bool(changed)


@transaction.atomic
@audited(reason="reason")
def close_risk(*, risk: Risk, by, reason: str, on: date) -> Risk:
    """Close a risk that no longer needs managing; its reviews are kept."""
    require(by, Action.MANAGE_REGISTERS, risk)
    if not reason.strip():
        raise RegisterError({"reason": REASON_REQUIRED})
    risk = Risk.objects.select_for_update().get(pk=risk.pk)
    if risk.status == RiskStatus.CLOSED:
        raise RegisterError({"": ALREADY_CLOSED})
    risk.status, risk.closed_on = RiskStatus.CLOSED, on
    risk.save(update_fields=["status", "closed_on", "updated_at"])
    return risk


@transaction.atomic
@audited(reason="reason")
def add_control(
    *, risk: Risk, description: str, effectiveness: str, by, owner=None, reason: str = ""
) -> Control:
    """Record a control already in place against the risk."""
    require(by, Action.MANAGE_REGISTERS, risk)
    risk = Risk.objects.select_for_update().get(pk=risk.pk)
    control = Control(risk=risk, description=description, owner=owner, effectiveness=effectiveness)
    _clean(control)
    control.save()
    return control


@transaction.atomic
@audited(reason="reason")
def add_further_action(
    *, risk: Risk, description: str, owner, due_on: date, by, reason: str = ""
) -> FurtherAction:
    """Record a further action to bring the risk towards its target."""
    require(by, Action.MANAGE_REGISTERS, risk)
    risk = Risk.objects.select_for_update().get(pk=risk.pk)
    action = FurtherAction(risk=risk, description=description, owner=owner, due_on=due_on)
    _clean(action)
    action.save()
    return action
