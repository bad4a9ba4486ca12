"""POST /webhooks/stripe/: verified, stored once, processed idempotently and never backwards."""

import hashlib
import hmac
import json
import time
import uuid

import pytest
from django.conf import settings

from orders.models import OrderStatus
from payments.models import Payment, PaymentStatus, StripeEvent
from payments.services import stripe_event_process
from tests.factories import OrderFactory

# Real commits: the endpoint processes an event only after its transaction commits.
pytestmark = pytest.mark.django_db(transaction=True)


def signed(payload: dict, *, secret: str | None = None, at: int | None = None) -> tuple[bytes, str]:
    """A body and Stripe-Signature header made the way Stripe makes them."""
    body = json.dumps(payload).encode()
    timestamp = at or int(time.time())
    digest = hmac.new(
        (secret or settings.STRIPE_WEBHOOK_SECRET).encode(),
        f"{timestamp}.".encode() + body,
        hashlib.sha256,
    ).hexdigest()
    return body, f"t={timestamp},v1={digest}"


def intent_event(payment: Payment, event_type: str, status: str, **intent_fields) -> dict:
    return {
        "id": f"evt_{uuid.uuid4().hex}",
        "object": "event",
        "type": event_type,
        "created": int(time.time()),
        "data": {
            "object": {
                "id": payment.stripe_payment_intent_id,
                "object": "payment_intent",
                "status": status,
                "amount": payment.amount,
                "amount_capturable": payment.amount if status == "requires_capture" else 0,
                "amount_received": payment.amount if status == "succeeded" else 0,
                "currency": "eur",
                "metadata": {"payment_id": str(payment.pk)},
                **intent_fields,
            }
        },
    }


def post(client, body: bytes, signature: str | None):
    headers = {"Stripe-Signature": signature} if signature is not None else {}
    return client.post("/webhooks/stripe/", body, content_type="application/json", headers=headers)


@pytest.fixture
def pending_payment():
    order = OrderFactory(status=OrderStatus.PENDING_PAYMENT, placed_at=None)
    return Payment.objects.create(
        order=order,
        currency="EUR",
        amount=order.total,
        payment_method_id="pm_x",
        idempotency_key=f"order-{order.pk}-attempt-1",
        stripe_payment_intent_id=f"pi_{uuid.uuid4().hex[:14]}",
        status=PaymentStatus.REQUIRES_ACTION,
    )


def deliver(client, payload: dict):
    body, signature = signed(payload)
    return post(client, body, signature)


def test_amount_capturable_updated_authorises_and_places_the_order(client, pending_payment):
    response = deliver(
        client,
        intent_event(
            pending_payment, "payment_intent.amount_capturable_updated", "requires_capture"
        ),
    )

    assert response.status_code == 200
    pending_payment.refresh_from_db()
    assert pending_payment.status == PaymentStatus.AUTHORIZED
    assert pending_payment.order.status == OrderStatus.PLACED
    assert StripeEvent.objects.get().status == StripeEvent.Status.PROCESSED


def test_a_replayed_event_is_stored_once_and_changes_nothing_more(client, pending_payment):
    event = intent_event(
        pending_payment, "payment_intent.amount_capturable_updated", "requires_capture"
    )
    deliver(client, event)

    again = deliver(client, event)

    assert again.status_code == 200
    assert StripeEvent.objects.count() == 1
    assert pending_payment.order.events.filter(to_status=OrderStatus.PLACED).count() == 1


def test_an_out_of_order_event_never_moves_backwards(client, pending_payment):
    deliver(client, intent_event(pending_payment, "payment_intent.succeeded", "succeeded"))
    deliver(
        client,
        intent_event(
            pending_payment, "payment_intent.amount_capturable_updated", "requires_capture"
        ),
    )
    deliver(
        client,
        intent_event(
            pending_payment,
            "payment_intent.payment_failed",
            "requires_payment_method",
            last_payment_error={"code": "card_declined", "message": "Declined late"},
        ),
    )

    pending_payment.refresh_from_db()
    assert pending_payment.status == PaymentStatus.CAPTURED


def test_payment_failed_fails_the_order_with_stripes_message(client, pending_payment):
    deliver(
        client,
        intent_event(
            pending_payment,
            "payment_intent.payment_failed",
            "requires_payment_method",
            last_payment_error={"code": "card_declined", "message": "Your card was declined."},
        ),
    )

    pending_payment.refresh_from_db()
    assert pending_payment.status == PaymentStatus.FAILED
    assert pending_payment.order.status == OrderStatus.PAYMENT_FAILED
    assert pending_payment.order.events.last().reason == "Your card was declined."


def test_canceled_authorisation_cancels_a_placed_order(client, pending_payment):
    Payment.objects.filter(pk=pending_payment.pk).update(status=PaymentStatus.AUTHORIZED)
    pending_payment.order.status = OrderStatus.PLACED
    pending_payment.order.save()

    deliver(client, intent_event(pending_payment, "payment_intent.canceled", "canceled"))

    pending_payment.refresh_from_db()
    assert pending_payment.status == PaymentStatus.CANCELED
    assert pending_payment.order.status == OrderStatus.CANCELLED


def test_charge_refunded_records_refunds_made_at_stripe(client, pending_payment):
    Payment.objects.filter(pk=pending_payment.pk).update(
        status=PaymentStatus.CAPTURED,
        amount_authorized=pending_payment.amount,
        amount_captured=pending_payment.amount,
    )
    charge = {
        "id": f"evt_{uuid.uuid4().hex}",
        "type": "charge.refunded",
        "created": int(time.time()),
        "data": {
            "object": {
                "id": "ch_1",
                "object": "charge",
                "payment_intent": pending_payment.stripe_payment_intent_id,
                "amount_refunded": 700,
                "refunds": {"data": []},
            }
        },
    }

    deliver(client, charge)

    pending_payment.refresh_from_db()
    assert pending_payment.amount_refunded == 700


def test_events_of_unknown_payments_are_ignored(client):
    response = deliver(
        client,
        {
            "id": "evt_other",
            "type": "payment_intent.succeeded",
            "created": int(time.time()),
            "data": {"object": {"id": "pi_not_ours", "status": "succeeded", "metadata": {}}},
        },
    )

    assert response.status_code == 200
    assert StripeEvent.objects.get().status == StripeEvent.Status.IGNORED


@pytest.mark.parametrize(
    "forge",
    [
        lambda body, sig: (body, None),
        lambda body, sig: (body, "t=1,v1=deadbeef"),
        lambda body, sig: (body + b" ", sig),
        lambda body, sig: signed(json.loads(body), secret="whsec_someone_else"),
        lambda body, sig: signed(json.loads(body), at=int(time.time()) - 3600),
        lambda body, sig: signed({"padding": "x" * 300_000}),
    ],
    ids=["unsigned", "bad-signature", "altered-body", "other-secret", "stale", "oversized"],
)
def test_bad_calls_are_refused_and_store_nothing(client, pending_payment, forge):
    body, signature = signed(intent_event(pending_payment, "payment_intent.succeeded", "succeeded"))

    response = post(client, *forge(body, signature))

    assert response.status_code == 400
    assert not StripeEvent.objects.exists()
    pending_payment.refresh_from_db()
    assert pending_payment.status == PaymentStatus.REQUIRES_ACTION


def test_a_failure_while_processing_is_recorded_and_processed_again(client, pending_payment):
    # A payload our code cannot store (a malformed amount) makes processing fail for real.
    event = intent_event(pending_payment, "payment_intent.succeeded", "succeeded")
    event["data"]["object"]["amount"] = "not-a-number"

    deliver(client, event)

    stored = StripeEvent.objects.get()
    assert stored.status == StripeEvent.Status.FAILED
    assert stored.attempts >= 1 and stored.last_error

    stored.payload["data"]["object"]["amount"] = pending_payment.amount
    stored.save()
    stripe_event_process(event_id=stored.pk, now=stored.received_at)

    stored.refresh_from_db()
    pending_payment.refresh_from_db()
    assert stored.status == StripeEvent.Status.PROCESSED
    assert pending_payment.status == PaymentStatus.CAPTURED
