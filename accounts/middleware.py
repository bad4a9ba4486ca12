from django.utils.functional import SimpleLazyObject

from accounts.selectors import user_from_access_token


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
            request.user = SimpleLazyObject(lambda: user_from_access_token(token))
        return self.get_response(request)
