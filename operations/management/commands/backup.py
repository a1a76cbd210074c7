"""Back up the database and its uploaded files into one archive."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from operations.backup import BackupError, default_folder, make_backup


def _megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):.1f} MB"


class Command(BaseCommand):
    help = (
        "Write a backup of every table and every uploaded file (evidence, import files, "
        "report files) as one archive, read at one moment while the service runs. It restores "
        "onto SQLite or PostgreSQL with `manage.py restore`."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--output",
            type=Path,
            help="A folder (the archive is named after the time) or a .zip file "
            "(default: backups/ in GOLDEN_THREAD_VAR_DIR)",
        )

    def handle(self, *args, output: Path | None, **options):
        say = self.stdout.write if options["verbosity"] else (lambda _: None)
        try:
            summary = make_backup(output or default_folder(), progress=say)
        except BackupError as error:
            raise CommandError(str(error)) from None
        if summary.missing_files:
            self.stderr.write(
                f"{len(summary.missing_files)} file(s) named in the database were missing "
                "and are not in the backup (listed above and in its manifest)."
            )
        self.stdout.write(
            self.style.SUCCESS(
                f"Backup written to {summary.path} ({_megabytes(summary.size)}): "
                f"{summary.tables} tables, {summary.rows:,} rows, {summary.files:,} files "
                f"({_megabytes(summary.file_bytes)}), in {summary.seconds:.1f} seconds."
            )
        )
