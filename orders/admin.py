"""Orders and deliveries in the Django admin: find and read them; change them only through the
services."""

from django.contrib import admin, messages
from django.utils import timezone

from accounts.errors import DomainError
from orders.models import (
    Delivery,
    DeliveryOffer,
    DriverState,
    FailedTask,
    Notification,
    Order,
    OrderEvent,
    OrderLine,
)
from orders.services.actions import order_cancel
from orders.services.background import failed_task_retry


class ReadOnlyAdmin(admin.ModelAdmin):
    """Staff look, services change: dispatch state moves only through orders.services."""

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(DriverState)
class DriverStateAdmin(ReadOnlyAdmin):
    list_display = ("user", "is_available", "latitude", "longitude", "location_updated_at")
    list_filter = ("is_available",)
    search_fields = ("user__email", "user__full_name")
    list_select_related = ("user",)


class DeliveryOfferInline(admin.TabularInline):
    model = DeliveryOffer
    fields = ("driver", "status", "distance_m", "offered_at", "expires_at", "responded_at")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("driver")


@admin.register(Delivery)
class DeliveryAdmin(ReadOnlyAdmin):
    list_display = (
        "order",
        "status",
        "driver",
        "dispatch_attempts",
        "next_dispatch_at",
        "created_at",
        "assigned_at",
    )
    list_filter = ("status",)
    search_fields = ("order__number", "driver__email")
    list_select_related = ("order", "driver")
    date_hierarchy = "created_at"
    inlines = [DeliveryOfferInline]


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False
    show_change_link = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


class OrderLineInline(ReadOnlyInline):
    model = OrderLine
    fields = ["position", "name", "quantity", "unit_price", "options", "note", "line_total"]
    readonly_fields = fields


class OrderEventInline(ReadOnlyInline):
    """The append-only history (PostgreSQL refuses edits too)."""

    model = OrderEvent
    fields = ["created_at", "from_status", "to_status", "actor", "actor_role", "reason", "data"]
    readonly_fields = fields
    ordering = ["created_at"]


@admin.register(Order)
class OrderAdmin(admin.ModelAdmin):
    list_display = ["number", "status", "restaurant", "customer_email", "total", "created_at"]
    list_filter = ["status", ("created_at", admin.DateFieldListFilter)]
    search_fields = ["number", "customer__email", "restaurant__name"]
    list_select_related = ["restaurant", "customer"]
    date_hierarchy = "created_at"
    ordering = ["-created_at"]
    inlines = [OrderLineInline, OrderEventInline]
    actions = ["cancel_orders", "refund_orders"]
    readonly_fields = [field.name for field in Order._meta.fields]
    show_full_result_count = False

    def has_add_permission(self, request) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    @admin.display(description="Customer", ordering="customer__email")
    def customer_email(self, order: Order) -> str:
        return order.customer.email

    @admin.action(description="Cancel the selected orders (refunds what was captured)")
    def cancel_orders(self, request, queryset):
        now = timezone.now()
        self._each(
            request,
            queryset,
            "cancelled",
            lambda order_id: order_cancel(
                order_id=order_id, actor=request.user, reason="Cancelled by an admin", now=now
            ),
        )

    @admin.action(description="Refund the rest of the selected orders' captured amounts")
    def refund_orders(self, request, queryset):
        from payments.services import payment_refund

        now = timezone.now()
        self._each(
            request,
            queryset,
            "refunded",
            lambda order_id: payment_refund(
                order_id=order_id,
                amount=None,
                reason="Refunded by an admin",
                actor=request.user,
                now=now,
            ),
        )

    def _each(self, request, queryset, done: str, act) -> None:
        succeeded = 0
        for order_id, number in queryset.values_list("pk", "number"):
            try:
                act(order_id)
            except DomainError as error:
                self.message_user(request, f"{number}: {error.message}", messages.ERROR)
            else:
                succeeded += 1
        if succeeded:
            self.message_user(request, f"{succeeded} order(s) {done}.", messages.SUCCESS)


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ("kind", "recipient", "order", "created_at", "read_at")
    list_filter = ("kind", "created_at")
    search_fields = ("recipient__email", "order__number", "title")
    readonly_fields = [field.name for field in Notification._meta.fields]

    def has_add_permission(self, request):
        return False


@admin.register(FailedTask)
class FailedTaskAdmin(admin.ModelAdmin):
    """Tasks that exhausted their retries; staff send them again once the cause is fixed."""

    list_display = ("task_name", "task_id", "failed_at", "retried_at")
    list_filter = ("task_name",)
    search_fields = ("task_name", "task_id", "exception")
    readonly_fields = [field.name for field in FailedTask._meta.fields]
    actions = ["retry"]

    def has_add_permission(self, request):
        return False

    @admin.action(description="Run the selected tasks again")
    def retry(self, request, queryset):
        for failed in queryset:
            failed_task_retry(failed_task_id=failed.pk, now=timezone.now())
        self.message_user(request, f"Enqueued {queryset.count()} task(s) again.")
