"""Background work for collection, run by the tasks worker (`manage.py db_worker`)."""

from django.tasks import task
from django.utils import timezone

from returns.chasing import send_reminders


@task
def send_due_reminders() -> int:
    """Send the reminder emails whose day has come; returns how many were sent."""
    return len(send_reminders(today=timezone.localdate()))


@task
def run_import(run_id: int) -> str:
    """Check an uploaded file and import it whole, or reject it whole; returns the run's state."""
    from returns.imports import apply_import
    from returns.models import ImportRun

    return apply_import(ImportRun.objects.get(pk=run_id)).state
