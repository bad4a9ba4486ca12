from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps


class PlatformAdminConfig(admin_apps.AdminConfig):
    """django.contrib.admin with the platform's site (login limit, dashboard) as `admin.site`,
    so every app's `admin.py` registers on it."""

    default = False
    default_site = "console.sites.PlatformAdminSite"


class ConsoleConfig(AppConfig):
    default = True
    name = "console"
    verbose_name = "Staff consoles"
