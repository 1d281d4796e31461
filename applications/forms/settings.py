"""The faculty admin's settings screen."""

from django import forms
from django.core.validators import MaxValueValidator, MinValueValidator
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from accounts.models import FacultySettings, Membership
from stages.levels import StageLevel

from ..pieces import CONFIGURABLE, pieces_by_level
from ..specialties import OtherSpecialty


class FacultySettingsForm(forms.ModelForm):
    """The faculty's rules, plus one checkbox per (level, piece) for the required pieces."""

    class Meta:
        model = FacultySettings
        fields = [
            "years_required_externe",
            "years_required_interne",
            "training_required_general_practice",
            "agrement_duration_years",
            "alert_months_in_state",
            "alert_months_total",
            "retention_pieces_years",
            "retention_withdrawn_years",
            "retention_export_days",
            "commission_quorum",
            "show_commission_opinion_to_doctor",
            "min_half_days_niveau_1",
            "min_half_days_saspas",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        current = pieces_by_level(self.instance)
        for name, low, high in [
            ("years_required_externe", 0, 10),
            ("years_required_interne", 0, 10),
            ("agrement_duration_years", 1, 5),
            ("alert_months_in_state", 1, 24),
            ("alert_months_total", 1, 36),
            ("retention_pieces_years", 1, 30),
            ("retention_withdrawn_years", 1, 10),
            ("retention_export_days", 1, 90),
            ("min_half_days_niveau_1", 0, 10),
            ("min_half_days_saspas", 0, 10),
        ]:
            # In place of the model field's bounds (0 for a positive field), not beside them:
            # -2 got both « ≥ 0 » and « ≥ 1 ».
            field = self.fields[name]
            field.validators = [
                v
                for v in field.validators
                if not isinstance(v, MinValueValidator | MaxValueValidator)
            ] + [MinValueValidator(low), MaxValueValidator(high)]
            field.widget.attrs.update(min=low, max=high)
        # Added after the first release: a form posted without them keeps the current values.
        for name in ("min_half_days_niveau_1", "min_half_days_saspas"):
            self.fields[name].required = False
        self.piece_fields = []
        for level in StageLevel:
            name = f"pieces_{level.value}"
            self.fields[name] = forms.MultipleChoiceField(
                label=level.label,
                required=False,
                choices=[(p.value, p.label) for p in CONFIGURABLE],
                initial=current[level.value],
                widget=forms.CheckboxSelectMultiple,
            )
            self.piece_fields.append(name)

    def _kept(self, name):
        value = self.cleaned_data.get(name)
        return getattr(self.instance, name) if value is None else value

    def clean_min_half_days_niveau_1(self):
        return self._kept("min_half_days_niveau_1")

    def clean_min_half_days_saspas(self):
        return self._kept("min_half_days_saspas")

    def clean_commission_quorum(self):
        """Between 1 and the commission's size: 50 saved a session that could never close, 0
        read as « quorum : 0 » while the default applied."""
        quorum = self.cleaned_data.get("commission_quorum")
        if quorum is None:
            return None
        members = Membership.objects.filter(
            organisation_id=self.instance.faculty_id, role=Membership.Role.COMMISSION
        ).count()
        if not members:
            raise forms.ValidationError(
                _(
                    "La faculté n'a encore aucun membre de commission : laissez le quorum vide "
                    "(la moitié des membres de la séance plus un)."
                )
            )
        if not 1 <= quorum <= members:
            raise forms.ValidationError(
                ngettext(
                    "Le quorum est de 1 : la commission de la faculté compte %(n)d membre.",
                    "Le quorum est compris entre 1 et %(n)d, le nombre de membres de la "
                    "commission de la faculté.",
                    members,
                )
                % {"n": members}
            )
        return quorum

    def clean(self):
        cleaned = super().clean()
        in_state, total = cleaned.get("alert_months_in_state"), cleaned.get("alert_months_total")
        # A dossier sent N months ago has been at most N months in one state: with the first
        # threshold above the second, it would never flag anything the second had not already.
        if in_state and total and in_state > total:
            self.add_error(
                "alert_months_in_state",
                _(
                    "Ce seuil ne peut dépasser celui des dossiers transmis (%(total)s mois) : "
                    "un dossier ne reste pas dans un état plus longtemps que depuis sa "
                    "transmission."
                )
                % {"total": total},
            )
        return cleaned

    def save(self, commit=True):
        self.instance.required_pieces = {
            level.value: self.cleaned_data[f"pieces_{level.value}"] for level in StageLevel
        }
        return super().save(commit)


class SpecialtyCoordinatorForm(forms.Form):
    specialty = forms.ChoiceField(label=_("Spécialité"), choices=OtherSpecialty.choices)
    name = forms.CharField(
        label=_("Nom du professeur coordonnateur"), max_length=200, required=False
    )
    email = forms.EmailField(label=_("Adresse électronique"), required=False)

    def clean(self):
        data = super().clean()
        if bool(data.get("name")) != bool(data.get("email")) and not self.errors:
            raise forms.ValidationError(
                _(
                    "Indiquez le nom et l'adresse électronique du professeur (laissez les deux "
                    "vides pour retirer le professeur de cette spécialité)."
                )
            )
        return data
