"""The French label of every kind of dossier event (`Event.action`): the timeline, the audit
log and its CSV export show these, never the code."""

from django.utils.translation import gettext_lazy as _

LABELS = {
    "create": _("Dossier créé"),
    "submit": _("Dossier transmis"),
    "request_complements": _("Compléments demandés"),
    "resubmit": _("Compléments transmis"),
    "declare_admissible": _("Dossier déclaré recevable"),
    "schedule_visit": _("Visite programmée"),
    "record_visit": _("Rapport de visite enregistré"),
    "send_to_commission": _("Inscrit à l'ordre du jour de la commission"),
    "postpone": _("Ajourné à une prochaine commission"),
    # Before issue 12, one opinion per level, without the members' own: named apart, so that
    # the journal's filter does not offer « Avis de la commission » twice.
    "give_opinion": _("Avis de la commission (saisie unique, avant les avis des membres)"),
    "member_opinion": _("Avis d'un membre de la commission"),
    "change_opinion": _("Avis d'un membre modifié"),
    "commission_opinion": _("Avis de la commission"),
    "attendance": _("Présence relevée"),
    "close_session": _("Séance close"),
    "postpone_level": _("Niveau ajourné à une prochaine séance"),
    "add_to_agenda": _("Niveau ajourné inscrit à l'ordre du jour"),
    "record_decision": _("Décision enregistrée"),
    "record_decisions": _("Décisions enregistrées"),
    "withdraw": _("Dossier retiré"),
    "coordinator_informed": _("Professeur coordonnateur de la spécialité informé de la demande"),
    "coordinator_decision": _("Professeur coordonnateur de la spécialité informé de la décision"),
    "message_posted": _("Message envoyé"),
    "note_added": _("Note interne ajoutée"),
    "piece_downloaded": _("Pièce justificative téléchargée"),
    "attachment_downloaded": _("Pièce jointe d'un message téléchargée"),
    "document_downloaded": _("Document produit par le portail téléchargé"),
    "pieces_purged": _("Pièces supprimées (durée de conservation écoulée)"),
    "withdrawn_purged": _("Données du dossier retiré supprimées (durée de conservation écoulée)"),
    # The MSU's obligations (obligations.ObligationEvent)
    "initial_training_recorded": _("Attestation de formation pédagogique initiale déposée"),
    "continuing_training_recorded": _("Attestation de formation continue déposée"),
    "charter_recorded": _("Charte pédagogique signée déposée"),
    "attestation_downloaded": _("Attestation d'obligation téléchargée"),
    "upp_attendance_recorded": _("Présence à une réunion de l'UPP relevée"),
    "upp_attendance_removed": _("Présence à une réunion de l'UPP retirée"),
    # The agrément after its decision (applications.services.agrements)
    "open_review": _("Réexamen ouvert par le secrétariat"),
    "main_site_changed": _("Changement de lieu d'exercice principal déclaré (réexamen proposé)"),
    "agrement_open_review": _("Agrément mis en réexamen"),
    "agrement_confirm": _("Agrément confirmé à l'issue du réexamen"),
    "agrement_shorten": _("Durée de l'agrément réduite à l'issue du réexamen"),
    "agrement_suspend": _("Agrément suspendu"),
    "agrement_withdraw_agrement": _("Agrément retiré"),
    "agrement_lift_suspension": _("Suspension de l'agrément levée"),
    "agrement_end_suspension": _("Fin de la suspension de l'agrément"),
}

# The events of a dossier that tell the life of one of its agréments (its page lists them).
AGREMENT_EVENTS = {action for action in LABELS if action.startswith("agrement_")} | {
    "main_site_changed"
}

# Lines of the audit log that the dossier's timeline does not show.
AUDIT_ONLY = {
    "attestation_downloaded",
    "message_posted",
    "note_added",
    "piece_downloaded",
    "attachment_downloaded",
    "document_downloaded",
}


def label_of(action):
    return LABELS.get(action) or _("Autre événement")
