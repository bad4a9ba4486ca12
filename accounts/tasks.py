"""Celery entry points of accounts (the task imports its service in its body: the project's
rule, see orders/tasks.py)."""

from celery import shared_task
from django.utils import timezone


@shared_task(name="accounts.purge_refresh_tokens", ignore_result=True)
def purge_refresh_tokens_task(**_) -> int:
    from accounts.services import account_secrets_purge_expired, refresh_tokens_purge_expired

    now = timezone.now()
    return refresh_tokens_purge_expired(now=now) + account_secrets_purge_expired(now=now)
