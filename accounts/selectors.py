from django.contrib.auth.models import AnonymousUser

from accounts.models import User
from accounts.tokens import InvalidToken, access_token_decode


def user_from_access_token(token: str | None) -> User | AnonymousUser:
    """The active user a bearer token speaks for, or an anonymous user for any bad token."""
    if not token:
        return AnonymousUser()
    try:
        claims = access_token_decode(token)
    except InvalidToken:
        return AnonymousUser()
    user = User.objects.filter(pk=claims.user_id, is_active=True).first()
    if user is None:
        return AnonymousUser()
    if user.tokens_valid_after and claims.issued_at < user.tokens_valid_after.replace(
        microsecond=0
    ):
        return AnonymousUser()
    return user


def user_by_id(user_id) -> User | None:
    return User.objects.filter(pk=user_id).first()
