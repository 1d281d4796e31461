from django import forms
from django.contrib.auth import authenticate, password_validation
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _

from .models import User
from .signup import send_confirmation


class SignupForm(forms.Form):
    first_name = forms.CharField(label=_("Prénom"), max_length=150)
    last_name = forms.CharField(label=_("Nom"), max_length=150)
    email = forms.EmailField(
        label=_("Adresse électronique"),
        help_text=_("Un lien de confirmation y sera envoyé. Format attendu : nom@domaine.fr"),
    )
    password1 = forms.CharField(
        label=_("Mot de passe"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=_("12 caractères au moins ; évitez un mot de passe courant."),
    )
    password2 = forms.CharField(
        label=_("Confirmation du mot de passe"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def clean(self):
        data = super().clean()
        p1, p2 = data.get("password1"), data.get("password2")
        if p1 and p2 and p1 != p2:
            self.add_error("password2", _("Les deux mots de passe ne correspondent pas."))
        elif p1:
            probe = User(
                email=data.get("email", ""),
                first_name=data.get("first_name", ""),
                last_name=data.get("last_name", ""),
            )
            try:
                password_validation.validate_password(p1, probe)
            except forms.ValidationError as error:
                self.add_error("password1", error)
        return data


class EmailAuthenticationForm(AuthenticationForm):
    username = forms.EmailField(
        label=_("Adresse électronique"),
        widget=forms.EmailInput(attrs={"autofocus": True, "autocomplete": "email"}),
    )
    error_messages = {
        "invalid_login": _(
            "Adresse électronique ou mot de passe incorrect. Vérifiez votre saisie."
        ),
        "inactive": _("Ce compte est désactivé."),
        "unconfirmed": _(
            "Votre adresse électronique n'est pas encore confirmée. Ouvrez le lien que nous "
            "vous avons envoyé ; un nouveau lien vient de vous être adressé."
        ),
    }

    def clean(self):
        email = (self.cleaned_data.get("username") or "").lower()
        password = self.cleaned_data.get("password")
        if email and password:
            self.user_cache = authenticate(self.request, username=email, password=password)
            if self.user_cache is None:
                pending = User.objects.filter(
                    email__iexact=email, is_active=False, email_confirmed_at__isnull=True
                ).first()
                if pending and pending.check_password(password):
                    send_confirmation(pending)
                    raise forms.ValidationError(
                        self.error_messages["unconfirmed"], code="unconfirmed"
                    )
                raise self.get_invalid_login_error()
            self.confirm_login_allowed(self.user_cache)
        return self.cleaned_data


class SecondFactorForm(forms.Form):
    code = forms.CharField(
        label=_("Code de vérification"),
        max_length=20,
        help_text=_(
            "Le code à 6 chiffres affiché par votre application d'authentification, ou l'un de "
            "vos codes de secours."
        ),
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "autofocus": True, "spellcheck": "false"}
        ),
    )
    trust = forms.BooleanField(
        label=_("Faire confiance à cet appareil pendant 30 jours"),
        required=False,
        help_text=_("Ne cochez pas sur un ordinateur partagé."),
    )


class EnrolForm(forms.Form):
    code = forms.CharField(
        label=_("Code affiché par l'application"),
        max_length=10,
        help_text=_("6 chiffres, renouvelés toutes les 30 secondes."),
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}
        ),
    )
