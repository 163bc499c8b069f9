"""The task queue: Celery on Redis in production, tasks run in-process in the demo
(settings CELERY_*). Start a worker with `celery -A server worker`."""

from __future__ import annotations

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "server.settings")

app = Celery("skolmiljo")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
app.autodiscover_tasks(related_name="plan_tasks")
