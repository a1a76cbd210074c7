"""The audit log: one append-only list of changes to configuration and to what decides what is
published, each entry chained to the one before by a hash (decision 0013).

Entries are only ever added, by `audit.chain.append`; the model, its queryset and (in the
database) a trigger refuse to change or delete one. `AuditHead` holds the last entry's number and
hash: appending locks it, so two writers never fork the chain, and a rolled-back change takes its
entry with it.
"""

from django.conf import settings
from django.db import models

GENESIS_HASH = "0" * 64  # the "previous hash" of the first entry

APPEND_ONLY = "Audit entries are never changed or deleted"


class AppendOnly(Exception):
    """Something tried to change or delete an audit entry."""


class Source(models.TextChoices):
    PAGE = "page", "Page"
    ADMIN = "admin", "Admin"
    COMMAND = "command", "Command"
    IMPORT = "import", "Import"
    SYSTEM = "system", "System"
    API = "api", "API"  # a change made with a personal API token


class AuditEntryQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise AppendOnly(APPEND_ONLY)

    def delete(self):
        raise AppendOnly(APPEND_ONLY)

    def bulk_create(self, *args, **kwargs):
        raise AppendOnly("Audit entries are added one by one, by audit.chain.append")

    def bulk_update(self, *args, **kwargs):
        raise AppendOnly(APPEND_ONLY)


class AuditEntry(models.Model):
    """One change: who, when, from where, what, why, and the fields before and after."""

    sequence = models.PositiveBigIntegerField(primary_key=True, verbose_name="entry")
    at = models.DateTimeField(db_index=True)
    # A person who ever changed something is kept (deactivate them instead): PROTECT.
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    actor_name = models.CharField(max_length=200, blank=True)
    source = models.CharField(max_length=10, choices=Source.choices)
    action = models.CharField(max_length=60)
    object_type = models.CharField(max_length=100, help_text="app_label.model")
    object_id = models.CharField(max_length=64, blank=True)
    object_label = models.CharField(max_length=200, blank=True)
    before = models.JSONField(null=True, blank=True)
    after = models.JSONField(null=True, blank=True)
    reason = models.TextField(blank=True)
    previous_hash = models.CharField(max_length=64)
    entry_hash = models.CharField(max_length=64, unique=True)

    objects = AuditEntryQuerySet.as_manager()

    class Meta:
        ordering = ["-sequence"]
        verbose_name_plural = "audit entries"
        indexes = [models.Index(fields=["object_type", "object_id"])]

    def __str__(self) -> str:
        return f"#{self.sequence} {self.action} {self.object_label}".strip()

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise AppendOnly(APPEND_ONLY)
        kwargs["force_insert"] = True
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnly(APPEND_ONLY)


class AuditHead(models.Model):
    """The one row that says where the chain ends: locked by every append."""

    sequence = models.PositiveBigIntegerField(default=0)
    entry_hash = models.CharField(max_length=64, default=GENESIS_HASH)

    def __str__(self) -> str:
        return f"Audit log up to #{self.sequence}"
