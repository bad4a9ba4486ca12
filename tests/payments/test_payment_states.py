"""A payment only moves forward: late, duplicate or refused answers never move it back."""

import pytest
from django.utils import timezone

from payments import gateway
from payments.models import Payment, PaymentStatus
from payments.services.charges import _confirmed
from payments.services.settle import payment_fail, payment_settle
from tests.factories import OrderFactory

pytestmark = pytest.mark.django_db


def _payment(**fields) -> Payment:
    order = OrderFactory(status="PLACED")
    return Payment.objects.create(
        order=order,
        currency="EUR",
        amount=order.total,
        payment_method_id="pm",
        idempotency_key=f"k-{order.pk}",
        **fields,
    )


def test_an_authorised_payment_is_never_failed_by_a_late_refusal():
    payment = _payment(status=PaymentStatus.AUTHORIZED, amount_authorized=1000)

    payment_fail(payment_id=payment.pk, code="card_declined", message="late", now=timezone.now())

    payment.refresh_from_db()
    assert payment.status == PaymentStatus.AUTHORIZED


def test_a_late_requires_action_report_does_not_undo_an_authorisation():
    payment = _payment(status=PaymentStatus.AUTHORIZED, amount_authorized=1000)
    stale = gateway.Intent(
        id="pi_late", status="requires_action", amount=1000, amount_capturable=0,
        amount_received=0, currency="EUR", client_secret="", error_code="", error_message="",
    )  # fmt: skip

    payment_settle(payment_id=payment.pk, intent=stale, now=timezone.now())

    payment.refresh_from_db()
    assert payment.status == PaymentStatus.AUTHORIZED


def test_a_refused_second_confirmation_is_read_back_not_taken_as_a_decline(localstripe):
    """Confirmed by an attempt whose answer was lost: Stripe answers the next confirm with 400;
    the intent is holding the money, and that is what counts."""
    card = localstripe.payment_method()
    payment = _payment()
    intent = gateway.intent_create(
        amount=1000, currency="EUR", payment_method_id=card, metadata={}, idempotency_key="c1"
    )
    gateway.intent_confirm(intent.id, idempotency_key="first-confirm")

    assert _confirmed(payment, intent).status == "requires_capture"
