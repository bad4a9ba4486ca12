import json

import orjson
from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpResponse
from django.template.loader import render_to_string
from django.views.decorators.csrf import csrf_exempt
from strawberry.django.views import GraphQLView

from accounts.middleware import bearer_token
from graphql_api.core.response_cache import cached_response, cached_response_key, response_store
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


GRAPHQL_RESPONSE_MEDIA_TYPE = "application/graphql-response+json"
JSON_MEDIA_TYPE = "application/json"


def _accepted(accept: str) -> dict[str, float]:
    """Media types of an Accept header with their quality (parameters other than q ignored)."""
    accepted = {}
    for item in accept.split(","):
        media_type, *parameters = (part.strip() for part in item.split(";"))
        quality = 1.0
        for parameter in parameters:
            name, _, value = parameter.partition("=")
            if name.strip().lower() == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = 0.0
        if media_type:
            accepted[media_type.lower()] = max(quality, accepted.get(media_type.lower(), 0.0))
    return accepted


def wants_graphql_response(request) -> bool:
    """GraphQL over HTTP: answer `application/graphql-response+json` to a client that prefers
    it; `application/json` to every other (and to one that sends no Accept, as before)."""
    accepted = _accepted(request.headers.get("Accept", ""))
    preferred = accepted.get(GRAPHQL_RESPONSE_MEDIA_TYPE, 0.0)
    return preferred > 0 and preferred >= accepted.get(JSON_MEDIA_TYPE, 0.0)


def _never_executed(result) -> bool:
    """A request refused before it ran: not parsed, not valid, or variables of the wrong type.
    Only errors of execution have a path (a field); a failed root field that nulls `data` ran."""
    return (
        result.data is None
        and bool(result.errors)
        and all(error.path is None for error in result.errors)
    )


class APIGraphQLView(GraphQLView):
    """The GraphQL endpoint authenticates by bearer token only.

    Ignoring the admin's session cookie here is what makes exempting the endpoint from CSRF safe:
    a page in another tab cannot act with a cookie the API never reads.

    GET runs queries only (cacheable; GraphiQL's page when a browser asks for HTML); a mutation
    over GET is 405, as GraphQL over HTTP requires. A client accepting
    `application/graphql-response+json` gets that media type, and 400 without `data` for a
    request that never ran; `application/json` clients get 200 as they always did.
    """

    def dispatch(self, request, *args, **kwargs):
        if bearer_token(request.headers.get("Authorization", "")) is None:
            request.user = AnonymousUser()
        response = self._answer(request, *args, **kwargs)
        if request.method == "GET" and _is_mutation_over_get(response):
            refused = HttpResponse(
                "Mutations are not allowed over GET: use POST.",
                status=405,
                content_type="text/plain",
            )
            refused["Allow"] = "POST"
            return refused
        if response.get("Content-Type", "").startswith(JSON_MEDIA_TYPE) and (
            wants_graphql_response(request)
        ):
            response["Content-Type"] = f"{GRAPHQL_RESPONSE_MEDIA_TYPE}; charset=utf-8"
            if getattr(request, "graphql_never_executed", False):
                response.status_code = 400
        return response

    def _answer(self, request, *args, **kwargs):
        """The answer, from the whole-response cache for a public catalogue read it holds."""
        key = _response_cache_key(request)
        if key is None:
            return super().dispatch(request, *args, **kwargs)
        body = cached_response(key)
        if body is not None:
            response = HttpResponse(body, content_type=JSON_MEDIA_TYPE)
            response["X-GraphQL-Cache"] = "hit"
            return response
        response = super().dispatch(request, *args, **kwargs)
        if response.status_code == 200 and response.get("Content-Type", "").startswith(
            JSON_MEDIA_TYPE
        ):
            response_store(key, response.content)
            response["X-GraphQL-Cache"] = "miss"
        return response

    def encode_json(self, data) -> bytes:
        # orjson: a big menu's answer is hundreds of kilobytes, and the standard library's
        # encoder was a tenth of its time. Anything orjson does not know (a Decimal in an error's
        # extensions) is encoded as Django's encoder would.
        return orjson.dumps(data, default=_django_json_default)

    def process_result(self, request, result):
        answer = super().process_result(request, result)
        request.graphql_never_executed = _never_executed(result)
        if request.graphql_never_executed and wants_graphql_response(request):
            # The spec's answer to a request that never ran: errors, and no `data` at all.
            answer.pop("data", None)
        return answer

    def render_graphql_ide(self, request):
        # Strawberry's page loads React and GraphiQL from a CDN; ours serves them from the
        # static files (graphql_api/static/graphiql, `make graphiql`), so it works offline.
        response = HttpResponse(render_to_string("graphql_api/graphiql.html", request=request))
        response["Content-Security-Policy"] = GRAPHIQL_CONTENT_SECURITY_POLICY
        return response


_django_json_default = DjangoJSONEncoder().default


def _response_cache_key(request) -> str | None:
    """The response cache's key for a query sent as JSON over POST or in GET's parameters."""
    if request.method == "POST" and request.content_type == JSON_MEDIA_TYPE:
        try:
            params = json.loads(request.body)
        except ValueError:
            return None
    elif request.method == "GET" and "query" in request.GET:
        params = dict(request.GET.items())
        try:
            params["variables"] = json.loads(params.get("variables") or "null")
        except ValueError:
            return None
    else:
        return None
    if not isinstance(params, dict):
        return None
    return cached_response_key(
        schema=schema._schema,
        document=params.get("query"),
        variables=params.get("variables"),
        operation_name=params.get("operationName"),
        user=request.user,
    )


def _is_mutation_over_get(response) -> bool:
    # Strawberry refuses a mutation (or subscription) over GET with a 400 and this reason.
    return response.status_code == 400 and b"not allowed when using get" in response.content.lower()


def graphql_view():
    return csrf_exempt(
        APIGraphQLView.as_view(
            schema=schema,
            graphql_ide="graphiql" if settings.GRAPHIQL else None,
            # Passed here: Strawberry's __init__ overrides a class attribute with its default.
            allow_queries_via_get=True,
        )
    )
