from django.apps import AppConfig


class RisksConfig(AppConfig):
    name = "risks"
    verbose_name = "Risk register"

    def ready(self) -> None:
        from reports.appendices import REPORT_APPENDICES
        from risks.appendix import risks_appendix
        from risks.panels import directorate_panel, indicator_panel, theme_panel
        from scorecards.panels import DIRECTORATE_PANELS, INDICATOR_PANELS, THEME_PANELS

        # ready() may run more than once in tests: register each function once.
        for slot, build in (
            (DIRECTORATE_PANELS, directorate_panel),
            (INDICATOR_PANELS, indicator_panel),
            (THEME_PANELS, theme_panel),
            (REPORT_APPENDICES, risks_appendix),
        ):
            if build not in slot:
                slot.append(build)

        from risks import due
        from signoff.due import AWAITING, OWED

        if due.owed not in OWED:
            OWED.append(due.owed)
        if due.awaiting not in AWAITING:
            AWAITING.append(due.awaiting)
