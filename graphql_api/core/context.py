"""Who is calling: the user the request (or the WebSocket's connection params) authenticated."""

from django.contrib.auth.models import AnonymousUser
from strawberry.types import Info

from accounts.errors import TokenExpired
from accounts.middleware import access_token_expired, access_token_session_id
from accounts.models import User
from core.errors import NotAuthenticated


def current_user(info: Info) -> User | AnonymousUser:
    context = info.context
    request = context.get("request") if isinstance(context, dict) else context.request
    user = getattr(request, "user", None) if request is not None else None
    if user is None and isinstance(context, dict):
        user = context.get("user")
    return user if user is not None else AnonymousUser()


def require_user(info: Info) -> User:
    """The signed-in user, or NotAuthenticated (turned into a typed error by the caller)."""
    user = current_user(info)
    if not user.is_authenticated:
        if _token_expired(info):
            raise TokenExpired()
        raise NotAuthenticated("Sign in to do this.")
    return user


def _token_expired(info: Info) -> bool:
    context = info.context
    request = context.get("request") if isinstance(context, dict) else context.request
    return request is not None and access_token_expired(request)


def current_session_id(info: Info) -> str | None:
    """The session (refresh-token family) the caller's access token belongs to, if any."""
    context = info.context
    request = context.get("request") if isinstance(context, dict) else context.request
    if request is None:
        return None
    current_user(info).is_authenticated  # noqa: B018 - evaluates the lazy user: the token check
    return access_token_session_id(request)
