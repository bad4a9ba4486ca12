"""Mounted under /bench/ only when BENCHMARK is on (config/urls.py): never part of the API."""

from django.urls import path

from bench.views import menu_floor, menu_models

urlpatterns = [
    path("menu-floor/<slug:slug>", menu_floor, name="bench-menu-floor"),
    path("menu-models/<slug:slug>", menu_models, name="bench-menu-models"),
]
