"""The performance team's pages for the reminder rules: the escalation as a list, adding,
changing (with a reason) and removing a step that never sent a reminder."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.db.models import Count
from django.shortcuts import get_object_or_404, render
from django.urls import reverse

from framework import reminder_rules
from framework.history import history
from framework.structure_forms import ReminderRuleForm
from framework.structure_views import edit_page, remove_page
from organisation.permissions import Action, require
from returns.models import ReminderRule

RULES = "Reminder rules"
RENAMES = {"days_after": "days"}  # the form asks for days and before or after


def _crumbs(*trail) -> list[tuple[str, str | None]]:
    return [
        ("Manage the framework", reverse("framework:home")),
        (RULES, reverse("framework:reminder_rules")),
        *trail,
    ]


@login_required
def reminder_rules_page(request):
    """The escalation, step by step, with how many reminders each step has sent."""
    require(request.user, Action.MANAGE_FRAMEWORK)
    rules = ReminderRule.objects.annotate(sent_count=Count("sent")).order_by(
        "deadline", "days_after", "audience"
    )
    return render(
        request,
        "framework/structure/reminder_rules.html",
        {
            "rules": rules,
            "breadcrumbs": [("Manage the framework", reverse("framework:home")), (RULES, None)],
            "nav_current": "framework",
        },
    )


@login_required
def reminder_rule_add_page(request):
    require(request.user, Action.MANAGE_FRAMEWORK)
    form = ReminderRuleForm(request.POST or None, adding=True)
    return edit_page(
        request,
        form=form,
        save=lambda values, reason: reminder_rules.add_reminder_rule(
            values=values, by=request.user, reason=reason
        ),
        done=lambda rule: (reverse("framework:reminder_rules"), f"Step added: {rule}."),
        renames=RENAMES,
        context={
            "title": "Add a step to the escalation",
            "submit": "Add the step",
            "breadcrumbs": _crumbs(("Add a step", None)),
            "cancel": reverse("framework:reminder_rules"),
        },
    )


@login_required
def reminder_rule_page(request, pk: int):
    require(request.user, Action.MANAGE_FRAMEWORK)
    rule = get_object_or_404(ReminderRule, pk=pk)
    form = ReminderRuleForm(
        request.POST or None,
        adding=False,
        initial=ReminderRuleForm.initial_for(rule),
        reason_required=reminder_rules.REASON_REQUIRED,
    )
    title = str(rule)
    return edit_page(
        request,
        form=form,
        save=lambda values, reason: reminder_rules.change_reminder_rule(
            rule=rule, values=values, by=request.user, reason=reason
        ),
        done=lambda result: (
            reverse("framework:reminder_rule", args=[rule.pk]),
            "The step was changed.",
        ),
        renames=RENAMES,
        context={
            "title": title[0].upper() + title[1:],
            "caption": "Reminder rule" if rule.is_active else "Reminder rule, switched off",
            "submit": "Save the changes",
            "breadcrumbs": _crumbs(("Step", None)),
            "remove_url": reverse("framework:reminder_rule_remove", args=[rule.pk]),
            "events": history(rule),
        },
    )


@login_required
def reminder_rule_remove_page(request, pk: int):
    require(request.user, Action.MANAGE_FRAMEWORK)
    rule = get_object_or_404(ReminderRule, pk=pk)
    refusal = reminder_rules.removal_refusal(rule)
    url = reverse("framework:reminder_rule", args=[rule.pk])
    return remove_page(
        request,
        what=f"the step “{rule}”",
        dependents=[refusal] if refusal else [],
        remove=lambda reason: reminder_rules.remove_reminder_rule(
            rule=rule, by=request.user, reason=reason
        ),
        back=url,
        done=(reverse("framework:reminder_rules"), f"Step removed: {rule}."),
        breadcrumbs=_crumbs(("Step", url), ("Remove", None)),
        reason_required=reminder_rules.REMOVE_REASON_REQUIRED,
    )
