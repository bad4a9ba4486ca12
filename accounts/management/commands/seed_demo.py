from django.core.management.base import BaseCommand
from django.utils import timezone

from accounts.services import DEMO_PASSWORD, demo_users_ensure


class Command(BaseCommand):
    help = "Create the demo users of api.md (idempotent)."

    def handle(self, *args, **options):
        users = demo_users_ensure(now=timezone.now())
        for email, user in users.items():
            self.stdout.write(f"{user.role:<17} {email}  password: {DEMO_PASSWORD}")
