"""Stripe webhooks: verified, stored once by Stripe's event id, then processed idempotently."""

import logging
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime

from django.db import IntegrityError, transaction
from django.db.models import F, Q

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
# The columns' sizes: longer values are not Stripe's.
MAX_ID_LENGTH, MAX_TYPE_LENGTH = 255, 100


def stripe_event_receive(*, payload: bytes, signature: str, now: datetime) -> StripeEvent:
    """Verify and store a webhook call; processing happens after commit, in a task."""
    try:
        event = gateway.webhook_event(payload, signature, now=now.timestamp())
    except gateway.WebhookRejected as error:
        raise InvalidWebhook(error.message) from error
    stripe_id, event_type, created = _event_header(event)
    try:
        with transaction.atomic():
            stored = StripeEvent.objects.create(
                stripe_id=stripe_id,
                type=event_type,
                stripe_created=created,
                payload=event,
                received_at=now,
            )
            outbox_publish(topic=STRIPE_EVENT_RECEIVED, payload={"event_id": str(stored.pk)})
    except IntegrityError:
        # A redelivery or a replay: stored already, processed (or being processed) once.
        return StripeEvent.objects.get(stripe_id=stripe_id)
    return stored


def _event_header(event) -> tuple[str, str, datetime]:
    """The id, type and creation time of a verified event, or InvalidWebhook: a correctly
    signed body can still be malformed, and must be refused, not crash."""
    if not isinstance(event, dict):
        raise InvalidWebhook("The body is not a Stripe event.")
    stripe_id, event_type, created = event.get("id"), event.get("type"), event.get("created")
    if not isinstance(stripe_id, str) or not stripe_id or len(stripe_id) > MAX_ID_LENGTH:
        raise InvalidWebhook("The event has no valid id.")
    if not isinstance(event_type, str) or not event_type or len(event_type) > MAX_TYPE_LENGTH:
        raise InvalidWebhook("The event has no valid type.")
    if not isinstance(created, int) or isinstance(created, bool):
        raise InvalidWebhook("The event's creation time is not a Unix timestamp.")
    try:
        created_at = datetime.fromtimestamp(created, tz=UTC)
    except (OverflowError, OSError, ValueError) as error:
        raise InvalidWebhook("The event's creation time is out of range.") from error
    if not isinstance(event.get("data"), dict):
        raise InvalidWebhook("The event has no data.")
    return stripe_id, event_type, created_at


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
    """Act on a stored event once. An event is a hint: what it says is re-read from Stripe
    (no lock is held meanwhile), and only Stripe's answer moves money in the ledger. A failure,
    Stripe out of reach included, is recorded on the event and raised for a retry."""
    event = StripeEvent.objects.get(pk=event_id)
    if event.status in DONE:
        return event
    try:
        facts = _facts(event)
    except Exception as error:
        _failed(event_id, error)
        raise
    with transaction.atomic():
        event = StripeEvent.objects.select_for_update().get(pk=event_id)
        if event.status in DONE:
            return event
        event.attempts += 1
        try:
            with transaction.atomic():
                handled = facts is not None and _apply(facts, now=now)
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


DONE = (StripeEvent.Status.PROCESSED, StripeEvent.Status.IGNORED)


@dataclass(frozen=True)
class _Facts:
    """What Stripe itself says now about the payment an event named."""

    payment: Payment
    intent: gateway.Intent | None = None
    refunds: list[gateway.RefundOutcome] | None = None


def _facts(event: StripeEvent) -> _Facts | None:
    """Re-read from Stripe the object the event is about, if it is one of ours. Only our own
    record of the intent's id is asked about, never an id taken from the event alone."""
    payment = stripe_event_payment(event)
    if payment is None:
        return None
    if event.type in INTENT_EVENTS:
        intent = _intent_of(payment, _event_object(event).get("id"))
        return _Facts(payment=payment, intent=intent) if intent is not None else None
    if event.type in REFUND_EVENTS and payment.stripe_payment_intent_id:
        return _Facts(payment=payment, refunds=gateway.refunds_of(payment.stripe_payment_intent_id))
    return None


def _intent_of(payment: Payment, named_intent_id) -> gateway.Intent | None:
    if payment.stripe_payment_intent_id:
        return gateway.intent_retrieve(payment.stripe_payment_intent_id)
    # The create's answer was lost, so we never stored the intent's id: adopt the one the event
    # names only if Stripe says it was created for this very payment.
    if not isinstance(named_intent_id, str) or not named_intent_id.startswith("pi_"):
        return None
    try:
        intent = gateway.intent_retrieve(named_intent_id)
    except gateway.GatewayRejected:
        return None  # no such intent at Stripe: a forgery or another account's
    return intent if intent.payment_id == str(payment.pk) else None


def _apply(facts: _Facts, *, now: datetime) -> bool:
    if facts.intent is not None:
        Payment.objects.filter(pk=facts.payment.pk, stripe_payment_intent_id=None).update(
            stripe_payment_intent_id=facts.intent.id
        )
        payment_settle(payment_id=facts.payment.pk, intent=facts.intent, now=now)
        return True
    return _refunds_record(facts.payment, facts.refunds or [])


def _failed(event_id, error: Exception) -> None:
    logger.warning("Stripe event %s not processed yet: %s", event_id, error)
    StripeEvent.objects.filter(pk=event_id).exclude(status__in=DONE).update(
        status=StripeEvent.Status.FAILED,
        attempts=F("attempts") + 1,
        last_error=f"{type(error).__name__}: {error}"[:2000],
    )


def _event_object(event: StripeEvent) -> dict:
    obj = (event.payload.get("data") or {}).get("object")
    return obj if isinstance(obj, dict) else {}


def stripe_event_payment(event: StripeEvent) -> Payment | None:
    """The payment an event is about, if it is one of ours."""
    obj = _event_object(event)
    if event.type in INTENT_EVENTS:
        metadata = obj.get("metadata")
        payment_id = metadata.get("payment_id") if isinstance(metadata, dict) else None
        return _payment_for(obj.get("id"), payment_id)
    if event.type in REFUND_EVENTS:
        return _payment_for(obj.get("payment_intent"), None)
    return None


def _payment_for(intent_id, payment_id) -> Payment | None:
    payment = None
    if isinstance(intent_id, str) and 0 < len(intent_id) <= MAX_ID_LENGTH:
        payment = Payment.objects.filter(stripe_payment_intent_id=intent_id).first()
    if payment is None and payment_id:
        try:
            payment = Payment.objects.filter(pk=uuid.UUID(str(payment_id))).first()
        except ValueError:
            return None
    return payment


def _refunds_record(payment: Payment, refunds: list[gateway.RefundOutcome]) -> bool:
    """Refunds as Stripe lists them (ours, and any made in its dashboard): our pending ones it
    shows succeeded are succeeded; the refunded total only ever grows, up to what was taken."""
    succeeded = [refund for refund in refunds if refund.status == "succeeded"]
    with transaction.atomic():
        payment = Payment.objects.select_for_update().get(pk=payment.pk)
        for outcome in succeeded:
            ours = Refund.objects.filter(payment=payment, status=Refund.Status.PENDING).filter(
                Q(stripe_refund_id=outcome.id) | Q(pk=_uuid_or_none(outcome.refund_id))
            )
            ours.update(status=Refund.Status.SUCCEEDED, stripe_refund_id=outcome.id)
        refunded = min(sum(refund.amount for refund in succeeded), payment.amount_captured)
        if refunded > payment.amount_refunded:
            payment.amount_refunded = refunded
            payment.save(update_fields=["amount_refunded", "updated_at"])
    return True


def _uuid_or_none(value: str) -> uuid.UUID | None:
    try:
        return uuid.UUID(value)
    except ValueError:
        return None


def stripe_events_unprocessed(*, received_before: datetime) -> list:
    """Events still waiting (their task was lost) or failed (retries ran out) since before then."""
    return list(
        StripeEvent.objects.filter(
            status__in=(StripeEvent.Status.RECEIVED, StripeEvent.Status.FAILED),
            received_at__lt=received_before,
        ).values_list("pk", flat=True)
    )
