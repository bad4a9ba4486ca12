"""Favourite restaurants: adding and removing are idempotent, the list is the caller's own,
paginated latest first at a constant number of queries, and shows only listed restaurants."""

import pytest
from strawberry import relay

from favourites.models import Favourite
from tests.factories import CustomerFactory, RestaurantFactory

pytestmark = pytest.mark.django_db

ADD = """mutation($id: ID!) { addFavourite(input: {restaurantId: $id}) {
  restaurant { name } isFavourite errors { code field } } }"""
REMOVE = """mutation($id: ID!) { removeFavourite(input: {restaurantId: $id}) {
  restaurant { name } isFavourite errors { code field } } }"""
MINE = """query($first: Int, $after: String) { myFavourites(first: $first, after: $after) {
  totalCount edges { cursor node { addedAt restaurant { name rating { count } } } } } }"""


def gid(type_name: str, pk) -> str:
    return str(relay.GlobalID(type_name, str(pk)))


def names(gql, **variables) -> list[str]:
    edges = gql.data(MINE, variables)["myFavourites"]["edges"]
    return [edge["node"]["restaurant"]["name"] for edge in edges]


def test_adding_twice_and_removing_twice_change_things_once(gql):
    restaurant = RestaurantFactory(name="Tasca")
    gql.login_as(CustomerFactory())
    variables = {"id": gid("Restaurant", restaurant.pk)}

    added = [gql.data(ADD, variables)["addFavourite"] for _ in range(2)]
    assert names(gql) == ["Tasca"]
    removed = [gql.data(REMOVE, variables)["removeFavourite"] for _ in range(2)]

    assert added == [{"restaurant": {"name": "Tasca"}, "isFavourite": True, "errors": []}] * 2
    assert removed == [{"restaurant": {"name": "Tasca"}, "isFavourite": False, "errors": []}] * 2
    assert names(gql) == []


def test_unknown_or_unlisted_restaurants_are_not_found_and_nothing_is_stored(gql):
    closed_down = RestaurantFactory(is_active=False)
    gql.login_as(CustomerFactory())

    for restaurant_id in (gid("Restaurant", closed_down.pk), gid("Order", closed_down.pk)):
        payload = gql.data(ADD, {"id": restaurant_id})["addFavourite"]
        assert payload["errors"] == [{"code": "NOT_FOUND", "field": "restaurantId"}]
    assert not Favourite.objects.exists()


@pytest.mark.parametrize("count", [2, 9])
def test_my_favourites_are_my_own_latest_first_in_constant_queries(
    gql, django_assert_num_queries, count
):
    me, other = CustomerFactory(), CustomerFactory()
    restaurants = [RestaurantFactory(name=f"R{index}") for index in range(count)]
    gql.login_as(other).data(ADD, {"id": gid("Restaurant", restaurants[0].pk)})
    gql.login_as(me)
    for restaurant in restaurants:
        gql.data(ADD, {"id": gid("Restaurant", restaurant.pk)})
    restaurants[0].is_active = False
    restaurants[0].save(update_fields=["is_active"])

    # the token's check, the page, its restaurants with their ratings, the count
    with django_assert_num_queries(4):
        page = gql.data(MINE, {"first": 1})["myFavourites"]
    rest = names(gql, after=page["edges"][0]["cursor"])

    assert page["totalCount"] == count - 1
    assert [page["edges"][0]["node"]["restaurant"]["name"], *rest] == [
        f"R{index}" for index in reversed(range(1, count))
    ]


def test_anonymous_callers_have_no_favourites(gql):
    restaurant = RestaurantFactory()

    listed = gql.execute(MINE)
    added = gql.data(ADD, {"id": gid("Restaurant", restaurant.pk)})["addFavourite"]

    assert listed.errors[0]["extensions"]["code"] == "NOT_AUTHENTICATED"
    assert added["errors"] == [{"code": "NOT_AUTHENTICATED", "field": None}]
