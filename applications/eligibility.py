"""Eligibility of a doctor for each stage level (DOMAIN.md), as plain functions over plain values.

Each level gets a checklist; a level is eligible when every check passes. The reasons are in
French because they are shown as they are to the doctor and to the staff.
"""

import calendar
import datetime
from dataclasses import dataclass, field

from stages.levels import StageLevel, rules_for

from . import rpps as rpps_rules


@dataclass(frozen=True)
class Profile:
    degree_date: datetime.date | None
    registered_with_ordre: bool
    rpps: str
    installation_date: datetime.date | None
    general_practice: bool
    training_completed: bool
    training_commitment: bool = False


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
    def label(self):
        return StageLevel(self.level).label


def add_years(day, years):
    """Same day `years` later; 29 February falls back to 28 February (art. 641 CPC)."""
    year = day.year + years
    last = calendar.monthrange(year, day.month)[1]
    return day.replace(year=year, day=min(day.day, last))


def _plural_years(n):
    return f"{n} an" if n == 1 else f"{n} ans"


def check_level(level, profile, rules, on):
    level_rules = rules_for(level)
    checks = []

    ok = profile.degree_date is not None and profile.degree_date <= on
    checks.append(
        Check(
            "Diplôme d'État de docteur en médecine",
            ok,
            "" if ok else "Indiquez la date d'obtention du diplôme d'État de docteur en médecine.",
        )
    )
    checks.append(
        Check(
            "Inscription au tableau de l'Ordre des médecins",
            profile.registered_with_ordre,
            ""
            if profile.registered_with_ordre
            else "L'inscription au tableau de l'Ordre est requise : cochez-la dans votre profil.",
        )
    )
    ok = rpps_rules.is_well_formed(profile.rpps)
    checks.append(
        Check(
            "Numéro RPPS",
            ok,
            "" if ok else "Indiquez votre numéro RPPS (11 chiffres).",
        )
    )

    if level_rules.general_practice is True:
        ok = profile.general_practice
        checks.append(
            Check(
                "Spécialité : médecine générale",
                ok,
                ""
                if ok
                else "Ce niveau accueille des internes de médecine générale : il est "
                "réservé aux médecins généralistes.",
            )
        )
    elif level_rules.general_practice is False:
        ok = not profile.general_practice
        checks.append(
            Check(
                "Spécialité autre que la médecine générale",
                ok,
                ""
                if ok
                else "Ce niveau concerne les spécialités autres que la médecine générale ; "
                "choisissez « Niveau 1 » ou « SASPAS ».",
            )
        )

    years = (
        rules.years_required_externe
        if level_rules.seniority == "externe"
        else rules.years_required_interne
    )
    label = f"Au moins {_plural_years(years)} d'exercice depuis l'installation"
    if profile.installation_date is None:
        checks.append(Check(label, False, "Indiquez la date de votre première installation."))
    else:
        reached = add_years(profile.installation_date, years)
        ok = reached <= on
        checks.append(
            Check(
                label,
                ok,
                ""
                if ok
                else f"Installation le {profile.installation_date:%d/%m/%Y} : la durée "
                f"requise sera atteinte le {reached:%d/%m/%Y}.",
            )
        )

    training_required = not profile.general_practice or rules.training_required_general_practice
    if training_required:
        ok = profile.training_completed
        reason = (
            "La formation pédagogique initiale (2 jours, organisme agréé) doit être suivie "
            "avant l'agrément : indiquez sa date dans votre profil."
        )
        checks.append(Check("Formation pédagogique initiale suivie", ok, "" if ok else reason))
    else:
        ok = profile.training_completed or profile.training_commitment
        reason = (
            "Indiquez la date de votre formation pédagogique ou engagez-vous à la suivre "
            "(étape « Engagements »)."
        )
        checks.append(
            Check(
                "Formation pédagogique suivie ou engagement à la suivre",
                ok,
                "" if ok else reason,
            )
        )

    if level_rules.available_from and on < level_rules.available_from:
        checks.append(
            Check(
                "Niveau ouvert",
                False,
                f"Ce niveau n'est ouvert qu'à partir du {level_rules.available_from:%d/%m/%Y}.",
            )
        )
    return LevelEligibility(StageLevel(level), checks)


def check_levels(levels, profile, rules, on):
    return [check_level(level, profile, rules, on) for level in levels]
