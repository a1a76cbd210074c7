"""A person's own notices (/notices/): the list, opening one, and the email settings. Everyone
signed in has notices; nobody sees anyone else's."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from notices.forms import EmailChoicesForm
from notices.inbox import email_choices, mark_all_read, mark_read, set_email_choices
from notices.models import Notice
from notices.queries import notices_for

ALL_READ = "All your notices are marked as read"
SAVED = "Your email settings are saved"


@login_required
def notice_list(request):
    """/notices/: unread notices first, then earlier ones; changes nothing, whatever is posted."""
    return render(
        request,
        "notices/list.html",
        {"notices": notices_for(request.user), "nav_current": "notices"},
    )


@login_required
def open_notice(request, notice_id: int):
    """/notices/<id>/: mark the person's own notice read and go where it points."""
    notice = get_object_or_404(Notice, pk=notice_id, recipient=request.user)
    mark_read(notice=notice, by=request.user)
    if not url_has_allowed_host_and_scheme(notice.link, allowed_hosts=None):
        return redirect("notices:list")
    return redirect(notice.link)


@login_required
@require_POST
def read_all(request):
    mark_all_read(by=request.user)
    messages.success(request, ALL_READ)
    return redirect("notices:list")


@login_required
def email_settings(request):
    """/notices/settings/: which kinds of notice come by email."""
    if request.method == "POST":
        form = EmailChoicesForm(request.POST)
        if form.is_valid():
            set_email_choices(user=request.user, email_kinds=set(form.cleaned_data["email_kinds"]))
            messages.success(request, SAVED)
            return redirect("notices:settings")
    else:
        form = EmailChoicesForm(initial={"email_kinds": sorted(email_choices(request.user))})
    return render(
        request,
        "notices/settings.html",
        {"form": form, "has_email": bool(request.user.email), "nav_current": "notices"},
    )
