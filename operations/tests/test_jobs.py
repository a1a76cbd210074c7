"""Background jobs survive their worker: a worker killed part-way through an import or a
report file leaves nothing half-saved, and the job is queued again (or, stopped twice, marked
failed with a message); two workers given one job do it once.

A kill is simulated by raising SystemExit or KeyboardInterrupt (BaseExceptions, which nothing
in a job catches) after part of the work; recovery then runs as `manage.py recover_jobs` or
the job's page runs it. The Testshire personas' council (`organisation.tests.personas`).
"""

import datetime
import os
import threading
import time
from decimal import Decimal
from io import StringIO
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.db import connection, transaction
from django.urls import reverse
from django.utils import timezone

from indicators.models import Value, ValueRevision
from operations import jobs
from operations.jobs import MAX_ATTEMPTS, STALE_AFTER, claim_job, recover_jobs
from operations.models import AttemptOutcome, JobAttempt, JobKind
from operations.storage import TEMPORARY_PREFIX
from operations.tests.snapshots import media_files
from organisation.tests.personas import OPEN_PERIOD, build_town, sign_in
from reports import reporting
from reports.models import OutputFormat, OutputState, ReportOutput
from reports.outputs import make
from returns import imports
from returns.imports import apply_import
from returns.models import ImportKind, ImportRun, ImportState
from returns.tests.import_files import database_state, values_csv

pytestmark = pytest.mark.django_db

LATER = STALE_AFTER + datetime.timedelta(minutes=1)


@pytest.fixture
def town():
    return build_town()


def queued_csv(town) -> ImportRun:
    """The performance team's CSV of two services' figures (Waste's and Parks'), queued."""
    content = values_csv(
        [
            {"indicator_code": "WST-01", "period": OPEN_PERIOD, "figure": "62.5"},
            {"indicator_code": "PRK-01", "period": OPEN_PERIOD, "figure": "4"},
        ]
    )
    return ImportRun.objects.create(
        kind=ImportKind.CSV,
        file=ContentFile(content, name="q2.csv"),
        original_name="q2.csv",
        uploaded_by=town.person("performance"),
        created_at=timezone.now(),
    )


def killed_after_one_return(monkeypatch, exception=SystemExit):
    """The worker dies after saving the first service's figures, before the second's."""
    real = imports.save_return
    saved = []

    def save_then_die(**kwargs):
        if saved:
            raise exception()
        saved.append(real(**kwargs))
        return saved[-1]

    monkeypatch.setattr(imports, "save_return", save_then_die)
    return lambda: monkeypatch.setattr(imports, "save_return", real)


def report_files(settings) -> dict[str, bytes]:
    files = media_files(settings.MEDIA_ROOT)
    return {name: data for name, data in files.items() if name.startswith("reports/")}


def figure(town, code: str):
    value = Value.objects.filter(indicator__code=code, period=town.cycle.period).first()
    return value and value.figure


# An import


def test_an_import_killed_part_way_saves_nothing_and_is_queued_again(
    town, monkeypatch, django_capture_on_commit_callbacks
):
    run = queued_csv(town)
    before = database_state()
    revive = killed_after_one_return(monkeypatch)

    with pytest.raises(SystemExit):
        apply_import(run)

    run.refresh_from_db()
    assert run.state == ImportState.RUNNING  # as a killed worker leaves it
    assert database_state() == before  # Waste's figures, saved first, rolled back with it
    assert recover_jobs() == []  # still within its time: it may be working
    revive()

    with django_capture_on_commit_callbacks(execute=True):
        recovered = recover_jobs(now=timezone.now() + LATER)

    assert [str(job) for job in recovered] == [
        f"Import of figures {run.pk} (Values for many services (CSV): q2.csv): its worker "
        "stopped, queued again"
    ]
    run.refresh_from_db()
    assert run.state == ImportState.DONE, run.problems  # run again, whole, once
    assert run.imported_rows == 2
    assert figure(town, "WST-01") == Decimal("62.5") and figure(town, "PRK-01") == Decimal("4")
    assert ValueRevision.objects.count() == before[1] + 2
    attempts = JobAttempt.objects.filter(kind=JobKind.IMPORT, job_id=run.pk)
    assert list(attempts.values_list("number", "outcome")) == [
        (1, AttemptOutcome.REQUEUED),
        (2, AttemptOutcome.FINISHED),
    ]


def test_an_import_killed_twice_is_marked_failed_saying_so(
    town, monkeypatch, django_capture_on_commit_callbacks
):
    run = queued_csv(town)
    before = database_state()
    killed_after_one_return(monkeypatch, KeyboardInterrupt)
    with pytest.raises(KeyboardInterrupt):
        apply_import(run)
    with django_capture_on_commit_callbacks() as queued:  # queued again, not run yet
        recover_jobs(now=timezone.now() + LATER)
    with pytest.raises(KeyboardInterrupt):
        queued[0]()  # the worker picks it up, and dies again

    recovered = recover_jobs(now=timezone.now() + LATER)

    assert [job.queued_again for job in recovered] == [False]
    run.refresh_from_db()
    assert run.state == ImportState.FAILED
    assert run.problems == [
        {
            "row": None,
            "field": "",
            "message": "The import stopped before it finished, because the worker running it "
            "was stopped twice. Nothing was imported. Upload the file again; if it stops "
            "again, tell the performance team",
        }
    ]
    assert database_state() == before
    assert MAX_ATTEMPTS == 2


def test_the_import_page_recovers_a_run_whose_worker_stopped(
    client, town, monkeypatch, django_capture_on_commit_callbacks
):
    run = queued_csv(town)
    revive = killed_after_one_return(monkeypatch)
    with pytest.raises(SystemExit):
        apply_import(run)
    revive()
    JobAttempt.objects.filter(job_id=run.pk).update(started_at=timezone.now() - LATER)
    sign_in(client, town.person("performance"))

    with django_capture_on_commit_callbacks(execute=True):
        page = client.get(reverse("returns:import_run", args=[run.pk]))

    assert page.status_code == 200
    run.refresh_from_db()
    assert run.state == ImportState.DONE and run.imported_rows == 2


def test_a_worker_gone_from_this_machine_is_recovered_without_waiting(
    town, monkeypatch, django_capture_on_commit_callbacks
):
    run = queued_csv(town)
    revive = killed_after_one_return(monkeypatch)
    with pytest.raises(SystemExit):
        apply_import(run)
    revive()
    host = jobs.worker_name().rpartition(":")[0]
    gone = f"{host}:{2**22 + 1}"  # above Linux's highest process id: no such process
    JobAttempt.objects.filter(job_id=run.pk).update(worker=gone)

    with django_capture_on_commit_callbacks(execute=True):
        recovered = recover_jobs()  # no time has passed

    assert [job.job_id for job in recovered] == [run.pk]
    run.refresh_from_db()
    assert run.state == ImportState.DONE


def test_a_worker_given_up_for_stopped_that_wakes_up_saves_nothing(town, monkeypatch):
    """The slow worker's claim was taken back while it worked: its figures are not saved over
    the run queued again, which records its own outcome."""
    run = queued_csv(town)
    before = database_state()
    real_check = imports.check_rows

    def check_then_lose_the_claim(*args, **kwargs):
        plan = real_check(*args, **kwargs)
        recover_jobs(now=timezone.now() + LATER)  # meanwhile, recovery gives up on it
        return plan

    monkeypatch.setattr(imports, "check_rows", check_then_lose_the_claim)

    returned = apply_import(run)

    assert returned.state == ImportState.QUEUED  # queued again for another go
    assert database_state() == before


# Two workers, one job


def test_two_workers_given_one_import_apply_it_once(town):
    run = queued_csv(town)

    first, second = apply_import(run), apply_import(run)

    assert first.state == second.state == ImportState.DONE
    assert figure(town, "WST-01") == Decimal("62.5")
    assert ValueRevision.objects.filter(value__indicator__code="PRK-01").count() == 1
    assert JobAttempt.objects.filter(kind=JobKind.IMPORT, job_id=run.pk).count() == 1


def test_a_job_is_claimed_once(town):
    run = queued_csv(town)

    assert claim_job(JobKind.IMPORT, run.pk) is not None
    assert claim_job(JobKind.IMPORT, run.pk) is None
    assert JobAttempt.objects.filter(job_id=run.pk).count() == 1


# A report file


@pytest.fixture
def output(town):
    report = reporting.create_report(
        by=town.person("performance"),
        kind="committee",
        period=town.cycle.period,
        title="Quarterly performance report",
        committee=town.committee,
    )
    return ReportOutput.objects.create(
        report=report,
        format=OutputFormat.XLSX,
        is_draft=True,
        requested_by=town.person("performance"),
        requested_at=timezone.now(),
    )


def test_a_report_file_killed_while_being_written_leaves_no_file_and_is_made_again(
    town, output, monkeypatch, settings, django_capture_on_commit_callbacks
):
    real_fsync = os.fsync

    def die_while_writing(fd):
        raise SystemExit  # the file's bytes are written, not yet flushed to disk

    monkeypatch.setattr("operations.storage.os.fsync", die_while_writing)
    with pytest.raises(SystemExit):
        make(output.pk)
    monkeypatch.setattr("operations.storage.os.fsync", real_fsync)

    output.refresh_from_db()
    assert output.state == OutputState.RUNNING and output.progress == 95
    assert not output.file and report_files(settings) == {}  # not even part of one
    with django_capture_on_commit_callbacks(execute=True):
        recover_jobs(now=timezone.now() + LATER)

    output.refresh_from_db()
    assert output.state == OutputState.DONE and output.progress == 100
    made = Path(settings.MEDIA_ROOT) / output.file.name
    assert made.read_bytes()[:4] == b"PK\x03\x04" and made.stat().st_size == output.size
    assert list(report_files(settings)) == [output.file.name]


def test_a_report_file_killed_twice_is_failed_with_a_message_on_its_page(
    client, town, output, monkeypatch
):
    from reports.outputs import xlsx

    def die_half_way(content, *, draft, progress):
        progress(60, "Writing the indicators")
        raise KeyboardInterrupt

    monkeypatch.setattr(xlsx, "render_xlsx", die_half_way)
    with pytest.raises(KeyboardInterrupt):
        make(output.pk)
    ReportOutput.objects.filter(pk=output.pk).update(state=OutputState.RUNNING)
    JobAttempt.objects.filter(job_id=output.pk).update(started_at=timezone.now() - LATER)
    recover_jobs()  # queued again (its task would run on commit)
    output.refresh_from_db()
    assert (output.state, output.step) == (OutputState.QUEUED, jobs.STARTING_AGAIN)
    with pytest.raises(KeyboardInterrupt):
        make(output.pk)
    JobAttempt.objects.filter(job_id=output.pk).update(started_at=timezone.now() - LATER)
    sign_in(client, town.person("performance"))

    page = client.get(reverse("reports:output", args=[output.pk]))

    output.refresh_from_db()
    assert output.state == OutputState.FAILED and not output.file
    expected = (
        "The file was not made, because the worker making it was stopped twice. Ask for the "
        "file again; if it stops again, tell the performance team"
    )
    assert output.error == expected
    assert expected in page.content.decode()


def test_two_workers_given_one_report_file_make_it_once(town, output, settings):
    first = make(output.pk)
    second = make(output.pk)

    assert first.state == second.state == OutputState.DONE
    assert first.file.name == second.file.name
    assert len(report_files(settings)) == 1
    assert JobAttempt.objects.filter(kind=JobKind.REPORT_FILE, job_id=output.pk).count() == 1


# Partly written files a killed process left


def test_recover_jobs_removes_partly_written_files_left_by_a_killed_process(settings):
    folder = Path(settings.MEDIA_ROOT) / "reports" / "2026" / "10"
    folder.mkdir(parents=True)
    left = folder / f"{TEMPORARY_PREFIX}abc123"
    left.write_bytes(b"PK\x03\x04 half a workbook")
    an_hour_ago = time.time() - 3600
    os.utime(left, (an_hour_ago, an_hour_ago))
    being_written = folder / f"{TEMPORARY_PREFIX}def456"
    being_written.write_bytes(b"PK\x03\x04")
    kept = folder / "cabinet.xlsx"
    kept.write_bytes(b"PK\x03\x04 a whole workbook")
    out = StringIO()

    call_command("recover_jobs", stdout=out)

    assert not left.exists() and being_written.exists() and kept.exists()
    assert f"removed a partly written file: {left}" in out.getvalue()
    assert "Recovered 0 job(s); removed 1 partly written file(s)." in out.getvalue()


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="SQLite runs one writer at a time: two claims cannot overlap there",
)
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_workers_claiming_one_job_at_the_same_moment_on_postgresql():
    """The first worker's claim holds the job's row; the second's UPDATE waits on it, then
    finds the job no longer queued and does nothing. Each worker has its own connection."""
    run = ImportRun.objects.create(
        kind=ImportKind.CSV,
        file="imports/2026/10/q2.csv",
        original_name="q2.csv",
        created_at=timezone.now(),
    )
    claims, first_holds, first_may_commit = {}, threading.Event(), threading.Event()

    def first_worker():
        try:
            with transaction.atomic():
                claims["first"] = claim_job(JobKind.IMPORT, run.pk)
                first_holds.set()
                first_may_commit.wait(timeout=30)
        finally:
            connection.close()

    def second_worker():
        try:
            claims["second"] = claim_job(JobKind.IMPORT, run.pk)
        finally:
            connection.close()

    first, second = threading.Thread(target=first_worker), threading.Thread(target=second_worker)
    first.start()
    assert first_holds.wait(timeout=30)
    second.start()
    waiting_for_a_lock(deadline=time.monotonic() + 30)
    first_may_commit.set()
    first.join(timeout=30)
    second.join(timeout=30)

    assert claims["first"] is not None and claims["second"] is None
    assert JobAttempt.objects.filter(kind=JobKind.IMPORT, job_id=run.pk).count() == 1
    assert ImportRun.objects.get(pk=run.pk).state == ImportState.RUNNING


def waiting_for_a_lock(*, deadline: float) -> None:
    """Return once another session of this database waits for a row lock."""
    with connection.cursor() as cursor:
        while time.monotonic() < deadline:
            cursor.execute(
                "SELECT count(*) FROM pg_stat_activity "
                "WHERE datname = current_database() AND wait_event_type = 'Lock'"
            )
            if cursor.fetchone()[0]:
                return
            time.sleep(0.01)
    raise AssertionError("the second worker never waited for the first one's claim")
