"""Where SMS and push messages go: a provider over HTTP, or the log provider by default.

Every send carries an idempotency key (the NotificationSend id): a worker that dies after
sending but before recording it sends again with the same key, and the provider keeps one.
"""

import json
import logging
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class OutgoingMessage:
    idempotency_key: str
    channel: str
    to: str
    title: str
    body: str


class ProviderError(Exception):
    """The provider did not take the message; the send is retried."""


class LogProvider:
    """Records exactly what would be sent: in the log and, with NOTIFY_LOG_OUTBOX, one JSON
    line per message in that file, once per idempotency key."""

    def send(self, message: OutgoingMessage) -> None:
        # A test-only pause, so a test can kill a worker in the middle of a send.
        if settings.NOTIFY_TEST_SEND_DELAY_SECONDS:
            time.sleep(settings.NOTIFY_TEST_SEND_DELAY_SECONDS)
        logger.info("would send %s to %s: %s", message.channel, message.to, message.body)
        if not settings.NOTIFY_LOG_OUTBOX:
            return
        outbox = Path(settings.NOTIFY_LOG_OUTBOX)
        if outbox.exists() and any(
            json.loads(line)["idempotency_key"] == message.idempotency_key
            for line in outbox.read_text().splitlines()
            if line.strip()
        ):
            return
        with outbox.open("a") as file:
            file.write(json.dumps(message.__dict__) + "\n")


class HttpProvider:
    """POSTs the message as JSON with a bearer token and an Idempotency-Key header."""

    def __init__(self, url: str):
        self.url = url

    def send(self, message: OutgoingMessage) -> None:
        request = urllib.request.Request(  # noqa: S310 - the URL comes from our settings
            self.url,
            data=json.dumps(
                {"to": message.to, "title": message.title, "body": message.body}
            ).encode(),
            method="POST",
            headers={
                "Content-Type": "application/json",
                "Authorization": f"Bearer {settings.NOTIFY_PROVIDER_TOKEN}",
                "Idempotency-Key": message.idempotency_key,
            },
        )
        try:
            with urllib.request.urlopen(  # noqa: S310
                request, timeout=settings.NOTIFY_PROVIDER_TIMEOUT_SECONDS
            ) as response:
                if response.status >= 300:
                    raise ProviderError(f"provider answered {response.status}")
        except OSError as error:
            raise ProviderError(str(error)) from error


def provider_for(channel: str):
    url = {"SMS": settings.NOTIFY_SMS_URL, "PUSH": settings.NOTIFY_PUSH_URL}.get(channel, "")
    return HttpProvider(url) if url else LogProvider()
