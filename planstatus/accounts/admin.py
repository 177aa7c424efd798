from django.contrib import admin

from planstatus.accounts.models import Membership


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "region", "role", "created_at"]
    list_filter = ["region", "role"]
    search_fields = ["user__username", "user__email"]
    autocomplete_fields = ["user"]
