"""A financial year's targets for an indicator, as the performance team proposes them and
the director agrees them, with the kept history of each step.

A proposal never judges a figure: agreeing it writes the indicator's `Target` rows (the
year's and each in-year period's), which the scorecards read (decision 0016).
"""

from django.conf import settings
from django.db import models

from indicators.models import DECIMAL, Indicator, Period
from targets.profiles import PROFILE_LABELS, Profile


class TargetState(models.TextChoices):
    DRAFT = "draft", "Draft"
    PROPOSED = "proposed", "Awaiting agreement"
    AGREED = "agreed", "Agreed"
    RETURNED = "returned", "Returned for revision"


class YearTarget(models.Model):
    """An indicator's targets for one financial year: the annual target, its in-year profile,
    the tolerance and the rationale, and where they stand in agreement."""

    indicator = models.ForeignKey(Indicator, on_delete=models.PROTECT, related_name="+")
    year = models.ForeignKey(Period, on_delete=models.PROTECT, related_name="+")
    annual = models.DecimalField(
        "annual target", **DECIMAL, null=True, blank=True, help_text="Blank for an in-range target"
    )
    lower = models.DecimalField(**DECIMAL, null=True, blank=True)
    upper = models.DecimalField(**DECIMAL, null=True, blank=True)
    profile = models.CharField(
        max_length=10, choices=[(p.value, PROFILE_LABELS[p]) for p in Profile], default="even"
    )
    # Each in-year period's target by period code, as text (exact decimals), in period order.
    period_targets = models.JSONField(default=dict, blank=True)
    tolerance_percent = models.DecimalField(max_digits=6, decimal_places=2, null=True, blank=True)
    tolerance_absolute = models.DecimalField(**DECIMAL, null=True, blank=True)
    rationale = models.TextField(blank=True)
    state = models.CharField(max_length=10, choices=TargetState.choices, default="draft")
    # A change after the year started needs a reason: kept until the change is agreed.
    change_reason = models.TextField(blank=True)
    lock_version = models.PositiveIntegerField(default=0)
    set_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    set_at = models.DateTimeField()
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    proposed_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    return_reason = models.TextField(blank=True)

    class Meta:
        ordering = ["year__starts_on", "indicator__code"]
        constraints = [
            models.UniqueConstraint(fields=["indicator", "year"], name="one_year_target_per_year")
        ]

    def __str__(self) -> str:
        return f"{self.indicator.code} targets for {self.year}"

    @property
    def state_tag(self) -> str:
        """The GOV.UK tag colour of its state (the state's words are always shown too)."""
        return STATE_TAGS[self.state]


STATE_TAGS = {
    TargetState.DRAFT: "govuk-tag--grey",
    TargetState.PROPOSED: "govuk-tag--blue",
    TargetState.AGREED: "govuk-tag--green",
    TargetState.RETURNED: "govuk-tag--red",
}


class TargetAction(models.TextChoices):
    SET = "set", "Set"
    PROPOSED = "proposed", "Proposed for agreement"
    AGREED = "agreed", "Agreed"
    RETURNED = "returned", "Returned for revision"


class TargetEvent(models.Model):
    """One step in a year target's history: who, when, why, before and after."""

    year_target = models.ForeignKey(YearTarget, on_delete=models.PROTECT, related_name="events")
    action = models.CharField(max_length=10, choices=TargetAction.choices)
    before = models.JSONField(null=True, blank=True)
    after = models.JSONField()
    reason = models.TextField(blank=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField()

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.year_target}: {self.get_action_display()}"
