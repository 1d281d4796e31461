"""What the pieces step says about the limits, read from the settings the checks use."""

from django import template
from django.conf import settings
from django.utils.translation import gettext as _

register = template.Library()


@register.simple_tag
def upload_caps():
    return _(
        "Un PDF compte au plus %(pages)d pages et une image au plus %(millions)d millions de "
        "pixels ; les scripts, liens et fichiers joints des PDF et les métadonnées des photos "
        "(dont leur localisation) sont retirés avant l'enregistrement."
    ) % {
        "pages": settings.UPLOAD_MAX_PDF_PAGES,
        "millions": round(settings.UPLOAD_MAX_PIXELS / 1_000_000),
    }
