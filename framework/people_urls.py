"""URLs of the people pages (see framework/urls.py), under /framework/people/."""

from django.urls import path

from framework import people_views

urlpatterns = [
    path("people/", people_views.people_page, name="people"),
    path("people/invite/", people_views.invite_page, name="invite_person"),
    path("people/<int:person_id>/", people_views.person_page, name="person"),
    path("people/<int:person_id>/access/", people_views.access_page, name="person_access"),
    path(
        "people/<int:person_id>/invitation/",
        people_views.resend_invitation,
        name="resend_invitation",
    ),
    path(
        "people/<int:person_id>/deactivate/",
        people_views.deactivate_page,
        name="deactivate_person",
    ),
    path(
        "people/<int:person_id>/reactivate/",
        people_views.reactivate_page,
        name="reactivate_person",
    ),
    path("people/<int:person_id>/remove/", people_views.remove_page, name="remove_person"),
    # The invitation's link, for someone not yet signed in.
    path(
        "people/welcome/<uidb64>/<token>/",
        people_views.SetPasswordPage.as_view(),
        name="set_password",
    ),
]
