"""Orders in the admin: searchable, read-only history, actions through the services; and the
event log refuses edits in PostgreSQL itself."""

from datetime import UTC, datetime

import pytest
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from delivery.models import Delivery, DeliveryOffer, DeliveryStatus
from orders.models import Order, OrderEvent, OrderStatus
from orders.services.lifecycle import order_transition
from payments.models import Payment, PaymentStatus, Refund
from tests.factories import (
    AdminFactory,
    CustomerFactory,
    DriverFactory,
    OrderFactory,
    OrderLineFactory,
    RestaurantFactory,
    RestaurantStaffFactory,
)
from tests.orders.checkout_helpers import PLACE_ORDER, a_menu, checkout_input, line

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_browser(client):
    client.force_login(AdminFactory())
    return client


def test_orders_are_found_by_number_customer_email_and_restaurant(admin_browser):
    wanted = OrderFactory(
        number="WANTED01",
        customer=CustomerFactory(email="hungry@example.test"),
        restaurant__name="Tasca do Zé",
    )
    other = OrderFactory(number="OTHER002", restaurant__name="Cantina")
    url = reverse("admin:orders_order_changelist")

    for term in (wanted.number, "hungry@example", wanted.restaurant.name):
        page = admin_browser.get(url, {"q": term}).content.decode()
        assert wanted.number in page
        assert other.number not in page


def test_orders_filter_by_status(admin_browser):
    placed = OrderFactory(status=OrderStatus.PLACED)
    delivered = OrderFactory(status=OrderStatus.DELIVERED)

    page = admin_browser.get(
        reverse("admin:orders_order_changelist"), {"status__exact": "DELIVERED"}
    ).content.decode()

    assert delivered.number in page
    assert placed.number not in page


def test_the_order_page_shows_its_history_read_only(admin_browser):
    order = OrderFactory(status=OrderStatus.PLACED)
    order_transition(
        order_id=order.pk,
        to_status=OrderStatus.REJECTED,
        actor=RestaurantStaffFactory(restaurant=order.restaurant).user,
        now=timezone.now(),
        reason="Kitchen on fire",
    )

    page = admin_browser.get(reverse("admin:orders_order_change", args=[order.pk]))

    assert page.status_code == 200
    content = page.content.decode()
    assert "Kitchen on fire" in content
    assert 'name="events-0-reason"' not in content  # no editable inline field


def test_the_cancel_action_goes_through_the_status_machine(admin_browser):
    cancellable = OrderFactory(status=OrderStatus.PLACED)
    finished = OrderFactory(status=OrderStatus.DELIVERED)

    url = reverse("admin:orders_order_changelist")
    chosen = {"action": "cancel_orders", "_selected_action": [cancellable.pk, finished.pk]}
    asking = admin_browser.post(url, chosen)
    assert "Cancel the selected orders" in asking.content.decode()
    assert OrderStatus.CANCELLED not in Order.objects.values_list("status", flat=True)

    without_reason = admin_browser.post(url, {**chosen, "confirmed": "yes"})
    assert "This field is required." in without_reason.content.decode()
    response = admin_browser.post(
        url, {**chosen, "confirmed": "yes", "reason": "Customer called"}, follow=True
    )

    cancellable.refresh_from_db()
    finished.refresh_from_db()
    assert cancellable.status == OrderStatus.CANCELLED
    assert OrderEvent.objects.get(order=cancellable).actor_role == "ADMIN"
    assert finished.status == OrderStatus.DELIVERED
    assert "cannot become cancelled" in response.content.decode()


def test_the_event_log_refuses_updates_and_deletes():
    order = OrderFactory(status=OrderStatus.PLACED)
    event = OrderEvent.objects.create(
        order=order, to_status="PLACED", actor_role="SYSTEM", sequence=1
    )

    with pytest.raises(IntegrityError), transaction.atomic():
        OrderEvent.objects.filter(pk=event.pk).update(reason="rewritten")
    with pytest.raises(IntegrityError), transaction.atomic():
        OrderEvent.objects.filter(pk=event.pk).delete()
    assert OrderEvent.objects.get(pk=event.pk).reason == ""


def test_deleting_an_actors_account_keeps_the_event_without_the_actor():
    staff = RestaurantStaffFactory()
    order = OrderFactory(status=OrderStatus.ACCEPTING, restaurant=staff.restaurant)
    order_transition(
        order_id=order.pk, to_status=OrderStatus.ACCEPTED, actor=staff.user, now=timezone.now()
    )

    staff.user.delete()

    event = OrderEvent.objects.get(order=order)
    assert event.actor is None
    assert event.actor_role == "RESTAURANT_STAFF"


# --- The order's whole story, and lists at a constant cost ---------------------------------


def _story_order():
    restaurant = RestaurantFactory(name="Tasca", time_zone="Europe/Lisbon", currency="EUR")
    order = OrderFactory(
        restaurant=restaurant,
        status=OrderStatus.DELIVERED,
        subtotal=2500,
        delivery_fee=250,
        tip=100,
        delivery_address={
            "label": "Home",
            "line1": "Rua Augusta 1",
            "city": "Lisbon",
            "postalCode": "1100-048",
            "country": "PT",
        },
        created_at=datetime(2026, 7, 1, 11, 0, tzinfo=UTC),
    )
    OrderLineFactory(
        order=order,
        name="Pizza",
        unit_price=1250,
        quantity=2,
        options=[{"id": "x", "group": "Size", "name": "Large", "priceDelta": 300}],
    )
    OrderEvent.objects.create(
        order=order,
        from_status=OrderStatus.PLACED,
        to_status=OrderStatus.ACCEPTED,
        actor_role="RESTAURANT_STAFF",
        sequence=1,
        reason="",
        created_at=datetime(2026, 7, 1, 11, 5, tzinfo=UTC),
    )
    payment = Payment.objects.create(
        order=order,
        currency="EUR",
        amount=order.total,
        amount_authorized=order.total,
        amount_captured=order.total,
        amount_refunded=500,
        status=PaymentStatus.CAPTURED,
        payment_method_id="pm",
        idempotency_key=f"k-{order.pk}",
        stripe_payment_intent_id=f"pi_story_{order.number}",
    )
    Refund.objects.create(
        payment=payment,
        amount=500,
        status=Refund.Status.SUCCEEDED,
        stripe_refund_id=f"re_story_{order.number}",
        reason="Cold fries",
        idempotency_key=f"r-{order.pk}",
    )
    driver = DriverFactory(email=f"dina-{order.number}@example.test")
    delivery = Delivery.objects.create(
        order=order, status=DeliveryStatus.DELIVERED, driver=driver, dispatch_attempts=2
    )
    DeliveryOffer.objects.create(
        delivery=delivery,
        driver=DriverFactory(email=f"declined-{order.number}@example.test"),
        status="DECLINED",
        distance_m=900,
        offered_at=order.created_at,
        expires_at=order.created_at,
    )
    return order


def test_the_order_page_tells_the_whole_story_read_only(admin_browser):
    order = _story_order()

    page = admin_browser.get(reverse("admin:orders_order_change", args=[order.pk]))

    content = page.content.decode()
    for shown in (
        "28.50 EUR",  # total, with its currency
        "25.00 EUR",
        "Size: Large (+3.00 EUR)",  # options for people, not JSON
        "Home, Rua Augusta 1, 1100-048, Lisbon, PT",
        "2026-07-01 12:00:00 WEST (11:00:00 UTC)",  # the restaurant's time zone beside UTC
        "2026-07-01 12:05:00 WEST (11:05:00 UTC)",
        f"pi_story_{order.number}",
        f"re_story_{order.number}",
        "Cold fries",
        "5.00 EUR",
        f"dina-{order.number}@example.test",
        f"declined-{order.number}@example.test",
        reverse("admin:payments_payment_change", args=[order.payments.get().pk]),
        reverse("admin:restaurants_restaurant_change", args=[order.restaurant_id]),
    ):
        assert shown in content, shown
    assert 'name="_save"' not in content  # no SAVE button under a read-only order
    assert '"id": "x"' not in content


def test_refunds_and_payments_are_listed_by_order_number_with_money(admin_browser):
    order = _story_order()

    refunds = admin_browser.get(reverse("admin:payments_refund_changelist")).content.decode()
    payments = admin_browser.get(reverse("admin:payments_payment_changelist")).content.decode()

    assert f">{order.number}</a>" in refunds and "5.00 EUR" in refunds
    assert f">{order.number}</a>" in payments and "28.50 EUR" in payments


@pytest.mark.parametrize(
    "url_name",
    [
        "admin:orders_order_changelist",
        "admin:payments_refund_changelist",
        "admin:payments_payment_changelist",
        "admin:delivery_delivery_changelist",
    ],
)
def test_lists_cost_the_same_queries_for_one_row_and_twenty(admin_browser, url_name):
    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert admin_browser.get(reverse(url_name)).status_code == 200
        return len(captured)

    _story_order()
    one = queries()
    for _ in range(19):
        _story_order()
    assert queries() == one


def test_orders_filter_by_restaurant_payment_status_and_waiting_for_a_driver(admin_browser):
    story = _story_order()
    waiting = OrderFactory(status=OrderStatus.ACCEPTED)
    Delivery.objects.create(order=waiting, status=DeliveryStatus.WAITING_FOR_DRIVER)
    url = reverse("admin:orders_order_changelist")

    def listed(**query) -> set[str]:
        page = admin_browser.get(url, query).content.decode()
        return {number for number in (story.number, waiting.number) if number in page}

    assert listed(restaurant=str(story.restaurant_id)) == {story.number}
    assert listed(payment="CAPTURED") == {story.number}
    assert listed(driver="waiting") == {waiting.number}
    assert listed(restaurant="not-a-uuid") == set()


def test_the_restaurant_filter_autocompletes_by_name(admin_browser):
    RestaurantFactory(name="Tasca do Zé")
    RestaurantFactory(name="Cantina")

    found = admin_browser.get(
        reverse("admin:autocomplete"),
        {"term": "tasca", "app_label": "orders", "model_name": "order", "field_name": "restaurant"},
    ).json()

    assert [result["text"] for result in found["results"]] == ["Tasca do Zé"]


# --- Actions through the API's services -----------------------------------------------------


@pytest.fixture
def placed(gql, localstripe):
    menu = a_menu(time_zone="Europe/Lisbon")
    gql.login_as(menu.customer)
    variables = {
        "input": checkout_input(menu, [line(menu.soup, 4)], payment_method_id="pm_card_visa")
    }
    assert gql.data(PLACE_ORDER, variables)["placeOrder"]["order"]["status"] == "PLACED"
    return Order.objects.get()


def _act(client, order, action, **fields):
    return client.post(
        reverse("admin:orders_order_changelist"),
        {"action": action, "_selected_action": [str(order.pk)], **fields},
        follow=True,
    )


def test_accepting_asks_first_then_charges_the_card(admin_browser, placed):
    page = admin_browser.get(reverse("admin:orders_order_change", args=[placed.pk]))
    assert 'data-action="accept_orders"' in page.content.decode()

    asking = _act(admin_browser, placed, "accept_orders")
    assert 'name="preparation_minutes"' in asking.content.decode()
    placed.refresh_from_db()
    assert placed.status == OrderStatus.PLACED

    done = _act(
        admin_browser,
        placed,
        "accept_orders",
        confirmed="yes",
        preparation_minutes="25",
        _next=reverse("admin:orders_order_change", args=[placed.pk]),
    )

    placed.refresh_from_db()
    assert placed.status == OrderStatus.ACCEPTED
    assert placed.preparation_minutes == 25
    assert placed.payments.get().status == PaymentStatus.CAPTURED
    assert "1 order(s) accepted." in done.content.decode()
    assert done.redirect_chain[-1][0].endswith(f"/{placed.pk}/change/")


def test_rejecting_needs_a_reason_and_releases_the_hold(admin_browser, placed):
    _act(admin_browser, placed, "reject_orders", confirmed="yes", reason="")
    placed.refresh_from_db()
    assert placed.status == OrderStatus.PLACED

    _act(admin_browser, placed, "reject_orders", confirmed="yes", reason="Out of dough")

    placed.refresh_from_db()
    assert placed.status == OrderStatus.REJECTED
    assert placed.events.get(to_status=OrderStatus.REJECTED).reason == "Out of dough"


def test_ready_and_a_refused_move_says_why(admin_browser, placed):
    refused = _act(admin_browser, placed, "mark_ready", confirmed="yes")
    assert "cannot become ready for pickup" in refused.content.decode()

    _act(admin_browser, placed, "accept_orders", confirmed="yes", preparation_minutes="10")
    _act(admin_browser, placed, "mark_ready", confirmed="yes")

    placed.refresh_from_db()
    assert placed.status == OrderStatus.READY_FOR_PICKUP


def test_refunding_part_of_a_delivered_order(admin_browser, placed, localstripe):
    _act(admin_browser, placed, "accept_orders", confirmed="yes", preparation_minutes="10")
    Order.objects.filter(pk=placed.pk).update(status=OrderStatus.DELIVERED)
    asking = _act(admin_browser, placed, "refund_order").content.decode()
    assert "Up to 20.50 EUR can be refunded." in asking
    key = "admin-test-refund-1"

    too_much = _act(
        admin_browser,
        placed,
        "refund_order",
        confirmed="yes",
        amount="30.00",
        reason="Cold",
        idempotency_key=key,
    )
    assert "Up to 2050 can be refunded" in too_much.content.decode()
    assert not Refund.objects.exists()

    for _ in range(2):  # a double submit of one confirmation page refunds once
        done = _act(
            admin_browser,
            placed,
            "refund_order",
            confirmed="yes",
            amount="5.50",
            reason="Cold fries",
            idempotency_key=key,
        )
    refund = Refund.objects.get()
    assert (refund.amount, refund.status, refund.reason) == (550, "SUCCEEDED", "Cold fries")
    assert "refund of 5.50 EUR succeeded" in done.content.decode()
    stripe_refund = localstripe.get(f"/v1/refunds/{refund.stripe_refund_id}")
    assert stripe_refund["amount"] == 550


def test_redispatch_goes_through_dispatch_and_refuses_a_taken_delivery(admin_browser):
    waiting = OrderFactory(status=OrderStatus.ACCEPTED)
    Delivery.objects.create(order=waiting, status=DeliveryStatus.WAITING_FOR_DRIVER)
    taken = OrderFactory(status=OrderStatus.ACCEPTED)
    Delivery.objects.create(order=taken, status=DeliveryStatus.ASSIGNED, driver=DriverFactory())

    nobody = _act(admin_browser, waiting, "redispatch", confirmed="yes").content.decode()
    refused = _act(admin_browser, taken, "redispatch", confirmed="yes").content.decode()

    assert "no free driver nearby yet" in nobody
    assert Delivery.objects.get(order=waiting).dispatch_attempts == 1
    assert "This delivery is driver assigned: there is nobody to find." in refused
