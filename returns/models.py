"""The collection process around values: evidence files, reminders and imports.

The figures themselves, their workflow and reporting cycles live in `indicators`.
"""

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models


class Evidence(models.Model):
    """A file supporting a value: a source report, a spreadsheet, a screenshot."""

    value = models.ForeignKey("indicators.Value", on_delete=models.CASCADE, related_name="evidence")
    file = models.FileField(upload_to="evidence/%Y/%m/")
    original_name = models.CharField(max_length=255)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField(help_text="Bytes")
    description = models.CharField(max_length=200, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    uploaded_at = models.DateTimeField()

    class Meta:
        ordering = ["value", "uploaded_at"]
        verbose_name_plural = "evidence"

    def __str__(self) -> str:
        return self.original_name


class Audience(models.TextChoices):
    DATA_OWNER = "data_owner", "Data owners of the service"
    MANAGER = "manager", "Approvers and head of the service"
    PERFORMANCE_TEAM = "performance_team", "Performance team"


class Deadline(models.TextChoices):
    DATA_ENTRY = "data_entry", "Data-entry deadline"
    SIGNOFF = "signoff", "Sign-off deadline"


class ReminderRule(models.Model):
    """One step of the council's escalation: who is reminded, how long before or after which
    deadline, while returns are still outstanding."""

    deadline = models.CharField(max_length=20, choices=Deadline.choices)
    days_after = models.IntegerField(
        help_text="Days after the deadline (negative: before it; 0: on the day)"
    )
    audience = models.CharField(max_length=20, choices=Audience.choices)
    repeat_every_days = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        validators=[MinValueValidator(1)],
        help_text="Repeat every this many days until the returns are in (blank: send once)",
    )
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["deadline", "days_after", "audience"]
        constraints = [
            models.UniqueConstraint(
                fields=["deadline", "days_after", "audience"], name="one_reminder_rule_per_step"
            )
        ]

    def __str__(self) -> str:
        days = abs(self.days_after)
        span = f"{days} day{'s' if days != 1 else ''}"
        when = (
            f"{span} before"
            if self.days_after < 0
            else ("on the day of" if self.days_after == 0 else f"{span} after")
        )
        step = f"{self.get_audience_display()}, {when} the {self.get_deadline_display().lower()}"
        if self.repeat_every_days:
            every = (
                "every day"
                if self.repeat_every_days == 1
                else f"every {self.repeat_every_days} days"
            )
            step += f", then {every} until the returns are in"
        return step


class ReminderSent(models.Model):
    """A reminder email that went out: kept so nobody is reminded twice for one step's day
    (a repeating step has a day for each repeat)."""

    cycle = models.ForeignKey(
        "indicators.ReportingCycle", on_delete=models.CASCADE, related_name="reminders"
    )
    rule = models.ForeignKey(ReminderRule, on_delete=models.PROTECT, related_name="sent")
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reminders"
    )
    due_on = models.DateField(help_text="The step's day (or its repeat's) this reminder is for")
    outstanding = models.PositiveIntegerField(help_text="Returns outstanding when it was sent")
    subject = models.CharField(max_length=200)
    sent_at = models.DateTimeField()

    class Meta:
        ordering = ["-sent_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["cycle", "rule", "recipient", "due_on"], name="one_reminder_per_step_day"
            )
        ]
        verbose_name_plural = "reminders sent"

    def __str__(self) -> str:
        return f"{self.subject} to {self.recipient}"


class ImportState(models.TextChoices):
    QUEUED = "queued", "Waiting to start"
    RUNNING = "running", "Checking and importing"
    DONE = "done", "Imported"
    FAILED = "failed", "Rejected: nothing was imported"


class ImportKind(models.TextChoices):
    RETURN_WORKBOOK = "return_workbook", "Service return workbook (Excel)"
    CSV = "csv", "Values for many services (CSV)"


class ImportRun(models.Model):
    """One uploaded file of figures: checked whole, imported whole or not at all."""

    kind = models.CharField(max_length=20, choices=ImportKind.choices)
    cycle = models.ForeignKey(
        "indicators.ReportingCycle",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="imports",
    )
    service = models.ForeignKey(
        "organisation.OrgUnit",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="For a service return workbook: the return it was uploaded to",
    )
    file = models.FileField(upload_to="imports/%Y/%m/")
    original_name = models.CharField(max_length=255)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    state = models.CharField(max_length=10, choices=ImportState.choices, default=ImportState.QUEUED)
    total_rows = models.PositiveIntegerField(default=0)
    processed_rows = models.PositiveIntegerField(default=0)
    imported_rows = models.PositiveIntegerField(default=0)
    problems = models.JSONField(default=list, blank=True, help_text="[{row, field, message}]")
    notes = models.JSONField(
        default=list, blank=True, help_text="Figures to check, not errors: [{row, field, message}]"
    )
    created_at = models.DateTimeField()
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.original_name}"


class CycleAction(models.TextChoices):
    CREATED = "created", "Created"
    OPENED = "opened", "Opened for returns"
    CLOSED = "closed", "Closed, figures locked"
    REOPENED = "reopened", "Reopened"


class CycleEvent(models.Model):
    """One change to a reporting cycle (created, opened, closed, reopened): who, when, why."""

    cycle = models.ForeignKey(
        "indicators.ReportingCycle", on_delete=models.CASCADE, related_name="events"
    )
    action = models.CharField(max_length=20, choices=CycleAction.choices)
    reason = models.TextField(blank=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    at = models.DateTimeField()

    class Meta:
        ordering = ["cycle", "at", "pk"]

    def __str__(self) -> str:
        return f"{self.cycle}: {self.get_action_display()} on {self.at:%d %B %Y}"
