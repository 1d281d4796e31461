"""Response headers every page gets (the CSP comes from django-csp, HSTS from Django)."""

from django.conf import settings
from django.utils.cache import patch_cache_control


class PermissionsPolicyMiddleware:
    """Refuse the browser features the portal never uses (camera, geolocation…) on every page,
    so that an injected script or frame cannot ask for them either."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.setdefault("Permissions-Policy", settings.PERMISSIONS_POLICY)
        return response


class PrivateCacheMiddleware:
    """Everything served to a signed-in user may show personal data (a dossier, a statement, a
    list of sessions): no shared cache nor the browser's back-forward cache may keep it. One
    rule here rather than a decorator per view, which a new page would forget."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            # Drops "public" if a view said so; never_cache's extra directives stay.
            patch_cache_control(response, private=True, no_store=True)
        return response


class MethodNotAllowedPage:
    """A page, in French, for an address reached in the browser that only takes a form's
    POST (a bookmark, the history): Django answers an empty 405, which Chromium shows as its own
    English « HTTP ERROR 405 »."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if response.status_code == 405 and not response.content and request.method == "GET":
            from django.shortcuts import render

            page = render(request, "405.html", status=405)
            page["Allow"] = response.get("Allow", "")
            return page
        return response
