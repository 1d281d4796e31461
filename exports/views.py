"""Asking for an export, following its progress, downloading it. Every export is read through
`selectors` (a 404 for anyone else); files are served as attachments, `private, no-store`."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from accounts.models import Organisation
from applications.views.feedback import flash_errors
from msu_portal.pagination import page_of

from . import registry, selectors, services
from .models import Export
from .writers import CONTENT_TYPES

# Fields of the request form that are not the list's filters.
RESERVED = {"csrfmiddlewaretoken", "kind", "format", "faculty", "next"}


def private(response):
    response["Cache-Control"] = "private, no-store"
    return response


def _back(request):
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return reverse("exports:list")


@login_required
@never_cache
@require_POST
def export_request(request):
    kind = request.POST.get("kind", "")
    if not registry.exists(kind):
        raise Http404
    spec = registry.get(kind)
    try:
        faculty = selectors.faculties_for(request.user, spec.roles).get(
            pk=int(request.POST.get("faculty", ""))
        )
    except (ValueError, TypeError, Organisation.DoesNotExist):
        raise Http404 from None
    params = {key: request.POST.get(key) for key in request.POST if key not in RESERVED}
    try:
        export = services.request_export(
            faculty, request.user, kind, params, request.POST.get("format", "")
        )
    except services.ExportError as error:
        flash_errors(request, error)
        return redirect(_back(request))
    messages.success(
        request,
        _(
            "L'export « %(name)s » est en préparation : suivez-le dans la liste des exports, "
            "il sera téléchargeable dans un instant."
        )
        % {"name": export.description or export.kind_label},
    )
    return redirect(reverse("exports:list"))


@login_required
@never_cache
def export_list(request):
    listed = page_of(request, selectors.exports_for(request.user).order_by("-requested_at", "-pk"))
    exports = listed["page"].object_list
    if not exports and not any(
        selectors.faculties_for(request.user, kind.roles).exists() for kind in registry.kinds()
    ):
        raise Http404
    return private(render(request, "exports/list.html", {**listed, "exports": exports}))


@login_required
@never_cache
def export_status(request, pk):
    """One export's status alone: the pages poll it (htmx) while it is being built."""
    export = selectors.get_export_for(request.user, pk)
    return private(render(request, "exports/partials/export_status.html", {"export": export}))


@login_required
@never_cache
def export_download(request, pk):
    export = selectors.get_export_for(request.user, pk)
    if export.state != Export.State.DONE or not export.file:
        raise Http404
    response = FileResponse(
        export.file.open("rb"),
        as_attachment=True,
        filename=export.filename,
        content_type=CONTENT_TYPES[export.format],
    )
    return private(response)
