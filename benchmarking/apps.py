from django.apps import AppConfig


class BenchmarkingConfig(AppConfig):
    name = "benchmarking"
    verbose_name = "Benchmarking against other councils"

    def ready(self) -> None:
        from benchmarking.panels import indicator_panel
        from scorecards.panels import INDICATOR_PANELS

        # ready() may run more than once in tests: register each function once.
        if indicator_panel not in INDICATOR_PANELS:
            INDICATOR_PANELS.append(indicator_panel)
