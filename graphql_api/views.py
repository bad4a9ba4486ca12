from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.http import HttpResponse
from django.template.loader import render_to_string
from django.views.decorators.csrf import csrf_exempt
from strawberry.django.views import GraphQLView

from accounts.middleware import bearer_token
from graphql_api.schema import schema

# Exactly what the GraphiQL page needs: its own scripts and styles; React's and GraphiQL's
# inline style attributes; the fonts and icons GraphiQL's CSS embeds as data: URLs; and the API
# itself over HTTP and WebSocket (same origin). Nothing from anywhere else, no inline script.
GRAPHIQL_CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'none'",
        "script-src 'self'",
        "style-src 'self'",
        "font-src 'self' data:",
        "img-src 'self' data:",
        "connect-src 'self'",
        "base-uri 'none'",
        "form-action 'none'",
        "frame-ancestors 'none'",
    ]
)


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

    def render_graphql_ide(self, request):
        # Strawberry's page loads React and GraphiQL from a CDN; ours serves them from the
        # static files (graphql_api/static/graphiql, `make graphiql`), so it works offline.
        response = HttpResponse(render_to_string("graphql_api/graphiql.html", request=request))
        response["Content-Security-Policy"] = GRAPHIQL_CONTENT_SECURITY_POLICY
        return response


def graphql_view():
    return csrf_exempt(
        APIGraphQLView.as_view(schema=schema, graphql_ide="graphiql" if settings.GRAPHIQL else None)
    )
