from django.apps import AppConfig


class InstallationConfig(AppConfig):
    """Installation-wide work: bringing an installation to life, users, backups, serving."""

    name = "planstatus.installation"
    verbose_name = "Planstatus installation"
