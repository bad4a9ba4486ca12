import pytest

pytestmark = pytest.mark.django_db

ME = "{ me { id email fullName role } }"


def test_anonymous_me_is_null(gql):
    result = gql.execute(ME)
    assert result.errors is None
    assert result.data == {"me": None}


def test_forged_token_is_anonymous_not_an_error(gql):
    result = gql.execute(ME, token="not.a.jwt")
    assert result.status_code == 200
    assert result.data == {"me": None}
