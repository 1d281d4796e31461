"""{% load remuneration %}: amounts as '3 600,00 €' (non-breaking spaces), shares of a student."""

from django import template

from .. import exports

register = template.Library()


@register.filter
def euros(value):
    return exports.euros(value)


@register.filter
def share(value):
    return exports.share_label(value)
