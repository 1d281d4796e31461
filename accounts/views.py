from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.http import HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from background.enqueue import enqueue_or_run_on_commit

from . import ratelimit, signup, tasks
from .forms import EmailAuthenticationForm, SignupForm


def too_many_requests():
    return _(
        "Trop de demandes ont été faites depuis votre connexion ou pour cette adresse. "
        "Réessayez dans une heure."
    )


class LoginView(auth_views.LoginView):
    form_class = EmailAuthenticationForm
    template_name = "accounts/login.html"
    redirect_authenticated_user = True


@require_http_methods(["GET", "POST"])
def signup_view(request):
    if request.user.is_authenticated:
        return redirect("home")
    form = SignupForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and not ratelimit.allow(
        "signup", request, request.POST.get("email", "")
    ):
        form.is_valid()
        form.add_error(None, too_many_requests())
        return render(request, "accounts/signup.html", {"form": form}, status=429)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        signup.register_doctor(
            data["email"], data["password1"], data["first_name"], data["last_name"]
        )
        request.session["signup_email"] = data["email"].lower()
        return redirect("accounts:signup_sent")
    return render(request, "accounts/signup.html", {"form": form})


def signup_sent(request):
    return render(
        request, "accounts/signup_sent.html", {"email": request.session.get("signup_email")}
    )


@require_http_methods(["GET", "POST"])
def confirm_email(request, token):
    user = signup.read_token(token)
    if user is None:
        return render(request, "accounts/confirm_invalid.html", status=400)
    if request.method == "POST":
        signup.confirm(user)
        messages.success(
            request, _("Votre adresse est confirmée. Vous pouvez maintenant vous connecter.")
        )
        return redirect("accounts:login")
    return render(request, "accounts/confirm.html", {"confirm_user": user})


class PasswordResetView(auth_views.PasswordResetView):
    template_name = "accounts/password_reset.html"
    email_template_name = "emails/password_reset/body.txt"
    html_email_template_name = "emails/password_reset/body.html"
    subject_template_name = "emails/password_reset/subject.txt"
    success_url = reverse_lazy("accounts:password_reset_done")

    def post(self, request, *args, **kwargs):
        if not ratelimit.allow("password_reset", request, request.POST.get("email", "")):
            form = self.get_form()
            form.is_valid()
            form.add_error(None, too_many_requests())
            return self.render_to_response(self.get_context_data(form=form), status=429)
        return super().post(request, *args, **kwargs)

    def form_valid(self, form):
        # Whether the address has an account or not, the request does the same thing: queue
        # one job. The worker looks the account up and sends the link (or nothing). With the
        # broker down, it is sent beside the request (no row keeps it for later), as fast.
        enqueue_or_run_on_commit(tasks.send_password_reset, form.cleaned_data["email"])
        return HttpResponseRedirect(self.get_success_url())


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "accounts/password_reset_confirm.html"
    success_url = reverse_lazy("accounts:password_reset_complete")
