from django import template
from django.conf import settings

register = template.Library()


@register.simple_tag
def unconfirmed_days():
    """Days before an account never confirmed is deleted (a national setting: no faculty)."""
    return settings.RETENTION_UNCONFIRMED_DAYS
