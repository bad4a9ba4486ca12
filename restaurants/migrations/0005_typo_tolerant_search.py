"""Search that forgives, on PostgreSQL: names compared without accents or case, by trigrams
(`pg_trgm` and `unaccent`, both shipped with PostgreSQL), with GIN indexes on exactly the
expression the search compares, so "piza" finds pizza places and "acai" finds "Açaí" through an
index, not a scan of every restaurant and dish.

`search_text` has an SQL-standard body: `unaccent` and its dictionary are resolved once, here,
which also makes it safe to declare IMMUTABLE (an index needs that) and to rebuild on restore.
The SQLite demo has neither extension and keeps the plain substring search (README).
"""

from django.db import migrations

CREATE = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    "CREATE EXTENSION IF NOT EXISTS unaccent",
    """
    CREATE FUNCTION search_text(value text)
    RETURNS text LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
    RETURN lower(unaccent('unaccent'::regdictionary, value))
    """,
    """
    CREATE INDEX restaurant_name_trgm ON restaurants_restaurant
    USING gin (search_text(name) gin_trgm_ops)
    """,
    """
    CREATE INDEX menuitem_name_trgm ON restaurants_menuitem
    USING gin (search_text(name) gin_trgm_ops)
    """,
]
DROP = [
    "DROP INDEX IF EXISTS menuitem_name_trgm",
    "DROP INDEX IF EXISTS restaurant_name_trgm",
    "DROP FUNCTION IF EXISTS search_text(text)",
]


def _run(statements):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            for statement in statements:
                schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [("restaurants", "0004_fees_and_slots")]

    operations = [migrations.RunPython(_run(CREATE), _run(DROP))]
