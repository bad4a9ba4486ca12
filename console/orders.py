"""Orders in the platform admin: the whole story on one page, and every move staff make, each
through the service the API uses and each after a confirmation page.

Lists cost the same number of queries whatever their length: the restaurant and customer are
joined, the latest payment's status is a subquery, and the restaurant filter is an autocomplete
(it never lists every restaurant)."""

import uuid

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.db.models import Exists, OuterRef, Subquery
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join

from console.formatting import address_text, options_text
from core.admin import confirmed_action, local_and_utc, minor_units, money
from core.errors import DomainError
from delivery.models import Delivery, DeliveryStatus
from delivery.services.dispatch import delivery_redispatch
from orders.models import Order, OrderStatus
from orders.services.acceptance import (
    PREPARATION_MINUTES_MAX,
    PREPARATION_MINUTES_MIN,
    order_accept,
)
from orders.services.actions import order_cancel, order_mark_ready, order_reject
from orders.services.payments import order_refund
from payments.models import Payment, PaymentStatus
from payments.services.refunds import refundable_amount
from restaurants.models import Restaurant

WAITING_FOR_A_DRIVER = (DeliveryStatus.WAITING_FOR_DRIVER, DeliveryStatus.OFFERED)


def _link(viewname: str, obj, text=None):
    if obj is None:
        return "-"
    return format_html('<a href="{}">{}</a>', reverse(viewname, args=[obj.pk]), text or obj)


# --- Filters -----------------------------------------------------------------------------


class RestaurantFilter(admin.SimpleListFilter):
    """One restaurant, picked by typing its name (the admin's autocomplete): a long list of
    every restaurant would cost a query per page and be unusable at ten thousand."""

    title = "restaurant"
    parameter_name = "restaurant"
    template = "console/autocomplete_filter.html"

    def __init__(self, request, params, model, model_admin):
        super().__init__(request, params, model, model_admin)
        self.scope = model_admin.restaurant_scope(request)

    def lookups(self, request, model_admin):
        return ()

    def has_output(self) -> bool:
        return True

    def queryset(self, request, queryset):
        value = self.value()
        if not value:
            return queryset
        try:
            return queryset.filter(restaurant_id=uuid.UUID(value))
        except ValueError:
            return queryset.none()

    def choices(self, changelist):
        selected = None
        if self.value():
            try:
                shown = Restaurant.objects.filter(pk=uuid.UUID(self.value()))
                if self.scope is not None:
                    shown = shown.filter(pk__in=self.scope)
                selected = shown.first()
            except ValueError:
                selected = None
        yield {
            "selected": selected,
            "parameter_name": self.parameter_name,
            "clear_url": changelist.get_query_string(remove=[self.parameter_name]),
            "url_template": changelist.get_query_string({self.parameter_name: "__ID__"}),
        }


class PaymentStatusFilter(admin.SimpleListFilter):
    title = "payment status"
    parameter_name = "payment"

    def lookups(self, request, model_admin):
        return PaymentStatus.choices

    def queryset(self, request, queryset):
        if self.value() in PaymentStatus.values:
            return queryset.filter(latest_payment_status=self.value())
        return queryset


class WaitingForDriverFilter(admin.SimpleListFilter):
    title = "driver"
    parameter_name = "driver"

    def lookups(self, request, model_admin):
        return [("waiting", "Waiting for a driver"), ("assigned", "Has a driver")]

    def queryset(self, request, queryset):
        waiting = Delivery.objects.filter(order=OuterRef("pk"), status__in=WAITING_FOR_A_DRIVER)
        if self.value() == "waiting":
            return queryset.filter(Exists(waiting))
        if self.value() == "assigned":
            return queryset.filter(delivery__driver__isnull=False)
        return queryset


# --- Forms of the confirmation pages --------------------------------------------------------


class _OrdersForm(forms.Form):
    def __init__(self, *args, objects, **kwargs):
        super().__init__(*args, **kwargs)
        self.objects = objects


class AcceptForm(_OrdersForm):
    preparation_minutes = forms.IntegerField(
        min_value=PREPARATION_MINUTES_MIN, max_value=PREPARATION_MINUTES_MAX, initial=20
    )


class ReasonForm(_OrdersForm):
    reason = forms.CharField(max_length=500, widget=forms.Textarea(attrs={"rows": 3}))


class RefundForm(_OrdersForm):
    amount = forms.CharField(help_text="In the order's currency, e.g. 5.00.")
    reason = forms.CharField(max_length=500, widget=forms.Textarea(attrs={"rows": 3}))
    # One confirmation page, one refund: submitting it twice repeats the same refund.
    idempotency_key = forms.CharField(widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        order = self.objects[0]
        self.fields["idempotency_key"].initial = f"admin-{uuid.uuid4()}"
        payment = (
            Payment.objects.filter(order=order, status=PaymentStatus.CAPTURED)
            .order_by("-created_at")
            .first()
        )
        available = refundable_amount(payment) if payment else 0
        self.fields["amount"].help_text = (
            f"In {order.currency}, e.g. 5.00. Up to {money(available, order.currency)} can be "
            "refunded."
        )

    def clean_amount(self):
        try:
            return minor_units(self.cleaned_data["amount"], self.objects[0].currency)
        except ValueError as error:
            raise forms.ValidationError(str(error)) from None


# --- The order admin --------------------------------------------------------------------------


class OrderAdmin(admin.ModelAdmin):
    list_display = [
        "number",
        "status",
        "restaurant",
        "customer_email",
        "total_display",
        "payment_status",
        "created",
    ]
    list_filter = [
        RestaurantFilter,
        "status",
        PaymentStatusFilter,
        WaitingForDriverFilter,
        ("created_at", admin.DateFieldListFilter),
    ]
    search_fields = ["=number", "customer__email", "restaurant__name"]
    list_select_related = ["restaurant", "customer"]
    date_hierarchy = "created_at"
    ordering = ["-created_at"]
    show_full_result_count = False
    list_per_page = 50
    change_form_template = "console/order_change_form.html"
    actions = [
        "accept_orders",
        "reject_orders",
        "mark_ready",
        "cancel_orders",
        "refund_order",
        "redispatch",
    ]
    fieldsets = [
        (
            None,
            {
                "fields": [
                    "number",
                    "status",
                    "fulfilment_display",
                    "restaurant_link",
                    "customer_link",
                    "created",
                ]
            },
        ),
        (
            "Money",
            {
                "fields": [
                    "subtotal_display",
                    "delivery_fee_display",
                    "small_order_fee_display",
                    "service_fee_display",
                    "discount_display",
                    "tip_display",
                    "total_display",
                ]
            },
        ),
        ("Delivery address", {"fields": ["address_display", "customer_note"]}),
        ("Lines", {"fields": ["lines_table"]}),
        ("Timeline", {"fields": ["timeline"]}),
        ("Payment", {"fields": ["payments_table"]}),
        ("Delivery", {"fields": ["delivery_table"]}),
    ]
    readonly_fields = [
        "number",
        "status",
        "restaurant_link",
        "customer_link",
        "created",
        "fulfilment_display",
        "subtotal_display",
        "delivery_fee_display",
        "small_order_fee_display",
        "service_fee_display",
        "discount_display",
        "tip_display",
        "total_display",
        "address_display",
        "customer_note",
        "lines_table",
        "timeline",
        "payments_table",
        "delivery_table",
    ]

    class Media:
        css = {"all": ["admin/css/vendor/select2/select2.min.css", "admin/css/autocomplete.css"]}
        js = [
            "admin/js/vendor/jquery/jquery.min.js",
            "admin/js/vendor/select2/select2.full.min.js",
            "admin/js/jquery.init.js",
            "console/autocomplete_filter.js",
        ]

    # Read-only: the page has no SAVE button; orders change only by the actions below.
    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    def restaurant_scope(self, request):
        """Restaurant ids this console shows, or None for all of them."""
        return None

    def has_manage_permission(self, request) -> bool:
        return request.user.has_perm("orders.manage_order")

    def has_cancel_permission(self, request) -> bool:
        return request.user.has_perm("orders.cancel_order")

    def has_refund_permission(self, request) -> bool:
        return request.user.has_perm("orders.refund_order")

    def has_redispatch_permission(self, request) -> bool:
        return request.user.has_perm("orders.redispatch_order")

    def get_queryset(self, request):
        latest_payment = Payment.objects.filter(order=OuterRef("pk")).order_by("-created_at")
        return (
            super()
            .get_queryset(request)
            .annotate(latest_payment_status=Subquery(latest_payment.values("status")[:1]))
        )

    # --- columns and fields

    @admin.display(description="Customer", ordering="customer__email")
    def customer_email(self, order: Order) -> str:
        return order.customer.email

    @admin.display(description="Total", ordering="total")
    def total_display(self, order: Order) -> str:
        return money(order.total, order.currency)

    @admin.display(description="Subtotal")
    def subtotal_display(self, order: Order) -> str:
        return money(order.subtotal, order.currency)

    @admin.display(description="Delivery fee")
    def delivery_fee_display(self, order: Order) -> str:
        return money(order.delivery_fee, order.currency)

    @admin.display(description="Small-order fee")
    def small_order_fee_display(self, order: Order) -> str:
        return money(order.small_order_fee, order.currency)

    @admin.display(description="Service fee")
    def service_fee_display(self, order: Order) -> str:
        return money(order.service_fee, order.currency)

    @admin.display(description="Discount")
    def discount_display(self, order: Order) -> str:
        return money(order.discount, order.currency)

    @admin.display(description="Tip")
    def tip_display(self, order: Order) -> str:
        return money(order.tip, order.currency)

    @admin.display(description="Fulfilment")
    def fulfilment_display(self, order: Order) -> str:
        text = order.get_fulfilment_display()
        if order.scheduled_for is not None:
            zone = order.restaurant.time_zone
            text += f", scheduled for {local_and_utc(order.scheduled_for, zone)}"
            text += f"; accept by {local_and_utc(order.accept_by, zone)}"
        return text

    @admin.display(description="Payment")
    def payment_status(self, order: Order) -> str:
        status = getattr(order, "latest_payment_status", None)
        return PaymentStatus(status).label if status else "-"

    @admin.display(description="Created", ordering="created_at")
    def created(self, order: Order) -> str:
        return local_and_utc(order.created_at, order.restaurant.time_zone)

    @admin.display(description="Restaurant")
    def restaurant_link(self, order: Order):
        return _link("admin:restaurants_restaurant_change", order.restaurant)

    @admin.display(description="Customer")
    def customer_link(self, order: Order):
        customer = order.customer
        return format_html(
            '<a href="{}">{}</a> ({})',
            reverse("admin:accounts_user_change", args=[customer.pk]),
            customer.email,
            customer.full_name or "no name",
        )

    @admin.display(description="Address")
    def address_display(self, order: Order) -> str:
        if order.delivery_latitude is None:
            return "None: the customer collects it."
        return address_text(order.delivery_address)

    @admin.display(description="Lines")
    def lines_table(self, order: Order):
        rows = format_html_join(
            "",
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            (
                (
                    line.quantity,
                    line.name,
                    options_text(line.options, order.currency),
                    line.note or "",
                    money(line.unit_price, order.currency),
                    money(line.line_total, order.currency),
                )
                for line in order.lines.order_by("position")
            ),
        )
        return format_html(
            "<table><tr><th>Qty</th><th>Item</th><th>Options</th><th>Note</th><th>Unit</th>"
            "<th>Line</th></tr>{}</table>",
            rows,
        )

    @admin.display(description="Events")
    def timeline(self, order: Order):
        zone = order.restaurant.time_zone
        rows = format_html_join(
            "",
            "<tr><td>{}</td><td>{}</td><td>{} → {}</td><td>{}</td><td>{}</td></tr>",
            (
                (
                    event.sequence,
                    local_and_utc(event.created_at, zone),
                    event.get_from_status_display() or "-",
                    event.get_to_status_display(),
                    f"{event.actor or 'system'} ({event.get_actor_role_display()})",
                    event.reason or "",
                )
                for event in order.events.select_related("actor").order_by("sequence")
            ),
        )
        return format_html(
            "<table><tr><th>#</th><th>When</th><th>Move</th><th>Who</th><th>Why</th></tr>{}"
            "</table>",
            rows,
        )

    @admin.display(description="Payments and refunds")
    def payments_table(self, order: Order):
        payments = list(order.payments.prefetch_related("refunds").order_by("created_at"))
        if not payments:
            return "No payment."
        parts = []
        for payment in payments:
            refunds = format_html_join(
                "",
                "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
                (
                    (
                        local_and_utc(refund.created_at, order.restaurant.time_zone),
                        money(refund.amount, payment.currency),
                        refund.get_status_display(),
                        refund.stripe_refund_id or "-",
                        refund.reason or "",
                    )
                    for refund in payment.refunds.all()
                ),
            )
            parts.append(
                format_html(
                    "<p>{} — {}; authorised {}, captured {}, refunded {}. Stripe: <code>{}</code>"
                    "{}</p><table><tr><th>Refunded</th><th>Amount</th><th>Status</th>"
                    "<th>Stripe refund</th><th>Why</th></tr>{}</table>",
                    _link("admin:payments_payment_change", payment, "Payment"),
                    payment.get_status_display(),
                    money(payment.amount_authorized, payment.currency),
                    money(payment.amount_captured, payment.currency),
                    money(payment.amount_refunded, payment.currency),
                    payment.stripe_payment_intent_id or "not sent",
                    f" — last error: {payment.last_error_message}"
                    if payment.last_error_message
                    else "",
                    refunds,
                )
            )
        return format_html_join("", "{}", ((part,) for part in parts))

    @admin.display(description="Delivery and offers")
    def delivery_table(self, order: Order):
        delivery = Delivery.objects.filter(order=order).select_related("driver").first()
        if delivery is None:
            return "No delivery yet (one is created once the order is accepted)."
        zone = order.restaurant.time_zone
        offers = format_html_join(
            "",
            "<tr><td>{}</td><td>{}</td><td>{} m</td><td>{}</td><td>{}</td></tr>",
            (
                (
                    offer.driver,
                    offer.get_status_display(),
                    offer.distance_m,
                    local_and_utc(offer.offered_at, zone),
                    local_and_utc(offer.responded_at, zone),
                )
                for offer in delivery.offers.select_related("driver").order_by("offered_at")
            ),
        )
        return format_html(
            "<p>{}: {}; driver {}; {} dispatch round(s), next {}.</p><table><tr><th>Driver</th>"
            "<th>Offer</th><th>Distance</th><th>Offered</th><th>Answered</th></tr>{}</table>",
            _link("admin:delivery_delivery_change", delivery, "Delivery"),
            delivery.get_status_display(),
            _link("admin:accounts_user_change", delivery.driver),
            delivery.dispatch_attempts,
            local_and_utc(delivery.next_dispatch_at, zone),
            offers,
        )

    def render_change_form(self, request, context, *args, obj=None, **kwargs):
        if obj is not None:
            context["order_actions"] = self.order_actions(request, obj)
        return super().render_change_form(request, context, *args, obj=obj, **kwargs)

    def order_actions(self, request, order: Order) -> list[tuple[str, str]]:
        """The buttons on an order's page: the moves its status allows that this person may
        make (the services still decide; a refusal says why)."""
        s, shown = OrderStatus, []
        if self.has_manage_permission(request):
            if order.status == s.PLACED:
                shown += [("accept_orders", "Accept"), ("reject_orders", "Reject")]
            if order.status == s.ACCEPTED:
                shown.append(("mark_ready", "Mark ready"))
        if self.has_cancel_permission(request) and order.status not in (
            s.DELIVERED,
            s.CANCELLED,
            s.REJECTED,
            s.PAYMENT_FAILED,
            s.ACCEPTING,
        ):
            shown.append(("cancel_orders", "Cancel"))
        if self.has_refund_permission(request) and order.status in (
            s.ACCEPTED,
            s.READY_FOR_PICKUP,
            s.PICKED_UP,
            s.DELIVERED,
            s.CANCELLED,
        ):
            shown.append(("refund_order", "Refund"))
        if self.has_redispatch_permission(request) and order.status in (
            s.ACCEPTED,
            s.READY_FOR_PICKUP,
        ):
            shown.append(("redispatch", "Find a driver again"))
        return shown

    # --- actions

    def _each(self, request, queryset, done: str, act) -> None:
        succeeded = 0
        for order in queryset:
            try:
                act(order)
            except DomainError as error:
                self.message_user(request, f"{order.number}: {error.message}", messages.ERROR)
            else:
                succeeded += 1
        if succeeded:
            self.message_user(request, f"{succeeded} order(s) {done}.", messages.SUCCESS)

    @confirmed_action(
        description="Accept the selected orders (charges the card)",
        permissions=["manage"],
        form_class=AcceptForm,
    )
    def accept_orders(self, request, queryset, data):
        def accept(order):
            acceptance = order_accept(
                order_id=order.pk,
                actor=request.user,
                preparation_minutes=data["preparation_minutes"],
                now=timezone.now(),
            )
            for notice in acceptance.notices:
                self.message_user(request, f"{order.number}: {notice.message}", messages.WARNING)

        self._each(request, queryset, "accepted", accept)

    @confirmed_action(
        description="Reject the selected orders (releases the hold)",
        permissions=["manage"],
        form_class=ReasonForm,
    )
    def reject_orders(self, request, queryset, data):
        self._each(
            request,
            queryset,
            "rejected",
            lambda order: order_reject(
                order_id=order.pk, actor=request.user, reason=data["reason"], now=timezone.now()
            ),
        )

    @confirmed_action(description="Mark the selected orders ready", permissions=["manage"])
    def mark_ready(self, request, queryset, data):
        self._each(
            request,
            queryset,
            "marked ready",
            lambda order: order_mark_ready(
                order_id=order.pk, actor=request.user, now=timezone.now()
            ),
        )

    @confirmed_action(
        description="Cancel the selected orders (gives back what the card holds)",
        permissions=["cancel"],
        form_class=ReasonForm,
    )
    def cancel_orders(self, request, queryset, data):
        self._each(
            request,
            queryset,
            "cancelled",
            lambda order: order_cancel(
                order_id=order.pk, actor=request.user, reason=data["reason"], now=timezone.now()
            ),
        )

    @confirmed_action(
        description="Refund an amount of the selected order",
        permissions=["refund"],
        form_class=RefundForm,
        single=True,
    )
    def refund_order(self, request, queryset, data):
        order = queryset[0]
        limit = settings.SUPPORT_REFUND_LIMIT
        if data["amount"] > limit and not request.user.has_perm("orders.refund_order_any_amount"):
            self.message_user(
                request,
                f"{order.number}: you may refund up to {money(limit, order.currency)}; ask "
                "operations for more.",
                messages.ERROR,
            )
            return
        try:
            refund = order_refund(
                order_id=order.pk,
                actor=request.user,
                amount=data["amount"],
                reason=data["reason"],
                idempotency_key=data["idempotency_key"],
                now=timezone.now(),
            )
        except DomainError as error:
            self.message_user(request, f"{order.number}: {error.message}", messages.ERROR)
            return
        self.message_user(
            request,
            f"{order.number}: refund of {money(refund.amount, order.currency)} "
            f"{refund.get_status_display().lower()}.",
            messages.SUCCESS,
        )

    @confirmed_action(
        description="Find a driver again for the selected orders", permissions=["redispatch"]
    )
    def redispatch(self, request, queryset, data):
        def redispatch(order):
            delivery = delivery_redispatch(order_id=order.pk, now=timezone.now())
            if delivery is not None and delivery.status in WAITING_FOR_A_DRIVER[:1]:
                self.message_user(
                    request,
                    f"{order.number}: no free driver nearby yet; trying again automatically.",
                    messages.WARNING,
                )

        self._each(request, queryset, "sent to dispatch again", redispatch)
