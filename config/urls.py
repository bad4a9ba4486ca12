from django.conf import settings
from django.contrib import admin
from django.urls import include, path

from config.health import healthz, readyz
from config.metrics import metrics_view
from console.sites import manager_site
from graphql_api.views import graphql_view
from payments.views import stripe_webhook
from privacy.views import data_export_download

urlpatterns = [
    path("admin/", admin.site.urls),
    path("console/", manager_site.urls),
    path("graphql/", graphql_view(), name="graphql"),
    path("healthz", healthz, name="healthz"),
    path("readyz", readyz, name="readyz"),
    path("metrics", metrics_view, name="metrics"),
    path("webhooks/stripe/", stripe_webhook, name="stripe-webhook"),
    path("account/export/<str:signature>/", data_export_download, name="data-export-download"),
]

if settings.BENCHMARK:
    urlpatterns.append(path("bench/", include("bench.urls")))
