from django.contrib import admin

from .models import FeeRate, PaymentExport


@admin.register(FeeRate)
class FeeRateAdmin(admin.ModelAdmin):
    list_display = ["kind", "level", "amount", "valid_from", "valid_until"]
    list_filter = ["kind", "level"]


@admin.register(PaymentExport)
class PaymentExportAdmin(admin.ModelAdmin):
    list_display = ["faculty", "year", "format", "state", "done", "total", "requested_at"]
    readonly_fields = [f.name for f in PaymentExport._meta.fields]
