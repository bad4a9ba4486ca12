"""The outbox sweep: relays what a broker or Redis outage at commit left pending.

Tasks import the service they run inside their body (the project's rule: callers import tasks
at module level, so tasks never import their callers at load).
"""

from datetime import timedelta

from celery import shared_task
from django.utils import timezone

# Relayed messages are kept this long for staff to look into, then forgotten.
RELAYED_KEPT = timedelta(days=7)


@shared_task(name="reactions.outbox_sweep", ignore_result=True)
def outbox_sweep_task(**_) -> int:
    from core.outbox import outbox_purge
    from reactions.relay import relay

    relayed = relay()
    outbox_purge(relayed_before=timezone.now() - RELAYED_KEPT)
    return relayed
