"""« Firefox sur Windows » for a User-Agent header: the sessions page names each browser as its
owner knows it, not by the header's 120 characters."""

from django.utils.translation import gettext as _

# In this order: Edge and Opera also say "Chrome", Chrome also says "Safari".
BROWSERS = [
    ("Edg", "Edge"),
    ("OPR/", "Opera"),
    ("SamsungBrowser", "Samsung Internet"),
    ("Firefox/", "Firefox"),
    ("FxiOS", "Firefox"),
    ("CriOS", "Chrome"),
    ("Chrome/", "Chrome"),
    ("Safari/", "Safari"),
]
# iPhone and Android before Mac OS X and Linux, which they mention too.
SYSTEMS = [
    ("iPhone", "iPhone"),
    ("iPad", "iPad"),
    ("Android", "Android"),
    ("Windows", "Windows"),
    ("CrOS", "ChromeOS"),
    ("Mac OS X", "macOS"),
    ("Linux", "Linux"),
]


def describe(user_agent):
    """The browser and its system in French words; « inconnu » for an empty header."""
    if not (user_agent or "").strip():
        return _("inconnu")
    browser = next((name for mark, name in BROWSERS if mark in user_agent), None)
    system = next((name for mark, name in SYSTEMS if mark in user_agent), None)
    if browser and system:
        return _("%(browser)s sur %(system)s") % {"browser": browser, "system": system}
    return browser or system or _("navigateur non reconnu")
