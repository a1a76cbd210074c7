"""Returns of the registers (forecasts, risk reviews, project and action updates) built for
bulk creation, step by step as `signoff.workflow` writes them: revisions numbered 1, 2, 3…,
the same actions, before/after snapshots from the return's `snapshot()`, and `lock_version`
raised on every change. Times come from the demo's calendar, never the real clock."""

from __future__ import annotations

from datetime import datetime

from signoff.models import Returnable, ReturnState, RevisionAction


class ReturnStory:
    """One return's changes, kept in memory until `save_stories` writes them all at once."""

    def __init__(self, item: Returnable, revision_model, revision_of: str):
        self.item = item
        self.revision_model = revision_model
        self.revision_of = revision_of
        self.revisions: list = []

    def _write(self, action: str, before: dict | None, by, at: datetime, reason: str) -> None:
        self.revisions.append(
            self.revision_model(
                number=len(self.revisions) + 1,
                action=action,
                before=before,
                after=self.item.snapshot(),
                reason=reason,
                changed_by_id=by.pk,
                changed_at=at,
            )
        )

    def _change(self, action: str, by, at: datetime, reason: str = "", **changes) -> None:
        before = self.revisions[-1].after
        for name, new in changes.items():
            setattr(self.item, name, new)
        self.item.lock_version += 1
        self.item.updated_at = at
        self._write(action, before, by, at, reason)

    def record(self, entries: dict, by, at: datetime) -> ReturnStory:
        for name, new in entries.items():
            setattr(self.item, name, new)
        self.item.state = ReturnState.DRAFT
        self.item.entered_by_id, self.item.entered_at, self.item.updated_at = by.pk, at, at
        self.item.lock_version = 1
        self._write(RevisionAction.RECORDED, None, by, at, "")
        return self

    def edit(self, entries: dict, by, at: datetime) -> ReturnStory:
        self._change(RevisionAction.EDITED, by, at, **entries)
        return self

    def submit(self, by, at: datetime) -> ReturnStory:
        self._change(
            RevisionAction.SUBMITTED,
            by,
            at,
            state=ReturnState.SUBMITTED,
            submitted_by_id=by.pk,
            submitted_at=at,
        )
        return self

    def send_back(self, by, at: datetime, reason: str) -> ReturnStory:
        self._change(RevisionAction.RETURNED, by, at, reason, state=ReturnState.RETURNED)
        return self

    def approve(self, by, at: datetime) -> ReturnStory:
        self._change(
            RevisionAction.APPROVED,
            by,
            at,
            state=ReturnState.APPROVED,
            approved_by_id=by.pk,
            approved_at=at,
        )
        return self


def save_stories(stories: list[ReturnStory]) -> None:
    """Create every story's return, then its revisions (all of one kind of return)."""
    if not stories:
        return
    model = type(stories[0].item)
    model.objects.bulk_create([story.item for story in stories])
    revisions = []
    for story in stories:
        for revision in story.revisions:
            setattr(revision, story.revision_of, story.item)
            revisions.append(revision)
    stories[0].revision_model.objects.bulk_create(revisions)
