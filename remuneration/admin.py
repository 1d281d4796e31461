from django.contrib import admin

from .models import FeeRate


@admin.register(FeeRate)
class FeeRateAdmin(admin.ModelAdmin):
    list_display = ["kind", "level", "amount", "valid_from", "valid_until"]
    list_filter = ["kind", "level"]
