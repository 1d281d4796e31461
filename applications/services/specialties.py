"""The faculty admin records the coordinating professor of each specialty (seed 003)."""

from django.db import transaction
from django.utils.translation import gettext as _

from accounts.models import Membership

from ..models import SpecialtyCoordinator
from ..specialties import OtherSpecialty
from .common import WorkflowError


def _check_admin(faculty, by):
    if not Membership.objects.filter(
        user=by, organisation=faculty, role=Membership.Role.FACULTY_ADMIN
    ).exists():
        raise WorkflowError(_("Seul l'administrateur de la faculté gère ces informations."))


@transaction.atomic
def set_coordinator(faculty, by, specialty, name, email):
    """Record (or replace) the professor of `specialty`; an empty name and address remove it.
    Returns the coordinator, or None when removed."""
    _check_admin(faculty, by)
    if specialty not in OtherSpecialty.values:
        raise WorkflowError(_("Choisissez une spécialité de la liste."))
    name, email = (name or "").strip(), (email or "").strip()
    if not name and not email:
        removed, _by_model = SpecialtyCoordinator.objects.filter(
            faculty=faculty, specialty=specialty
        ).delete()
        if not removed:  # « Professeur coordonnateur retiré » said of nobody
            raise WorkflowError(
                _(
                    "Aucun professeur coordonnateur n'est enregistré pour cette spécialité : "
                    "indiquez son nom et son adresse électronique."
                )
            )
        return None
    if not name or not email:
        raise WorkflowError(_("Indiquez le nom et l'adresse électronique du professeur."))
    coordinator, _created = SpecialtyCoordinator.objects.update_or_create(
        faculty=faculty, specialty=specialty, defaults={"name": name, "email": email}
    )
    return coordinator
