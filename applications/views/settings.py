"""The faculty admin's settings screen: the rules eligibility, pieces and the queue follow."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from accounts.models import FacultySettings, Membership, Organisation

from .. import services
from ..forms.settings import FacultySettingsForm, SpecialtyCoordinatorForm
from ..models import SpecialtyCoordinator
from .feedback import form_errors


def _admin_faculty(request, faculty_pk):
    return get_object_or_404(
        Organisation,
        pk=faculty_pk,
        kind=Organisation.Kind.FACULTY,
        memberships__user=request.user,
        memberships__role=Membership.Role.FACULTY_ADMIN,
    )


@login_required
def faculty_settings(request, faculty_pk):
    faculty = _admin_faculty(request, faculty_pk)
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


@login_required
def specialty_coordinators(request, faculty_pk):
    """The coordinating professor of each specialty other than general practice, informed of
    the dossiers for a stage ambulatoire of their specialty."""
    faculty = _admin_faculty(request, faculty_pk)
    form = SpecialtyCoordinatorForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            saved = services.set_coordinator(
                faculty, request.user, data["specialty"], data["name"], data["email"]
            )
        except services.WorkflowError as error:
            form_errors(form, error)
        else:
            if saved is None:
                messages.success(request, _("Professeur coordonnateur retiré."))
            else:
                messages.success(request, _("Professeur coordonnateur enregistré."))
            return redirect("applications:specialty_coordinators", faculty.pk)
    return render(
        request,
        "applications/staff/specialty_coordinators.html",
        {
            "faculty": faculty,
            "form": form,
            "coordinators": SpecialtyCoordinator.objects.filter(faculty=faculty),
        },
        status=400 if form.errors else 200,
    )
