"""Sign-in to both admin consoles, under the same limits as the API's `login`: per client IP,
per account, and a lock-out after repeated wrong passwords (accounts.sign_in_limits)."""

from django import forms
from django.contrib.admin.forms import AdminAuthenticationForm, AuthenticationForm

from accounts.errors import InvalidCredentials
from accounts.sign_in_limits import sign_in_guard
from core.errors import RateLimited
from core.limits import request_ip
from restaurants.models import RestaurantStaff, StaffRole

MANAGING_ROLES = (StaffRole.OWNER, StaffRole.MANAGER)


class SignInLimited:
    def clean(self):
        email = self.cleaned_data.get("username") or ""
        if not email or not self.cleaned_data.get("password"):
            return super().clean()
        try:
            with sign_in_guard(ip=request_ip(self.request), email=email):
                try:
                    return super().clean()
                except forms.ValidationError as error:
                    if getattr(error, "code", None) == "invalid_login":
                        raise InvalidCredentials() from error
                    raise
        except InvalidCredentials:
            raise self.get_invalid_login_error() from None
        except RateLimited as error:
            raise forms.ValidationError(error.message, code="rate_limited") from None


class PlatformLoginForm(SignInLimited, AdminAuthenticationForm):
    pass


class ManagerLoginForm(SignInLimited, AuthenticationForm):
    """Any active account that owns or manages a restaurant (no staff flag needed)."""

    def confirm_login_allowed(self, user):
        super().confirm_login_allowed(user)
        if not RestaurantStaff.objects.filter(user_id=user.pk, role__in=MANAGING_ROLES).exists():
            raise forms.ValidationError(
                "This console is for restaurants' owners and managers.", code="not_a_manager"
            )
