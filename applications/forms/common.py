"""Form pieces both audiences use: date widgets, the dossier version every action posts, and
the message to the other side of the thread."""

from django import forms
from django.utils.translation import gettext_lazy as _

from ..uploads import ACCEPT_ATTRIBUTE, check_upload, limit_text


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%dT%H:%M", **kwargs)


class VersionForm(forms.Form):
    """The dossier's version the page showed: services refuse an action on a newer state."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


class MessageForm(forms.Form):
    body = forms.CharField(
        label=_("Votre message"),
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Le message est vide.")},
    )
    attachment = forms.FileField(
        label=_("Pièce jointe (facultatif)"),
        required=False,
        help_text=_("PDF, JPEG ou PNG — %(limit)s maximum") % {"limit": limit_text()},
        widget=forms.ClearableFileInput(attrs={"accept": ACCEPT_ATTRIBUTE}),
    )

    def clean_attachment(self):
        uploaded = self.cleaned_data.get("attachment")
        self.detected = check_upload(uploaded) if uploaded else None
        return uploaded
