"""Audit lines cannot be changed or deleted: by the model everywhere, and on PostgreSQL by a
trigger that a queryset's update()/delete() or raw SQL cannot go around."""

import pytest
from django.db import DatabaseError, connection, transaction

from applications.models import Event
from audit.models import AuditEntry
from tests.factories import ApplicationFactory, FacultyFactory, UserFactory

pytestmark = pytest.mark.django_db

postgres_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the trigger exists on PostgreSQL only"
)


@pytest.fixture
def event():
    application = ApplicationFactory()
    return Event.objects.create(
        application=application, actor=application.doctor.user, action="create"
    )


@pytest.fixture
def entry():
    return AuditEntry.objects.create(
        faculty=FacultyFactory(), kind=AuditEntry.Kind.SETTINGS_CHANGED, summary="A : 1 → 2"
    )


def refused():
    return pytest.raises(DatabaseError, match="Cannot (update|delete) rows")


def test_the_models_refuse_a_second_save_and_a_delete(event, entry):
    for line in (event, entry):
        with pytest.raises(ValueError, match="immutable"):
            line.save()
        with pytest.raises(ValueError, match="immutable"):
            line.delete()


@postgres_only
@pytest.mark.parametrize("model, field", [(Event, "comment"), (AuditEntry, "summary")])
def test_a_bulk_update_or_delete_is_refused_by_the_database(model, field, event, entry):
    line = event if model is Event else entry
    with refused(), transaction.atomic():
        model.objects.filter(pk=line.pk).update(**{field: "réécrit"})
    with refused(), transaction.atomic():
        model.objects.filter(pk=line.pk).delete()
    with refused(), transaction.atomic():
        model.objects.filter(pk=line.pk).update(created_at=line.created_at.replace(year=2000))
    line = model.objects.get(pk=line.pk)
    assert getattr(line, field) != "réécrit" and line.created_at.year != 2000


@postgres_only
@pytest.mark.parametrize("table", ["applications_event", "audit_auditentry"])
def test_raw_sql_is_refused_too(table, event, entry):
    line = event if table == "applications_event" else entry
    with refused(), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {table} WHERE id = %s", [line.pk])  # noqa: S608
    with refused(), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"UPDATE {table} SET created_at = now() WHERE id = %s", [line.pk])  # noqa: S608
    assert type(line).objects.filter(pk=line.pk).exists()


@postgres_only
def test_only_anonymising_the_actor_goes_through(event):
    """Deleting an account sets the actor of its lines to NULL: the lines stay, anonymised."""
    someone = UserFactory()
    with refused(), transaction.atomic():
        Event.objects.filter(pk=event.pk).update(actor=someone)  # no re-attribution
    author = event.actor
    Event.objects.filter(pk=event.pk).update(actor=None)
    assert Event.objects.get(pk=event.pk).actor is None and author is not None
