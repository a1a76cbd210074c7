"""Middleware of the whole site."""

from django.urls import reverse
from django.utils.cache import patch_cache_control


class PrivatePagesMiddleware:
    """Mark every response outside the public performance site `Cache-Control: private,
    no-store`, so no browser history, back button or shared proxy keeps a staff page (drafts,
    figures awaiting sign-off, embargoed reports). The public site (`/performance/`) sets its
    own caching (`publishing.caching`); static files are answered before this runs."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.public_prefix = None

    def __call__(self, request):
        response = self.get_response(request)
        if self.public_prefix is None:
            self.public_prefix = reverse("publishing:home")
        if not request.path.startswith(self.public_prefix):
            patch_cache_control(response, private=True, no_store=True)
        return response
