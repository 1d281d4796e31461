"""The specialties other than general practice whose internes may do an ambulatory stage with
an MSU (stage ambulatoire hors médecine générale, seed 003): the list the doctor chooses from,
and for which each faculty records the specialty's coordinating professor."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class OtherSpecialty(models.TextChoices):
    ALLERGOLOGY = "allergologie", _("Allergologie")
    CARDIOLOGY = "cardiologie", _("Cardiologie et maladies vasculaires")
    DERMATOLOGY = "dermatologie", _("Dermatologie et vénéréologie")
    ENDOCRINOLOGY = "endocrinologie", _("Endocrinologie, diabétologie, nutrition")
    GASTROENTEROLOGY = "gastro_enterologie", _("Gastro-entérologie et hépatologie")
    GERIATRICS = "geriatrie", _("Gériatrie")
    GYNAECOLOGY = "gynecologie_medicale", _("Gynécologie médicale")
    OBSTETRICS = "gynecologie_obstetrique", _("Gynécologie obstétrique")
    INTERNAL_MEDICINE = "medecine_interne", _("Médecine interne et immunologie clinique")
    REHABILITATION = "mpr", _("Médecine physique et de réadaptation")
    NEPHROLOGY = "nephrologie", _("Néphrologie")
    NEUROLOGY = "neurologie", _("Neurologie")
    OPHTHALMOLOGY = "ophtalmologie", _("Ophtalmologie")
    ENT = "orl", _("Oto-rhino-laryngologie – chirurgie cervico-faciale")
    PAEDIATRICS = "pediatrie", _("Pédiatrie")
    PULMONOLOGY = "pneumologie", _("Pneumologie")
    PSYCHIATRY = "psychiatrie", _("Psychiatrie")
    RHEUMATOLOGY = "rhumatologie", _("Rhumatologie")
