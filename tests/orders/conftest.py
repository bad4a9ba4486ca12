"""Fixtures of the orders tests."""

import pytest


@pytest.fixture
def payments_live(request):
    """The real payment service talking to the local Stripe stand-in, through the payments
    tests' `localstripe` fixture. Checkout tests that move money use it; until the payment
    service and that fixture are on main they are skipped, never faked."""
    pytest.importorskip("payments.services")
    try:
        return request.getfixturevalue("localstripe")
    except pytest.FixtureLookupError:
        pytest.skip("needs the payments tests' `localstripe` fixture")


@pytest.fixture(autouse=True)
def _checkout_needs_the_payment_service(request):
    """Every checkout writes a Payment row through payments.services; until that service is on
    main the checkout tests are skipped, never faked."""
    if request.module.__name__.split(".")[-1].startswith("test_place_order"):
        pytest.importorskip("payments.services")
