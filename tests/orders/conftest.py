"""Fixtures of the orders tests."""

import pytest


@pytest.fixture
def payments_live(localstripe):
    """The real payment service talking to the local Stripe stand-in (localstripe)."""
    return localstripe
