"""Generated documents as their readers find them: by subject, and the dossier PDF each reader
may download (the doctor gets the copy without the visit report)."""

from ..models import GeneratedDocument, SiteVisit


def find(subject_key):
    return GeneratedDocument.objects.filter(subject_key=subject_key).first()


def dossier_pdf_for(application, user):
    """Which dossier PDF this user downloads: the doctor's copy for the doctor once the visit
    is reported, the full one otherwise."""
    key = f"dossier:{application.pk}"
    if application.doctor.user_id == user.pk and has_visit_report(application):
        key = f"dossier_doctor:{application.pk}"
    return find(key)


def has_visit_report(application):
    return SiteVisit.objects.filter(application=application, reported_at__isnull=False).exists()
