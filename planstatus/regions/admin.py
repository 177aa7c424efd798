from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from planstatus.regions.models import (
    Actor,
    ContactPerson,
    Municipality,
    MunicipalityPopulation,
    Region,
)


class MunicipalityInline(admin.TabularInline):
    model = Municipality
    extra = 0


@admin.register(Region)
class RegionAdmin(SimpleHistoryAdmin):
    list_display = ["name", "slug", "council_name"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [MunicipalityInline]


class PopulationInline(admin.TabularInline):
    model = MunicipalityPopulation
    extra = 0


@admin.register(Municipality)
class MunicipalityAdmin(SimpleHistoryAdmin):
    list_display = ["name", "number", "number_2020_2023", "number_before_2020", "region"]
    list_filter = ["region"]
    inlines = [PopulationInline]


class ContactPersonInline(admin.TabularInline):
    model = ContactPerson
    extra = 0


@admin.register(Actor)
class ActorAdmin(SimpleHistoryAdmin):
    list_display = ["name", "short_name", "kind", "region", "email"]
    list_filter = ["region", "kind"]
    search_fields = ["name", "short_name"]
    inlines = [ContactPersonInline]
