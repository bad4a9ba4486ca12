"""The GraphQL WebSocket endpoint (graphql-transport-ws) with bearer-token authentication.

Browsers cannot set headers on a WebSocket, so the access token travels in the connection_init
payload (`connection_params`): `{"Authorization": "Bearer <token>"}` or `{"token": "<token>"}`.
Other clients may send the usual Authorization header on the upgrade request instead. The user
is resolved once per connection and kept in the connection's context, where
`graphql_api.core.context.current_user` finds it.
"""

from channels.db import database_sync_to_async
from strawberry.channels import GraphQLWSConsumer
from strawberry.exceptions import ConnectionRejectionError
from strawberry.types.unset import UNSET

from accounts.middleware import bearer_token
from accounts.selectors import user_from_access_token


def token_from_connection_params(params: object) -> str | None:
    if not isinstance(params, dict):
        return None
    for key in ("Authorization", "authorization"):
        value = params.get(key)
        if isinstance(value, str) and (token := bearer_token(value)):
            return token
    for key in ("token", "accessToken"):
        value = params.get(key)
        if isinstance(value, str) and value.strip():
            return value.strip()
    return None


class AuthenticatedGraphQLWSConsumer(GraphQLWSConsumer):
    async def on_ws_connect(self, context):
        token = token_from_connection_params(context.get("connection_params"))
        if token is None:
            headers = dict(self.scope.get("headers", ()))
            token = bearer_token(headers.get(b"authorization", b"").decode("latin1"))
        user = await database_sync_to_async(user_from_access_token)(token)
        if token is not None and not user.is_authenticated:
            # Tell the client now, so it refreshes its token, rather than on every subscription.
            raise ConnectionRejectionError({"code": "INVALID_TOKEN"})
        context["user"] = user
        return UNSET
