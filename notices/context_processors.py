from notices.queries import unread_count


class _UnreadCount:
    """The signed-in person's unread notices, counted (one query) only when a page shows it."""

    def __init__(self, user):
        self.user = user
        self.count = None

    def __call__(self) -> int:
        if self.count is None:
            self.count = unread_count(self.user)
        return self.count


def unread_notices(request):
    """`unread_notices` for the page header: a callable the template calls once."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"unread_notices": _UnreadCount(user)}
