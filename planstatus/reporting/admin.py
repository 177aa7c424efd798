from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from planstatus.reporting.actions.links import revoke_link
from planstatus.reporting.models import (
    MailFailure,
    ReminderSent,
    ReportingLink,
    ReportingLinkUse,
    ReportingRound,
    RoundReport,
    RoundSnapshot,
)


class ReportingLinkUseInline(admin.TabularInline):
    model = ReportingLinkUse
    extra = 0
    fields = readonly_fields = ("at", "action", "detail", "ip", "user_agent")
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(ReportingLink)
class ReportingLinkAdmin(admin.ModelAdmin):
    list_display = ["actor", "plan", "created_at", "expires_at", "revoked_at"]
    list_filter = ["plan__region", "plan"]
    list_select_related = ["actor", "plan"]
    search_fields = ["actor__name", "plan__title"]
    # token_hash is shown read-only; the token itself exists only when the link is issued.
    fields = readonly_fields = (
        "actor",
        "plan",
        "token_hash",
        "created_at",
        "created_by",
        "expires_at",
        "revoked_at",
        "revoked_by",
    )
    inlines = [ReportingLinkUseInline]
    actions = ["revoke_selected"]

    # Links are issued by the service, which hands the token to the person issuing it once;
    # a link added here would have a token nobody knows.
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    # Revoking, not deleting, ends a link: its log of uses stays.
    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_revoke_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm("reporting.change_reportinglink")

    @admin.action(description=_("Revoke selected reporting links"), permissions=["revoke"])
    def revoke_selected(self, request: HttpRequest, queryset: QuerySet[ReportingLink]) -> None:
        for link in queryset:
            revoke_link(link=link, user=request.user)
        self.message_user(
            request, _("%(count)d reporting links revoked.") % {"count": len(queryset)}
        )


@admin.register(ReportingLinkUse)
class ReportingLinkUseAdmin(admin.ModelAdmin):
    """The log is a record: it can be read, never written or removed here."""

    list_display = ["at", "action", "link", "ip"]
    list_filter = ["action"]
    list_select_related = ["link__actor", "link__plan"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class ReadOnlyAdmin(admin.ModelAdmin):
    """Rounds are opened, reported in and closed by the services, which also issue links and
    send mail; a row added or changed here would skip all that. Records are never removed."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(ReportingRound)
class ReportingRoundAdmin(SimpleHistoryAdmin, ReadOnlyAdmin):
    list_display = ["title", "plan", "deadline", "state", "opened_at", "closed_at"]
    list_filter = ["state", "plan__region", "plan"]
    list_select_related = ["plan"]
    search_fields = ["title", "plan__title"]


@admin.register(RoundSnapshot)
class RoundSnapshotAdmin(ReadOnlyAdmin):
    list_display = ["round", "measure", "status", "reported_at"]
    list_filter = ["round__plan", "status"]
    list_select_related = ["round", "measure"]


@admin.register(RoundReport)
class RoundReportAdmin(ReadOnlyAdmin):
    list_display = ["round", "status_update", "actor", "via_link"]
    list_filter = ["round__plan"]
    list_select_related = ["round", "status_update__measure", "actor", "via_link__actor"]


@admin.register(ReminderSent)
class ReminderSentAdmin(ReadOnlyAdmin):
    list_display = ["round", "actor", "kind", "email", "sent_at", "sent_by"]
    list_filter = ["kind", "round__plan"]
    list_select_related = ["round", "actor", "sent_by"]


@admin.register(MailFailure)
class MailFailureAdmin(ReadOnlyAdmin):
    list_display = ["round", "actor", "kind", "email", "failed_at", "error"]
    list_filter = ["kind", "round__plan"]
    list_select_related = ["round", "actor"]
