from django.apps import AppConfig


class PagesConfig(AppConfig):
    """The pages that show several apps together (see views.py)."""

    name = "planstatus.pages"
    verbose_name = "Planstatus pages"
