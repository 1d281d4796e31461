"""Pages of the stages: the faculty admin's periods, offers, placements and tutoring, and the
MSU's own stages.

Views are thin: every object is read through `selectors` (another faculty's id is a 404, a
user who administers no faculty reaches nothing), every change goes through `services`, and a
refusal's French sentences are shown as they are, on the form that was submitted.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import F, Q
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from applications.models import Doctor
from applications.services import WorkflowError
from applications.views.feedback import confirmation_page, confirmed, flash_errors, form_errors

from . import selectors, services
from .forms import (
    OfferForm,
    PeriodForm,
    PlacementDatesForm,
    PlacementForm,
    SuspensionForm,
    TutoringForm,
)
from .models import INTERNE_LEVELS


def _admin_faculties(request):
    faculties = list(selectors.admin_faculties(request.user).order_by("name"))
    if not faculties:
        raise PermissionDenied(
            _("La gestion des stages est réservée aux administrateurs de la faculté.")
        )
    return faculties


# --- Periods ---------------------------------------------------------------------------------


@login_required
@never_cache
def admin_home(request):
    faculties = _admin_faculties(request)
    form = PeriodForm(request.POST or None, faculties=faculties)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                period = services.create_period(
                    form.chosen_faculty(),
                    request.user,
                    data["kind"],
                    data["start"],
                    data["end"],
                    data["label"].strip(),
                )
            except WorkflowError as error:
                form_errors(form, error)
            else:
                messages.success(
                    request, _("Période « %(period)s » créée.") % {"period": period.label}
                )
                return redirect("stages:period", period.pk)
        status = 400
    periods = selectors.periods_for_admin(request.user).order_by("-start", "kind", "pk")
    return render(
        request,
        "stages/admin_home.html",
        {
            "affected": len(_affected(request)),
            "periods": periods,
            "form": form,
            "faculties": faculties,
            "several_faculties": len(faculties) > 1,
        },
        status=status,
    )


@login_required
@never_cache
def period_detail(request, pk):
    period = selectors.get_period_for_admin(request.user, pk)
    offers = selectors.offers_for_admin(request.user).filter(period=period).order_by("label", "pk")
    return render(request, "stages/period.html", {"period": period, "offers": offers})


# --- Offers touched by a suspension or a withdrawal ------------------------------------------


def _affected(request):
    """The offers whose team counts an MSU no longer approved over the period, each with the
    members at fault (named, with why) and its placements still to come."""
    rows = []
    for offer in selectors.offers_with_stopped_agrements(request.user):
        problems = [
            problem
            for member in offer.team.all()
            if (
                problem := services.agrement_problem(
                    member.doctor,
                    offer.level,
                    offer.period.start,
                    offer.period.end,
                    offer.stopped_agrements[member.doctor_id],
                )
            )
        ]
        if problems:
            rows.append({"offer": offer, "problems": problems})
    return rows


@login_required
@never_cache
def affected_offers(request):
    faculties = _admin_faculties(request)
    return render(
        request,
        "stages/affected.html",
        {"rows": _affected(request), "several_faculties": len(faculties) > 1},
    )


# --- Offers ----------------------------------------------------------------------------------


def _offer_form_page(request, period, form, template_context, status):
    return render(
        request,
        "stages/offer_form.html",
        {"period": period, "form": form, "team_rows": form.team_rows(), **template_context},
        status=status,
    )


@login_required
@never_cache
def offer_create(request, pk):
    period = selectors.get_period_for_admin(request.user, pk)
    form = OfferForm(
        request.POST or None, period=period, doctors=selectors.hosts_for_faculty(period.faculty)
    )
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                offer = services.create_offer(
                    period,
                    request.user,
                    data["level"],
                    data["label"].strip(),
                    form.members(),
                    data["capacity"],
                    data["upp"],
                )
            except WorkflowError as error:
                form_errors(form, error)
            else:
                messages.success(
                    request, _("Terrain de stage « %(offer)s » créé.") % {"offer": offer.label}
                )
                return redirect("stages:offer", offer.pk)
        status = 400
    return _offer_form_page(request, period, form, {"offer": None}, status)


@login_required
@never_cache
def offer_edit(request, pk):
    offer = selectors.get_offer_for_admin(request.user, pk)
    period = offer.period
    team = list(offer.team.all())
    # A member whose agrément came from elsewhere stays choosable on their own offer.
    doctors = (
        Doctor.objects.filter(
            Q(pk__in=selectors.hosts_for_faculty(period.faculty).values("pk"))
            | Q(pk__in=[m.doctor_id for m in team])
        )
        .select_related("user")
        .order_by("user__last_name", "user__first_name")
    )
    form = OfferForm(
        request.POST or None,
        period=period,
        doctors=doctors,
        edit=True,
        sites={m.doctor_id: m.site for m in team if m.site_id},
        initial=OfferForm.initial_for(offer),
    )
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.update_offer(
                    offer,
                    request.user,
                    data["label"].strip(),
                    form.members(),
                    data["capacity"],
                    data["upp"],
                )
            except WorkflowError as error:
                form_errors(form, error)
            else:
                messages.success(request, _("Terrain de stage modifié."))
                return redirect("stages:offer", offer.pk)
        status = 400
    return _offer_form_page(request, period, form, {"offer": offer}, status)


def _offer_page(request, offer, place_form=None, status=200):
    placements = (
        selectors.placements_for_admin(request.user)
        .filter(offer=offer)
        .prefetch_related("suspensions")
        .order_by("student__last_name", "student__first_name", "pk")
    )
    return render(
        request,
        "stages/offer.html",
        {
            "offer": offer,
            "period": offer.period,
            "placements": placements,
            "place_form": place_form or PlacementForm(offer=offer),
        },
        status=status,
    )


@login_required
@never_cache
def offer_detail(request, pk):
    return _offer_page(request, selectors.get_offer_for_admin(request.user, pk))


# --- Placements ------------------------------------------------------------------------------


@login_required
@never_cache
@require_POST
def place(request, pk):
    offer = selectors.get_offer_for_admin(request.user, pk)
    form = PlacementForm(request.POST, offer=offer)
    if form.is_valid():
        try:
            placement = services.place_student(
                offer, request.user, form.student(), form.cleaned_data["part_time"]
            )
        except WorkflowError as error:
            form_errors(form, error)
        else:
            messages.success(
                request,
                _("%(student)s est placé(e) sur « %(offer)s » du %(start)s au %(end)s.")
                % {
                    "student": placement.student,
                    "offer": offer.label,
                    "start": formats.date_format(placement.start, "SHORT_DATE_FORMAT"),
                    "end": formats.date_format(placement.end, "SHORT_DATE_FORMAT"),
                },
            )
            return redirect("stages:offer", offer.pk)
    return _offer_page(request, offer, place_form=form, status=400)


@login_required
@never_cache
@require_http_methods(["GET", "POST"])
def placement_remove(request, pk):
    placement = selectors.get_placement_for_admin(request.user, pk)
    offer_pk, student = placement.offer_id, placement.student
    if not confirmed(request):
        return confirmation_page(
            request,
            title=_("Retirer un étudiant du terrain de stage"),
            question=_("Retirer %(student)s du terrain de stage « %(offer)s » ?")
            % {"student": student, "offer": placement.offer.label},
            consequence=_(
                "Le stage disparaît des relevés d'honoraires des maîtres de stage de l'équipe."
            ),
            confirm_label=_("Retirer l'étudiant"),
            cancel_url=reverse("stages:offer", args=[offer_pk]),
        )
    try:
        services.remove_placement(placement, request.user)
    except WorkflowError as error:
        flash_errors(request, error)
    else:
        messages.success(
            request, _("%(student)s est retiré(e) du terrain de stage.") % {"student": student}
        )
    return redirect("stages:offer", offer_pk)


def _exported_note():
    return _(
        "Les honoraires de ce stage figurent déjà dans un export des paiements : ils n'y sont "
        "pas modifiés ; la différence figurera en ligne de correction du prochain export."
    )


def _dates_page(request, placement, dates_form=None, suspension_form=None, status=200):
    from remuneration.selectors import placement_exported

    return render(
        request,
        "stages/placement_dates.html",
        {
            "placement": placement,
            "offer": placement.offer,
            "period": placement.offer.period,
            "dates_form": dates_form
            or PlacementDatesForm(initial=PlacementDatesForm.initial_for(placement)),
            "suspension_form": suspension_form or SuspensionForm(),
            "suspensions": placement.suspensions.all(),
            "exported": placement_exported(placement),
        },
        status=status,
    )


def _changed(request, placement, text):
    from remuneration.selectors import placement_exported

    messages.success(request, text)
    if placement_exported(placement):
        messages.info(request, _exported_note())
    return redirect("stages:placement_dates", placement.pk)


@login_required
@never_cache
def placement_dates(request, pk):
    placement = selectors.get_placement_for_admin(request.user, pk)
    if request.method != "POST":
        return _dates_page(request, placement)
    form = PlacementDatesForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.change_placement_dates(
                placement,
                request.user,
                data["start"],
                data["end"],
                data["end_reason"],
                data["dates_note"],
            )
        except WorkflowError as error:
            form_errors(form, error)
        else:
            return _changed(
                request,
                placement,
                _("Dates du stage de %(student)s enregistrées : du %(start)s au %(end)s.")
                % {
                    "student": placement.student,
                    "start": formats.date_format(data["start"], "SHORT_DATE_FORMAT"),
                    "end": formats.date_format(data["end"], "SHORT_DATE_FORMAT"),
                },
            )
    return _dates_page(request, placement, dates_form=form, status=400)


@login_required
@never_cache
@require_POST
def suspension_add(request, pk):
    placement = selectors.get_placement_for_admin(request.user, pk)
    form = SuspensionForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.add_suspension(
                placement, request.user, data["start"], data["end"], data["reason"]
            )
        except WorkflowError as error:
            form_errors(form, error)
        else:
            return _changed(request, placement, _("Suspension enregistrée."))
    return _dates_page(request, placement, suspension_form=form, status=400)


@login_required
@never_cache
@require_http_methods(["GET", "POST"])
def suspension_remove(request, pk):
    suspension = selectors.get_suspension_for_admin(request.user, pk)
    placement = suspension.placement
    if not confirmed(request):
        return confirmation_page(
            request,
            title=_("Retirer une suspension"),
            question=_("Retirer la suspension du %(start)s au %(end)s du stage de %(student)s ?")
            % {
                "start": formats.date_format(suspension.start, "SHORT_DATE_FORMAT"),
                "end": formats.date_format(suspension.end, "SHORT_DATE_FORMAT"),
                "student": placement.student,
            },
            consequence=_("Ces jours comptent de nouveau dans les honoraires du stage."),
            confirm_label=_("Retirer la suspension"),
            cancel_url=reverse("stages:placement_dates", args=[placement.pk]),
        )
    try:
        services.remove_suspension(suspension, request.user)
    except WorkflowError as error:
        flash_errors(request, error)
        return redirect("stages:placement_dates", placement.pk)
    return _changed(request, placement, _("Suspension retirée."))


# --- Tutoring --------------------------------------------------------------------------------


@login_required
@never_cache
def tutoring(request):
    faculties = _admin_faculties(request)
    form = TutoringForm(
        request.POST or None,
        tutors=selectors.hosts_for_faculty(*faculties),
        students=selectors.students_for_admin(request.user)
        .filter(level__in=INTERNE_LEVELS)
        .order_by("last_name", "first_name", "pk"),
    )
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.assign_tutor(
                    data["tutor"], data["student"], request.user, data["started_on"]
                )
            except WorkflowError as error:
                form_errors(form, error)
            else:
                messages.success(
                    request,
                    _("Dr %(tutor)s est le tuteur de portfolio de %(student)s.")
                    % {"tutor": data["tutor"], "student": data["student"]},
                )
                return redirect("stages:tutoring")
        status = 400
    tutorings = selectors.tutorings_for_admin(request.user).order_by(
        F("ended_on").desc(nulls_first=True), "-started_on", "pk"
    )
    return render(
        request,
        "stages/tutoring.html",
        {"tutorings": tutorings, "form": form, "today": timezone.localdate()},
        status=status,
    )


@login_required
@never_cache
@require_http_methods(["GET", "POST"])
def tutoring_end(request, pk):
    tutoring = selectors.get_tutoring_for_admin(request.user, pk)
    if not confirmed(request):
        return confirmation_page(
            request,
            title=_("Terminer un tutorat"),
            question=_("Terminer aujourd'hui le tutorat de %(student)s par Dr %(tutor)s ?")
            % {"student": tutoring.student, "tutor": tutoring.tutor},
            confirm_label=_("Terminer le tutorat"),
            cancel_url=reverse("stages:tutoring"),
        )
    try:
        services.end_tutoring(tutoring, request.user, timezone.localdate())
    except WorkflowError as error:
        flash_errors(request, error)
    else:
        messages.success(
            request,
            _("Tutorat de %(student)s par Dr %(tutor)s terminé.")
            % {"student": tutoring.student, "tutor": tutoring.tutor},
        )
    return redirect("stages:tutoring")


# --- The MSU's own ---------------------------------------------------------------------------


@login_required
@never_cache
def mine(request):
    doctor = selectors.doctor_of(request.user)
    if doctor is None:
        raise Http404(_("Cette page est réservée aux maîtres de stage."))
    groups = {}
    for offer in selectors.offers_of_doctor(doctor):
        groups.setdefault(offer.period.pk, {"period": offer.period, "offers": []})
        groups[offer.period.pk]["offers"].append(offer)
    periods = sorted(
        groups.values(), key=lambda g: (g["period"].start, g["period"].pk), reverse=True
    )
    return render(
        request,
        "stages/mine.html",
        {
            "doctor": doctor,
            "periods": periods,
            "tutorings": selectors.tutorings_of_doctor(doctor),
        },
    )
