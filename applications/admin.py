"""Dossiers in the Django admin, read-only: the superuser's look at the raw rows.

A status only changes through the workflow services, so nothing here can be edited; the list
has the queue's joins and filters (it is also the anchor the queue is measured against in
`make bench`)."""

from django.contrib import admin

from accounts.models import Organisation

from .models import Application


class FacultyFilter(admin.RelatedFieldListFilter):
    """The faculties only (a dossier is never filed with an ARS or a UPP)."""

    def field_choices(self, field, request, model_admin):
        return field.get_choices(
            include_blank=False,
            ordering=("name",),
            limit_choices_to={"kind": Organisation.Kind.FACULTY},
        )


@admin.register(Application)
class ApplicationAdmin(admin.ModelAdmin):
    # The queue's columns: the dossier, the doctor with their RPPS and UPP, the levels asked.
    list_display = [
        "number",
        "doctor",
        "rpps",
        "upp",
        "levels_asked",
        "faculty",
        "kind",
        "status",
        "submitted_at",
    ]
    list_filter = ["status", "kind", "requested_levels__level", ("faculty", FacultyFilter)]
    list_select_related = ["doctor__user", "doctor__upp", "faculty"]
    search_fields = ["doctor__user__last_name", "doctor__user__first_name", "doctor__rpps"]
    ordering = ["submitted_at", "pk"]
    list_per_page = 25

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("requested_levels")

    @admin.display(description="Dossier", ordering="pk")
    def number(self, application):
        return application.reference

    @admin.display(description="RPPS", ordering="doctor__rpps")
    def rpps(self, application):
        return application.doctor.rpps

    @admin.display(description="UPP", ordering="doctor__upp__name")
    def upp(self, application):
        return application.doctor.upp

    @admin.display(description="Niveaux demandés")
    def levels_asked(self, application):
        return ", ".join(str(level.label) for level in application.levels)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
