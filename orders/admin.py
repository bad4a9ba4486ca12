"""Orders in the Django admin: find and read them; change them only through the services."""

from django.contrib import admin, messages
from django.utils import timezone

from core.admin import ReadOnlyInline
from core.errors import DomainError
from orders.models import Order, OrderEvent, OrderLine
from orders.services.actions import order_cancel
from payments.services import payment_refund_rest


class OrderLineInline(ReadOnlyInline):
    model = OrderLine
    fields = ["position", "name", "quantity", "unit_price", "options", "note", "line_total"]
    readonly_fields = fields


class OrderEventInline(ReadOnlyInline):
    """The append-only history (PostgreSQL refuses edits too)."""

    model = OrderEvent
    fields = [
        "sequence",
        "created_at",
        "from_status",
        "to_status",
        "actor",
        "actor_role",
        "reason",
        "data",
    ]
    readonly_fields = fields
    ordering = ["sequence"]


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
        now = timezone.now()
        self._each(
            request,
            queryset,
            "refunded",
            lambda order_id: payment_refund_rest(
                order_id=order_id,
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
