from functools import wraps

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.models import FacultySettings, Membership
from stages.levels import StageLevel

from . import queue, selectors, services, staff_views, steps
from .feedback import flash_errors
from .forms import (
    CommitmentsForm,
    EnvironmentForm,
    LevelsForm,
    PiecesForm,
    PracticeSiteFormSet,
    ProfileForm,
    WithdrawForm,
)
from .models import Decision, Doctor, SiteVisit
from .pieces import required_pieces
from .services import WorkflowError
from .staff_forms import MessageForm
from .uploads import limit_text
from .workflow import (
    CLOSED,
    DOCTOR,
    DOCTOR_EDITABLE,
    DOCTOR_NEXT_STEP,
    STATUS_BADGE,
    Action,
    Status,
    actions_for,
)


def _doctor_of(user):
    """The signed-in doctor's profile; staff accounts are not doctors."""
    try:
        return user.doctor
    except Doctor.DoesNotExist:
        if user.is_superuser or Membership.objects.filter(user=user).exists():
            return None
        return Doctor.objects.create(user=user)


def _posted(request):
    """The POST data, bound even when empty (an empty form must show its errors)."""
    return request.POST if request.method == "POST" else None


def doctor_required(view):
    @login_required
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        doctor = _doctor_of(request.user)
        if doctor is None:
            raise PermissionDenied(_("Cet espace est réservé aux médecins candidats."))
        request.doctor = doctor
        return view(request, *args, **kwargs)

    return wrapper


def home(request):
    if not request.user.is_authenticated:
        return render(request, "home_public.html")
    doctor = _doctor_of(request.user)
    if doctor is None:
        return staff_home(request)
    dossiers = [
        {
            "application": application,
            "badge": STATUS_BADGE.get(application.status, "info"),
            "next_step": DOCTOR_NEXT_STEP[application.status],
            "editable": application.status in DOCTOR_EDITABLE,
        }
        for application in selectors.doctor_applications(doctor)
    ]
    return render(
        request,
        "applications/doctor_home.html",
        {
            "doctor": doctor,
            "dossiers": dossiers,
            "agrements": [
                {"agrement": a, "state": a.state(), "label": a.state_label()}
                for a in doctor.agrements.all()
            ],
            "can_renew": bool(services.renewable_agrements(doctor))
            and all(d["application"].status in CLOSED for d in dossiers),
            "can_start": all(d["application"].status in CLOSED for d in dossiers),
        },
    )


def staff_home(request):
    """Each staff role's way in: the queue, the visits, the commission sessions, the settings."""
    memberships = list(Membership.objects.filter(user=request.user).select_related("organisation"))
    roles = {m.role for m in memberships}
    return render(
        request,
        "applications/staff_home.html",
        {
            "memberships": memberships,
            "roles": roles,
            "tab_counts": queue.counted_tabs(queue.base_queryset(request.user))
            if roles & {Membership.Role.SECRETARIAT, Membership.Role.FACULTY_ADMIN}
            else None,
            "visits": list(selectors.visits_of(request.user).filter(reported_at__isnull=True))
            if Membership.Role.VISITOR in roles
            else [],
            "sessions": list(
                selectors.sessions_visible_to(request.user).filter(closed_at__isnull=True)
            ),
            "admin_faculties": [
                m.organisation for m in memberships if m.role == Membership.Role.FACULTY_ADMIN
            ],
        },
    )


@doctor_required
@require_POST
def renew(request):
    try:
        application = services.start_renewal(request.doctor, request.user)
    except WorkflowError as error:
        flash_errors(request, error)
        return redirect("home")
    messages.success(
        request,
        _(
            "Dossier de renouvellement créé à partir de votre dernier dossier : vérifiez-le et "
            "joignez le rapport d'activité pédagogique."
        ),
    )
    return redirect("applications:resume", application.pk)


@doctor_required
@require_POST
def start(request):
    try:
        application = services.start_application(request.doctor, request.user)
    except WorkflowError as error:
        flash_errors(request, error)
        return redirect("home")
    return redirect("applications:resume", application.pk)


@doctor_required
def resume(request, pk):
    application = selectors.get_own_application(request.user, pk)
    if application.status not in DOCTOR_EDITABLE:
        return redirect("applications:detail", application.pk)
    sections = services.editable_sections(application)
    if sections is not None:  # sent back: the first part the secretariat asked to fix
        slug = next(
            (s for s in steps.SLUGS if services.section_editable(application, s)), "recapitulatif"
        )
    else:
        slug = services.first_unfinished_step(application)
    return redirect("applications:step", application.pk, slug)


@doctor_required
def step(request, pk, slug):
    if slug not in steps.SLUGS:
        raise Http404(_("Étape inconnue"))
    application = selectors.get_own_application(request.user, pk)
    if application.status not in DOCTOR_EDITABLE:
        messages.info(request, _("Ce dossier a été transmis : il est en lecture seule."))
        return redirect("applications:detail", application.pk)
    if slug != "recapitulatif" and not services.section_editable(application, slug):
        messages.info(
            request,
            _(
                "Le secrétariat n'a pas demandé de modifier « %(step)s » : cette partie reste "
                "telle que vous l'avez transmise."
            )
            % {"step": steps.STEPS[steps.index_of(slug)].title},
        )
        return redirect("applications:detail", application.pk)
    handler = STEP_HANDLERS[slug]
    try:
        return handler(request, application, slug)
    except WorkflowError as error:
        flash_errors(request, error)
        return redirect("applications:detail", application.pk)


def _after_save(request, application, slug):
    if "save_draft" in request.POST:
        messages.success(request, _("Brouillon enregistré."))
        return redirect("applications:step", application.pk, slug)
    later = steps.SLUGS[steps.index_of(slug) + 1 :]
    next_slug = next(
        (s for s in later if s == "recapitulatif" or services.section_editable(application, s)),
        "recapitulatif",
    )
    return redirect("applications:step", application.pk, next_slug)


def _render_step(request, application, slug, context, status=200):
    context.update(application=application, step=steps.stepper(application, slug), slug=slug)
    return render(request, f"applications/steps/{slug}.html", context, status=status)


def profile_step(request, application, slug):
    form = ProfileForm(
        _posted(request),
        instance=application.doctor,
        lock_faculty=application.status != Status.DRAFT,
        draft="save_draft" in request.POST,
    )
    if request.method == "POST":
        if form.is_valid():
            services.save_step(application, request.user, form, section=slug)
            warning = services.rpps_warning(application.doctor)
            if warning:
                messages.warning(request, warning)
            return _after_save(request, application, slug)
        return _render_step(request, application, slug, {"form": form}, status=400)
    return _render_step(request, application, slug, {"form": form})


def environment_step(request, application, slug):
    doctor = application.doctor
    draft = "save_draft" in request.POST
    form = EnvironmentForm(_posted(request), instance=application, draft=draft)
    formset = PracticeSiteFormSet(_posted(request), instance=doctor, prefix="sites", draft=draft)
    if request.method == "POST":
        if form.is_valid() and formset.is_valid():
            services.save_step(application, request.user, form, formset, section=slug)
            return _after_save(request, application, slug)
        return _render_step(
            request, application, slug, {"form": form, "formset": formset}, status=400
        )
    return _render_step(request, application, slug, {"form": form, "formset": formset})


def levels_step(request, application, slug):
    form = LevelsForm(_posted(request), initial={"levels": application.levels})
    if request.method == "POST" and form.is_valid():
        services.set_levels(application, request.user, form.cleaned_data["levels"])
        return _after_save(request, application, slug)
    results = {
        r.level.value: r for r in services.eligibility_of(application, levels=list(StageLevel))
    }
    options = [
        {
            "value": value,
            "label": label,
            "result": results[value],
            "checked": value in (form["levels"].value() or []),
        }
        for value, label in form.fields["levels"].choices
    ]
    return _render_step(
        request,
        application,
        slug,
        {"form": form, "options": options},
        status=400 if form.errors else 200,
    )


def pieces_step(request, application, slug):
    pieces = [
        piece
        for piece in required_pieces(
            application.levels,
            application.kind,
            FacultySettings.for_faculty(application.faculty),
        )
        if services.section_editable(application, f"piece:{piece.value}")
    ]
    form = PiecesForm(
        _posted(request), request.FILES if request.method == "POST" else None, pieces=pieces
    )
    if request.method == "POST":
        form.is_valid()  # errors are per file; the files that pass are kept below
        for piece, uploaded, detected in form.accepted_files():
            services.attach_document(application, request.user, piece, uploaded, detected)
        if not form.errors:
            return _after_save(request, application, slug)
        saved = len(form.accepted_files())
        if saved:
            messages.success(
                request,
                _(
                    "%(count)d pièce(s) enregistrée(s) ; les autres fichiers ont été refusés, "
                    "voir ci-dessous."
                )
                % {"count": saved},
            )
    documents = {doc.piece: doc for doc in application.documents.all()}
    rows = [
        {"field": form[piece.value], "document": documents.pop(piece.value, None)}
        for piece in pieces
    ]
    return _render_step(
        request,
        application,
        slug,
        {
            "form": form,
            "rows": rows,
            "extra_documents": list(documents.values()),
            "upload_limit": limit_text(),
            "upload_limit_bytes": settings.UPLOAD_MAX_BYTES,
        },
        status=400 if form.errors else 200,
    )


def commitments_step(request, application, slug):
    form = CommitmentsForm(
        _posted(request), instance=application, draft="save_draft" in request.POST
    )
    if request.method == "POST":
        if form.is_valid():
            services.save_step(application, request.user, form, section=slug)
            return _after_save(request, application, slug)
        return _render_step(request, application, slug, {"form": form}, status=400)
    return _render_step(
        request,
        application,
        slug,
        {
            "form": form,
            "training_done": application.doctor.training_completed_on,
        },
    )


def review_step(request, application, slug):
    return _render_step(
        request,
        application,
        slug,
        {
            **staff_views.summary_context(application),
            "problems": services.completeness_problems(application),
        },
    )


STEP_HANDLERS = {
    "profil": profile_step,
    "exercice": environment_step,
    "niveaux": levels_step,
    "pieces": pieces_step,
    "engagements": commitments_step,
    "recapitulatif": review_step,
}


@doctor_required
@require_POST
def submit(request, pk):
    application = selectors.get_own_application(request.user, pk)
    try:
        services.submit(application, request.user)
    except WorkflowError as error:
        flash_errors(request, error)
        if application.status in DOCTOR_EDITABLE:
            return redirect("applications:step", application.pk, "recapitulatif")
        return redirect("applications:detail", application.pk)
    messages.success(
        request,
        _(
            "Votre dossier a été transmis au secrétariat du DUMG. Un accusé de réception vous "
            "a été envoyé par courriel."
        ),
    )
    return redirect("applications:detail", application.pk)


@doctor_required
def withdraw(request, pk):
    application = selectors.get_own_application(request.user, pk)
    form = WithdrawForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            services.withdraw(application, request.user, form.cleaned_data["comment"])
        except WorkflowError as error:
            flash_errors(request, error)
        else:
            messages.success(request, _("Votre dossier a été retiré."))
        return redirect("applications:detail", application.pk)
    return render(
        request,
        "applications/withdraw.html",
        {"application": application, "form": form},
        status=400 if form.errors else 200,
    )


@login_required
def detail(request, pk):
    application = selectors.get_application_for(request.user, pk)
    return render_detail(request, application)


def render_detail(request, application, message_form=None, status=200):
    """The dossier page: the doctor's own view, or the staff view with the instruction."""
    roles = services.actor_roles(application, request.user)
    if DOCTOR not in roles:
        return staff_views.staff_detail(request, application, roles, message_form, status)
    services.mark_thread_read(application, request.user)
    complement = services.open_complement_request(application)
    return render(
        request,
        "applications/detail.html",
        {
            "application": application,
            **staff_views.summary_context(application),
            "dossier_pdf": services.dossier_pdf_for(application, request.user),
            "events": application.events.select_related("actor"),
            "is_owner": True,
            "editable": application.status in DOCTOR_EDITABLE,
            "can_withdraw": Action.WITHDRAW in actions_for(application.status, roles),
            "next_step": DOCTOR_NEXT_STEP[application.status],
            "badge": STATUS_BADGE.get(application.status, "info"),
            "complement": complement,
            "complement_items": _complement_links(application, complement),
            "visit": SiteVisit.objects.filter(application=application).first(),
            "decisions": Decision.objects.filter(
                requested_level__application=application
            ).select_related("requested_level", "letter"),
            "thread": application.messages.select_related("author"),
            "message_form": message_form
            or (MessageForm() if application.status != Status.DRAFT else None),
        },
        status=status,
    )


def _complement_links(application, complement):
    """What the secretariat asked, each with the step where the doctor fixes it."""
    if complement is None:
        return []
    return [
        {"label": label, "url": reverse("applications:step", args=[application.pk, step])}
        for step, label in services.item_steps(complement)
    ]


@login_required
def document_download(request, pk, document_pk):
    document = selectors.get_document_for(request.user, pk, document_pk)
    response = FileResponse(
        document.file.open("rb"),
        content_type=document.content_type,
        as_attachment="download" in request.GET,
        filename=document.original_name,
    )
    response["Cache-Control"] = "private, no-store"
    return response


@doctor_required
@require_POST
def document_delete(request, pk, document_pk):
    application = selectors.get_own_application(request.user, pk)
    document = selectors.get_document_for(request.user, application.pk, document_pk)
    try:
        services.remove_document(document, request.user)
    except WorkflowError as error:
        flash_errors(request, error)
        return redirect("applications:detail", application.pk)
    messages.success(
        request, _("Pièce « %(piece)s » supprimée.") % {"piece": document.get_piece_display()}
    )
    return redirect(reverse("applications:step", args=[application.pk, "pieces"]))
