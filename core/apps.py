from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = "Core"

    def ready(self):
        from . import (
            checks,  # noqa: F401 (registers the system checks)
            metrics,  # noqa: F401 (connects the task-outcome counters in every process)
        )
