from django.db import migrations


def seed(apps, schema_editor):
    from remuneration.reference import load_fee_rates

    load_fee_rates(apps.get_model("remuneration", "FeeRate"))


class Migration(migrations.Migration):
    dependencies = [("remuneration", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
