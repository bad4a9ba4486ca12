"""The menu's lean execution path (graphql_api.core.plain) answers exactly what graphql-core's
own completion answers for the same objects: the same ids, aliases, fragments, @include/@skip
and __typename. `restaurant { menu }` takes the lean path; `node(id:)` on a category resolves
the same category through the ordinary types, field by field."""

import pytest
import strawberry
from strawberry import relay

from graphql_api.core.plain import PlainData, PlainDataExecutionContext
from tests.factories import MenuItemFactory, OptionFactory, OptionGroupFactory, RestaurantFactory

pytestmark = pytest.mark.django_db

CATEGORY = """
  __typename id name position
  dishes: items {
    ...Dish
    isAvailable @skip(if: $short)
    ... on MenuItem @include(if: $short) { price { currency } }
  }
"""
FRAGMENTS = """
fragment Dish on MenuItem {
  __typename id name description dietaryTags
  price { amount currency __typename }
  cost: price { amount }
  optionGroups { id name minSelected maxSelected
    options { ...Choice  isAvailable } first: options { name } }
}
fragment Choice on Option { id name priceDelta { amount currency } }
"""
LEAN = (
    "query($slug: String, $short: Boolean!) { restaurant(slug: $slug) { menu {"
    + CATEGORY
    + "} } }"
    + FRAGMENTS
)
ORDINARY = (
    "query($id: ID!, $short: Boolean!) { node(id: $id) { ... on MenuCategory {"
    + CATEGORY
    + "} } }"
    + FRAGMENTS
)


@pytest.fixture
def menu():
    restaurant = RestaurantFactory(slug="lean", currency="EUR")
    for index in range(3):
        item = MenuItemFactory(
            category__restaurant=restaurant,
            name=f"Dish {index}",
            dietary_tags=["vegan", "spicy"][: index % 3],
            is_available=index != 1,
        )
        for group_index in range(index):
            group = OptionGroupFactory(item=item, name=f"Group {group_index}", min_selected=0)
            OptionFactory(group=group, name="Plain", price_delta=0)
            OptionFactory(group=group, name="Double", price_delta=350, is_available=False)
    return restaurant


@pytest.mark.parametrize("short", [False, True])
def test_the_lean_menu_answers_what_ordinary_completion_answers(gql, menu, short):
    lean = gql.data(LEAN, {"slug": "lean", "short": short})["restaurant"]["menu"]

    ordinary = [
        gql.data(ORDINARY, {"id": category["id"], "short": short})["node"] for category in lean
    ]

    assert lean == ordinary
    assert len(lean) == 3
    dish = lean[2]["dishes"][0]
    assert dish["__typename"] == "MenuItem"
    assert dish["id"] == str(relay.GlobalID("MenuItem", str(menu.menu_items.get(name="Dish 2").pk)))
    assert ("isAvailable" in dish) is not short


def test_a_null_in_a_non_null_field_is_an_error_on_the_lean_path_too():
    @strawberry.type
    class Thing:
        name: str

    @strawberry.type
    class Query:
        @strawberry.field
        def things(self) -> list[Thing]:
            return PlainData([{"name": "kept"}, {"name": None}])

        @strawberry.field
        def other(self) -> str:
            return "unaffected"

    schema = strawberry.Schema(Query, execution_context_class=PlainDataExecutionContext)

    result = schema.execute_sync("{ other things { name } }")

    assert result.data is None
    assert "Cannot return null" in result.errors[0].message
    assert result.errors[0].path == ["things"]
