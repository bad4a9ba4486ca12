"""Redis away: the cache is an optimisation, so menus, sign-in and checkout limits go on without
it, quickly, and a menu edit made meanwhile is what customers see once it is back. Redis itself
is never touched: the app reaches it through the suite's own proxy, which refuses or swallows."""

import time
from urllib.parse import urlparse

import pytest
from django.conf import settings as django_settings

from core.cache import cache_breaker_reset
from restaurants.services import menu_item_update
from tests.accounts.test_sign_in import login
from tests.factories import (
    CustomerFactory,
    MenuCategoryFactory,
    MenuItemFactory,
    OpenAroundTheClockRestaurantFactory,
    RestaurantStaffFactory,
)
from tests.faults import fault_proxy

pytestmark = pytest.mark.django_db

MENU = """query($slug: String) { restaurant(slug: $slug) { menu { items { name } } } }"""


@pytest.fixture
def redis_proxy(settings):
    target = urlparse(django_settings.REDIS_URL)
    with fault_proxy(target.hostname, target.port or 6379) as proxy:
        cache = dict(django_settings.CACHES["default"])
        cache["LOCATION"] = f"redis://{proxy.address}{target.path or '/0'}"
        settings.CACHES = {"default": cache}
        cache_breaker_reset()
        yield proxy
    cache_breaker_reset()


@pytest.fixture
def restaurant():
    restaurant = OpenAroundTheClockRestaurantFactory()
    category = MenuCategoryFactory(restaurant=restaurant)
    MenuItemFactory(restaurant=restaurant, category=category, name="Bacalhau")
    return restaurant


def menu_names(gql, restaurant) -> list[str]:
    data = gql.data(MENU, {"slug": restaurant.slug})
    return [item["name"] for category in data["restaurant"]["menu"] for item in category["items"]]


@pytest.mark.parametrize("outage", ["refuse", "blackhole"])
def test_menus_are_served_from_the_database_while_redis_is_away(
    gql, restaurant, redis_proxy, outage
):
    redis_proxy.mode = outage

    started = time.monotonic()
    first = menu_names(gql, restaurant)
    second = menu_names(gql, restaurant)
    waited = time.monotonic() - started

    assert first == second == ["Bacalhau"]
    assert waited < 2  # one short Redis timeout, then skipped: not 2 s per call


def test_sign_in_works_with_rate_limits_on_while_redis_is_away(gql, redis_proxy, settings):
    settings.RATE_LIMITS_ENABLED = True
    customer = CustomerFactory()
    redis_proxy.mode = "refuse"

    assert login(gql, customer.email)["accessToken"]


def test_a_menu_edit_during_the_outage_is_what_customers_see_after_it(gql, restaurant, redis_proxy):
    assert menu_names(gql, restaurant) == ["Bacalhau"]  # cached while Redis was there
    staff = RestaurantStaffFactory(restaurant=restaurant).user
    item = restaurant.menu_items.get()

    redis_proxy.mode = "refuse"
    menu_item_update(actor=staff, item_id=item.pk, name="Polvo")
    assert menu_names(gql, restaurant) == ["Polvo"]

    redis_proxy.mode = "pass"
    cache_breaker_reset()
    assert menu_names(gql, restaurant) == ["Polvo"]  # not the old menu for an hour
