"""An approver's decisions on a service's submitted figures: sign off or return each."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction

from indicators.models import Value
from indicators.workflow import approve_value, return_value
from organisation.permissions import Action, require

APPROVE = "approve"
RETURN = "return"


@dataclass
class Decision:
    value: Value
    decision: str  # APPROVE, RETURN, or "" to leave it for now
    reason: str
    expected_version: int | None


@transaction.atomic
def decide_figures(*, decisions: list[Decision], by) -> list[Value]:
    """Apply an approver's decisions together: any refusal leaves every figure as it was."""
    decided = []
    for item in decisions:
        if not item.decision:
            continue
        require(by, Action.APPROVE_VALUE, item.value)
        if item.decision == APPROVE:
            decided.append(
                approve_value(value=item.value, by=by, expected_version=item.expected_version)
            )
        elif item.decision == RETURN:
            decided.append(
                return_value(
                    value=item.value,
                    by=by,
                    reason=item.reason,
                    expected_version=item.expected_version,
                )
            )
    return decided
