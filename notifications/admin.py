from django.contrib import admin

from .models import Notification


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ["subject", "user", "kind", "email_status", "created_at", "emailed_at"]
    list_filter = ["kind", "email_status"]
    search_fields = ["key", "subject", "user__email"]
    readonly_fields = [f.name for f in Notification._meta.fields]
