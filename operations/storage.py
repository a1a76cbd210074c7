"""Files (evidence, uploaded imports, report files) are stored whole or not at all.

Django's FileSystemStorage writes straight into a file's final name, so a full disk or a
stopped worker leaves part of a file under the name a row may point at. This storage writes to
a temporary name in the same folder, flushes it to the disk, then links it into place (a link
never replaces a file already there) and removes the temporary name, whatever went wrong. A
temporary file is left behind only if the process is killed outright;
`remove_leftover_files` (run by `manage.py recover_jobs`) sweeps those up.
"""

from __future__ import annotations

import errno
import os
import tempfile
import time
from contextlib import suppress
from datetime import timedelta
from pathlib import Path

from django.core.files.storage import FileSystemStorage
from django.utils._os import safe_makedirs

TEMPORARY_PREFIX = ".partial-"
NO_SPACE = (errno.ENOSPC, errno.EDQUOT)


def is_disk_full(error: BaseException) -> bool:
    """Whether an error is the disk (or the account's quota) being full."""
    return isinstance(error, OSError) and error.errno in NO_SPACE


def write_whole(path: Path, chunks) -> None:
    """Write `chunks` to `path` as a whole file: first to a temporary name beside it, then
    renamed into place. Replaces a file already there; leaves nothing behind on failure."""
    temporary = _write_temporary(path.parent, chunks)
    try:
        os.replace(temporary, path)
    except BaseException:
        with suppress(FileNotFoundError):
            os.unlink(temporary)
        raise


def _write_temporary(directory: Path | str, chunks) -> str:
    fd, temporary = tempfile.mkstemp(prefix=TEMPORARY_PREFIX, dir=directory)
    try:
        with os.fdopen(fd, "wb") as handle:
            for chunk in chunks:
                handle.write(chunk.encode() if isinstance(chunk, str) else chunk)
            handle.flush()
            os.fsync(handle.fileno())
    except BaseException:
        with suppress(FileNotFoundError):
            os.unlink(temporary)
        raise
    return temporary


class AtomicFileSystemStorage(FileSystemStorage):
    """FileSystemStorage that never leaves a partly written file under a stored name."""

    def _save(self, name, content):
        full_path = self.path(name)
        directory = os.path.dirname(full_path)
        if self.directory_permissions_mode is not None:
            safe_makedirs(directory, self.directory_permissions_mode, exist_ok=True)
        else:
            os.makedirs(directory, exist_ok=True)
        temporary = _write_temporary(directory, content.chunks())
        try:
            if self.file_permissions_mode is not None:
                os.chmod(temporary, self.file_permissions_mode)
            while True:
                try:
                    _place(temporary, full_path, overwrite=self._allow_overwrite)
                    break
                except FileExistsError:  # the name was taken meanwhile: find another
                    name = self.get_available_name(name)
                    full_path = self.path(name)
        finally:
            with suppress(FileNotFoundError):
                os.unlink(temporary)
        self._ensure_location_group_id(full_path)
        return str(os.path.relpath(full_path, self.location)).replace("\\", "/")


def _place(temporary: str, full_path: str, *, overwrite: bool) -> None:
    if overwrite:
        os.replace(temporary, full_path)
        return
    try:
        os.link(temporary, full_path)  # FileExistsError if the name is taken
    except FileExistsError:
        raise
    except OSError as error:
        if error.errno not in (errno.EPERM, errno.EOPNOTSUPP, errno.EXDEV, errno.EMLINK):
            raise
        # A file system without hard links: claim the name, then rename over the claim.
        os.close(os.open(full_path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
        os.replace(temporary, full_path)


def remove_leftover_files(root: Path | str, *, older_than: timedelta) -> list[Path]:
    """Delete temporary files a killed process left under `root` (never one still being
    written: only those untouched for `older_than`); returns what was removed."""
    cutoff = time.time() - older_than.total_seconds()
    removed = []
    for path in Path(root).rglob(f"{TEMPORARY_PREFIX}*"):
        with suppress(FileNotFoundError):
            if path.is_file() and path.stat().st_mtime < cutoff:
                path.unlink()
                removed.append(path)
    return removed
