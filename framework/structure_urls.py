"""URLs of the framework's structure pages (see framework/urls.py): plans, ambitions and
outcomes; committees and their meetings; reminder rules."""

from django.urls import path

from framework import committee_views, reminder_views, structure_views

urlpatterns = [
    path("structure/", structure_views.structure_page, name="structure"),
    path("structure/plans/add/", structure_views.plan_add_page, name="plan_add"),
    path("structure/plans/<int:pk>/", structure_views.plan_page, name="plan"),
    path(
        "structure/plans/<int:pk>/remove/",
        structure_views.plan_remove_page,
        name="plan_remove",
    ),
    path("structure/ambitions/add/", structure_views.ambition_add_page, name="ambition_add"),
    path("structure/ambitions/<int:pk>/", structure_views.ambition_page, name="ambition"),
    path(
        "structure/ambitions/<int:pk>/remove/",
        structure_views.ambition_remove_page,
        name="ambition_remove",
    ),
    path(
        "structure/ambitions/<int:pk>/move/",
        structure_views.ambition_move,
        name="ambition_move",
    ),
    path("structure/outcomes/add/", structure_views.outcome_add_page, name="outcome_add"),
    path("structure/outcomes/<int:pk>/", structure_views.outcome_page, name="outcome"),
    path(
        "structure/outcomes/<int:pk>/remove/",
        structure_views.outcome_remove_page,
        name="outcome_remove",
    ),
    path(
        "structure/outcomes/<int:pk>/move/",
        structure_views.outcome_move,
        name="outcome_move",
    ),
    path("committees/", committee_views.committees_page, name="committees"),
    path("committees/add/", committee_views.committee_add_page, name="committee_add"),
    path("committees/<int:pk>/", committee_views.committee_page, name="committee"),
    path(
        "committees/<int:pk>/change/",
        committee_views.committee_edit_page,
        name="committee_edit",
    ),
    path(
        "committees/<int:pk>/indicators/",
        committee_views.committee_indicators_page,
        name="committee_indicators",
    ),
    path(
        "committees/<int:pk>/meetings/add/",
        committee_views.meeting_add_page,
        name="meeting_add",
    ),
    path("meetings/<int:pk>/", committee_views.meeting_page, name="meeting"),
    path("reminder-rules/", reminder_views.reminder_rules_page, name="reminder_rules"),
    path(
        "reminder-rules/add/",
        reminder_views.reminder_rule_add_page,
        name="reminder_rule_add",
    ),
    path("reminder-rules/<int:pk>/", reminder_views.reminder_rule_page, name="reminder_rule"),
    path(
        "reminder-rules/<int:pk>/remove/",
        reminder_views.reminder_rule_remove_page,
        name="reminder_rule_remove",
    ),
]
