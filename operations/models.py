"""What running the service keeps: the council's retention rules for uploaded files, a record
of every file removed under them, and each worker's claim on a background job."""

from django.conf import settings
from django.db import models

FOREVER = "Blank: keep forever"


class RetentionPolicy(models.Model):
    """How long uploaded files are kept (one row, set by the council in the admin).

    Whatever these say, a file that is part of a published figure's history is never removed
    (`operations.retention`)."""

    keep_import_files_days = models.PositiveIntegerField(
        "keep uploaded import files for (days)",
        null=True,
        blank=True,
        help_text="Spreadsheets and CSV files of figures, counted from the upload. " + FOREVER,
    )
    keep_draft_evidence_days = models.PositiveIntegerField(
        "keep evidence of superseded or returned drafts for (days)",
        null=True,
        blank=True,
        help_text="Evidence of a figure never signed off, counted from when the figure was "
        "returned for correction or changed after the evidence was attached. " + FOREVER,
    )
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    changed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "retention rules"
        constraints = [
            models.CheckConstraint(condition=models.Q(pk=1), name="one_retention_policy")
        ]

    def __str__(self) -> str:
        return "Retention rules for uploaded files"

    @classmethod
    def current(cls) -> "RetentionPolicy":
        """The council's rules; until it sets any, everything is kept forever."""
        return cls.objects.filter(pk=1).first() or cls(pk=1)


class RemovedFileKind(models.TextChoices):
    IMPORT_FILE = "import_file", "Uploaded import file"
    EVIDENCE = "evidence", "Evidence file"


class RemovedFile(models.Model):
    """A file removed under the retention rules: what it was, whose, which rule, who ran it."""

    kind = models.CharField(max_length=20, choices=RemovedFileKind.choices)
    path = models.CharField(max_length=255, help_text="Where it was kept, under the media folder")
    original_name = models.CharField(max_length=255)
    size = models.PositiveBigIntegerField(default=0, help_text="Bytes")
    sha256 = models.CharField(max_length=64, blank=True, help_text="Blank if already missing")
    value = models.ForeignKey(
        "indicators.Value",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="For evidence: the figure it was attached to",
    )
    import_run = models.ForeignKey(
        "returns.ImportRun", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    uploaded_at = models.DateTimeField(null=True, blank=True)
    rule = models.CharField(max_length=200, help_text="The retention rule that removed it")
    removed_at = models.DateTimeField()
    removed_by = models.CharField(max_length=200, help_text="Who ran the removal")

    class Meta:
        ordering = ["-removed_at", "-pk"]
        verbose_name = "file removed under the retention rules"
        verbose_name_plural = "files removed under the retention rules"

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.original_name}"


class JobKind(models.TextChoices):
    IMPORT = "import", "Import of figures"
    REPORT_FILE = "report_file", "Report file"


class AttemptOutcome(models.TextChoices):
    RUNNING = "", "Running"
    FINISHED = "finished", "Finished"
    REQUEUED = "requeued", "Stopped, queued again"
    FAILED = "failed", "Stopped, marked failed"


class JobAttempt(models.Model):
    """One worker's claim on a background job (an import, a report file): when it started and
    how it ended. A claim still open long after it started is a worker that stopped."""

    kind = models.CharField(max_length=20, choices=JobKind.choices)
    job_id = models.PositiveBigIntegerField()
    number = models.PositiveSmallIntegerField(help_text="1 for the first attempt")
    worker = models.CharField(max_length=200, help_text="host:process of the worker")
    started_at = models.DateTimeField()
    outcome = models.CharField(
        max_length=10, choices=AttemptOutcome.choices, blank=True, default=""
    )
    ended_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["kind", "job_id", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "job_id", "number"], name="one_attempt_number_per_job"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.job_id}, attempt {self.number}"
