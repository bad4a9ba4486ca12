import signal
import sys

from django.conf import settings
from django.core.management.base import BaseCommand

from payments import localstripe


class Command(BaseCommand):
    help = "Run the local Stripe stand-in on loopback and register the demo's webhook with it."

    def add_arguments(self, parser):
        parser.add_argument("--port", type=int, default=8420)
        parser.add_argument("--webhook-url", default="http://127.0.0.1:8000/webhooks/stripe/")

    def handle(self, *args, port: int, webhook_url: str, **options):
        process = localstripe.start(port)
        base_url = f"http://127.0.0.1:{port}"
        localstripe.register_webhook(
            base_url, url=webhook_url, secret=settings.STRIPE_WEBHOOK_SECRET
        )
        self.stdout.write(f"localstripe on {base_url}, webhooks to {webhook_url}")
        signal.signal(signal.SIGTERM, lambda *_: process.terminate())
        try:
            sys.exit(process.wait())
        except KeyboardInterrupt:
            process.terminate()
            process.wait(timeout=10)
