from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from planstatus.indicators.models import Indicator, IndicatorTarget, IndicatorValue, StatedFact


class TargetInline(admin.TabularInline):
    model = IndicatorTarget
    extra = 1


@admin.register(Indicator)
class IndicatorAdmin(SimpleHistoryAdmin):
    list_display = ["name", "plan", "unit", "aggregation"]
    list_filter = ["plan"]
    search_fields = ["name"]
    filter_horizontal = ["goals", "measures"]
    inlines = [TargetInline]


@admin.register(IndicatorValue)
class IndicatorValueAdmin(SimpleHistoryAdmin):
    list_display = ["indicator", "period", "municipality", "value", "entered_by", "entered_at"]
    list_filter = ["indicator"]
    readonly_fields = ["entered_by", "entered_at"]


@admin.register(StatedFact)
class StatedFactAdmin(SimpleHistoryAdmin):
    list_display = ["region", "kind", "value", "date", "source"]
