"""A request's cost is estimated before it runs; over the caller's budget nothing executes."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.factories import AdminFactory, CustomerFactory, MenuItemFactory, RestaurantFactory
from tests.graphql_client import GraphQLClient

pytestmark = pytest.mark.django_db

MENUS_OF_A_PAGE = """{{ restaurants(first: {first}) {{ edges {{ node {{ name menu {{ name
  items {{ name optionGroups {{ name options {{ name }} }} }} }} }} }} }} }}"""
# The review's request: 30 aliases of a page of 100 restaurants with their whole menus.
ALIASED_MENUS = (
    "{ " + " ".join(f"a{i}: " + MENUS_OF_A_PAGE.format(first=100)[2:-2] for i in range(30)) + " }"
)
ONE_MENU = """query($slug: String!) { restaurant(slug: $slug) { name menu { name
  items { name price { amount } optionGroups { name options { name } } } } } }"""


def post(client, query, variables=None, user=None):
    """The whole JSON answer, `extensions` included."""
    gql = GraphQLClient(client)
    if user is not None:
        gql.login_as(user)
    headers = {"Authorization": f"Bearer {gql.token}"} if gql.token else {}
    response = client.post(
        "/graphql/",
        {"query": query, "variables": variables or {}},
        content_type="application/json",
        headers=headers,
    )
    return response.json()


def test_the_aliased_menus_request_is_refused_unexecuted_naming_cost_and_budget(client, settings):
    RestaurantFactory()

    with CaptureQueriesContext(connection) as queries:
        body = post(client, ALIASED_MENUS)

    assert body["data"] is None
    [error] = body["errors"]
    assert error["extensions"]["code"] == "QUERY_TOO_COSTLY"
    assert error["extensions"]["budget"] == settings.GRAPHQL_COST_BUDGET_ANONYMOUS
    assert error["extensions"]["cost"] > 1_000_000
    assert str(settings.GRAPHQL_COST_BUDGET_ANONYMOUS) in error["message"]
    assert f"{error['extensions']['cost']}" in error["message"]
    assert len(queries) == 0  # nothing was executed


def test_an_ordinary_menu_is_served_and_its_cost_reported(client, settings):
    item = MenuItemFactory()

    body = post(client, ONE_MENU, {"slug": item.category.restaurant.slug})

    assert "errors" not in body
    assert body["data"]["restaurant"]["menu"][0]["items"][0]["name"] == item.name
    cost = body["extensions"]["cost"]
    assert 0 < cost["requested"] <= cost["budget"] == settings.GRAPHQL_COST_BUDGET_ANONYMOUS


def test_page_sizes_from_variables_count(client):
    query = "query($n: Int) { restaurants(first: $n) { edges { node { menu { name } } } } }"

    small = post(client, query, {"n": 2})["extensions"]["cost"]["requested"]
    large = post(client, query, {"n": 40})["extensions"]["cost"]["requested"]

    assert large > 10 * small


@pytest.mark.parametrize(
    ("caller", "allowed"),
    [(None, False), (CustomerFactory, False), (AdminFactory, True)],
    ids=["anonymous", "customer", "staff"],
)
def test_each_kind_of_caller_has_its_own_budget(client, settings, caller, allowed):
    settings.GRAPHQL_COST_BUDGET_ANONYMOUS = 100
    settings.GRAPHQL_COST_BUDGET_USER = 200
    settings.GRAPHQL_COST_BUDGET_STAFF = 100_000
    RestaurantFactory()

    body = post(client, MENUS_OF_A_PAGE.format(first=10), user=caller() if caller else None)

    assert ("errors" not in body) is allowed, body
