from django.conf import settings


def portal(request):
    """Institution and service names for the DSFR header, from settings (no query)."""
    return {
        "INSTITUTION_NAME": settings.INSTITUTION_NAME,
        "SERVICE_NAME": settings.SERVICE_NAME,
        "SERVICE_TAGLINE": settings.SERVICE_TAGLINE,
    }
