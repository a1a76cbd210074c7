"""Queue the periodic notice run for the tasks worker; run every few minutes from cron or a
systemd timer (docs/deploy.md, "Notices")."""

from django.core.management.base import BaseCommand, CommandError
from django.tasks import TaskResultStatus

from notices.tasks import send_due_notices


class Command(BaseCommand):
    help = (
        "Tell the reports released since the last run and email the notices still waiting "
        "(the tasks worker does it)."
    )

    def handle(self, *args, **options):
        result = send_due_notices.enqueue()
        # An immediate backend (tests, a small install without a worker) has already run it.
        if result.status == TaskResultStatus.SUCCESSFUL:
            self.stdout.write(f"Sent {result.return_value} notice email(s).")
        elif result.status == TaskResultStatus.FAILED:
            raise CommandError(f"Sending notices failed:\n{result.errors[-1].traceback}")
        else:
            self.stdout.write(f"Queued the notices task ({result.id}); the tasks worker runs it.")
