"""How views show a refused action: WorkflowError's French sentences, as they are."""

from django.contrib import messages


def flash_errors(request, error):
    """On the next page, as DSFR error alerts."""
    for text in error.messages:
        messages.error(request, text)


def form_errors(form, error):
    """On the form that was submitted, which keeps what was typed."""
    for text in error.messages:
        form.add_error(None, text)
