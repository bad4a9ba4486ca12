"""The payment ledger, read-only and listed by order number with money in its currency; the
actions call the same services as the API, after a confirmation page."""

from django.contrib import admin, messages
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html

from core.admin import ReadOnlyAdmin, confirmed_action, local_and_utc, money
from core.errors import DomainError
from payments.models import Payment, Refund, StripeEvent
from payments.services import payment_refund_rest, stripe_event_requeue


def _order_link(order):
    return format_html(
        '<a href="{}">{}</a>', reverse("admin:orders_order_change", args=[order.pk]), order.number
    )


class RefundInline(admin.TabularInline):
    model = Refund
    extra = 0
    can_delete = False
    fields = (
        "amount_display",
        "status",
        "reason",
        "stripe_refund_id",
        "requested_by",
        "created_at",
    )
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    @admin.display(description="Amount")
    def amount_display(self, refund: Refund) -> str:
        return money(refund.amount, refund.payment.currency)


@admin.register(Payment)
class PaymentAdmin(ReadOnlyAdmin):
    list_display = (
        "order_number",
        "status",
        "amount_display",
        "captured_display",
        "refunded_display",
        "stripe_payment_intent_id",
        "created_at",
    )
    list_filter = ("status", "currency", "created_at")
    list_select_related = ("order",)
    search_fields = ("=order__number", "=stripe_payment_intent_id", "order__customer__email")
    inlines = [RefundInline]
    actions = ["refund_remaining"]
    readonly_fields = ("order_link",)
    exclude = ("client_secret",)

    @admin.display(description="Order", ordering="order__number")
    def order_number(self, payment: Payment):
        return _order_link(payment.order)

    @admin.display(description="Order")
    def order_link(self, payment: Payment):
        return _order_link(payment.order)

    @admin.display(description="Amount", ordering="amount")
    def amount_display(self, payment: Payment) -> str:
        return money(payment.amount, payment.currency)

    @admin.display(description="Captured", ordering="amount_captured")
    def captured_display(self, payment: Payment) -> str:
        return money(payment.amount_captured, payment.currency)

    @admin.display(description="Refunded", ordering="amount_refunded")
    def refunded_display(self, payment: Payment) -> str:
        return money(payment.amount_refunded, payment.currency)

    def has_refund_permission(self, request) -> bool:
        return request.user.has_perm("orders.refund_order_any_amount")

    @confirmed_action(
        description="Refund everything not yet refunded", permissions=["refund"], single=True
    )
    def refund_remaining(self, request, queryset, data):
        payment = queryset[0]
        try:
            refund = payment_refund_rest(
                order_id=payment.order_id,
                reason="Refunded by staff in admin",
                actor=request.user,
                now=timezone.now(),
            )
        except DomainError as error:
            self.message_user(request, f"{payment.order}: {error.message}", messages.ERROR)
            return
        self.message_user(
            request,
            f"{payment.order}: refund of {money(refund.amount, payment.currency)} "
            f"{refund.get_status_display().lower()}.",
            messages.SUCCESS,
        )


@admin.register(Refund)
class RefundAdmin(ReadOnlyAdmin):
    list_display = (
        "order_number",
        "amount_display",
        "status",
        "stripe_refund_id",
        "reason",
        "requested_by",
        "created",
    )
    list_filter = ("status", "created_at")
    list_select_related = ("payment__order__restaurant", "requested_by")
    search_fields = ("=payment__order__number", "=stripe_refund_id")

    @admin.display(description="Order", ordering="payment__order__number")
    def order_number(self, refund: Refund):
        return _order_link(refund.payment.order)

    @admin.display(description="Amount", ordering="amount")
    def amount_display(self, refund: Refund) -> str:
        return money(refund.amount, refund.payment.currency)

    @admin.display(description="Requested", ordering="created_at")
    def created(self, refund: Refund) -> str:
        return local_and_utc(refund.created_at, refund.payment.order.restaurant.time_zone)


@admin.register(StripeEvent)
class StripeEventAdmin(ReadOnlyAdmin):
    list_display = ("stripe_id", "type", "status", "attempts", "received_at", "processed_at")
    list_filter = ("status", "type")
    search_fields = ("=stripe_id",)
    actions = ["process_again"]

    def has_process_permission(self, request) -> bool:
        return request.user.has_perm("payments.change_stripeevent")

    @confirmed_action(description="Process the selected events again", permissions=["process"])
    def process_again(self, request, queryset, data):
        for event in queryset:
            event = stripe_event_requeue(event_id=event.pk)
            self.message_user(request, f"{event.stripe_id}: {event.type} {event.status.lower()}.")
