"""The framework's front page: what the performance team can set up, and where."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from organisation.permissions import Action, require


@login_required
def home(request):
    require(request.user, Action.MANAGE_FRAMEWORK)
    return render(request, "framework/home.html", {"nav_current": "framework"})
