from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from planstatus.feedback.models import PublicInput


@admin.register(PublicInput)
class PublicInputAdmin(SimpleHistoryAdmin):
    list_display = ["measure", "created_at", "answered_at", "published"]
    list_filter = ["published"]
    raw_id_fields = ["measure", "answered_by"]
