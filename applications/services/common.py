"""What every business action shares: the refusal, the actor's roles, the row lock and the one
function that changes a dossier's status."""

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ..models import Application, Event
from ..selectors.roles import actor_roles
from ..workflow import Status, allowed_roles, target


class WorkflowError(Exception):
    """An action refused; `messages` are French sentences shown as they are."""

    def __init__(self, *messages):
        super().__init__(" ".join(messages))
        self.messages = list(messages)


STALE = gettext_lazy(
    "Le dossier a été modifié par quelqu'un d'autre pendant que vous le consultiez : "
    "rien n'a été enregistré. Rechargez la page pour voir son état actuel."
)


def require_roles(application, user, roles, message=None):
    if not (set(roles) & actor_roles(application, user)):
        raise WorkflowError(
            message or _("Vous n'avez pas le droit d'effectuer cette action sur ce dossier.")
        )


def lock(application):
    # of=("self",): lock the dossier row only; PostgreSQL refuses FOR UPDATE on the nullable
    # side of the outer join to the faculty.
    return (
        Application.objects.select_for_update(of=("self",))
        .select_related("doctor__user", "faculty")
        .get(pk=application.pk)
    )


def check_version(locked, expected_version):
    """Refuse an action prepared on a page showing an older state of the dossier."""
    if expected_version is not None and int(expected_version) != locked.version:
        raise WorkflowError(str(STALE))


def record_event(
    application,
    by,
    action,
    comment="",
    from_status="",
    to_status="",
    now=None,
    *,
    session=None,
    internal=False,
):
    """A line of the dossier's timeline (`application`), of the session's (`session`), or of
    both. `internal`: never shown to the doctor (opinions, attendance)."""
    return Event.objects.create(
        application=application,
        session=session,
        internal=internal,
        actor=by,
        action=action,
        from_status=from_status,
        to_status=to_status,
        comment=comment,
        created_at=now or timezone.now(),
    )


def not_in_this_state(status):
    """The sentence for an action the table does not offer in `status`."""
    return _("Action impossible : le dossier est « %(status)s ».") % {
        "status": Status(status).label
    }


def check_allowed(application, action, by):
    """Raise unless the table lets `by` take `action` on the dossier in its current state."""
    kind = application.kind
    if target(application.status, action, kind) is None:
        raise WorkflowError(not_in_this_state(application.status))
    if not (allowed_roles(application.status, action, kind) & actor_roles(application, by)):
        raise WorkflowError(_("Vous n'avez pas le droit d'effectuer cette action sur ce dossier."))


def transition(application, action, by, comment="", expected_version=None):
    """Move a locked dossier along the table; raise WorkflowError when the table says no.

    The only code in the portal that writes Application.status.
    """
    check_version(application, expected_version)
    check_allowed(application, action, by)
    new_status = target(application.status, action, application.kind)
    old_status = application.status
    now = timezone.now()
    application.status = new_status
    application.status_changed_at = now
    application.version += 1
    fields = ["status", "status_changed_at", "version", "updated_at"]
    if new_status == Status.SUBMITTED and old_status == Status.DRAFT:
        application.submitted_at = now
        fields.append("submitted_at")
    application.save(update_fields=fields)
    record_event(application, by, action, comment, old_status, new_status, now)
    return application
