"""Improvement actions: the findings they come from (a clinic on an under-performing
indicator, an internal audit, an inspection, a peer challenge, an award or assessment), the
actions agreed with owners and due dates, and their periodic updates, which are returns."""

from django.conf import settings
from django.db import models

from indicators.models import Indicator, Period
from organisation.models import OrgUnit
from signoff.models import Returnable, Revision
from status.improvement import ActionState
from strategy.models import Outcome


class Source(models.TextChoices):
    CLINIC = "clinic", "Improvement clinic"
    INTERNAL_AUDIT = "internal_audit", "Internal audit"
    INSPECTION = "inspection", "Inspection"
    PEER_CHALLENGE = "peer_challenge", "Peer challenge"
    AWARD = "award", "Award or assessment"


class Finding(models.Model):
    """Where actions come from: a report's recommendations, or a clinic on one indicator."""

    kind = models.CharField(max_length=20, choices=Source.choices)
    title = models.CharField(max_length=200)
    found_on = models.DateField(help_text="The report's date, or the clinic's")
    reference = models.CharField(max_length=60, blank=True, help_text='e.g. "IA 2026/14"')
    body = models.CharField(
        max_length=120, blank=True, help_text='Who reported: e.g. "Internal audit", "Ofsted", "LGA"'
    )
    unit = models.ForeignKey(OrgUnit, on_delete=models.PROTECT, related_name="improvement_findings")
    indicator = models.ForeignKey(
        Indicator,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="improvement_findings",
        help_text="For an improvement clinic: the under-performing indicator",
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField()

    class Meta:
        ordering = ["-found_on", "title"]

    def __str__(self) -> str:
        return f"{self.reference} {self.title}".strip()

    @property
    def owning_unit_id(self) -> int:
        return self.unit_id


class ImprovementAction(models.Model):
    """One action agreed from a finding: owner, due date (kept as first agreed), state."""

    finding = models.ForeignKey(Finding, on_delete=models.PROTECT, related_name="actions")
    reference = models.CharField(max_length=60, help_text='e.g. "IA 2026/14 R3"')
    description = models.TextField()
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="improvement_actions"
    )
    unit = models.ForeignKey(OrgUnit, on_delete=models.PROTECT, related_name="improvement_actions")
    state = models.CharField(
        max_length=20, choices=ActionState.choices(), default=ActionState.open.value
    )
    # The date first agreed: never changed afterwards (revisions go to revised_due_on).
    due_on = models.DateField()
    revised_due_on = models.DateField(null=True, blank=True)
    revised_reason = models.TextField(blank=True)
    completed_on = models.DateField(null=True, blank=True)
    evidence = models.TextField(blank=True, help_text="What shows the action is done")
    indicators = models.ManyToManyField(Indicator, blank=True, related_name="improvement_actions")
    outcomes = models.ManyToManyField(Outcome, blank=True, related_name="improvement_actions")
    agreed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    agreed_at = models.DateTimeField()

    class Meta:
        ordering = ["due_on", "reference"]
        indexes = [models.Index(fields=["unit", "state"]), models.Index(fields=["owner", "state"])]

    def __str__(self) -> str:
        return f"{self.reference}: {self.description[:60]}"

    @property
    def owning_unit_id(self) -> int:
        return self.unit_id

    @property
    def current_due_on(self):
        return self.revised_due_on or self.due_on


class DueDateChange(models.Model):
    """One revision of an action's due date, with its reason: the original is never lost."""

    action = models.ForeignKey(
        ImprovementAction, on_delete=models.CASCADE, related_name="due_date_changes"
    )
    before = models.DateField()
    after = models.DateField()
    reason = models.TextField()
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    at = models.DateTimeField()

    class Meta:
        ordering = ["action", "at", "pk"]

    def __str__(self) -> str:
        return f"{self.before} to {self.after}"


class ActionUpdate(Returnable):
    """An action's update for one reporting period: the state reported, progress, evidence."""

    action = models.ForeignKey(ImprovementAction, on_delete=models.PROTECT, related_name="updates")
    period = models.ForeignKey(Period, on_delete=models.PROTECT, related_name="improvement_updates")
    reported_state = models.CharField(max_length=20, choices=ActionState.choices())
    progress = models.TextField(blank=True, help_text="What has been done, and what is next")
    evidence = models.TextField(blank=True, help_text="What shows the progress")

    TRACKED_FIELDS = ("reported_state", "progress", "evidence", "state")

    class Meta:
        ordering = ["action", "period__starts_on"]
        constraints = [
            models.UniqueConstraint(
                fields=["action", "period"], name="one_action_update_per_period"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.action.reference} {self.period}"

    @property
    def owning_unit_id(self) -> int:
        return self.action.unit_id


class ActionUpdateRevision(Revision):
    update = models.ForeignKey(ActionUpdate, on_delete=models.CASCADE, related_name="revisions")

    class Meta:
        ordering = ["update", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["update", "number"], name="one_action_update_revision_number"
            )
        ]
