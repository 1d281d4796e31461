"""Every named URL of the site as `namespace:name path`, with sample arguments reversed."""

from django.urls import URLPattern, URLResolver, get_resolver, reverse


def _walk(patterns, namespace=""):
    for entry in patterns:
        if isinstance(entry, URLResolver):
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from _walk(entry.url_patterns, inner)
        elif isinstance(entry, URLPattern) and entry.name:
            yield f"{namespace}{entry.name}", entry


def _sample(converter):
    name = type(converter).__name__
    return {"IntConverter": 7, "SlugConverter": "exemple", "UUIDConverter": None}.get(name, "x")


def named_urls():
    """Sorted lines `name path` for every named URL outside the Django admin."""
    lines = set()
    for name, entry in _walk(get_resolver().url_patterns):
        if name.startswith("admin:"):
            continue
        converters = getattr(entry.pattern, "converters", {})
        kwargs = {key: _sample(conv) for key, conv in converters.items()}
        if None in kwargs.values():
            kwargs = {
                k: "00000000-0000-0000-0000-000000000000" if v is None else v
                for k, v in kwargs.items()
            }
        try:
            url = reverse(name, kwargs=kwargs) if kwargs else reverse(name)
        except Exception:  # a regex pattern without named groups
            url = str(entry.pattern)
        lines.add(f"{name} {url}")
    return sorted(lines)
