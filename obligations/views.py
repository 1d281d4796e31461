"""The MSU's « Mes obligations » page, and the faculty's pages: the MSUs behind on an
obligation (filters, export), one MSU's obligations, the UPP meetings and their attendance.
Faculty pages are for its secretariat and admin; anyone else gets a 404."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from accounts.models import Organisation
from applications.services import WorkflowError
from applications.uploads import download_name
from applications.views.feedback import form_errors
from msu_portal.pagination import page_of

from . import rules, selectors, services
from .forms import AttendanceForm, AttestationForm, MeetingForm
from .models import Obligation


def _private(response):
    response["Cache-Control"] = "private, no-store"
    return response


def _obligations_context(doctor, standings):
    return {
        "doctor": doctor,
        "standings": standings,
        "attestations": selectors.attestations_of(doctor),
        "history": selectors.history_of(doctor),
        "max_tutees": rules.MAX_TUTEES,
    }


@login_required
@never_cache
def mine(request):
    doctor = getattr(request.user, "doctor", None)
    if doctor is None:
        raise Http404
    form = AttestationForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.add_attestation(
                doctor,
                request.user,
                data["kind"],
                data["done_on"],
                data["body"],
                data["file"],
                form.detected,
            )
        except WorkflowError as error:
            form_errors(form, error)
        else:
            messages.success(request, _("Document enregistré : vos obligations sont à jour."))
            return redirect("obligations:mine")
    standings = selectors.standings_of(doctor)
    return _private(
        render(
            request,
            "obligations/mine.html",
            {**_obligations_context(doctor, standings), "form": form},
            status=400 if form.errors else 200,
        )
    )


@login_required
def attestation_download(request, pk):
    attestation = selectors.get_attestation_for(request.user, pk)
    services.record_download(request.user, attestation)
    response = FileResponse(
        attestation.file.open("rb"),
        content_type=attestation.content_type,
        as_attachment="download" in request.GET,
        filename=download_name(attestation.original_name, attestation.content_type),
    )
    return _private(response)


# --- The faculty's pages -------------------------------------------------------------------


def _faculty(request):
    """The faculty asked for (?faculte=) among the user's, or their first; Http404 else."""
    faculties = selectors.staff_faculties(request.user).order_by("name", "pk")
    asked = request.GET.get("faculte") or request.POST.get("faculte")
    if asked:
        try:
            return faculties.get(pk=int(asked)), faculties
        except (ValueError, TypeError, Organisation.DoesNotExist):
            raise Http404 from None
    faculty = faculties.first()
    if faculty is None:
        raise Http404
    return faculty, faculties


@login_required
@never_cache
def behind(request):
    faculty, faculties = _faculty(request)
    filters = {key: request.GET.get(key, "") for key in selectors.BEHIND_FILTERS}
    rows = selectors.behind(faculty, filters).select_related("doctor__user", "doctor__upp")
    return _private(
        render(
            request,
            "obligations/behind.html",
            {
                "faculty": faculty,
                "faculties": list(faculties),
                "filters": filters,
                **page_of(request, rows),
                "today": timezone.localdate(),
                "obligations": [(o, Obligation(o).label) for o in rules.TRACKED],
                "upps": selectors.upps_of(faculty),
            },
        )
    )


@login_required
@never_cache
def msu(request, pk):
    doctor = selectors.get_msu_for_staff(request.user, pk)
    return _private(
        render(
            request,
            "obligations/msu.html",
            _obligations_context(doctor, selectors.standings_of(doctor)),
        )
    )


@login_required
@never_cache
def meetings(request):
    faculty, faculties = _faculty(request)
    upps = selectors.upps_of(faculty)
    form = MeetingForm(request.POST or None, upps=upps)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            meeting = services.record_meeting(
                faculty, request.user, data["upp"], data["held_on"], data["title"]
            )
        except WorkflowError as error:
            form_errors(form, error)
        else:
            messages.success(request, _("Réunion enregistrée : relevez maintenant la présence."))
            return redirect("obligations:meeting", meeting.pk)
    rows = selectors.meetings_for(request.user).filter(faculty=faculty)
    return _private(
        render(
            request,
            "obligations/meetings.html",
            {
                "faculty": faculty,
                "faculties": list(faculties),
                "form": form,
                **page_of(request, rows),
            },
            status=400 if form.errors else 200,
        )
    )


@login_required
@never_cache
def meeting(request, pk):
    meeting = selectors.get_meeting_for(request.user, pk)
    choices = selectors.attendance_choices(meeting)
    form = AttendanceForm(
        request.POST or None,
        choices=choices,
        initial={"attendees": list(meeting.attendees.values_list("pk", flat=True))},
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.record_attendance(meeting, request.user, list(form.cleaned_data["attendees"]))
        except WorkflowError as error:
            form_errors(form, error)
        else:
            messages.success(request, _("Présence enregistrée."))
            return redirect("obligations:meeting", meeting.pk)
    return _private(
        render(
            request,
            "obligations/meeting.html",
            {
                "meeting": meeting,
                "form": form,
                "attendees": meeting.attendees.select_related("user").order_by(
                    "user__last_name", "user__first_name"
                ),
                "held": meeting.held_on <= timezone.localdate(),
            },
            status=400 if form.errors else 200,
        )
    )
