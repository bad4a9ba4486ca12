"""ASGI entry point: HTTP through Django, GraphQL subscriptions over WebSocket on /graphql/."""

import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
django_application = get_asgi_application()

from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402
from django.conf import settings  # noqa: E402
from django.urls import re_path  # noqa: E402
from sentry_sdk.integrations.asgi import SentryAsgiMiddleware  # noqa: E402

from graphql_api.schema import schema  # noqa: E402
from graphql_api.websocket import AuthenticatedGraphQLWSConsumer  # noqa: E402

application = ProtocolTypeRouter(
    {
        "http": django_application,
        "websocket": URLRouter(
            [re_path(r"^graphql/?$", AuthenticatedGraphQLWSConsumer.as_asgi(schema=schema))]
        ),
    }
)
if settings.SENTRY_DSN:
    # Django's integration sees HTTP; this sees what fails in WebSocket subscriptions too.
    application = SentryAsgiMiddleware(application)
