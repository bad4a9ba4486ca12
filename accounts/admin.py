from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import UserChangeForm, UserCreationForm
from django.utils import timezone

from accounts.models import Address, User
from accounts.revocation import user_access_changed_record
from accounts.services import user_deactivate


class EmailUserCreationForm(UserCreationForm):
    class Meta:
        model = User
        fields = ("email", "full_name", "role")


class EmailUserChangeForm(UserChangeForm):
    class Meta:
        model = User
        fields = "__all__"


class AddressInline(admin.TabularInline):
    model = Address
    extra = 0
    fields = ("label", "line1", "line2", "city", "postal_code", "country", "latitude", "longitude")


class DeletedFilter(admin.SimpleListFilter):
    """Accounts their owners deleted (anonymised rows kept for their orders and payments)."""

    title = "deleted by their owner"
    parameter_name = "deleted"

    def lookups(self, request, model_admin):
        return [("yes", "Deleted"), ("no", "Not deleted")]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.filter(deleted_at__isnull=False)
        if self.value() == "no":
            return queryset.filter(deleted_at__isnull=True)
        return queryset


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    """Passwords show as Django's read-only hash summary with a link to the change form."""

    add_form = EmailUserCreationForm
    form = EmailUserChangeForm
    ordering = ("email",)
    list_display = ("email", "full_name", "role", "is_active", "date_joined", "deleted_at")
    list_filter = ("role", "is_active", "is_staff", DeletedFilter)
    search_fields = ("email", "full_name", "phone")
    readonly_fields = (
        "date_joined",
        "last_login",
        "token_version",
        "email_verified_at",
        "phone_verified_at",
        "deleted_at",
    )
    inlines = [AddressInline]
    actions = ["deactivate"]
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        ("Profile", {"fields": ("full_name", "phone", "role")}),
        (
            "Permissions",
            {"fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")},
        ),
        ("Activity", {"fields": ("date_joined", "last_login", "token_version")}),
        (
            "Verification and deletion",
            {"fields": ("email_verified_at", "phone_verified_at", "deleted_at")},
        ),
    )
    add_fieldsets = (
        (
            None,
            {
                "classes": ("wide",),
                "fields": ("email", "full_name", "role", "password1", "password2"),
            },
        ),
    )

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if not change:
            return
        if "is_active" in form.changed_data and not obj.is_active:
            # Unticking "active" must end the user's sessions and close their open sockets too,
            # not only refuse their next sign-in.
            user_deactivate(user_id=obj.pk, now=timezone.now())
        elif {"role", "is_superuser"} & set(form.changed_data):
            # Admin rights may have gone: open subscriptions re-check what they may see.
            user_access_changed_record(user_id=obj.pk)

    @admin.action(description="Deactivate (ends their sessions and live connections)")
    def deactivate(self, request, queryset):
        now = timezone.now()
        for user_id in queryset.values_list("pk", flat=True):
            user_deactivate(user_id=user_id, now=now)


@admin.register(Address)
class AddressAdmin(admin.ModelAdmin):
    list_display = ("line1", "city", "country", "user", "label")
    list_filter = ("country", "city")
    search_fields = ("line1", "city", "postal_code", "user__email", "user__full_name")
    raw_id_fields = ("user",)
