"""update* mutations change only what the input gives: a field left out keeps its value; null
clears a field that may be empty and is refused (VALIDATION, nothing changed) for one that may
not."""

import pytest
from strawberry import relay

from accounts.models import Address
from notifications.models import NotificationPreference
from restaurants.models import MenuCategory, MenuItem
from tests.factories import (
    AddressFactory,
    CustomerFactory,
    MenuItemFactory,
    RestaurantStaffFactory,
)

pytestmark = pytest.mark.django_db

UPDATE_ADDRESS = """mutation($input: UpdateAddressInput!) { updateAddress(input: $input) {
  address { label line1 line2 city } errors { code field } } }"""
DELETE_ADDRESS = """mutation($input: DeleteAddressInput!) { deleteAddress(input: $input) {
  ok deletedAddressId errors { code } } }"""
UPDATE_ITEM = """mutation($input: UpdateMenuItemInput!) { updateMenuItem(input: $input) {
  errors { code field } } }"""
UPDATE_CATEGORY = """mutation($input: UpdateMenuCategoryInput!) {
  updateMenuCategory(input: $input) {
  errors { code field } } }"""
UPDATE_PREFERENCES = """mutation($input: UpdateNotificationPreferencesInput!) {
  updateNotificationPreferences(input: $input) {
    preferences { emailEnabled smsEnabled pushEnabled } errors { code field } } }"""


def gid(type_name: str, obj) -> str:
    return str(relay.GlobalID(type_name, str(obj.pk)))


def test_update_address_keeps_what_the_input_leaves_out(gql):
    address = AddressFactory(label="Work", line2="3rd floor")
    gql.login_as(address.user)

    result = gql.data(UPDATE_ADDRESS, {"input": {"id": gid("Address", address), "city": "Porto"}})

    assert result["updateAddress"]["errors"] == []
    address.refresh_from_db()
    assert (address.label, address.line2, address.city) == ("Work", "3rd floor", "Porto")


def test_update_address_clears_optional_fields_given_as_null_and_refuses_null_for_required(gql):
    address = AddressFactory(label="Work", line2="3rd floor")
    gql.login_as(address.user)

    cleared = gql.data(
        UPDATE_ADDRESS, {"input": {"id": gid("Address", address), "label": None, "line2": None}}
    )["updateAddress"]
    refused = gql.data(
        UPDATE_ADDRESS,
        {"input": {"id": gid("Address", address), "line1": None, "city": None, "label": "Home"}},
    )["updateAddress"]

    assert cleared["address"]["label"] == ""
    assert cleared["address"]["line2"] == ""
    assert sorted(error["field"] for error in refused["errors"]) == ["city", "line1"]
    address.refresh_from_db()
    assert address.label == ""  # the refused update changed nothing


def test_delete_address_has_its_own_payload(gql):
    address = AddressFactory()
    gql.login_as(address.user)

    result = gql.data(DELETE_ADDRESS, {"input": {"id": gid("Address", address)}})

    assert result["deleteAddress"] == {
        "ok": True,
        "deletedAddressId": gid("Address", address),
        "errors": [],
    }
    assert not Address.objects.exists()


def test_update_menu_item_keeps_clears_and_refuses(gql):
    item = MenuItemFactory(
        name="Bacalhau", description="Salt cod", price=1500, dietary_tags=["gluten-free"]
    )
    gql.login_as(RestaurantStaffFactory(restaurant=item.restaurant).user)

    renamed = gql.data(UPDATE_ITEM, {"input": {"id": gid("MenuItem", item), "name": "Cod"}})
    item.refresh_from_db()
    assert renamed["updateMenuItem"]["errors"] == []
    assert (item.name, item.description, item.price, item.dietary_tags) == (
        "Cod",
        "Salt cod",
        1500,
        ["gluten-free"],
    )

    gql.data(
        UPDATE_ITEM,
        {"input": {"id": gid("MenuItem", item), "description": None, "dietaryTags": None}},
    )
    item.refresh_from_db()
    assert (item.description, item.dietary_tags) == ("", [])

    refused = gql.data(
        UPDATE_ITEM, {"input": {"id": gid("MenuItem", item), "price": None, "name": None}}
    )
    assert sorted(e["field"] for e in refused["updateMenuItem"]["errors"]) == ["name", "price"]
    item.refresh_from_db()
    assert (item.name, item.price) == ("Cod", 1500)


def test_update_menu_category_keeps_its_position_when_only_renamed(gql):
    item = MenuItemFactory()
    category = item.category
    MenuCategory.objects.filter(pk=category.pk).update(position=4)
    gql.login_as(RestaurantStaffFactory(restaurant=item.restaurant).user)

    result = gql.data(
        UPDATE_CATEGORY, {"input": {"id": gid("MenuCategory", category), "name": "Mains"}}
    )

    assert result["updateMenuCategory"]["errors"] == []
    category.refresh_from_db()
    assert (category.name, category.position) == ("Mains", 4)
    assert MenuItem.objects.count() == 1


def test_update_notification_preferences_keeps_channels_left_out_and_refuses_null(gql):
    user = CustomerFactory()
    gql.login_as(user)
    gql.data(UPDATE_PREFERENCES, {"input": {"sms": False}})

    result = gql.data(UPDATE_PREFERENCES, {"input": {"push": False}})
    refused = gql.data(UPDATE_PREFERENCES, {"input": {"email": None}})

    assert result["updateNotificationPreferences"]["preferences"] == {
        "emailEnabled": True,
        "smsEnabled": False,
        "pushEnabled": False,
    }
    assert refused["updateNotificationPreferences"]["errors"] == [
        {"code": "VALIDATION", "field": "email"}
    ]
    assert NotificationPreference.objects.get(user=user).email_enabled is True
