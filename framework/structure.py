"""Changing the strategic framework: plans, their ambitions and the ambitions' outcomes.

Each change is one transaction that checks the caller may manage the framework, locks what it
changes and saves only what changed; the audit log records it (who, when, why, before and
after) through `audit.recording`. Removal is refused while anything depends on the thing
removed, saying what: a plan holding ambitions or other plans, an ambition holding outcomes,
narratives or a committee's remit, an outcome that indicators are (or ever were) linked to,
since past scorecards place those indicators under it. Retire a plan instead (not current).
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db import models, transaction

from audit.context import audited
from indicators.models import IndicatorVersion
from organisation.permissions import Action, require
from scorecards.models import Narrative
from strategy.models import Ambition, Outcome, Plan

REASON_REQUIRED = "Reason for the change: say why it is changing, for its history"
REMOVE_REASON_REQUIRED = "Reason for removing: say why it is no longer needed, for the audit log"
ENDS_BEFORE_START = "End date: choose a date on or after the start date ({starts_on:%-d %B %Y})"
PARENT_LOOP = "Delivers: choose a plan that is not this plan nor one that delivers it"
CODE_TAKEN = "Code: “{code}” is already used by {what} “{title}”. Choose another code"
PLAN_HAS_AMBITIONS = "It holds {count} ambition{s}: move or remove them first"
PLAN_HAS_CHILDREN = "{count} plan{s} deliver{verb} it: change what they deliver first"
AMBITION_HAS_OUTCOMES = "It holds {count} outcome{s}: move or remove them first"
AMBITION_HAS_NARRATIVES = "Its scorecard has narratives for {count} period{s}, which are kept"
AMBITION_IN_REMIT = "It is in the remit of {names}: change their remit first"
OUTCOME_HAS_INDICATORS = (
    "{count} indicator{s} {verb} linked to it ({codes}): the indicators keep it. Link them to "
    "another outcome first"
)
OUTCOME_WAS_LINKED = (
    "Past versions of {codes} were linked to it, and past scorecards still place them under it"
)


class StructureError(ValueError):
    """A change refused; `problems` are (field name, message) pairs ("" for the whole form)."""

    def __init__(self, problems: list[tuple[str, str]]):
        self.problems = problems
        super().__init__("; ".join(message for _, message in problems))


def _plural(count: int) -> str:
    return "" if count == 1 else "s"


def _need_reason(reason: str, message: str = REASON_REQUIRED) -> None:
    if not reason.strip():
        raise StructureError([("reason", message)])


def _apply(obj: models.Model, values: dict) -> tuple[list[str], dict]:
    """Set the changed plain fields of `obj` from `values`; return their names and the changed
    many-to-many lists (applied after saving)."""
    changed, links = [], {}
    for name, new in values.items():
        field = obj._meta.get_field(name)
        if field.many_to_many:
            if obj.pk is None or {o.pk for o in new} != set(
                getattr(obj, name).values_list("pk", flat=True)
            ):
                links[name] = list(new)
        elif getattr(obj, field.attname if field.is_relation else name) != (
            getattr(new, "pk", new) if field.is_relation else new
        ):
            setattr(obj, name, new)
            changed.append(name)
    return changed, links


def save_changes(obj: models.Model, values: dict, *, reason: str | None) -> bool:
    """Save what changed of `obj`; a change of something existing needs `reason` (None: an
    addition, where a reason is welcome but not needed). Returns whether anything changed."""
    adding = obj.pk is None
    changed, links = _apply(obj, values)
    if not adding and not changed and not links:
        return False
    if not adding:
        _need_reason(reason or "")
    if adding:
        obj.save()
    elif changed:
        obj.save(update_fields=changed)
    for name, items in links.items():
        getattr(obj, name).set(items)
    return True


def _check_code(model, code: str, what: str) -> None:
    taken = model.objects.filter(code=code).first()
    if taken is not None:
        raise StructureError([("code", CODE_TAKEN.format(code=code, what=what, title=taken))])


# --- Plans -----------------------------------------------------------------------------------


def _check_plan(plan: Plan | None, values: dict) -> None:
    problems = []
    starts_on, ends_on = values.get("starts_on"), values.get("ends_on")
    if starts_on and ends_on and ends_on < starts_on:
        problems.append(("ends_on", ENDS_BEFORE_START.format(starts_on=starts_on)))
    parent = values.get("parent")
    if plan is not None and plan.pk is not None and parent is not None:
        seen, above = set(), parent
        while above is not None and above.pk not in seen:
            if above.pk == plan.pk:
                problems.append(("parent", PARENT_LOOP))
                break
            seen.add(above.pk)
            above = above.parent
    if problems:
        raise StructureError(problems)


@transaction.atomic
@audited(reason="reason")
def add_plan(*, values: dict, by, reason: str = "") -> Plan:
    """Add a plan: a strategic, corporate, delivery or service plan with its dates."""
    require(by, Action.MANAGE_FRAMEWORK)
    _check_plan(None, values)
    plan = Plan()
    save_changes(plan, values, reason=None)
    return plan


@transaction.atomic
@audited(reason="reason")
def change_plan(*, plan: Plan, values: dict, by, reason: str) -> bool:
    """Change a plan's title, kind, dates, summary or what it delivers, or retire it (no longer
    current). Returns whether anything changed."""
    require(by, Action.MANAGE_FRAMEWORK)
    plan = Plan.objects.select_for_update().get(pk=plan.pk)
    _check_plan(plan, values)
    return save_changes(plan, values, reason=reason)


def plan_dependents(plan: Plan) -> list[str]:
    """Why the plan cannot be removed: what depends on it (none: it can)."""
    found = []
    ambitions = plan.ambitions.count()
    if ambitions:
        found.append(PLAN_HAS_AMBITIONS.format(count=ambitions, s=_plural(ambitions)))
    children = plan.children.count()
    if children:
        verb = "s" if children == 1 else ""
        found.append(PLAN_HAS_CHILDREN.format(count=children, s=_plural(children), verb=verb))
    return found


@transaction.atomic
@audited(reason="reason")
def remove_plan(*, plan: Plan, by, reason: str) -> None:
    """Remove a plan nothing depends on (the audit log keeps what it was)."""
    require(by, Action.MANAGE_FRAMEWORK)
    plan = Plan.objects.select_for_update().get(pk=plan.pk)
    _refuse_if_depended_on(plan_dependents(plan))
    _need_reason(reason, REMOVE_REASON_REQUIRED)
    plan.delete()


def _refuse_if_depended_on(dependents: list[str]) -> None:
    if dependents:
        raise StructureError([("", message) for message in dependents])


# --- Ambitions -------------------------------------------------------------------------------


def _last_order(siblings: models.QuerySet) -> int:
    return (siblings.aggregate(last=models.Max("order"))["last"] or 0) + 1


@transaction.atomic
@audited(reason="reason")
def add_ambition(*, plan: Plan, values: dict, by, reason: str = "") -> Ambition:
    """Add an ambition (priority, theme) to a plan, after its others."""
    require(by, Action.MANAGE_FRAMEWORK)
    plan = Plan.objects.select_for_update().get(pk=plan.pk)
    _check_code(Ambition, values["code"], "the ambition")
    ambition = Ambition(plan=plan, order=_last_order(plan.ambitions.all()))
    save_changes(ambition, values, reason=None)
    return ambition


@transaction.atomic
@audited(reason="reason")
def change_ambition(*, ambition: Ambition, values: dict, by, reason: str) -> bool:
    """Change an ambition's words, principles or plan (moved to another plan, it goes last)."""
    require(by, Action.MANAGE_FRAMEWORK)
    ambition = Ambition.objects.select_for_update().get(pk=ambition.pk)
    plan = values.get("plan")
    if plan is not None and plan.pk != ambition.plan_id:
        values = {**values, "order": _last_order(plan.ambitions.all())}
    return save_changes(ambition, values, reason=reason)


def _move(item, siblings: Iterable, *, up: bool) -> bool:
    """Swap `item` with its neighbour among `siblings` (in their shown order) and number them
    all from 1, saving only those whose number changed."""
    ordered = list(siblings)
    at = next(i for i, sibling in enumerate(ordered) if sibling.pk == item.pk)
    to = at - 1 if up else at + 1
    if not 0 <= to < len(ordered):
        return False
    ordered[at], ordered[to] = ordered[to], ordered[at]
    for number, sibling in enumerate(ordered, start=1):
        if sibling.order != number:
            sibling.order = number
            sibling.save(update_fields=["order"])
    return True


@transaction.atomic
@audited()
def move_ambition(*, ambition: Ambition, up: bool, by) -> bool:
    """Move an ambition one place up or down among its plan's ambitions."""
    require(by, Action.MANAGE_FRAMEWORK)
    siblings = Ambition.objects.select_for_update().filter(plan_id=ambition.plan_id)
    return _move(ambition, siblings.order_by("order", "title", "pk"), up=up)


def ambition_dependents(ambition: Ambition) -> list[str]:
    found = []
    outcomes = ambition.outcomes.count()
    if outcomes:
        found.append(AMBITION_HAS_OUTCOMES.format(count=outcomes, s=_plural(outcomes)))
    narratives = Narrative.objects.filter(ambition=ambition).count()
    if narratives:
        found.append(AMBITION_HAS_NARRATIVES.format(count=narratives, s=_plural(narratives)))
    committees = list(ambition.committees.order_by("name").values_list("name", flat=True))
    if committees:
        found.append(AMBITION_IN_REMIT.format(names=", ".join(committees)))
    return found


@transaction.atomic
@audited(reason="reason")
def remove_ambition(*, ambition: Ambition, by, reason: str) -> None:
    """Remove an ambition nothing depends on."""
    require(by, Action.MANAGE_FRAMEWORK)
    ambition = Ambition.objects.select_for_update().get(pk=ambition.pk)
    _refuse_if_depended_on(ambition_dependents(ambition))
    _need_reason(reason, REMOVE_REASON_REQUIRED)
    ambition.delete()


# --- Outcomes --------------------------------------------------------------------------------


@transaction.atomic
@audited(reason="reason")
def add_outcome(*, ambition: Ambition, values: dict, by, reason: str = "") -> Outcome:
    """Add an outcome under an ambition, after its others."""
    require(by, Action.MANAGE_FRAMEWORK)
    ambition = Ambition.objects.select_for_update().get(pk=ambition.pk)
    _check_code(Outcome, values["code"], "the outcome")
    outcome = Outcome(ambition=ambition, order=_last_order(ambition.outcomes.all()))
    save_changes(outcome, values, reason=None)
    return outcome


@transaction.atomic
@audited(reason="reason")
def change_outcome(*, outcome: Outcome, values: dict, by, reason: str) -> bool:
    """Change an outcome's words, lead, principles or ambition (moved, it goes last)."""
    require(by, Action.MANAGE_FRAMEWORK)
    outcome = Outcome.objects.select_for_update().get(pk=outcome.pk)
    ambition = values.get("ambition")
    if ambition is not None and ambition.pk != outcome.ambition_id:
        values = {**values, "order": _last_order(ambition.outcomes.all())}
    return save_changes(outcome, values, reason=reason)


@transaction.atomic
@audited()
def move_outcome(*, outcome: Outcome, up: bool, by) -> bool:
    """Move an outcome one place up or down among its ambition's outcomes."""
    require(by, Action.MANAGE_FRAMEWORK)
    siblings = Outcome.objects.select_for_update().filter(ambition_id=outcome.ambition_id)
    return _move(outcome, siblings.order_by("order", "title", "pk"), up=up)


def outcome_dependents(outcome: Outcome) -> list[str]:
    found = []
    linked = list(outcome.indicators.order_by("code").values_list("code", flat=True))
    if linked:
        verb = "is" if len(linked) == 1 else "are"
        found.append(
            OUTCOME_HAS_INDICATORS.format(
                count=len(linked), s=_plural(len(linked)), verb=verb, codes=", ".join(linked)
            )
        )
    # Versions keep outcome ids as JSON; not every database can search inside it, so read them.
    earlier = sorted(
        {
            code
            for code, ids in IndicatorVersion.objects.values_list("indicator__code", "outcome_ids")
            if outcome.pk in (ids or []) and code not in linked
        }
    )
    if earlier:
        found.append(OUTCOME_WAS_LINKED.format(codes=", ".join(earlier)))
    return found


@transaction.atomic
@audited(reason="reason")
def remove_outcome(*, outcome: Outcome, by, reason: str) -> None:
    """Remove an outcome no indicator is or was linked to."""
    require(by, Action.MANAGE_FRAMEWORK)
    outcome = Outcome.objects.select_for_update().get(pk=outcome.pk)
    _refuse_if_depended_on(outcome_dependents(outcome))
    _need_reason(reason, REMOVE_REASON_REQUIRED)
    outcome.delete()


# --- Reading the tree ------------------------------------------------------------------------


def framework_tree() -> list[Plan]:
    """Every plan with its ambitions and their outcomes, each outcome with its number of
    linked indicators (three queries, whatever their number)."""
    outcomes = Outcome.objects.select_related("lead_unit").annotate(
        indicator_count=models.Count("indicators", distinct=True)
    )
    return list(
        Plan.objects.select_related("parent")
        .prefetch_related(
            models.Prefetch(
                "ambitions",
                queryset=Ambition.objects.order_by("order", "title", "pk").prefetch_related(
                    models.Prefetch("outcomes", queryset=outcomes.order_by("order", "title", "pk"))
                ),
            )
        )
        .order_by("-is_current", "-starts_on", "title")
    )
