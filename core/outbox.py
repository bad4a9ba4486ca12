"""The transactional outbox: side effects recorded in the transaction that causes them.

`outbox_publish` writes a message beside the rows a service changes. After the transaction
commits, the message is relayed at once to its consumers; a message that could not be relayed
then (the broker or Redis was down, the process died) stays pending, and the periodic sweep
relays it later. A rolled-back transaction leaves no message, so nobody hears of a change that
did not happen.

Who consumes which topic is not known here: the top of the domain (`reactions`) keeps that
list, and settings.OUTBOX_RELAY names its relay function (wiring, like a URLconf), so this
kernel never imports the apps above it.
"""

import logging
from collections.abc import Callable, Iterable, Mapping
from datetime import datetime, timedelta
from functools import partial

from django.conf import settings
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.module_loading import import_string

from core.models import OutboxMessage

logger = logging.getLogger(__name__)

Consumer = Callable[[dict], None]
# How long a relay holds a message before another relay may take it (and how long a failed
# message waits before it is tried again).
CLAIM_SECONDS = 30
RELAY_BATCH = 200


def outbox_publish(*, topic: str, payload: dict) -> OutboxMessage:
    """Record `topic` with `payload` (ids, JSON) in the caller's transaction; relayed on commit."""
    message = OutboxMessage.objects.create(topic=topic, payload=payload)
    transaction.on_commit(partial(_relay_committed, message.pk), robust=True)
    return message


def _relay_committed(message_id) -> None:
    relay = import_string(settings.OUTBOX_RELAY)
    relay(message_ids=[message_id])


def outbox_relay(
    *,
    consumers: Mapping[str, Iterable[Consumer]],
    now: datetime,
    message_ids: Iterable | None = None,
) -> int:
    """Hand pending messages to their consumers; with `message_ids`, only those.

    Each message is claimed first (a lease, not a row lock: consumers talk to the broker and
    Redis, and no lock is held across a network call), then marked relayed once every consumer
    returned. A consumer that raises leaves the message pending for the sweep; the consumers
    that did run will run again then, so every consumer is idempotent.
    """
    pending = OutboxMessage.objects.filter(relayed_at__isnull=True).filter(
        Q(claimed_until__isnull=True) | Q(claimed_until__lt=now)
    )
    if message_ids is not None:
        pending = pending.filter(pk__in=list(message_ids))
    relayed = 0
    for message in pending.order_by("created_at")[:RELAY_BATCH]:
        if not _claim(message, now=now):
            continue  # another relay took it meanwhile
        try:
            for consumer in consumers.get(message.topic, ()):
                consumer(message.payload)
        except Exception as error:
            logger.exception("relaying outbox message %s (%s)", message.pk, message.topic)
            OutboxMessage.objects.filter(pk=message.pk).update(
                last_error=f"{type(error).__name__}: {error}"[:2000]
            )
            continue
        OutboxMessage.objects.filter(pk=message.pk).update(
            relayed_at=timezone.now(), claimed_until=None
        )
        relayed += 1
    return relayed


def _claim(message: OutboxMessage, *, now: datetime) -> bool:
    return bool(
        OutboxMessage.objects.filter(pk=message.pk, relayed_at__isnull=True)
        .filter(Q(claimed_until__isnull=True) | Q(claimed_until__lt=now))
        .update(claimed_until=now + timedelta(seconds=CLAIM_SECONDS), attempts=F("attempts") + 1)
    )


def outbox_purge(*, relayed_before: datetime) -> int:
    """Forget messages relayed long ago (the order's event log keeps the history)."""
    deleted, _ = OutboxMessage.objects.filter(relayed_at__lt=relayed_before).delete()
    return deleted
