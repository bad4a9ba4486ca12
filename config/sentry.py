"""Error reports to Sentry, on only when SENTRY_DSN is set (settings calls `sentry_init`).

Django (requests, signals, the ORM), Celery (task failures, with the task's arguments) and ASGI
(WebSocket subscriptions) report what fails. Nothing personal leaves: Sentry's own PII switch is
off, and `before_send` masks secrets by key and shape (config.logging.scrub) and personal fields
(emails, phones, names, addresses, coordinates) in every event and breadcrumb.
"""

import re

import sentry_sdk
from sentry_sdk.integrations.celery import CeleryIntegration
from sentry_sdk.integrations.django import DjangoIntegration
from sentry_sdk.integrations.logging import ignore_logger
from sentry_sdk.integrations.strawberry import StrawberryIntegration

from config.logging import REDACTED, SENSITIVE_KEY, scrub

PERSONAL_KEY = re.compile(
    r"e-?mail|phone|full_?name|first_?name|last_?name|address|line1|line2|postal|"
    r"latitude|longitude|ip_?addr|remote_addr|x_forwarded_for",
    re.IGNORECASE,
)
EMAIL = re.compile(r"[\w.+-]+@[\w-]+(\.[\w-]+)+")


def _scrub_personal(value):
    if isinstance(value, str):
        return EMAIL.sub(REDACTED, value)
    if isinstance(value, dict):
        return {
            key: REDACTED
            if isinstance(key, str) and (PERSONAL_KEY.search(key) or SENSITIVE_KEY.search(key))
            else _scrub_personal(item)
            for key, item in value.items()
        }
    if isinstance(value, list):
        return [_scrub_personal(item) for item in value]
    return value


def event_scrub(event, hint=None):
    """Secrets and personal data out of an event (or breadcrumb) before it is sent."""
    return _scrub_personal(scrub(event))


def sentry_init(*, dsn: str, environment: str, traces_sample_rate: float, release: str | None):
    sentry_sdk.init(
        dsn=dsn,
        environment=environment,
        release=release,
        send_default_pii=False,
        traces_sample_rate=traces_sample_rate,
        integrations=[DjangoIntegration(), CeleryIntegration()],
        # Strawberry's integration reports every GraphQL error, including a client's NOT_FOUND;
        # unexpected ones reach Sentry as the error log line graphql_api.core.metrics writes.
        disabled_integrations=[StrawberryIntegration()],
        before_send=event_scrub,
        before_breadcrumb=event_scrub,
        max_request_body_size="never",
    )
    # It logs every GraphQL error at ERROR, expected ones too (see above).
    ignore_logger("strawberry.execution")
