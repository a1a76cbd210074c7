"""Improvement actions: when one is overdue, and how late it is against the date first agreed."""

from datetime import date

from .choices import LabelledChoice


class ActionState(LabelledChoice):
    open = "open", "Open"
    in_progress = "in_progress", "In progress"
    complete = "complete", "Complete"
    cancelled = "cancelled", "Cancelled"


# Only an action still being worked on can be late; a complete or cancelled one never is.
ACTIVE_STATES = frozenset({ActionState.open, ActionState.in_progress})


def is_action_overdue(state: ActionState, due: date, revised_due: date | None, on: date) -> bool:
    """Overdue from the day after the due date (the revised one, if any) while open or in
    progress: due 31 March is not overdue on 31 March, overdue on 1 April."""
    current_due = revised_due if revised_due is not None else due
    return ActionState(state) in ACTIVE_STATES and on > current_due


def days_late_against_first_agreed(state: ActionState, original_due: date, on: date) -> int | None:
    """Days past the original due date while open or in progress, whatever the revised date
    says: due 31 March, revised to 30 June, is 10 days late on 10 April though not overdue.
    None on or before the original date (so a revised date earlier than the original gives no
    lateness until the original passes) and for complete or cancelled actions."""
    if ActionState(state) not in ACTIVE_STATES or on <= original_due:
        return None
    return (on - original_due).days


def lateness_text(days: int) -> str:
    """The words shown: "1 day late against the date first agreed", "12 days late ..."."""
    if days < 1:
        raise ValueError(f"an action is late by 1 day or more, got {days}")
    unit = "day" if days == 1 else "days"
    return f"{days:,} {unit} late against the date first agreed"
