"""Staff keep their own menu, hours and pause switch right; nobody else changes anything."""

import pytest
from strawberry import relay

from restaurants.models import MenuItem, OpeningHours, StaffRole
from tests.factories import (
    AdminFactory,
    CustomerFactory,
    MenuItemFactory,
    RestaurantFactory,
    RestaurantStaffFactory,
)

pytestmark = pytest.mark.django_db


def gid(type_name: str, obj) -> str:
    return str(relay.GlobalID(type_name, str(obj.pk)))


CREATE_ITEM = """mutation($input: CreateMenuItemInput!) { createMenuItem(input: $input) {
  menuItem { name price { amount } } errors { code field } } }"""
UPDATE_ITEM = """mutation($input: UpdateMenuItemInput!) { updateMenuItem(input: $input) {
  menuItem { name price { amount } } errors { code field } } }"""
AVAILABILITY = """mutation($input: SetMenuItemAvailabilityInput!) {
  setMenuItemAvailability(input: $input) { menuItem { isAvailable } errors { code } } }"""
HOURS = """mutation($input: SetOpeningHoursInput!) { setOpeningHours(input: $input) {
  openingHours { weekday opensAt closesAt } errors { code field } } }"""
PAUSE = """mutation($input: SetAcceptingOrdersInput!) { setAcceptingOrders(input: $input) {
  restaurant { acceptingOrders } errors { code } } }"""
OPTION_GROUP = """mutation($input: CreateOptionGroupInput!) { createOptionGroup(input: $input) {
  optionGroup { name } errors { code field } } }"""
MENU = """query($slug: String) { restaurant(slug: $slug) { menu { items {
  name price { amount } isAvailable } } } }"""


@pytest.fixture
def kitchen():
    restaurant = RestaurantFactory(slug="kitchen")
    staff = RestaurantStaffFactory(restaurant=restaurant, role=StaffRole.STAFF).user
    item = MenuItemFactory(category__restaurant=restaurant, name="Bifana", price=350)
    return restaurant, staff, item


def menu_items(gql, slug="kitchen"):
    return [
        item
        for category in gql.data(MENU, {"slug": slug})["restaurant"]["menu"]
        for item in category["items"]
    ]


def test_an_edit_shows_on_the_very_next_read_of_the_cached_menu(
    gql, kitchen, django_capture_on_commit_callbacks
):
    restaurant, staff, item = kitchen
    assert menu_items(gql) == [{"name": "Bifana", "price": {"amount": 350}, "isAvailable": True}]

    gql.login_as(staff)
    # The cache is invalidated when the edit commits; run those callbacks as each request ends.
    with django_capture_on_commit_callbacks(execute=True):
        gql.data(UPDATE_ITEM, {"input": {"id": gid("MenuItem", item), "price": 400}})
    with django_capture_on_commit_callbacks(execute=True):
        gql.data(
            AVAILABILITY, {"input": {"menuItemId": gid("MenuItem", item), "isAvailable": False}}
        )

    assert menu_items(gql) == [{"name": "Bifana", "price": {"amount": 400}, "isAvailable": False}]


def test_staff_add_dishes_to_their_menu(gql, kitchen):
    restaurant, staff, item = kitchen
    gql.login_as(staff)

    result = gql.data(
        CREATE_ITEM,
        {
            "input": {
                "categoryId": gid("MenuCategory", item.category),
                "name": "Prego",
                "price": 450,
            }
        },
    )["createMenuItem"]

    assert result == {"menuItem": {"name": "Prego", "price": {"amount": 450}}, "errors": []}
    assert [i["name"] for i in menu_items(gql)] == ["Bifana", "Prego"]


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"price": -1}, "price"),
        ({"name": "  "}, "name"),
        ({"price": 10**8}, "price"),
        ({"dietaryTags": [f"tag{n}" for n in range(21)]}, "dietaryTags"),
        ({"dietaryTags": ["x" * 100_000]}, "dietaryTags"),
    ],
    ids=["negative-price", "blank-name", "huge-price", "too-many-tags", "huge-tag"],
)
def test_invalid_menu_items_are_refused_on_their_field(gql, kitchen, change, field):
    restaurant, staff, item = kitchen
    gql.login_as(staff)

    result = gql.data(UPDATE_ITEM, {"input": {"id": gid("MenuItem", item)} | change})

    assert result["updateMenuItem"] == {
        "menuItem": None,
        "errors": [{"code": "VALIDATION", "field": field}],
    }
    item.refresh_from_db()
    assert (item.name, item.price) == ("Bifana", 350)


def test_max_below_min_selections_is_refused(gql, kitchen):
    restaurant, staff, item = kitchen
    gql.login_as(staff)

    result = gql.data(
        OPTION_GROUP,
        {
            "input": {
                "menuItemId": gid("MenuItem", item),
                "name": "Sauce",
                "minSelected": 2,
                "maxSelected": 1,
            }
        },
    )

    assert result["createOptionGroup"]["errors"] == [{"code": "VALIDATION", "field": "maxSelected"}]


@pytest.mark.parametrize("outsider", ["customer", "other_staff", "anonymous"])
def test_nobody_else_changes_the_menu(gql, kitchen, outsider):
    restaurant, staff, item = kitchen
    if outsider == "customer":
        gql.login_as(CustomerFactory())
    elif outsider == "other_staff":
        gql.login_as(RestaurantStaffFactory().user)

    result = gql.data(UPDATE_ITEM, {"input": {"id": gid("MenuItem", item), "price": 1}})
    paused = gql.data(
        PAUSE, {"input": {"restaurantId": gid("Restaurant", restaurant), "acceptingOrders": False}}
    )

    expected = "NOT_AUTHENTICATED" if outsider == "anonymous" else "FORBIDDEN"
    assert result["updateMenuItem"]["errors"][0]["code"] == expected
    assert paused["setAcceptingOrders"]["errors"][0]["code"] == expected
    item.refresh_from_db()
    restaurant.refresh_from_db()
    assert item.price == 350 and restaurant.accepting_orders


def test_admins_may_pause_any_restaurant(gql, kitchen):
    restaurant, _, _ = kitchen
    gql.login_as(AdminFactory())

    result = gql.data(
        PAUSE, {"input": {"restaurantId": gid("Restaurant", restaurant), "acceptingOrders": False}}
    )

    assert result["setAcceptingOrders"] == {"restaurant": {"acceptingOrders": False}, "errors": []}


def test_opening_hours_replace_the_week_including_spans_past_midnight(gql, kitchen):
    restaurant, staff, _ = kitchen
    gql.login_as(staff)
    hours = [
        {"weekday": 4, "opensAt": "12:00:00", "closesAt": "15:00:00"},
        {"weekday": 4, "opensAt": "18:00:00", "closesAt": "02:00:00"},
        {"weekday": 5, "opensAt": "03:00:00", "closesAt": "10:00:00"},
    ]

    result = gql.data(
        HOURS, {"input": {"restaurantId": gid("Restaurant", restaurant), "hours": hours}}
    )

    assert result["setOpeningHours"]["errors"] == []
    assert OpeningHours.objects.filter(restaurant=restaurant).count() == 3


@pytest.mark.parametrize(
    ("hours", "field"),
    [
        (
            [
                {"weekday": 4, "opensAt": "18:00:00", "closesAt": "02:00:00"},
                {"weekday": 5, "opensAt": "01:00:00", "closesAt": "10:00:00"},
            ],
            "hours[1].opensAt",
        ),
        (
            [
                {"weekday": 1, "opensAt": "10:00:00", "closesAt": "14:00:00"},
                {"weekday": 1, "opensAt": "13:00:00", "closesAt": "16:00:00"},
            ],
            "hours[1].opensAt",
        ),
        ([{"weekday": 7, "opensAt": "10:00:00", "closesAt": "14:00:00"}], "hours[0].weekday"),
    ],
    ids=["past-midnight-overlap", "same-day-overlap", "bad-weekday"],
)
def test_overlapping_hours_are_refused_and_the_old_week_kept(gql, kitchen, hours, field):
    restaurant, staff, _ = kitchen
    OpeningHours.objects.create(
        restaurant=restaurant, weekday=0, opens_at="09:00", closes_at="17:00"
    )
    gql.login_as(staff)

    result = gql.data(
        HOURS, {"input": {"restaurantId": gid("Restaurant", restaurant), "hours": hours}}
    )

    assert result["setOpeningHours"]["errors"] == [{"code": "VALIDATION", "field": field}]
    assert list(
        OpeningHours.objects.filter(restaurant=restaurant).values_list("weekday", flat=True)
    ) == [0]


def test_deleting_a_dish_removes_it_from_the_menu(gql, kitchen):
    restaurant, staff, item = kitchen
    MenuItemFactory(category=item.category, name="Prego")
    gql.login_as(staff)

    result = gql.data(
        "mutation($input: DeleteMenuItemInput!) { deleteMenuItem(input: $input) { ok } }",
        {"input": {"id": gid("MenuItem", item)}},
    )

    assert result["deleteMenuItem"]["ok"] is True
    assert [i["name"] for i in menu_items(gql)] == ["Prego"]
    assert not MenuItem.objects.filter(pk=item.pk).exists()


def test_a_closure_stops_orders_for_its_period(gql, kitchen):
    restaurant, staff, _ = kitchen
    gql.login_as(staff)

    result = gql.data(
        """mutation($input: AddClosureInput!) { addClosure(input: $input) {
          restaurant { isOpen } errors { code field } } }""",
        {
            "input": {
                "restaurantId": gid("Restaurant", restaurant),
                "startsAt": "2026-01-01T00:00:00+00:00",
                "endsAt": "2025-12-31T00:00:00+00:00",
            }
        },
    )

    assert result["addClosure"]["errors"] == [{"code": "VALIDATION", "field": "endsAt"}]
    assert not restaurant.closures.exists()


def test_staff_rename_and_reorder_categories(gql, kitchen):
    restaurant, staff, item = kitchen
    gql.login_as(staff)

    result = gql.data(
        """mutation($input: UpdateMenuCategoryInput!) { updateMenuCategory(input: $input) {
          menuCategory { name position } errors { code } } }""",
        {"input": {"id": gid("MenuCategory", item.category), "name": "Sandwiches", "position": 3}},
    )

    assert result["updateMenuCategory"] == {
        "menuCategory": {"name": "Sandwiches", "position": 3},
        "errors": [],
    }


def test_a_week_of_more_than_28_spans_is_refused(gql, kitchen):
    restaurant, staff, _ = kitchen
    gql.login_as(staff)
    spans = [
        {"weekday": n % 7, "opensAt": f"{n // 7:02}:00:00", "closesAt": f"{n // 7:02}:30:00"}
        for n in range(29)
    ]

    result = gql.data(
        HOURS, {"input": {"restaurantId": gid("Restaurant", restaurant), "hours": spans}}
    )

    assert result["setOpeningHours"]["errors"] == [{"code": "VALIDATION", "field": "hours"}]


@pytest.mark.parametrize(
    ("starts_at", "field"),
    [("0001-01-01T00:00:00+05:00", "startsAt"), ("9999-12-31T23:00:00-05:00", "startsAt")],
    ids=["year-1-ahead-of-utc", "year-9999-behind-utc"],
)
def test_closures_out_of_the_date_window_are_refused_and_restaurants_stay_readable(
    gql, kitchen, starts_at, field
):
    """Such a closure once stored a timestamp PostgreSQL could not read back, and from then on
    the public restaurants list failed for everyone."""
    restaurant, staff, _ = kitchen
    gql.login_as(staff)

    result = gql.data(
        """mutation($input: AddClosureInput!) { addClosure(input: $input) {
          restaurant { isOpen } errors { code field } } }""",
        {"input": {"restaurantId": gid("Restaurant", restaurant), "startsAt": starts_at}},
    )

    assert result["addClosure"]["errors"] == [{"code": "VALIDATION", "field": field}]
    assert not restaurant.closures.exists()
    gql.authenticate(None)
    assert gql.data("{ restaurants(first: 5) { totalCount } }")["restaurants"]["totalCount"] >= 1
