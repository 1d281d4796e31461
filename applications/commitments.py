"""The doctor's commitments, as the commitments step asks them and the dossier PDF prints them."""

from django.utils.translation import gettext_lazy as _

COMMITMENT_LABELS = {
    "commit_training": _(
        "Je m'engage à suivre la formation pédagogique initiale des maîtres de stage "
        "(si je ne l'ai pas déjà suivie)."
    ),
    "commit_charter": _("Je m'engage à respecter la charte des maîtres de stage des universités."),
    "commit_insurer": _(
        "J'informerai mon assureur en responsabilité civile "
        "professionnelle de l'accueil d'étudiants."
    ),
    "certify_accuracy": _("Je certifie l'exactitude des informations de ce dossier."),
}
