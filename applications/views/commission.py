"""Commission sessions: the list, creation, the agenda with the members' opinions, closing
and the minutes."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.models import Membership, Organisation

from .. import selectors, services
from ..forms.commission import OpinionForm, SessionForm
from ..models import Application, RequestedLevel
from ..services import WorkflowError
from ..workflow import Status
from .feedback import flash_errors, form_errors


def _secretariat_faculties(user):
    return Organisation.objects.filter(
        memberships__user=user, memberships__role=Membership.Role.SECRETARIAT
    )


@login_required
def session_list(request):
    sessions = selectors.sessions_visible_to(request.user).select_related("faculty")
    faculties = list(_secretariat_faculties(request.user))
    if (
        not faculties
        and not request.user.memberships.filter(
            role__in=[Membership.Role.COMMISSION, Membership.Role.FACULTY_ADMIN]
        ).exists()
    ):
        raise PermissionDenied(_("Les séances de commission sont réservées au personnel du DUMG."))
    return render(
        request,
        "applications/commission/list.html",
        {"sessions": sessions, "can_create": bool(faculties)},
    )


@login_required
def session_create(request):
    faculty = _secretariat_faculties(request.user).first()
    if faculty is None:
        raise PermissionDenied(_("Seul le secrétariat du DUMG crée les séances de commission."))
    form = SessionForm(
        request.POST if request.method == "POST" else None,
        members=selectors.faculty_commission_members(faculty),
    )
    if request.method == "POST" and form.is_valid():
        try:
            session = services.create_session(
                faculty,
                request.user,
                form.cleaned_data["meets_at"],
                form.cleaned_data["place"],
                form.cleaned_data["members"],
            )
        except WorkflowError as error:
            form_errors(form, error)
        else:
            messages.success(request, _("Séance créée ; les membres sont convoqués par courriel."))
            return redirect("applications:session", session.pk)
    return render(
        request,
        "applications/commission/create.html",
        {"form": form, "faculty": faculty},
        status=400 if form.errors else 200,
    )


@login_required
def session_detail(request, pk):
    session = selectors.get_session_for(request.user, pk)
    is_secretariat = _secretariat_faculties(request.user).filter(pk=session.faculty_id).exists()
    is_member = (
        session.members.filter(pk=request.user.pk).exists()
        and request.user.memberships.filter(
            organisation_id=session.faculty_id, role=Membership.Role.COMMISSION
        ).exists()
    )
    items = selectors.session_agenda(session)
    rows = []
    for item in items:
        levels = []
        for level in item.application.requested_levels.all():
            review = level.session_reviews[0] if level.session_reviews else None
            form = None
            if (
                is_member
                and not session.is_closed
                and item.application.status == Status.IN_COMMISSION
            ):
                form = OpinionForm(
                    prefix=f"avis-{level.pk}",
                    initial={"opinion": review.opinion, "reason": review.reason}
                    if review
                    else None,
                )
            levels.append({"level": level, "review": review, "form": form})
        rows.append({"item": item, "levels": levels})
    ready = []
    if is_secretariat and not session.is_closed:
        ready = list(
            Application.objects.filter(faculty_id=session.faculty_id, status=Status.VISIT_DONE)
            .select_related("doctor__user")
            .order_by("submitted_at")
        )
    return render(
        request,
        "applications/commission/detail.html",
        {
            "session": session,
            "rows": rows,
            "ready": ready,
            "is_secretariat": is_secretariat,
            "is_member": is_member,
            "members": list(session.members.all()),
            **session_documents(session),
        },
    )


@login_required
@require_POST
def session_add(request, pk):
    session = selectors.get_session_for(request.user, pk)
    application = get_object_or_404(
        selectors.applications_visible_to(request.user), pk=request.POST.get("application") or 0
    )
    try:
        services.add_to_agenda(session, application, request.user)
    except WorkflowError as error:
        flash_errors(request, error)
    else:
        messages.success(
            request,
            _("Dossier %(reference)s inscrit à l'ordre du jour.")
            % {"reference": application.reference},
        )
    return redirect("applications:session", pk)


@login_required
@require_POST
def give_opinion(request, pk, level_pk):
    session = selectors.get_session_for(request.user, pk)
    level = get_object_or_404(
        RequestedLevel.objects.select_related("application"),
        pk=level_pk,
        application__agenda_items__session=session,
    )
    form = OpinionForm(request.POST, prefix=f"avis-{level.pk}")
    if form.is_valid():
        try:
            services.give_opinion(
                session,
                level,
                request.user,
                form.cleaned_data["opinion"],
                form.cleaned_data["reason"],
            )
        except WorkflowError as error:
            flash_errors(request, error)
        else:
            messages.success(
                request,
                _("Avis enregistré : %(reference)s, %(level)s.")
                % {"reference": level.application.reference, "level": level.get_level_display()},
            )
    else:
        for errors in form.errors.values():
            for text in errors:
                messages.error(request, f"{level.application.reference} — {text}")
    return redirect(reverse("applications:session", args=[pk]) + f"#dossier-{level.application_id}")


@login_required
@require_POST
def session_close(request, pk):
    session = selectors.get_session_for(request.user, pk)
    try:
        services.close_session(session, request.user)
    except WorkflowError as error:
        flash_errors(request, error)
    else:
        messages.success(
            request,
            _("Séance close : les avis sont arrêtés et le procès-verbal est disponible."),
        )
    return redirect("applications:session", pk)


@login_required
def session_minutes(request, pk):
    session = selectors.get_session_for(request.user, pk)
    if not session.is_closed:
        messages.info(request, _("Le procès-verbal est établi à la clôture de la séance."))
        return redirect("applications:session", pk)
    return render(
        request,
        "applications/commission/minutes.html",
        {
            "session": session,
            "rows": [
                {
                    "item": item,
                    "levels": [
                        {
                            "level": lv,
                            "review": lv.session_reviews[0] if lv.session_reviews else None,
                        }
                        for lv in item.application.requested_levels.all()
                    ],
                }
                for item in selectors.session_agenda(session)
            ],
            "members": list(session.members.all()),
            **session_documents(session),
        },
    )


def session_documents(session):
    """The session's agenda and minutes PDFs (rows, maybe still being generated)."""
    documents = {d.kind: d for d in session.generated_documents.all()}
    return {"agenda_pdf": documents.get("agenda"), "minutes_pdf": documents.get("minutes")}
