"""Restaurant search that forgives typos and accents (PostgreSQL), with a plain substring search
where the database cannot (the SQLite demo).

On PostgreSQL a restaurant matches when a word of its name, of one of its cuisines or of one of
its dishes is like the term by trigrams ("piza" finds "Pizzeria", "sushii" finds "Sushi Bar"),
compared without accents or case ("acai" finds "Açaí"): `search_text()` and the trigram indexes
of migration 0005. The three ways in are unioned as ids, so each reads its own index; matches
are ranked by how alike the restaurant's own name is, then by name.
"""

from django.db import connection
from django.db.models import (
    BooleanField,
    Exists,
    F,
    FloatField,
    Func,
    OuterRef,
    Q,
    TextField,
    Value,
)
from django.db.models.functions import Greatest

from restaurants.models import MenuItem, Restaurant


class SearchText(Func):
    """Lower case, accents removed: the expression the trigram indexes hold."""

    function = "search_text"
    output_field = TextField()


class WordLike(Func):
    """`term <% text`: some run of words of `text` is like `term` (pg_trgm's word similarity,
    at its threshold)."""

    template = "%(expressions)s"
    arg_joiner = " <%% "
    output_field = BooleanField()


class WordSimilarity(Func):
    function = "word_similarity"
    output_field = FloatField()


class Similarity(Func):
    function = "similarity"
    output_field = FloatField()


def restaurants_matching(queryset, term: str):
    """`queryset` narrowed to restaurants matching `term`; on PostgreSQL annotated with
    `search_rank` (0 to 1) for ordering."""
    if connection.vendor != "postgresql":
        return _substring_matches(queryset, term)
    wanted = SearchText(Value(term))
    by_name = Restaurant.objects.filter(Q(WordLike(wanted, SearchText("name")))).values("pk")
    by_dish = MenuItem.objects.filter(Q(WordLike(wanted, SearchText("name")))).values(
        "restaurant_id"
    )
    by_cuisine = Restaurant.cuisines.through.objects.filter(
        Q(WordLike(wanted, SearchText(F("cuisine__name"))))
    ).values("restaurant_id")
    return queryset.filter(pk__in=by_name.union(by_dish, by_cuisine)).annotate(
        search_rank=Greatest(
            WordSimilarity(wanted, SearchText("name")), Similarity(wanted, SearchText("name"))
        )
    )


def _substring_matches(queryset, term: str):
    dish = MenuItem.objects.filter(restaurant_id=OuterRef("pk"), name__icontains=term)
    cuisine = Restaurant.cuisines.through.objects.filter(
        restaurant_id=OuterRef("pk"), cuisine__name__icontains=term
    )
    return queryset.filter(Q(name__icontains=term) | Exists(cuisine) | Exists(dish))
