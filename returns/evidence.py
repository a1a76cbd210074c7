"""Evidence files attached to a value: checked for size and real type, stored privately."""

from __future__ import annotations

import logging
import zipfile
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from indicators.models import Value
from indicators.workflow import is_locked
from operations.storage import is_disk_full
from organisation.permissions import Action, require
from returns.models import Evidence

MAX_BYTES_DEFAULT = 10 * 1024 * 1024
ALLOWED = {
    ".pdf": "application/pdf",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".csv": "text/csv",
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
}
ALLOWED_NAMES = "PDF, Excel (.xlsx), Word (.docx), CSV, PNG or JPEG"

WRONG_TYPE = "{name} must be a {allowed} file"
NOT_WHAT_IT_SAYS = "{name} is not a real {kind} file. Save it again as {kind} and upload that"
TOO_BIG = "{name} is {size}: evidence files must be {limit} or smaller"
EMPTY = "{name} is empty"
CYCLE_CLOSED = (
    "The reporting cycle for {period} is closed, so its figures and their evidence are locked. "
    "Ask the performance team to reopen it to add evidence"
)

DISK_FULL = (
    "{name} could not be kept because the server has run out of storage space, so it was not "
    "attached. Try again later; if it happens again, tell the performance team"
)

logger = logging.getLogger(__name__)


class EvidenceError(ValueError):
    pass


def max_bytes() -> int:
    return getattr(settings, "GOLDEN_THREAD_EVIDENCE_MAX_BYTES", MAX_BYTES_DEFAULT)


def _size(size: int) -> str:
    if size >= 1024 * 1024:
        return f"{size / (1024 * 1024):.1f} MB"
    return f"{max(1, round(size / 1024))} KB"


def _looks_like(extension: str, upload) -> bool:
    """Whether the file's first bytes match its extension (not trusting the name)."""
    upload.seek(0)
    head = upload.read(2048)
    upload.seek(0)
    if extension == ".pdf":
        return head.startswith(b"%PDF-")
    if extension == ".png":
        return head.startswith(b"\x89PNG\r\n\x1a\n")
    if extension in (".jpg", ".jpeg"):
        return head.startswith(b"\xff\xd8\xff")
    if extension == ".csv":
        if b"\x00" in head:
            return False
        try:
            head.decode("utf-8-sig")
        except UnicodeDecodeError:
            try:
                head.decode("cp1252")
            except UnicodeDecodeError:
                return False
        return True
    if extension in (".xlsx", ".docx"):
        part = "xl/" if extension == ".xlsx" else "word/"
        try:
            with zipfile.ZipFile(upload) as archive:
                names = archive.namelist()
        except zipfile.BadZipFile:
            return False
        finally:
            upload.seek(0)
        return "[Content_Types].xml" in names and any(n.startswith(part) for n in names)
    return False


def check_evidence_file(upload) -> str:
    """The content type of an acceptable upload, or EvidenceError saying what is wrong."""
    name = Path(upload.name).name
    extension = Path(name).suffix.lower()
    if extension not in ALLOWED:
        raise EvidenceError(WRONG_TYPE.format(name=name, allowed=ALLOWED_NAMES))
    if upload.size == 0:
        raise EvidenceError(EMPTY.format(name=name))
    if upload.size > max_bytes():
        raise EvidenceError(
            TOO_BIG.format(name=name, size=_size(upload.size), limit=_size(max_bytes()))
        )
    if not _looks_like(extension, upload):
        kind = extension.lstrip(".").upper()
        raise EvidenceError(NOT_WHAT_IT_SAYS.format(name=name, kind=kind))
    return ALLOWED[extension]


@transaction.atomic
def attach_evidence(*, value: Value, upload, description: str = "", by) -> Evidence:
    """Attach a checked file to a value; refused once its reporting cycle is closed, since
    evidence is part of the figure the cycle locked."""
    require(by, Action.ENTER_VALUE, value)
    value = Value.objects.select_for_update().select_related("period").get(pk=value.pk)
    if is_locked(value.period):
        raise EvidenceError(CYCLE_CLOSED.format(period=value.period.label))
    content_type = check_evidence_file(upload)
    name = Path(upload.name).name
    try:
        return Evidence.objects.create(
            value=value,
            file=upload,  # kept first, whole or not at all (operations.storage)
            original_name=name[:255],
            content_type=content_type,
            size=upload.size,
            description=description,
            uploaded_by=by,
            uploaded_at=timezone.now(),
        )
    except OSError as error:
        if not is_disk_full(error):
            raise
        logger.error("No space to keep the evidence file %s: %s", name, error)
        raise EvidenceError(DISK_FULL.format(name=name)) from None
