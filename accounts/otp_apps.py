"""django-otp's two device apps under French names in the Django admin (their own say
"OTP_TOTP" and "OTP_STATIC"). Only the apps' names: their models keep django-otp's options, so
that no migration of ours ever touches django-otp's tables."""

from django.utils.translation import gettext_lazy as _
from django_otp.plugins.otp_static.apps import DefaultConfig as StaticConfig
from django_otp.plugins.otp_totp.apps import DefaultConfig as TOTPConfig


class AuthenticatorApps(TOTPConfig):
    verbose_name = _("Second facteur : applications d'authentification")


class RecoveryCodes(StaticConfig):
    verbose_name = _("Second facteur : codes de secours")
