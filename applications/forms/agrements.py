"""Forms of the agrément after its decision: the review opened by the secretariat, the outcome
of a review per agrément, the lifting of a suspension, the doctor's new main practice site."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ..models import Decision, PracticeSite, Reexamination
from ..models.agrement import REVIEW_OUTCOMES
from .common import DateInput, VersionForm


class OpenReviewForm(forms.Form):
    agrements = forms.ModelMultipleChoiceField(
        label=_("Agréments réexaminés"),
        queryset=None,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Cochez au moins un agrément à réexaminer.")},
    )
    cause = forms.ChoiceField(
        label=_("Motif du réexamen"),
        choices=Reexamination.Cause.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choisissez le motif du réexamen.")},
    )
    comment = forms.CharField(
        label=_("Commentaire (envoyé au médecin)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Obligatoire pour un autre motif."),
    )

    def __init__(self, *args, agrements, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["agrements"]
        field.queryset = agrements
        field.label_from_instance = lambda a: (
            _("%(level)s, valable jusqu'au %(end)s")
            % {
                "level": a.get_level_display(),
                "end": f"{a.valid_until:%d/%m/%Y}",
            }
        )


class ReviewDecisionForm(VersionForm):
    outcome = forms.ChoiceField(
        label=_("Issue du réexamen"),
        choices=[(o.value, o.label) for o in REVIEW_OUTCOMES],
        widget=forms.RadioSelect,
        error_messages={"required": _("Choisissez l'issue du réexamen.")},
    )
    decided_on = forms.DateField(label=_("Date de la décision"), widget=DateInput())
    reference = forms.CharField(label=_("Référence de l'arrêté ou de la décision"), max_length=100)
    effective_on = forms.DateField(
        label=_("Prend effet le"),
        required=False,
        widget=DateInput(),
        help_text=_("Suspension ou retrait : le jour de la décision si vide."),
    )
    until = forms.DateField(
        label=_("Jusqu'au"),
        required=False,
        widget=DateInput(),
        help_text=_(
            "Durée réduite : la nouvelle fin de validité (obligatoire). Suspension : sa fin, ou "
            "vide jusqu'à sa levée."
        ),
    )
    reason = forms.CharField(
        label=_("Motif"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Obligatoire sauf pour une confirmation."),
    )

    def clean(self):
        data = super().clean()
        if data.get("decided_on") and data["decided_on"] > timezone.localdate():
            self.add_error("decided_on", _("La date de la décision ne peut pas être future."))
        outcome = data.get("outcome")
        if outcome == Decision.Outcome.SHORTENED and not data.get("until"):
            self.add_error("until", _("Indiquez la nouvelle fin de validité de l'agrément."))
        if outcome and outcome != Decision.Outcome.CONFIRMED:
            if not (data.get("reason") or "").strip():
                self.add_error(
                    "reason",
                    _("Une décision qui réduit, suspend ou retire l'agrément doit être motivée."),
                )
        return data


class LiftSuspensionForm(forms.Form):
    lifted_on = forms.DateField(
        label=_("Levée à compter du"),
        widget=DateInput(),
        error_messages={"required": _("Indiquez la date de la levée.")},
    )
    reference = forms.CharField(
        label=_("Référence de l'acte"),
        max_length=100,
        error_messages={"required": _("Indiquez la référence de l'acte qui lève la suspension.")},
    )
    reason = forms.CharField(
        label=_("Motif"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class MainSiteForm(forms.ModelForm):
    since = forms.DateField(
        label=_("J'y exerce depuis le"),
        widget=DateInput(),
        error_messages={"required": _("Indiquez depuis quand vous y exercez.")},
    )

    class Meta:
        model = PracticeSite
        fields = ["kind", "name", "address", "postal_code", "commune", "zonage"]
        widgets = {"postal_code": forms.TextInput(attrs={"inputmode": "numeric", "maxlength": 5})}
