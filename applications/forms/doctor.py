from django import forms
from django.forms import inlineformset_factory
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Organisation
from stages.levels import StageLevel, rules_for

from .. import rpps
from ..commitments import COMMITMENT_LABELS
from ..models import Application, Doctor, PracticeSite
from ..uploads import ACCEPT_ATTRIBUTE, check_upload, limit_text
from .common import DateInput


class ProfileForm(forms.ModelForm):
    """Step 1. Edits the Doctor and the names on their User."""

    first_name = forms.CharField(label=_("Prénom"), max_length=150)
    last_name = forms.CharField(label=_("Nom"), max_length=150)
    # Longer than 11 on purpose: spaces and dots pasted from a card are removed in clean_rpps.
    rpps = forms.CharField(
        label=_("Numéro RPPS"),
        max_length=20,
        help_text=_("11 chiffres, inscrits sur votre carte CPS. Exemple : 10001234565"),
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )

    class Meta:
        model = Doctor
        fields = [
            "civility",
            "last_name",
            "first_name",
            "rpps",
            "specialty",
            "specialty_other",
            "degree_date",
            "registered_with_ordre",
            "installation_date",
            "exercise_mode",
            "faculty",
            "upp",
            "training_completed_on",
            "phone",
        ]
        widgets = {
            "degree_date": DateInput(),
            "installation_date": DateInput(),
            "training_completed_on": DateInput(),
        }
        help_texts = {
            "training_completed_on": _(
                "Laissez vide si vous ne l'avez pas encore suivie (vous pourrez vous engager à "
                "la suivre)."
            ),
            "faculty": _("Le DUMG de la faculté la plus proche, dans votre région."),
            "installation_date": _("Début de votre exercice installé (hors remplacements)."),
            "specialty_other": _(
                "Si vous n'êtes pas médecin généraliste : le professeur coordonnateur de votre "
                "spécialité sera informé de votre demande."
            ),
        }

    def __init__(self, *args, lock_faculty=False, draft=False, **kwargs):
        """`draft`: "Enregistrer le brouillon" saves what is filled; formats are still checked,
        required fields are only enforced at submission (selectors.completeness_problems).
        `lock_faculty`: once a dossier is submitted it stays with the faculty instructing it."""
        super().__init__(*args, **kwargs)
        self.draft = draft
        user = self.instance.user
        self.fields["first_name"].initial = user.first_name
        self.fields["last_name"].initial = user.last_name
        for name in [
            "civility",
            "rpps",
            "specialty",
            "degree_date",
            "installation_date",
            "exercise_mode",
            "faculty",
        ]:
            self.fields[name].required = not draft
        if lock_faculty:
            self.fields["faculty"].disabled = True
            self.fields["faculty"].help_text = _(
                "Votre dossier est instruit par cette faculté ; pour en changer, contactez son "
                "secrétariat."
            )
        self.fields["faculty"].queryset = Organisation.objects.filter(
            kind=Organisation.Kind.FACULTY
        ).order_by("name")
        self.fields["faculty"].empty_label = _("Choisissez votre faculté")
        self.fields["upp"].queryset = Organisation.objects.filter(
            kind=Organisation.Kind.UPP
        ).select_related("parent")
        self.fields["upp"].label_from_instance = lambda upp: f"{upp.name} ({upp.parent})"
        self.fields["upp"].empty_label = _("Aucune ou je ne sais pas")
        self.fields["upp"].help_text = _(
            "L'unité pédagogique de proximité de votre faculté la plus proche, s'il y en a une."
        )
        self.fields["specialty_other"].choices = [("", _("Sans objet (médecine générale)"))] + [
            choice for choice in self.fields["specialty_other"].choices if choice[0]
        ]
        self.fields["registered_with_ordre"].label = _(
            "Je suis inscrit(e) au tableau de l'Ordre des médecins"
        )

    def clean_rpps(self):
        value = rpps.normalise(self.cleaned_data.get("rpps"))
        if not value and self.draft:
            return value
        if not (value.isascii() and value.isdigit()):
            raise forms.ValidationError(
                _("Le numéro RPPS ne contient que des chiffres (11 au total)."), code="rpps_digits"
            )
        if not rpps.is_well_formed(value):
            raise forms.ValidationError(
                _("Le numéro RPPS compte exactement 11 chiffres (vous en avez saisi %(n)d)."),
                params={"n": len(value)},
                code="rpps_length",
            )
        taken = Doctor.objects.filter(rpps=value).exclude(pk=self.instance.pk).exists()
        if taken:
            raise forms.ValidationError(
                _(
                    "Ce numéro RPPS est déjà rattaché à un autre compte. Contactez le secrétariat "
                    "du DUMG si c'est bien le vôtre."
                ),
                code="rpps_taken",
            )
        return value

    def clean(self):
        data = super().clean()
        today = timezone.localdate()
        degree, installed = data.get("degree_date"), data.get("installation_date")
        for name in ["degree_date", "installation_date", "training_completed_on"]:
            if data.get(name) and data[name] > today:
                self.add_error(name, _("Cette date est dans le futur."))
        if degree and installed and installed < degree:
            self.add_error(
                "installation_date",
                _("La date d'installation ne peut pas précéder celle du diplôme."),
            )
        upp, faculty = data.get("upp"), data.get("faculty") or self.instance.faculty
        if upp and faculty and upp.parent_id != faculty.pk:
            self.add_error("upp", _("Cette UPP dépend d'une autre faculté que la vôtre."))
        if data.get("specialty") == Doctor.Specialty.OTHER and not data.get("specialty_other"):
            self.add_error("specialty_other", _("Choisissez votre spécialité dans la liste."))
        if data.get("specialty") == Doctor.Specialty.GENERAL_PRACTICE:
            data["specialty_other"] = ""
        return data

    def save(self, commit=True):
        doctor = super().save(commit=False)
        user = doctor.user
        user.first_name = self.cleaned_data["first_name"]
        user.last_name = self.cleaned_data["last_name"]
        if commit:
            user.save(update_fields=["first_name", "last_name"])
            doctor.save()
        return doctor


class EnvironmentForm(forms.ModelForm):
    """Step 2. The teaching environment of the dossier."""

    max_students = forms.IntegerField(
        label=_("Nombre maximal d'étudiants accueillis en même temps"),
        min_value=1,
        max_value=3,
        initial=1,
    )

    class Meta:
        model = Application
        fields = [
            "practice_description",
            "patient_mix",
            "coordination",
            "supervision_time",
            "student_room",
            "student_computer",
            "max_students",
            "pdsa",
            "co_msus",
            "associate_role",
        ]
        widgets = {
            name: forms.Textarea(attrs={"rows": 3})
            for name in [
                "practice_description",
                "patient_mix",
                "coordination",
                "supervision_time",
                "co_msus",
            ]
        }
        help_texts = {
            "co_msus": _(
                "Nom, prénom et commune des MSU avec qui vous accueillez l'interne, le cas échéant."
            ),
            "supervision_time": _(
                "Par exemple : reprise quotidienne de 30 minutes en fin de journée."
            ),
        }

    associate_rpps = forms.CharField(
        label=_("Numéro RPPS du MSU agréé de la structure"),
        max_length=20,
        required=False,
        help_text=_(
            "Pour une candidature comme MSU associé : le MSU agréé auprès de qui vous exercez, "
            "dans la même structure."
        ),
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )

    def __init__(self, *args, draft=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["practice_description"].required = not draft
        self.fields["associate_role"].label = _("Candidature comme MSU associé")
        self.fields["associate_role"].choices = [
            ("", _("Non : je candidate en mon nom propre")),
            *Application.AssociateRole.choices,
        ]
        self.fields["associate_role"].help_text = _(
            "Un médecin qui exerce comme collaborateur ou remplaçant régulier dans une structure "
            "dont le MSU est agréé peut candidater comme MSU associé de ce MSU."
        )
        if self.instance.associate_msu_id and not self.is_bound:
            self.fields["associate_rpps"].initial = self.instance.associate_msu.rpps

    def clean(self):
        data = super().clean()
        if not data.get("associate_role"):
            data["associate_msu"] = None
            return data
        value = rpps.normalise(data.get("associate_rpps"))
        if not value:
            self.add_error(
                "associate_rpps", _("Indiquez le numéro RPPS du MSU agréé de la structure.")
            )
            return data
        msu = Doctor.objects.filter(rpps=value).exclude(pk=self.instance.doctor_id).first()
        if msu is None:
            self.add_error(
                "associate_rpps",
                _(
                    "Aucun médecin du portail ne porte ce numéro RPPS : vérifiez-le auprès du MSU "
                    "de votre structure."
                ),
            )
        data["associate_msu"] = msu
        return data

    def save(self, commit=True):
        application = super().save(commit=False)
        application.associate_msu = self.cleaned_data.get("associate_msu")
        if commit:
            application.save()
        return application


class PracticeSiteForm(forms.ModelForm):
    class Meta:
        model = PracticeSite
        fields = ["kind", "name", "address", "postal_code", "commune", "zonage", "is_main"]
        widgets = {"postal_code": forms.TextInput(attrs={"inputmode": "numeric", "maxlength": 5})}


class BaseSiteFormSet(forms.BaseInlineFormSet):
    def __init__(self, *args, draft=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.draft = draft

    def clean(self):
        super().clean()
        kept = [f for f in self.forms if f.cleaned_data and not f.cleaned_data.get("DELETE")]
        if not kept and not self.draft:
            raise forms.ValidationError(_("Indiquez au moins un lieu d'exercice."))
        if len([f for f in kept if f.cleaned_data.get("is_main")]) > 1:
            raise forms.ValidationError(_("Un seul lieu peut être le lieu d'exercice principal."))

    def save(self, commit=True):
        saved = super().save(commit)
        sites = self.instance.sites.order_by("pk")
        if commit and not sites.filter(is_main=True).exists() and sites.exists():
            # Without a choice, the first site is the main one (fees depend on its zonage).
            sites.filter(pk=sites.first().pk).update(is_main=True)
        return saved


PracticeSiteFormSet = inlineformset_factory(
    Doctor,
    PracticeSite,
    form=PracticeSiteForm,
    formset=BaseSiteFormSet,
    extra=1,
    max_num=5,
    validate_max=True,
    can_delete=True,
)


class LevelsForm(forms.Form):
    levels = forms.MultipleChoiceField(
        label=_("Niveaux de stage demandés"),
        choices=StageLevel.choices,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Choisissez au moins un niveau de stage.")},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["levels"].choices = [
            (level.value, f"{level.label} — {rules_for(level).authority.label}")
            for level in StageLevel
        ]


class PiecesForm(forms.Form):
    """Step 4. One optional file input per required piece; each file is checked on its own so
    that a refused file never costs the others."""

    def __init__(self, *args, pieces=(), **kwargs):
        super().__init__(*args, **kwargs)
        for piece in pieces:
            self.fields[piece.value] = forms.FileField(
                label=piece.label,
                required=False,
                help_text=_("PDF, JPEG ou PNG — %(limit)s maximum") % {"limit": limit_text()},
                widget=forms.ClearableFileInput(attrs={"accept": ACCEPT_ATTRIBUTE}),
            )
        self.detected = {}

    def clean(self):
        data = super().clean()
        for name, uploaded in list(data.items()):
            if not uploaded:
                continue
            try:
                self.detected[name] = check_upload(uploaded)
            except forms.ValidationError as error:
                self.add_error(name, error)
        return data

    def accepted_files(self):
        """(piece, file, detected type) for every file that passed its checks."""
        return [
            (name, self.files[name], detected)
            for name, detected in self.detected.items()
            if name not in self.errors
        ]


class CommitmentsForm(forms.ModelForm):
    """Step 5. The mandatory commitments are only enforced when not saving a draft."""

    class Meta:
        model = Application
        fields = ["commit_training", "commit_charter", "commit_insurer", "certify_accuracy"]
        labels = COMMITMENT_LABELS

    def __init__(self, *args, draft=False, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ["commit_charter", "commit_insurer", "certify_accuracy"]:
            self.fields[name].required = not draft
            self.fields[name].error_messages["required"] = _(
                "Cet engagement est obligatoire pour transmettre le dossier."
            )


class WithdrawForm(forms.Form):
    comment = forms.CharField(
        label=_("Motif (facultatif)"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    confirm = forms.BooleanField(
        label=_("Je confirme vouloir retirer ce dossier ; ce retrait est définitif."),
        error_messages={"required": _("Cochez la case pour confirmer le retrait.")},
    )
