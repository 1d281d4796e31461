"""The errors of the page's form and, on the practice step, of its formset of sites: the error
summary lists them all (it counted the form's alone, and missed « Lieu 1 — Adresse »)."""

from django import template
from django.utils.translation import gettext as _

register = template.Library()


@register.simple_tag(takes_context=True)
def page_errors(context):
    """[(anchor or "", text)] of every error the page shows, in its order."""
    items = []
    form, formset = context.get("form"), context.get("formset")
    if form is not None and getattr(form, "is_bound", False):
        items += [("", str(error)) for error in form.non_field_errors()]
        items += _field_errors(form, "")
    if formset is not None and getattr(formset, "is_bound", False):
        items += [("", str(error)) for error in formset.non_form_errors()]
        for number, item in enumerate(formset.forms, start=1):
            prefix = _("Lieu %(number)s — ") % {"number": number}
            items += [("", f"{prefix}{error}") for error in item.non_field_errors()]
            items += _field_errors(item, prefix)
    return items


def _field_errors(form, prefix):
    return [
        # A label that is a sentence ends with its period: not before the colon.
        (
            field.id_for_label or field.auto_id,
            f"{prefix}{str(field.label).rstrip('.')} : {field.errors[0]}",
        )
        for field in form
        if field.errors
    ]
