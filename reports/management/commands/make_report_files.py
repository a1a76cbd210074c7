"""Queue the PDF, Word and Excel files of every approved report that lacks them."""

from django.core.management.base import BaseCommand
from django.db import transaction

from reports.reporting import queue_missing_files


class Command(BaseCommand):
    help = (
        "Queue the files of approved reports that have none made from their approved content "
        "(the tasks worker makes them)."
    )

    def handle(self, *args, **options):
        with transaction.atomic():
            queued = queue_missing_files()
        self.stdout.write(f"Queued {queued} report file{'s' if queued != 1 else ''}.")
