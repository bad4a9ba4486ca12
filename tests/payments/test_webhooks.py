"""POST /webhooks/stripe/: verified, stored once, and treated as a hint — what an event says is
re-read from Stripe (localstripe here) and only Stripe's answer moves money in the ledger."""

import hashlib
import hmac
import json
import time
import uuid

import pytest
from django.conf import settings
from django.utils import timezone

from orders.models import Order, OrderStatus
from orders.services.acceptance import order_accept
from payments import localstripe as server
from payments.errors import PaymentCaptureFailed
from payments.models import Payment, PaymentStatus, StripeEvent
from payments.services import stripe_event_process
from restaurants.models import StaffRole
from tests.factories import RestaurantStaffFactory
from tests.faults import fault_proxy
from tests.orders.checkout_helpers import PLACE_ORDER, a_menu, checkout_input, global_id, line

# Real commits: the endpoint processes an event only after its transaction commits.
pytestmark = pytest.mark.django_db(transaction=True)

SUCCEEDS, NEEDS_3DS = "4242424242424242", "4000002760003184"
ACCEPT = """mutation($input: AcceptOrderInput!) { acceptOrder(input: $input) {
  order { status } errors { code } } }"""


def signed(payload, *, secret: str | None = None, at: int | None = None) -> tuple[bytes, str]:
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
    """An event about the payment's intent, saying whatever the sender wants it to say."""
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


def deliver(client, payload):
    body, signature = signed(payload)
    return post(client, body, signature)


def place(gql, localstripe, card: str) -> Payment:
    """An order through the API, its card at localstripe: a real PaymentIntent."""
    menu = a_menu()
    gql.login_as(menu.customer)
    variables = {
        "input": checkout_input(
            menu, [line(menu.soup, 3)], payment_method_id=localstripe.payment_method(card)
        )
    }
    gql.data(PLACE_ORDER, variables)
    return Payment.objects.select_related("order").get()


@pytest.fixture
def needs_3ds(gql, localstripe) -> Payment:
    payment = place(gql, localstripe, NEEDS_3DS)
    assert payment.status == PaymentStatus.REQUIRES_ACTION
    return payment


@pytest.fixture
def authorised(gql, localstripe) -> Payment:
    payment = place(gql, localstripe, SUCCEEDS)
    assert payment.status == PaymentStatus.AUTHORIZED
    return payment


def at_stripe(localstripe, payment: Payment) -> dict:
    return localstripe.get(f"/v1/payment_intents/{payment.stripe_payment_intent_id}")


def reread(payment: Payment) -> Payment:
    payment.refresh_from_db()
    payment.order.refresh_from_db()
    return payment


def test_a_forged_capture_of_an_unauthenticated_card_moves_no_money(
    client, gql, localstripe, needs_3ds
):
    """The review's reproduction: validly signed events claiming the money was held, then
    taken, for an intent still waiting for 3-D Secure; then staff accept the order."""
    deliver(
        client,
        intent_event(needs_3ds, "payment_intent.amount_capturable_updated", "requires_capture"),
    )
    deliver(client, intent_event(needs_3ds, "payment_intent.succeeded", "succeeded"))
    staff = RestaurantStaffFactory(restaurant=needs_3ds.order.restaurant).user
    gql.login_as(staff)
    accepted = gql.data(
        ACCEPT,
        {"input": {"orderId": global_id("Order", needs_3ds.order_id), "preparationMinutes": 15}},
    )["acceptOrder"]

    payment = reread(needs_3ds)
    assert payment.status == PaymentStatus.REQUIRES_ACTION
    assert payment.amount_captured == 0
    assert payment.order.status == OrderStatus.PENDING_PAYMENT
    assert accepted["errors"] and accepted["order"] is None
    assert at_stripe(localstripe, payment)["status"] == "requires_action"
    assert set(StripeEvent.objects.values_list("status", flat=True)) == {"PROCESSED"}


def test_acceptance_never_trusts_a_ledger_that_says_captured(gql, localstripe, needs_3ds):
    """Had a lie reached the ledger, acceptance still asks Stripe, which refuses to capture an
    intent that never held money: the order goes back to PLACED, nothing is charged."""
    Payment.objects.filter(pk=needs_3ds.pk).update(
        status=PaymentStatus.CAPTURED,
        amount_authorized=needs_3ds.amount,
        amount_captured=needs_3ds.amount,
    )
    Order.objects.filter(pk=needs_3ds.order_id).update(status=OrderStatus.PLACED)
    owner = RestaurantStaffFactory(restaurant=needs_3ds.order.restaurant, role=StaffRole.OWNER).user

    with pytest.raises(PaymentCaptureFailed):
        order_accept(
            order_id=needs_3ds.order_id, actor=owner, preparation_minutes=15, now=timezone.now()
        )

    assert reread(needs_3ds).order.status == OrderStatus.PLACED
    assert at_stripe(localstripe, needs_3ds)["status"] == "requires_action"


def test_an_event_settles_what_stripe_says_not_what_the_body_says(client, localstripe, needs_3ds):
    """The customer passed 3-D Secure: an event (whatever its body claims) makes us re-read the
    intent, which now holds the money, and the order is placed."""
    localstripe.authenticate(
        intent_id=needs_3ds.stripe_payment_intent_id, client_secret=needs_3ds.client_secret
    )

    response = deliver(
        client, intent_event(needs_3ds, "payment_intent.requires_action", "requires_action")
    )

    assert response.status_code == 200
    payment = reread(needs_3ds)
    assert payment.status == PaymentStatus.AUTHORIZED
    assert payment.amount_authorized == payment.amount
    assert payment.order.status == OrderStatus.PLACED
    assert StripeEvent.objects.get().status == StripeEvent.Status.PROCESSED


def test_a_replayed_event_is_stored_once_and_changes_nothing_more(client, localstripe, needs_3ds):
    localstripe.authenticate(
        intent_id=needs_3ds.stripe_payment_intent_id, client_secret=needs_3ds.client_secret
    )
    event = intent_event(needs_3ds, "payment_intent.amount_capturable_updated", "requires_capture")
    deliver(client, event)

    again = deliver(client, event)

    assert again.status_code == 200
    assert StripeEvent.objects.count() == 1
    assert needs_3ds.order.events.filter(to_status=OrderStatus.PLACED).count() == 1


def test_a_late_failure_event_never_undoes_a_hold(client, authorised):
    deliver(
        client,
        intent_event(
            authorised,
            "payment_intent.payment_failed",
            "requires_payment_method",
            last_payment_error={"code": "card_declined", "message": "Declined late"},
        ),
    )

    payment = reread(authorised)
    assert payment.status == PaymentStatus.AUTHORIZED
    assert payment.order.status == OrderStatus.PLACED


def test_a_failed_authentication_fails_the_order(client, localstripe, needs_3ds):
    localstripe.authenticate(
        intent_id=needs_3ds.stripe_payment_intent_id,
        client_secret=needs_3ds.client_secret,
        success=False,
    )

    deliver(client, intent_event(needs_3ds, "payment_intent.payment_failed", "whatever"))

    payment = reread(needs_3ds)
    assert payment.status == PaymentStatus.FAILED
    assert payment.order.status == OrderStatus.PAYMENT_FAILED


def test_an_authorisation_cancelled_at_stripe_cancels_the_placed_order(
    client, localstripe, authorised
):
    # As from Stripe's dashboard: a plain API call, not through our service.
    server.request(
        "POST",
        localstripe.base_url,
        f"/v1/payment_intents/{authorised.stripe_payment_intent_id}/cancel",
    )

    deliver(client, intent_event(authorised, "payment_intent.canceled", "canceled"))

    payment = reread(authorised)
    assert payment.status == PaymentStatus.CANCELED
    assert payment.order.status == OrderStatus.CANCELLED


def test_a_forged_cancellation_leaves_the_hold_and_the_order(client, localstripe, authorised):
    deliver(client, intent_event(authorised, "payment_intent.canceled", "canceled"))

    payment = reread(authorised)
    assert payment.status == PaymentStatus.AUTHORIZED
    assert payment.order.status == OrderStatus.PLACED
    assert at_stripe(localstripe, payment)["status"] == "requires_capture"


def test_refunds_are_recorded_as_stripe_lists_them(client, localstripe, authorised):
    """A refund made in Stripe's dashboard is learnt of; the event's own amount is ignored."""
    owner = RestaurantStaffFactory(
        restaurant=authorised.order.restaurant, role=StaffRole.OWNER
    ).user
    order_accept(
        order_id=authorised.order_id, actor=owner, preparation_minutes=10, now=timezone.now()
    )
    server.request(
        "POST",
        localstripe.base_url,
        "/v1/refunds",
        {"payment_intent": authorised.stripe_payment_intent_id, "amount": "700"},
    )
    charge = {
        "id": f"evt_{uuid.uuid4().hex}",
        "type": "charge.refunded",
        "created": int(time.time()),
        "data": {
            "object": {
                "id": "ch_forged",
                "object": "charge",
                "payment_intent": authorised.stripe_payment_intent_id,
                "amount_refunded": authorised.amount,
                "refunds": {"data": []},
            }
        },
    }

    deliver(client, charge)

    payment = reread(authorised)
    assert payment.amount_captured == payment.amount
    assert payment.amount_refunded == 700


def test_a_lost_intent_id_is_adopted_only_when_stripe_says_it_is_this_payments(
    client, gql, localstripe, authorised
):
    """A create whose answer was lost leaves the payment without its intent's id; an event
    naming an intent is believed only if Stripe created that intent for this payment."""
    real_intent = authorised.stripe_payment_intent_id
    other = place_second_order(gql, localstripe)
    Payment.objects.filter(pk=authorised.pk).update(
        stripe_payment_intent_id=None, status=PaymentStatus.UNKNOWN
    )
    forged = intent_event(authorised, "payment_intent.succeeded", "succeeded")
    forged["data"]["object"]["id"] = other.stripe_payment_intent_id  # someone else's intent

    deliver(client, forged)
    assert reread(authorised).stripe_payment_intent_id is None

    genuine = intent_event(
        authorised, "payment_intent.amount_capturable_updated", "requires_capture"
    )
    genuine["data"]["object"]["id"] = real_intent
    deliver(client, genuine)

    payment = reread(authorised)
    assert payment.stripe_payment_intent_id == real_intent
    assert payment.status == PaymentStatus.AUTHORIZED


def place_second_order(gql, localstripe) -> Payment:
    menu = a_menu()
    gql.login_as(menu.customer)
    variables = {
        "input": checkout_input(
            menu,
            [line(menu.soup, 3)],
            key="second-order-key",
            payment_method_id=localstripe.payment_method(SUCCEEDS),
        )
    }
    gql.data(PLACE_ORDER, variables)
    return Payment.objects.order_by("-created_at").first()


def test_events_of_unknown_payments_are_ignored(client, localstripe):
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


def event_with(**fields) -> dict:
    return {
        "id": f"evt_{uuid.uuid4().hex}",
        "type": "payment_intent.succeeded",
        "created": int(time.time()),
        "data": {"object": {}},
        **fields,
    }


@pytest.mark.parametrize(
    "forge",
    [
        lambda body, sig: (body, None),
        lambda body, sig: (body, "t=1,v1=deadbeef"),
        lambda body, sig: (body + b" ", sig),
        lambda body, sig: signed(json.loads(body), secret="whsec_someone_else"),
        lambda body, sig: signed(json.loads(body), at=int(time.time()) - 3600),
        lambda body, sig: signed(json.loads(body), at=int(time.time()) + 3600),
        lambda body, sig: signed({"padding": "x" * 300_000}),
        lambda body, sig: signed([json.loads(body)]),
        lambda body, sig: signed(event_with(created="yesterday")),
        lambda body, sig: signed(event_with(created=10**12)),
        lambda body, sig: signed(event_with(id="evt_" + "x" * 300)),
        lambda body, sig: signed(event_with(type=None)),
        lambda body, sig: signed(event_with(data=[1])),
        lambda body, sig: signed("just a string"),
    ],
    ids=[
        "unsigned",
        "bad-signature",
        "altered-body",
        "other-secret",
        "stale",
        "from-the-future",
        "oversized",
        "array-body",
        "created-not-an-integer",
        "created-out-of-range",
        "id-too-long",
        "no-type",
        "data-not-an-object",
        "string-body",
    ],
)
def test_bad_calls_are_refused_and_store_nothing(client, needs_3ds, forge):
    body, signature = signed(intent_event(needs_3ds, "payment_intent.succeeded", "succeeded"))

    response = post(client, *forge(body, signature))

    assert response.status_code == 400
    assert not StripeEvent.objects.exists()
    assert reread(needs_3ds).status == PaymentStatus.REQUIRES_ACTION


def test_stripe_out_of_reach_fails_the_event_which_is_processed_again_later(
    client, localstripe, needs_3ds, settings
):
    """The re-read cannot happen: the event is kept FAILED (the task retries, reconciliation
    sweeps), never applied from its body; once Stripe answers it is processed."""
    localstripe.authenticate(
        intent_id=needs_3ds.stripe_payment_intent_id, client_secret=needs_3ds.client_secret
    )
    host, port = localstripe.base_url.removeprefix("http://").split(":")
    with fault_proxy(host, int(port)) as proxy:
        settings.STRIPE_API_BASE = f"http://{proxy.address}"
        proxy.mode = "refuse"
        deliver(
            client,
            intent_event(needs_3ds, "payment_intent.amount_capturable_updated", "requires_capture"),
        )
    stored = StripeEvent.objects.get()
    assert stored.status == StripeEvent.Status.FAILED
    assert stored.attempts >= 1 and stored.last_error
    assert reread(needs_3ds).status == PaymentStatus.REQUIRES_ACTION

    settings.STRIPE_API_BASE = localstripe.base_url
    stripe_event_process(event_id=stored.pk, now=timezone.now())

    stored.refresh_from_db()
    assert stored.status == StripeEvent.Status.PROCESSED
    assert reread(needs_3ds).status == PaymentStatus.AUTHORIZED
