from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.views.generic import RedirectView

urlpatterns = [
    path("", RedirectView.as_view(pattern_name="scorecards:organisation"), name="home"),
    path("sign-in/", auth_views.LoginView.as_view(), name="login"),
    path("sign-out/", auth_views.LogoutView.as_view(), name="logout"),
    path("scorecards/", include("scorecards.urls")),
    path("returns/", include("returns.urls")),
    path("reports/", include("reports.urls")),
    path("performance/", include("publishing.urls")),
    path("admin/", admin.site.urls),
]

admin.site.site_header = "Golden Thread administration"
admin.site.site_title = "Golden Thread"
admin.site.index_title = "Framework configuration"
