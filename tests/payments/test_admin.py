import pytest

from payments import gateway
from payments.models import Payment, PaymentStatus, StripeEvent
from tests.factories import AdminFactory, OrderFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client):
    client.force_login(AdminFactory())
    return client


def test_the_ledger_is_read_only(admin_client):
    order = OrderFactory()
    payment = Payment.objects.create(
        order=order, currency="EUR", amount=100, payment_method_id="pm", idempotency_key="k1"
    )

    page = admin_client.get(f"/admin/payments/payment/{payment.pk}/change/")

    assert page.status_code == 200
    assert b'name="amount"' not in page.content
    assert admin_client.get("/admin/payments/payment/add/").status_code == 403


def test_a_failed_event_can_be_processed_again_from_admin(
    admin_client, django_capture_on_commit_callbacks, localstripe
):
    order = OrderFactory(status="PENDING_PAYMENT", placed_at=None)
    intent = gateway.intent_create(
        amount=order.total,
        currency="EUR",
        payment_method_id="pm_card_visa",
        metadata={},
        idempotency_key="admin-test-create",
    )
    gateway.intent_confirm(intent.id, idempotency_key="admin-test-confirm")  # holds the money
    payment = Payment.objects.create(
        order=order,
        currency="EUR",
        amount=order.total,
        payment_method_id="pm_card_visa",
        idempotency_key="k2",
        stripe_payment_intent_id=intent.id,
    )
    event = StripeEvent.objects.create(
        stripe_id="evt_admin",
        type="payment_intent.amount_capturable_updated",
        stripe_created=order.created_at,
        status=StripeEvent.Status.FAILED,
        payload={
            "data": {
                "object": {
                    "id": intent.id,
                    "status": "requires_capture",
                    "amount": order.total,
                    "amount_capturable": order.total,
                }
            }
        },
    )

    with django_capture_on_commit_callbacks(execute=True):
        admin_client.post(
            "/admin/payments/stripeevent/",
            {"action": "process_again", "_selected_action": [str(event.pk)], "confirmed": "yes"},
        )

    event.refresh_from_db()
    payment.refresh_from_db()
    assert event.status == StripeEvent.Status.PROCESSED
    assert payment.status == PaymentStatus.AUTHORIZED
    assert payment.order.status == "PLACED"
