"""Search that forgives (PostgreSQL): typos by trigrams, accents and case ignored, names ranked
above dish and cuisine matches, combined with the other filters, at a constant number of
queries; what it must not find."""

import pytest

from restaurants.models import Cuisine
from reviews.services import review_submit
from tests.factories import MenuItemFactory, OrderFactory, RestaurantFactory

pytestmark = pytest.mark.django_db

SEARCH = """query($filter: RestaurantFilter, $first: Int) {
  restaurants(first: $first, filter: $filter) { totalCount edges { node { name } } }
}"""


def found(gql, term: str, **filters) -> list[str]:
    data = gql.data(SEARCH, {"filter": {"search": term, **filters}, "first": 20})
    return [edge["node"]["name"] for edge in data["restaurants"]["edges"]]


@pytest.fixture
def city():
    pizza = Cuisine.objects.create(name="Pizza", slug="pizza")
    napoli = RestaurantFactory(name="Pizzeria Napoli")
    napoli.cuisines.add(pizza)
    acai = RestaurantFactory(name="Açaí Lovers")
    tasca = RestaurantFactory(name="Tasca do Zé")
    MenuItemFactory(category__restaurant=tasca, name="Bacalhau à Brás")
    corner = RestaurantFactory(name="Corner Café")
    MenuItemFactory(category__restaurant=corner, name="Pizza slice")
    RestaurantFactory(name="Sushi Bar Tokyo")
    return {"napoli": napoli, "acai": acai, "tasca": tasca, "corner": corner}


def test_typos_find_the_places_they_meant(gql, city):
    assert found(gql, "piza") == ["Pizzeria Napoli", "Corner Café"]
    assert found(gql, "sushii") == ["Sushi Bar Tokyo"]
    assert found(gql, "bacalau") == ["Tasca do Zé"]


def test_accents_and_case_are_ignored_both_ways(gql, city):
    assert found(gql, "acai") == ["Açaí Lovers"]
    assert found(gql, "AÇAÍ") == ["Açaí Lovers"]
    assert found(gql, "bras") == ["Tasca do Zé"]


def test_names_rank_above_dishes_and_cuisines(gql, city):
    # The restaurant named for it first, the café that sells a slice after.
    assert found(gql, "pizza") == ["Pizzeria Napoli", "Corner Café"]


def test_unrelated_terms_find_nothing(gql, city):
    assert found(gql, "xylophone") == []
    assert found(gql, "%") == []


def test_search_combines_with_the_rating_filter(gql, city):
    order = OrderFactory(restaurant=city["corner"], status="DELIVERED")
    order.delivered_at = order.placed_at
    order.save(update_fields=["delivered_at"])
    review_submit(customer=order.customer, order_id=order.pk, stars=5, now=order.placed_at)

    assert found(gql, "piza", minRating=4) == ["Corner Café"]
    assert found(gql, "piza", bestRatedFirst=True) == ["Corner Café", "Pizzeria Napoli"]


@pytest.mark.parametrize("count", [2, 12])
def test_a_search_costs_the_same_queries_however_many_match(gql, django_assert_num_queries, count):
    for index in range(count):
        MenuItemFactory(category__restaurant=RestaurantFactory(name=f"Pizza {index:02}"))

    with django_assert_num_queries(2):  # the page and its count
        data = gql.data(SEARCH, {"filter": {"search": "pizza"}, "first": 20})

    assert data["restaurants"]["totalCount"] == count


def test_the_dietary_tag_filter_keeps_restaurants_with_an_available_tagged_dish(gql, city):
    MenuItemFactory(category__restaurant=city["tasca"], name="Grão", dietary_tags=["vegan"])
    MenuItemFactory(
        category__restaurant=city["napoli"],
        name="Marinara",
        dietary_tags=["vegan"],
        is_available=False,
    )
    MenuItemFactory(category__restaurant=city["corner"], name="Toast", dietary_tags=["vegetarian"])
    data = gql.data(SEARCH, {"filter": {"dietaryTag": "Vegan"}, "first": 20})

    assert [edge["node"]["name"] for edge in data["restaurants"]["edges"]] == ["Tasca do Zé"]
    assert found(gql, "tasca", dietaryTag="vegan") == ["Tasca do Zé"]
    assert found(gql, "corner", dietaryTag="vegan") == []


def test_whole_words_of_a_description_are_found_without_accents(gql, city):
    city["acai"].description = "Bowls de açaí com granola e fruta da época"
    city["acai"].save(update_fields=["description"])
    MenuItemFactory(
        category__restaurant=city["tasca"],
        name="Prato do dia",
        description="Feijoada à transmontana",
    )

    assert found(gql, "granola fruta") == ["Açaí Lovers"]
    assert found(gql, "feijoada transmontana") == ["Tasca do Zé"]
    assert found(gql, "granola feijoada") == []  # every word, in one place


def test_price_bands_filter_and_are_set_by_the_platform_only(gql, city):
    from restaurants.services_edits import restaurant_update
    from tests.factories import AdminFactory, RestaurantStaffFactory

    admin = AdminFactory()
    restaurant_update(actor=admin, restaurant_id=city["napoli"].pk, changes={"price_band": 1})
    restaurant_update(actor=admin, restaurant_id=city["acai"].pk, changes={"price_band": 4})
    owner = RestaurantStaffFactory(restaurant=city["tasca"], role="OWNER").user

    data = gql.data(SEARCH, {"filter": {"priceBands": [1, 4]}, "first": 20})
    with pytest.raises(Exception) as not_yours:
        restaurant_update(actor=owner, restaurant_id=city["tasca"].pk, changes={"price_band": 1})
    with pytest.raises(Exception) as out_of_range:
        restaurant_update(actor=admin, restaurant_id=city["tasca"].pk, changes={"price_band": 5})
    refused = gql.execute(SEARCH, {"filter": {"priceBands": [0]}, "first": 5})

    assert sorted(edge["node"]["name"] for edge in data["restaurants"]["edges"]) == [
        "Açaí Lovers",
        "Pizzeria Napoli",
    ]
    assert not_yours.value.field == "price_band" and out_of_range.value.field == "price_band"
    assert refused.errors[0]["extensions"] == {"code": "VALIDATION", "field": "priceBands"}
