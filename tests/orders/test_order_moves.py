"""The restaurant's and customer's moves through the GraphQL API, and their refusals."""

import base64

import pytest

from orders.models import OrderEvent, OrderStatus
from restaurants.models import StaffRole
from tests.factories import (
    AdminFactory,
    CustomerFactory,
    OrderFactory,
    RestaurantStaffFactory,
)

pytestmark = pytest.mark.django_db

MOVE_FIELDS = (
    "order { id status events { fromStatus toStatus actorRole reason } }"
    " errors { code field message }"
)


def mutation(name: str, input_type: str) -> str:
    return f"mutation($input: {input_type}!) {{ {name}(input: $input) {{ {MOVE_FIELDS} }} }}"


CANCEL = mutation("cancelOrder", "CancelOrderInput")
REJECT = mutation("rejectOrder", "RejectOrderInput")
READY = mutation("markOrderReady", "MarkOrderReadyInput")
ACCEPT = mutation("acceptOrder", "AcceptOrderInput")


def global_id(type_name: str, key) -> str:
    return base64.b64encode(f"{type_name}:{key}".encode()).decode()


def staff_of(order):
    return RestaurantStaffFactory(restaurant=order.restaurant).user


def move(gql, document, name, user, **input_fields):
    gql.login_as(user)
    return gql.data(document, {"input": input_fields})[name]


def test_staff_mark_an_accepted_order_ready(gql):
    order = OrderFactory(status=OrderStatus.ACCEPTED)

    payload = move(
        gql, READY, "markOrderReady", staff_of(order), orderId=global_id("Order", order.pk)
    )

    assert payload["errors"] == []
    assert payload["order"]["status"] == "READY_FOR_PICKUP"
    order.refresh_from_db()
    assert order.ready_at is not None


def test_staff_reject_a_placed_order_with_a_reason(gql):
    order = OrderFactory(status=OrderStatus.PLACED)

    payload = move(
        gql,
        REJECT,
        "rejectOrder",
        staff_of(order),
        orderId=global_id("Order", order.pk),
        reason="Out of fish",
    )

    assert payload["errors"] == []
    assert payload["order"]["status"] == "REJECTED"
    assert payload["order"]["events"][-1] == {
        "fromStatus": "PLACED",
        "toStatus": "REJECTED",
        "actorRole": "RESTAURANT_STAFF",
        "reason": "Out of fish",
    }


@pytest.mark.parametrize("status", [OrderStatus.PENDING_PAYMENT, OrderStatus.PLACED])
def test_customer_cancels_before_the_restaurant_accepts(gql, status):
    order = OrderFactory(status=status)

    payload = move(
        gql,
        CANCEL,
        "cancelOrder",
        order.customer,
        orderId=global_id("Order", order.pk),
        reason="Changed my mind",
    )

    assert payload["errors"] == []
    assert payload["order"]["status"] == "CANCELLED"
    assert payload["order"]["events"][-1]["actorRole"] == "CUSTOMER"


@pytest.mark.parametrize(
    "status", [OrderStatus.ACCEPTED, OrderStatus.READY_FOR_PICKUP, OrderStatus.DELIVERED]
)
def test_customer_cannot_cancel_once_accepted(gql, status):
    order = OrderFactory(status=status)

    payload = move(gql, CANCEL, "cancelOrder", order.customer, orderId=global_id("Order", order.pk))

    assert payload["order"] is None
    assert payload["errors"][0]["code"] == "INVALID_TRANSITION"
    order.refresh_from_db()
    assert order.status == status
    assert not OrderEvent.objects.filter(order=order).exists()


@pytest.mark.parametrize(
    ("document", "name", "status", "extra"),
    [
        (READY, "markOrderReady", OrderStatus.PLACED, {}),
        (READY, "markOrderReady", OrderStatus.READY_FOR_PICKUP, {}),
        (REJECT, "rejectOrder", OrderStatus.ACCEPTED, {}),
        (REJECT, "rejectOrder", OrderStatus.PENDING_PAYMENT, {}),
        (CANCEL, "cancelOrder", OrderStatus.DELIVERED, {}),
        (CANCEL, "cancelOrder", OrderStatus.REJECTED, {}),
        (ACCEPT, "acceptOrder", OrderStatus.ACCEPTED, {"preparationMinutes": 15}),
        (ACCEPT, "acceptOrder", OrderStatus.PENDING_PAYMENT, {"preparationMinutes": 15}),
        (ACCEPT, "acceptOrder", OrderStatus.CANCELLED, {"preparationMinutes": 15}),
    ],
)
def test_staff_moves_out_of_order_are_invalid_transitions(gql, document, name, status, extra):
    order = OrderFactory(status=status)

    payload = move(
        gql, document, name, staff_of(order), orderId=global_id("Order", order.pk), **extra
    )

    assert payload["errors"][0]["code"] == "INVALID_TRANSITION"
    order.refresh_from_db()
    assert order.status == status
    assert not OrderEvent.objects.filter(order=order).exists()


def test_customers_cannot_do_the_kitchens_moves(gql):
    order = OrderFactory(status=OrderStatus.ACCEPTED)

    payload = move(
        gql, READY, "markOrderReady", order.customer, orderId=global_id("Order", order.pk)
    )

    assert payload["errors"][0]["code"] == "INVALID_TRANSITION"


@pytest.mark.parametrize("status", [OrderStatus.ACCEPTED, OrderStatus.READY_FOR_PICKUP])
def test_plain_staff_cannot_cancel_a_captured_order_which_would_refund_it(gql, status):
    """Cancelling once the card is captured refunds everything: the same people as
    refundOrder (owners, managers, admins), not any member of the kitchen."""
    order = OrderFactory(status=status)
    staff = RestaurantStaffFactory(restaurant=order.restaurant, role=StaffRole.STAFF).user

    payload = move(gql, CANCEL, "cancelOrder", staff, orderId=global_id("Order", order.pk))

    assert payload["errors"][0]["code"] == "INVALID_TRANSITION"
    order.refresh_from_db()
    assert order.status == status


@pytest.mark.parametrize("role", [StaffRole.OWNER, StaffRole.MANAGER])
def test_owners_managers_and_admins_cancel_after_acceptance(gql, role):
    accepted = OrderFactory(status=OrderStatus.ACCEPTED)
    ready = OrderFactory(status=OrderStatus.READY_FOR_PICKUP)
    manager = RestaurantStaffFactory(restaurant=accepted.restaurant, role=role).user

    by_manager = move(gql, CANCEL, "cancelOrder", manager, orderId=global_id("Order", accepted.pk))
    by_admin = move(
        gql, CANCEL, "cancelOrder", AdminFactory(), orderId=global_id("Order", ready.pk)
    )

    assert by_manager["order"]["status"] == by_admin["order"]["status"] == "CANCELLED"
    assert by_manager["order"]["events"][-1]["actorRole"] == "RESTAURANT_MANAGER"
    assert by_admin["order"]["events"][-1]["actorRole"] == "ADMIN"


@pytest.mark.parametrize("order_id", ["garbage", None])
def test_strangers_and_bad_ids_get_not_found(gql, order_id):
    order = OrderFactory(status=OrderStatus.PLACED)
    raw_id = order_id or global_id("Order", order.pk)

    for outsider in (CustomerFactory(), RestaurantStaffFactory().user):
        payload = move(gql, REJECT, "rejectOrder", outsider, orderId=raw_id)
        assert payload["errors"][0]["code"] == "NOT_FOUND"
    order.refresh_from_db()
    assert order.status == OrderStatus.PLACED


def test_anonymous_moves_need_sign_in(gql):
    order = OrderFactory(status=OrderStatus.PLACED)
    result = gql.data(CANCEL, {"input": {"orderId": global_id("Order", order.pk)}})
    assert result["cancelOrder"]["errors"][0]["code"] == "NOT_AUTHENTICATED"


@pytest.mark.parametrize("minutes", [4, 181])
def test_preparation_time_is_bounded(gql, minutes):
    order = OrderFactory(status=OrderStatus.PLACED)

    payload = move(
        gql,
        ACCEPT,
        "acceptOrder",
        staff_of(order),
        orderId=global_id("Order", order.pk),
        preparationMinutes=minutes,
    )

    assert payload["errors"][0]["code"] == "VALIDATION"
    assert payload["errors"][0]["field"] == "preparationMinutes"


def test_reasons_are_bounded(gql):
    order = OrderFactory(status=OrderStatus.PLACED)
    payload = move(
        gql,
        REJECT,
        "rejectOrder",
        staff_of(order),
        orderId=global_id("Order", order.pk),
        reason="x" * 501,
    )
    assert payload["errors"][0]["field"] == "reason"
