from django.apps import AppConfig


class ImprovementConfig(AppConfig):
    name = "improvement"
    verbose_name = "Improvement actions"

    def ready(self):
        from improvement.panels import directorate_panel, indicator_panel
        from scorecards.panels import DIRECTORATE_PANELS, INDICATOR_PANELS

        # ready() can run twice (tests, reloads): register each function once.
        if directorate_panel not in DIRECTORATE_PANELS:
            DIRECTORATE_PANELS.append(directorate_panel)
        if indicator_panel not in INDICATOR_PANELS:
            INDICATOR_PANELS.append(indicator_panel)

        from improvement import due
        from signoff.due import AWAITING, OWED

        if due.owed not in OWED:
            OWED.append(due.owed)
        if due.awaiting not in AWAITING:
            AWAITING.append(due.awaiting)
