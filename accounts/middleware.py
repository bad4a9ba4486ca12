from django.utils.functional import SimpleLazyObject

from accounts.selectors import AccessTokenCheck, access_token_check


def bearer_token(authorization: str) -> str | None:
    scheme, _, token = (authorization or "").partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return None
    return token.strip()


class BearerTokenMiddleware:
    """Authenticates API calls by `Authorization: Bearer <access token>`.

    Requests without the header keep the session user (the Django admin). A bad token makes the
    caller anonymous rather than failing the request: GraphQL answers NOT_AUTHENTICATED per field.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = bearer_token(request.headers.get("Authorization", ""))
        if token is not None:
            request.user = SimpleLazyObject(lambda: _checked(request, token).user)
        return self.get_response(request)


def _checked(request, token: str) -> AccessTokenCheck:
    if not hasattr(request, "_access_token_check"):
        request._access_token_check = access_token_check(token)
    return request._access_token_check


def access_token_expired(request) -> bool:
    """Whether the request's bearer token was genuine but past its lifetime (once its user has
    been looked at), so that the app is told to refresh rather than to sign in again."""
    check = getattr(request, "_access_token_check", None)
    return check is not None and check.expired


def access_token_session_id(request) -> str | None:
    """The session the request's bearer token belongs to (once its user has been looked at)."""
    check = getattr(request, "_access_token_check", None)
    return check.session_id if check is not None and check.valid else None
