from django.contrib import admin, messages

from core.errors import DomainError
from restaurants.menu import menu_cache_invalidate
from restaurants.models import (
    Closure,
    Cuisine,
    MenuCategory,
    MenuItem,
    OpeningHours,
    Option,
    OptionGroup,
    Restaurant,
    RestaurantStaff,
)
from restaurants.services import restaurant_set_accepting_orders, restaurant_staff_remove


class OpeningHoursInline(admin.TabularInline):
    model = OpeningHours
    extra = 0


class ClosureInline(admin.TabularInline):
    model = Closure
    extra = 0


class StaffInline(admin.TabularInline):
    model = RestaurantStaff
    extra = 0
    raw_id_fields = ("user",)


@admin.register(Restaurant)
class RestaurantAdmin(admin.ModelAdmin):
    list_display = ("name", "slug", "is_active", "accepting_orders", "time_zone", "currency")
    list_filter = ("cuisines", "is_active", "accepting_orders")
    search_fields = ("name", "slug", "address__city")
    prepopulated_fields = {"slug": ("name",)}
    raw_id_fields = ("address",)
    filter_horizontal = ("cuisines",)
    inlines = [OpeningHoursInline, ClosureInline, StaffInline]
    actions = ["pause_ordering", "resume_ordering"]

    def _set_accepting(self, request, queryset, accepting: bool):
        for restaurant in queryset:
            try:
                restaurant_set_accepting_orders(
                    actor=request.user, restaurant_id=restaurant.pk, accepting=accepting
                )
            except DomainError as error:
                self.message_user(request, f"{restaurant}: {error.message}", messages.ERROR)

    def save_formset(self, request, form, formset, change):
        if formset.model is not RestaurantStaff:
            return super().save_formset(request, form, formset, change)
        # Removing someone from the team goes through the service, which also ends their open
        # live subscriptions to this restaurant's orders.
        memberships = formset.save(commit=False)
        for membership in formset.deleted_objects:
            restaurant_staff_remove(
                actor=request.user,
                restaurant_id=membership.restaurant_id,
                user_id=membership.user_id,
            )
        for membership in memberships:
            membership.save()
        formset.save_m2m()

    @admin.action(description="Pause ordering")
    def pause_ordering(self, request, queryset):
        self._set_accepting(request, queryset, False)

    @admin.action(description="Resume ordering")
    def resume_ordering(self, request, queryset):
        self._set_accepting(request, queryset, True)


class MenuItemInline(admin.TabularInline):
    model = MenuItem
    extra = 0
    fields = ("name", "price", "is_available", "position")


@admin.register(MenuCategory)
class MenuCategoryAdmin(admin.ModelAdmin):
    list_display = ("name", "restaurant", "position")
    search_fields = ("name", "restaurant__name")
    raw_id_fields = ("restaurant",)
    inlines = [MenuItemInline]

    def save_formset(self, request, form, formset, change):
        super().save_formset(request, form, formset, change)
        # Edits made here must reach customers as promptly as the API's.
        menu_cache_invalidate(form.instance.restaurant_id)


class OptionInline(admin.TabularInline):
    model = Option
    extra = 0


@admin.register(OptionGroup)
class OptionGroupAdmin(admin.ModelAdmin):
    list_display = ("name", "item", "min_selected", "max_selected")
    search_fields = ("name", "item__name")
    raw_id_fields = ("item",)
    inlines = [OptionInline]


@admin.register(Cuisine)
class CuisineAdmin(admin.ModelAdmin):
    list_display = ("name", "slug")
    prepopulated_fields = {"slug": ("name",)}
