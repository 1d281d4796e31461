"""Who is acting, for the audit lines written by signals (settings, roles, rates changed in
our pages or in the Django admin), which get no request."""

import contextvars

current_actor = contextvars.ContextVar("audit_actor", default=None)


def actor():
    return current_actor.get()


class RememberActor:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        token = current_actor.set(user if user is not None and user.is_authenticated else None)
        try:
            return self.get_response(request)
        finally:
            current_actor.reset(token)
