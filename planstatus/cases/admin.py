from typing import Any

from django.contrib import admin
from django.http import HttpRequest
from simple_history.admin import SimpleHistoryAdmin

from planstatus.cases.models import CaseDocument, CaseDraft, CaseSettings, SentCase


@admin.register(CaseSettings)
class CaseSettingsAdmin(SimpleHistoryAdmin):
    list_display = ["plan", "case_number", "title", "updated_at"]
    search_fields = ["plan__title", "case_number", "title"]


class ReadOnlyAdmin(admin.ModelAdmin):
    """What went to the politicians stays as it was sent: read-only here too."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(SentCase)
class SentCaseAdmin(ReadOnlyAdmin):
    list_display = ["case_number", "title", "plan", "round", "sent_at", "sent_by_name"]
    list_filter = ["plan"]
    search_fields = ["case_number", "title"]
    exclude = ["statuses"]


@admin.register(CaseDocument)
class CaseDocumentAdmin(ReadOnlyAdmin):
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


@admin.register(CaseDraft)
class CaseDraftAdmin(ReadOnlyAdmin):
    """Drafts are made, looked over, sent and deleted on the case page."""

    list_display = ["case_number", "title", "plan", "round", "made_at", "made_by_name"]
    list_filter = ["plan"]
    exclude = ["html", "pdf", "docx", "statuses"]

    def get_queryset(self, request: HttpRequest) -> Any:
        return super().get_queryset(request).defer("html", "pdf", "docx")
