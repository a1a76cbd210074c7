from dataclasses import dataclass

from django.urls import reverse

from organisation.permissions import Action, can
from organisation.queries import current_council


@dataclass(frozen=True)
class NavItem:
    key: str  # matches a view's nav_current, or the URL namespace
    label: str
    url: str


def navigation(user) -> list[NavItem]:
    """The service navigation: only the sections this person may use."""
    if user is None or not user.is_authenticated:
        return []
    items = [NavItem("scorecards", "Scorecard", reverse("scorecards:organisation"))]
    items.append(NavItem("delivery", "Delivery plan", reverse("delivery:plan")))
    items.append(NavItem("risks", "Risks", reverse("risks:register")))
    if can(user, Action.VIEW_SCORECARDS):
        items.append(NavItem("benchmarking", "Benchmarking", reverse("benchmarking:metrics")))
    if can(user, Action.ENTER_VALUE) or can(user, Action.ENTER_FORECAST):
        items.append(NavItem("returns", "Your returns", reverse("returns:mine")))
    if can(user, Action.APPROVE_VALUE):
        items.append(NavItem("sign_off", "Sign-off", reverse("returns:sign_off")))
    items.append(NavItem("reports", "Reports", reverse("reports:list")))
    if can(user, Action.ENTER_FORECAST) or can(user, Action.MANAGE_BUDGETS):
        items.append(NavItem("finance", "Finance", reverse("finance:index")))
    if can(user, Action.VIEW_UNAPPROVED):
        items.append(NavItem("improvement", "Improvement actions", reverse("improvement:index")))
    if can(user, Action.MANAGE_CYCLES):
        items.append(NavItem("cycles", "Reporting cycles", reverse("returns:cycles")))
    if can(user, Action.MANAGE_FRAMEWORK):
        items.append(NavItem("framework", "Framework", reverse("framework:home")))
    if can(user, Action.VIEW_AUDIT):
        items.append(NavItem("audit", "Audit log", reverse("audit:log")))
    if user.is_staff:
        items.append(NavItem("admin", "Admin", reverse("admin:index")))
    return items


def council(request):
    """The council's name for every page header, and the sections the person may use."""
    return {
        "council": current_council(request),
        "nav": navigation(getattr(request, "user", None)),
    }
