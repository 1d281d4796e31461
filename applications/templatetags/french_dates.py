"""« 1er septembre 2026 »: French writes the first of a month as an ordinal, which Django's
`date` filter cannot say; ages in days (« il y a 90 jours », « aujourd'hui ») and « de » before
a name (« d'Agathe »). A builtin of both template engines (settings.TEMPLATES)."""

from django import template
from django.template.defaultfilters import date
from django.utils import timezone
from django.utils.timezone import template_localtime
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

register = template.Library()


@register.filter(name="of_name")
def of_name_filter(name):
    """« de Marc Lefèvre », « d'Agathe Vasseur » (applications.text.of_name)."""
    from ..text import of_name

    return of_name(name)


@register.filter(expects_localtime=True)
def date_fr(value, arg="j F Y"):
    """Django's `date` filter, with « 1er » for a first of the month written in words."""
    if value in (None, ""):
        return ""
    value = template_localtime(value)
    if getattr(value, "day", None) == 1 and "j F" in arg:
        arg = arg.replace("j F", r"\1\e\r F")
    return date(value, arg)


def days_text(days):
    """« 1 jour », « 90 jours » (the queue's ages), "" for no age."""
    if days is None:
        return ""
    return ngettext("%(days)d jour", "%(days)d jours", days) % {"days": days}


def _whole_days_before_now(value):
    """Days since `value`, counted as the queue counts them (whole days)."""
    return (timezone.now() - value).days


@register.filter
def days_ago(value):
    """« il y a 90 jours » (the queue's count, so that the page and the row agree),
    « aujourd'hui » (« il y a 0 jour » said nothing)."""
    if value in (None, ""):
        return ""
    days = _whole_days_before_now(value)
    return _("aujourd'hui") if days <= 0 else _("il y a %(days)s") % {"days": days_text(days)}


@register.filter
def in_state_since(value):
    """« depuis 90 jours », « depuis aujourd'hui » (« depuis 0 jour »)."""
    if value in (None, ""):
        return ""
    days = _whole_days_before_now(value)
    return (
        _("depuis aujourd'hui") if days <= 0 else _("depuis %(days)s") % {"days": days_text(days)}
    )
