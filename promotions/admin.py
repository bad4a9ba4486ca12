from django.contrib import admin

from promotions.models import PromoCode, PromoRedemption


@admin.register(PromoCode)
class PromoCodeAdmin(admin.ModelAdmin):
    """Staff create and change codes here; the database refuses a code without a discount, a
    window ending before it starts, or more uses than its limit. Uses are counted by checkout
    and given back by cancellations: never edited by hand."""

    list_display = (
        "code",
        "kind",
        "percent_basis_points",
        "amount",
        "currency",
        "uses",
        "max_uses",
        "funded_by",
        "starts_at",
        "ends_at",
        "is_active",
    )
    list_filter = ("is_active", "kind", "funded_by", "first_order_only")
    search_fields = ("code", "description")
    autocomplete_fields = ("restaurants",)
    readonly_fields = ("uses", "created_at")

    def save_model(self, request, obj, form, change):
        obj.code = obj.code.strip().upper()
        obj.currency = obj.currency.strip().upper()
        super().save_model(request, obj, form, change)


@admin.register(PromoRedemption)
class PromoRedemptionAdmin(admin.ModelAdmin):
    """Every use, with who funded its discount (the statements will read these)."""

    list_display = (
        "promo",
        "order",
        "customer",
        "discount",
        "currency",
        "funded_by",
        "created_at",
        "released_at",
    )
    list_filter = ("funded_by", "created_at")
    list_select_related = ("promo", "order", "customer")
    search_fields = ("promo__code", "order__number", "customer__email")
    readonly_fields = [field.name for field in PromoRedemption._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
