from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand

from graphql_api.schema import schema

SCHEMA_PATH = Path(settings.BASE_DIR) / "schema.graphql"


def schema_sdl() -> str:
    return schema.as_str() + "\n"


class Command(BaseCommand):
    help = "Write the GraphQL schema (SDL) to schema.graphql at the repository root."

    def add_arguments(self, parser):
        parser.add_argument("--check", action="store_true", help="Fail if the file is stale.")

    def handle(self, *args, check: bool = False, **options):
        sdl = schema_sdl()
        if check:
            current = SCHEMA_PATH.read_text() if SCHEMA_PATH.exists() else ""
            if current != sdl:
                self.stderr.write("schema.graphql is stale: run `make schema`.")
                raise SystemExit(1)
            self.stdout.write("schema.graphql is up to date.")
            return
        SCHEMA_PATH.write_text(sdl)
        self.stdout.write(f"Wrote {SCHEMA_PATH}")
