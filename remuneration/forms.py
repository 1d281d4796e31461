"""Forms of the payment pages: their shape only; the rules are the services'."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from applications.forms.common import DateInput

from .payment_file import MAX_BYTES


class MarkPaidForm(forms.Form):
    paid_on = forms.DateField(label=_("Payée le"), widget=DateInput())
    reference = forms.CharField(label=_("Mandat ou lot"), max_length=100)

    def __init__(self, *args, prefix=None, **kwargs):
        kwargs.setdefault("initial", {}).setdefault("paid_on", timezone.localdate())
        super().__init__(*args, prefix=prefix, **kwargs)


class CancelPaymentForm(forms.Form):
    # Its length is the service's to check (a French sentence, the reason kept as typed).
    reason = forms.CharField(
        label=_("Motif de l'annulation"),
        required=False,
        help_text=_("Par exemple : mauvaise ligne cochée, date ou mandat erronés."),
    )


class PaymentImportForm(forms.Form):
    file = forms.FileField(
        label=_("Fichier du service financier (CSV ou XLSX, 2 Mo au plus)"),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx"}),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_BYTES:
            raise forms.ValidationError(
                _("Le fichier dépasse 2 Mo : découpez-le en plusieurs fichiers.")
            )
        return upload
