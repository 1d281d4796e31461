"""Downloading the PDFs the portal produces, and the little card that shows their progress.

Every file is read through the role selectors (a 404 for anyone else) and served with
`private, no-store`: these are private documents, never under a public URL."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from .. import selectors, services
from ..models import AgrementSuspension, Decision
from ..uploads import download_name


def _serve(document, filename):
    response = FileResponse(
        document.file.open("rb"),
        content_type="application/pdf",
        as_attachment=True,
        filename=filename,
    )
    response["Cache-Control"] = "private, no-store"
    return response


def _download(request, document, filename, back):
    """The stored version of the document, or back to the page with where it stands."""
    if document is not None and document.is_available:
        services.record_download(request.user, document)
        return _serve(document, filename)
    if document is not None and document.is_building:
        messages.info(
            request, _("Le document est en cours de génération : il sera prêt dans un instant.")
        )
    else:
        messages.info(request, _("Ce document n'a pas encore été produit."))
    return redirect(back)


@login_required
def dossier_pdf(request, pk):
    application = selectors.get_application_for(request.user, pk)
    document = selectors.dossier_pdf_for(application, request.user)
    return _download(
        request, document, f"dossier-{application.reference}.pdf", _detail_url(application)
    )


@login_required
def dossier_pdf_status(request, pk):
    """The dossier PDF card alone: the page polls it (htmx) while a version is being built."""
    application = selectors.get_application_for(request.user, pk)
    return render(
        request,
        "applications/partials/dossier_pdf.html",
        {
            "application": application,
            "dossier_pdf": selectors.dossier_pdf_for(application, request.user),
        },
    )


@login_required
def decision_letter(request, pk, decision_pk):
    application = selectors.get_application_for(request.user, pk)
    if not selectors.reads_decision_letters(
        request.user, selectors.actor_roles(application, request.user)
    ):
        raise Http404
    decision = get_object_or_404(
        Decision.objects.select_related("requested_level"),
        pk=decision_pk,
        requested_level__application=application,
    )
    document = selectors.find(f"decision_letter:{decision.pk}")
    level = decision.requested_level.level.replace("_", "-")
    return _download(
        request, document, f"decision-{application.reference}-{level}.pdf", _detail_url(application)
    )


@login_required
def lift_letter(request, pk, suspension_pk):
    """The act lifting a suspension, from the agrément's page (its doctor and its staff)."""
    agrement = selectors.get_agrement_for(request.user, pk)
    suspension = get_object_or_404(AgrementSuspension, pk=suspension_pk, agrement=agrement)
    document = selectors.find(f"lift_letter:{suspension.pk}")
    level = agrement.level.replace("_", "-")
    return _download(
        request,
        document,
        f"levee-suspension-{agrement.application.reference}-{level}.pdf",
        reverse("applications:agrement", args=[agrement.pk]),
    )


@login_required
def session_agenda_pdf(request, pk):
    session = selectors.get_session_for(request.user, pk)
    document = selectors.find(f"agenda:{session.pk}")
    return _download(
        request,
        document,
        f"ordre-du-jour-commission-{session.meets_at:%Y-%m-%d}.pdf",
        _session_url(session),
    )


@login_required
def session_minutes_pdf(request, pk):
    session = selectors.get_session_for(request.user, pk)
    document = selectors.find(f"minutes:{session.pk}")
    return _download(
        request,
        document,
        f"proces-verbal-commission-{session.meets_at:%Y-%m-%d}.pdf",
        _session_url(session),
    )


def _session_url(session):
    return reverse("applications:session", args=[session.pk])


def _detail_url(application):
    return reverse("applications:detail", args=[application.pk])


@login_required
def document_download(request, pk, document_pk):
    document = selectors.get_document_for(request.user, pk, document_pk)
    services.record_download(request.user, document)
    response = FileResponse(
        document.file.open("rb"),
        content_type=document.content_type,
        as_attachment="download" in request.GET,
        filename=download_name(document.original_name, document.content_type),
    )
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
def replaced_piece_download(request, pk, replaced_pk):
    """The version of a piece a complement request was about, kept after the doctor replaced it."""
    replaced = selectors.get_replaced_piece_for(request.user, pk, replaced_pk)
    services.record_download(request.user, replaced)
    response = FileResponse(
        replaced.file.open("rb"),
        content_type=replaced.content_type,
        as_attachment="download" in request.GET,
        filename=download_name(replaced.original_name, replaced.content_type),
    )
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
def message_attachment(request, pk, message_pk):
    message = selectors.get_attachment_for(request.user, pk, message_pk)
    services.record_download(request.user, message)
    response = FileResponse(
        message.attachment.open("rb"),
        content_type=message.attachment_type,
        filename=download_name(message.attachment_name, message.attachment_type),
        as_attachment="download" in request.GET,
    )
    response["Cache-Control"] = "private, no-store"
    return response
