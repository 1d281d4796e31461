"""The agrément after its decision: the doctor's change of main practice site (which proposes a
review), the review the secretariat opens (a dossier of its own kind that runs through the
visit, the commission and the decision), its outcome per agrément (confirmed, shortened,
suspended, withdrawn) recorded for the authority that granted it, the lifting of a suspension
and the end of those that reach their date.

Every change of an agrément goes through `_move`, which follows workflow.AGREMENT_TRANSITIONS
and writes an event on the agrément's own dossier (the doctor's timeline shows it)."""

import datetime

from django.db import transaction
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import Membership

from ..models import (
    Agrement,
    AgrementSuspension,
    Application,
    Decision,
    Doctor,
    PracticeSite,
    Reexamination,
    RequestedLevel,
)
from ..models.agrement import REVIEW_OUTCOMES
from ..selectors.agrements import holds_agrement_in_force
from ..selectors.commission import fixed_opinion
from ..selectors.roles import actor_roles
from ..workflow import AUTHORITY_ROLES, IN_INSTRUCTION, Action
from .common import WorkflowError, check_allowed, check_version, lock, record_event, transition
from .lifecycle import _lock_agrements, _move, current_suspension

__all__ = [
    "NO_AGREMENT_IN_FORCE",
    "change_main_site",
    "lift_suspension",
    "open_review",
    "record_review_decision",
]

# Fields of the teaching environment a review dossier copies from the agrément's dossier.
ENVIRONMENT = [
    "practice_description",
    "patient_mix",
    "coordination",
    "student_room",
    "student_computer",
    "supervision_time",
    "max_students",
    "pdsa",
    "co_msus",
]

OUTCOME_ACTIONS = {
    Decision.Outcome.CONFIRMED: "confirm",
    Decision.Outcome.SHORTENED: "shorten",
    Decision.Outcome.SUSPENDED: "suspend",
    Decision.Outcome.WITHDRAWN: "withdraw_agrement",
}


def _date(value):
    return formats.date_format(value, "SHORT_DATE_FORMAT")


def _notices():
    from ..emails import notices

    return notices


def _label(agrement):
    return str(agrement.get_level_display())


def require_authority(agrement, roles):
    """Refuse unless `roles` (the actor's on the agrément's dossier) may record an act of the
    authority that granted the agrément."""
    if not roles & AUTHORITY_ROLES[agrement.authority]:
        raise WorkflowError(
            _(
                "L'agrément « %(level)s » a été accordé par le %(authority)s : ses actes sont "
                "enregistrés par le secrétariat du DUMG%(admin)s."
            )
            % {
                "level": _label(agrement),
                "authority": str(agrement.get_authority_display()).lower(),
                "admin": _(" ou l'administration de l'UFR")
                if "faculty_admin" in AUTHORITY_ROLES[agrement.authority]
                else "",
            }
        )


# --- The change of main site ----------------------------------------------------------------


NO_AGREMENT_IN_FORCE = gettext_lazy(
    "Sans agrément en vigueur, vos lieux d'exercice se déclarent dans votre dossier de "
    "candidature ; une fois celui-ci transmis, écrivez au secrétariat du DUMG depuis le dossier."
)


@transaction.atomic
def change_main_site(doctor, by, site, since, today=None):
    """The doctor now practises mainly at `site` (an unsaved PracticeSite of theirs) from
    `since`: it becomes their main site, and each agrément in force is proposed for review to
    the secretariat of the faculty that granted it."""
    today = today or timezone.localdate()
    doctor = Doctor.objects.select_for_update().get(pk=doctor.pk)
    if doctor.user_id != by.pk:
        raise WorkflowError(_("Seul le médecin déclare ses propres lieux d'exercice."))
    if since is None or since > today + datetime.timedelta(days=365):
        raise WorkflowError(_("Indiquez depuis quand (au plus tard dans un an) vous y exercez."))
    if not holds_agrement_in_force(doctor, today):
        # The page speaks of the agréments it proposes for review: without one, the sites are
        # declared in the candidature, and a dossier transmitted is the secretariat's to amend.
        raise WorkflowError(str(NO_AGREMENT_IN_FORCE))
    if doctor.sites.count() >= 5:
        raise WorkflowError(
            _("Vous avez déjà cinq lieux d'exercice : retirez-en un dans votre dossier d'abord.")
        )
    PracticeSite.objects.filter(doctor=doctor).update(is_main=False)
    site.doctor = doctor
    site.is_main = True
    site.save()
    proposal = _("Nouveau lieu d'exercice principal : %(site)s, depuis le %(since)s") % {
        "site": f"{site.display_name}, {site.postal_code} {site.commune}",
        "since": _date(since),
    }
    agrements = _lock_agrements(
        Agrement.objects.filter(
            doctor=doctor, status=Agrement.Status.IN_FORCE, valid_until__gte=today
        ).values("pk")
    )
    now = timezone.now()
    for agrement in agrements:
        agrement.review_proposed_at = now
        agrement.review_proposal = proposal[:300]
        agrement.save(update_fields=["review_proposed_at", "review_proposal"])
    # The history of each dossier the change concerns: those of the agréments, and those in
    # instruction (a renewal's), whose sites are the doctor's and have just changed.
    concerned = {a.application_id: a.application for a in agrements}
    for application in Application.objects.filter(doctor=doctor, status__in=IN_INSTRUCTION):
        concerned.setdefault(application.pk, application)
    for application_id in sorted(concerned):
        record_event(concerned[application_id], by, "main_site_changed", proposal, now=now)
    if agrements:
        _notices().review_proposed([a.pk for a in agrements])
    return agrements


# --- Opening a review -----------------------------------------------------------------------


@transaction.atomic
def open_review(agrements, by, cause, comment="", today=None):
    """The secretariat re-examines agréments of one doctor (for its own faculty) for `cause`:
    a review dossier, straight into the instruction, one level per agrément. The doctor is
    told by e-mail and in their notifications."""
    today = today or timezone.localdate()
    agrements = _lock_agrements([a.pk for a in agrements])
    if not agrements:
        raise WorkflowError(_("Choisissez au moins un agrément à réexaminer."))
    first = agrements[0]
    faculty_id = first.application.faculty_id
    if not Membership.objects.filter(
        user=by, organisation_id=faculty_id, role=Membership.Role.SECRETARIAT
    ).exists():
        raise WorkflowError(_("Seul le secrétariat du DUMG de la faculté ouvre un réexamen."))
    errors = []
    if any(
        a.doctor_id != first.doctor_id or a.application.faculty_id != faculty_id for a in agrements
    ):
        errors.append(_("Un réexamen porte sur les agréments d'un seul médecin, d'une faculté."))
    if cause not in Reexamination.Cause.values:
        errors.append(_("Choisissez le motif du réexamen."))
    if cause == Reexamination.Cause.OTHER and not (comment or "").strip():
        errors.append(_("Précisez le motif du réexamen dans le commentaire."))
    levels = [a.level for a in agrements]
    if len(set(levels)) != len(levels):
        errors.append(_("Un même niveau ne peut être réexaminé deux fois dans un réexamen."))
    for agrement in agrements:
        if agrement.status != Agrement.Status.IN_FORCE:
            errors.append(
                _("L'agrément « %(level)s » est « %(status)s » : il ne peut être réexaminé.")
                % {"level": _label(agrement), "status": agrement.get_status_display()}
            )
        elif agrement.valid_until < today:
            errors.append(
                _("L'agrément « %(level)s » a pris fin le %(date)s.")
                % {"level": _label(agrement), "date": _date(agrement.valid_until)}
            )
    if errors:
        raise WorkflowError(*errors)
    source = first.application
    review = Application.objects.create(
        doctor_id=first.doctor_id,
        faculty_id=faculty_id,
        kind=Application.Kind.REVIEW,
        **{name: getattr(source, name) for name in ENVIRONMENT},
    )
    RequestedLevel.objects.bulk_create(
        RequestedLevel(application=review, level=a.level, reviewed_agrement=a) for a in agrements
    )
    reexamination = Reexamination.objects.create(
        application=review, cause=cause, comment=(comment or "").strip(), opened_by=by
    )
    summary = str(reexamination.get_cause_display())
    if reexamination.comment:
        summary = f"{summary} — {reexamination.comment}"
    record_event(
        review,
        by,
        "create",
        _("Réexamen des agréments du dossier %(reference)s") % {"reference": source.reference},
    )
    transition(review, Action.OPEN_REVIEW, by, summary)
    now = timezone.now()
    for agrement in agrements:
        agrement.review_proposed_at = None
        agrement.review_proposal = ""
        _move(
            agrement,
            "open_review",
            by,
            _("%(level)s : réexamen %(reference)s — %(cause)s")
            % {"level": _label(agrement), "reference": review.reference, "cause": summary},
            now,
        )
    _notices().review_opened(review.pk)
    return review


# --- The outcome of a review ----------------------------------------------------------------


def _outcome_problems(agrement, outcome, decided_on, effective_on, until):
    """The dates of an outcome, in order (French sentences)."""
    errors = []
    end = agrement.valid_until
    if outcome == Decision.Outcome.SHORTENED:
        if until is None:
            errors.append(_("Indiquez la nouvelle fin de validité de l'agrément."))
        elif until >= end:
            errors.append(
                _("La nouvelle fin de validité doit précéder l'actuelle (le %(date)s).")
                % {"date": _date(end)}
            )
        elif until < decided_on:
            errors.append(_("La nouvelle fin de validité ne peut précéder la décision."))
    if outcome in (Decision.Outcome.SUSPENDED, Decision.Outcome.WITHDRAWN):
        if effective_on < decided_on:
            errors.append(_("La date d'effet ne peut précéder la décision."))
        if effective_on > end:
            errors.append(
                _(
                    "La date d'effet doit tomber avant la fin de validité de l'agrément "
                    "(le %(date)s)."
                )
                % {"date": _date(end)}
            )
    if outcome == Decision.Outcome.SUSPENDED and until is not None:
        if until < effective_on:
            errors.append(_("La fin de la suspension ne peut précéder son début."))
        elif until >= end:
            errors.append(
                _(
                    "La suspension ne peut durer jusqu'à la fin de validité de l'agrément (le "
                    "%(date)s) : c'est alors un retrait."
                )
                % {"date": _date(end)}
            )
    return errors


def _outcome_summary(agrement, decision, previous_end):
    values = {
        "level": _label(agrement),
        "authority": decision.get_authority_display(),
        "date": _date(decision.decided_on),
        "reference": decision.reference,
    }
    outcome = decision.outcome
    if outcome == Decision.Outcome.CONFIRMED:
        text = _("%(level)s : agrément confirmé jusqu'au %(end)s") % {
            **values,
            "end": _date(agrement.valid_until),
        }
    elif outcome == Decision.Outcome.SHORTENED:
        text = _("%(level)s : agrément maintenu jusqu'au %(end)s (au lieu du %(previous)s)") % {
            **values,
            "end": _date(agrement.valid_until),
            "previous": _date(previous_end),
        }
    elif outcome == Decision.Outcome.SUSPENDED:
        if decision.until:
            text = _("%(level)s : agrément suspendu du %(start)s au %(end)s") % {
                **values,
                "start": _date(decision.effective_on),
                "end": _date(decision.until),
            }
        else:
            text = _("%(level)s : agrément suspendu à compter du %(start)s, jusqu'à sa levée") % {
                **values,
                "start": _date(decision.effective_on),
            }
    else:
        text = _("%(level)s : agrément retiré à compter du %(start)s") % {
            **values,
            "start": _date(decision.effective_on),
        }
    return _("%(text)s — %(authority)s, le %(date)s (%(reference)s)") % {"text": text, **values}


@transaction.atomic
def record_review_decision(
    application,
    requested_level,
    by,
    *,
    decided_on,
    reference,
    outcome,
    reason="",
    effective_on=None,
    until=None,
    expected_version=None,
):
    """What the authority that granted the agrément decided at the end of its review: confirmed,
    shortened (to `until`), suspended (from `effective_on`, until `until` or its lifting) or
    withdrawn (from `effective_on`). The last level decided closes the review dossier."""
    locked = lock(application)
    check_version(locked, expected_version)
    if locked.kind != Application.Kind.REVIEW:
        raise WorkflowError(_("Ce dossier n'est pas un réexamen d'agrément."))
    check_allowed(locked, Action.RECORD_DECISIONS, by)
    requested_level = RequestedLevel.objects.get(pk=requested_level.pk, application=locked)
    agrement = _lock_agrements([requested_level.reviewed_agrement_id])[0]
    require_authority(agrement, actor_roles(locked, by))
    if Decision.objects.filter(requested_level=requested_level).exists():
        raise WorkflowError(
            _("La décision pour « %(level)s » est déjà enregistrée.") % {"level": _label(agrement)}
        )
    opinion = fixed_opinion(requested_level)
    if opinion is None:
        raise WorkflowError(
            _("La commission doit avoir rendu son avis (séance close) avant la décision.")
        )
    errors = []
    if outcome not in REVIEW_OUTCOMES:
        errors.append(_("Choisissez l'issue du réexamen."))
    meeting_day = timezone.localdate(opinion.session.meets_at)
    if decided_on is None or decided_on > timezone.localdate():
        errors.append(_("La date de la décision ne peut pas être dans le futur."))
    elif decided_on < meeting_day:
        errors.append(
            _("La décision ne peut pas être antérieure à la séance de la commission (le %(date)s).")
            % {"date": _date(meeting_day)}
        )
    if not (reference or "").strip():
        errors.append(_("Indiquez la référence de l'arrêté ou de la décision."))
    if outcome != Decision.Outcome.CONFIRMED and not (reason or "").strip():
        errors.append(_("Une décision qui réduit, suspend ou retire l'agrément doit être motivée."))
    if outcome in (Decision.Outcome.SUSPENDED, Decision.Outcome.WITHDRAWN):
        effective_on = effective_on or decided_on
    else:
        effective_on = None
    if outcome == Decision.Outcome.WITHDRAWN or outcome == Decision.Outcome.CONFIRMED:
        until = None
    if not errors:
        errors = _outcome_problems(agrement, outcome, decided_on, effective_on, until)
    if errors:
        raise WorkflowError(*errors)
    decision = Decision.objects.create(
        requested_level=requested_level,
        authority=agrement.authority,
        decided_on=decided_on,
        reference=reference.strip(),
        outcome=outcome,
        reason=(reason or "").strip(),
        effective_on=effective_on,
        until=until,
        recorded_by=by,
    )
    previous_end = agrement.valid_until
    if outcome == Decision.Outcome.SHORTENED:
        agrement.valid_until = until
    elif outcome == Decision.Outcome.SUSPENDED:
        AgrementSuspension.objects.create(
            agrement=agrement, decision=decision, starts_on=effective_on, ends_on=until
        )
    elif outcome == Decision.Outcome.WITHDRAWN:
        agrement.withdrawn_on = effective_on
    summary = _outcome_summary(agrement, decision, previous_end)
    _move(agrement, OUTCOME_ACTIONS[outcome], by, summary)
    from .documents import request_decision_letter

    request_decision_letter(decision)
    if locked.requested_levels.filter(decision__isnull=True).exists():
        record_event(locked, by, "record_decision", summary)
        locked.version += 1
        locked.save(update_fields=["version", "updated_at"])
    else:
        transition(locked, Action.RECORD_DECISIONS, by, summary)
        _notices().decision_notification(locked.pk)
    return decision


# --- The end of a suspension ----------------------------------------------------------------


@transaction.atomic
def lift_suspension(agrement, by, *, lifted_on, reference, reason="", today=None):
    """The authority lifts a suspension: the agrément counts again from `lifted_on`."""
    today = today or timezone.localdate()
    agrement = _lock_agrements([agrement.pk])[0]
    roles = actor_roles(agrement.application, by)
    if not roles & {"secretariat", "faculty_admin"}:
        raise WorkflowError(
            _("Vous n'avez pas le droit d'effectuer cette action sur cet agrément.")
        )
    require_authority(agrement, roles)
    if agrement.status != Agrement.Status.SUSPENDED:
        raise WorkflowError(
            _("L'agrément « %(level)s » n'est pas suspendu.") % {"level": _label(agrement)}
        )
    suspension = current_suspension(agrement)
    errors = []
    if lifted_on is None or lifted_on > today:
        errors.append(_("La date de la levée ne peut pas être dans le futur."))
    elif lifted_on < suspension.starts_on:
        errors.append(
            _("La levée ne peut précéder le début de la suspension (le %(date)s).")
            % {"date": _date(suspension.starts_on)}
        )
    elif suspension.decision and lifted_on < suspension.decision.decided_on:
        errors.append(_("La levée ne peut précéder la décision de suspension."))
    if not (reference or "").strip():
        errors.append(_("Indiquez la référence de l'acte qui lève la suspension."))
    if errors:
        raise WorkflowError(*errors)
    suspension.lifted_on = lifted_on
    suspension.lift_reference = reference.strip()
    suspension.lift_reason = (reason or "").strip()
    suspension.lifted_by = by
    suspension.save()
    comment = _("%(level)s : suspension levée à compter du %(date)s (%(reference)s)") % {
        "level": _label(agrement),
        "date": _date(lifted_on),
        "reference": suspension.lift_reference,
    }
    if suspension.lift_reason:
        comment = f"{comment} — {suspension.lift_reason}"
    _move(agrement, "lift_suspension", by, comment)
    from .documents import request_lift_letter

    request_lift_letter(suspension)
    _notices().suspension_lifted(agrement.pk, suspension.pk)
    return suspension
