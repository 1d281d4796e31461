from django.contrib import admin

from .models import Export


@admin.register(Export)
class ExportAdmin(admin.ModelAdmin):
    list_display = ["kind_name", "faculty", "format", "state", "done", "total", "requested_at"]
    list_filter = ["kind", "state", "format"]
    readonly_fields = [f.name for f in Export._meta.fields]

    @admin.display(description="liste", ordering="kind")
    def kind_name(self, export):
        return export.kind_label
