"""Audit lines for what changes outside any dossier, wherever it is changed (our pages, the
Django admin, the shell): faculty settings, staff roles, fee rates."""

from django.db.models.signals import post_delete, post_save, pre_save
from django.dispatch import receiver
from django.utils.translation import gettext as _

from accounts.models import FacultySettings, Membership, Organisation
from remuneration.models import FeeRate

from .middleware import actor
from .models import AuditEntry

Kind = AuditEntry.Kind


def record(kind, faculty=None, summary="", by=None):
    return AuditEntry.objects.create(
        kind=kind, faculty=faculty, summary=summary, actor=by if by is not None else actor()
    )


def _faculty_of(organisation):
    if organisation is None:
        return None
    if organisation.kind == Organisation.Kind.FACULTY:
        return organisation
    return organisation.parent  # an UPP's faculty; None for an ARS


def _shown(field, value):
    if value is None or value == "":
        return "—"
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if isinstance(value, bool):
        return _("oui") if value else _("non")
    if hasattr(value, "strftime"):
        return value.strftime("%d/%m/%Y")
    return str(value)


def _changes(instance, before, skip=()):
    """'label : old → new' for each concrete field that changed."""
    lines = []
    for field in instance._meta.concrete_fields:
        if field.primary_key or field.name in skip:
            continue
        old, new = before.get(field.attname), getattr(instance, field.attname)
        if old != new:
            if field.get_internal_type() == "JSONField":
                lines.append(_("%(field)s modifiées") % {"field": field.verbose_name})
            else:
                lines.append(f"{field.verbose_name} : {_shown(field, old)} → {_shown(field, new)}")
    return lines


@receiver(pre_save, sender=FacultySettings)
@receiver(pre_save, sender=Membership)
@receiver(pre_save, sender=FeeRate)
def _remember_before(sender, instance, raw=False, **kwargs):
    instance._audit_before = None
    if not raw and instance.pk is not None:
        instance._audit_before = sender.objects.filter(pk=instance.pk).values().first()


@receiver(post_save, sender=FacultySettings)
def _settings_saved(sender, instance, created, raw=False, **kwargs):
    if raw:
        return
    before = getattr(instance, "_audit_before", None)
    if before is None:  # first save: compare with the defaults the faculty had until now
        before = {
            f.attname: f.get_default() for f in instance._meta.concrete_fields if f.has_default()
        }
    lines = _changes(instance, before, skip={"faculty"})
    if lines:
        record(Kind.SETTINGS_CHANGED, instance.faculty, "\n".join(lines))


def _membership_text(membership):
    return _("%(person)s — %(role)s (%(organisation)s)") % {
        "person": str(membership.user),
        "role": membership.get_role_display(),
        "organisation": membership.organisation,
    }


@receiver(post_save, sender=Membership)
def _membership_saved(sender, instance, created, raw=False, **kwargs):
    if raw:
        return
    faculty = _faculty_of(instance.organisation)
    if created:
        record(Kind.MEMBERSHIP_ADDED, faculty, _membership_text(instance))
        return
    lines = _changes(instance, instance._audit_before or {})
    if lines:
        record(
            Kind.MEMBERSHIP_CHANGED,
            faculty,
            _membership_text(instance) + "\n" + "\n".join(lines),
        )


@receiver(post_delete, sender=Membership)
def _membership_deleted(sender, instance, **kwargs):
    record(Kind.MEMBERSHIP_REMOVED, _faculty_of(instance.organisation), _membership_text(instance))


def _rate_text(rate):
    return str(rate)


@receiver(post_save, sender=FeeRate)
def _rate_saved(sender, instance, created, raw=False, **kwargs):
    if raw:
        return
    if created:
        record(Kind.RATE_ADDED, None, _rate_text(instance))
        return
    lines = _changes(instance, instance._audit_before or {})
    if lines:
        record(Kind.RATE_CHANGED, None, _rate_text(instance) + "\n" + "\n".join(lines))


@receiver(post_delete, sender=FeeRate)
def _rate_deleted(sender, instance, **kwargs):
    record(Kind.RATE_REMOVED, None, _rate_text(instance))
