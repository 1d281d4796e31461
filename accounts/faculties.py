"""Which faculty a page or an e-mail speaks for: the dossier's, else the signed-in person's
(a doctor's faculty, a staff member's organisation), else none (a neutral national title)."""

from django.conf import settings

from .memberships import memberships_of
from .models import FacultySettings, Organisation


def faculty_of_user(user):
    """The faculty a signed-in person belongs to, or None (visitor, superuser, no role)."""
    if user is None or not user.is_authenticated:
        return None
    doctor = getattr(user, "doctor", None)
    if doctor is not None and doctor.faculty_id:
        return doctor.faculty
    memberships = memberships_of(user)
    if not memberships:
        return None
    organisation = memberships[0].organisation
    if organisation.kind == Organisation.Kind.FACULTY:
        return organisation
    return organisation.parent if organisation.parent_id else None


def identity(faculty):
    """What the header, the footer and a signature say for this faculty (None: national)."""
    if faculty is None:
        return {"name": settings.INSTITUTION_NAME, "faculty": None, "settings": None}
    return {
        "name": faculty.name,
        "faculty": faculty,
        "settings": FacultySettings.for_faculty(faculty),
    }


def signature(faculty):
    """The e-mail signature's lines: the DUMG, its faculty, its address and contact."""
    if faculty is None:
        return settings.SERVICE_NAME
    details = FacultySettings.for_faculty(faculty)
    lines = [details.dumg_name, faculty.name, details.dumg_address]
    contact = " — ".join(v for v in (details.dumg_email, details.dumg_phone) if v)
    return "\n".join(line.strip() for line in [*lines, contact] if line and line.strip())
