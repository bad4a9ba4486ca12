"""The whole-response cache of catalogue reads (graphql_api/core/response_cache.py): a menu is
answered from stored bytes until the restaurant or its menu changes, and never with anything a
caller should not see."""

import json
import urllib.request

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from strawberry.relay import to_base64

from accounts.tokens import access_token_issue
from restaurants.services import menu_item_set_availability, menu_item_update
from restaurants.services_edits import restaurant_update
from tests.factories import (
    AdminFactory,
    CustomerFactory,
    MenuItemFactory,
    OptionFactory,
    OptionGroupFactory,
)
from tests.live_servers import live_servers

MENU = """query Menu($slug: String!) {
  restaurant(slug: $slug) {
    id name
    menu { id name items { id name price { amount currency } isAvailable
      optionGroups { id options { id name priceDelta { amount } } } } }
  }
}"""


def _post(client, query, variables, token=None):
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    return client.post(
        "/graphql/",
        {"query": query, "variables": variables},
        content_type="application/json",
        headers=headers,
    )


def _menu_restaurant():
    item = MenuItemFactory(price=950)
    OptionFactory(group=OptionGroupFactory(item=item), price_delta=100)
    return item.restaurant, item


@pytest.mark.django_db
def test_a_repeated_menu_read_is_served_from_the_cache_with_one_query(client):
    restaurant, _ = _menu_restaurant()
    first = _post(client, MENU, {"slug": restaurant.slug})
    with CaptureQueriesContext(connection) as queries:
        second = _post(client, MENU, {"slug": restaurant.slug})

    assert first["X-GraphQL-Cache"] == "miss"
    assert second["X-GraphQL-Cache"] == "hit"
    assert second.content == first.content
    assert json.loads(second.content)["data"]["restaurant"]["name"] == restaurant.name
    assert len(queries) == 1  # the restaurant's row, to know the answer is current


@pytest.mark.django_db
def test_a_menu_edit_shows_on_the_next_read(client):
    restaurant, item = _menu_restaurant()
    admin = AdminFactory()
    _post(client, MENU, {"slug": restaurant.slug})

    menu_item_update(actor=admin, item_id=item.pk, price=1250)
    after_price = json.loads(_post(client, MENU, {"slug": restaurant.slug}).content)
    menu_item_set_availability(actor=admin, item_id=item.pk, available=False)
    after_availability = _post(client, MENU, {"slug": restaurant.slug})

    dish = after_price["data"]["restaurant"]["menu"][0]["items"][0]
    assert dish["price"] == {"amount": 1250, "currency": restaurant.currency}
    assert after_availability["X-GraphQL-Cache"] == "miss"
    dish = json.loads(after_availability.content)["data"]["restaurant"]["menu"][0]["items"][0]
    assert dish["isAvailable"] is False


@pytest.mark.django_db
def test_a_renamed_or_deactivated_restaurant_shows_at_once(client):
    restaurant, _ = _menu_restaurant()
    admin = AdminFactory()
    _post(client, MENU, {"slug": restaurant.slug})

    restaurant_update(actor=admin, restaurant_id=restaurant.pk, changes={"name": "Renamed"})
    renamed = json.loads(_post(client, MENU, {"slug": restaurant.slug}).content)
    restaurant.is_active = False
    restaurant.save(update_fields=["is_active"])
    gone = json.loads(_post(client, MENU, {"slug": restaurant.slug}).content)

    assert renamed["data"]["restaurant"]["name"] == "Renamed"
    assert gone["data"]["restaurant"] is None
    assert gone["errors"][0]["extensions"]["code"] == "NOT_FOUND"


@pytest.mark.django_db
def test_the_same_read_by_id_and_with_literals_is_cached_too(client):
    restaurant, _ = _menu_restaurant()
    global_id = to_base64("Restaurant", restaurant.pk)
    by_id = f'query {{ restaurant(id: "{global_id}") {{ name menu {{ name }} }} }}'
    _post(client, by_id, {})
    assert _post(client, by_id, {})["X-GraphQL-Cache"] == "hit"


@pytest.mark.django_db
@pytest.mark.parametrize(
    "query",
    [
        "query($slug: String!) { restaurant(slug: $slug) { name isOpen } }",
        "query($slug: String!) { restaurant(slug: $slug) { name address { city } } }",
        "query($slug: String!) { restaurant(slug: $slug) { name openingHours { weekday } } }",
        "query($slug: String!) { restaurant(slug: $slug) { name } me { email } }",
        "query($slug: String!) { restaurant(slug: $slug) { ... on Restaurant { cuisines } } }",
        "mutation { logout { ok } }",
    ],
    ids=["open-now", "address", "hours", "two-roots", "fragment", "mutation"],
)
def test_answers_that_depend_on_the_clock_other_rows_or_the_caller_are_never_cached(client, query):
    restaurant, _ = _menu_restaurant()
    _post(client, query, {"slug": restaurant.slug})
    assert "X-GraphQL-Cache" not in _post(client, query, {"slug": restaurant.slug})


@pytest.mark.django_db
def test_a_caller_over_budget_is_refused_even_when_a_richer_caller_cached_the_answer(
    client, settings
):
    restaurant, _ = _menu_restaurant()
    settings.GRAPHQL_COST_BUDGET_ANONYMOUS = 5

    customer = CustomerFactory()
    token = access_token_issue(user_id=customer.pk, version=0, now=timezone.now())[0]
    signed_in = _post(client, MENU, {"slug": restaurant.slug}, token=token)
    anonymous = json.loads(_post(client, MENU, {"slug": restaurant.slug}).content)

    assert json.loads(signed_in.content)["data"]["restaurant"]["name"] == restaurant.name
    assert anonymous["errors"][0]["extensions"]["code"] == "QUERY_TOO_COSTLY"


@pytest.mark.django_db
def test_unknown_restaurants_and_errors_are_not_stored(client):
    missing = _post(client, MENU, {"slug": "nowhere"})
    assert "X-GraphQL-Cache" not in missing
    assert json.loads(missing.content)["errors"][0]["extensions"]["code"] == "NOT_FOUND"


def _read(server, slug):
    request = urllib.request.Request(  # noqa: S310 - a loopback URL we built
        f"{server.http_url}/graphql/",
        data=json.dumps({"query": MENU, "variables": {"slug": slug}}).encode(),
        headers={"Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
        return response.headers["X-GraphQL-Cache"], json.loads(response.read())


@pytest.mark.django_db(transaction=True)
@pytest.mark.integration
def test_an_edit_shows_on_both_web_processes_that_cached_the_menu():
    restaurant, item = _menu_restaurant()
    admin = AdminFactory()
    with live_servers(2) as [first, second]:
        assert _read(first, restaurant.slug)[0] == "miss"
        assert _read(second, restaurant.slug)[0] == "hit"  # one cache, shared in Redis

        menu_item_update(actor=admin, item_id=item.pk, name="Renamed dish")

        for server in (second, first):
            _, answer = _read(server, restaurant.slug)
            dish = answer["data"]["restaurant"]["menu"][0]["items"][0]
            assert dish["name"] == "Renamed dish"
