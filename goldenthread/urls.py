from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.http import HttpResponse
from django.urls import include, path

from accounts.views import landing_page


def no_icon(request):
    """Golden Thread has no icon of its own (GOV.UK's is the crown's): its pages say so with an
    empty one. A browser that asks anyway (on the admin's pages, or a file opened on its own)
    is told there is nothing, not "not found"."""
    return HttpResponse(status=204)


urlpatterns = [
    path("", landing_page, name="home"),
    path("favicon.ico", no_icon),
    path("", include("accounts.sign_in_urls")),  # sign-in, its code step, single sign-on
    path("sign-out/", auth_views.LogoutView.as_view(), name="logout"),
    path("account/", include("accounts.urls")),
    path("scorecards/", include("scorecards.urls")),
    path("returns/", include("returns.urls")),
    path("reports/", include("reports.urls")),
    path("audit/", include("audit.urls")),
    path("notices/", include("notices.urls")),
    path("framework/", include("framework.urls")),
    path("targets/", include("targets.urls")),
    path("delivery/", include("delivery.urls")),
    path("finance/", include("finance.urls")),
    path("risks/", include("risks.urls")),
    path("improvement/", include("improvement.urls")),
    path("benchmarking/", include("benchmarking.urls")),
    path("performance/", include("publishing.urls")),
    path("api/v1/", include("api.urls")),
    path("admin/", admin.site.urls),
]

# The database unavailable outside a view: the 503 page (goldenthread.middleware).
handler500 = "goldenthread.middleware.server_error"

admin.site.site_header = "Golden Thread administration"
admin.site.site_title = "Golden Thread"
admin.site.index_title = "Framework configuration"
