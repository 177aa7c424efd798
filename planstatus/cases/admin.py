from typing import Any

from django.contrib import admin
from django.http import HttpRequest
from simple_history.admin import SimpleHistoryAdmin

from planstatus.cases.models import CaseDocument, CaseSettings


@admin.register(CaseSettings)
class CaseSettingsAdmin(SimpleHistoryAdmin):
    list_display = ["plan", "case_number", "title", "updated_at"]
    search_fields = ["plan__title", "case_number", "title"]


@admin.register(CaseDocument)
class CaseDocumentAdmin(admin.ModelAdmin):
    """The archive is read-only here too: what was sent stays as it was sent."""

    list_display = [
        "case_number",
        "title",
        "plan",
        "round",
        "format",
        "created_at",
        "created_by_name",
    ]
    list_filter = ["format", "plan"]
    search_fields = ["case_number", "title"]
    exclude = ["data"]

    def get_queryset(self, request: HttpRequest) -> Any:
        return super().get_queryset(request).defer("data")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
