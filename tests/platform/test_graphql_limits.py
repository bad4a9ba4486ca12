"""Limits on what one request may ask for: depth, aliases, page size, masked internals."""

import pytest

from tests.factories import RestaurantFactory

pytestmark = pytest.mark.django_db


def test_a_page_larger_than_100_is_refused(gql):
    RestaurantFactory()

    result = gql.execute("{ restaurants(first: 500) { totalCount } }")

    assert result.errors[0]["message"] == "`first` is between 0 and 100."
    assert result.errors[0]["extensions"] == {"code": "VALIDATION", "field": "first"}


def test_too_deep_a_query_is_refused_before_it_runs(gql, settings):
    settings.GRAPHQL_MAX_DEPTH = 5
    nine_deep = """{ restaurants { edges { node { menu { items { optionGroups {
      options { priceDelta { amount } } } } } } } } }"""

    result = gql.execute(nine_deep)

    assert result.data is None
    assert "exceeds maximum operation depth of 5" in result.errors[0]["message"]


def test_too_many_aliases_are_refused(gql, settings):
    aliases = " ".join(f"a{n}: me {{ id }}" for n in range(settings.GRAPHQL_MAX_ALIASES + 1))

    result = gql.execute("{ " + aliases + " }")

    assert result.errors and "aliases" in result.errors[0]["message"].lower()
    assert result.data is None
