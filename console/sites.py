"""The two admin sites: the platform's (every restaurant, for platform staff) and the
restaurant managers' console (only the restaurants a person owns or manages)."""

from django.contrib import admin
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone

from console.dashboard import dashboard_figures
from console.login import MANAGING_ROLES, ManagerLoginForm, PlatformLoginForm
from restaurants.models import RestaurantStaff


class PlatformAdminSite(admin.AdminSite):
    site_header = "Food delivery — platform admin"
    site_title = "Platform admin"
    index_title = "Run the business"
    index_template = "console/index.html"
    login_form = PlatformLoginForm

    def has_permission(self, request) -> bool:
        """Platform staff: the staff flag and the Admin role (the services check the role; the
        groups narrow what each person may do here)."""
        user = request.user
        return bool(user.is_active and user.is_staff and getattr(user, "is_admin", False))

    def get_urls(self):
        return [
            path("dashboard/", self.admin_view(self.dashboard_view), name="dashboard"),
            *super().get_urls(),
        ]

    def index(self, request, extra_context=None):
        extra_context = {**(extra_context or {}), "dashboard_url": reverse("admin:dashboard")}
        return super().index(request, extra_context)

    def dashboard_view(self, request):
        context = {
            **self.each_context(request),
            "title": "Dashboard",
            **dashboard_figures(now=timezone.now()),
        }
        return TemplateResponse(request, "console/dashboard.html", context)


class ManagerSite(admin.AdminSite):
    """Owners and managers of restaurants sign in here with their own account (no staff flag
    needed); every page shows only their restaurants."""

    site_header = "Food delivery — restaurant console"
    site_title = "Restaurant console"
    index_title = "Your restaurants"
    login_form = ManagerLoginForm

    def has_permission(self, request) -> bool:
        user = request.user
        return bool(
            user.is_active
            and user.is_authenticated
            and RestaurantStaff.objects.filter(user_id=user.pk, role__in=MANAGING_ROLES).exists()
        )


manager_site = ManagerSite(name="managers")
