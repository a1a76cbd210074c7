"""Queue today's reminder emails for the tasks worker; run daily from cron or a systemd timer."""

from django.core.management.base import BaseCommand, CommandError
from django.tasks import TaskResultStatus

from returns.tasks import send_due_reminders


class Command(BaseCommand):
    help = "Queue the reminder emails whose day has come (the tasks worker sends them)."

    def handle(self, *args, **options):
        result = send_due_reminders.enqueue()
        # An immediate backend (tests, a small install without a worker) has already run it.
        if result.status == TaskResultStatus.SUCCESSFUL:
            self.stdout.write(f"Sent {result.return_value} reminder(s).")
        elif result.status == TaskResultStatus.FAILED:
            raise CommandError(f"Sending reminders failed:\n{result.errors[-1].traceback}")
        else:
            self.stdout.write(
                f"Queued the reminder task ({result.id}); the tasks worker sends them."
            )
