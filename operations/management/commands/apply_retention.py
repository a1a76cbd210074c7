"""Remove uploaded files past the council's retention rules, recording each removal."""

import getpass

from django.core.management.base import BaseCommand
from django.utils import timezone

from operations.models import RetentionPolicy
from operations.retention import apply_retention, due_for_removal


class Command(BaseCommand):
    help = (
        "Remove uploaded import files and evidence of superseded or returned drafts older "
        "than the council's retention rules (admin: Operations, Retention rules), recording "
        "each. Never removes a file that is part of a published figure's history."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run", action="store_true", help="List what would be removed; remove nothing"
        )

    def handle(self, *args, dry_run: bool, **options):
        policy = RetentionPolicy.current()
        if policy.keep_import_files_days is None and policy.keep_draft_evidence_days is None:
            self.stdout.write("No retention rules are set: every file is kept.")
            return
        if dry_run:
            due = due_for_removal(now=timezone.now(), policy=policy)
            for removal in due:
                self.stdout.write(f"  would remove {removal}")
            self.stdout.write(f"Dry run: {len(due)} file(s) would be removed; none was.")
            return
        by = f"manage.py apply_retention, run by {getpass.getuser()}"
        removed = apply_retention(by=by)
        for record in removed:
            self.stdout.write(f"  removed {record.get_kind_display().lower()} {record.path}")
        self.stdout.write(
            self.style.SUCCESS(
                f"Removed {len(removed)} file(s) past the retention rules; each is recorded "
                "(admin: Operations, Files removed under the retention rules)."
            )
        )
