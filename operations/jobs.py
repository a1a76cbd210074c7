"""Background jobs (imports of figures, report files): each run by exactly one worker, and
recovered when the worker running one stops part-way (killed, restarted, out of memory).

A job's row (`ImportRun`, `ReportOutput`) moves from queued to running by one conditional
UPDATE, so of two workers handed the same job only the first does anything; each claim is
recorded as a `JobAttempt`. A job still running long after its claim (`STALE_AFTER`), or whose
worker process on this machine has gone, was stopped: `recover_jobs` queues it again, or marks
it failed with a message once it has been stopped `MAX_ATTEMPTS` times. A job saves its result
only while its claim still stands (`hold`), so a worker given up for stopped that wakes later
changes nothing. What a job saves is saved in one transaction, so a stopped job has saved
nothing: starting it again is safe.
"""

from __future__ import annotations

import os
import socket
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import models, transaction
from django.utils import timezone

from operations.models import AttemptOutcome, JobAttempt, JobKind

STALE_AFTER = timedelta(minutes=15)
MAX_ATTEMPTS = 2

QUEUED, RUNNING, FAILED = "queued", "running", "failed"  # ImportState and OutputState alike

IMPORT_STOPPED = (
    "The import stopped before it finished, because the worker running it was stopped "
    "{times}. Nothing was imported. Upload the file again; if it stops again, tell the "
    "performance team"
)
REPORT_FILE_STOPPED = (
    "The file was not made, because the worker making it was stopped {times}. Ask for the "
    "file again; if it stops again, tell the performance team"
)
STARTING_AGAIN = "Waiting to start again: the worker making it stopped"


class JobLost(Exception):
    """The job was taken back from this worker (given up for stopped): save nothing."""


@dataclass(frozen=True)
class Kind:
    """How one kind of job is found, queued again and marked failed."""

    model: type[models.Model]
    created_field: str
    enqueue: Callable[[int], object]
    again: Callable[[], dict]  # fields that put a stopped job back in the queue
    failed: Callable[[datetime, str], dict]  # fields that mark it failed, given when and why
    stopped_message: str


def _kinds() -> dict[str, Kind]:
    # Imported here: the apps' own modules import this one.
    from reports.models import ReportOutput
    from reports.tasks import make_output
    from returns.imports import problem
    from returns.models import ImportRun
    from returns.tasks import run_import

    return {
        JobKind.IMPORT: Kind(
            model=ImportRun,
            created_field="created_at",
            enqueue=run_import.enqueue,
            again=lambda: {"state": QUEUED, "total_rows": 0, "processed_rows": 0},
            failed=lambda now, why: {
                "state": FAILED,
                "finished_at": now,
                "problems": [problem(None, "", why)],
            },
            stopped_message=IMPORT_STOPPED,
        ),
        JobKind.REPORT_FILE: Kind(
            model=ReportOutput,
            created_field="requested_at",
            enqueue=make_output.enqueue,
            again=lambda: {"state": QUEUED, "progress": 0, "step": STARTING_AGAIN, "error": ""},
            failed=lambda now, why: {
                "state": FAILED,
                "finished_at": now,
                "step": "Failed",
                "error": why,
            },
            stopped_message=REPORT_FILE_STOPPED,
        ),
    }


def worker_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


# --- A worker's side: claim, hold, finish -----------------------------------------------------


@transaction.atomic
def claim_job(kind: str, job_id: int, *, now: datetime | None = None) -> JobAttempt | None:
    """Start the job if it is still queued, for this worker alone; None if another worker
    has it (or had it). The UPDATE's row lock makes a second claim wait, then find it taken."""
    model = _kinds()[kind].model
    if model.objects.filter(pk=job_id, state=QUEUED).update(state=RUNNING) != 1:
        return None
    number = JobAttempt.objects.filter(kind=kind, job_id=job_id).count() + 1
    return JobAttempt.objects.create(
        kind=kind,
        job_id=job_id,
        number=number,
        worker=worker_name(),
        started_at=now or timezone.now(),
    )


def hold(attempt: JobAttempt) -> None:
    """Inside the transaction that saves a job's result: lock the job and check it is still
    this attempt's; JobLost if recovery took it back meanwhile."""
    model = _kinds()[attempt.kind].model
    state = (
        model.objects.select_for_update().filter(pk=attempt.job_id).values_list("state", flat=True)
    )
    current = JobAttempt.objects.filter(pk=attempt.pk, outcome=AttemptOutcome.RUNNING)
    if list(state) != [RUNNING] or not current.exists():
        raise JobLost(f"{attempt} was given up for stopped; its result is not saved")


def end_attempt(attempt: JobAttempt, *, now: datetime | None = None) -> None:
    JobAttempt.objects.filter(pk=attempt.pk, outcome=AttemptOutcome.RUNNING).update(
        outcome=AttemptOutcome.FINISHED, ended_at=now or timezone.now()
    )


@transaction.atomic
def finish_job(attempt: JobAttempt, **fields) -> bool:
    """Save a job's final fields if its claim still stands; False (nothing saved) if not."""
    try:
        hold(attempt)
    except JobLost:
        return False
    _kinds()[attempt.kind].model.objects.filter(pk=attempt.job_id).update(**fields)
    end_attempt(attempt)
    return True


# --- Recovery: jobs whose worker stopped -----------------------------------------------------


@dataclass(frozen=True)
class Recovered:
    kind: str
    job_id: int
    label: str
    queued_again: bool
    attempts: int

    def __str__(self) -> str:
        what = f"{JobKind(self.kind).label} {self.job_id} ({self.label})"
        if self.queued_again:
            return f"{what}: its worker stopped, queued again"
        return f"{what}: its worker stopped {self.attempts} times, marked failed"


def _worker_gone(worker: str) -> bool:
    """Whether the worker was a process on this machine that no longer exists."""
    host, _, pid = worker.rpartition(":")
    if host != socket.gethostname() or not pid.isdigit():
        return False
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return True
    except (PermissionError, OverflowError):
        return False
    return False


def _stopped(kind: str, job, *, now: datetime, stale_after: timedelta) -> JobAttempt | None:
    """The open attempt of a running job whose worker has stopped (an unsaved attempt for a
    job left running with no claim recorded), or None while it may still be working."""
    attempt = (
        JobAttempt.objects.filter(kind=kind, job_id=job.pk, outcome=AttemptOutcome.RUNNING)
        .order_by("-number")
        .first()
    )
    if attempt is None:
        started = getattr(job, _kinds()[kind].created_field)
        if started > now - stale_after:
            return None
        number = JobAttempt.objects.filter(kind=kind, job_id=job.pk).count() + 1
        return JobAttempt(kind=kind, job_id=job.pk, number=number, worker="", started_at=started)
    if attempt.started_at <= now - stale_after or _worker_gone(attempt.worker):
        return attempt
    return None


@transaction.atomic
def _recover(kind: str, job_id: int, *, now: datetime, stale_after: timedelta):
    spec = _kinds()[kind]
    job = spec.model.objects.select_for_update().filter(pk=job_id, state=RUNNING).first()
    if job is None:
        return None
    attempt = _stopped(kind, job, now=now, stale_after=stale_after)
    if attempt is None:
        return None
    again = attempt.number < MAX_ATTEMPTS
    attempt.outcome = AttemptOutcome.REQUEUED if again else AttemptOutcome.FAILED
    attempt.ended_at = now
    attempt.save()
    if again:
        spec.model.objects.filter(pk=job_id).update(**spec.again())
        transaction.on_commit(lambda: spec.enqueue(job_id))
    else:
        times = "twice" if attempt.number == 2 else f"{attempt.number} times"
        why = spec.stopped_message.format(times=times)
        spec.model.objects.filter(pk=job_id).update(**spec.failed(now, why))
    return Recovered(kind, job_id, str(job), again, attempt.number)


def recover_jobs(
    *, now: datetime | None = None, stale_after: timedelta = STALE_AFTER
) -> list[Recovered]:
    """Queue again (or mark failed) every job whose worker stopped while running it."""
    now = now or timezone.now()
    recovered = []
    for kind, spec in _kinds().items():
        running = spec.model.objects.filter(state=RUNNING).order_by("pk")
        for job_id in running.values_list("pk", flat=True):
            found = _recover(kind, job_id, now=now, stale_after=stale_after)
            if found:
                recovered.append(found)
    return recovered


def recover_if_stopped(kind: str, job, *, now: datetime | None = None) -> bool:
    """For a job's page: if the job's worker stopped, recover it now; whether it did."""
    if job.state != RUNNING:
        return False
    found = _recover(kind, job.pk, now=now or timezone.now(), stale_after=STALE_AFTER)
    if found:
        job.refresh_from_db()
    return found is not None
