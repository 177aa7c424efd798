from typing import Any

from django.contrib import admin
from django.http import HttpRequest
from simple_history.admin import SimpleHistoryAdmin

from planstatus.plans.models import (
    Continuation,
    FocusArea,
    Goal,
    Measure,
    MeasureActor,
    Plan,
    ProgrammeAdvice,
    ProgrammeDetails,
    ProgrammeFollowUpItem,
    StatusUpdate,
)


class FocusAreaInline(admin.TabularInline):
    model = FocusArea
    extra = 0


@admin.register(Plan)
class PlanAdmin(SimpleHistoryAdmin):
    list_display = ["title", "region", "kind", "state", "published", "period"]
    list_filter = ["region", "kind", "state", "published"]
    search_fields = ["title"]
    inlines = [FocusAreaInline]


@admin.register(Goal)
class GoalAdmin(SimpleHistoryAdmin):
    list_display = ["code", "text", "plan", "focus_area"]
    list_filter = ["plan"]
    search_fields = ["code", "text"]


class MeasureActorInline(admin.TabularInline):
    model = MeasureActor
    extra = 0
    autocomplete_fields = ["actor"]


class StatusUpdateInline(admin.TabularInline):
    """History is append-only: earlier updates are shown, never edited or removed."""

    model = StatusUpdate
    extra = 0
    fields = ["status", "comment", "source", "created_by", "created_at"]
    readonly_fields = ["created_at"]

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Measure)
class MeasureAdmin(SimpleHistoryAdmin):
    list_display = ["code", "written_code", "text", "timing_text", "focus_area"]
    list_filter = ["focus_area__plan"]
    search_fields = ["code", "text"]
    list_select_related = ["focus_area"]
    inlines = [MeasureActorInline, StatusUpdateInline]


@admin.register(StatusUpdate)
class StatusUpdateAdmin(SimpleHistoryAdmin):
    list_display = ["measure", "status", "source", "created_by", "created_at"]
    list_filter = ["status", "source"]
    list_select_related = ["measure", "created_by"]

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class ProgrammeAdviceInline(admin.TabularInline):
    model = ProgrammeAdvice
    extra = 0


class ProgrammeFollowUpInline(admin.TabularInline):
    model = ProgrammeFollowUpItem
    extra = 0


@admin.register(ProgrammeDetails)
class ProgrammeDetailsAdmin(SimpleHistoryAdmin):
    list_display = ["plan", "applicant"]
    inlines = [ProgrammeAdviceInline, ProgrammeFollowUpInline]


@admin.register(Continuation)
class ContinuationAdmin(SimpleHistoryAdmin):
    list_display = ["__str__", "kind", "state", "similarity", "later_plan"]
    list_filter = ["kind", "state", "later_plan"]
    raw_id_fields = [
        "earlier_focus_area",
        "later_focus_area",
        "earlier_goal",
        "later_goal",
        "earlier_measure",
        "later_measure",
    ]
