"""Celery entry points of privacy (the task imports its service in its body)."""

from celery import shared_task


@shared_task(name="privacy.data_export_build", ignore_result=True)
def data_export_build_task(*, export_id, **_) -> None:
    from django.utils import timezone

    from privacy.services import data_export_build

    data_export_build(export_id=export_id, now=timezone.now())
