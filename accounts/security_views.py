"""Pages of one's own account security: the second factor (sign-in, enrolment, recovery codes),
password change, active sessions; and the faculty admin's team page (reset a second factor)."""

from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.db.models import Prefetch
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST
from django_otp.plugins.otp_static.models import StaticDevice

from applications.text import of_name

from . import browsers, sessions, two_factor
from .forms import EnrolForm, SecondFactorForm
from .models import Membership, SecurityEvent, User


def _next(request, default="home"):
    target = request.POST.get("next") or request.GET.get("next")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return reverse(default)


def _verified(request):
    return request.user.is_verified()


@login_required
@require_http_methods(["GET", "POST"])
def second_factor(request):
    """After the password: the TOTP (or a recovery) code."""
    if _verified(request):
        return redirect(_next(request))
    if not two_factor.has_second_factor(request.user):
        return redirect(f"{reverse('accounts:second_factor_enrol')}?{request.GET.urlencode()}")
    form = SecondFactorForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            device = two_factor.verify(request, form.cleaned_data["code"])
        except two_factor.SecondFactorError as error:
            form.add_error("code", str(error))
        else:
            response = redirect(_next(request))
            if form.cleaned_data["trust"]:
                totp = two_factor.confirmed_totp(request.user)
                if totp is not None:
                    two_factor.remember_device(response, request.user, totp)
            if isinstance(device, StaticDevice):
                left = two_factor.recovery_codes_left(request.user)
                messages.warning(
                    request,
                    _(
                        "Vous vous êtes connecté avec un code de secours : il ne servira plus. "
                        "Il vous en reste %(left)s ; générez-en de nouveaux depuis « Sécurité du "
                        "compte »."
                    )
                    % {"left": left},
                )
            return response
    return render(
        request,
        "accounts/second_factor.html",
        {
            "form": form,
            "next": _next(request),
            "demo_code": two_factor.demo_code(request.user),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def enrol(request):
    """Scan the QR code, type the first code: the device is confirmed and ten recovery codes
    are shown once. Replacing an existing device needs a verified session (otherwise a stolen
    password would be enough to take over the second factor)."""
    replacing = two_factor.has_second_factor(request.user)
    if replacing and not _verified(request):
        return redirect(f"{reverse('accounts:second_factor')}?{request.GET.urlencode()}")
    device = two_factor.pending_device(request.user)
    form = EnrolForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            codes = two_factor.confirm_enrolment(request, device, form.cleaned_data["code"])
        except two_factor.SecondFactorError as error:
            form.add_error("code", str(error))
        else:
            request.session["recovery_codes"] = codes
            request.session["after_codes"] = _next(request)
            return redirect("accounts:recovery_codes")
    return render(
        request,
        "accounts/second_factor_enrol.html",
        {
            "form": form,
            "qr_svg": two_factor.qr_svg(device),
            "secret": two_factor.secret_base32(device),
            "next": _next(request),
            "required": two_factor.is_staff_account(request.user),
            "replacing": replacing,  # « Changer de téléphone » on the security page
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def recovery_codes(request):
    """The recovery codes, shown once (they are only in the session until this page is seen);
    a POST replaces them with ten new ones."""
    if not _verified(request):
        raise Http404
    if request.method == "POST":
        request.session["recovery_codes"] = two_factor.new_recovery_codes(request.user)
        request.session["after_codes"] = reverse("accounts:security")
        return redirect("accounts:recovery_codes")
    codes = request.session.pop("recovery_codes", None)
    after = request.session.pop("after_codes", reverse("accounts:security"))
    return render(
        request,
        "accounts/recovery_codes.html",
        {"codes": codes, "after": after, "left": two_factor.recovery_codes_left(request.user)},
    )


@login_required
def security(request):
    user = request.user
    return render(
        request,
        "accounts/security.html",
        {
            "has_second_factor": two_factor.has_second_factor(user),
            "required": two_factor.is_staff_account(user),
            "recovery_left": two_factor.recovery_codes_left(user),
            "events": user.security_events.select_related("actor")[:10],
        },
    )


@login_required
@require_POST
def disable_second_factor(request):
    """Doctors chose the second factor and may turn it off; staff may not."""
    if two_factor.is_staff_account(request.user) or not _verified(request):
        raise Http404
    from django_otp import devices_for_user

    for device in devices_for_user(request.user, confirmed=None):
        device.delete()
    request.session.pop("otp_device_id", None)
    messages.success(request, _("Le second facteur est désactivé pour votre compte."))
    return redirect("accounts:security")


@login_required
def session_list(request):
    rows = sessions.active_sessions(request)
    for row in rows:
        row.browser = browsers.describe(row.user_agent)
    return render(
        request,
        "accounts/sessions.html",
        {"rows": rows, "current": request.session.session_key},
    )


@login_required
@require_POST
def sign_out_others(request):
    ended = two_factor.end_sessions(request.user, keep=request.session.session_key)
    two_factor.record(request.user, SecurityEvent.Kind.SIGNED_OUT_ELSEWHERE, request=request)
    messages.success(
        request,
        _("Vos autres sessions sont fermées (%(count)s).") % {"count": ended}
        if ended
        else _("Vous n'aviez pas d'autre session ouverte."),
    )
    return redirect("accounts:browser_sessions")


class PasswordChangeView(auth_views.PasswordChangeView):
    template_name = "accounts/password_change.html"
    success_url = reverse_lazy("accounts:security")

    def form_valid(self, form):
        response = super().form_valid(form)
        update_session_auth_hash(self.request, form.user)
        # The old password may be what someone else used: their sessions end now.
        two_factor.end_sessions(form.user, keep=self.request.session.session_key)
        two_factor.record(form.user, SecurityEvent.Kind.PASSWORD_CHANGED, request=self.request)
        messages.success(
            self.request,
            _("Votre mot de passe est changé. Vos autres sessions ont été fermées."),
        )
        return response


@login_required
def team(request):
    faculties = two_factor.admin_faculties(request.user)
    if not faculties.exists():
        raise Http404
    # Each member's roles in those faculties: a new admin sees who sits on the commission.
    roles = Membership.objects.filter(organisation__in=faculties).order_by("role")
    members = two_factor.team_members(request.user).prefetch_related(
        Prefetch("memberships", queryset=roles, to_attr="faculty_roles")
    )
    return render(request, "accounts/team.html", {"members": members})


@login_required
@require_POST
def reset_member_second_factor(request, user_id):
    try:
        member = two_factor.reset_second_factor(user_id, by=request.user, request=request)
    except User.DoesNotExist as error:
        raise Http404 from error
    except two_factor.SecondFactorError as error:
        messages.error(request, str(error))
    else:
        messages.success(
            request,
            _(
                "Le second facteur %(of_name)s est réinitialisé : ses sessions sont fermées et "
                "il lui sera demandé d'en configurer un nouveau à sa prochaine connexion."
            )
            % {"of_name": of_name(member)},
        )
    return redirect("accounts:team")
