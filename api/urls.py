"""/api/v1/: the API's endpoints, its OpenAPI document and documentation page (all made by
django-ninja from `api.v1.api`) in one namespace, `api-v1`."""

from django.urls import path, re_path
from django.views.generic import RedirectView

from api.head import with_head
from api.problems import not_found_view
from api.v1 import api

app_name = api.urls_namespace
# Every endpoint answers HEAD as GET: ninja alone answers HEAD with 405.
endpoints = with_head(api.urls[0])

urlpatterns = [
    path("", RedirectView.as_view(pattern_name="api-v1:openapi-view"), name="home"),
    *endpoints,
    # Any other address ending in a slash: the API's 404, not the site's page (an address
    # without its final slash is first sent on to the one with it).
    re_path(r"^(?:.*/)?$", not_found_view),
]
