"""The competent authority's decision per requested level, the agréments it creates, and the
renewal a nearly expired agrément opens."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import FacultySettings
from stages.levels import StageLevel, rules_for

from ..models import Agrement, Application, Decision, Doctor, RequestedLevel
from ..models.agrement import validity_end
from ..selectors.commission import fixed_opinion, level_session
from ..selectors.dossiers import renewable_agrements
from ..workflow import CLOSED, Action, Status
from .common import WorkflowError, check_allowed, check_version, lock, record_event, transition


@transaction.atomic
def record_decision(
    application,
    requested_level,
    by,
    *,
    decided_on,
    reference,
    granted,
    reason="",
    duration_years=None,
    expected_version=None,
):
    """Record what the UFR director or the ARS decided for one level.

    A granted level creates its Agrement. The last level decided closes the dossier.
    """
    locked = lock(application)
    check_version(locked, expected_version)
    if locked.kind == Application.Kind.REVIEW:
        raise WorkflowError(
            _(
                "Un réexamen se conclut par la confirmation, la réduction, la suspension ou le "
                "retrait de l'agrément."
            )
        )
    # Each level's decision is part of the table's "record_decisions" (the last one moves it).
    check_allowed(locked, Action.RECORD_DECISIONS, by)
    requested_level = RequestedLevel.objects.get(pk=requested_level.pk, application=locked)
    if Decision.objects.filter(requested_level=requested_level).exists():
        raise WorkflowError(
            _("La décision pour « %(level)s » est déjà enregistrée.")
            % {"level": requested_level.get_level_display()}
        )
    opinion = fixed_opinion(requested_level)
    if opinion is None:
        raise WorkflowError(
            _("La commission doit avoir rendu son avis (séance close) avant la décision.")
        )
    settings = FacultySettings.for_faculty(locked.faculty)
    errors = []
    meeting_day = timezone.localdate(opinion.session.meets_at)
    if decided_on is None or decided_on > timezone.localdate():
        errors.append(_("La date de la décision ne peut pas être dans le futur."))
    elif decided_on < meeting_day:
        errors.append(
            _("La décision ne peut pas être antérieure à la séance de la commission (le %(date)s).")
            % {"date": f"{meeting_day:%d/%m/%Y}"}
        )
    if not (reference or "").strip():
        errors.append(_("Indiquez la référence de l'arrêté ou de la décision."))
    if not granted and not (reason or "").strip():
        errors.append(_("Un refus doit être motivé."))
    years = duration_years or settings.agrement_duration_years
    if granted and not 1 <= years <= settings.agrement_duration_years:
        errors.append(
            _("La durée de l'agrément va de 1 à %(max)d ans dans votre faculté.")
            % {"max": settings.agrement_duration_years}
        )
    if errors:
        raise WorkflowError(*errors)
    authority = rules_for(requested_level.level).authority
    decision = Decision.objects.create(
        requested_level=requested_level,
        authority=authority,
        decided_on=decided_on,
        reference=reference.strip(),
        outcome=Decision.Outcome.GRANTED if granted else Decision.Outcome.REFUSED,
        reason=(reason or "").strip(),
        recorded_by=by,
    )
    if granted:
        Agrement.objects.create(
            doctor_id=locked.doctor_id,
            application=locked,
            decision=decision,
            level=requested_level.level,
            authority=authority,
            reference=decision.reference,
            valid_from=decided_on,
            valid_until=validity_end(decided_on, years),
        )
    from .documents import request_decision_letter

    request_decision_letter(decision)
    if requested_level.level == StageLevel.HORS_MG:
        from ..emails import notices
        from .candidature import coordinator_line

        coordinator = notices.coordinator_decision(decision.pk)
        if coordinator is not None:
            record_event(locked, by, "coordinator_decision", coordinator_line(coordinator))
    summary = _("%(level)s : %(outcome)s — %(authority)s, le %(date)s (%(reference)s)") % {
        "level": requested_level.get_level_display(),
        "outcome": decision.get_outcome_display().lower(),
        "authority": decision.get_authority_display(),
        "date": decided_on.strftime("%d/%m/%Y"),
        "reference": decision.reference,
    }
    undecided = locked.requested_levels.filter(decision__isnull=True).exists()
    if undecided:
        record_event(locked, by, "record_decision", summary)
        locked.version += 1  # the page that showed this level as undecided is now stale
        locked.save(update_fields=["version", "updated_at"])
    else:
        transition(locked, Action.RECORD_DECISIONS, by, summary)
        from ..emails import notices
        from .documents import request_dossier_pdf

        notices.decision_notification(locked.pk)
        request_dossier_pdf(locked)  # the file kept is the decided dossier's, with its history
    return decision


@transaction.atomic
def record_session_decisions(session, by, *, decided_on, reference, lines):
    """The authority's decisions for a whole session at once: one date and one reference (an
    ARS decision usually covers a list), one line per level — (requested level, granted or
    not, reason, duration in years), or granted None to leave a level for later. Each line
    goes through record_decision, so agréments, letters and the one e-mail per doctor (sent
    with their dossier's last level) are those of a single decision. All lines or none."""
    lines = [line for line in lines if line[1] is not None]
    if not lines:
        raise WorkflowError(_("Choisissez au moins une décision à enregistrer."))
    errors, decisions = [], []
    for requested_level, granted, reason, years in lines:
        application = requested_level.application
        if level_session(requested_level) != session:
            errors.append(
                _("%(reference)s (%(level)s) n'a pas été examiné par cette séance.")
                % {"reference": application.reference, "level": requested_level.get_level_display()}
            )
            continue
        try:
            with transaction.atomic():
                decisions.append(
                    record_decision(
                        application,
                        requested_level,
                        by,
                        decided_on=decided_on,
                        reference=reference,
                        granted=granted,
                        reason=reason,
                        duration_years=years,
                    )
                )
        except WorkflowError as error:
            for message in error.messages:
                line = f"{application.reference} ({requested_level.get_level_display()}) : "
                if message not in errors and not any(e.endswith(message) for e in errors):
                    errors.append(line + message)
    if errors:
        raise WorkflowError(*errors)
    return decisions


@transaction.atomic
def start_renewal(doctor, by, today=None):
    """A renewal dossier prefilled from the last decided one, asking again for the levels whose
    agrément ends within six months (and for the pedagogical activity report)."""
    Doctor.objects.select_for_update().get(pk=doctor.pk)
    if doctor.user_id != by.pk:
        raise WorkflowError(_("Seul le médecin titulaire peut renouveler ses agréments."))
    expiring = renewable_agrements(doctor, today)
    if not expiring:
        raise WorkflowError(
            _("Le renouvellement s'ouvre six mois avant la fin de validité de l'agrément.")
        )
    current = (
        Application.objects.filter(doctor=doctor)
        .exclude(status__in=CLOSED)
        .exclude(kind=Application.Kind.REVIEW)
        .first()
    )
    if current:
        if current.kind == Application.Kind.RENEWAL:
            return current
        raise WorkflowError(
            _("Votre dossier %(reference)s est en cours : terminez-le ou retirez-le d'abord.")
            % {"reference": current.reference}
        )
    last = expiring[0].application
    renewal = Application.objects.create(
        doctor=doctor,
        faculty=last.faculty,
        kind=Application.Kind.RENEWAL,
        **{
            name: getattr(last, name)
            for name in [
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
        },
    )
    RequestedLevel.objects.bulk_create(
        RequestedLevel(application=renewal, level=level)
        for level in sorted({a.level for a in expiring})
    )
    record_event(
        renewal,
        by,
        "create",
        _("Renouvellement du dossier %(reference)s") % {"reference": last.reference},
        to_status=Status.DRAFT,
    )
    return renewal
