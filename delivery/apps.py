from django.apps import AppConfig


class DeliveryConfig(AppConfig):
    name = "delivery"
    verbose_name = "Delivery plan, programmes and service plans"

    def ready(self):
        # The delivery plan's places on scorecards and in reports (the slots' own modules).
        # `delivery.panels.service_plan_panel` waits for a service scorecard slot.
        from delivery.appendices import change_appendix
        from delivery.panels import (
            directorate_change_panel,
            indicator_projects_panel,
            service_plan_panel,
            theme_projects_panel,
        )
        from reports.appendices import REPORT_APPENDICES
        from scorecards.panels import (
            DIRECTORATE_PANELS,
            INDICATOR_PANELS,
            SERVICE_PANELS,
            THEME_PANELS,
        )

        for slot, build in (
            (DIRECTORATE_PANELS, directorate_change_panel),
            (INDICATOR_PANELS, indicator_projects_panel),
            (REPORT_APPENDICES, change_appendix),
            (SERVICE_PANELS, service_plan_panel),
            (THEME_PANELS, theme_projects_panel),
        ):
            if build not in slot:
                slot.append(build)

        from delivery import due
        from signoff.due import AWAITING, OWED

        if due.owed not in OWED:
            OWED.append(due.owed)
        if due.awaiting not in AWAITING:
            AWAITING.append(due.awaiting)
