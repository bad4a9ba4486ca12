"""The payment ledger, read-only; the two actions call the same services as the API."""

from django.contrib import admin, messages
from django.utils import timezone

from core.admin import ReadOnlyAdmin
from core.errors import DomainError
from payments.models import Payment, Refund, StripeEvent
from payments.services import payment_refund_rest, stripe_event_requeue


class RefundInline(admin.TabularInline):
    model = Refund
    extra = 0
    can_delete = False
    fields = ("amount", "status", "reason", "stripe_refund_id", "requested_by", "created_at")
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Payment)
class PaymentAdmin(ReadOnlyAdmin):
    list_display = (
        "order",
        "status",
        "amount",
        "amount_captured",
        "amount_refunded",
        "currency",
        "created_at",
    )
    list_filter = ("status", "currency", "created_at")
    search_fields = ("order__number", "stripe_payment_intent_id", "order__customer__email")
    inlines = [RefundInline]
    actions = ["refund_remaining"]

    @admin.action(description="Refund everything not yet refunded")
    def refund_remaining(self, request, queryset):
        for payment in queryset:
            try:
                payment_refund_rest(
                    order_id=payment.order_id,
                    reason="Refunded by staff in admin",
                    actor=request.user,
                    now=timezone.now(),
                )
                self.message_user(request, f"Refunded the rest of order {payment.order}.")
            except DomainError as error:
                self.message_user(request, f"{payment.order}: {error.message}", messages.ERROR)


@admin.register(Refund)
class RefundAdmin(ReadOnlyAdmin):
    list_display = ("payment", "amount", "status", "reason", "requested_by", "created_at")
    list_filter = ("status", "created_at")
    search_fields = ("payment__order__number", "stripe_refund_id")


@admin.register(StripeEvent)
class StripeEventAdmin(ReadOnlyAdmin):
    list_display = ("stripe_id", "type", "status", "attempts", "received_at", "processed_at")
    list_filter = ("status", "type")
    search_fields = ("stripe_id",)
    actions = ["process_again"]

    @admin.action(description="Process the selected events again")
    def process_again(self, request, queryset):
        for event in queryset:
            event = stripe_event_requeue(event_id=event.pk)
            self.message_user(request, f"{event.stripe_id}: {event.type} {event.status.lower()}.")
