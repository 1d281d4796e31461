"""Forms of the faculty's staff: admissibility, complement requests, the visit, decisions and
notes."""

from django import forms
from django.core.validators import MaxValueValidator
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ..complements import SECTIONS, default_due_date
from ..models import Decision, Document, SiteVisit
from ..selectors.candidature import missing_pieces
from .common import DateInput, DateTimeInput, VersionForm


class ComplementRequestForm(VersionForm):
    items = forms.MultipleChoiceField(
        label=_("Ce qui manque ou doit être corrigé"),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Cochez au moins une pièce ou une partie du dossier.")},
    )
    message = forms.CharField(
        label=_("Message au médecin"),
        help_text=_("Expliquez précisément ce qu'il faut fournir ou corriger."),
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    due_date = forms.DateField(label=_("À fournir avant le"), widget=DateInput())

    def __init__(self, *args, application=None, **kwargs):
        kwargs.setdefault("initial", {}).setdefault("due_date", default_due_date())
        super().__init__(*args, **kwargs)
        present = {doc.piece for doc in application.documents.all()}
        missing = {p.value for p in missing_pieces(application)}
        pieces = [
            (
                f"piece:{piece.value}",
                _("Pièce : %(piece)s") % {"piece": piece.label}
                if piece.value in present
                else _("Pièce : %(piece)s (absente)") % {"piece": piece.label},
            )
            for piece in Document.Piece
            if piece.value in present | missing
        ]
        self.fields["items"].choices = [(k, v) for k, v in SECTIONS.items()] + pieces

    def clean_due_date(self):
        due = self.cleaned_data["due_date"]
        if due <= timezone.localdate():
            raise forms.ValidationError(_("La date limite doit être postérieure à aujourd'hui."))
        return due


class VisitScheduleForm(VersionForm):
    scheduled_for = forms.DateTimeField(
        label=_("Date et heure de la visite"), widget=DateTimeInput()
    )
    visitors = forms.ModelMultipleChoiceField(
        label=_("Visiteurs"),
        queryset=None,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Un enseignant du DUMG, ou un binôme de deux maîtres de stage."),
        error_messages={"required": _("Choisissez au moins un visiteur.")},
    )

    def __init__(self, *args, visitors=None, visit=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["visitors"].queryset = visitors
        self.rescheduling = visit is not None
        if visit is not None:  # planned again: from the date and visitors planned
            self.initial.setdefault("scheduled_for", timezone.localtime(visit.scheduled_for))
            self.initial.setdefault("visitors", [v.pk for v in visit.visitors.all()])

    def clean_visitors(self):
        chosen = self.cleaned_data["visitors"]
        if len(chosen) > 2:
            raise forms.ValidationError(_("Deux visiteurs au plus."))
        return chosen

    def clean_scheduled_for(self):
        when = self.cleaned_data["scheduled_for"]
        if when <= timezone.now():
            raise forms.ValidationError(_("La visite doit être programmée à une date future."))
        return when


class VisitReportForm(VersionForm):
    recommendation = forms.ChoiceField(
        label=_("Avis du visiteur"),
        choices=SiteVisit.Recommendation.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choisissez un avis.")},
    )
    report = forms.CharField(
        label=_("Compte rendu"),
        help_text=_("Motivation, locaux, pratiques, points forts pour l'enseignement."),
        widget=forms.Textarea(attrs={"rows": 6}),
        error_messages={"required": _("Rédigez le compte rendu de la visite.")},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        checks = {
            field: forms.BooleanField(label=label, required=False)
            for field, label in SiteVisit.CHECKLIST
        }
        self.fields = {**checks, **self.fields}

    def checklist(self):
        return {field: self.cleaned_data.get(field) for field, _label in SiteVisit.CHECKLIST}


class DecisionForm(VersionForm):
    outcome = forms.ChoiceField(
        label=_("Décision"),
        choices=[(o.value, o.label) for o in (Decision.Outcome.GRANTED, Decision.Outcome.REFUSED)],
        widget=forms.RadioSelect,
    )
    decided_on = forms.DateField(label=_("Date de la décision"), widget=DateInput())
    reference = forms.CharField(label=_("Référence de l'arrêté ou de la décision"), max_length=100)
    duration_years = forms.IntegerField(
        label=_("Durée de l'agrément (années)"), min_value=1, required=False
    )
    reason = forms.CharField(
        label=_("Motif"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Obligatoire en cas de refus."),
    )

    def __init__(self, *args, max_years=5, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["duration_years"]
        field.max_value = max_years
        field.validators.append(
            MaxValueValidator(
                max_years, _("La durée de l'agrément est de %(limit_value)s ans au plus.")
            )
        )
        field.help_text = _("De 1 à %(max)d ans ; %(max)d par défaut.") % {"max": max_years}

    def clean(self):
        data = super().clean()
        if data.get("decided_on") and data["decided_on"] > timezone.localdate():
            self.add_error("decided_on", _("La date de la décision ne peut pas être future."))
        if (
            data.get("outcome") == Decision.Outcome.REFUSED
            and not (data.get("reason") or "").strip()
        ):
            self.add_error("reason", _("Un refus doit être motivé."))
        return data


class NoteForm(forms.Form):
    body = forms.CharField(
        label=_("Note interne (jamais visible du médecin)"),
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": _("La note est vide.")},
    )
