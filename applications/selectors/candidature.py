"""What a dossier in progress lacks and what the doctor may still change: read by the steps,
the review, the staff page, the PDF and the submission service alike."""

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import FacultySettings

from .. import eligibility, rpps
from ..pieces import required_pieces
from ..workflow import Status


def open_complement_request(application):
    return application.complement_requests.filter(answered_at__isnull=True).first()


def editable_sections(application):
    """What the doctor may change: everything in a draft; in a dossier sent back, only what the
    secretariat's request names (step slugs, and "piece:<code>" for single pieces)."""
    if application.status == Status.DRAFT:
        return None
    request = open_complement_request(application)
    return set(request.items) if request else set()


def section_editable(application, section):
    sections = editable_sections(application)
    if sections is None:
        return True
    if section == "pieces":
        return any(item.startswith("piece:") or item == "pieces" for item in sections)
    if section.startswith("piece:"):
        return section in sections or "pieces" in sections
    return section in sections


def _sites(doctor):
    return tuple(
        eligibility.Site(site.postal_code, site.address, site.name) for site in doctor.sites.all()
    )


def associate_of(application, on=None):
    """What the eligibility check needs of an MSU associé's dossier, or None."""
    if not application.associate_role:
        return None
    msu = application.associate_msu
    if msu is None:
        return eligibility.Associate(msu_name=None)
    on = on or timezone.localdate()
    levels = frozenset(
        msu.agrements.filter(valid_from__lte=on, valid_until__gte=on).values_list(
            "level", flat=True
        )
    )
    return eligibility.Associate(
        msu_name=str(msu),
        msu_levels=levels,
        msu_sites=_sites(msu),
        own_sites=_sites(application.doctor),
    )


def profile_of(application, on=None):
    doctor = application.doctor
    return eligibility.Profile(
        degree_date=doctor.degree_date,
        registered_with_ordre=doctor.registered_with_ordre,
        rpps=doctor.rpps,
        installation_date=doctor.installation_date,
        general_practice=doctor.is_general_practitioner,
        training_completed=doctor.training_completed_on is not None,
        training_commitment=application.commit_training,
        other_specialty=doctor.specialty_other if not doctor.is_general_practitioner else "",
        associate=associate_of(application, on),
    )


def rules_of(application):
    settings = FacultySettings.for_faculty(application.faculty)
    return eligibility.Rules(
        years_required_externe=settings.years_required_externe,
        years_required_interne=settings.years_required_interne,
        training_required_general_practice=settings.training_required_general_practice,
    )


def eligibility_of(application, on=None, levels=None):
    on = on or timezone.localdate()
    levels = application.levels if levels is None else levels
    return eligibility.check_levels(levels, profile_of(application, on), rules_of(application), on)


PROFILE_FIELDS = {
    "civility": gettext_lazy("la civilité"),
    "rpps": gettext_lazy("le numéro RPPS"),
    "specialty": gettext_lazy("la spécialité"),
    "degree_date": gettext_lazy("la date du diplôme"),
    "installation_date": gettext_lazy("la date de première installation"),
    "exercise_mode": gettext_lazy("le mode d'exercice"),
    "faculty": gettext_lazy("la faculté de rattachement"),
}


def missing_pieces(application, levels=None):
    levels = application.levels if levels is None else levels
    present = {doc.piece for doc in application.documents.all()}
    settings = FacultySettings.for_faculty(application.faculty)
    return [p for p in required_pieces(levels, application.kind, settings) if p not in present]


def unfinished(application, on=None):
    """(step slug, French sentence) for everything that stops submission, in step order.

    The one source of both the review's checklist and where a resumed draft lands. An
    ineligible level is tagged with the review step: it follows from the profile, it is not an
    input missing from the levels step.
    """
    doctor = application.doctor
    found = []
    missing = [
        label
        for name, label in PROFILE_FIELDS.items()
        if not getattr(doctor, name if name != "faculty" else "faculty_id")
    ]
    if not doctor.user.first_name or not doctor.user.last_name:
        missing.insert(0, _("vos nom et prénom"))
    if missing:
        found.append(
            (
                "profil",
                _("Profil : indiquez %(fields)s.") % {"fields": ", ".join(map(str, missing))},
            )
        )
    if not doctor.sites.exists():
        found.append(("exercice", _("Exercice : ajoutez au moins un lieu d'exercice.")))
    if not application.practice_description.strip():
        found.append(("exercice", _("Exercice : décrivez l'activité de votre cabinet.")))
    levels = application.levels
    if not levels:
        found.append(("niveaux", _("Niveaux : choisissez au moins un niveau de stage.")))
    for result in eligibility_of(application, on=on, levels=levels):
        if not result.eligible:
            reasons = " ; ".join(check.reason for check in result.unmet)
            found.append(
                (
                    "recapitulatif",
                    _(
                        "« %(level)s » non éligible : %(reasons)s Retirez ce niveau ou "
                        "complétez votre profil ; les autres niveaux pourront être transmis."
                    )
                    % {"level": result.label, "reasons": reasons},
                )
            )
    for piece in missing_pieces(application, levels):
        found.append(("pieces", _("Pièces : ajoutez « %(piece)s ».") % {"piece": piece.label}))
    if not (
        application.commit_charter and application.commit_insurer and application.certify_accuracy
    ):
        found.append(("engagements", _("Engagements : cochez les engagements obligatoires.")))
    return found


def completeness_problems(application, on=None):
    """Every reason the dossier cannot be submitted yet, in French, step by step."""
    return [text for _step, text in unfinished(application, on)]


def first_unfinished_step(application):
    """Where a doctor coming back to a draft should land."""
    steps = [step for step, _text in unfinished(application) if step != "recapitulatif"]
    return steps[0] if steps else "recapitulatif"


def rpps_warning(doctor, for_staff=False):
    """A well-formed RPPS whose check digit fails: the doctor may have mistyped it (they keep
    it if it is right); the secretariat checks it before declaring the dossier admissible."""
    if not (rpps.is_well_formed(doctor.rpps) and not rpps.luhn_ok(doctor.rpps)):
        return ""
    if for_staff:
        return _(
            "Le numéro RPPS %(rpps)s ne passe pas le contrôle de clé : vérifiez-le dans "
            "l'annuaire santé avant de déclarer le dossier recevable."
        ) % {"rpps": doctor.rpps}
    return _(
        "Le numéro RPPS %(rpps)s ne passe pas le contrôle de clé : vérifiez-le sur "
        "votre carte CPS. Vous pouvez le conserver s'il est exact."
    ) % {"rpps": doctor.rpps}
