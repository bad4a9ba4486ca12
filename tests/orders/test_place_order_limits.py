"""Checkout attempts are rate limited per customer."""

import pytest

from tests.factories import CustomerFactory
from tests.orders.checkout_helpers import PLACE_ORDER, a_menu, checkout_input, line

pytestmark = pytest.mark.django_db


def test_checkout_attempts_are_rate_limited_per_customer(gql, settings):
    settings.RATE_LIMITS_ENABLED = True
    settings.RATE_LIMIT_PLACE_ORDER_PER_MINUTE = 2
    menu = a_menu()
    # A key too short is refused before anything else: the attempt still counts.
    attempt = checkout_input(menu, [line(menu.soup, 3)], key="short")

    gql.login_as(menu.customer)
    codes = [
        gql.data(PLACE_ORDER, {"input": attempt})["placeOrder"]["errors"][0]["code"]
        for _ in range(3)
    ]

    assert codes == ["VALIDATION", "VALIDATION", "RATE_LIMITED"]
    gql.login_as(CustomerFactory())
    other = gql.data(PLACE_ORDER, {"input": attempt})["placeOrder"]["errors"][0]["code"]
    assert other == "VALIDATION"
