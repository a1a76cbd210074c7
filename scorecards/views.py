from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render
from django.utils import timezone

from organisation.queries import current_council
from scorecards.queries import organisation_scorecard, scorecard_quarters


@login_required
def organisation_scorecard_page(request):
    """The organisation-wide balanced scorecard for a quarter (default: latest complete)."""
    council = current_council(request)
    today = timezone.localdate()
    quarters = scorecard_quarters(today=today)
    if council is None or not quarters:
        return render(request, "scorecards/empty.html", status=200)
    wanted = request.GET.get("period")
    period = next((q for q in quarters if q.code == wanted), None) if wanted else quarters[0]
    if period is None:
        raise Http404("No such quarter")
    scorecard = organisation_scorecard(period=period, today=today, council=council)
    return render(
        request,
        "scorecards/organisation.html",
        {
            "scorecard": scorecard,
            "quarters": quarters,
            "nav_current": "scorecards",
            "wide_page": True,
        },
    )
