"""Restore a backup made by `manage.py backup` into this database and media folder."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from operations.backup import BackupError, restore_backup


class Command(BaseCommand):
    help = (
        "Restore a backup archive (made on SQLite or PostgreSQL) into this database, which "
        "must be migrated to the backup's state and hold no data unless --replace is given. "
        "Checks every hash first; restores all or nothing. Stop the web and tasks processes "
        "first."
    )

    def add_arguments(self, parser):
        parser.add_argument("archive", type=Path, help="The backup's .zip file")
        parser.add_argument(
            "--replace",
            action="store_true",
            help="Empty a database that already holds data, and restore into it",
        )

    def handle(self, *args, archive: Path, replace: bool, **options):
        say = self.stdout.write if options["verbosity"] else (lambda _: None)
        try:
            summary = restore_backup(archive, replace=replace, progress=say)
        except BackupError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(
            self.style.SUCCESS(
                f"Restored the backup made {summary.created_at} from {summary.vendor}: "
                f"{summary.tables} tables, {summary.rows:,} rows, {summary.files:,} files, "
                f"in {summary.seconds:.1f} seconds."
            )
        )
        self.stdout.write(
            "Everyone signs in again (sign-ins are not kept in backups). Run "
            "`manage.py recover_jobs` before starting the tasks worker."
        )
