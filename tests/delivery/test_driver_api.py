"""The driver's API and the dispatch views, through the real GraphQL endpoint."""

from decimal import Decimal

import pytest
from django.utils import timezone
from strawberry import relay

from delivery.models import Delivery, DeliveryOffer, DeliveryStatus, OfferStatus
from delivery.services.dispatch import delivery_accept, delivery_dispatch
from delivery.services.steps import delivery_mark_picked_up
from orders.models import OrderStatus
from orders.services.lifecycle import order_transition
from tests.delivery.dispatch_helpers import accepted_order, driver_at
from tests.factories import (
    AdminFactory,
    CustomerFactory,
    DriverFactory,
    RestaurantFactory,
    RestaurantStaffFactory,
)

pytestmark = pytest.mark.django_db

SET_AVAILABILITY = """
mutation ($input: SetDriverAvailabilityInput!) {
  setDriverAvailability(input: $input) {
    driver { available latitude longitude locationUpdatedAt }
    errors { code field message }
  }
}
"""
UPDATE_LOCATION = """
mutation ($lat: Float!, $lng: Float!) {
  updateDriverLocation(input: {latitude: $lat, longitude: $lng}) {
    driver { latitude longitude } errors { code field }
  }
}
"""
OFFERS = """
{ myDeliveryOffers {
    orderId orderNumber restaurantName pickupAddress { line1 city latitude }
    dropoff { city latitude longitude } distanceKm tripKm tip { amount currency } expiresAt
} }
"""
ACCEPT = """
mutation ($id: ID!) {
  acceptDelivery(input: {orderId: $id}) {
    order { id status delivery { status driver { fullName } } } errors { code message }
  }
}
"""
DECLINE = """
mutation ($id: ID!) { declineDelivery(input: {orderId: $id}) { ok errors { code } } }
"""
PICKED_UP = """
mutation ($id: ID!) {
  markPickedUp(input: {orderId: $id}) { order { status delivery { status } } errors { code } }
}
"""
DELIVERED = """
mutation ($id: ID!) {
  markDelivered(input: {orderId: $id}) { order { status } errors { code } }
}
"""
ORDER_DELIVERY = """
query ($id: ID!) {
  order(id: $id) {
    status
    delivery { status driver { fullName } driverLocation { latitude longitude updatedAt } }
  }
}
"""
MY_DELIVERIES = """
query ($first: Int) {
  myDeliveries(first: $first) {
    totalCount
    edges { node { id number status items { name } delivery { status driver { fullName } } } }
  }
}
"""
WAITING = """
query ($restaurantId: ID) {
  deliveriesWaiting(restaurantId: $restaurantId, first: 50) {
    totalCount edges { node { number delivery { status dispatchAttempts nextDispatchAt } } }
  }
}
"""


def gid(order) -> str:
    return str(relay.GlobalID("Order", str(order.pk)))


def offered(order):
    delivery_dispatch(order_id=order.pk, now=timezone.now())
    return DeliveryOffer.objects.get(delivery__order=order, status=OfferStatus.PENDING)


def ready(order):
    staff = RestaurantStaffFactory(restaurant=order.restaurant).user
    order_transition(
        order_id=order.pk, to_status=OrderStatus.READY_FOR_PICKUP, actor=staff, now=timezone.now()
    )


def test_driver_goes_on_shift(gql):
    gql.login_as(DriverFactory())

    data = gql.data(
        SET_AVAILABILITY, {"input": {"available": True, "latitude": 38.7, "longitude": -9.1}}
    )

    payload = data["setDriverAvailability"]
    assert payload["errors"] == []
    assert payload["driver"]["available"] is True
    assert (payload["driver"]["latitude"], payload["driver"]["longitude"]) == (38.7, -9.1)


def test_customers_cannot_go_on_shift(gql):
    gql.login_as(CustomerFactory())

    data = gql.data(
        SET_AVAILABILITY, {"input": {"available": True, "latitude": 38.7, "longitude": -9.1}}
    )

    assert data["setDriverAvailability"]["errors"][0]["code"] == "FORBIDDEN"


def test_impossible_location_is_a_validation_error_on_its_field(gql):
    gql.login_as(DriverFactory())

    data = gql.data(UPDATE_LOCATION, {"lat": 12.0, "lng": 200.0})

    assert data["updateDriverLocation"]["errors"] == [{"code": "VALIDATION", "field": "longitude"}]


def test_signed_out_caller_is_told_to_sign_in(gql):
    data = gql.data(UPDATE_LOCATION, {"lat": 1.0, "lng": 1.0})

    assert data["updateDriverLocation"]["errors"][0]["code"] == "NOT_AUTHENTICATED"


def test_driver_sees_what_they_need_to_decide_but_not_the_order(gql):
    driver = driver_at(1)
    order = accepted_order(
        tip=300,
        total=3050,
        delivery_latitude=Decimal("38.716812"),
        delivery_longitude=Decimal("-9.139127"),
    )
    offered(order)
    gql.login_as(driver)

    offers = gql.data(OFFERS)["myDeliveryOffers"]
    hidden = gql.execute(ORDER_DELIVERY, {"id": gid(order)})

    assert len(offers) == 1
    offer = offers[0]
    assert offer["orderId"] == gid(order)
    assert offer["orderNumber"] == order.number
    assert offer["restaurantName"] == order.restaurant.name
    assert offer["pickupAddress"]["city"] == "Lisbon"
    assert offer["distanceKm"] == pytest.approx(1.0, abs=0.05)
    assert offer["tip"] == {"amount": 300, "currency": "EUR"}
    # The drop-off is an area (about 1 km): not the customer's door, before anyone accepts.
    exact = (float(order.delivery_latitude), float(order.delivery_longitude))
    shown = (offer["dropoff"]["latitude"], offer["dropoff"]["longitude"])
    assert shown == (round(exact[0], 2), round(exact[1], 2))
    assert shown != exact
    assert hidden.data["order"] is None
    assert hidden.errors[0]["extensions"]["code"] == "NOT_FOUND"


def test_other_drivers_do_not_see_the_offer(gql):
    driver_at(1)
    offered(accepted_order())
    gql.login_as(driver_at(2))

    assert gql.data(OFFERS)["myDeliveryOffers"] == []


def test_accepting_assigns_the_driver_and_shows_them_the_order(gql):
    driver = driver_at(1, full_name="Dana Driver")
    order = accepted_order()
    offered(order)
    gql.login_as(driver)

    payload = gql.data(ACCEPT, {"id": gid(order)})["acceptDelivery"]

    assert payload["errors"] == []
    assert payload["order"]["delivery"] == {
        "status": "ASSIGNED",
        "driver": {"fullName": "Dana Driver"},
    }
    assert gql.data(ORDER_DELIVERY, {"id": gid(order)})["order"]["status"] == "ACCEPTED"


def test_a_driver_who_was_not_offered_the_delivery_cannot_take_it(gql):
    driver_at(1)
    order = accepted_order()
    offered(order)
    gql.login_as(driver_at(2))

    payload = gql.data(ACCEPT, {"id": gid(order)})["acceptDelivery"]

    assert payload == {
        "order": None,
        "errors": [{"code": "NOT_FOUND", "message": "No such order."}],
    }


@pytest.mark.parametrize("bad_id", ["nonsense", str(relay.GlobalID("Restaurant", "1"))])
def test_malformed_order_id_is_not_found(gql, bad_id):
    gql.login_as(driver_at(1))

    payload = gql.data(ACCEPT, {"id": bad_id})["acceptDelivery"]

    assert payload["errors"][0]["code"] == "NOT_FOUND"


def test_declining_passes_the_delivery_to_the_next_driver(gql):
    first = driver_at(1)
    second = driver_at(2)
    order = accepted_order()
    offered(order)
    gql.login_as(first)

    payload = gql.data(DECLINE, {"id": gid(order)})["declineDelivery"]

    assert payload == {"ok": True, "errors": []}
    assert DeliveryOffer.objects.get(status=OfferStatus.PENDING).driver == second
    assert gql.data(DECLINE, {"id": gid(order)})["declineDelivery"]["errors"] == [
        {"code": "CONFLICT"}
    ]


def test_pickup_waits_for_the_kitchen_then_delivery_completes(gql):
    driver = driver_at(1)
    order = accepted_order()
    offered(order)
    delivery_accept(order_id=order.pk, driver=driver, now=timezone.now())
    gql.login_as(driver)

    too_early = gql.data(PICKED_UP, {"id": gid(order)})["markPickedUp"]
    ready(order)
    picked_up = gql.data(PICKED_UP, {"id": gid(order)})["markPickedUp"]
    delivered = gql.data(DELIVERED, {"id": gid(order)})["markDelivered"]

    assert too_early["errors"] == [{"code": "INVALID_TRANSITION"}]
    assert picked_up == {
        "order": {"status": "PICKED_UP", "delivery": {"status": "PICKED_UP"}},
        "errors": [],
    }
    assert delivered == {"order": {"status": "DELIVERED"}, "errors": []}


def test_customer_sees_the_drivers_name_and_location_only_while_picked_up(gql):
    driver = driver_at(1, full_name="Dana Driver")
    order = accepted_order()
    offered(order)
    delivery_accept(order_id=order.pk, driver=driver, now=timezone.now())
    gql.login_as(order.customer)

    def delivery():
        return gql.data(ORDER_DELIVERY, {"id": gid(order)})["order"]["delivery"]

    assigned = delivery()
    ready(order)
    delivery_mark_picked_up(order_id=order.pk, driver=driver, now=timezone.now())
    on_the_way = delivery()
    Delivery.objects.filter(order=order).update(status=DeliveryStatus.DELIVERED)
    handed_over = delivery()

    assert assigned["driver"] == {"fullName": "Dana Driver"}
    assert assigned["driverLocation"] is None
    assert on_the_way["driverLocation"]["latitude"] == pytest.approx(38.7313, abs=1e-3)
    assert on_the_way["driverLocation"]["updatedAt"] is not None
    assert handed_over["driverLocation"] is None


def deliveries_for(driver, count):
    for _ in range(count):
        order = accepted_order()
        Delivery.objects.create(
            order=order, driver=driver, status=DeliveryStatus.DELIVERED, assigned_at=timezone.now()
        )


@pytest.mark.parametrize("count", [2, 12])
def test_my_deliveries_lists_only_the_drivers_own_in_constant_queries(
    gql, django_assert_num_queries, count
):
    driver = DriverFactory()
    deliveries_for(driver, count)
    deliveries_for(DriverFactory(), 3)
    gql.login_as(driver)

    # the caller; the page with its total, deliveries and drivers joined; the items
    with django_assert_num_queries(3):
        data = gql.data(MY_DELIVERIES, {"first": 50})

    assert data["myDeliveries"]["totalCount"] == count
    assert len(data["myDeliveries"]["edges"]) == count


def test_my_deliveries_is_for_drivers(gql):
    gql.login_as(CustomerFactory())

    result = gql.execute(MY_DELIVERIES, {"first": 5})

    assert result.errors[0]["extensions"]["code"] == "FORBIDDEN"


def waiting_orders(restaurant, count):
    orders = [accepted_order(restaurant=restaurant) for _ in range(count)]
    for order in orders:
        delivery_dispatch(order_id=order.pk, now=timezone.now())
    return orders


@pytest.mark.parametrize("count", [1, 8])
def test_staff_see_their_restaurants_waiting_deliveries_in_constant_queries(
    gql, django_assert_num_queries, count
):
    membership = RestaurantStaffFactory()
    waiting_orders(membership.restaurant, count)
    waiting_orders(RestaurantFactory(), 2)
    gql.login_as(membership.user)

    # the caller; the page with its total and deliveries joined
    with django_assert_num_queries(2):
        data = gql.data(WAITING)

    assert data["deliveriesWaiting"]["totalCount"] == count
    node = data["deliveriesWaiting"]["edges"][0]["node"]
    assert node["delivery"]["status"] == "WAITING_FOR_DRIVER"
    assert node["delivery"]["dispatchAttempts"] == 1
    assert node["delivery"]["nextDispatchAt"] is not None


def test_admins_see_every_waiting_delivery_and_customers_none(gql):
    waiting_orders(RestaurantFactory(), 2)
    waiting_orders(RestaurantFactory(), 1)

    admin_view = gql.login_as(AdminFactory()).data(WAITING)
    customer_view = gql.login_as(CustomerFactory()).execute(WAITING)

    assert admin_view["deliveriesWaiting"]["totalCount"] == 3
    assert customer_view.errors[0]["extensions"]["code"] == "FORBIDDEN"
