from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "planstatus.core"
    verbose_name = "Planstatus"
