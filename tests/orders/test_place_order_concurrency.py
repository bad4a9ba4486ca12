"""The same checkout sent several times at the same instant: one order, one payment."""

import threading

import pytest
from django.db import connection
from django.utils import timezone

from orders.models import Order
from orders.services.checkout import CartLine, order_place
from payments.models import Payment
from tests.orders.checkout_helpers import a_menu

# Checkout needs the catalogue's rules; money moves through the real payment service.


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("payments_live")
def test_concurrent_requests_with_one_key_make_one_order_and_one_payment():
    menu = a_menu()
    requests = 4
    barrier = threading.Barrier(requests)
    order_ids, failures = [], []

    def place():
        try:
            barrier.wait(timeout=10)
            result = order_place(
                customer=menu.customer,
                restaurant_id=menu.restaurant.pk,
                delivery_address_id=menu.address.pk,
                items=[CartLine(menu_item_id=menu.soup.pk, quantity=3)],
                tip=0,
                payment_method_id="pm_card_visa",
                idempotency_key="double-click-0001",
                now=timezone.now(),
            )
            order_ids.append(result.order.pk)
        except Exception as error:  # noqa: BLE001 - reported below
            failures.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=place) for _ in range(requests)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert failures == []
    assert len(order_ids) == requests
    assert len(set(order_ids)) == 1
    assert Order.objects.count() == 1
    assert Payment.objects.count() == 1
    assert Order.objects.get().status == "PLACED"


@pytest.mark.django_db(transaction=True)
def test_retries_of_one_checkout_in_flight_hold_the_card_once(localstripe):
    """Clients retrying a slow checkout: however many arrive while the first is still talking
    to Stripe, one intent is created, one hold is made, and nobody is told the card failed."""
    menu = a_menu()
    requests = 16
    barrier = threading.Barrier(requests)
    results, failures = [], []
    card = localstripe.payment_method()

    def place():
        try:
            barrier.wait(timeout=10)
            results.append(
                order_place(
                    customer=menu.customer,
                    restaurant_id=menu.restaurant.pk,
                    delivery_address_id=menu.address.pk,
                    items=[CartLine(menu_item_id=menu.soup.pk, quantity=3)],
                    tip=0,
                    payment_method_id=card,
                    idempotency_key="retry-storm-0001",
                    now=timezone.now(),
                )
            )
        except Exception as error:  # noqa: BLE001 - reported below
            failures.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=place) for _ in range(requests)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert failures == []
    assert len({result.order.pk for result in results}) == 1
    declined = [r for r in results if r.payment_result and r.payment_result.status == "FAILED"]
    assert declined == []
    intents = localstripe.get("/v1/payment_intents")["data"]
    assert len(intents) == 1, [intent["status"] for intent in intents]
    assert Payment.objects.get().status == "AUTHORIZED"
    assert Order.objects.get().status == "PLACED"
