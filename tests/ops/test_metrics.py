"""Our own metrics count what happened, read from /metrics as Prometheus reads them."""

import urllib.request

import pytest
from django.db import transaction
from django.utils import timezone
from kombu import Connection
from prometheus_client.parser import text_string_to_metric_families

from orders.models import OrderStatus
from orders.services.lifecycle import order_transition
from payments import gateway
from tests.factories import DeliveryFactory, OrderFactory, RestaurantStaffFactory
from tests.live_servers import graphql_socket, live_servers
from tests.ops.test_logs import client_token
from tests.orders.checkout_helpers import global_id

BROKER_URL = "redis://127.0.0.1:6379/11"


def scrape(client) -> dict[tuple, float]:
    """Every sample of /metrics as {(name, frozenset(labels)): value}."""
    body = client.get("/metrics").content.decode()
    return samples_of(body)


def samples_of(body: str) -> dict[tuple, float]:
    return {
        (sample.name, frozenset(sample.labels.items())): sample.value
        for family in text_string_to_metric_families(body)
        for sample in family.samples
    }


def value(samples, name, **labels) -> float:
    return samples.get((name, frozenset(labels.items())), 0.0)


class Rejected(Exception):
    pass


@pytest.mark.django_db(transaction=True)
def test_order_transitions_are_counted_once_they_commit(client):
    order = OrderFactory(status=OrderStatus.PLACED)
    staff = RestaurantStaffFactory(restaurant=order.restaurant).user
    labels = {"from_status": "PLACED", "to_status": "REJECTED"}
    before = value(scrape(client), "order_transitions_total", **labels)

    with pytest.raises(Rejected), transaction.atomic():
        order_transition(
            order_id=order.pk, to_status=OrderStatus.REJECTED, actor=staff, now=timezone.now()
        )
        raise Rejected
    rolled_back = value(scrape(client), "order_transitions_total", **labels)
    order_transition(
        order_id=order.pk, to_status=OrderStatus.REJECTED, actor=staff, now=timezone.now()
    )

    assert rolled_back == before
    assert value(scrape(client), "order_transitions_total", **labels) == before + 1


@pytest.mark.django_db
def test_stripe_outcomes_are_counted_by_operation(client, localstripe, settings):
    before = scrape(client)
    declined = localstripe.payment_method("4000000000000341")
    intent = gateway.intent_create(
        amount=1500,
        currency="EUR",
        payment_method_id=declined,
        metadata={},
        idempotency_key="metrics-declined",
    )
    with pytest.raises(gateway.CardDeclined):
        gateway.intent_confirm(intent.id, idempotency_key="metrics-declined-confirm")
    settings.STRIPE_API_BASE = "http://127.0.0.1:9"  # nothing listens on the discard port
    with pytest.raises(gateway.GatewayUnavailable):
        gateway.intent_retrieve(intent.id)

    after = scrape(client)
    for labels in (
        {"operation": "create", "outcome": "requires_confirmation"},
        {"operation": "confirm", "outcome": "declined"},
        {"operation": "retrieve", "outcome": "unavailable"},
    ):
        grew = value(after, "payment_outcomes_total", **labels) - value(
            before, "payment_outcomes_total", **labels
        )
        assert grew == 1, labels


@pytest.mark.django_db
def test_tasks_are_counted_by_outcome(client):
    from orders.tasks import orders_expire_unpaid_task

    labels = {"task": "orders.expire_unpaid", "outcome": "success"}
    before = value(scrape(client), "celery_tasks_total", **labels)

    orders_expire_unpaid_task.delay()

    samples = scrape(client)
    assert value(samples, "celery_tasks_total", **labels) == before + 1
    assert value(samples, "celery_task_duration_seconds_count", task="orders.expire_unpaid") >= 1


@pytest.mark.django_db
def test_deliveries_waiting_and_queue_backlog_are_read_at_scrape_time(client, settings):
    settings.CELERY_BROKER_URL = BROKER_URL
    settings.CELERY_TASK_DEFAULT_QUEUE = "fd-metrics-test.default"
    settings.CELERY_TASK_ROUTES = {}
    DeliveryFactory.create_batch(2)
    with Connection(BROKER_URL) as broker:
        queue = broker.SimpleQueue("fd-metrics-test.default")
        try:
            for number in range(3):
                queue.put({"n": number})
            samples = scrape(client)
        finally:
            queue.clear()
            queue.close()

    assert value(samples, "deliveries_waiting_for_driver") == 2
    assert value(samples, "celery_queue_length", queue="fd-metrics-test.default") == 3


ORDER_UPDATED = "subscription ($id: ID!) { orderUpdated(orderId: $id) { id status } }"


@pytest.mark.integration
@pytest.mark.django_db(transaction=True)
def test_open_subscriptions_are_counted_while_they_last():
    order = OrderFactory(status=OrderStatus.PLACED)

    with live_servers(1) as [server]:

        def open_subscriptions() -> float:
            with urllib.request.urlopen(f"{server.http_url}/metrics", timeout=5) as response:  # noqa: S310
                return value(samples_of(response.read().decode()), "graphql_subscriptions_open")

        with graphql_socket(server, {"token": client_token(order.customer)}) as ws:
            ws.subscribe("1", ORDER_UPDATED, {"id": global_id("Order", order.pk)})
            assert ws.receive()["type"] == "next"
            during = open_subscriptions()
            ws.send({"id": "1", "type": "complete"})
            ws.assert_silent(0.5)
            after = open_subscriptions()

    assert (during, after) == (1.0, 0.0)
