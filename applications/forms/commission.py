"""The commission's forms: a session and a member's opinion."""

from django import forms
from django.utils.translation import gettext_lazy as _

from ..models import CommissionSession, Review
from .common import DateTimeInput


class SessionForm(forms.ModelForm):
    class Meta:
        model = CommissionSession
        fields = ["meets_at", "place", "members"]
        widgets = {"meets_at": DateTimeInput(), "members": forms.CheckboxSelectMultiple}

    def __init__(self, *args, members=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["members"].queryset = members
        self.fields["members"].label_from_instance = lambda u: u.get_full_name() or u.email


class OpinionForm(forms.Form):
    opinion = forms.ChoiceField(
        label=_("Avis"), choices=Review.Opinion.choices, widget=forms.RadioSelect
    )
    reason = forms.CharField(
        label=_("Motif"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Obligatoire pour un avis défavorable ou un ajournement."),
    )

    def clean(self):
        data = super().clean()
        if (
            data.get("opinion") not in (None, Review.Opinion.FAVOURABLE)
            and not (data.get("reason") or "").strip()
        ):
            self.add_error("reason", _("Motivez un avis défavorable ou un ajournement."))
        return data
