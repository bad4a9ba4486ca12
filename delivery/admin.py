"""Driver dispatch in the Django admin: read only; dispatch state moves only through its
services (the orders' page has the "find a driver again" action)."""

from django.contrib import admin

from core.admin import ReadOnlyAdmin
from delivery.models import Delivery, DeliveryOffer, DriverState


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

    def has_change_permission(self, request, obj=None) -> bool:
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
    search_fields = ("=order__number", "driver__email")
    list_select_related = ("order", "driver")
    date_hierarchy = "created_at"
    inlines = [DeliveryOfferInline]
