import strawberry
from strawberry.types import Info

from graphql_api.accounts.types import UserType
from graphql_api.core.context import current_user


@strawberry.type
class AccountsQuery:
    @strawberry.field(description="The signed-in user; null for anonymous callers.")
    def me(self, info: Info) -> UserType | None:
        user = current_user(info)
        return user if user.is_authenticated else None
