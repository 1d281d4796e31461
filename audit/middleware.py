"""Who is acting, for the audit lines written by signals (settings, roles, rates changed in
our pages or in the Django admin), which get no request."""

import contextvars

current_request = contextvars.ContextVar("audit_request", default=None)


def actor():
    """The signed-in user of the request being served, or None (a task, a command, a shell).
    Read only when a line is written: pages that record nothing cost no user lookup."""
    request = current_request.get()
    user = getattr(request, "user", None)
    return user if user is not None and user.is_authenticated else None


class RememberActor:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = current_request.set(request)
        try:
            return self.get_response(request)
        finally:
            current_request.reset(token)
