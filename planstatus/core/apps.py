from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "planstatus.core"
    verbose_name = "Planstatus"

    def ready(self) -> None:
        from planstatus.core import checks  # noqa: F401  (registers the deployment checks)
