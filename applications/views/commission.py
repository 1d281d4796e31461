"""Commission sessions: the list, creation, the session page (attendance, each member's own
opinion, the commission's opinion with the vote count), closing, the minutes, the
transmissions to the ARS and the UFR, and the authority's decisions for the whole session."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404, HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_POST

from accounts.memberships import memberships_of, roles_of
from accounts.models import FacultySettings, Membership, Organisation
from msu_portal.pagination import page_of
from stages.levels import rules_for

from .. import selectors, services
from ..documents.letters import session_context
from ..documents.transmission import SLUGS, authorities_with_proposals, transmission_file
from ..forms.commission import (
    AttendanceForm,
    CommissionOpinionForm,
    OpinionForm,
    SessionDecisionsForm,
    SessionForm,
)
from ..forms.common import VersionForm
from ..models import Application, Attendance, Event, RequestedLevel, Review
from ..services import WorkflowError
from ..workflow import Status
from .feedback import confirmation_page, confirmed, flash_errors, form_errors


def _secretariat_faculties(user):
    return [m.organisation for m in memberships_of(user) if m.role == Membership.Role.SECRETARIAT]


@login_required
def session_list(request):
    sessions = selectors.sessions_visible_to(request.user).select_related("faculty")
    faculties = _secretariat_faculties(request.user)
    if not faculties and not roles_of(request.user) & {
        Membership.Role.COMMISSION,
        Membership.Role.FACULTY_ADMIN,
    }:
        raise PermissionDenied(_("Les séances de commission sont réservées au personnel du DUMG."))
    listed = page_of(request, sessions.order_by("-meets_at", "-pk"))
    return render(
        request,
        "applications/commission/list.html",
        {
            **listed,
            "sessions": listed["page"].object_list,
            "can_create": bool(faculties),
            # One faculty's sessions need no « Faculté » column (on a phone it pushed the
            # state off the screen).
            "several_faculties": request.user.is_superuser
            or len(
                {
                    m.organisation_id
                    for m in memberships_of(request.user)
                    if m.organisation.kind == Organisation.Kind.FACULTY  # not a UPP
                }
            )
            > 1,
        },
    )


@login_required
def session_create(request):
    faculty = next(iter(_secretariat_faculties(request.user)), None)
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
                president=form.cleaned_data["president"],
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


DRAFT = "commission_draft"  # a refused opinion, shown again on the page it came from


def _keep(request, form, texts=()):
    """After a refusal, the page shows the form as it was sent, with its errors beside it."""
    request.session[DRAFT] = {
        "prefix": form.prefix,
        "data": {k: request.POST.getlist(k) for k in request.POST if k.startswith(form.prefix)},
        "errors": [str(text) for text in texts],
    }


def _drafted(form_class, prefix, draft, **kwargs):
    """The form sent last and refused (bound, with its errors), or a fresh one."""
    if not draft or draft["prefix"] != prefix:
        return form_class(prefix=prefix, **kwargs)
    data = QueryDict(mutable=True)
    for key, values in draft["data"].items():
        data.setlist(key, values)
    form = form_class(data, prefix=prefix)
    form.is_valid()
    for text in draft["errors"]:
        form.add_error(None, text)
    return form


def _level_row(level, item, session, roles, user, recused, voters, draft=None):
    """What one reader sees and may do on one level of the agenda."""
    opinions = level.session_opinions
    own = next((o for o in opinions if o.member_id == user.pk), None)
    review = level.session_reviews[0] if level.session_reviews else None
    open_here = (
        not session.is_closed
        and item.application.status == Status.IN_COMMISSION
        and getattr(level, "decision", None) is None
    )
    form = None
    if roles.member and open_here and user.pk not in recused:
        form = _drafted(
            OpinionForm,
            f"avis-{level.pk}",
            draft,
            initial={"opinion": own.opinion, "reason": own.reason} if own else None,
        )
    computed = selectors.computed_votes(opinions, voters)
    commission_form = None
    # The commission's opinion is the meeting's outcome: no form to fill in before its day.
    if roles.runs and open_here and selectors.is_past_meeting_day(session):
        initial = {"votes_for": computed[0], "votes_against": computed[1]}
        initial["votes_abstain"] = computed[2]
        if review:
            initial = {
                "opinion": review.opinion,
                "reason": review.reason,
                "votes_for": review.votes_for,
                "votes_against": review.votes_against,
                "votes_abstain": review.votes_abstain,
            }
        commission_form = _drafted(
            CommissionOpinionForm, f"commission-{level.pk}", draft, initial=initial
        )
    return {
        "level": level,
        "own": own,
        "form": form,
        "others": [o for o in opinions if o.member_id != user.pk]
        if selectors.can_see_others(roles, own)
        else None,
        "opinion_count": len(opinions),
        "review": review,
        "computed": computed,
        "commission_form": commission_form,
        "commission_later": roles.runs and open_here and commission_form is None,
    }


def _agenda_rows(session, roles, user, members, attendance, draft=None):
    names = {m.pk: str(m) for m in members}
    away = {pk for pk, status in attendance["by_member"].items() if status != "present"}
    rows = []
    for item in selectors.session_agenda(session):
        recused = selectors.recused_ids(members, item.application)
        voters = {m.pk for m in members} - recused - away
        rows.append(
            {
                "item": item,
                "recused": sorted(names[pk] for pk in recused),
                "i_take_no_part": roles.member and user.pk in recused,
                "levels": [
                    _level_row(level, item, session, roles, user, recused, voters, draft)
                    for level in item.examined
                ],
            }
        )
    return rows


@login_required
def session_detail(request, pk):
    session = selectors.get_session_for(request.user, pk)
    roles = selectors.session_roles(session, request.user)
    members = selectors.session_members(session)
    attendance = selectors.quorum_state(session, members)
    ready = []
    if roles.secretariat and not session.is_closed:
        ready = list(
            Application.objects.filter(faculty_id=session.faculty_id)
            .filter(
                Q(status=Status.VISIT_DONE)
                | Q(
                    status=Status.IN_COMMISSION,
                    pk__in=selectors.awaiting_levels().values("application_id"),
                )
            )
            .exclude(agenda_items__session=session)
            .select_related("doctor__user")
            .order_by("submitted_at", "pk")
        )
    attendance_form = None
    if roles.runs and not session.is_closed and selectors.is_past_meeting_day(session):
        attendance_form = AttendanceForm(members=members, current=attendance["by_member"])
    return render(
        request,
        "applications/commission/detail.html",
        {
            "session": session,
            "roles": roles,
            "members": members,
            "attendance": attendance,
            "attendance_form": attendance_form,
            "attendance_choices": Attendance.Status.choices,
            "rows": _agenda_rows(
                session, roles, request.user, members, attendance, request.session.pop(DRAFT, None)
            ),
            "ready": ready,
            "met": selectors.is_past_meeting_day(session),
            "version_form": VersionForm(initial={"version": session.version}),
            "events": Event.objects.filter(session=session).select_related("actor")
            if roles.sees_all_opinions
            else None,
            **session_documents(session),
            "transmissions": _transmissions(session, roles),
        },
    )


# What the session page says instead of a transmission with no line in it.
NO_PROPOSAL = {
    "ars": gettext_lazy("Aucune proposition à transmettre à l'ARS pour cette séance."),
    "ufr": gettext_lazy(
        "Aucune proposition à transmettre au directeur de l'UFR pour cette séance."
    ),
}


def _transmissions(session, roles):
    """{slug: True when the session proposes something to that authority} for the page's
    transmission links (closed sessions, secretariat and faculty admins only)."""
    if not session.is_closed or not (roles.secretariat or roles.admin):
        return {}
    proposed = authorities_with_proposals(session)
    return {slug: authority in proposed for slug, authority in SLUGS.items()}


@login_required
@require_POST
def session_add(request, pk):
    """One or several dossiers (ticked on the session page) onto the agenda."""
    session = selectors.get_session_for(request.user, pk)
    ids = [int(v) for v in request.POST.getlist("application") if v.isdigit()]
    applications = list(
        selectors.applications_visible_to(request.user).filter(pk__in=ids).order_by("pk")
    )
    if ids and len(applications) != len(set(ids)):
        raise Http404
    try:
        services.add_several_to_agenda(session, applications, request.user)
    except WorkflowError as error:
        flash_errors(request, error)
    else:
        for application in applications:
            messages.success(
                request,
                _("Dossier %(reference)s inscrit à l'ordre du jour.")
                % {"reference": application.reference},
            )
    return redirect("applications:session", pk)


def _agenda_level(session, level_pk):
    return get_object_or_404(
        RequestedLevel.objects.select_related("application"),
        pk=level_pk,
        agenda_items__session=session,
    )


def _back(session, level):
    return redirect(
        reverse("applications:session", args=[session.pk]) + f"#dossier-{level.application_id}"
    )


@login_required
@require_POST
def give_opinion(request, pk, level_pk):
    session = selectors.get_session_for(request.user, pk)
    level = _agenda_level(session, level_pk)
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
            _refused(request, level, form, error.messages)
        else:
            messages.success(
                request,
                _("Avis enregistré : %(reference)s, %(level)s.")
                % {"reference": level.application.reference, "level": level.get_level_display()},
            )
    else:
        _refused(request, level, form)
    return _back(session, level)


def _refused(request, level, form, texts=()):
    """The refusal at the top of the page, naming the dossier, and the form kept as sent."""
    for errors in form.errors.values():
        for text in errors:
            messages.error(request, f"{level.application.reference} — {text}")
    for text in texts:
        messages.error(request, f"{level.application.reference} — {text}")
    _keep(request, form, texts)


@login_required
@require_POST
def commission_opinion(request, pk, level_pk):
    session = selectors.get_session_for(request.user, pk)
    level = _agenda_level(session, level_pk)
    form = CommissionOpinionForm(request.POST, prefix=f"commission-{level.pk}")
    if form.is_valid():
        try:
            review = services.record_commission_opinion(
                session,
                level,
                request.user,
                form.cleaned_data["opinion"],
                form.cleaned_data["reason"],
                votes=form.votes,
            )
        except WorkflowError as error:
            _refused(request, level, form, error.messages)
        else:
            messages.success(
                request,
                _(
                    "Avis de la commission enregistré : %(reference)s, %(level)s — "
                    "%(opinion)s (%(votes)s)."
                )
                % {
                    "reference": level.application.reference,
                    "level": level.get_level_display(),
                    "opinion": review.get_opinion_display().lower(),
                    "votes": review.vote_count,
                },
            )
    else:
        _refused(request, level, form)
    return _back(session, level)


@login_required
@require_POST
def record_attendance(request, pk):
    session = selectors.get_session_for(request.user, pk)
    form = AttendanceForm(request.POST, members=selectors.session_members(session))
    if not form.is_valid():
        messages.error(request, _("Indiquez pour chaque membre : présent, excusé ou absent."))
    else:
        try:
            services.record_attendance(session, request.user, form.statuses)
        except WorkflowError as error:
            flash_errors(request, error)
        else:
            messages.success(request, _("Présence enregistrée."))
    return redirect(reverse("applications:session", args=[pk]) + "#presence")


@login_required
@require_POST
def session_close(request, pk):
    session = selectors.get_session_for(request.user, pk)
    version = VersionForm(request.POST)
    expected = version.cleaned_data.get("version") if version.is_valid() else None
    if not confirmed(request):
        return confirmation_page(
            request,
            title=_("Clore la %(session)s") % {"session": str(session).lower()},
            question=_("Clore la séance et arrêter les avis ?"),
            consequence=_(
                "Une fois la séance close, plus aucun membre ne peut donner ni modifier son avis, "
                "l'ordre du jour ne peut plus changer et le procès-verbal est établi. Cette "
                "action ne peut pas être annulée."
            ),
            confirm_label=_("Clore la séance"),
            cancel_url=reverse("applications:session", args=[pk]),
            hidden={"version": expected} if expected is not None else None,
        )
    try:
        services.close_session(session, request.user, expected_version=expected)
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
        {**session_context(session), **session_documents(session)},
    )


def _staff_of_session(request, pk):
    """The closed session, for its faculty's secretariat and admin (the transmissions)."""
    session = selectors.get_session_for(request.user, pk)
    roles = selectors.session_roles(session, request.user)
    if not (roles.secretariat or roles.admin):
        raise PermissionDenied(_("Les transmissions sont établies par le secrétariat du DUMG."))
    return session, roles


CONTENT_TYPES = {
    "pdf": "application/pdf",
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


@login_required
def session_transmission(request, pk, authority, fmt):
    """The proposals of a closed session for the ARS (internes) or the UFR director
    (externes), as a PDF letter, CSV or XLSX."""
    if authority not in SLUGS or fmt not in CONTENT_TYPES:
        raise Http404
    session, _roles = _staff_of_session(request, pk)
    if not session.is_closed:
        messages.info(request, _("Les transmissions sont établies à la clôture de la séance."))
        return redirect("applications:session", pk)
    if SLUGS[authority] not in authorities_with_proposals(session):
        messages.info(request, NO_PROPOSAL[authority])
        return redirect("applications:session", pk)
    content, name = transmission_file(session, SLUGS[authority], fmt)
    response = HttpResponse(content, content_type=CONTENT_TYPES[fmt])
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["Cache-Control"] = "private, no-store"
    return response


def _decision_lines(session):
    """Every level the session examined with a fixed opinion and no decision yet (a fixed
    number of queries, whatever the number of dossiers)."""
    lines, decided = [], []
    for item in selectors.session_agenda(session):
        for level in item.examined:
            review = level.session_reviews[0] if level.session_reviews else None
            if review is None or review.opinion == Review.Opinion.POSTPONED:
                continue
            row = {
                "item": item,
                "level": level,
                "review": review,
                "authority": rules_for(level.level).authority.label,
            }
            decision = getattr(level, "decision", None)
            if decision is not None:
                row["decision"] = decision
                decided.append(row)
            elif (
                item.application.status == Status.IN_COMMISSION
                # A review's outcome (confirm, shorten, suspend, withdraw) is recorded on its
                # own decisions page, not in the session's granted/refused list.
                and item.application.kind != Application.Kind.REVIEW
            ):
                lines.append(row)
    return lines, decided


@login_required
def session_decisions(request, pk):
    """The authority's decisions for the whole session, in one form."""
    session = selectors.get_session_for(request.user, pk)
    roles = selectors.session_roles(session, request.user)
    if not roles.secretariat:
        raise PermissionDenied(_("Seul le secrétariat du DUMG enregistre les décisions."))
    if not session.is_closed:
        messages.info(request, _("Les décisions s'enregistrent une fois la séance close."))
        return redirect("applications:session", pk)
    lines, decided = _decision_lines(session)
    settings = FacultySettings.for_faculty(session.faculty)
    form = SessionDecisionsForm(
        request.POST if request.method == "POST" else None,
        lines=lines,
        max_years=settings.agrement_duration_years,
    )
    if request.method == "POST" and form.is_valid():
        try:
            recorded = services.record_session_decisions(
                session,
                request.user,
                decided_on=form.cleaned_data["decided_on"],
                reference=form.cleaned_data["reference"],
                lines=form.decisions(),
            )
        except WorkflowError as error:
            form_errors(form, error)
        else:
            messages.success(
                request,
                ngettext(
                    "%(n)d décision enregistrée ; les lettres de décision sont envoyées aux "
                    "médecins.",
                    "%(n)d décisions enregistrées ; les lettres de décision sont envoyées aux "
                    "médecins.",
                    len(recorded),
                )
                % {"n": len(recorded)},
            )
            return redirect("applications:session_decisions", pk)
    return render(
        request,
        "applications/commission/decisions.html",
        {"session": session, "form": form, "lines": lines, "decided": decided},
        status=400 if form.errors else 200,
    )


def session_documents(session):
    """The session's agenda and minutes PDFs (rows, maybe still being generated)."""
    documents = {d.kind: d for d in session.generated_documents.all()}
    return {"agenda_pdf": documents.get("agenda"), "minutes_pdf": documents.get("minutes")}
