"""Every catalogue edit in the admin goes through the services: what the API would refuse is
refused on the form and stores nothing; every menu change reaches the cached menu at once."""

from datetime import time

import pytest
from django.urls import reverse

from restaurants.models import (
    Closure,
    MenuItem,
    OpeningHours,
    Option,
    OptionGroup,
    Restaurant,
)
from tests.admin_forms import change_form_data
from tests.factories import (
    AddressFactory,
    AdminFactory,
    MenuItemFactory,
    OptionFactory,
    OptionGroupFactory,
    RestaurantFactory,
)

pytestmark = pytest.mark.django_db

MENU = """query($slug: String) { restaurant(slug: $slug) { currency: menu { items {
  name price { amount currency } isAvailable
  optionGroups { name minSelected maxSelected } } } } }"""


@pytest.fixture
def staff(client):
    client.force_login(AdminFactory())
    return client


def _page(client, model_name, obj):
    return client.get(reverse(f"admin:restaurants_{model_name}_change", args=[obj.pk]))


def _post(client, model_name, obj, data):
    return client.post(reverse(f"admin:restaurants_{model_name}_change", args=[obj.pk]), data)


def _version(restaurant) -> int:
    return Restaurant.objects.values_list("menu_version", flat=True).get(pk=restaurant.pk)


def test_overlapping_opening_hours_are_refused_and_nothing_changes(staff):
    restaurant = RestaurantFactory()
    OpeningHours.objects.create(
        restaurant=restaurant, weekday=0, opens_at=time(9), closes_at=time(15)
    )
    data = change_form_data(_page(staff, "restaurant", restaurant))
    prefix = "opening_hours"
    data.update(
        {
            f"{prefix}-TOTAL_FORMS": "2",
            f"{prefix}-1-weekday": "0",
            f"{prefix}-1-opens_at": "14:00",
            f"{prefix}-1-closes_at": "18:00",
            f"{prefix}-1-restaurant": str(restaurant.pk),
        }
    )

    response = _post(staff, "restaurant", restaurant, data)

    assert response.status_code == 200
    assert "This span overlaps span 1." in response.content.decode()
    assert list(OpeningHours.objects.filter(restaurant=restaurant).values_list("opens_at")) == [
        (time(9),)
    ]


def test_opening_hours_saved_through_the_service(staff):
    restaurant = RestaurantFactory()
    data = change_form_data(_page(staff, "restaurant", restaurant))
    data.update(
        {
            "opening_hours-TOTAL_FORMS": "1",
            "opening_hours-0-weekday": "4",
            "opening_hours-0-opens_at": "18:00",
            "opening_hours-0-closes_at": "02:00",
        }
    )

    response = _post(staff, "restaurant", restaurant, data)

    assert response.status_code == 302
    assert list(
        OpeningHours.objects.filter(restaurant=restaurant).values_list(
            "weekday", "opens_at", "closes_at"
        )
    ) == [(4, time(18), time(2))]


def test_a_closure_that_ends_before_it_starts_is_refused(staff):
    restaurant = RestaurantFactory()
    data = change_form_data(_page(staff, "restaurant", restaurant))
    data.update(
        {
            "closures-TOTAL_FORMS": "1",
            "closures-0-starts_at_0": "2026-12-24",
            "closures-0-starts_at_1": "18:00:00",
            "closures-0-ends_at_0": "2026-12-24",
            "closures-0-ends_at_1": "10:00:00",
            "closures-0-reason": "Christmas",
        }
    )

    response = _post(staff, "restaurant", restaurant, data)

    assert "A closure ends after it starts." in response.content.decode()
    assert not Closure.objects.filter(restaurant=restaurant).exists()


def test_a_price_the_api_refuses_is_refused_in_the_menu_inline(staff):
    item = MenuItemFactory(price=1250)
    version = _version(item.restaurant)
    data = change_form_data(_page(staff, "menucategory", item.category))
    data["items-0-price"] = "1000001"

    response = _post(staff, "menucategory", item.category, data)

    assert "Enter an amount between 0 and 1000000" in response.content.decode()
    item.refresh_from_db()
    assert item.price == 1250
    assert _version(item.restaurant) == version


def test_a_menu_edit_in_admin_shows_in_the_api_at_once(staff, gql):
    item = MenuItemFactory(price=1250, name="Bifana", category__restaurant__slug="tasca")
    gql.data(MENU, {"slug": "tasca"})  # cached
    data = change_form_data(_page(staff, "menucategory", item.category))
    data["items-0-price"] = "1400"
    data["items-0-is_available"] = ""

    assert _post(staff, "menucategory", item.category, data).status_code == 302

    served = gql.data(MENU, {"slug": "tasca"})["restaurant"]["currency"][0]["items"][0]
    assert served["price"] == {"amount": 1400, "currency": "EUR"}
    assert served["isAvailable"] is False


def test_option_group_rules_are_the_services_and_edits_reach_the_menu(staff, gql):
    group = OptionGroupFactory(
        item__category__restaurant__slug="tasca", min_selected=0, max_selected=1
    )
    OptionFactory(group=group, name="Small")
    OptionFactory(group=group, name="Large")
    gql.data(MENU, {"slug": "tasca"})
    data = change_form_data(_page(staff, "optiongroup", group))

    refused = dict(data, min_selected="2", max_selected="1")
    page = _post(staff, "optiongroup", group, refused).content.decode()
    assert "Must be at least 1 and at least the minimum." in page

    too_many = dict(data, min_selected="3", max_selected="3")
    response = _post(staff, "optiongroup", group, too_many)  # only the service counts options
    page = staff.get(response.url).content.decode()
    assert "Nothing was saved: The group has 2 option(s): a customer cannot pick 3." in page
    group.refresh_from_db()
    assert (group.min_selected, group.max_selected) == (0, 1)

    ok = dict(data, min_selected="1", max_selected="2")
    assert _post(staff, "optiongroup", group, ok).status_code == 302
    served = gql.data(MENU, {"slug": "tasca"})["restaurant"]["currency"][0]["items"][0]
    assert served["optionGroups"] == [{"name": "Size", "minSelected": 1, "maxSelected": 2}]


def test_an_option_price_out_of_bounds_is_refused(staff):
    option = OptionFactory(price_delta=150)
    data = change_form_data(_page(staff, "optiongroup", option.group))
    data["options-0-price_delta"] = "2000000"

    page = _post(staff, "optiongroup", option.group, data).content.decode()

    assert "Enter an amount between 0 and 1000000" in page
    option.refresh_from_db()
    assert option.price_delta == 150


def test_removing_an_option_the_group_needs_is_refused_and_rolls_back(staff):
    group = OptionGroupFactory(min_selected=1, max_selected=1)
    only = OptionFactory(group=group)
    data = change_form_data(_page(staff, "optiongroup", group))
    data["options-0-DELETE"] = "on"
    data["name"] = "Renamed"

    response = _post(staff, "optiongroup", group, data)

    assert Option.objects.filter(pk=only.pk).exists()
    assert OptionGroup.objects.get(pk=group.pk).name == "Size"
    assert response.status_code == 302
    follow = staff.get(response.url).content.decode()
    assert "Nothing was saved" in follow


def test_changing_a_restaurants_currency_reaches_the_cached_menu(staff, gql):
    item = MenuItemFactory(category__restaurant__slug="tasca")
    gql.data(MENU, {"slug": "tasca"})
    data = change_form_data(_page(staff, "restaurant", item.restaurant))

    bad = _post(staff, "restaurant", item.restaurant, dict(data, currency="E1R"))
    assert "An ISO 4217 code such as EUR." in bad.content.decode()

    assert (
        _post(staff, "restaurant", item.restaurant, dict(data, currency="GBP")).status_code == 302
    )
    served = gql.data(MENU, {"slug": "tasca"})["restaurant"]["currency"][0]["items"][0]
    assert served["price"]["currency"] == "GBP"


def test_new_items_and_categories_are_created_by_the_services(staff):
    restaurant = RestaurantFactory()
    version = _version(restaurant)
    response = staff.post(
        reverse("admin:restaurants_menucategory_add"),
        {
            "restaurant": str(restaurant.pk),
            "name": "Mains",
            "position": "0",
            "items-TOTAL_FORMS": "1",
            "items-INITIAL_FORMS": "0",
            "items-0-name": "  Prego  ",
            "items-0-price": "450",
            "items-0-is_available": "on",
            "items-0-position": "1",
        },
    )

    assert response.status_code == 302
    item = MenuItem.objects.get(restaurant=restaurant)
    assert item.name == "Prego"  # the service trims, as the API's does
    assert _version(restaurant) > version


def _form_errors(response) -> list:
    context = response.context or {}
    errors = [context["adminform"].form.errors] if "adminform" in context else []
    for inline in context.get("inline_admin_formsets", []):
        errors += [inline.formset.non_form_errors(), *inline.formset.errors]
    return [error for error in errors if error]


def _empty_add_form(client) -> dict:
    """The add page's inline management forms, with no rows."""
    page = client.get(reverse("admin:restaurants_restaurant_add"))
    data = {}
    for inline in page.context["inline_admin_formsets"]:
        prefix = inline.formset.prefix
        data |= {f"{prefix}-TOTAL_FORMS": "0", f"{prefix}-INITIAL_FORMS": "0"}
    return data


def test_a_restaurant_added_in_the_admin_gets_its_settings_and_hours(staff):
    """The add page saves through restaurants' own service (settings checked the same way),
    cuisines and opening hours included."""
    address = AddressFactory(user=None)
    data = _empty_add_form(staff)
    data.update(
        {
            "name": "Tasca Nova",
            "slug": "tasca-nova",
            "address": str(address.pk),
            "time_zone": "Europe/Lisbon",
            "currency": "EUR",
            "created_at_0": "2026-11-25",
            "created_at_1": "10:00:00",
            "delivery_radius_m": "4000",
            "delivery_fee": "250",
            "minimum_order": "1000",
            "preparation_minutes": "20",
            # Scheduled orders' slots (the page shows 15 and 0 to start with).
            "slot_minutes": "15",
            "slot_capacity": "0",
            "price_band": "2",
            "opening_hours-TOTAL_FORMS": "1",
            "opening_hours-0-weekday": "0",
            "opening_hours-0-opens_at": "10:00",
            "opening_hours-0-closes_at": "22:00",
        }
    )

    response = staff.post(reverse("admin:restaurants_restaurant_add"), data)

    assert response.status_code == 302, _form_errors(response)
    created = Restaurant.objects.get(slug="tasca-nova")
    assert (created.name, created.time_zone) == ("Tasca Nova", "Europe/Lisbon")
    assert created.opening_hours.count() == 1


def test_a_restaurant_with_a_bad_currency_is_not_added(staff):
    address = AddressFactory(user=None)
    data = _empty_add_form(staff)
    data.update(
        {
            "name": "Nope",
            "slug": "nope",
            "address": str(address.pk),
            "currency": "E1R",
            "time_zone": "Europe/Lisbon",
            "delivery_radius_m": "4000",
            "delivery_fee": "250",
            "minimum_order": "1000",
            "preparation_minutes": "20",
            "created_at_0": "2026-11-25",
            "created_at_1": "10:00:00",
        }
    )

    response = staff.post(reverse("admin:restaurants_restaurant_add"), data)

    assert response.status_code == 200
    assert "ISO 4217" in str(_form_errors(response))
    assert not Restaurant.objects.filter(slug="nope").exists()
