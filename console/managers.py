"""The restaurant managers' console: the catalogue's and the orders' screens of the platform
admin, narrowed to the restaurants the signed-in person owns or manages.

Nothing of another restaurant is reachable: every queryset (lists, pages, search, the
autocompletes, the actions' selections) is filtered by the person's restaurants, every foreign
key offers only their rows, and the services check membership again on every write."""

from django import forms
from django.contrib import admin

from accounts.models import User, normalize_email
from console.orders import OrderAdmin, RestaurantFilter
from console.sites import MANAGING_ROLES, manager_site
from orders.models import Order
from restaurants.admin import (
    ClosureInline,
    MenuCategoryAdmin,
    MenuItemAdmin,
    OpeningHoursInline,
    OptionGroupAdmin,
    RestaurantAdmin,
    StaffForm,
    StaffInline,
)
from restaurants.models import MenuCategory, MenuItem, OptionGroup, Restaurant, RestaurantStaff
from restaurants.services_edits import OWNER_FIELDS


def managed_restaurant_ids(request):
    if not hasattr(request, "_managed_restaurant_ids"):
        request._managed_restaurant_ids = list(
            RestaurantStaff.objects.filter(
                user_id=request.user.pk, role__in=MANAGING_ROLES
            ).values_list("restaurant_id", flat=True)
        )
    return request._managed_restaurant_ids


class ManagerScoped:
    """Rights come from being an owner or manager (checked by the site), rows from the scope."""

    def restaurant_scope(self, request):
        return managed_restaurant_ids(request)

    def has_module_permission(self, request) -> bool:
        return True

    def has_view_permission(self, request, obj=None) -> bool:
        return True

    def has_add_permission(self, request, *args) -> bool:
        return True

    def has_change_permission(self, request, obj=None) -> bool:
        return True

    def has_delete_permission(self, request, obj=None) -> bool:
        return True

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        scope = managed_restaurant_ids(request)
        related = db_field.related_model
        if related is Restaurant:
            kwargs["queryset"] = Restaurant.objects.filter(pk__in=scope)
        elif related is MenuCategory:
            kwargs["queryset"] = MenuCategory.objects.filter(restaurant_id__in=scope)
        elif related is MenuItem:
            kwargs["queryset"] = MenuItem.objects.filter(restaurant_id__in=scope)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class ManagerStaffForm(StaffForm):
    """A team member is named by their exact email: managers cannot browse everyone's
    accounts."""

    email = forms.EmailField(label="Email")

    class Meta(StaffForm.Meta):
        fields = ("role",)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.instance._state.adding:
            self.fields["email"].initial = self.instance.user.email
            self.fields["email"].disabled = True

    def clean(self):
        data = super().clean()
        if not self.instance._state.adding:
            data["user"] = self.instance.user
            return data
        email = data.get("email")
        user = User.objects.filter(email=normalize_email(email or ""), is_active=True).first()
        if email and user is None:
            self.add_error("email", "No active account has this email.")
        data["user"] = user
        return data


class ManagerStaffInline(ManagerScoped, StaffInline):
    form = ManagerStaffForm
    fields = ("email", "role")
    autocomplete_fields = ()


class ManagerOpeningHoursInline(ManagerScoped, OpeningHoursInline):
    pass


class ManagerClosureInline(ManagerScoped, ClosureInline):
    pass


class ManagerRestaurantAdmin(ManagerScoped, RestaurantAdmin):
    """Their own restaurants' day-to-day settings, hours, closures, team and pause switch."""

    fields = ("name", "currency", "time_zone", *sorted(OWNER_FIELDS))
    readonly_fields = ("name", "currency", "time_zone")
    list_display = ("name", "accepting_orders", "time_zone", "delivery_fee_display")
    list_filter = ("accepting_orders",)
    search_fields = ("name",)
    prepopulated_fields = {}
    filter_horizontal = ()
    raw_id_fields = ()
    inlines = [ManagerOpeningHoursInline, ManagerClosureInline, ManagerStaffInline]

    def has_add_permission(self, request, *args) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    def get_actions(self, request):
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        return actions


class ManagerMenuCategoryAdmin(ManagerScoped, MenuCategoryAdmin):
    pass


class ManagerMenuItemAdmin(ManagerScoped, MenuItemAdmin):
    pass


class ManagerOptionGroupAdmin(ManagerScoped, OptionGroupAdmin):
    pass


class ManagerOrderAdmin(OrderAdmin):
    """Their restaurants' orders, read-only, with accept, reject and mark ready."""

    list_display = ["number", "status", "restaurant", "total_display", "created"]
    list_filter = [RestaurantFilter, "status", ("created_at", admin.DateFieldListFilter)]
    search_fields = ["=number"]
    list_select_related = ["restaurant"]
    actions = ["accept_orders", "reject_orders", "mark_ready"]
    fieldsets = [
        (None, {"fields": ["number", "status", "restaurant", "created"]}),
        (
            "Money",
            {
                "fields": [
                    "subtotal_display",
                    "delivery_fee_display",
                    "tip_display",
                    "total_display",
                ]
            },
        ),
        ("Delivery address", {"fields": ["address_display", "customer_note"]}),
        ("Lines", {"fields": ["lines_table"]}),
        ("Timeline", {"fields": ["timeline"]}),
    ]
    readonly_fields = [
        "number",
        "status",
        "restaurant",
        "created",
        "subtotal_display",
        "delivery_fee_display",
        "tip_display",
        "total_display",
        "address_display",
        "customer_note",
        "lines_table",
        "timeline",
    ]

    def restaurant_scope(self, request):
        return managed_restaurant_ids(request)

    def get_queryset(self, request):
        scope = managed_restaurant_ids(request)
        return super().get_queryset(request).filter(restaurant_id__in=scope)

    def has_module_permission(self, request) -> bool:
        return True

    def has_view_permission(self, request, obj=None) -> bool:
        return True

    def has_manage_permission(self, request) -> bool:
        return True  # the services check that they work for the order's restaurant

    def has_cancel_permission(self, request) -> bool:
        return False

    def has_refund_permission(self, request) -> bool:
        return False

    def has_redispatch_permission(self, request) -> bool:
        return False


manager_site.register(Restaurant, ManagerRestaurantAdmin)
manager_site.register(MenuCategory, ManagerMenuCategoryAdmin)
manager_site.register(MenuItem, ManagerMenuItemAdmin)
manager_site.register(OptionGroup, ManagerOptionGroupAdmin)
manager_site.register(Order, ManagerOrderAdmin)
