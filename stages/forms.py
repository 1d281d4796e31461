"""Forms of the stage pages. They only check the shape of what was typed; the rules (team
eligibility, capacity, overlaps, tutoring limits) are the services', which refuse in French."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Organisation
from applications.forms.common import DateInput

from . import services
from .levels import StageLevel
from .models import Period, Placement

TEAM_ROWS = services.MAX_TEAM


def doctor_label(doctor):
    return _("Dr %(name)s (RPPS %(rpps)s)") % {"name": doctor, "rpps": doctor.rpps}


class DoctorChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return doctor_label(obj)


class StudentChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return _("%(last)s %(first)s (n° %(number)s, promotion %(promotion)s, %(level)s)") % {
            "last": obj.last_name.upper(),
            "first": obj.first_name,
            "number": obj.student_number,
            "promotion": obj.promotion,
            "level": obj.get_level_display(),
        }


class PeriodForm(forms.Form):
    faculty = forms.ModelChoiceField(label=_("Faculté"), queryset=Organisation.objects.none())
    kind = forms.ChoiceField(label=_("Type de période"), choices=Period.Kind.choices)
    start = forms.DateField(label=_("Début"), widget=DateInput())
    end = forms.DateField(label=_("Fin"), widget=DateInput())
    label = forms.CharField(
        label=_("Intitulé"),
        max_length=120,
        required=False,
        help_text=_("Laissé vide, l'intitulé est tiré des dates."),
    )

    def __init__(self, *args, faculties, **kwargs):
        super().__init__(*args, **kwargs)
        faculties = list(faculties)
        self.single_faculty = faculties[0] if len(faculties) == 1 else None
        if self.single_faculty is not None:
            del self.fields["faculty"]
        else:
            self.fields["faculty"].queryset = Organisation.objects.filter(
                pk__in=[f.pk for f in faculties]
            ).order_by("name")

    def chosen_faculty(self):
        return self.single_faculty or self.cleaned_data["faculty"]


def levels_for(period):
    if period.kind == Period.Kind.EXTERNE:
        return [(StageLevel.EXTERNE.value, StageLevel.EXTERNE.label)]
    return [(level.value, level.label) for level in StageLevel if level != StageLevel.EXTERNE]


class OfferForm(forms.Form):
    """The offer and its team of one to three MSUs (rows 2 and 3 may stay empty)."""

    label = forms.CharField(label=_("Intitulé du terrain de stage"), max_length=200)
    level = forms.ChoiceField(label=_("Niveau"))
    upp = forms.ModelChoiceField(
        label=_("UPP"),
        queryset=Organisation.objects.none(),
        required=False,
        empty_label=_("— Aucune —"),
    )
    capacity = forms.IntegerField(
        label=_("Capacité"),
        help_text=_("Nombre d'étudiants accueillis sur la période."),
        min_value=1,
        max_value=99,
        initial=1,
    )
    referent = forms.ChoiceField(
        label=_("MSU référent"),
        choices=[(str(i), str(i + 1)) for i in range(TEAM_ROWS)],
        widget=forms.RadioSelect,
        initial="0",
        required=False,
    )

    def __init__(self, *args, period, doctors, edit=False, sites=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.period = period
        # The practice site each current member hosts at (kept when they stay in the team).
        self.sites = sites or {}
        if edit:
            del self.fields["level"]
        else:
            self.fields["level"].choices = levels_for(period)
        self.fields["upp"].queryset = Organisation.objects.filter(
            kind=Organisation.Kind.UPP, parent_id=period.faculty_id
        ).order_by("name")
        for i in range(TEAM_ROWS):
            self.fields[f"doctor_{i}"] = DoctorChoiceField(
                label=_("Médecin"),
                queryset=doctors,
                required=i == 0,
                empty_label=_("— Choisir un MSU —") if i == 0 else _("— Aucun —"),
            )
            self.fields[f"half_days_{i}"] = forms.IntegerField(
                label=_("Demi-journées par semaine"),
                min_value=0,
                max_value=10,
                required=False,
                initial=0,
            )
            self.fields[f"pdsa_{i}"] = forms.BooleanField(
                label=_("Supervise la PDSA (permanence des soins du docteur junior)"),
                required=False,
            )
            self.fields[f"coscom_{i}"] = forms.BooleanField(
                label=_("Signataire COSCOM"), required=False
            )

    @classmethod
    def initial_for(cls, offer):
        initial = {"label": offer.label, "capacity": offer.capacity, "upp": offer.upp_id}
        for i, member in enumerate(list(offer.team.all())[:TEAM_ROWS]):
            initial.update(
                {
                    f"doctor_{i}": member.doctor_id,
                    f"half_days_{i}": member.half_days,
                    f"pdsa_{i}": member.supervises_pdsa,
                    f"coscom_{i}": member.coscom,
                }
            )
            if member.referent:
                initial["referent"] = str(i)
        return initial

    def main_fields(self):
        return [self[name] for name in ("label", "level", "upp", "capacity") if name in self.fields]

    def team_rows(self):
        referent = self["referent"].subwidgets
        return [
            {
                "number": i + 1,
                "doctor": self[f"doctor_{i}"],
                "half_days": self[f"half_days_{i}"],
                "pdsa": self[f"pdsa_{i}"],
                "coscom": self[f"coscom_{i}"],
                "referent": referent[i],
            }
            for i in range(TEAM_ROWS)
        ]

    def clean(self):
        data = super().clean()
        for i in range(1, TEAM_ROWS):
            if data.get(f"doctor_{i}") is None and (
                data.get(f"pdsa_{i}") or data.get(f"coscom_{i}") or data.get(f"half_days_{i}")
            ):
                self.add_error(
                    f"doctor_{i}", _("Choisissez le médecin de cette ligne ou videz-la.")
                )
        return data

    def members(self):
        data = self.cleaned_data
        members = []
        for i in range(TEAM_ROWS):
            doctor = data.get(f"doctor_{i}")
            if doctor is None:
                continue
            members.append(
                services.MemberInput(
                    doctor=doctor,
                    half_days=data.get(f"half_days_{i}") or 0,
                    referent=data.get("referent") == str(i),
                    site=self.sites.get(doctor.pk),
                    supervises_pdsa=data.get(f"pdsa_{i}", False),
                    coscom=data.get(f"coscom_{i}", False),
                )
            )
        return members


class PlacementForm(forms.Form):
    student_number = forms.CharField(label=_("Numéro d'étudiant"), max_length=20)
    last_name = forms.CharField(label=_("Nom"), max_length=150)
    first_name = forms.CharField(label=_("Prénom"), max_length=150)
    # No help text on these fields: it would join the label, which the page's users and its
    # browser tests find the inputs by.
    promotion = forms.IntegerField(
        label=_("Promotion"),
        min_value=1950,
        max_value=2100,
        widget=forms.NumberInput(attrs={"placeholder": "2025"}),
    )
    part_time = forms.BooleanField(label=_("Temps partiel"), required=False)

    def __init__(self, *args, offer, **kwargs):
        super().__init__(*args, **kwargs)
        period = offer.period
        if period.kind == Period.Kind.EXTERNE:
            self.fields["part_time"].initial = period.part_time

    def student(self):
        data = self.cleaned_data
        return services.StudentInput(
            data["student_number"], data["last_name"], data["first_name"], data["promotion"]
        )


class TutoringForm(forms.Form):
    tutor = DoctorChoiceField(label=_("Tuteur"), queryset=None, empty_label=_("— Choisir un MSU —"))
    student = StudentChoiceField(
        label=_("Interne"), queryset=None, empty_label=_("— Choisir un interne —")
    )
    started_on = forms.DateField(label=_("Début du tutorat"), widget=DateInput())

    def __init__(self, *args, tutors, students, **kwargs):
        kwargs.setdefault("initial", {}).setdefault("started_on", timezone.localdate())
        super().__init__(*args, **kwargs)
        self.fields["tutor"].queryset = tutors
        self.fields["student"].queryset = students


class PlacementDatesForm(forms.Form):
    """The actual dates of a placement: the period's unless the student started late or left
    early (then with the reason)."""

    start = forms.DateField(label=_("Début effectif du stage"), widget=DateInput())
    end = forms.DateField(label=_("Fin effective du stage"), widget=DateInput())
    end_reason = forms.ChoiceField(
        label=_("Motif de la fin anticipée"),
        choices=[("", _("— Le stage va jusqu'à la fin de la période —"))]
        + list(Placement.EndReason.choices),
        required=False,
    )
    dates_note = forms.CharField(label=_("Précisions"), max_length=255, required=False)

    @classmethod
    def initial_for(cls, placement):
        return {
            "start": placement.start,
            "end": placement.end,
            "end_reason": placement.end_reason,
            "dates_note": placement.dates_note,
        }


class SuspensionForm(forms.Form):
    start = forms.DateField(label=_("Suspendu du"), widget=DateInput())
    end = forms.DateField(label=_("Jusqu'au (inclus)"), widget=DateInput())
    reason = forms.CharField(label=_("Motif de la suspension"), max_length=255)
