"""The acronyms of the domain that a doctor or a secretary may not know, explained in French
wherever they are shown: `|glossary` wraps each one in <abbr title="…"> (the crispy pack applies
it to labels and hints; pages apply it to the tables that name fee supplements and teams)."""

import re

from django.utils.html import conditional_escape, format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

ACRONYMS = {
    "COSCOM": _(
        "contrat de stabilisation et de coordination, contrat de l'Assurance Maladie pour "
        "les zones sous-dotées, clos fin 2025"
    ),
    "PDSA": _("permanence des soins ambulatoires : les gardes de soir, de nuit et de week-end"),
    "ZIP": _("zone d'intervention prioritaire (zonage médical de l'ARS)"),
    "ZAC": _("zone d'action complémentaire (zonage médical de l'ARS)"),
    "QPV": _("quartier prioritaire de la politique de la ville"),
    "RPPS": _("répertoire partagé des professionnels de santé : votre numéro à 11 chiffres"),
    "UPP": _("unité pédagogique de proximité de la faculté"),
    "DUMG": _("département universitaire de médecine générale"),
    "SASPAS": _("stage ambulatoire en soins primaires en autonomie supervisée"),
}

_PATTERN = re.compile(r"\b(" + "|".join(ACRONYMS) + r")\b")


def explain(text):
    """The text, escaped, with each acronym wrapped in an <abbr> giving its meaning."""
    escaped = str(conditional_escape(text))
    # The text is escaped first and the <abbr> built by format_html from our own constants.
    return mark_safe(  # nosec B308 B703
        _PATTERN.sub(
            lambda m: format_html('<abbr title="{}">{}</abbr>', ACRONYMS[m.group(1)], m.group(1)),
            escaped,
        )
    )
