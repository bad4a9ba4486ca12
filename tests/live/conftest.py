"""Real uvicorn processes for the live tests, configured as production is: Redis channel layer,
two processes on one database. Shared by the modules that need nothing special."""

import pytest

from tests.live_servers import live_servers


@pytest.fixture(scope="session")
def servers(django_db_setup, django_db_blocker):
    """Two server processes with the default live settings; their output is captured so a test
    can check what they logged."""
    with live_servers(2, capture_logs=True) as running:
        yield running
