"""What the notice pages need."""

from __future__ import annotations

from dataclasses import dataclass

from notices.models import Notice

EARLIER_SHOWN = 50


@dataclass(frozen=True)
class NoticeList:
    unread: list[Notice]  # newest first
    earlier: list[Notice]  # read ones, newest first, the latest EARLIER_SHOWN

    @property
    def is_empty(self) -> bool:
        return not (self.unread or self.earlier)


def notices_for(user) -> NoticeList:
    """A person's own notices: every unread one, then the latest read ones (two queries)."""
    own = Notice.objects.filter(recipient=user).order_by("-created_at", "-pk")
    return NoticeList(
        unread=list(own.filter(read_at__isnull=True)),
        earlier=list(own.filter(read_at__isnull=False)[:EARLIER_SHOWN]),
    )


def unread_count(user) -> int:
    return Notice.objects.filter(recipient=user, read_at__isnull=True).count()
