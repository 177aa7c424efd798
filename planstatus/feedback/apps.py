from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FeedbackConfig(AppConfig):
    name = "planstatus.feedback"
    verbose_name = _("Input from the public")
