from django.apps import AppConfig
from django.conf import settings


class ObservabilityConfig(AppConfig):
    """Wiring that needs the apps loaded: metrics fed by domain events, and optional tracing."""

    name = "config"
    label = "observability"
    verbose_name = "Observability"

    def ready(self):
        # Imported here, not at the top: this module is loaded with INSTALLED_APPS, before the
        # models that config.metrics looks up exist (Django's rule for AppConfig.ready).
        from config.metrics import domain_metrics_connect
        from config.tracing import tracing_init

        domain_metrics_connect()
        if settings.OTEL_EXPORTER_OTLP_ENDPOINT:
            tracing_init(
                endpoint=settings.OTEL_EXPORTER_OTLP_ENDPOINT,
                service_name=settings.OTEL_SERVICE_NAME,
            )
