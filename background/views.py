"""`/sante/` (for the orchestrator and the on-call person) and the background page for faculty
admins: what is waiting or failed, the last run of each periodic job, "Réessayer maintenant"."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from applications.services import WorkflowError
from applications.services.documents import MAX_ATTEMPTS as MAX_DOCUMENT_ATTEMPTS
from applications.views.feedback import flash_errors
from notifications.services import MAX_ATTEMPTS as MAX_EMAIL_ATTEMPTS

from . import health as health_checks
from . import jobs, selectors, services
from .models import JobRun

PER_PAGE = 25


@require_GET
@never_cache
def health(request):
    """200 when every part is up, 503 naming the parts that are down. `?sans=beat` leaves a
    check out (the web container's own probe: web stays healthy while beat restarts)."""
    skipped = set(filter(None, request.GET.get("sans", "").split(",")))
    results = health_checks.run([key for key in health_checks.CHECKS if key not in skipped])
    down = [(label, problem) for _key, label, problem in results if problem]
    lines = [
        _("%(part)s : %(state)s") % {"part": label, "state": problem or _("disponible")}
        for _key, label, problem in results
    ]
    if down:
        head = _("Indisponible : %(parts)s.") % {"parts": ", ".join(str(p) for p, _r in down)}
    else:
        head = _("Tout fonctionne.")
    body = "\n".join([head, "", *lines]) + "\n"
    return HttpResponse(body, status=503 if down else 200, content_type="text/plain; charset=utf-8")


def _page(request, rows, param):
    return Paginator(rows, PER_PAGE).get_page(request.GET.get(param))


@login_required
@never_cache
def status(request):
    if not selectors.can_see_background(request.user):
        raise PermissionDenied
    notifications = _page(
        request,
        selectors.notifications_to_deliver(request.user).select_related("user"),
        "page_emails",
    )
    documents = _page(
        request,
        selectors.documents_to_build(request.user).select_related(
            "application__doctor__user", "session"
        ),
        "page_documents",
    )
    runs = {run.name: run for run in JobRun.objects.all()}
    periodic = [
        {"label": label, "schedule": when, "run": runs.get(name)}
        for name, label, when in jobs.schedule()
    ]
    return render(
        request,
        "background/status.html",
        {
            "notifications": notifications,
            "documents": documents,
            "periodic": periodic,
            "beat_alive": jobs.beat_is_alive(),
            "max_email_attempts": MAX_EMAIL_ATTEMPTS,
            "max_document_attempts": MAX_DOCUMENT_ATTEMPTS,
        },
    )


def _retry(request, visible, action, pk, done):
    if not selectors.can_see_background(request.user):
        raise PermissionDenied
    if not visible(request.user).filter(pk=pk).exists():
        raise Http404  # another faculty's, or no such row: nothing to tell
    try:
        action(pk, request.user)
    except WorkflowError as exc:
        flash_errors(request, exc)
    else:
        messages.success(request, done)
    return redirect("background:status")


@login_required
@require_POST
def retry_notification(request, pk):
    return _retry(
        request,
        selectors.notifications_of,
        services.retry_notification,
        pk,
        _("Nouvel essai demandé : l'e-mail part dans quelques instants."),
    )


@login_required
@require_POST
def retry_document(request, pk):
    return _retry(
        request,
        selectors.documents_of,
        services.retry_document,
        pk,
        _("Nouvel essai demandé : le document sera produit dans quelques instants."),
    )
