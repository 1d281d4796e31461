from django.db import migrations


class Migration(migrations.Migration):
    """The agrément's suspension takes a name of its own: stages has a placement's Suspension."""

    dependencies = [
        ("applications", "0014_replaced_piece_choices"),
    ]

    operations = [
        migrations.RenameModel(old_name="Suspension", new_name="AgrementSuspension"),
    ]
