"""Dossiers in the Django admin, read-only: the superuser's look at the raw rows.

A status only changes through the workflow services, so nothing here can be edited; the list
has the queue's joins and filters (it is also the anchor the queue is measured against in
`make bench`)."""

from django.contrib import admin

from .models import Application


@admin.register(Application)
class ApplicationAdmin(admin.ModelAdmin):
    list_display = ["reference", "doctor", "faculty", "kind", "status", "submitted_at"]
    list_filter = ["status", "kind", "requested_levels__level", "faculty"]
    list_select_related = ["doctor__user", "doctor__upp", "faculty"]
    search_fields = ["doctor__user__last_name", "doctor__user__first_name", "doctor__rpps"]
    ordering = ["submitted_at", "pk"]
    list_per_page = 25

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
