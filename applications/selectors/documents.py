"""Generated documents as their readers find them: by subject, and the dossier PDF each reader
may download (the doctor gets the copy without the visit report)."""

from ..models import GeneratedDocument, SiteVisit


def find(subject_key):
    return GeneratedDocument.objects.filter(subject_key=subject_key).first()


_UNREAD = object()


def dossier_pdf_for(application, user, visit=_UNREAD):
    """Which dossier PDF this user downloads: the doctor's copy for the doctor once the visit
    is reported, the full one otherwise. `visit`: the dossier's visit (or None), when the page
    has read it already."""
    key = f"dossier:{application.pk}"
    if application.doctor.user_id == user.pk:
        reported = (
            has_visit_report(application)
            if visit is _UNREAD
            else visit is not None and visit.reported_at is not None
        )
        if reported:
            key = f"dossier_doctor:{application.pk}"
    return find(key)


def has_visit_report(application):
    return SiteVisit.objects.filter(application=application, reported_at__isnull=False).exists()
