from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from planstatus.indicators.models import (
    Indicator,
    IndicatorGoal,
    IndicatorMeasure,
    IndicatorTarget,
    IndicatorValue,
    StatedFact,
)


class TargetInline(admin.TabularInline):
    model = IndicatorTarget
    extra = 1


class GoalInline(admin.TabularInline):
    model = IndicatorGoal
    extra = 1
    raw_id_fields = ["goal"]


class MeasureInline(admin.TabularInline):
    model = IndicatorMeasure
    extra = 1
    raw_id_fields = ["measure"]


@admin.register(Indicator)
class IndicatorAdmin(SimpleHistoryAdmin):
    list_display = ["name", "plan", "unit", "aggregation"]
    list_filter = ["plan"]
    search_fields = ["name"]
    inlines = [TargetInline, GoalInline, MeasureInline]


@admin.register(IndicatorValue)
class IndicatorValueAdmin(SimpleHistoryAdmin):
    list_display = ["indicator", "period", "municipality", "value", "entered_by", "entered_at"]
    list_filter = ["indicator"]
    readonly_fields = ["entered_by", "entered_at"]


@admin.register(StatedFact)
class StatedFactAdmin(SimpleHistoryAdmin):
    list_display = ["region", "kind", "value", "date", "source"]
