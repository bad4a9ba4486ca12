"""Finding a driver for an accepted order: offers, answers, time-outs and retries.

Locks are always taken in one order — Order, then Delivery, then DeliveryOffer, then
DriverState — and the search for a driver skips rows another dispatcher holds, so concurrent
dispatchers never wait on each other and never offer one driver two deliveries at once.
"""

import logging
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Count, Exists, IntegerField, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce

from accounts.models import Role, User
from core.outbox import outbox_publish
from delivery.errors import DeliveryNotWaiting, DriverBusy, OfferNotOpen
from delivery.models import Delivery, DeliveryOffer, DeliveryStatus, DriverState, OfferStatus
from orders.errors import OrderNotFound
from orders.models import Fulfilment, Order, OrderStatus
from restaurants.geo import bounding_box, distance_km_expression
from restaurants.selectors import delivery_eta_minutes

logger = logging.getLogger(__name__)

# Deliveries a driver is busy with.
ACTIVE_DELIVERY_STATUSES = (DeliveryStatus.ASSIGNED, DeliveryStatus.PICKED_UP)
# Orders that still need a driver once accepted.
DISPATCHABLE_ORDER_STATUSES = (OrderStatus.ACCEPTED, OrderStatus.READY_FOR_PICKUP)
# How many deliveries one run of a periodic task handles; the rest wait for the next run.
BATCH_SIZE = 200
# An accepted order without a delivery this long after acceptance lost its dispatch task.
ORPHAN_GRACE = timedelta(seconds=60)
# A scheduled delivery looks for its driver this long before the food is ready, so the driver
# reaches the restaurant as it is (drivers are offered work within DISPATCH_RADIUS_KM).
SCHEDULED_DISPATCH_LEAD = timedelta(minutes=10)


# Outbox topics (reactions relays them): a driver was offered a delivery, admins should hear
# that nobody takes one, a driver took one.
OFFER_MADE = "delivery.offer_made"
NOBODY_TAKES_IT = "delivery.nobody_takes_it"
DRIVER_ASSIGNED = "delivery.driver_assigned"


def retry_delay(attempts: int) -> timedelta:
    """Exponential back-off after `attempts` rounds that found nobody, capped."""
    base = settings.DISPATCH_RETRY_BASE_SECONDS
    seconds = base * 2 ** max(attempts - 1, 0)
    return timedelta(seconds=min(seconds, settings.DISPATCH_RETRY_MAX_SECONDS))


def active_deliveries_count(driver_id) -> Subquery:
    return Coalesce(
        Subquery(
            Delivery.objects.filter(driver_id=driver_id, status__in=ACTIVE_DELIVERY_STATUSES)
            .order_by()
            .values("driver_id")
            .annotate(n=Count("pk"))
            .values("n"),
            output_field=IntegerField(),
        ),
        Value(0),
    )


# How many locked candidates to re-check before giving up this round (see below).
FREE_DRIVER_RECHECKS = 5


def _nearest_free_driver(*, delivery: Delivery, latitude, longitude, now: datetime):
    """The closest driver who may take this delivery, row-locked; skips rows being offered.

    The candidate query's subqueries (pending offers, active deliveries) see the snapshot taken
    when it started. A dispatcher that committed an offer to the same driver in the meantime
    releases the row lock before this one reaches the row, so the row is locked here on stale
    facts. Re-checking after the lock, in a new statement (a fresh snapshot under READ
    COMMITTED), closes that gap: a driver is never offered two deliveries.
    """
    rejected: list = []
    for _ in range(FREE_DRIVER_RECHECKS):
        state = _nearest_candidate(
            delivery=delivery, latitude=latitude, longitude=longitude, now=now, exclude=rejected
        )
        if state is None or _still_free(state.user_id):
            return state
        rejected.append(state.user_id)
    return None


def _still_free(driver_id) -> bool:
    deciding = DeliveryOffer.objects.filter(driver_id=driver_id, status=OfferStatus.PENDING)
    active = Delivery.objects.filter(driver_id=driver_id, status__in=ACTIVE_DELIVERY_STATUSES)
    return not deciding.exists() and active.count() < settings.DRIVER_MAX_ACTIVE_DELIVERIES


def _nearest_candidate(*, delivery: Delivery, latitude, longitude, now: datetime, exclude):
    radius_km = settings.DISPATCH_RADIUS_KM
    box = bounding_box(latitude, longitude, radius_km)
    already_asked_or_deciding = DeliveryOffer.objects.filter(driver_id=OuterRef("user_id")).filter(
        Q(delivery=delivery) | Q(status=OfferStatus.PENDING)
    )
    return (
        DriverState.objects.filter(
            is_available=True,
            user__is_active=True,
            user__role=Role.DRIVER,
            latitude__range=(box.min_latitude, box.max_latitude),
            longitude__range=(box.min_longitude, box.max_longitude),
            location_updated_at__gte=now
            - timedelta(seconds=settings.DRIVER_LOCATION_MAX_AGE_SECONDS),
        )
        .exclude(user_id__in=exclude)
        .exclude(Exists(already_asked_or_deciding))
        .annotate(
            active_deliveries=active_deliveries_count(OuterRef("user_id")),
            distance_km=distance_km_expression(latitude, longitude),
        )
        .filter(
            active_deliveries__lt=settings.DRIVER_MAX_ACTIVE_DELIVERIES,
            distance_km__lte=radius_km,
        )
        .order_by("distance_km", "user_id")
        .select_for_update(skip_locked=True, of=("self",))
        .first()
    )


def scheduled_dispatch_at(order: Order) -> datetime | None:
    """When a scheduled delivery starts looking for a driver: the food is ready the trip's
    time before the slot, and the search starts SCHEDULED_DISPATCH_LEAD before that."""
    if order.scheduled_for is None:
        return None
    trip = delivery_eta_minutes(
        preparation_minutes=0, distance_km=(order.delivery_distance_m or 0) / 1000
    )
    return order.scheduled_for - timedelta(minutes=trip) - SCHEDULED_DISPATCH_LEAD


def delivery_dispatch(*, order_id, now: datetime) -> Delivery | None:
    """Offer the order's delivery to the nearest free driver, or schedule another try.

    Safe to repeat: a delivery that is already offered or assigned is left alone, and an order
    that no longer needs a driver (cancelled, delivered, a pickup) gets none. A scheduled one
    accepted ahead of time waits for its `scheduled_dispatch_at` (beat's redispatch runs it).
    """
    with transaction.atomic():
        order = (
            Order.objects.select_for_update(of=("self",))
            .select_related("restaurant__address")
            .filter(pk=order_id)
            .first()
        )
        if order is None or order.status not in DISPATCHABLE_ORDER_STATUSES:
            return None
        if order.fulfilment != Fulfilment.DELIVERY:
            return None
        delivery = Delivery.objects.select_for_update().filter(order=order).first()
        dispatch_at = scheduled_dispatch_at(order)
        if delivery is None:
            delivery = Delivery.objects.create(order=order, created_at=max(now, dispatch_at or now))
        if delivery.status != DeliveryStatus.WAITING_FOR_DRIVER:
            return delivery
        if dispatch_at is not None and now < dispatch_at:
            delivery.next_dispatch_at = dispatch_at
            delivery.save(update_fields=["next_dispatch_at"])
            return delivery
        pickup = order.restaurant.address
        state = _nearest_free_driver(
            delivery=delivery, latitude=pickup.latitude, longitude=pickup.longitude, now=now
        )
        if state is not None:
            offer = DeliveryOffer.objects.create(
                delivery=delivery,
                driver_id=state.user_id,
                distance_m=round(state.distance_km * 1000),
                offered_at=now,
                expires_at=now + timedelta(seconds=settings.DELIVERY_OFFER_TIMEOUT_SECONDS),
            )
            delivery.status = DeliveryStatus.OFFERED
            delivery.next_dispatch_at = None
            delivery.save(update_fields=["status", "next_dispatch_at"])
            outbox_publish(topic=OFFER_MADE, payload={"offer_id": str(offer.pk)})
            return delivery

        delivery.dispatch_attempts += 1
        delivery.next_dispatch_at = now + retry_delay(delivery.dispatch_attempts)
        waited_too_long = delivery.dispatch_attempts >= settings.DISPATCH_ALERT_AFTER_ATTEMPTS or (
            now - delivery.created_at >= timedelta(minutes=settings.DISPATCH_ALERT_AFTER_MINUTES)
        )
        if waited_too_long and delivery.waiting_alert_sent_at is None:
            delivery.waiting_alert_sent_at = now
            outbox_publish(topic=NOBODY_TAKES_IT, payload={"delivery_id": str(delivery.pk)})
        delivery.save(
            update_fields=["dispatch_attempts", "next_dispatch_at", "waiting_alert_sent_at"]
        )
        logger.info("no driver for order %s (attempt %s)", order.pk, delivery.dispatch_attempts)
    return delivery


def _locked_offer(*, order_id, driver: User) -> tuple[Delivery, DeliveryOffer]:
    delivery = (
        Delivery.objects.select_for_update(of=("self",))
        .select_related("order")
        .filter(order_id=order_id)
        .first()
    )
    offer = None
    if delivery is not None:
        offer = (
            DeliveryOffer.objects.select_for_update()
            .filter(delivery=delivery, driver=driver)
            .first()
        )
    if offer is None:
        # Only the drivers it was offered to know the delivery exists.
        raise OrderNotFound()
    if offer.status != OfferStatus.PENDING or delivery.status != DeliveryStatus.OFFERED:
        raise OfferNotOpen()
    return delivery, offer


def _expire(delivery: Delivery, offer: DeliveryOffer) -> None:
    offer.status = OfferStatus.EXPIRED
    offer.save(update_fields=["status"])
    delivery.status = DeliveryStatus.WAITING_FOR_DRIVER
    delivery.save(update_fields=["status"])


def delivery_accept(*, order_id, driver: User, now: datetime) -> Delivery:
    """The offered driver takes the delivery. Only while the offer is open; exactly one wins."""
    timed_out = False
    with transaction.atomic():
        delivery, offer = _locked_offer(order_id=order_id, driver=driver)
        if offer.expires_at <= now:
            _expire(delivery, offer)
            timed_out = True
        else:
            DriverState.objects.select_for_update().get_or_create(user=driver)
            busy = Delivery.objects.filter(driver=driver, status__in=ACTIVE_DELIVERY_STATUSES)
            if busy.count() >= settings.DRIVER_MAX_ACTIVE_DELIVERIES:
                raise DriverBusy()
            offer.status = OfferStatus.ACCEPTED
            offer.responded_at = now
            offer.save(update_fields=["status", "responded_at"])
            delivery.driver = driver
            delivery.status = DeliveryStatus.ASSIGNED
            delivery.assigned_at = now
            delivery.save(update_fields=["driver", "status", "assigned_at"])
            outbox_publish(
                topic=DRIVER_ASSIGNED,
                payload={
                    "order_id": str(delivery.order_id),
                    "restaurant_id": str(delivery.order.restaurant_id),
                },
            )
    if timed_out:
        # The time-out task would have done the same; the next driver need not wait for it.
        delivery_dispatch(order_id=order_id, now=now)
        raise OfferNotOpen("This offer has expired.")
    return delivery


def delivery_decline(*, order_id, driver: User, now: datetime) -> DeliveryOffer:
    """The offered driver says no: the next nearest driver is asked straight away."""
    with transaction.atomic():
        delivery, offer = _locked_offer(order_id=order_id, driver=driver)
        offer.status = OfferStatus.DECLINED
        offer.responded_at = now
        offer.save(update_fields=["status", "responded_at"])
        delivery.status = DeliveryStatus.WAITING_FOR_DRIVER
        delivery.save(update_fields=["status"])
    delivery_dispatch(order_id=order_id, now=now)
    return offer


def delivery_offers_expire(*, now: datetime) -> int:
    """Offers nobody answered in time expire and go to the next driver. Returns how many."""
    due = list(
        DeliveryOffer.objects.filter(status=OfferStatus.PENDING, expires_at__lte=now)
        .order_by("expires_at")
        .values_list("pk", "delivery__order_id")[:BATCH_SIZE]
    )
    expired = 0
    for offer_id, order_id in due:
        with transaction.atomic():
            delivery = Delivery.objects.select_for_update().get(order_id=order_id)
            offer = (
                DeliveryOffer.objects.select_for_update()
                .filter(pk=offer_id, status=OfferStatus.PENDING, expires_at__lte=now)
                .first()
            )
            if offer is None:
                continue  # answered meanwhile
            _expire(delivery, offer)
            expired += 1
        delivery_dispatch(order_id=order_id, now=now)
    return expired


def deliveries_redispatch_due(*, now: datetime) -> int:
    """Try again for deliveries whose back-off has passed (and any accepted order whose
    dispatch task was lost). Returns how many were tried."""
    waiting = (
        Delivery.objects.filter(
            status=DeliveryStatus.WAITING_FOR_DRIVER,
            order__status__in=DISPATCHABLE_ORDER_STATUSES,
        )
        .filter(Q(next_dispatch_at__lte=now) | Q(next_dispatch_at__isnull=True))
        .order_by("next_dispatch_at")
        .values_list("order_id", flat=True)[:BATCH_SIZE]
    )
    orphans = Order.objects.filter(
        status__in=DISPATCHABLE_ORDER_STATUSES,
        fulfilment=Fulfilment.DELIVERY,
        delivery__isnull=True,
        accepted_at__lte=now - ORPHAN_GRACE,
    ).values_list("pk", flat=True)[:BATCH_SIZE]
    order_ids = [*waiting, *orphans]
    for order_id in order_ids:
        delivery_dispatch(order_id=order_id, now=now)
    return len(order_ids)


def delivery_cancel(*, order_id, now: datetime) -> Delivery | None:
    """The order was cancelled: pending offers are withdrawn and the driver is free again."""
    with transaction.atomic():
        delivery = Delivery.objects.select_for_update().filter(order_id=order_id).first()
        if delivery is None or delivery.status in (
            DeliveryStatus.DELIVERED,
            DeliveryStatus.CANCELLED,
        ):
            return delivery
        delivery.offers.filter(status=OfferStatus.PENDING).update(
            status=OfferStatus.WITHDRAWN, responded_at=now
        )
        delivery.status = DeliveryStatus.CANCELLED
        delivery.next_dispatch_at = None
        delivery.save(update_fields=["status", "next_dispatch_at"])
    return delivery


def delivery_redispatch(*, order_id, now: datetime) -> Delivery | None:
    """Staff's "find a driver now": a delivery still waiting is tried at once instead of after
    its back-off; an open offer nobody answers is withdrawn and the next driver asked. A delivery
    a driver has taken is not taken away from them here."""
    with transaction.atomic():
        delivery = Delivery.objects.select_for_update().filter(order_id=order_id).first()
        if delivery is not None and delivery.status not in (
            DeliveryStatus.WAITING_FOR_DRIVER,
            DeliveryStatus.OFFERED,
        ):
            raise DeliveryNotWaiting(
                f"This delivery is {DeliveryStatus(delivery.status).label.lower()}: "
                "there is nobody to find."
            )
        if not Order.objects.filter(pk=order_id, status__in=DISPATCHABLE_ORDER_STATUSES).exists():
            raise DeliveryNotWaiting("Only accepted orders not yet picked up get a driver.")
        if delivery is not None and delivery.status == DeliveryStatus.OFFERED:
            delivery.offers.filter(status=OfferStatus.PENDING).update(
                status=OfferStatus.WITHDRAWN, responded_at=now
            )
            delivery.status = DeliveryStatus.WAITING_FOR_DRIVER
            delivery.save(update_fields=["status"])
    return delivery_dispatch(order_id=order_id, now=now)
