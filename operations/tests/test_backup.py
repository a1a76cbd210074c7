"""`manage.py restore` refuses what it cannot restore whole, and changes nothing when it does:
a database holding data (without --replace), another migration state, a damaged file, a row
that cannot go in; and it restores into a database as `migrate` leaves it."""

import hashlib
import json
import zipfile
from io import StringIO
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from audit.models import AuditEntry
from operations import backup
from operations.backup import BackupError, make_backup, restore_backup
from operations.tests.snapshots import every_row, media_files, without_the_restore_entry
from organisation.models import User
from returns.models import ImportKind, ImportRun, ImportState

pytestmark = pytest.mark.django_db

CSV = b"indicator_code,period,figure\nWST-01,2026-27-Q2,47.5\n"


@pytest.fixture
def small_backup(tmp_path):
    """A backup of a database holding one person and one figure's evidence file."""
    User.objects.create(username="kept-person")
    attach_small_file()
    return make_backup(tmp_path / "small.zip")


def attach_small_file():
    ImportRun.objects.create(
        kind=ImportKind.CSV,
        file=ContentFile(CSV, name="figures.csv"),
        original_name="figures.csv",
        state=ImportState.DONE,
        created_at=timezone.now(),
    )


def rewrite(archive: Path, target: Path, *, manifest=None, members: dict | None = None) -> Path:
    """A copy of `archive` with its manifest changed by `manifest` and members replaced."""
    members = members or {}
    with zipfile.ZipFile(archive) as source, zipfile.ZipFile(target, "w") as copy:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename == "manifest.json" and manifest:
                data = json.dumps(manifest(json.loads(data))).encode()
            copy.writestr(item.filename, members.get(item.filename, data))
    return target


def test_a_database_holding_data_is_refused_without_replace(small_backup, settings):
    before, files = every_row(), media_files(settings.MEDIA_ROOT)

    with pytest.raises(BackupError) as refused:
        restore_backup(small_backup.path)

    assert str(refused.value).startswith("The database already holds data (")
    assert "organisation.user" in str(refused.value) and "--replace" in str(refused.value)
    assert every_row() == before and media_files(settings.MEDIA_ROOT) == files


def test_a_freshly_migrated_database_counts_as_empty():
    assert backup.tables_holding_data() == []


def test_a_backup_restores_into_an_empty_database_without_replace(tmp_path):
    empty = make_backup(tmp_path / "empty.zip")  # the database as `migrate` leaves it
    rows = every_row()

    restore_backup(empty.path)

    assert without_the_restore_entry(every_row()) == rows


def test_a_restore_replaces_every_row_and_file_and_is_in_the_audit_log(tmp_path, settings):
    User.objects.create(username="kept-person")
    attach_small_file()
    rows, files = every_row(), media_files(settings.MEDIA_ROOT)
    made = make_backup(tmp_path / "small.zip")
    User.objects.create(username="after-the-backup")
    for path in Path(settings.MEDIA_ROOT).rglob("*.csv"):
        path.unlink()

    restore_backup(made.path, replace=True)

    assert without_the_restore_entry(every_row()) == rows
    assert media_files(settings.MEDIA_ROOT) == files
    entry = AuditEntry.objects.order_by("sequence").last()
    assert entry.action == "database restored" and entry.object_type == "database"
    assert entry.object_label == f"from small.zip, made {made_at(made.path)}"
    assert entry.after["rows"] == made.rows
    call_command("verify_audit", stdout=StringIO())  # the chain holds across the restore
    newest = User.objects.order_by("-pk").first().pk
    assert User.objects.create(username="after-the-restore").pk > newest  # sequences carry on


def made_at(archive: Path) -> str:
    with zipfile.ZipFile(archive) as opened:
        return json.loads(opened.read(backup.MANIFEST))["created_at"]


def test_a_backup_from_another_migration_state_is_refused_naming_the_difference(
    small_backup, settings, tmp_path
):
    def older(manifest):
        manifest["migrations"]["returns"] = manifest["migrations"]["returns"][:-1]
        manifest["migrations"]["retired_app"] = ["0001_initial"]
        return manifest

    other = rewrite(small_backup.path, tmp_path / "older.zip", manifest=older)
    before = every_row()

    with pytest.raises(BackupError) as refused:
        restore_backup(other, replace=True)

    message = str(refused.value)
    assert message.startswith("The backup was made from a database at a different stage")
    latest = backup.migration_state()["returns"][-1]
    assert f"returns: this database has {latest}, the backup has not" in message
    assert "retired_app: the backup has 0001_initial, not applied here" in message
    assert every_row() == before


def test_a_damaged_file_is_found_before_anything_changes(small_backup, settings, tmp_path):
    with zipfile.ZipFile(small_backup.path) as archive:
        member = next(n for n in archive.namelist() if n.startswith("media/"))
    damaged = rewrite(small_backup.path, tmp_path / "damaged.zip", members={member: b"x,y\n"})
    before, files = every_row(), media_files(settings.MEDIA_ROOT)

    with pytest.raises(BackupError) as refused:
        restore_backup(damaged, replace=True)

    assert str(refused.value) == (
        f"damaged.zip is damaged: {member} does not match the hash in its manifest. "
        "Nothing was restored"
    )
    assert every_row() == before and media_files(settings.MEDIA_ROOT) == files


def test_a_restore_failing_part_way_leaves_the_database_and_files_as_they_were(
    small_backup, settings, tmp_path
):
    """A backup whose hashes match but whose rows cannot all go in (two people with one
    username): the rows already inserted are rolled back, the files staged are removed."""
    with zipfile.ZipFile(small_backup.path) as archive:
        people = archive.read("data/organisation.user.jsonl").decode().splitlines()
    twin = json.loads(people[0]) | {"id": 999_999}
    broken_rows = ("\n".join([*people, json.dumps(twin)]) + "\n").encode()

    def counted(manifest):
        table = next(t for t in manifest["tables"] if t["model"] == "organisation.user")
        table["rows"] += 1
        table["sha256"] = hashlib.sha256(broken_rows).hexdigest()
        return manifest

    broken = rewrite(
        small_backup.path,
        tmp_path / "broken.zip",
        manifest=counted,
        members={"data/organisation.user.jsonl": broken_rows},
    )
    User.objects.create(username="added-since")
    for path in Path(settings.MEDIA_ROOT).rglob("*.csv"):
        path.unlink()
    before, files = every_row(), media_files(settings.MEDIA_ROOT)

    with pytest.raises(Exception, match=r"(?i)unique|duplicate"):
        restore_backup(broken, replace=True)

    assert every_row() == before
    assert media_files(settings.MEDIA_ROOT) == files  # no file placed, no partial file left


def test_something_that_is_not_a_backup_is_refused_saying_so(tmp_path):
    not_zip = tmp_path / "notes.zip"
    not_zip.write_text("hello")
    other_zip = tmp_path / "photos.zip"
    with zipfile.ZipFile(other_zip, "w") as archive:
        archive.writestr("photo.jpg", b"\xff\xd8\xff")

    with pytest.raises(CommandError, match=r"notes\.zip cannot be read as a zip file"):
        call_command("restore", str(not_zip), stdout=StringIO())
    with pytest.raises(CommandError, match=r"photos\.zip is not a Golden Thread backup: it has no"):
        call_command("restore", str(other_zip), stdout=StringIO())
