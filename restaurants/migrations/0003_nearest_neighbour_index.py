"""Near-me by index on PostgreSQL: every address as a point on the unit sphere (the `cube`
extension, which ships with PostgreSQL), and a GiST index on it that returns addresses nearest
first and stops at a box, so a page of the nearest restaurants reads a few dozen rows whatever
the city's size. The straight-line (chord) distance between two points on the sphere grows with
the great-circle distance, so ordering by it is ordering by the haversine distance.

The function has an SQL-standard body: its names are resolved once, here, so rebuilding the
index on restore (pg_restore runs with an empty search_path) finds `cube`. Other databases
(the SQLite demo) keep the bounding box and haversine in SQL: nothing to create there.

The (is_active, time_zone) index lets openNow find the time zones in use by skipping from one
zone to the next instead of reading every restaurant.
"""

from django.db import migrations, models

CREATE = [
    "CREATE EXTENSION IF NOT EXISTS cube",
    """
    CREATE FUNCTION geo_sphere_point(latitude double precision, longitude double precision)
    RETURNS cube LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
    RETURN cube(ARRAY[
        cos(radians(latitude)) * cos(radians(longitude)),
        cos(radians(latitude)) * sin(radians(longitude)),
        sin(radians(latitude))
    ])
    """,
    """
    CREATE INDEX address_sphere_point_gist ON accounts_address
    USING gist (geo_sphere_point(latitude::double precision, longitude::double precision))
    """,
]
DROP = [
    "DROP INDEX IF EXISTS address_sphere_point_gist",
    "DROP FUNCTION IF EXISTS geo_sphere_point(double precision, double precision)",
]


def _run(statements):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            for statement in statements:
                schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0001_initial"),
        ("restaurants", "0002_restaurant_menu_version"),
    ]

    operations = [
        migrations.RunPython(_run(CREATE), _run(DROP)),
        migrations.AddIndex(
            model_name="restaurant",
            index=models.Index(fields=["is_active", "time_zone"], name="restaurant_active_zone_idx"),
        ),
    ]
