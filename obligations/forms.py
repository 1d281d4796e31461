from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.models import Organisation
from applications.forms.common import DateInput
from applications.uploads import ACCEPT_ATTRIBUTE, check_upload, limit_text

from .models import Attestation


class AttestationForm(forms.Form):
    kind = forms.ChoiceField(label=_("Document"), choices=Attestation.Kind.choices)
    done_on = forms.DateField(
        label=_("Date de la formation ou de la signature de la charte"), widget=DateInput()
    )
    body = forms.CharField(
        label=_("Organisme de formation"),
        max_length=200,
        required=False,
        help_text=_("Pour une formation : l'organisme agréé qui l'a dispensée."),
    )
    file = forms.FileField(
        label=_("Attestation ou charte signée"),
        help_text=_("PDF, JPEG ou PNG — %(limit)s maximum") % {"limit": limit_text()},
        widget=forms.ClearableFileInput(attrs={"accept": ACCEPT_ATTRIBUTE}),
    )

    def clean_file(self):
        uploaded = self.cleaned_data["file"]
        self.detected = check_upload(uploaded)
        return uploaded

    def clean(self):
        data = super().clean()
        if data.get("kind") != Attestation.Kind.CHARTER and not (data.get("body") or "").strip():
            if data.get("kind"):
                self.add_error("body", _("Indiquez l'organisme qui a dispensé la formation."))
        return data


class MeetingForm(forms.Form):
    upp = forms.ModelChoiceField(label=_("UPP"), queryset=Organisation.objects.none())
    held_on = forms.DateField(label=_("Date de la réunion"), widget=DateInput())
    title = forms.CharField(label=_("Objet de la réunion"), max_length=200)

    def __init__(self, *args, upps=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["upp"].queryset = upps if upps is not None else Organisation.objects.none()
        self.fields["upp"].empty_label = _("Choisissez l'UPP")


class AttendanceForm(forms.Form):
    attendees = forms.ModelMultipleChoiceField(
        label=_("MSU présents"),
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, choices=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["attendees"].queryset = choices
        self.fields["attendees"].label_from_instance = lambda d: (
            f"Dr {d.user.last_name} {d.user.first_name}"
        )
