"""Committee, annual and area-of-interest reports; their approval, release and withdrawal.

A report is written as a draft, approved by someone other than its last editor, and released
when its embargo passes: its meeting has begun (and any later "publish after" time). On
approval its content is frozen as a snapshot: every output and every public page is made from
that snapshot, so what was approved is exactly what is published.
"""

from django.conf import settings
from django.db import models


class ReportKind(models.TextChoices):
    COMMITTEE = "committee", "Committee performance report"
    ANNUAL = "annual", "Annual performance report"
    AREA = "area", "Area of interest report"


class ReportState(models.TextChoices):
    DRAFT = "draft", "Draft"
    APPROVED = "approved", "Approved"
    WITHDRAWN = "withdrawn", "Withdrawn"


class Report(models.Model):
    kind = models.CharField(max_length=20, choices=ReportKind.choices)
    title = models.CharField(max_length=200)
    committee = models.ForeignKey(
        "strategy.Committee",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="reports",
        help_text="The committee whose remit decides the indicators and appendices",
    )
    meeting = models.ForeignKey(
        "strategy.Meeting",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="reports",
        help_text="The meeting that receives the report: nothing is public before it starts",
    )
    period = models.ForeignKey(
        "indicators.Period",
        on_delete=models.PROTECT,
        related_name="reports",
        help_text="A quarter, or a financial year for the annual report",
    )
    extra_indicators = models.ManyToManyField(
        "indicators.Indicator",
        blank=True,
        related_name="reports",
        help_text="Indicators for an area of interest, beyond the committee's remit",
    )
    # The narrative: the one-page summary members ask for, then the paper's own sections.
    report_of = models.CharField(
        max_length=200, blank=True, help_text='Who the report is from, e.g. "Chief Executive"'
    )
    contact = models.CharField(max_length=200, blank=True, help_text="Contact officer")
    purpose = models.TextField(blank=True)
    recommendations = models.TextField(blank=True)
    going_well = models.TextField(blank=True)
    not_going_well = models.TextField(blank=True)
    being_done = models.TextField(blank=True)
    exceptions_text = models.TextField(blank=True)
    area_text = models.TextField(blank=True, help_text="Why the area of interest is included")

    state = models.CharField(max_length=20, choices=ReportState.choices, default="draft")
    publish_after = models.DateTimeField(
        null=True,
        blank=True,
        help_text="Keep the report embargoed until this time, even after its meeting",
    )
    lock_version = models.PositiveIntegerField(default=1)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField()
    edited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    edited_at = models.DateTimeField()
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    approved_at = models.DateTimeField(null=True, blank=True)
    snapshot = models.JSONField(null=True, blank=True, editable=False)
    snapshot_hash = models.CharField(max_length=64, blank=True, editable=False)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    withdrawal_reason = models.TextField(blank=True)

    class Meta:
        ordering = ["-period__ends_on", "-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(state="approved")
                | models.Q(snapshot__isnull=False, approved_at__isnull=False),
                name="approved_report_has_snapshot",
            )
        ]

    def __str__(self) -> str:
        return self.title


class ReportEventKind(models.TextChoices):
    CREATED = "created", "Created"
    EDITED = "edited", "Edited"
    APPROVED = "approved", "Approved"
    REOPENED = "reopened", "Reopened for changes"
    HELD = "held", "Publication time set"
    WITHDRAWN = "withdrawn", "Withdrawn from publication"


class ReportEvent(models.Model):
    """What happened to a report, by whom and why: the audit trail of its release."""

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=20, choices=ReportEventKind.choices)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    at = models.DateTimeField()
    reason = models.TextField(blank=True)

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.report}: {self.get_kind_display()}"


class OutputFormat(models.TextChoices):
    PDF = "pdf", "PDF"
    DOCX = "docx", "Word document"
    XLSX = "xlsx", "Excel workbook"


class OutputState(models.TextChoices):
    QUEUED = "queued", "Waiting to start"
    RUNNING = "running", "Being made"
    DONE = "done", "Ready"
    FAILED = "failed", "Failed"


class ReportOutput(models.Model):
    """A file made from a report in the background; its progress, then the file."""

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="outputs")
    format = models.CharField(max_length=10, choices=OutputFormat.choices)
    state = models.CharField(max_length=10, choices=OutputState.choices, default="queued")
    progress = models.PositiveSmallIntegerField(default=0, help_text="Per cent done")
    step = models.CharField(max_length=100, blank=True)
    # The content the file was made from: a file only matches its report while this equals
    # the report's snapshot hash (or, for a draft preview, its content at the time).
    content_hash = models.CharField(max_length=64, blank=True)
    is_draft = models.BooleanField(default=True)
    file = models.FileField(upload_to="reports/%Y/%m/", blank=True)
    size = models.PositiveIntegerField(default=0)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    requested_at = models.DateTimeField()
    finished_at = models.DateTimeField(null=True, blank=True)
    error = models.TextField(blank=True)

    class Meta:
        ordering = ["-requested_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.report} ({self.get_format_display()})"
