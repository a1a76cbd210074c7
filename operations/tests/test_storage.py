"""Files are stored whole or not at all (`operations.storage`)."""

import errno
import os

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

from operations.tests.snapshots import media_files


def test_a_file_is_stored_under_its_name_and_a_taken_name_is_never_replaced(settings):
    first = default_storage.save("evidence/2026/10/tonnage.pdf", ContentFile(b"%PDF-1 first"))
    second = default_storage.save("evidence/2026/10/tonnage.pdf", ContentFile(b"%PDF-1 second"))

    assert first == "evidence/2026/10/tonnage.pdf" and second != first
    assert media_files(settings.MEDIA_ROOT) == {first: b"%PDF-1 first", second: b"%PDF-1 second"}


def test_the_disk_filling_while_a_file_is_written_leaves_no_part_of_it(settings, monkeypatch):
    """The storage writes the first chunk, then the disk is full: nothing is left."""
    real_fdopen = os.fdopen

    class FillingDisk:
        def __init__(self, handle):
            self.handle, self.written = handle, 0

        def __getattr__(self, name):
            return getattr(self.handle, name)

        def __enter__(self):
            return self

        def __exit__(self, *exc):
            self.handle.close()

        def write(self, chunk):
            if self.written:
                raise OSError(errno.ENOSPC, "No space left on device")
            self.written += len(chunk)
            return self.handle.write(chunk)

    monkeypatch.setattr("operations.storage.os.fdopen", lambda *a: FillingDisk(real_fdopen(*a)))
    content = ContentFile(b"x" * (3 * 64 * 1024), name="big.csv")

    with pytest.raises(OSError) as full:
        default_storage.save("imports/2026/10/big.csv", content)

    assert full.value.errno == errno.ENOSPC
    assert media_files(settings.MEDIA_ROOT) == {}
