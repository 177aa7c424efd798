from django.contrib import admin
from django.contrib.admin.apps import AdminConfig
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _


class InstallationAdminSite(admin.AdminSite):
    site_header = _("Planstatus administration")
    site_title = _("Planstatus administration")

    def has_permission(self, request: HttpRequest) -> bool:
        # Secretariats work in the application's own pages; the admin reaches every region.
        return bool(request.user.is_active and request.user.is_superuser)


class InstallationAdminConfig(AdminConfig):
    """Django's admin, open to installation administrators (superusers) only."""

    default_site = "planstatus.core.admin_site.InstallationAdminSite"
