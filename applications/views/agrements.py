"""The agrément's own page (its doctor and its faculty's staff, one URL), the review the
secretariat opens from it, the lifting of a suspension, and the doctor's declaration of a new
main practice site (which proposes a review).

Thin: agréments are read through selectors (another's is a 404), every change goes through
services.agrements, refusals are shown as their French sentences."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from .. import selectors, services
from ..forms.agrements import LiftSuspensionForm, MainSiteForm, OpenReviewForm
from ..models import Agrement, Reexamination
from ..workflow import AUTHORITY_ROLES, DOCTOR, SECRETARIAT, STATUS_BADGE
from .access import doctor_required, posted
from .feedback import form_errors

STATUS_BADGES = {
    Agrement.Status.IN_FORCE: "success",
    Agrement.Status.UNDER_REVIEW: "info",
    Agrement.Status.SUSPENDED: "warning",
    Agrement.Status.WITHDRAWN: "error",
}


# An agrément in force, by its dates (Agrement.state_label: the register's words): one badge
# (« En vigueur » beside « Expiré » said two contrary things).
STATE_BADGES = {"active": "success", "renewable": "warning", "upcoming": "info", "expired": "error"}


def _status_badge(agrement):
    if agrement.status == Agrement.Status.IN_FORCE:
        label, badge = agrement.state_label(), STATE_BADGES[agrement.state()]
    else:  # under review, suspended, withdrawn: what happened to it comes first
        label, badge = agrement.get_status_display(), STATUS_BADGES[agrement.status]
    return {"status_label": label, "status_badge": badge}


def _roles(agrement, user):
    return selectors.actor_roles(agrement.application, user)


@login_required
@never_cache
def agrement_detail(request, pk):
    agrement = selectors.get_agrement_for(request.user, pk)
    roles = _roles(agrement, request.user)
    is_doctor = DOCTOR in roles
    reviews = list(selectors.reviews_of(agrement))
    return render(
        request,
        "applications/agrement.html",
        {
            "agrement": agrement,
            "doctor": agrement.doctor,
            "is_doctor": is_doctor,
            **_status_badge(agrement),
            "suspensions": list(agrement.suspensions.all()),  # with their letters (selector)
            "reviews": [
                {"application": r, "badge": STATUS_BADGE.get(r.status, "info")} for r in reviews
            ],
            "events": selectors.agrement_timeline(agrement, internal=not is_doctor),
            "can_open_review": SECRETARIAT in roles
            and agrement.status == Agrement.Status.IN_FORCE
            and agrement.valid_until >= timezone.localdate(),
            "can_lift": agrement.status == Agrement.Status.SUSPENDED
            and bool(roles & AUTHORITY_ROLES[agrement.authority]),
        },
    )


def _staff_agrement(request, pk, roles_needed):
    """The agrément, if the user holds one of `roles_needed` on it (else 403; unseen: 404)."""
    agrement = selectors.get_agrement_for(request.user, pk)
    if not _roles(agrement, request.user) & set(roles_needed):
        raise PermissionDenied(_("Cette action ne relève pas de votre rôle."))
    return agrement


@login_required
@never_cache
def open_review(request, pk):
    agrement = _staff_agrement(request, pk, {SECRETARIAT})
    choices = Agrement.objects.filter(
        doctor_id=agrement.doctor_id,
        application__faculty_id=agrement.application.faculty_id,
        status=Agrement.Status.IN_FORCE,
        valid_until__gte=timezone.localdate(),
    ).order_by("level", "pk")
    proposed = [a.pk for a in choices if a.review_proposed_at]
    form = OpenReviewForm(
        posted(request),
        agrements=choices,
        initial={
            "agrements": proposed or [agrement.pk],
            "cause": Reexamination.Cause.SITE_CHANGE if agrement.review_proposed_at else None,
        },
    )
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                review = services.open_review(
                    list(form.cleaned_data["agrements"]),
                    request.user,
                    form.cleaned_data["cause"],
                    form.cleaned_data["comment"],
                )
            except services.WorkflowError as error:
                form_errors(form, error)
            else:
                messages.success(
                    request,
                    _(
                        "Réexamen %(reference)s ouvert ; le médecin est prévenu. Programmez la "
                        "visite ou inscrivez-le à une commission."
                    )
                    % {"reference": review.reference},
                )
                return redirect("applications:detail", review.pk)
        status = 400
    return render(
        request,
        "applications/agrement_review.html",
        {"agrement": agrement, "form": form},
        status=status,
    )


@login_required
@never_cache
def lift_suspension(request, pk):
    # Only the roles that record the acts of the authority that granted this agrément.
    agrement = selectors.get_agrement_for(request.user, pk)
    agrement = _staff_agrement(request, pk, AUTHORITY_ROLES[agrement.authority])
    form = LiftSuspensionForm(posted(request), initial={"lifted_on": timezone.localdate()})
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.lift_suspension(
                    agrement,
                    request.user,
                    lifted_on=form.cleaned_data["lifted_on"],
                    reference=form.cleaned_data["reference"],
                    reason=form.cleaned_data["reason"],
                )
            except services.WorkflowError as error:
                form_errors(form, error)
            else:
                messages.success(
                    request,
                    _(
                        "Suspension levée ; le médecin est prévenu. La lettre de levée se "
                        "télécharge sur cette page."
                    ),
                )
                return redirect("applications:agrement", agrement.pk)
        status = 400
    return render(
        request,
        "applications/agrement_lift.html",
        {"agrement": agrement, "form": form},
        status=status,
    )


@doctor_required
@never_cache
def change_main_site(request):
    doctor = request.doctor
    if not selectors.holds_agrement_in_force(doctor):
        messages.info(request, services.NO_AGREMENT_IN_FORCE)
        return redirect("home")
    form = MainSiteForm(posted(request), initial={"since": timezone.localdate()})
    status = 200
    if request.method == "POST":
        if form.is_valid():
            site = form.save(commit=False)
            try:
                proposed = services.change_main_site(
                    doctor, request.user, site, form.cleaned_data["since"]
                )
            except services.WorkflowError as error:
                form_errors(form, error)
            else:
                if proposed:
                    messages.success(
                        request,
                        _(
                            "Nouveau lieu d'exercice principal enregistré. Le DUMG en est "
                            "informé et peut ouvrir le réexamen de votre agrément."
                        ),
                    )
                else:
                    messages.success(request, _("Nouveau lieu d'exercice principal enregistré."))
                return redirect("home")
        status = 400
    return render(
        request,
        "applications/main_site.html",
        {"form": form, "sites": list(doctor.sites.all())},
        status=status,
    )
