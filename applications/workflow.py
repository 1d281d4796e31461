"""The dossier's lifecycle as one explicit table, read by the services and the templates.

    TRANSITIONS[state][action] = (target state, roles allowed to take the action)

`doctor` is the dossier's own doctor; the other roles are Membership roles in the dossier's
faculty. Services in applications.services are the only code that changes a status.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

DOCTOR = "doctor"
SECRETARIAT = "secretariat"
VISITOR = "visitor"
COMMISSION = "commission"
FACULTY_ADMIN = "faculty_admin"


class Status(models.TextChoices):
    DRAFT = "draft", _("Brouillon")
    SUBMITTED = "submitted", _("Transmis")
    INCOMPLETE = "incomplete", _("Compléments demandés")
    ADMISSIBLE = "admissible", _("Recevable")
    VISIT_SCHEDULED = "visit_scheduled", _("Visite programmée")
    VISIT_DONE = "visit_done", _("Visite effectuée")
    IN_COMMISSION = "in_commission", _("En commission")
    DECIDED = "decided", _("Décidé")
    WITHDRAWN = "withdrawn", _("Retiré")


class Action(models.TextChoices):
    SUBMIT = "submit", _("Transmettre le dossier")
    REQUEST_COMPLEMENTS = "request_complements", _("Demander des compléments")
    RESUBMIT = "resubmit", _("Transmettre les compléments")
    DECLARE_ADMISSIBLE = "declare_admissible", _("Déclarer le dossier recevable")
    SCHEDULE_VISIT = "schedule_visit", _("Programmer la visite")
    RECORD_VISIT = "record_visit", _("Enregistrer le rapport de visite")
    SEND_TO_COMMISSION = "send_to_commission", _("Inscrire à l'ordre du jour de la commission")
    POSTPONE = "postpone", _("Ajourner à une prochaine commission")
    RECORD_DECISIONS = "record_decisions", _("Enregistrer les décisions")
    WITHDRAW = "withdraw", _("Retirer le dossier")
    OPEN_REVIEW = "open_review", _("Ouvrir le réexamen")


_WITHDRAW = (Status.WITHDRAWN, {DOCTOR})

TRANSITIONS = {
    Status.DRAFT: {
        Action.SUBMIT: (Status.SUBMITTED, {DOCTOR}),
        Action.WITHDRAW: _WITHDRAW,
    },
    Status.SUBMITTED: {
        Action.REQUEST_COMPLEMENTS: (Status.INCOMPLETE, {SECRETARIAT}),
        Action.DECLARE_ADMISSIBLE: (Status.ADMISSIBLE, {SECRETARIAT}),
        Action.WITHDRAW: _WITHDRAW,
    },
    Status.INCOMPLETE: {
        Action.RESUBMIT: (Status.SUBMITTED, {DOCTOR}),
        Action.WITHDRAW: _WITHDRAW,
    },
    Status.ADMISSIBLE: {
        Action.SCHEDULE_VISIT: (Status.VISIT_SCHEDULED, {SECRETARIAT}),
        Action.WITHDRAW: _WITHDRAW,
    },
    Status.VISIT_SCHEDULED: {
        # Planned again: a visit postponed, a date or a visitor to correct.
        Action.SCHEDULE_VISIT: (Status.VISIT_SCHEDULED, {SECRETARIAT}),
        Action.RECORD_VISIT: (Status.VISIT_DONE, {VISITOR}),
        Action.WITHDRAW: _WITHDRAW,
    },
    Status.VISIT_DONE: {
        Action.SEND_TO_COMMISSION: (Status.IN_COMMISSION, {SECRETARIAT}),
        Action.WITHDRAW: _WITHDRAW,
    },
    Status.IN_COMMISSION: {
        # Taken when the session closes (by the secretariat or its president) with every level
        # it examined postponed: back to the next agenda. A postponed level beside levels still
        # to decide leaves the dossier here; only that level goes on the next agenda
        # (services.commission.add_to_agenda, which records an event and changes no status).
        Action.POSTPONE: (Status.VISIT_DONE, {SECRETARIAT, COMMISSION}),
        # Taken with the last level's decision (each level is recorded on its own).
        Action.RECORD_DECISIONS: (Status.DECIDED, {SECRETARIAT}),
        Action.WITHDRAW: _WITHDRAW,
    },
    Status.DECIDED: {},
    Status.WITHDRAWN: {},
}

# A review dossier (Application.Kind.REVIEW) is the secretariat's, not the doctor's: opened
# by the secretariat straight into the instruction (no submission, no complements, no
# withdrawal by the doctor), visited when the cause calls for it (it may go to commission
# without a visit), decided by the authority that granted the agrément (AUTHORITY_ROLES).
REVIEW_TRANSITIONS = {
    Status.DRAFT: {
        Action.OPEN_REVIEW: (Status.ADMISSIBLE, {SECRETARIAT}),
    },
    Status.ADMISSIBLE: {
        Action.SCHEDULE_VISIT: (Status.VISIT_SCHEDULED, {SECRETARIAT}),
        Action.SEND_TO_COMMISSION: (Status.IN_COMMISSION, {SECRETARIAT}),
    },
    Status.VISIT_SCHEDULED: {
        Action.SCHEDULE_VISIT: (Status.VISIT_SCHEDULED, {SECRETARIAT}),
        Action.RECORD_VISIT: (Status.VISIT_DONE, {VISITOR}),
    },
    Status.VISIT_DONE: {
        Action.SEND_TO_COMMISSION: (Status.IN_COMMISSION, {SECRETARIAT}),
    },
    Status.IN_COMMISSION: {
        Action.POSTPONE: (Status.VISIT_DONE, {SECRETARIAT, COMMISSION}),
        # Each level's outcome is checked against the role of its authority (AUTHORITY_ROLES).
        Action.RECORD_DECISIONS: (Status.DECIDED, {SECRETARIAT, FACULTY_ADMIN}),
    },
    Status.DECIDED: {},
    Status.WITHDRAWN: {},
}

TABLES = {"review": REVIEW_TRANSITIONS}

# Who records an act of the authority that granted an agrément (the outcome of its review,
# the lifting of its suspension): the UFR director's acts, by the UFR's own administration
# (its faculty admin) or the DUMG secretariat; the ARS director general's, by the DUMG
# secretariat alone, which receives the ARS's arrêtés (as for the first decisions).
AUTHORITY_ROLES = {
    "ufr": {SECRETARIAT, FACULTY_ADMIN},
    "ars": {SECRETARIAT},
}

# The life of an agrément after its decision: {status: {action: target}}; each action is a
# function of applications.services.agrements, which writes the event.
AGREMENT_TRANSITIONS = {
    "in_force": {"open_review": "under_review"},
    "under_review": {
        "confirm": "in_force",
        "shorten": "in_force",
        "suspend": "suspended",
        "withdraw_agrement": "withdrawn",
    },
    "suspended": {"lift_suspension": "in_force", "end_suspension": "in_force"},
    "withdrawn": {},
}

# A dossier in one of these states is still in progress; a doctor has one at most, because
# the profile and practice sites it shows are the doctor's (shared by all their dossiers).
CLOSED = {Status.DECIDED, Status.WITHDRAWN}
# Sent and not yet decided nor withdrawn.
IN_INSTRUCTION = set(Status) - CLOSED - {Status.DRAFT}

# States in which the doctor may edit the dossier's content.
DOCTOR_EDITABLE = {Status.DRAFT, Status.INCOMPLETE}

# What the doctor reads on their home page: the state in plain French and what comes next.
DOCTOR_NEXT_STEP = {
    Status.DRAFT: _("Complétez les étapes puis transmettez votre dossier."),
    Status.SUBMITTED: _("Le secrétariat du DUMG vérifie que votre dossier est complet."),
    Status.INCOMPLETE: _("Le secrétariat attend des compléments de votre part."),
    Status.ADMISSIBLE: _(
        "Votre dossier est recevable ; une visite de votre lieu de stage va être programmée."
    ),
    Status.VISIT_SCHEDULED: _("Une visite de votre cabinet est programmée."),
    Status.VISIT_DONE: _("La visite a eu lieu ; votre dossier sera présenté à la commission."),
    Status.IN_COMMISSION: _("Votre dossier est examiné par la commission ; la décision suivra."),
    Status.DECIDED: _("Les décisions ont été rendues : voyez vos agréments."),
    Status.WITHDRAWN: _("Vous avez retiré ce dossier."),
}

# The same for a review dossier (the secretariat's, opened on the doctor's agréments).
REVIEW_NEXT_STEP = {
    Status.ADMISSIBLE: _(
        "Le DUMG réexamine votre agrément ; une visite peut être programmée avant la commission."
    ),
    Status.VISIT_SCHEDULED: _("Une visite de votre cabinet est programmée pour le réexamen."),
    Status.VISIT_DONE: _("La visite a eu lieu ; le réexamen sera présenté à la commission."),
    Status.IN_COMMISSION: _("La commission examine votre agrément ; la décision suivra."),
    Status.DECIDED: _("La décision sur votre agrément a été rendue : voyez vos agréments."),
}


def next_step(application):
    """What the doctor reads about the dossier's next step."""
    if application.kind == "review" and application.status in REVIEW_NEXT_STEP:
        return REVIEW_NEXT_STEP[application.status]
    return DOCTOR_NEXT_STEP[application.status]


STATUS_BADGE = {
    Status.DRAFT: "info",
    Status.SUBMITTED: "new",
    Status.INCOMPLETE: "warning",
    Status.DECIDED: "success",
    Status.WITHDRAWN: "error",
}


def table(kind=None):
    """The transition table of a dossier of `kind` (a review has its own)."""
    return TABLES.get(kind, TRANSITIONS)


def target(status, action, kind=None):
    """The state `action` leads to from `status`, or None when the table does not allow it."""
    entry = table(kind).get(Status(status), {}).get(Action(action))
    return entry[0] if entry else None


def allowed_roles(status, action, kind=None):
    entry = table(kind).get(Status(status), {}).get(Action(action))
    return entry[1] if entry else set()


def actions_for(status, roles, kind=None):
    """The actions the table offers, in `status`, to someone holding `roles`."""
    return [
        action
        for action, (_target, allowed) in table(kind).get(Status(status), {}).items()
        if allowed & set(roles)
    ]
