"""Stripe webhooks: verified, stored once by Stripe's event id, then processed idempotently."""

import logging
import uuid
from datetime import UTC, datetime

from django.db import IntegrityError, transaction

from core.outbox import outbox_publish
from payments import gateway
from payments.errors import InvalidWebhook
from payments.models import Payment, Refund, StripeEvent
from payments.services.settle import payment_settle

logger = logging.getLogger(__name__)

INTENT_EVENTS = {
    "payment_intent.amount_capturable_updated",
    "payment_intent.succeeded",
    "payment_intent.payment_failed",
    "payment_intent.canceled",
    "payment_intent.requires_action",
    "payment_intent.processing",
}
REFUND_EVENTS = {"charge.refunded", "charge.refund.updated"}
# Outbox topic: a verified Stripe event was stored and waits to be processed.
STRIPE_EVENT_RECEIVED = "payments.stripe_event_received"


def stripe_event_receive(*, payload: bytes, signature: str, now: datetime) -> StripeEvent:
    """Verify and store a webhook call; processing happens after commit, in a task."""
    try:
        event = gateway.webhook_event(payload, signature)
    except gateway.WebhookRejected as error:
        raise InvalidWebhook(error.message) from error
    if not event.get("id") or not event.get("type"):
        raise InvalidWebhook("The event has no id or type.")
    try:
        with transaction.atomic():
            stored = StripeEvent.objects.create(
                stripe_id=event["id"],
                type=event["type"],
                stripe_created=datetime.fromtimestamp(int(event.get("created") or 0), tz=UTC),
                payload=event,
                received_at=now,
            )
            outbox_publish(topic=STRIPE_EVENT_RECEIVED, payload={"event_id": str(stored.pk)})
    except IntegrityError:
        # A redelivery or a replay: stored already, processed (or being processed) once.
        return StripeEvent.objects.get(stripe_id=event["id"])
    return stored


def stripe_event_requeue(*, event_id) -> StripeEvent:
    """Staff's "process again": a failed event goes back to be processed like a new one (with
    eager tasks, as in the demo, that happens before this returns)."""
    with transaction.atomic():
        event = StripeEvent.objects.select_for_update().get(pk=event_id)
        if event.status == StripeEvent.Status.FAILED:
            event.status = StripeEvent.Status.RECEIVED
            event.save(update_fields=["status"])
        if event.status == StripeEvent.Status.RECEIVED:
            outbox_publish(topic=STRIPE_EVENT_RECEIVED, payload={"event_id": str(event.pk)})
    event.refresh_from_db()
    return event


def stripe_event_process(*, event_id, now: datetime) -> StripeEvent:
    """Act on a stored event once. A failure is recorded on the event and raised for a retry."""
    with transaction.atomic():
        event = StripeEvent.objects.select_for_update().get(pk=event_id)
        if event.status in (StripeEvent.Status.PROCESSED, StripeEvent.Status.IGNORED):
            return event
        event.attempts += 1
        try:
            with transaction.atomic():
                handled = _handle(event, now=now)
        except Exception as error:
            logger.exception("processing Stripe event %s", event.stripe_id)
            event.status = StripeEvent.Status.FAILED
            event.last_error = f"{type(error).__name__}: {error}"
            event.save(update_fields=["status", "attempts", "last_error"])
            failed = error
        else:
            failed = None
            event.status = StripeEvent.Status.PROCESSED if handled else StripeEvent.Status.IGNORED
            event.processed_at = now
            event.last_error = ""
            event.save(update_fields=["status", "attempts", "last_error", "processed_at"])
    if failed is not None:
        raise failed
    return event


def _handle(event: StripeEvent, *, now: datetime) -> bool:
    obj = (event.payload.get("data") or {}).get("object") or {}
    if event.type in INTENT_EVENTS:
        payment = _payment_for(obj.get("id"), (obj.get("metadata") or {}).get("payment_id"))
        if payment is None:
            return False
        payment_settle(payment_id=payment.pk, intent=gateway.intent_from_payload(obj), now=now)
        return True
    if event.type in REFUND_EVENTS:
        return _charge_refunded(obj)
    return False


def stripe_event_payment(event: StripeEvent) -> Payment | None:
    """The payment an event is about, if it is one of ours."""
    obj = (event.payload.get("data") or {}).get("object") or {}
    if event.type in INTENT_EVENTS:
        return _payment_for(obj.get("id"), (obj.get("metadata") or {}).get("payment_id"))
    if event.type in REFUND_EVENTS:
        return _payment_for(obj.get("payment_intent"), None)
    return None


def _payment_for(intent_id: str | None, payment_id: str | None) -> Payment | None:
    payment = (
        Payment.objects.filter(stripe_payment_intent_id=intent_id).first() if intent_id else None
    )
    if payment is None and payment_id:
        try:
            payment = Payment.objects.filter(pk=uuid.UUID(str(payment_id))).first()
        except ValueError:
            return None
    return payment


def _charge_refunded(charge: dict) -> bool:
    """Refunds made at Stripe (also in its dashboard): the refunded total only ever grows."""
    payment = _payment_for(charge.get("payment_intent"), None)
    if payment is None:
        return False
    with transaction.atomic():
        payment = Payment.objects.select_for_update().get(pk=payment.pk)
        refunded = min(int(charge.get("amount_refunded") or 0), payment.amount_captured)
        if refunded > payment.amount_refunded:
            payment.amount_refunded = refunded
            payment.save(update_fields=["amount_refunded", "updated_at"])
        refund_ids = [r.get("id") for r in ((charge.get("refunds") or {}).get("data") or [])]
        Refund.objects.filter(
            payment=payment, stripe_refund_id__in=refund_ids, status=Refund.Status.PENDING
        ).update(status=Refund.Status.SUCCEEDED)
    return True


def stripe_events_unprocessed(*, received_before: datetime) -> list:
    """Events still waiting (their task was lost) or failed (retries ran out) since before then."""
    return list(
        StripeEvent.objects.filter(
            status__in=(StripeEvent.Status.RECEIVED, StripeEvent.Status.FAILED),
            received_at__lt=received_before,
        ).values_list("pk", flat=True)
    )
