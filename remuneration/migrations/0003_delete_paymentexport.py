import datetime

from django.db import migrations


def move_to_exports(apps, schema_editor):
    """Payment exports become rows of the shared exports.Export (kind "payments"); their
    files stay where they are."""
    PaymentExport = apps.get_model("remuneration", "PaymentExport")
    Export = apps.get_model("exports", "Export")
    Export.objects.bulk_create(
        Export(
            kind="payments",
            params={"year": old.year},
            faculty_id=old.faculty_id,
            format=old.format,
            state=old.state,
            done=old.done,
            total=old.total,
            file=old.file.name,
            error=old.error,
            requested_by_id=old.requested_by_id,
            requested_at=old.requested_at,
            finished_at=old.finished_at,
            expires_at=old.requested_at + datetime.timedelta(days=7),
        )
        for old in PaymentExport.objects.all()
    )


class Migration(migrations.Migration):
    dependencies = [
        ("exports", "0001_initial"),
        ("remuneration", "0002_seed_fee_rates"),
    ]

    operations = [
        migrations.RunPython(move_to_exports, migrations.RunPython.noop),
        migrations.DeleteModel(name="PaymentExport"),
    ]
