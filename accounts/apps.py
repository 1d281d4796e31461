from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = "Comptes et organisations"

    def ready(self):
        from axes.signals import user_locked_out
        from django.contrib.auth.signals import user_logged_in, user_logged_out

        from . import lockout

        user_logged_in.connect(_logged_in, dispatch_uid="accounts.sessions.login")
        user_logged_out.connect(_logged_out, dispatch_uid="accounts.sessions.logout")
        user_locked_out.connect(lockout.on_locked_out, dispatch_uid="accounts.lockout")


def _logged_in(sender, request, user, **kwargs):
    from . import sessions

    if request is not None and hasattr(request, "session"):
        sessions.record_login(request, user)


def _logged_out(sender, request, user, **kwargs):
    from . import sessions

    if request is not None and hasattr(request, "session"):
        sessions.forget_session(request)
