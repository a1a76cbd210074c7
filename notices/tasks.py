"""Background work for notices, run by the tasks worker (`manage.py db_worker`)."""

from django.tasks import task

from notices.sending import email_notices, notify_reports_published


@task
def send_notice_emails() -> int:
    """Email the notices waiting to be emailed; returns how many were sent."""
    return len(email_notices())


@task
def send_due_notices() -> int:
    """Tell the reports released since the last run, then email every notice still waiting
    (those whose email failed before, too); returns how many emails were sent."""
    notify_reports_published()
    return len(email_notices())
