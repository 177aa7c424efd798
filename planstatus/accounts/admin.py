from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from planstatus.accounts.models import Membership


@admin.register(Membership)
class MembershipAdmin(SimpleHistoryAdmin):
    list_display = ["user", "region", "role", "created_at"]
    list_filter = ["region", "role"]
    search_fields = ["user__username", "user__email"]
    autocomplete_fields = ["user"]
