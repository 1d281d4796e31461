"""How views show a refused action: WorkflowError's French sentences, as they are."""

from django.contrib import messages
from django.shortcuts import render


def flash_errors(request, error):
    """On the next page, as DSFR error alerts."""
    for text in error.messages:
        messages.error(request, text)


def form_errors(form, error):
    """On the form that was submitted, which keeps what was typed."""
    for text in error.messages:
        form.add_error(None, text)


# --- Confirmation of destructive actions ------------------------------------------------------

# The field the confirmation page's form sends: a POST without it (a one-click form, a
# double-click, a replayed request) shows the confirmation page and changes nothing.
CONFIRMED = "confirme"


def confirmed(request):
    return request.method == "POST" and request.POST.get(CONFIRMED) == "1"


def confirmation_page(
    request, *, title, question, confirm_label, cancel_url, consequence="", hidden=None
):
    """The page that asks before a destructive action (no script needed): the same URL, posted
    with CONFIRMED (and the `hidden` fields the action needs, such as a version), carries it
    out."""
    return render(
        request,
        "confirm_action.html",
        {
            "title": title,
            "question": question,
            "consequence": consequence,
            "confirm_label": confirm_label,
            "cancel_url": cancel_url,
            "confirmed_field": CONFIRMED,
            "hidden": sorted((hidden or {}).items()),
        },
    )
