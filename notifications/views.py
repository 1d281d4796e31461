"""Each user's notifications in the portal, and the e-mail preference of staff."""

from urllib.parse import urlsplit

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from accounts.memberships import memberships_of
from accounts.models import User

from . import services


class DigestPreferenceForm(forms.ModelForm):
    class Meta:
        model = User
        fields = ["email_digest"]
        widgets = {
            "email_digest": forms.RadioSelect(
                choices=[
                    (False, _("Un e-mail à chaque notification")),
                    (True, _("Un récapitulatif par jour (vers 7 h)")),
                ]
            )
        }
        labels = {"email_digest": _("Recevoir les notifications par e-mail")}


def _is_staff_member(user):
    return bool(memberships_of(user))


@login_required
def inbox(request):
    page = Paginator(services.inbox(request.user), 25).get_page(request.GET.get("page"))
    is_staff_member = _is_staff_member(request.user)
    return render(
        request,
        "notifications/inbox.html",
        {
            "page": page,
            "unread": services.unread_count(request.user),
            "form": DigestPreferenceForm(instance=request.user) if is_staff_member else None,
        },
    )


@login_required
def open_notification(request, pk):
    """Mark as read and follow its link (only the recipient's own; anyone else gets a 404)."""
    notification = get_object_or_404(services.inbox(request.user), pk=pk)
    services.mark_read(request.user, notification.pk)
    # Only the path is followed: the portal may be served on another host or port than the
    # one a notification was written with, and a link never leads off the site.
    parts = urlsplit(notification.link)
    path = parts.path + (f"?{parts.query}" if parts.query else "")
    if path.startswith("/") and not path.startswith("//"):
        return redirect(path)
    return redirect("notifications:inbox")


@login_required
@require_POST
def mark_all_read(request):
    count = services.mark_read(request.user)
    messages.success(
        request,
        ngettext(
            "%(count)d notification marquée comme lue.",
            "%(count)d notifications marquées comme lues.",
            count,
        )
        % {"count": count},
    )
    return redirect("notifications:inbox")


@login_required
@require_POST
def preferences(request):
    if not _is_staff_member(request.user):
        messages.error(
            request, _("Le récapitulatif quotidien est réservé aux équipes de la faculté.")
        )
        return redirect("notifications:inbox")
    form = DigestPreferenceForm(request.POST, instance=request.user)
    if form.is_valid():
        form.save()
        messages.success(request, _("Votre préférence d'envoi est enregistrée."))
    else:
        messages.error(request, _("Choisissez l'une des deux options proposées."))
    return redirect("notifications:inbox")
