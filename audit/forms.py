from django import forms
from django.utils.translation import gettext_lazy as _


class AuditFilterForm(forms.Form):
    """The filters of an audit log page (GET). A malformed value is said and ignored."""

    kind = forms.ChoiceField(label=_("Événement"), required=False)
    person = forms.CharField(
        label=_("Personne"),
        required=False,
        max_length=100,
        help_text=_("Nom ou adresse électronique, même partiels"),
    )
    start = forms.DateField(
        label=_("Du"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    end = forms.DateField(
        label=_("Au"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args, kinds=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [("", _("Tous"))] + list(kinds)
        self.fields["kind"].error_messages["invalid_choice"] = _(
            "Ce type d'événement n'existe pas."
        )

    def clean(self):
        data = super().clean()
        if data.get("start") and data.get("end") and data["start"] > data["end"]:
            self.add_error("end", _("La date de fin précède la date de début."))
        return data
