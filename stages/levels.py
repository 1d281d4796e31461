"""The stage levels of DOMAIN.md and the rules attached to each (plain data, no database)."""

import datetime
from dataclasses import dataclass

from django.db import models
from django.utils.translation import gettext_lazy as _


class StageLevel(models.TextChoices):
    EXTERNE = "externe", _("2e cycle (externes)")
    NIVEAU_1 = "niveau_1", _("Niveau 1 — stage chez le praticien (phase socle)")
    SASPAS = "saspas", _("SASPAS (niveau 2)")
    DOCTEUR_JUNIOR = "docteur_junior", _("Docteur junior (phase de consolidation)")
    HORS_MG = "hors_mg", _("Stage ambulatoire hors médecine générale")


class Authority(models.TextChoices):
    UFR = "ufr", _("Directeur de l'UFR")
    ARS = "ars", _("Directeur général de l'ARS")


@dataclass(frozen=True)
class LevelRules:
    level: StageLevel
    students: str
    duration: str
    authority: Authority
    # Which faculty setting gives the years of practice required: "externe" or "interne".
    seniority: str
    # None: any specialty; True: general practice only; False: another specialty only.
    general_practice: bool | None
    available_from: datetime.date | None = None

    def open_on(self, day):
        """Whether the level exists on `day` (docteur junior: from 1 November 2026)."""
        return self.available_from is None or self.available_from <= day


RULES = {
    StageLevel.EXTERNE: LevelRules(
        StageLevel.EXTERNE,
        _("externe"),
        _("6 à 8 semaines à temps plein ou 12 à 16 semaines à temps partiel"),
        Authority.UFR,
        "externe",
        None,
    ),
    StageLevel.NIVEAU_1: LevelRules(
        StageLevel.NIVEAU_1,
        _("interne de médecine générale"),
        _("6 mois, 8 à 9 demi-journées par semaine avec le MSU"),
        Authority.ARS,
        "interne",
        True,
    ),
    StageLevel.SASPAS: LevelRules(
        StageLevel.SASPAS,
        _("interne de médecine générale"),
        _("6 mois, consultations seul une ou plusieurs journées par semaine, avec reprise"),
        Authority.ARS,
        "interne",
        True,
    ),
    StageLevel.DOCTEUR_JUNIOR: LevelRules(
        StageLevel.DOCTEUR_JUNIOR,
        _("docteur junior de médecine générale"),
        _("deux semestres de 6 mois"),
        Authority.ARS,
        "interne",
        True,
        available_from=datetime.date(2026, 11, 1),
    ),
    StageLevel.HORS_MG: LevelRules(
        StageLevel.HORS_MG,
        _("interne d'une autre spécialité"),
        _("6 mois"),
        Authority.ARS,
        "interne",
        False,
    ),
}


def rules_for(level):
    return RULES[StageLevel(level)]
