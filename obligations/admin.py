from django.contrib import admin

from .models import Attestation, UppMeeting


@admin.register(Attestation)
class AttestationAdmin(admin.ModelAdmin):
    list_display = ["doctor", "kind", "done_on", "body"]
    list_filter = ["kind"]
    raw_id_fields = ["doctor"]
    exclude = ["file"]


@admin.register(UppMeeting)
class UppMeetingAdmin(admin.ModelAdmin):
    list_display = ["upp", "held_on", "title"]
    raw_id_fields = ["attendees"]
