from django.contrib import admin
from django.urls import path

from config.health import healthz, readyz
from graphql_api.views import graphql_view

urlpatterns = [
    path("admin/", admin.site.urls),
    path("graphql/", graphql_view(), name="graphql"),
    path("healthz", healthz, name="healthz"),
    path("readyz", readyz, name="readyz"),
]
