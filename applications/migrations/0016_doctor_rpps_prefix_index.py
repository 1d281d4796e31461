from django.db import migrations

# `rpps LIKE '1001%'` (the queue's search by RPPS prefix) is served by a btree index only with
# a pattern operator class under a non-C collation (PostgreSQL only; SQLite, the embedded
# default, scans).
CREATE = (
    "CREATE INDEX IF NOT EXISTS doctor_rpps_prefix ON applications_doctor "
    "(rpps varchar_pattern_ops)"
)


def rpps_prefix_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def drop_rpps_prefix_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS doctor_rpps_prefix")


class Migration(migrations.Migration):
    dependencies = [("applications", "0015_rename_suspension_agrementsuspension")]

    operations = [migrations.RunPython(rpps_prefix_index, drop_rpps_prefix_index)]
