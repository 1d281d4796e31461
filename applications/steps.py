"""The steps of the doctor's dossier form, in order.

Where a resumed draft lands is selectors.first_unfinished_step (from the same checks as the
review), so the two cannot disagree.
"""

from dataclasses import dataclass

from django.urls import reverse
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Step:
    slug: str
    title: object  # a lazy translation


STEPS = [
    Step("profil", _("Votre profil")),
    Step("exercice", _("Exercice et environnement pédagogique")),
    Step("niveaux", _("Niveaux de stage demandés")),
    Step("pieces", _("Pièces justificatives")),
    Step("engagements", _("Engagements")),
    Step("recapitulatif", _("Récapitulatif et transmission")),
]
SLUGS = [step.slug for step in STEPS]


def index_of(slug):
    return SLUGS.index(slug)


def step_url(application, slug):
    return reverse("applications:step", args=[application.pk, slug])


def stepper(application, slug):
    """Context for the DSFR stepper and the step list."""
    index = index_of(slug)
    return {
        "current_step_id": index + 1,
        "total_steps": len(STEPS),
        "current_step_title": STEPS[index].title,
        "next_step_title": STEPS[index + 1].title if index + 1 < len(STEPS) else "",
        "previous_url": step_url(application, SLUGS[index - 1]) if index else "",
        "links": [
            {
                "title": step.title,
                "url": step_url(application, step.slug),
                "current": step.slug == slug,
                "number": n,
            }
            for n, step in enumerate(STEPS, start=1)
        ],
    }
