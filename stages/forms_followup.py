"""Forms of the import, the evaluations and the incident reports. They check the shape of what
was sent; the rules are the services' (stages.imports, stages.evaluations, stages.incidents)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from .records import Audience, EvaluationScore


class ImportForm(forms.Form):
    file = forms.FileField(
        label=_("Fichier CSV ou XLSX"),
        help_text=_("Une ligne par étudiant, la première nommant les colonnes (2 Mo au plus)."),
    )
    all_or_nothing = forms.BooleanField(
        label=_("Tout ou rien : n'importer aucune ligne si l'une d'elles est refusée"),
        required=False,
    )


class ConfirmImportForm(forms.Form):
    confirm = forms.BooleanField(initial=True, widget=forms.HiddenInput)


class CriterionForm(forms.Form):
    audience = forms.ChoiceField(label=_("Grille"), choices=Audience.choices)
    label = forms.CharField(label=_("Nouveau critère"), max_length=200)


class CriterionEditForm(forms.Form):
    label = forms.CharField(label=_("Intitulé du critère"), max_length=200)
    position = forms.IntegerField(label=_("Ordre dans la grille"), min_value=0, max_value=999)
    active = forms.BooleanField(
        label=_("En usage (décochez pour le retirer des prochaines évaluations)"), required=False
    )


class EvaluationForm(forms.Form):
    """One choice of level per criterion of the grid, and a comment."""

    comment = forms.CharField(
        label=_("Commentaire (facultatif)"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )

    def __init__(self, *args, criteria, **kwargs):
        super().__init__(*args, **kwargs)
        self.criteria = list(criteria)
        comment = self.fields.pop("comment")
        for criterion in self.criteria:
            self.fields[f"critere_{criterion.pk}"] = forms.TypedChoiceField(
                label=criterion.label,
                choices=EvaluationScore.Level.choices,
                coerce=int,
                widget=forms.RadioSelect,
                error_messages={"required": _("Choisissez un niveau pour ce critère.")},
            )
        self.fields["comment"] = comment

    def scores(self):
        return {c.pk: self.cleaned_data[f"critere_{c.pk}"] for c in self.criteria}


class IncidentForm(forms.Form):
    subject = forms.CharField(label=_("Objet"), max_length=200)
    body = forms.CharField(
        label=_("Description de la difficulté"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 6}),
    )


class IncidentMessageForm(forms.Form):
    body = forms.CharField(
        label=_("Votre message"), max_length=5000, widget=forms.Textarea(attrs={"rows": 4})
    )


class IncidentStatusForm(forms.Form):
    status = forms.ChoiceField(
        choices=[("open", _("ouvert")), ("handled", _("traité"))], widget=forms.HiddenInput
    )
