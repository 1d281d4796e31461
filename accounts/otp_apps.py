"""django-otp's two device apps under French names in the Django admin (their own say
"OTP_TOTP" and "OTP_STATIC"), their models' names too ("TOTP devices", "Static devices"), and
django-axes' app. The models' names are set on their _meta at start-up, not in their Meta
options (which migrations record): no migration ever touches these apps' tables."""

from axes.apps import AppConfig as AxesConfig
from django.utils.translation import gettext_lazy as _
from django_otp.plugins.otp_static.apps import DefaultConfig as StaticConfig
from django_otp.plugins.otp_totp.apps import DefaultConfig as TOTPConfig


def _name_model(app_config, model_name, singular, plural):
    meta = app_config.get_model(model_name)._meta
    meta.verbose_name, meta.verbose_name_plural = singular, plural


class AuthenticatorApps(TOTPConfig):
    verbose_name = _("Second facteur : applications d'authentification")

    def ready(self):
        super().ready()
        _name_model(
            self,
            "TOTPDevice",
            _("application d'authentification"),
            _("applications d'authentification"),
        )


class RecoveryCodes(StaticConfig):
    verbose_name = _("Second facteur : codes de secours")

    def ready(self):
        super().ready()
        _name_model(
            self, "StaticDevice", _("jeu de codes de secours"), _("jeux de codes de secours")
        )
        _name_model(self, "StaticToken", _("code de secours"), _("codes de secours"))


class LoginProtection(AxesConfig):
    verbose_name = _("Protection contre les tentatives de connexion")
