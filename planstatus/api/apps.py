from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApiConfig(AppConfig):
    name = "planstatus.api"
    label = "planstatus_api"  # «api» alone is too likely to clash with another app's label
    verbose_name = _("API")
