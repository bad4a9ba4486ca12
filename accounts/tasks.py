from celery import shared_task
from django.utils import timezone

from accounts.services import refresh_tokens_purge_expired


@shared_task(name="accounts.purge_refresh_tokens", ignore_result=True)
def purge_refresh_tokens_task() -> int:
    return refresh_tokens_purge_expired(now=timezone.now())
