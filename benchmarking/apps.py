from django.apps import AppConfig


class BenchmarkingConfig(AppConfig):
    name = "benchmarking"
    verbose_name = "Benchmarking against other councils"

    def ready(self) -> None:
        from benchmarking.appendix import benchmarking_appendix
        from benchmarking.panels import evidence_panel, indicator_panel
        from reports.appendices import REPORT_APPENDICES
        from scorecards.panels import INDICATOR_PANELS, THEME_PANELS

        # ready() may run more than once in tests: register each function once.
        if indicator_panel not in INDICATOR_PANELS:
            INDICATOR_PANELS.append(indicator_panel)
        if evidence_panel not in THEME_PANELS:
            THEME_PANELS.append(evidence_panel)
        if benchmarking_appendix not in REPORT_APPENDICES:
            REPORT_APPENDICES.append(benchmarking_appendix)
