from django.contrib import admin

from .models import AuditEntry


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    """Read-only: audit lines are never changed nor deleted (a trigger refuses it anyway)."""

    list_display = ["created_at", "kind", "faculty", "actor", "summary"]
    list_filter = ["kind", "faculty"]
    search_fields = ["summary", "actor__email"]
    date_hierarchy = "created_at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
