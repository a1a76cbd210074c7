from django.apps import AppConfig


class FinanceConfig(AppConfig):
    name = "finance"
    verbose_name = "Budgets and forecasts"

    def ready(self):
        from finance.appendices import finance_appendix
        from finance.panels import finance_panel
        from reports.appendices import REPORT_APPENDICES
        from scorecards.panels import DIRECTORATE_PANELS

        if finance_panel not in DIRECTORATE_PANELS:
            DIRECTORATE_PANELS.append(finance_panel)
        if finance_appendix not in REPORT_APPENDICES:
            REPORT_APPENDICES.append(finance_appendix)

        from finance import due
        from signoff.due import AWAITING, OWED

        if due.owed not in OWED:
            OWED.append(due.owed)
        if due.awaiting not in AWAITING:
            AWAITING.append(due.awaiting)
