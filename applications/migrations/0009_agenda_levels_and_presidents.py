"""Sessions before issue 12: each agenda item examined all its dossier's levels, and the first
member (by name) presided."""

from django.db import migrations


def forwards(apps, schema_editor):
    AgendaItem = apps.get_model("applications", "AgendaItem")
    RequestedLevel = apps.get_model("applications", "RequestedLevel")
    CommissionSession = apps.get_model("applications", "CommissionSession")
    for item in AgendaItem.objects.all():
        item.levels.set(RequestedLevel.objects.filter(application_id=item.application_id))
    for session in CommissionSession.objects.filter(president__isnull=True):
        first = session.members.order_by("last_name", "first_name", "pk").first()
        if first is not None:
            CommissionSession.objects.filter(pk=session.pk).update(president=first)


class Migration(migrations.Migration):
    dependencies = [("applications", "0008_commission_members_opinions")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
