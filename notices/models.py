"""Notices: what a person is told when something in the workflow concerns them, in the product
and, if they want it, by email. A notice carries a summary and a link, never a figure
(docs/decisions/0015-notices.md)."""

from django.conf import settings
from django.db import models


class NoticeKind(models.TextChoices):
    FIGURE_RETURNED = "figure_returned", "A figure returned to you for correction"
    FIGURES_SUBMITTED = "figures_submitted", "Figures submitted for you to sign off"
    REPORT_APPROVED = "report_approved", "A report approved and ready to read"
    REPORT_PUBLISHED = "report_published", "A report published"
    CYCLE_OPENED = "cycle_opened", "A reporting cycle opened for returns"
    # Project updates, risk reviews, forecasts, action updates and service plans.
    RETURN_SENT_BACK = "return_sent_back", "An update, review, forecast or plan returned to you"
    RETURN_SUBMITTED = "return_submitted", "An update, review, forecast or plan to sign off"
    TARGETS_PROPOSED = "targets_proposed", "The year's targets proposed for you to agree"
    TARGETS_RETURNED = "targets_returned", "Targets you proposed returned by a director"


class Notice(models.Model):
    """One thing one person is told. `key` names the event: the same event never makes two
    notices for the same person, however often it is told."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notices"
    )
    kind = models.CharField(max_length=30, choices=NoticeKind.choices)
    key = models.CharField(max_length=200, help_text="The event, e.g. figure_returned:value:12:v4")
    subject = models.CharField(max_length=200)
    summary = models.TextField(help_text="What happened, in words: never a figure")
    link = models.CharField(max_length=500, help_text="A path on this site")
    created_at = models.DateTimeField()
    read_at = models.DateTimeField(null=True, blank=True)
    email_wanted = models.BooleanField(
        help_text="The person wanted this kind by email (and had an address) when it was made"
    )
    emailed_at = models.DateTimeField(null=True, blank=True)
    # What a "to sign off" notice asks a decision on, each named "app_label.model:pk" between
    # spaces: once none of them waits for a decision, it is marked read for everyone it told.
    decides = models.TextField(blank=True, default="")

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["recipient", "key"], name="one_notice_per_event")
        ]
        indexes = [
            models.Index(fields=["recipient", "read_at"]),
            models.Index(fields=["email_wanted", "emailed_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.subject} to {self.recipient}"

    @property
    def is_unread(self) -> bool:
        return self.read_at is None


class NoticePreference(models.Model):
    """A person's choice of email for one kind of notice; without a row, email is on."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notice_preferences"
    )
    kind = models.CharField(max_length=30, choices=NoticeKind.choices)
    email = models.BooleanField(default=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "kind"], name="one_preference_per_kind")
        ]

    def __str__(self) -> str:
        return f"{self.user}: {self.get_kind_display()} by email {'on' if self.email else 'off'}"


class PublicationNoticed(models.Model):
    """A report's release that has been told, once per approval: the clock releases reports, so
    the periodic run (`notify_reports_published`) keeps this to tell each release once."""

    report = models.ForeignKey(
        "reports.Report", on_delete=models.CASCADE, related_name="publication_notices"
    )
    approved_at = models.DateTimeField(help_text="The approval that was released")
    released_at = models.DateTimeField()
    noticed_at = models.DateTimeField()
    told = models.BooleanField(
        help_text="False: released too long before it was found to be news (e.g. on first run)"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["report", "approved_at"], name="one_publication_notice_per_approval"
            )
        ]
        verbose_name_plural = "publications noticed"

    def __str__(self) -> str:
        return f"{self.report} released {self.released_at:%d %B %Y %H:%M}"
