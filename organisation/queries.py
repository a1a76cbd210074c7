from organisation.models import Council


def current_council(request=None) -> Council | None:
    """The installation's council, fetched once per request."""
    if request is None:
        return Council.objects.first()
    if not hasattr(request, "_council"):
        request._council = Council.objects.first()
    return request._council
