import time

from django.core.management.base import BaseCommand
from django.db import connection
from django.utils import timezone

from delivery.services.drivers import driver_set_availability
from demo.city import bulk_city_create, demo_city_ensure
from demo.users import DEMO_PASSWORD, demo_users_ensure


class Command(BaseCommand):
    help = "Build the demo city of api.md (idempotent); optionally large sets for benchmarks."

    def add_arguments(self, parser):
        parser.add_argument("--restaurants", type=int, default=0, help="Extra bulk restaurants.")
        parser.add_argument("--items-per-restaurant", type=int, default=20)

    def handle(self, *args, restaurants: int, items_per_restaurant: int, **options):
        now = timezone.now()
        users = demo_users_ensure(now=now)
        # The demo driver is on shift in the city centre, so accepted orders find a driver.
        driver_set_availability(
            driver=users["driver@demo.test"],
            available=True,
            latitude=38.7223,
            longitude=-9.1393,
            now=now,
        )
        city = demo_city_ensure(owner=users["staff@demo.test"], now=now)
        if restaurants:
            started = time.perf_counter()
            bulk_city_create(
                restaurants=restaurants, items_per_restaurant=items_per_restaurant, now=now
            )
            self.stdout.write(
                f"Bulk: {restaurants} restaurants x {items_per_restaurant} items in "
                f"{time.perf_counter() - started:.1f} s"
            )
            # Planner statistics for the rows just loaded. Until autovacuum gets round to it the
            # planner believes the tables are as small as before, and near-me over 10,000
            # restaurants scanned every address in the box (114 ms) instead of walking the
            # nearest-first index (1 ms): docs/performance.md.
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
        self.stdout.write(f"Demo users (password: {DEMO_PASSWORD}):")
        for email, user in users.items():
            self.stdout.write(f"  {user.role:<17} {email}")
        self.stdout.write(f"{len(city)} demo restaurants, open around the clock:")
        for restaurant in city[:3]:
            self.stdout.write(f"  {restaurant.slug}")
        self.stdout.write("GraphiQL: http://127.0.0.1:8000/graphql/")
