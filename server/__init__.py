"""The Skolmiljö server. The task queue's app is loaded with Django, so tasks declared with
`shared_task` use it."""

from server.celery import app as celery_app

__all__ = ["celery_app"]
