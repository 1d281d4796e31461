"""How many dossiers each faculty holds in each state, kept by PostgreSQL itself.

The queue's tab counts at 100 k dossiers cost a scan of the faculty (60–80 ms); these rows make
them one index lookup. A trigger on the dossier table (migration 0006) adds and subtracts on
every insert, change of state or faculty and delete, whoever writes: the services, a bulk update,
the retention job. On SQLite (the embedded default, small data) nothing keeps them and the queue
counts its rows instead (`selectors.queue.tab_counts`)."""

from django.db import models

from accounts.models import Organisation

from ..workflow import Status


class QueueCount(models.Model):
    faculty = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    status = models.CharField(max_length=20, choices=Status.choices)
    count = models.IntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["faculty", "status"], name="queue_count_unique")
        ]

    def __str__(self):
        return f"{self.faculty_id} {self.status}: {self.count}"


class QueueLevelCount(models.Model):
    """The same counts per requested level: the queue filtered on a level (the most used
    filter) counts its tabs from these rows, not from a join of the faculty's dossiers with
    their levels (60–80 ms at 100 k). Kept by triggers on both tables (migration 0017)."""

    faculty = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    status = models.CharField(max_length=20, choices=Status.choices)
    level = models.CharField(max_length=20)
    count = models.IntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["faculty", "status", "level"], name="queue_level_count_unique"
            )
        ]

    def __str__(self):
        return f"{self.faculty_id} {self.status} {self.level}: {self.count}"
