"""Eligibility of a doctor for each stage level (DOMAIN.md), as plain functions over plain values.

Each level gets a checklist; a level is eligible when every check passes. The reasons are in
French because they are shown as they are to the doctor and to the staff.
"""

import calendar
import datetime
from dataclasses import dataclass, field

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from stages.levels import StageLevel, rules_for

from . import rpps as rpps_rules
from .text import fold


@dataclass(frozen=True)
class Site:
    """A practice site as the structure check compares it."""

    postal_code: str
    address: str
    name: str = ""


@dataclass(frozen=True)
class Associate:
    """What an MSU associé's dossier names: the approved MSU of the structure (None when the
    RPPS given matches nobody), the levels that MSU holds in force, and their sites."""

    msu_name: str | None
    msu_levels: frozenset = frozenset()
    msu_sites: tuple = ()
    own_sites: tuple = ()


def _norm(text):
    """Lower case, accents and punctuation away: « 12, Rue des TILLEULS » = « 12 rue des
    tilleuls »."""
    return " ".join("".join(c if c.isalnum() else " " for c in fold(text)).split())


def same_structure(own_sites, msu_sites):
    """Whether one of the applicant's sites is one of the MSU's: same postal code, and the same
    address or the same structure name (case, accents and punctuation aside)."""
    for own in own_sites:
        for theirs in msu_sites:
            if own.postal_code != theirs.postal_code:
                continue
            if _norm(own.address) == _norm(theirs.address):
                return True
            if own.name and _norm(own.name) == _norm(theirs.name):
                return True
    return False


@dataclass(frozen=True)
class Profile:
    degree_date: datetime.date | None
    registered_with_ordre: bool
    rpps: str
    installation_date: datetime.date | None
    general_practice: bool
    training_completed: bool
    training_commitment: bool = False
    # The specialty chosen from the list (applications.specialties), for a doctor of another
    # specialty than general practice.
    other_specialty: str = ""
    # Set when the dossier is an MSU associé's.
    associate: Associate | None = None


@dataclass(frozen=True)
class Rules:
    years_required_externe: int = 1
    years_required_interne: int = 3
    training_required_general_practice: bool = False


@dataclass(frozen=True)
class Check:
    label: str
    ok: bool
    reason: str = ""
    # The dossier step where the doctor meets this rule when it is not a matter of their
    # situation but of a form still to fill ("Engagements"): shown as "to complete", not unmet.
    later_step: str = ""


@dataclass(frozen=True)
class LevelEligibility:
    level: StageLevel
    checks: list[Check] = field(default_factory=list)

    @property
    def eligible(self):
        return all(check.ok for check in self.checks)

    @property
    def unmet(self):
        return [check for check in self.checks if not check.ok]

    @property
    def blocking(self):
        """The unmet rules the doctor cannot settle later in the dossier."""
        return [check for check in self.unmet if not check.later_step]

    @property
    def to_complete(self):
        """The unmet rules settled at a later step of the dossier (the training commitment)."""
        return [check for check in self.unmet if check.later_step]

    @property
    def label(self):
        return StageLevel(self.level).label


def add_years(day, years):
    """Same day `years` later; 29 February falls back to 28 February (art. 641 CPC)."""
    year = day.year + years
    last = calendar.monthrange(year, day.month)[1]
    return day.replace(year=year, day=min(day.day, last))


def _check(label, ok, reason, later_step=""):
    """A checklist line; the reason is only kept when the rule is not met."""
    return Check(str(label), ok, "" if ok else str(reason), "" if ok else str(later_step))


def _date(day):
    return f"{day:%d/%m/%Y}"


def check_level(level, profile, rules, on):
    level_rules = rules_for(level)
    checks = [
        _check(
            _("Diplôme d'État de docteur en médecine"),
            profile.degree_date is not None and profile.degree_date <= on,
            _("Indiquez la date d'obtention du diplôme d'État de docteur en médecine."),
        ),
        _check(
            _("Inscription au tableau de l'Ordre des médecins"),
            profile.registered_with_ordre,
            _("L'inscription au tableau de l'Ordre est requise : cochez-la dans votre profil."),
        ),
        _check(
            _("Numéro RPPS"),
            rpps_rules.is_well_formed(profile.rpps),
            _("Indiquez votre numéro RPPS (11 chiffres)."),
        ),
    ]

    if level_rules.general_practice is True:
        checks.append(
            _check(
                _("Spécialité : médecine générale"),
                profile.general_practice,
                _(
                    "Ce niveau accueille des internes de médecine générale : il est réservé aux "
                    "médecins généralistes."
                ),
            )
        )
    elif level_rules.general_practice is False:
        checks.append(
            _check(
                _("Spécialité autre que la médecine générale"),
                not profile.general_practice,
                _(
                    "Ce niveau concerne les spécialités autres que la médecine générale ; "
                    "choisissez « Niveau 1 » ou « SASPAS »."
                ),
            )
        )

    if level == StageLevel.HORS_MG:
        checks.append(
            _check(
                _("Spécialité choisie dans la liste"),
                bool(profile.other_specialty),
                _(
                    "Choisissez votre spécialité dans la liste de votre profil : son professeur "
                    "coordonnateur est informé de votre demande."
                ),
            )
        )

    if profile.associate is not None:
        checks.append(_associate_check(level, profile.associate))

    years = (
        rules.years_required_externe
        if level_rules.seniority == "externe"
        else rules.years_required_interne
    )
    label = ngettext(
        "Au moins %(years)d an d'exercice depuis l'installation",
        "Au moins %(years)d ans d'exercice depuis l'installation",
        years,
    ) % {"years": years}
    if profile.installation_date is None:
        checks.append(_check(label, False, _("Indiquez la date de votre première installation.")))
    else:
        reached = add_years(profile.installation_date, years)
        checks.append(
            _check(
                label,
                reached <= on,
                _("Installation le %(installed)s : la durée requise sera atteinte le %(reached)s.")
                % {"installed": _date(profile.installation_date), "reached": _date(reached)},
            )
        )

    if not profile.general_practice or rules.training_required_general_practice:
        checks.append(
            _check(
                _("Formation pédagogique initiale suivie"),
                profile.training_completed,
                _(
                    "La formation pédagogique initiale (2 jours, organisme agréé) doit être "
                    "suivie avant l'agrément : indiquez sa date dans votre profil."
                ),
            )
        )
    else:
        checks.append(
            _check(
                _("Formation pédagogique suivie ou engagement à la suivre"),
                profile.training_completed or profile.training_commitment,
                _(
                    "Indiquez la date de votre formation pédagogique ou engagez-vous à la suivre "
                    "(étape « Engagements »)."
                ),
                later_step=_("Engagements"),
            )
        )

    if not level_rules.open_on(on):
        checks.append(
            _check(
                _("Niveau ouvert"),
                False,
                _("Ce niveau n'est ouvert qu'à partir du %(date)s.")
                % {"date": _date(level_rules.available_from)},
            )
        )
    return LevelEligibility(StageLevel(level), checks)


def _associate_check(level, associate):
    label = _("MSU associé d'un MSU agréé de la même structure")
    if associate.msu_name is None:
        return _check(
            label,
            False,
            _(
                "Indiquez le numéro RPPS du MSU agréé de la structure où vous exercez "
                "(étape « Exercice »)."
            ),
        )
    if level not in associate.msu_levels:
        return _check(
            label,
            False,
            _(
                "Dr %(name)s n'a pas d'agrément en cours pour ce niveau : un MSU associé "
                "candidate auprès d'un MSU agréé pour le niveau demandé."
            )
            % {"name": associate.msu_name},
        )
    return _check(
        label,
        same_structure(associate.own_sites, associate.msu_sites),
        _(
            "Aucun de vos lieux d'exercice n'est un lieu de Dr %(name)s (même code postal et même "
            "adresse ou même nom de structure) : ajoutez ce lieu à l'étape « Exercice »."
        )
        % {"name": associate.msu_name},
    )


def check_levels(levels, profile, rules, on):
    return [check_level(level, profile, rules, on) for level in levels]
