"""The second factor (TOTP through django-otp), its recovery codes, the "trust this device"
cookie and the faculty admin's reset.

Who must use it: every staff account (a membership in an organisation, the Django admin's
`is_staff`/`is_superuser`). Doctors may turn it on; once on, it is asked like for staff.
"""

import base64
import logging

import qrcode
import qrcode.image.svg
from django.conf import settings
from django.contrib.sessions.models import Session
from django.core import signing
from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_otp import DEVICE_ID_SESSION_KEY, devices_for_user
from django_otp import login as otp_login
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from . import memberships
from .models import Membership, SecurityEvent, User, UserSession

log = logging.getLogger(__name__)

# The documented demo secret (README): the RFC 6238 test key "12345678901234567890", base32
# GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ. Only the demo accounts of `load_demo` carry it.
DEMO_TOTP_KEY = "3132333435363738393031323334353637383930"
DEMO_TOTP_SECRET_BASE32 = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"  # nosec B105

TOTP_NAME = "Application d'authentification"
RECOVERY_NAME = "Codes de secours"
RECOVERY_CODE_COUNT = 10
TRUST_SALT = "accounts.trusted-device"


class SecondFactorError(Exception):
    """A refused action, with a French sentence for the user."""


def is_staff_account(user):
    return bool(user.is_staff or user.is_superuser) or bool(memberships.memberships_of(user))


def requires_second_factor(user):
    """Staff always; a doctor once they have enrolled. One query."""
    if user.is_staff or user.is_superuser:
        return True
    required = (
        User.objects.filter(pk=user.pk)
        .filter(
            Q(Exists(Membership.objects.filter(user=OuterRef("pk"))))
            | Q(Exists(TOTPDevice.objects.filter(user=OuterRef("pk"), confirmed=True)))
        )
        .exists()
    )
    if not required:
        memberships.know_none(user)  # the menu and the dossier's roles need not ask again
    return required


def confirmed_totp(user):
    return TOTPDevice.objects.filter(user=user, confirmed=True).first()


def has_second_factor(user):
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


# --- enrolment -------------------------------------------------------------------------------


def pending_device(user):
    """The unconfirmed TOTP device of an enrolment in progress (the same secret until it is
    confirmed, so that reloading the page does not change the QR code already scanned)."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").first()
    return device or TOTPDevice.objects.create(user=user, name=TOTP_NAME, confirmed=False)


def secret_base32(device):
    return base64.b32encode(device.bin_key).decode()


def qr_svg(device):
    """The otpauth:// URL as an inline SVG (drawn on the server: no image request, no CDN)."""
    image = qrcode.make(
        device.config_url, image_factory=qrcode.image.svg.SvgPathImage, box_size=8, border=2
    )
    return image.to_string(encoding="unicode")


@transaction.atomic
def confirm_enrolment(request, device, token):
    """Confirm the pending device with a first code. Returns the new recovery codes (to be shown
    once) or raises SecondFactorError."""
    device = TOTPDevice.objects.select_for_update().get(pk=device.pk, user=request.user)
    if not device.verify_token(_digits(token)):
        raise SecondFactorError(
            _(
                "Ce code ne correspond pas. Vérifiez l'heure de votre téléphone et saisissez le "
                "code à 6 chiffres affiché par l'application."
            )
        )
    # One confirmed TOTP device per account: a new enrolment replaces the previous one.
    TOTPDevice.objects.filter(user=device.user).exclude(pk=device.pk).delete()
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    codes = new_recovery_codes(device.user)
    otp_login(request, device)
    record(device.user, SecurityEvent.Kind.SECOND_FACTOR_ENROLLED, request=request)
    return codes


def new_recovery_codes(user):
    """Ten single-use codes, replacing any left. Only their values in this list are ever shown."""
    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(user=user, name=RECOVERY_NAME, confirmed=True)
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODE_COUNT)]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    return codes


def recovery_codes_left(user):
    return StaticToken.objects.filter(device__user=user).count()


# --- sign-in -------------------------------------------------------------------------------


def _digits(token):
    return "".join((token or "").split())


@transaction.atomic
def verify(request, token):
    """Check a TOTP code (6 digits) or a recovery code (8 letters and digits) of the signed-in
    user and mark the session verified; a recovery code is used up. Each kind of device keeps
    django-otp's throttling (a growing wait after each wrong code). Raises SecondFactorError."""
    token = _digits(token)
    user = request.user
    if token.isdigit():
        device = TOTPDevice.objects.select_for_update().filter(user=user, confirmed=True).first()
    else:
        token = token.lower()
        device = StaticDevice.objects.select_for_update().filter(user=user).first()
    if device is None or not token:
        raise SecondFactorError(WRONG_CODE)
    allowed, details = device.verify_is_allowed()
    if not allowed:
        raise SecondFactorError(
            _("Trop de codes erronés : attendez quelques secondes avant de réessayer.")
        )
    if not device.verify_token(token):
        raise SecondFactorError(WRONG_CODE)
    otp_login(request, device)
    if isinstance(device, StaticDevice):
        record(user, SecurityEvent.Kind.RECOVERY_CODE_USED, request=request)
    return device


WRONG_CODE = gettext_lazy(
    "Code incorrect. Saisissez le code à 6 chiffres affiché par votre application, ou l'un de "
    "vos codes de secours."
)


def demo_code(user):
    """The current code of a demo account, for the embedded demo only (DEBUG): a newcomer can
    try every role without an authenticator app. Never shown with production settings."""
    if not (settings.DEBUG and settings.SHOW_DEMO_OTP_CODE):
        return None
    device = confirmed_totp(user)
    if device is None or device.key != DEMO_TOTP_KEY:
        return None
    from django_otp.oath import TOTP

    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    if device.last_t >= totp.t():
        # This step's code was used already (signed out and in again within 30 seconds): a code
        # is accepted once, so show the next one (accepted too, within the tolerance).
        totp.drift += device.last_t + 1 - totp.t()
    return f"{totp.token():0{device.digits}d}"


# --- "trust this device for 30 days" ---------------------------------------------------------


def trust_cookie_name(user):
    return f"msu_trust_{user.pk}"


def _device_stamp(device):
    # Bound to the device's secret: a reset or a new enrolment voids every trusted browser.
    return salted_hmac(TRUST_SALT, device.key).hexdigest()[:24]


def remember_device(response, user, device):
    value = signing.dumps(
        {"u": user.pk, "d": device.persistent_id, "s": _device_stamp(device)}, salt=TRUST_SALT
    )
    response.set_cookie(
        trust_cookie_name(user),
        value,
        max_age=settings.TRUSTED_DEVICE_DAYS * 24 * 3600,
        secure=settings.SESSION_COOKIE_SECURE,
        httponly=True,
        samesite="Lax",
    )


def trusted_device(request, user):
    """The TOTP device this browser was trusted with for `user`, if still valid."""
    value = request.COOKIES.get(trust_cookie_name(user))
    if not value:
        return None
    try:
        data = signing.loads(
            value, salt=TRUST_SALT, max_age=settings.TRUSTED_DEVICE_DAYS * 24 * 3600
        )
    except signing.BadSignature:
        return None
    if data.get("u") != user.pk:
        return None
    device = confirmed_totp(user)
    if device is None or device.persistent_id != data.get("d"):
        return None
    if not constant_time_compare(data.get("s", ""), _device_stamp(device)):
        return None
    return device


def sign_in_trusted(request, device):
    otp_login(request, device)


# --- the faculty admin's reset ----------------------------------------------------------------


def admin_faculties(user):
    return Membership.objects.filter(user=user, role=Membership.Role.FACULTY_ADMIN).values(
        "organisation"
    )


def team_members(admin):
    """Accounts with a role in a faculty the admin administers (their own account excluded)."""
    return (
        User.objects.filter(memberships__organisation__in=admin_faculties(admin))
        .exclude(pk=admin.pk)
        .annotate(
            second_factor=Exists(TOTPDevice.objects.filter(user=OuterRef("pk"), confirmed=True))
        )
        .distinct()
        .order_by("last_name", "first_name", "email")
    )


@transaction.atomic
def reset_second_factor(target_id, by, request=None):
    """Remove a member's second factor (lost phone): they enrol again at their next sign-in,
    every trusted browser and open session of theirs ends. Only a faculty admin of one of the
    member's faculties may; accounts of the Django admin are reset by a superuser only."""
    target = team_members(by).filter(pk=target_id).first()
    if target is None:
        raise User.DoesNotExist
    target = User.objects.select_for_update().get(pk=target.pk)
    if target.is_staff or target.is_superuser:
        raise SecondFactorError(
            _(
                "Ce compte a accès à l'administration du portail : seul un super-utilisateur "
                "peut réinitialiser son second facteur."
            )
        )
    for device in devices_for_user(target, confirmed=None):
        device.delete()
    end_sessions(target)
    record(target, SecurityEvent.Kind.SECOND_FACTOR_RESET, actor=by, request=request)
    log.info("Second factor of user %s reset by %s", target.pk, by.pk)
    return target


def end_sessions(user, keep=None):
    """End every session of the user but `keep` (a session key)."""
    rows = UserSession.objects.filter(user=user)
    if keep:
        rows = rows.exclude(session_key=keep)
    keys = list(rows.values_list("session_key", flat=True))
    Session.objects.filter(session_key__in=keys).delete()
    rows.delete()
    return len(keys)


# --- demo -------------------------------------------------------------------------------------


def set_up_demo_device(user):
    """The demo accounts' TOTP device with the documented demo secret (README)."""
    TOTPDevice.objects.filter(user=user).exclude(key=DEMO_TOTP_KEY).delete()
    TOTPDevice.objects.update_or_create(
        user=user, key=DEMO_TOTP_KEY, defaults={"name": TOTP_NAME, "confirmed": True}
    )


def record(user, kind, actor=None, request=None):
    ip = None
    if request is not None:
        from axes.helpers import get_client_ip_address

        ip = get_client_ip_address(request) or None
    SecurityEvent.objects.create(user=user, actor=actor or user, kind=kind, ip_address=ip)


def session_is_verified(request):
    return bool(request.session.get(DEVICE_ID_SESSION_KEY)) and request.user.is_verified()
