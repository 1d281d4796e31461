"""The commission's forms: a session, a member's own opinion, attendance, the commission's
opinion with its vote count, and the authority's decisions for a whole session."""

from django import forms
from django.core.validators import MaxValueValidator, MinValueValidator
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ..models import Attendance, CommissionSession, MemberOpinion, Review
from .common import DateInput, DateTimeInput


class SessionForm(forms.ModelForm):
    president = forms.ModelChoiceField(
        label=_("Président de séance"),
        queryset=None,
        help_text=_("Il doit faire partie des membres cochés ci-dessus."),
        error_messages={"required": _("Désignez le président de séance.")},
    )

    class Meta:
        model = CommissionSession
        fields = ["meets_at", "place", "members"]
        widgets = {"meets_at": DateTimeInput(), "members": forms.CheckboxSelectMultiple}

    def __init__(self, *args, members=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["members"].queryset = members
        self.fields["president"].queryset = members

    def clean_meets_at(self):
        # A session dated in the past would convoke its members to a meeting already over and
        # open its opinions at once (they wait for the session's day).
        meets_at = self.cleaned_data["meets_at"]
        if timezone.localdate(meets_at) < timezone.localdate():
            raise forms.ValidationError(
                _(
                    "La séance ne peut pas être datée d'un jour passé : "
                    "choisissez aujourd'hui ou après."
                )
            )
        return meets_at


class OpinionForm(forms.Form):
    """A member's own opinion on one level."""

    opinion = forms.ChoiceField(
        label=_("Votre avis"), choices=MemberOpinion.Opinion.choices, widget=forms.RadioSelect
    )
    reason = forms.CharField(
        label=_("Motif"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Obligatoire pour un avis défavorable."),
    )

    def clean(self):
        data = super().clean()
        if (
            data.get("opinion") == MemberOpinion.Opinion.UNFAVOURABLE
            and not (data.get("reason") or "").strip()
        ):
            self.add_error("reason", _("Motivez un avis défavorable."))
        return data


def _votes_field(label):
    return forms.IntegerField(
        label=label,
        min_value=0,
        max_value=99,
        widget=forms.NumberInput(attrs={"class": "fr-input votes"}),
        error_messages={"required": _("Indiquez un nombre (0 s'il n'y a aucune voix).")},
    )


class CommissionOpinionForm(forms.Form):
    """The commission's opinion on one level, with the vote count (prefilled from the members'
    opinions; the president corrects it when the discussion changed minds)."""

    opinion = forms.ChoiceField(
        label=_("Avis de la commission"), choices=Review.Opinion.choices, widget=forms.RadioSelect
    )
    reason = forms.CharField(
        label=_("Motif"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Obligatoire pour un avis défavorable ou un ajournement."),
    )
    votes_for = _votes_field(_("Voix pour"))
    votes_against = _votes_field(_("Voix contre"))
    votes_abstain = _votes_field(_("Abstentions"))

    def clean(self):
        data = super().clean()
        if (
            data.get("opinion") not in (None, Review.Opinion.FAVOURABLE)
            and not (data.get("reason") or "").strip()
        ):
            self.add_error("reason", _("Motivez un avis défavorable ou un ajournement."))
        return data

    @property
    def votes(self):
        data = self.cleaned_data
        return (data["votes_for"], data["votes_against"], data["votes_abstain"])


class AttendanceForm(forms.Form):
    """One present / excused / absent choice per member of the session."""

    def __init__(self, *args, members=(), current=None, **kwargs):
        super().__init__(*args, **kwargs)
        current = current or {}
        self.members = list(members)
        for member in self.members:
            self.fields[f"member-{member.pk}"] = forms.ChoiceField(
                label=str(member),
                choices=Attendance.Status.choices,
                widget=forms.RadioSelect(attrs={"class": "fr-radio-rich"}),
                initial=current.get(member.pk),
                error_messages={"required": _("Indiquez la présence de ce membre.")},
            )

    @property
    def statuses(self):
        return {m.pk: self.cleaned_data[f"member-{m.pk}"] for m in self.members}


LATER = "later"


class SessionDecisionsForm(forms.Form):
    """The authority's decisions for the session: one date, one reference, one line per level
    (granted, refused, or left for later), prefilled from the commission's opinion."""

    decided_on = forms.DateField(label=_("Date de la décision"), widget=DateInput())
    reference = forms.CharField(
        label=_("Référence de l'arrêté ou de la décision"),
        max_length=100,
        error_messages={"required": _("Indiquez la référence de l'arrêté ou de la décision.")},
    )

    OUTCOMES = [
        ("granted", _("Accordé")),
        ("refused", _("Refusé")),
        (LATER, _("Plus tard")),
    ]

    def __init__(self, *args, lines=(), max_years=5, **kwargs):
        super().__init__(*args, **kwargs)
        self.lines = list(lines)
        for line in self.lines:
            level, review = line["level"], line["review"]
            favourable = review.opinion == Review.Opinion.FAVOURABLE
            prefix = f"niveau-{level.pk}"
            self.fields[f"{prefix}-outcome"] = forms.ChoiceField(
                label=_("Décision"),
                choices=self.OUTCOMES,
                initial="granted" if favourable else "refused",
            )
            self.fields[f"{prefix}-reason"] = forms.CharField(
                label=_("Motif"),
                required=False,
                initial="" if favourable else review.reason,
                widget=forms.TextInput(),
            )
            self.fields[f"{prefix}-duration_years"] = forms.IntegerField(
                label=_("Durée (années)"),
                initial=max_years,
                validators=[MinValueValidator(1), MaxValueValidator(max_years)],
                widget=forms.NumberInput(attrs={"class": "fr-input years"}),
            )
            line["fields"] = [self[f"{prefix}-{name}"] for name in ("outcome", "reason")]
            line["years"] = self[f"{prefix}-duration_years"]

    def clean_decided_on(self):
        value = self.cleaned_data["decided_on"]
        if value > timezone.localdate():
            raise forms.ValidationError(_("La date de la décision ne peut pas être dans le futur."))
        return value

    def clean(self):
        data = super().clean()
        for line in self.lines:
            prefix = f"niveau-{line['level'].pk}"
            if (
                data.get(f"{prefix}-outcome") == "refused"
                and not (data.get(f"{prefix}-reason") or "").strip()
            ):
                self.add_error(f"{prefix}-reason", _("Un refus doit être motivé."))
        return data

    def decisions(self):
        """(level, granted or None for later, reason, years) per line."""
        result = []
        for line in self.lines:
            prefix = f"niveau-{line['level'].pk}"
            outcome = self.cleaned_data[f"{prefix}-outcome"]
            result.append(
                (
                    line["level"],
                    None if outcome == LATER else outcome == "granted",
                    self.cleaned_data[f"{prefix}-reason"],
                    self.cleaned_data[f"{prefix}-duration_years"],
                )
            )
        return result


class BatchAgendaForm(forms.Form):
    """From the queue: several dossiers ready for commission, onto one open session."""

    session = forms.ModelChoiceField(
        label=_("Séance"),
        queryset=CommissionSession.objects.none(),
        empty_label=_("Choisissez une séance ouverte"),
        error_messages={"required": _("Choisissez une séance de commission ouverte.")},
    )

    def __init__(self, *args, sessions=None, **kwargs):
        super().__init__(*args, **kwargs)
        if sessions is not None:
            self.fields["session"].queryset = sessions
