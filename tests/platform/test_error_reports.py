"""Django's debug page (the demo runs with DEBUG on) shows no credentials from service URLs."""

import pytest
from django.views.debug import get_default_exception_reporter_filter

pytestmark = pytest.mark.django_db

SECRET = "s3cret-pw"


def test_the_settings_of_an_error_report_hide_credentials_inside_urls(settings):
    settings.REDIS_URL = f"redis://:{SECRET}@cache.internal:6379/0"
    settings.CELERY_BROKER_URL = f"amqp://app:{SECRET}@broker.internal:5672//"
    settings.SENTRY_DSN = f"https://{SECRET}@o1.ingest.sentry.io/1"
    settings.CACHES = {"default": {"LOCATION": [f"redis://u:{SECRET}@a:6379/1"]}}

    shown = repr(get_default_exception_reporter_filter().get_safe_settings())

    assert SECRET not in shown
    assert "cache.internal:6379/0" in shown  # the rest of the URL still helps debugging


def test_a_debug_error_page_shows_no_credentials(client, settings):
    """A 3 MB anonymous body is refused with a 400; with DEBUG on Django shows its debug page."""
    settings.DEBUG = True
    settings.DATABASE_URL = f"postgres://app:{SECRET}@db.internal:5432/food"

    response = client.post("/graphql/", "x" * (3 * 1024 * 1024), content_type="application/json")

    assert response.status_code == 400
    assert SECRET not in response.content.decode(errors="replace")
