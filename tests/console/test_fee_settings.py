"""Fees and slots are restaurant settings edited in the admin through the services: what the
services refuse is refused on the form, and what they store is what checkout charges."""

import json
from datetime import UTC, datetime

import pytest
from django.urls import reverse

from core.errors import ValidationFailed
from orders import fees
from restaurants.models import Restaurant
from restaurants.services_edits import restaurant_update
from tests.admin_forms import change_form_data
from tests.factories import (
    AdminFactory,
    PickupOrderFactory,
    RestaurantFactory,
    RestaurantStaffFactory,
)

pytestmark = pytest.mark.django_db

BANDS = [{"upToMetres": 1500, "fee": 150}, {"upToMetres": 4000, "fee": 320}]


@pytest.fixture
def staff(client):
    client.force_login(AdminFactory())
    return client


def _url(restaurant):
    return reverse("admin:restaurants_restaurant_change", args=[restaurant.pk])


def test_fee_bands_small_order_fee_and_slots_are_set_in_the_admin(staff):
    restaurant = RestaurantFactory()
    data = change_form_data(staff.get(_url(restaurant)))
    data.update(
        delivery_fee_bands=json.dumps(BANDS),
        small_order_threshold="1200",
        small_order_fee="90",
        slot_minutes="20",
        slot_capacity="6",
    )
    assert staff.post(_url(restaurant), data).status_code == 302
    restaurant.refresh_from_db()
    assert restaurant.delivery_fee_bands == BANDS
    assert (restaurant.small_order_threshold, restaurant.small_order_fee) == (1200, 90)
    assert (restaurant.slot_minutes, restaurant.slot_capacity) == (20, 6)
    rules = fees.restaurant_fee_rules(restaurant)
    assert [(band.up_to_metres, band.fee) for band in rules.delivery_fee_bands] == [
        (1500, 150),
        (4000, 320),
    ]
    assert (rules.small_order_threshold, rules.small_order_fee) == (1200, 90)


@pytest.mark.parametrize(
    "bands",
    [
        [{"upToMetres": 3000, "fee": 100}, {"upToMetres": 2000, "fee": 200}],
        [{"upToMetres": 30000, "fee": 100}],
        [{"upToMetres": 1000, "fee": -5}],
        [{"upToMetres": 1000}],
    ],
    ids=["descending", "too-far", "negative-fee", "no-fee"],
)
def test_bad_fee_bands_are_refused_on_the_form_and_nothing_changes(staff, bands):
    restaurant = RestaurantFactory()
    data = change_form_data(staff.get(_url(restaurant)))
    page = staff.post(_url(restaurant), dict(data, delivery_fee_bands=json.dumps(bands)))
    assert page.status_code == 200
    assert "delivery_fee_bands" in page.content.decode() or "band" in page.content.decode()
    restaurant.refresh_from_db()
    assert restaurant.delivery_fee_bands == []


def test_owners_set_their_slot_capacity_but_not_their_fees():
    owner = RestaurantStaffFactory()
    restaurant_id = owner.restaurant_id
    restaurant_update(actor=owner.user, restaurant_id=restaurant_id, changes={"slot_capacity": 4})
    assert Restaurant.objects.get(pk=restaurant_id).slot_capacity == 4
    with pytest.raises(ValidationFailed) as refused:
        restaurant_update(
            actor=owner.user, restaurant_id=restaurant_id, changes={"delivery_fee_bands": BANDS}
        )
    assert refused.value.field == "delivery_fee_bands"
    with pytest.raises(ValidationFailed) as refused:
        restaurant_update(
            actor=owner.user, restaurant_id=restaurant_id, changes={"slot_minutes": 7}
        )
    assert refused.value.field == "slot_minutes"


def test_an_orders_page_shows_every_fee_and_a_scheduled_pickup(staff):
    order = PickupOrderFactory(
        subtotal=900,
        small_order_fee=120,
        service_fee=50,
        tip=100,
        total=900 + 120 + 50 + 100,
        scheduled_for=datetime(2026, 7, 1, 11, tzinfo=UTC),
        accept_by=datetime(2026, 7, 1, 10, tzinfo=UTC),
    )
    page = staff.get(reverse("admin:orders_order_change", args=[order.pk]))
    content = page.content.decode()
    for shown in (
        "Small-order fee",
        "1.20 EUR",
        "Service fee",
        "0.50 EUR",
        "Discount",
        "11.70 EUR",
        "Pickup, scheduled for 2026-07-01 12:00:00 WEST (11:00:00 UTC)",
        "accept by 2026-07-01 11:00:00 WEST (10:00:00 UTC)",
        "the customer collects it",
    ):
        assert shown in content, shown
