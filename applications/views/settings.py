"""The faculty admin's settings screen: the rules eligibility, pieces and the queue follow."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from accounts.models import FacultySettings, Membership, Organisation

from ..forms.settings import FacultySettingsForm


@login_required
def faculty_settings(request, faculty_pk):
    faculty = get_object_or_404(
        Organisation,
        pk=faculty_pk,
        kind=Organisation.Kind.FACULTY,
        memberships__user=request.user,
        memberships__role=Membership.Role.FACULTY_ADMIN,
    )
    instance = FacultySettings.for_faculty(faculty)
    form = FacultySettingsForm(
        request.POST if request.method == "POST" else None, instance=instance
    )
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Réglages de la faculté enregistrés."))
        return redirect("applications:faculty_settings", faculty.pk)
    return render(
        request,
        "applications/staff/faculty_settings.html",
        {"faculty": faculty, "form": form},
        status=400 if form.errors else 200,
    )
