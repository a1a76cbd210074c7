"""Queue again, or mark failed, the background jobs a stopped worker left running."""

from datetime import timedelta

from django.conf import settings
from django.core.management.base import BaseCommand

from operations.jobs import STALE_AFTER, recover_jobs
from operations.storage import remove_leftover_files


class Command(BaseCommand):
    help = (
        "Find imports and report files left running by a worker that stopped (its process on "
        "this machine is gone, or it started more than --stale-after minutes ago), and queue "
        "each again, or mark it failed after two stops. Run it before starting the worker."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--stale-after",
            type=int,
            default=int(STALE_AFTER.total_seconds() // 60),
            help=f"Minutes after which a running job counts as stopped (default "
            f"{int(STALE_AFTER.total_seconds() // 60)})",
        )

    def handle(self, *args, stale_after: int, **options):
        recovered = recover_jobs(stale_after=timedelta(minutes=stale_after))
        for job in recovered:
            self.stdout.write(f"  {job}")
        leftovers = remove_leftover_files(
            settings.MEDIA_ROOT, older_than=timedelta(minutes=stale_after)
        )
        for path in leftovers:
            self.stdout.write(f"  removed a partly written file: {path}")
        self.stdout.write(
            f"Recovered {len(recovered)} job(s); removed {len(leftovers)} partly written file(s)."
        )
