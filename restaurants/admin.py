"""The catalogue in the admin consoles. Every edit goes through `restaurants.services` (and
`services_edits`) with the signed-in person as the actor: the forms run the services' checks so
their refusals show beside the fields, nothing is written that the API would refuse, and every
menu change bumps the menu version (customers see it on their next read).

The same classes serve the platform admin (every restaurant) and the managers' console, which
narrows `restaurant_scope` to the restaurants the person owns or manages."""

from django import forms
from django.contrib import admin, messages

from core.admin import ServiceFormsetsAdmin, check_form, money
from core.errors import DomainError
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
from restaurants.services import (
    Span,
    closure_add,
    menu_category_create,
    menu_category_update,
    menu_item_check,
    menu_item_create,
    menu_item_delete,
    menu_item_set_availability,
    menu_item_update,
    opening_hours_check,
    opening_hours_set,
    option_check,
    option_create,
    option_group_check,
    option_group_create,
    option_set_availability,
    restaurant_set_accepting_orders,
    restaurant_staff_remove,
)
from restaurants.services_edits import (
    PLATFORM_FIELDS,
    closure_check,
    closure_delete,
    closure_update,
    menu_category_delete,
    option_delete,
    option_group_delete,
    option_group_update,
    option_update,
    restaurant_create,
    restaurant_settings_check,
    restaurant_staff_set,
    restaurant_update,
)

API_FIELDS = {
    "priceDelta": "price_delta",
    "minSelected": "min_selected",
    "maxSelected": "max_selected",
    "endsAt": "ends_at",
    "startsAt": "starts_at",
}


class ScopedAdmin(admin.ModelAdmin):
    """Rows of the restaurants a person may see through this console. `restaurant_path` is the
    lookup from the model to its restaurant; the platform console sees everything."""

    restaurant_path = "restaurant"

    def restaurant_scope(self, request):
        """Restaurant ids this console shows (a queryset or list), or None for all of them."""
        return None

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        scope = self.restaurant_scope(request)
        if scope is None:
            return queryset
        lookup = "pk__in" if self.restaurant_path == "" else f"{self.restaurant_path}__in"
        return queryset.filter(**{lookup: scope})


# --- Forms that run the services' checks -------------------------------------------------


class OpeningHoursFormSet(forms.BaseInlineFormSet):
    def clean(self):
        super().clean()
        if any(self.errors):
            return
        spans, kept = [], []
        for form in self.forms:
            data = getattr(form, "cleaned_data", None) or {}
            if not data or self._should_delete_form(form):
                continue
            spans.append(Span(data["weekday"], data["opens_at"], data["closes_at"]))
            kept.append(form)
        try:
            opening_hours_check(spans)
        except DomainError as error:
            target = None
            if error.field and error.field.startswith("hours["):
                target = kept[int(error.field[6 : error.field.index("]")])]
            if target is not None:
                target.add_error(None, error.message)
            raise forms.ValidationError(error.message) from None


class ClosureForm(forms.ModelForm):
    def clean(self):
        data = super().clean()
        if data.get("starts_at"):
            check_form(
                self,
                lambda: closure_check(starts_at=data["starts_at"], ends_at=data.get("ends_at")),
                API_FIELDS,
            )
        return data


class StaffForm(forms.ModelForm):
    class Meta:
        model = RestaurantStaff
        fields = ("user", "role")


class MenuItemForm(forms.ModelForm):
    def clean(self):
        data = super().clean()
        if "name" in data and data.get("price") is not None:
            check_form(self, lambda: menu_item_check(name=data["name"], price=data["price"]))
        return data


class OptionForm(forms.ModelForm):
    def clean(self):
        data = super().clean()
        if "name" in data and data.get("price_delta") is not None:
            check_form(
                self,
                lambda: option_check(name=data["name"], price_delta=data["price_delta"]),
                API_FIELDS,
            )
        return data


class OptionGroupForm(forms.ModelForm):
    def clean(self):
        data = super().clean()
        if data.get("min_selected") is not None and data.get("max_selected") is not None:
            check_form(
                self,
                lambda: option_group_check(
                    min_selected=data["min_selected"], max_selected=data["max_selected"]
                ),
                API_FIELDS,
            )
        return data


class RestaurantForm(forms.ModelForm):
    def clean(self):
        data = super().clean()
        changes = {
            name: data[name]
            for name in self.changed_data
            if name in PLATFORM_FIELDS and name in data
        }
        check_form(self, lambda: restaurant_settings_check(changes))
        return data


# --- Savers: one inline form through its service ---------------------------------------


def _save_closure(request, restaurant, form, action):
    data = form.cleaned_data
    if action == "create":
        closure_add(
            actor=request.user,
            restaurant_id=restaurant.pk,
            starts_at=data["starts_at"],
            ends_at=data.get("ends_at"),
            reason=data.get("reason", ""),
        )
    elif action == "update":
        closure_update(
            actor=request.user,
            closure_id=form.instance.pk,
            starts_at=data["starts_at"],
            ends_at=data.get("ends_at"),
            reason=data.get("reason", ""),
        )
    else:
        closure_delete(actor=request.user, closure_id=form.instance.pk)


def _save_staff(request, restaurant, form, action):
    if action == "delete":
        restaurant_staff_remove(
            actor=request.user, restaurant_id=restaurant.pk, user_id=form.instance.user_id
        )
        return
    data = form.cleaned_data
    if action == "update" and "user" in form.changed_data:
        restaurant_staff_remove(
            actor=request.user, restaurant_id=restaurant.pk, user_id=form.initial["user"]
        )
    restaurant_staff_set(
        actor=request.user, restaurant_id=restaurant.pk, user_id=data["user"].pk, role=data["role"]
    )


def _save_item(request, category, form, action):
    data = form.cleaned_data
    if action == "delete":
        menu_item_delete(actor=request.user, item_id=form.instance.pk)
        return
    if action == "create":
        item = menu_item_create(
            actor=request.user,
            category_id=category.pk,
            name=data["name"],
            price=data["price"],
            is_available=data.get("is_available", True),
        )
        if data.get("position") is not None:
            menu_item_update(actor=request.user, item_id=item.pk, position=data["position"])
        return
    menu_item_update(
        actor=request.user,
        item_id=form.instance.pk,
        name=data["name"],
        price=data["price"],
        position=data.get("position"),
    )
    if "is_available" in form.changed_data:
        menu_item_set_availability(
            actor=request.user, item_id=form.instance.pk, available=data["is_available"]
        )


def _save_option(request, group, form, action):
    data = form.cleaned_data
    if action == "delete":
        option_delete(actor=request.user, option_id=form.instance.pk)
        return
    if action == "create":
        option = option_create(
            actor=request.user,
            group_id=group.pk,
            name=data["name"],
            price_delta=data["price_delta"],
        )
    else:
        option = option_update(
            actor=request.user,
            option_id=form.instance.pk,
            name=data["name"],
            price_delta=data["price_delta"],
            position=data.get("position"),
        )
    if "is_available" in data and data["is_available"] != option.is_available:
        option_set_availability(
            actor=request.user, option_id=option.pk, available=data["is_available"]
        )


# --- Inlines ------------------------------------------------------------------------------


class OpeningHoursInline(admin.TabularInline):
    model = OpeningHours
    formset = OpeningHoursFormSet
    extra = 0


class ClosureInline(admin.TabularInline):
    model = Closure
    form = ClosureForm
    fields = ("starts_at", "ends_at", "reason")
    extra = 0


class StaffInline(admin.TabularInline):
    model = RestaurantStaff
    form = StaffForm
    extra = 0
    autocomplete_fields = ("user",)
    verbose_name_plural = "team"


class MenuItemInline(admin.TabularInline):
    model = MenuItem
    form = MenuItemForm
    extra = 0
    fields = ("name", "price", "is_available", "position")


class OptionInline(admin.TabularInline):
    model = Option
    form = OptionForm
    extra = 0
    fields = ("name", "price_delta", "is_available", "position")


# --- Model admins -------------------------------------------------------------------------


class RestaurantAdmin(ServiceFormsetsAdmin, ScopedAdmin):
    form = RestaurantForm
    restaurant_path = ""
    list_display = (
        "name",
        "slug",
        "is_active",
        "accepting_orders",
        "time_zone",
        "delivery_fee_display",
    )
    list_filter = ("cuisines", "is_active", "accepting_orders")
    search_fields = ("name", "slug", "address__city")
    prepopulated_fields = {"slug": ("name",)}
    raw_id_fields = ("address",)
    filter_horizontal = ("cuisines",)
    inlines = [OpeningHoursInline, ClosureInline, StaffInline]
    actions = ["pause_ordering", "resume_ordering"]
    inline_savers = {Closure: _save_closure, RestaurantStaff: _save_staff}

    @admin.display(description="Delivery fee", ordering="delivery_fee")
    def delivery_fee_display(self, restaurant: Restaurant) -> str:
        return money(restaurant.delivery_fee, restaurant.currency)

    def save_model(self, request, obj, form, change):
        if not change:
            created = restaurant_create(
                actor=request.user,
                slug=form.cleaned_data["slug"],
                address=form.cleaned_data["address"],
                settings={
                    name: form.cleaned_data[name]
                    for name in PLATFORM_FIELDS
                    if name in form.cleaned_data
                },
            )
            # The page's object becomes the created row: the cuisines and inlines attach to it.
            obj.pk, obj._state.adding = created.pk, False
            return None
        changes = {
            name: form.cleaned_data[name]
            for name in form.changed_data
            if name in PLATFORM_FIELDS | {"slug", "address"}
        }
        restaurant_update(actor=request.user, restaurant_id=obj.pk, changes=changes)

    def save_formset(self, request, form, formset, change):
        if formset.model is OpeningHours:
            kept = [
                child.cleaned_data
                for child in formset.forms
                if child.cleaned_data and not formset._should_delete_form(child)
            ]
            spans = [Span(data["weekday"], data["opens_at"], data["closes_at"]) for data in kept]
            if formset.has_changed():
                opening_hours_set(actor=request.user, restaurant_id=form.instance.pk, spans=spans)
            formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []
            return
        super().save_formset(request, form, formset, change)

    def _set_accepting(self, request, queryset, accepting: bool):
        changed = 0
        for restaurant in queryset:
            try:
                restaurant_set_accepting_orders(
                    actor=request.user, restaurant_id=restaurant.pk, accepting=accepting
                )
                changed += 1
            except DomainError as error:
                self.message_user(request, f"{restaurant}: {error.message}", messages.ERROR)
        if changed:
            verb = "take orders again" if accepting else "are paused"
            self.message_user(request, f"{changed} restaurant(s) {verb}.", messages.SUCCESS)

    @admin.action(description="Pause ordering")
    def pause_ordering(self, request, queryset):
        self._set_accepting(request, queryset, False)

    @admin.action(description="Resume ordering")
    def resume_ordering(self, request, queryset):
        self._set_accepting(request, queryset, True)


class MenuCategoryAdmin(ServiceFormsetsAdmin, ScopedAdmin):
    list_display = ("name", "restaurant", "position")
    search_fields = ("name", "restaurant__name")
    list_select_related = ("restaurant",)
    autocomplete_fields = ("restaurant",)
    inlines = [MenuItemInline]
    inline_savers = {MenuItem: _save_item}

    def save_model(self, request, obj, form, change):
        data = form.cleaned_data
        if change:
            menu_category_update(
                actor=request.user, category_id=obj.pk, name=data["name"], position=data["position"]
            )
            return
        created = menu_category_create(
            actor=request.user,
            restaurant_id=data["restaurant"].pk,
            name=data["name"],
            position=data["position"],
        )
        obj.pk, obj._state.adding = created.pk, False

    def delete_model(self, request, obj):
        menu_category_delete(actor=request.user, category_id=obj.pk)

    def delete_queryset(self, request, queryset):
        for category_id in queryset.values_list("pk", flat=True):
            menu_category_delete(actor=request.user, category_id=category_id)


class MenuItemAdmin(ServiceFormsetsAdmin, ScopedAdmin):
    """Items across categories: the availability switches a kitchen flips during service."""

    list_display = ("name", "restaurant", "category", "price_display", "is_available")
    list_filter = ("is_available",)
    search_fields = ("name", "restaurant__name", "category__name")
    list_select_related = ("restaurant", "category")
    fields = ("category", "name", "description", "price", "is_available", "position")
    actions = ["mark_unavailable", "mark_available"]
    form = MenuItemForm

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        scope = self.restaurant_scope(request)
        if scope is not None and "category" in form.base_fields:
            form.base_fields["category"].queryset = MenuCategory.objects.filter(
                restaurant_id__in=scope
            )
        return form

    @admin.display(description="Price", ordering="price")
    def price_display(self, item: MenuItem) -> str:
        return money(item.price, item.restaurant.currency)

    def save_model(self, request, obj, form, change):
        data = form.cleaned_data
        if not change:
            created = menu_item_create(
                actor=request.user,
                category_id=data["category"].pk,
                name=data["name"],
                price=data["price"],
                description=data.get("description", ""),
                is_available=data.get("is_available", True),
            )
            obj.pk, obj._state.adding = created.pk, False
            return
        if "category" in form.changed_data:
            raise DomainError("Move an item by creating it in the other category.")
        menu_item_update(
            actor=request.user,
            item_id=obj.pk,
            name=data["name"],
            description=data.get("description", ""),
            price=data["price"],
            position=data.get("position"),
        )
        if "is_available" in form.changed_data:
            menu_item_set_availability(
                actor=request.user, item_id=obj.pk, available=data["is_available"]
            )

    def delete_model(self, request, obj):
        menu_item_delete(actor=request.user, item_id=obj.pk)

    def delete_queryset(self, request, queryset):
        for item_id in queryset.values_list("pk", flat=True):
            menu_item_delete(actor=request.user, item_id=item_id)

    def _availability(self, request, queryset, available: bool):
        changed = 0
        for item_id in queryset.values_list("pk", flat=True):
            try:
                menu_item_set_availability(actor=request.user, item_id=item_id, available=available)
                changed += 1
            except DomainError as error:
                self.message_user(request, error.message, messages.ERROR)
        word = "available" if available else "unavailable"
        self.message_user(request, f"{changed} item(s) marked {word}.", messages.SUCCESS)

    @admin.action(description="Mark unavailable (sold out)")
    def mark_unavailable(self, request, queryset):
        self._availability(request, queryset, False)

    @admin.action(description="Mark available")
    def mark_available(self, request, queryset):
        self._availability(request, queryset, True)


class OptionGroupAdmin(ServiceFormsetsAdmin, ScopedAdmin):
    form = OptionGroupForm
    restaurant_path = "item__restaurant"
    list_display = ("name", "item", "min_selected", "max_selected")
    search_fields = ("name", "item__name")
    list_select_related = ("item",)
    autocomplete_fields = ("item",)
    fields = ("item", "name", "min_selected", "max_selected", "position")
    inlines = [OptionInline]
    inline_savers = {Option: _save_option}

    def save_model(self, request, obj, form, change):
        data = form.cleaned_data
        if change:
            if "item" in form.changed_data:
                raise DomainError("An option group stays on its item.")
            return  # updated in save_related, once its options are saved (the minimum counts them)
        created = option_group_create(
            actor=request.user,
            item_id=data["item"].pk,
            name=data["name"],
            min_selected=0,
            max_selected=data["max_selected"],
        )
        obj.pk, obj._state.adding = created.pk, False

    def save_related(self, request, form, formsets, change):
        form.save_m2m()
        for formset in formsets:  # new and changed options first, removals after the group
            self.save_inline_forms(
                request, form.instance, formset, _save_option, actions=("create", "update")
            )
        data = form.cleaned_data
        option_group_update(
            actor=request.user,
            group_id=form.instance.pk,
            name=data["name"],
            min_selected=data["min_selected"],
            max_selected=data["max_selected"],
            position=data.get("position") or 0,
        )
        for formset in formsets:
            self.save_inline_forms(
                request, form.instance, formset, _save_option, actions=("delete",)
            )

    def delete_model(self, request, obj):
        option_group_delete(actor=request.user, group_id=obj.pk)

    def delete_queryset(self, request, queryset):
        for group_id in queryset.values_list("pk", flat=True):
            option_group_delete(actor=request.user, group_id=group_id)


class CuisineAdmin(admin.ModelAdmin):
    list_display = ("name", "slug")
    search_fields = ("name",)
    prepopulated_fields = {"slug": ("name",)}


admin.site.register(Restaurant, RestaurantAdmin)
admin.site.register(MenuCategory, MenuCategoryAdmin)
admin.site.register(MenuItem, MenuItemAdmin)
admin.site.register(OptionGroup, OptionGroupAdmin)
admin.site.register(Cuisine, CuisineAdmin)
