"""What the DSFR template pack (templates/dsfr_crispy) does to a field before drawing it."""

from django import forms, template
from django.db.models.fields import BLANK_CHOICE_DASH
from django.utils.translation import gettext as _

register = template.Library()

DASHES = BLANK_CHOICE_DASH[0][1]  # Django's « --------- » for "nothing chosen"


@register.filter
def blank_in_words(field):
    """Every select of the portal's forms says « Sélectionnez une option » where Django writes
    « --------- » (model fields with choices, foreign keys). The form's own copy of the field
    is relabelled; a select whose blank option has words of its own keeps them."""
    form_field = field.field
    if isinstance(form_field, forms.ModelChoiceField):
        if form_field.empty_label == DASHES:
            form_field.empty_label = _("Sélectionnez une option")
    elif isinstance(form_field, forms.ChoiceField):
        choices = list(form_field.choices)
        if choices and choices[0] == ("", DASHES):
            form_field.choices = [("", _("Sélectionnez une option")), *choices[1:]]
    return field
