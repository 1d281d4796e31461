import re

from django.conf import settings
from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_POST

from accounts.models import FacultySettings
from stages.levels import StageLevel

from .. import selectors, services, steps
from ..complements import pieces_not_replaced
from ..forms.doctor import (
    CommitmentsForm,
    EnvironmentForm,
    LevelsForm,
    PiecesForm,
    PracticeSiteFormSet,
    ProfileForm,
    WithdrawForm,
)
from ..pieces import required_pieces
from ..services import WorkflowError
from ..uploads import limit_text
from ..workflow import (
    DOCTOR_EDITABLE,
    Status,
)
from .access import doctor_required, posted
from .dossier_page import summary_context
from .feedback import confirmation_page, confirmed, flash_errors


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
    sections = selectors.editable_sections(application)
    if sections is not None:  # sent back: the first part the secretariat asked to fix
        slug = next(
            (s for s in steps.SLUGS if selectors.section_editable(application, s)), "recapitulatif"
        )
    else:
        slug = selectors.first_unfinished_step(application)
    return redirect("applications:step", application.pk, slug)


@doctor_required
def step(request, pk, slug):
    if slug not in steps.SLUGS:
        raise Http404(_("Étape inconnue"))
    application = selectors.get_own_application(request.user, pk)
    if application.status not in DOCTOR_EDITABLE:
        messages.info(request, _("Ce dossier a été transmis : il est en lecture seule."))
        return redirect("applications:detail", application.pk)
    if slug != "recapitulatif" and not selectors.section_editable(application, slug):
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


def _as_draft(request):
    """Saved as a draft (required fields may wait): « Enregistrer le brouillon », and
    « Étape précédente », which keeps what was typed on this step before going back."""
    return "save_draft" in request.POST or "previous" in request.POST


def _after_save(request, application, slug):
    if "previous" in request.POST:
        earlier = steps.SLUGS[: steps.index_of(slug)][::-1]
        previous = next((s for s in earlier if selectors.section_editable(application, s)), None)
        if previous is None:
            return redirect("applications:detail", application.pk)
        return redirect("applications:step", application.pk, previous)
    if "save_draft" in request.POST:
        messages.success(request, _("Brouillon enregistré."))
        return redirect("applications:step", application.pk, slug)
    later = steps.SLUGS[steps.index_of(slug) + 1 :]
    next_slug = next(
        (s for s in later if s == "recapitulatif" or selectors.section_editable(application, s)),
        "recapitulatif",
    )
    return redirect("applications:step", application.pk, next_slug)


def _render_step(request, application, slug, context, status=200):
    context.update(application=application, step=steps.stepper(application, slug), slug=slug)
    return render(request, f"applications/steps/{slug}.html", context, status=status)


def profile_step(request, application, slug):
    form = ProfileForm(
        posted(request),
        instance=application.doctor,
        lock_faculty=application.status != Status.DRAFT,
        draft=_as_draft(request),
    )
    if request.method == "POST":
        if form.is_valid():
            services.save_step(application, request.user, form, section=slug)
            warning = selectors.rpps_warning(application.doctor)
            if warning:
                messages.warning(request, warning)
            return _after_save(request, application, slug)
        return _render_step(request, application, slug, {"form": form}, status=400)
    return _render_step(request, application, slug, {"form": form})


def environment_step(request, application, slug):
    doctor = application.doctor
    draft = _as_draft(request)
    form = EnvironmentForm(posted(request), instance=application, draft=draft)
    formset = PracticeSiteFormSet(posted(request), instance=doctor, prefix="sites", draft=draft)
    if request.method == "POST":
        if form.is_valid() and formset.is_valid():
            services.save_step(application, request.user, form, formset, section=slug)
            return _after_save(request, application, slug)
        return _render_step(
            request, application, slug, {"form": form, "formset": formset}, status=400
        )
    return _render_step(request, application, slug, {"form": form, "formset": formset})


def levels_step(request, application, slug):
    form = LevelsForm(posted(request), initial={"levels": application.levels})
    if request.method == "POST" and form.is_valid():
        services.set_levels(application, request.user, form.cleaned_data["levels"])
        return _after_save(request, application, slug)
    results = {
        r.level.value: r for r in selectors.eligibility_of(application, levels=list(StageLevel))
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


# The browser keeps a file over the limit out of the upload (static/js/pieces.js) and says so
# beside it; the page that comes back says it again, where the next click would have lost it.
LEFT_BEHIND = "__trop_lourd"


def _name_files_left_behind(request, form, pieces):
    for piece in pieces:
        size = request.POST.get(piece.value + LEFT_BEHIND, "")
        if request.FILES.get(piece.value) or not re.fullmatch(r"\d{1,6}(,\d)?", size):
            continue
        form.add_error(
            piece.value,
            _(
                "Le fichier choisi (%(size)s Mo) n'a pas été envoyé : la limite est de "
                "%(limit)s par pièce. Choisissez un fichier plus léger."
            )
            % {"size": size, "limit": limit_text()},
        )


def pieces_step(request, application, slug):
    pieces = [
        piece
        for piece in required_pieces(
            application.levels,
            application.kind,
            FacultySettings.for_faculty(application.faculty),
        )
        if selectors.section_editable(application, f"piece:{piece.value}")
    ]
    form = PiecesForm(
        posted(request), request.FILES if request.method == "POST" else None, pieces=pieces
    )
    if request.method == "POST":
        form.is_valid()  # errors are per file; the files that pass are kept below
        for piece, uploaded, detected in form.accepted_files():
            services.attach_document(application, request.user, piece, uploaded, detected)
        _name_files_left_behind(request, form, pieces)
        if not form.errors:
            return _after_save(request, application, slug)
        saved = len(form.accepted_files())
        if saved:
            messages.success(
                request,
                ngettext(
                    "%(count)d pièce enregistrée ; les autres fichiers ont été refusés, "
                    "voir ci-dessous.",
                    "%(count)d pièces enregistrées ; les autres fichiers ont été refusés, "
                    "voir ci-dessous.",
                    saved,
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
    form = CommitmentsForm(posted(request), instance=application, draft=_as_draft(request))
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
    not_replaced = []
    if application.status == Status.INCOMPLETE:
        request_ = selectors.open_complement_request(application)
        if request_ is not None:
            not_replaced = pieces_not_replaced(request_, application.documents.all())
    return _render_step(
        request,
        application,
        slug,
        {
            **summary_context(application),
            "problems": selectors.completeness_problems(application),
            "not_replaced": not_replaced,
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
    form = WithdrawForm(posted(request))
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


@doctor_required
@require_http_methods(["GET", "POST"])
def document_delete(request, pk, document_pk):
    application = selectors.get_own_application(request.user, pk)
    document = selectors.get_document_for(request.user, application.pk, document_pk)
    if not confirmed(request):
        return confirmation_page(
            request,
            title=_("Supprimer une pièce"),
            question=_("Supprimer la pièce « %(piece)s » (%(name)s) ?")
            % {"piece": document.get_piece_display(), "name": document.original_name},
            consequence=_("Le fichier est retiré du dossier ; vous pourrez en déposer un autre."),
            confirm_label=_("Supprimer la pièce"),
            cancel_url=reverse("applications:step", args=[application.pk, "pieces"]),
        )
    try:
        services.remove_document(document, request.user)
    except WorkflowError as error:
        flash_errors(request, error)
        return redirect("applications:detail", application.pk)
    messages.success(
        request, _("Pièce « %(piece)s » supprimée.") % {"piece": document.get_piece_display()}
    )
    return redirect(reverse("applications:step", args=[application.pk, "pieces"]))
