"""Who hears what, exactly once, on which channels (Celery eager)."""

import json
import threading
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest
from django.core import mail
from django.utils import timezone

from notifications.models import Notification, NotificationPreference, NotificationSend
from notifications.services import order_event_notify
from orders.models import Order, OrderStatus
from orders.services.lifecycle import order_transition
from tests.factories import CustomerFactory, OrderFactory, RestaurantStaffFactory

pytestmark = pytest.mark.django_db
Status = NotificationSend.Status


@pytest.fixture
def outbox(tmp_path, settings):
    settings.NOTIFY_LOG_OUTBOX = str(tmp_path / "outbox.jsonl")
    path = tmp_path / "outbox.jsonl"

    def read():
        return [json.loads(line) for line in path.read_text().splitlines()] if path.exists() else []

    return read


def move(order, to_status, actor, capture, **fields):
    if to_status == OrderStatus.ACCEPTED and order.status == OrderStatus.PLACED:
        # Acceptance charges the card in between (orders.services.acceptance).
        Order.objects.filter(pk=order.pk).update(status=OrderStatus.ACCEPTING)
    with capture(execute=True):
        return order_transition(
            order_id=order.pk, to_status=to_status, actor=actor, now=timezone.now(), **fields
        )


def test_restaurant_staff_hear_of_a_new_paid_order(django_capture_on_commit_callbacks, outbox):
    order = OrderFactory(status=OrderStatus.PENDING_PAYMENT)
    owner = RestaurantStaffFactory(restaurant=order.restaurant).user
    RestaurantStaffFactory()  # staff of another restaurant hear nothing

    move(order, OrderStatus.PLACED, None, django_capture_on_commit_callbacks)

    notification = Notification.objects.get()
    assert (notification.recipient, notification.kind) == (owner, "ORDER_PLACED")
    assert order.number in notification.title
    assert [m.to for m in mail.outbox] == [[owner.email]]
    assert [m["channel"] for m in outbox()] == ["SMS", "PUSH"]


@pytest.mark.parametrize(
    ("to_status", "kind"),
    [
        (OrderStatus.ACCEPTED, "ORDER_ACCEPTED"),
        (OrderStatus.REJECTED, "ORDER_REJECTED"),
        (OrderStatus.CANCELLED, "ORDER_CANCELLED"),
    ],
)
def test_the_customer_hears_what_the_restaurant_decided(
    django_capture_on_commit_callbacks, outbox, to_status, kind
):
    order = OrderFactory(status=OrderStatus.PLACED)
    staff = RestaurantStaffFactory(restaurant=order.restaurant).user

    move(order, to_status, staff, django_capture_on_commit_callbacks, reason="Sorry")

    notification = Notification.objects.get(recipient=order.customer)
    assert notification.kind == kind
    assert not Notification.objects.filter(recipient=staff).exists()


def test_acceptance_tells_the_customer_when_to_expect_the_food(django_capture_on_commit_callbacks):
    order = OrderFactory(status=OrderStatus.PLACED)
    staff = RestaurantStaffFactory(restaurant=order.restaurant).user

    def set_eta(locked):
        locked.estimated_delivery_at = timezone.now() + timedelta(minutes=40)

    move(order, OrderStatus.ACCEPTED, staff, django_capture_on_commit_callbacks, apply=set_eta)

    assert "around" in Notification.objects.get(recipient=order.customer).body


def test_a_task_that_runs_twice_sends_each_message_once(django_capture_on_commit_callbacks, outbox):
    order = OrderFactory(status=OrderStatus.PLACED)
    staff = RestaurantStaffFactory(restaurant=order.restaurant).user
    order_after = move(order, OrderStatus.ACCEPTED, staff, django_capture_on_commit_callbacks)
    event = order_after.events.get(to_status=OrderStatus.ACCEPTED)

    order_event_notify(event_id=event.pk)
    order_event_notify(event_id=event.pk)

    assert Notification.objects.filter(recipient=order.customer).count() == 1
    assert len(mail.outbox) == 1
    assert len(outbox()) == 2  # one SMS, one push
    assert set(NotificationSend.objects.values_list("status", flat=True)) == {Status.SENT}


def test_a_send_interrupted_after_the_claim_is_completed_once(
    django_capture_on_commit_callbacks, outbox
):
    order = OrderFactory(status=OrderStatus.PLACED)
    staff = RestaurantStaffFactory(restaurant=order.restaurant).user
    order_after = move(order, OrderStatus.ACCEPTED, staff, django_capture_on_commit_callbacks)
    # As if a worker died after the provider took the SMS but before recording it.
    NotificationSend.objects.filter(channel="SMS").update(status=Status.SENDING)
    sms_key = str(NotificationSend.objects.get(channel="SMS").pk)

    order_event_notify(event_id=order_after.events.get(to_status=OrderStatus.ACCEPTED).pk)

    assert [m["idempotency_key"] for m in outbox() if m["channel"] == "SMS"] == [sms_key]
    assert NotificationSend.objects.get(channel="SMS").status == Status.SENT


def test_channels_turned_off_are_skipped(django_capture_on_commit_callbacks, outbox):
    order = OrderFactory(status=OrderStatus.PLACED)
    NotificationPreference.objects.create(
        user=order.customer, email_enabled=False, sms_enabled=False, push_enabled=True
    )
    staff = RestaurantStaffFactory(restaurant=order.restaurant).user

    move(order, OrderStatus.ACCEPTED, staff, django_capture_on_commit_callbacks)

    assert mail.outbox == []
    statuses = dict(NotificationSend.objects.values_list("channel", "status"))
    assert statuses == {"EMAIL": Status.SKIPPED, "SMS": Status.SKIPPED, "PUSH": Status.SENT}
    assert Notification.objects.filter(recipient=order.customer).count() == 1  # in-app stays


def test_a_rolled_back_transition_notifies_nobody(django_capture_on_commit_callbacks):
    order = OrderFactory(status=OrderStatus.PLACED)
    staff = RestaurantStaffFactory(restaurant=order.restaurant).user

    def capture_fails(locked):
        raise RuntimeError("card refused")

    with pytest.raises(RuntimeError):
        move(
            order,
            OrderStatus.ACCEPTED,
            staff,
            django_capture_on_commit_callbacks,
            apply=capture_fails,
        )

    assert not Notification.objects.exists()
    assert mail.outbox == []


class _Recorder(BaseHTTPRequestHandler):
    received: list = []

    def do_POST(self):
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        self.received.append((self.headers["Authorization"], self.headers["Idempotency-Key"], body))
        self.send_response(202)
        self.end_headers()

    def log_message(self, *args):
        pass


def test_the_http_provider_posts_each_message_with_its_key(
    django_capture_on_commit_callbacks, settings
):
    server = HTTPServer(("127.0.0.1", 0), _Recorder)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        url = f"http://127.0.0.1:{server.server_port}/send"
        settings.NOTIFY_SMS_URL = url
        settings.NOTIFY_PUSH_URL = url
        settings.NOTIFY_PROVIDER_TOKEN = "provider-token"
        order = OrderFactory(
            status=OrderStatus.PLACED, customer=CustomerFactory(phone="+351 911 111 111")
        )
        staff = RestaurantStaffFactory(restaurant=order.restaurant).user
        _Recorder.received = []

        move(order, OrderStatus.ACCEPTED, staff, django_capture_on_commit_callbacks)
    finally:
        server.shutdown()

    tokens = {auth for auth, _, _ in _Recorder.received}
    keys = sorted(key for _, key, _ in _Recorder.received)
    assert tokens == {"Bearer provider-token"}
    assert keys == sorted(
        str(pk)
        for pk in NotificationSend.objects.exclude(channel="EMAIL").values_list("pk", flat=True)
    )
    assert {body["to"] for _, _, body in _Recorder.received} >= {"+351 911 111 111"}


def test_texts_go_only_to_a_verified_phone(django_capture_on_commit_callbacks, outbox):
    order = OrderFactory(status=OrderStatus.PLACED)
    order.customer.__class__.objects.filter(pk=order.customer_id).update(phone_verified_at=None)
    staff = RestaurantStaffFactory(restaurant=order.restaurant).user

    move(order, OrderStatus.REJECTED, staff, django_capture_on_commit_callbacks, reason="Sorry")

    assert len(mail.outbox) == 1
    assert [message["channel"] for message in outbox()] == ["PUSH"]
