from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.views.decorators.csrf import csrf_exempt
from strawberry.django.views import GraphQLView

from accounts.middleware import bearer_token
from graphql_api.schema import schema


class APIGraphQLView(GraphQLView):
    """The GraphQL endpoint authenticates by bearer token only.

    Ignoring the admin's session cookie here is what makes exempting the endpoint from CSRF safe:
    a page in another tab cannot act with a cookie the API never reads.
    """

    allow_queries_via_get = False

    def dispatch(self, request, *args, **kwargs):
        if bearer_token(request.headers.get("Authorization", "")) is None:
            request.user = AnonymousUser()
        return super().dispatch(request, *args, **kwargs)


def graphql_view():
    return csrf_exempt(
        APIGraphQLView.as_view(schema=schema, graphql_ide="graphiql" if settings.GRAPHIQL else None)
    )
