"""Background work for collection, run by the tasks worker (`manage.py db_worker`)."""

from django.tasks import task
from django.utils import timezone

from returns.chasing import send_reminders


@task
def send_due_reminders() -> int:
    """Send the reminder emails whose day has come; returns how many were sent."""
    return len(send_reminders(today=timezone.localdate()))
