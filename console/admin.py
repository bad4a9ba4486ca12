"""Registers the consoles' own screens: orders on the platform admin (their page needs payments
and deliveries, which sit above orders), and the managers' console."""

from django.contrib import admin

from console.orders import OrderAdmin
from orders.models import Order

admin.site.register(Order, OrderAdmin)

# The managers' console registers its own screens on its own site.
import console.managers  # noqa: E402, F401
