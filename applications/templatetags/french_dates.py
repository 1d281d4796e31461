"""« 1er septembre 2026 »: French writes the first of a month as an ordinal, which Django's
`date` filter cannot say. A builtin of both template engines (settings.TEMPLATES)."""

from django import template
from django.template.defaultfilters import date
from django.utils.timezone import template_localtime

register = template.Library()


@register.filter(expects_localtime=True)
def date_fr(value, arg="j F Y"):
    """Django's `date` filter, with « 1er » for a first of the month written in words."""
    if value in (None, ""):
        return ""
    value = template_localtime(value)
    if getattr(value, "day", None) == 1 and "j F" in arg:
        arg = arg.replace("j F", r"\1\e\r F")
    return date(value, arg)
