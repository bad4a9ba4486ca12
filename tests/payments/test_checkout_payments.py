"""Card outcomes at checkout, through GraphQL against localstripe with the real stripe client."""

import pytest

from orders.models import Order, OrderStatus
from payments.models import Payment, PaymentStatus
from tests.factories import CustomerFactory
from tests.orders.checkout_helpers import PLACE_ORDER, a_menu, checkout_input, global_id, line

pytestmark = pytest.mark.django_db

CONFIRM = """mutation($input: ConfirmPaymentInput!) { confirmPayment(input: $input) {
  order { status } payment { status clientSecret } errors { code message } } }"""

SUCCEEDS, DECLINED, NEEDS_3DS = "4242424242424242", "4000000000000341", "4000002760003184"


@pytest.fixture
def menu():
    return a_menu()


def place(gql, menu, payment_method_id, key="checkout-key-0001"):
    gql.login_as(menu.customer)
    variables = {
        "input": checkout_input(
            menu, [line(menu.soup, 3)], key=key, payment_method_id=payment_method_id
        )
    }
    return gql.data(PLACE_ORDER, variables)["placeOrder"]


def test_an_authorised_card_places_the_order_and_holds_the_total(gql, menu, localstripe):
    payload = place(gql, menu, localstripe.payment_method(SUCCEEDS))

    assert payload["errors"] == []
    assert payload["order"]["status"] == "PLACED"
    assert payload["payment"] == {"status": "AUTHORIZED", "clientSecret": None}
    payment = Payment.objects.get()
    intent = localstripe.get(f"/v1/payment_intents/{payment.stripe_payment_intent_id}")
    assert intent["status"] == "requires_capture"
    assert intent["capture_method"] == "manual"
    assert intent["amount"] == payment.amount == payment.amount_authorized == 3 * 450 + 250
    assert intent["metadata"] == {"order_id": str(payment.order_id), "payment_id": str(payment.pk)}


def test_a_declined_card_fails_the_order_with_stripes_message(gql, menu, localstripe):
    payload = place(gql, menu, localstripe.payment_method(DECLINED))

    assert payload["order"]["status"] == "PAYMENT_FAILED"
    assert payload["errors"][0]["code"] == "PAYMENT_DECLINED"
    payment = Payment.objects.get()
    assert payment.status == PaymentStatus.FAILED
    assert payload["errors"][0]["message"] == payment.last_error_message != ""


def test_a_card_needing_3d_secure_waits_for_the_customer_then_confirms(gql, menu, localstripe):
    payload = place(gql, menu, localstripe.payment_method(NEEDS_3DS))

    assert payload["order"]["status"] == "PENDING_PAYMENT"
    assert payload["errors"][0]["code"] == "PAYMENT_ACTION_REQUIRED"
    client_secret = payload["payment"]["clientSecret"]
    assert client_secret
    payment = Payment.objects.get()
    localstripe.authenticate(
        intent_id=payment.stripe_payment_intent_id, client_secret=client_secret
    )

    confirmed = gql.data(CONFIRM, {"input": {"orderId": global_id("Order", payment.order_id)}})

    assert confirmed["confirmPayment"] == {
        "order": {"status": "PLACED"},
        "payment": {"status": "AUTHORIZED", "clientSecret": None},
        "errors": [],
    }


def test_a_failed_3d_secure_check_fails_the_order(gql, menu, localstripe):
    payload = place(gql, menu, localstripe.payment_method(NEEDS_3DS))
    payment = Payment.objects.get()
    localstripe.authenticate(
        intent_id=payment.stripe_payment_intent_id,
        client_secret=payload["payment"]["clientSecret"],
        success=False,
    )

    confirmed = gql.data(CONFIRM, {"input": {"orderId": global_id("Order", payment.order_id)}})

    assert confirmed["confirmPayment"]["order"]["status"] == "PAYMENT_FAILED"
    assert confirmed["confirmPayment"]["errors"][0]["code"] == "PAYMENT_DECLINED"


def test_only_the_customer_confirms_their_payment(gql, menu, localstripe):
    place(gql, menu, localstripe.payment_method(NEEDS_3DS))
    gql.login_as(CustomerFactory())

    order_id = global_id("Order", Payment.objects.get().order_id)
    confirmed = gql.data(CONFIRM, {"input": {"orderId": order_id}})

    assert confirmed["confirmPayment"]["errors"][0]["code"] == "NOT_FOUND"


def test_stripe_unreachable_keeps_the_order_and_a_retry_authorises_once(
    gql, menu, localstripe, settings
):
    payment_method = localstripe.payment_method(SUCCEEDS)
    reachable = settings.STRIPE_API_BASE
    settings.STRIPE_API_BASE = "http://127.0.0.1:9"  # discard port: nothing listens

    first = place(gql, menu, payment_method)

    assert first["errors"][0]["code"] == "PAYMENT_UNAVAILABLE"
    assert first["order"]["status"] == "PENDING_PAYMENT"
    assert Payment.objects.get().status == PaymentStatus.UNKNOWN

    settings.STRIPE_API_BASE = reachable
    retry = place(gql, menu, payment_method)

    assert retry["errors"] == []
    assert retry["order"]["status"] == "PLACED"
    assert retry["order"]["number"] == first["order"]["number"]
    assert Order.objects.count() == 1 and Payment.objects.count() == 1
    intents = localstripe.get("/v1/payment_intents?limit=100")["data"]
    assert len(intents) == 1


def test_replaying_an_authorised_checkout_calls_stripe_no_more(gql, menu, localstripe):
    payment_method = localstripe.payment_method(SUCCEEDS)
    place(gql, menu, payment_method)

    again = place(gql, menu, payment_method)

    assert again["order"]["status"] == "PLACED"
    assert len(localstripe.get("/v1/payment_intents?limit=100")["data"]) == 1
    assert Order.objects.get().status == OrderStatus.PLACED
