"""Celery application. Tasks live in each app's tasks.py and only take ids."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "msu_portal.settings")

app = Celery("msu_portal")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
